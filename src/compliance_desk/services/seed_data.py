"""The reference data the plan names (BRIEF.md, plan section 六 and the annexes).

Seeded once into a new database; from then on it is ordinary data an administrator edits.
"""

from __future__ import annotations

INDUSTRIES = [("umbrella", "伞业"), ("game", "游戏产业")]

# (code, name, industry code, address)
CENTRES = [
    ("umbrella", "伞业合规中心", "umbrella", "上虞区崧厦街道企业综合服务中心（法治专区）"),
    ("game", "游戏产业合规中心", "game", "上虞区e游小镇产业园区管理服务中心"),
]

# (centre code, name)
COMPLIANCE_POINTS = [
    ("umbrella", "崧厦街道伞业合规点（服务中心）"),
    ("umbrella", "崧厦街道伞业合规点（示范企业）"),
    ("game", "e游小镇游戏产业合规点（服务中心）"),
    ("game", "e游小镇游戏产业合规点（示范企业）"),
]

# (code, name, prefix used in document numbers)
DEPARTMENTS = [
    ("rule_of_law_office", "区委依法治区办", "虞法治"),
    ("songxia", "崧厦街道", "崧街"),
    ("egame_town", "e游小镇", "e游"),
    ("police", "公安分局", "虞公"),
    ("hr_social", "人力社保局", "虞人社"),
    ("emergency", "应急管理局", "虞应急"),
    ("market", "市场监管局", "虞市监"),
    ("environment", "生态环境分局", "虞环"),
    ("tax", "税务局", "虞税"),
    ("fire", "消防大队", "虞消"),
    ("justice", "司法局", "虞司"),
    ("petitions", "信访局", "虞信访"),
    ("culture_tourism", "文广旅游局", "虞文旅"),
    ("publicity", "宣传部", "虞宣"),
    ("court", "法院", "虞法"),
    ("procuratorate", "检察院", "虞检"),
]

# (name, industry code or None)
CHAMBERS = [
    ("崧厦伞业商会", "umbrella"),
    ("上虞区伞业协会", "umbrella"),
    ("上虞区游戏产业商会", "game"),
    ("上虞区工商联", None),
    ("律协上虞分会", None),
]
