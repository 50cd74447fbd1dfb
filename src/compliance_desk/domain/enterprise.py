"""The enterprise record as the desk edits it, and the rules every edit must pass."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from uuid import UUID

from compliance_desk.domain import phone, uscc
from compliance_desk.domain.errors import ValidationError
from compliance_desk.domain.text import clean_line, clean_name, unprintable_problem

MAX_NAME = 200
MAX_LINE = 500
MAX_NOTES = 10_000


class EnterpriseSize(StrEnum):
    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"
    ABOVE_SCALE = "above_scale"

    @property
    def label(self) -> str:
        return SIZE_LABELS[self]


SIZE_LABELS = {
    EnterpriseSize.MICRO: "微型",
    EnterpriseSize.SMALL: "小型",
    EnterpriseSize.MEDIUM: "中型",
    EnterpriseSize.LARGE: "大型",
    EnterpriseSize.ABOVE_SCALE: "规上",
}
SIZE_BY_LABEL = {label: size for size, label in SIZE_LABELS.items()} | {
    "规模以上": EnterpriseSize.ABOVE_SCALE,
    "微": EnterpriseSize.MICRO,
    "小": EnterpriseSize.SMALL,
    "中": EnterpriseSize.MEDIUM,
    "大": EnterpriseSize.LARGE,
}

FIELD_LABELS = {
    "name": "企业名称",
    "uscc": "统一社会信用代码",
    "industry_id": "所属产业",
    "centre_id": "合规中心",
    "chamber_id": "所属商会",
    "address": "企业地址",
    "legal_representative": "法定代表人",
    "contact_person": "联系人",
    "contact_phone": "联系电话",
    "size": "企业规模",
    "settled_on": "入驻时间",
    "on_compliant_list": "列入合规企业名单",
    "is_model": "合规示范企业",
    "notes": "备注",
}


@dataclass(frozen=True)
class EnterpriseDraft:
    """What a form, an import row or a script submits. Validated by ``validated``."""

    name: str
    uscc: str
    industry_id: UUID | None = None
    centre_id: UUID | None = None
    chamber_id: UUID | None = None
    address: str = ""
    legal_representative: str = ""
    contact_person: str = ""
    contact_phone: str = ""
    size: EnterpriseSize | None = None
    settled_on: date | None = None
    on_compliant_list: bool = False
    is_model: bool = False
    notes: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def validated(self) -> EnterpriseDraft:
        """A cleaned copy, or ValidationError naming every wrong field in Chinese."""
        problems: dict[str, str] = {}
        name = clean_name(self.name)
        if not name:
            problems["name"] = "企业名称不能为空"
        elif len(name) > MAX_NAME:
            problems["name"] = f"企业名称过长（{len(name)}字，最多{MAX_NAME}字）"
        elif bad := unprintable_problem("企业名称", name):
            problems["name"] = bad
        code_problem = uscc.problem(self.uscc)
        if code_problem:
            problems["uscc"] = code_problem
        for key in ("address", "legal_representative", "contact_person"):
            value = getattr(self, key)
            if len(value) > MAX_LINE:
                problems[key] = f"{FIELD_LABELS[key]}过长（{len(value)}字，最多{MAX_LINE}字）"
            elif bad := unprintable_problem(FIELD_LABELS[key], clean_line(value)):
                problems[key] = bad
        if len(self.notes) > MAX_NOTES:
            problems["notes"] = f"备注过长（{len(self.notes)}字，最多{MAX_NOTES}字）"
        # one number or several (a ledger's "0575-82110174/13957667049"), or a service line
        phone_problem = (
            (
                phone.numbers_problem(self.contact_phone, service_lines=False)
                if self.contact_phone.strip()
                else None
            )  # fmt: skip
            if len(self.contact_phone) < 60
            else "联系电话过长"
        )
        if phone_problem:
            problems["contact_phone"] = phone_problem
        if problems:
            raise ValidationError(problems)
        return dataclasses.replace(
            self,
            name=name,
            uscc=uscc.normalise(self.uscc),
            address=clean_line(self.address),
            legal_representative=clean_name(self.legal_representative),
            contact_person=clean_name(self.contact_person),
            contact_phone=phone.normalise_many(self.contact_phone),
            notes=self.notes.strip(),
        )
