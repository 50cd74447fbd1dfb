"""The 不予行政处罚决定书's data from findings matched to the minor-violation exemption list.

One finding or all the findings of one inspection: a decision covers the whole case, so an
inspection whose every finding is on the exemption list gives one decision naming them all.
Administrative Penalty Law art. 33 requires the party to be educated; the education given is
part of the decision, so it is required here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from compliance_desk.domain.errors import DomainError


@dataclass(frozen=True)
class ExemptFinding:
    description: str  # what was found (the checklist item's text when none was written)
    legal_basis: str  # the finding's basis (as edited on site)
    photos: int
    exemption_title: str
    exemption_basis: str
    exemption_conditions: str


def check_education(education: str) -> str:
    if not education.strip():
        raise DomainError("不予处罚必须对当事人进行教育：请写明教育的内容和方式",
                          "no education recorded")  # fmt: skip
    return education.strip()


def decision_data(
    today: date,
    party: dict[str, str],
    inspected_on: date,
    findings: list[ExemptFinding],
    education: str,
) -> dict[str, Any]:
    """The letter's case fields; the caller adds nothing but the authority and remedies."""
    assert findings
    day = f"{inspected_on.year}年{inspected_on.month}月{inspected_on.day}日"
    photos = sum(f.photos for f in findings)
    if len(findings) == 1:
        (only,) = findings
        facts = f"{day}综合检查发现：{only.description}"
        ground = (f"当事人的行为属于轻微违法行为不予处罚清单所列“{only.exemption_title}”，"
                  f"符合{only.exemption_conditions}的情形。")  # fmt: skip
    else:
        listed = "；".join(f"{n}. {f.description}" for n, f in enumerate(findings, start=1))
        facts = f"{day}综合检查发现：{listed}"
        each = "；".join(f"第{n}项属于“{f.exemption_title}”，符合{f.exemption_conditions}的情形"
                        for n, f in enumerate(findings, start=1))  # fmt: skip
        ground = f"当事人的上述行为均属于轻微违法行为不予处罚清单所列事项：{each}。"
    return {
        "date": today.isoformat(),
        "party": party,
        "facts": facts,
        "evidence": ["现场检查记录（经企业代表签字确认）"]
                    + ([f"现场照片 {photos} 张"] if photos else []),
        "violated": "；".join(_unique(f.legal_basis for f in findings)),
        "ground": ground,
        "ground_basis": "；".join(_unique(f.exemption_basis for f in findings)),
        "education": check_education(education),
    }  # fmt: skip


def _unique(texts: Any) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in texts if t.strip()))
