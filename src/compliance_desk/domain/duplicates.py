"""When two names are "near-identical": the rule the register uses to warn at entry."""

from __future__ import annotations

import difflib
import uuid
from dataclasses import dataclass

from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.text import name_key

_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "公司",
    "厂",
    "店",
    "工作室",
    "合伙企业",
)


def core_key(name: str) -> str:
    """The name without its legal form: 崧厦蓝天伞骨厂 and 崧厦蓝天伞骨有限公司 share one core."""
    key = name_key(name)
    for form in _LEGAL_FORMS:
        if key.endswith(form) and len(key) > len(form):
            return key[: -len(form)]
    return key


def near_identical(a: str, b: str) -> bool:
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    ca, cb = core_key(a), core_key(b)
    if ca == cb:
        return True
    return difflib.SequenceMatcher(None, ka, kb).ratio() >= 0.92


@dataclass(frozen=True)
class ExistingEnterprise:
    id: uuid.UUID
    name: str
    uscc: str


class DuplicateEnterprise(DomainError):
    """The USCC is already registered: the existing record is where the desk should go."""

    def __init__(self, existing: ExistingEnterprise) -> None:
        super().__init__(
            f"统一社会信用代码 {existing.uscc} 已登记为“{existing.name}”，请打开已有档案而不是重复登记",
            f"duplicate uscc {existing.uscc} (enterprise {existing.id})",
        )
        self.existing = existing


class SimilarNames(DomainError):
    """Names that look like the one entered; the user confirms or opens one of them."""

    def __init__(self, name: str, similar: list[ExistingEnterprise]) -> None:
        listed = "、".join(f"“{s.name}”" for s in similar[:5])
        super().__init__(
            f"已有名称相近的企业：{listed}。请确认“{name}”不是同一家企业",
            f"{len(similar)} enterprises with a name near {name!r}",
        )
        self.similar = similar
