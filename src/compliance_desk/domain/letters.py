"""Letters' life: draft -> issued (numbered, signed, frozen) -> superseded by a correction or
voided with a reason.  And what an official number looks like: 虞市监合建〔2026〕12号."""

from __future__ import annotations

import re
from enum import StrEnum

from compliance_desk.domain.errors import DomainError


class LetterStatus(StrEnum):
    DRAFT = "draft"
    ISSUED = "issued"
    SUPERSEDED = "superseded"  # a correction was issued in its place
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return {"draft": "草稿", "issued": "已签发", "superseded": "已更正", "voided": "已作废"}[
            self.value
        ]


NUMBER = re.compile(r"^(?P<prefix>[^〔〕\s]+)〔(?P<year>\d{4})〕(?P<seq>[1-9]\d*)号$")


def format_number(prefix: str, year: int, seq: int) -> str:
    """Authority code + 〔full year〕 + sequence + 号: no 第, no zero padding, hexagonal brackets."""
    if not prefix or seq < 1:
        raise ValueError(f"bad number parts {prefix!r} {seq}")
    return f"{prefix}〔{year}〕{seq}号"


def parse_number(text: str) -> tuple[str, int, int]:
    match = NUMBER.match(text.strip())
    if match is None:
        raise DomainError(
            f"文号格式不对：{text}（应如 虞市监合建〔2026〕12号）", f"bad number {text!r}"
        )
    return match["prefix"], int(match["year"]), int(match["seq"])
