"""Reproducible demo data: Chinese enterprises of both industries, and one user per role.

``small`` (about 200 enterprises) is for trying the app and for the README screenshot;
``large`` (100,000) is for the benchmarks.  The same seed always gives the same data.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from compliance_desk.domain.enterprise import EnterpriseDraft, EnterpriseSize
from compliance_desk.domain.roles import Role
from compliance_desk.domain.uscc import with_check_character
from compliance_desk.persistence.models import AppUser, Centre, Chamber, Enterprise, Industry
from compliance_desk.services.auth import AuthService
from compliance_desk.services.context import CurrentUser, ServiceContext
from compliance_desk.services.enterprises import apply_draft

SCALES = {"small": 200, "large": 100_000}

# (username, display name, role, password): the README lists these.
DEMO_USERS = [
    ("admin", "王建国", Role.ADMINISTRATOR, "Admin2026"),
    ("clerk", "陈晓燕", Role.CLERK, "Clerk2026"),
    ("adviser", "李律师", Role.LEGAL_ADVISER, "Adviser2026"),
    ("inspector", "赵志刚", Role.INSPECTOR, "Inspector2026"),
]

PLACES = [
    "崧厦",
    "上虞",
    "曹娥",
    "百官",
    "盖北",
    "谢塘",
    "丰惠",
    "舜江",
    "长塘",
    "驿亭",
    "小越",
    "东关",
    "道墟",
    "沥海",
    "梁湖",
]
BRANDS = [
    "蓝天",
    "恒丰",
    "宏达",
    "雨霏",
    "润泽",
    "丽晶",
    "海涛",
    "众诚",
    "嘉禾",
    "永兴",
    "华伞",
    "金伞",
    "天堂",
    "晴雨",
    "虹霓",
    "百合",
    "紫荆",
    "东升",
    "新和",
    "瑞丰",
    "鼎盛",
    "卓越",
    "诚信",
    "荣达",
    "晨光",
    "远航",
    "天成",
    "博雅",
    "明辉",
    "锦程",
    "兴隆",
    "安泰",
    "盛世",
    "云帆",
    "春晖",
    "德馨",
]
UMBRELLA_TRADES = ["伞业", "制伞", "伞件制造", "伞骨", "雨具", "日用品", "伞面印染", "户外用品"]
GAME_BRANDS = [
    "翊霄",
    "火鸟",
    "星游",
    "极光",
    "曜石",
    "乘风",
    "像素",
    "青瓷",
    "云梦",
    "灵犀",
    "墨羽",
    "凌霄",
    "幻境",
    "鲸落",
    "萤火",
    "星河",
]
GAME_TRADES = ["游戏开发", "数字科技", "互动娱乐", "网络科技", "动漫设计", "电竞文化", "软件开发"]
FORMS = ["有限公司", "有限公司", "有限公司", "厂", "股份有限公司"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = [
    "建国",
    "国平",
    "志强",
    "海燕",
    "丽华",
    "晓峰",
    "立新",
    "雪梅",
    "静",
    "敏",
    "伟",
    "芳",
    "喆",
    "堃",
    "秀英",
    "桂兰",
    "明",
    "磊",
    "洋",
    "婷",
]
STREETS = [
    ("崧厦街道", ["伞城大道", "工业区", "人民西路", "祝温路"]),
    ("百官街道", ["市民大道", "人民大道"]),
    ("曹娥街道", ["江扬路", "曹娥路"]),
]
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(frozen=True)
class DemoSummary:
    enterprises: int
    users: int


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _uscc(rng: random.Random) -> str:
    body = "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return with_check_character("91330604" + body)


def _phone(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"
    return f"0575-821{rng.randrange(10**5):05d}"


def enterprise_drafts(count: int, seed: int, refs: dict[str, object]) -> list[EnterpriseDraft]:
    rng = random.Random(seed)
    drafts: list[EnterpriseDraft] = []
    names: set[str] = set()
    codes: set[str] = set()
    attempts = 0
    while len(drafts) < count:
        attempts += 1
        if attempts > count * 20:
            raise RuntimeError(f"demo name space exhausted after {len(drafts)} enterprises")
        game = rng.random() < 0.3
        if game:
            brand = rng.choice(GAME_BRANDS)
            if rng.random() < 0.5 or count > 500:
                brand += rng.choice(BRANDS)
            if count > 5000:  # enough distinct names for the 100,000-row benchmark
                brand = rng.choice(BRANDS) + brand
            name = f"绍兴上虞{brand}{rng.choice(GAME_TRADES)}有限公司"
            address = f"e游小镇{rng.randint(1, 12)}幢{rng.randint(101, 999)}室"
            industry, centre, chamber = refs["game"], refs["game_centre"], refs["game_chamber"]
        else:
            brand = rng.choice(BRANDS)
            if count > 500:
                brand += rng.choice(BRANDS)
            name = f"{rng.choice(PLACES)}{brand}{rng.choice(UMBRELLA_TRADES)}{rng.choice(FORMS)}"
            street, roads = rng.choice(STREETS)
            address = f"{street}{rng.choice(roads)}{rng.randint(1, 400)}号"
            industry, centre = refs["umbrella"], refs["umbrella_centre"]
            chamber = rng.choice([refs["songxia_chamber"], refs["umbrella_assoc"], None])
        code = _uscc(rng)
        if name in names or code in codes:
            continue
        names.add(name)
        codes.add(code)
        drafts.append(
            EnterpriseDraft(
                name=name,
                uscc=code,
                industry_id=industry,  # type: ignore[arg-type]
                centre_id=centre,  # type: ignore[arg-type]
                chamber_id=chamber,  # type: ignore[arg-type]
                address=address,
                legal_representative=_person(rng),
                contact_person=_person(rng),
                contact_phone=_phone(rng),
                size=rng.choice(list(EnterpriseSize)),
                settled_on=date(2015, 1, 1) + timedelta(days=rng.randrange(3600)),
                on_compliant_list=rng.random() < 0.15,
                is_model=rng.random() < 0.01,
                notes="",
            ).validated()
        )
    return drafts


def _refs(ctx: ServiceContext) -> dict[str, object]:
    with ctx.uow(None) as uow:
        s = uow.session
        industries = {i.code: i.id for i in s.scalars(select(Industry))}
        centres = {c.code: c.id for c in s.scalars(select(Centre))}
        chambers = {c.name: c.id for c in s.scalars(select(Chamber))}
    return {
        "umbrella": industries.get("umbrella"),
        "game": industries.get("game"),
        "umbrella_centre": centres.get("umbrella"),
        "game_centre": centres.get("game"),
        "songxia_chamber": chambers.get("崧厦伞业商会"),
        "umbrella_assoc": chambers.get("上虞区伞业协会"),
        "game_chamber": chambers.get("上虞区游戏产业商会"),
    }


def ensure_demo_users(ctx: ServiceContext) -> CurrentUser:
    """Create the demo users that do not exist yet; return the administrator."""
    auth = AuthService(ctx)
    with ctx.uow(None) as uow:
        existing = set(uow.session.scalars(select(AppUser.username)))
        centre = uow.session.scalars(select(Centre.id).where(Centre.code == "umbrella")).first()
    admin: CurrentUser | None = None
    for username, display, role, password in DEMO_USERS:
        if username in existing:
            continue
        if role is Role.ADMINISTRATOR and auth.needs_first_run():
            admin = auth.create_first_administrator(username, display, password)
        else:
            admin = admin or auth.login("admin", "Admin2026")
            auth.create_user(admin, username, display, role, password, centre)
    return admin or auth.login("admin", "Admin2026")


def load_demo(
    ctx: ServiceContext,
    scale: str = "small",
    seed: int = 20241,
    progress: Callable[[int, int], None] | None = None,
) -> DemoSummary:
    """Idempotent: enterprises already present (same USCC) are not added again."""
    admin = ensure_demo_users(ctx)
    drafts = enterprise_drafts(SCALES[scale], seed, _refs(ctx))
    with ctx.uow(admin) as uow:
        present = set(uow.session.scalars(select(Enterprise.uscc)))
    todo = [d for d in drafts if d.uscc not in present]
    batch = 2000
    for start in range(0, len(todo), batch):
        with ctx.uow(admin) as uow:
            for draft in todo[start : start + batch]:
                e = Enterprise()
                apply_draft(e, draft)
                uow.session.add(e)
            uow.commit()
        if progress:
            progress(min(start + batch, len(todo)), len(todo))
    return DemoSummary(enterprises=len(todo), users=len(DEMO_USERS))
