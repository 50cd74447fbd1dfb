"""Legal values that change over time, chosen by a letter's decision date.

Review and litigation time limits, credit publication periods by grade (the national regime
changed on 2026-04-01) and by authority (an authority's own rules, such as market
supervision's, where a version of them is recorded), the minimum rectification period: data in
resources/legal/values.json, each version with the date it takes effect, never literals in
code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from compliance_desk.domain.errors import DomainError

_LABELS = {  # the values' names for people (the keys are the data file's)
    "review": "行政复议期限",
    "litigation": "行政诉讼期限",
    "credit_publication": "信用信息公示期限",
    "rectification_min_months": "整改期限最短月数",
}


class LegalValues:
    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data

    def in_force(self, key: str, on: date) -> dict[str, Any]:
        """The version of ``key`` in force on ``on`` (the latest whose "from" is not after it)."""
        versions = sorted(self.data.get(key, []), key=lambda v: str(v["from"]))
        chosen = [v for v in versions if date.fromisoformat(v["from"]) <= on]
        if not chosen:
            raise DomainError(
                f"{on.isoformat()} 没有生效的{_LABELS.get(key, f'“{key}”')}法定数值"
                "（文书日期可能过早），请核对文书日期，或请管理员在法定数值中补充",
                f"no legal value {key!r} in force on {on}",
            )
        return dict(chosen[-1])

    def credit_grade(self, grade: str, on: date, authority: str = "") -> dict[str, Any]:
        """The publication period and repair conditions of ``grade`` for a penalty decided on
        ``on`` by ``authority``: the authority's own rules (credit_publication_by_authority,
        chosen by the words in its name) when a version of them is in force on that date,
        else the national rules in force then."""
        regime = self.authority_regime(authority, on)
        if regime is not None:
            code, meta, version = regime
        else:
            code, meta, version = "", {}, self.in_force("credit_publication", on)
        grades = version["grades"]
        if grade not in grades:
            known = "、".join(g["label"] for g in grades.values())
            raise DomainError(
                f"决定日期 {on.isoformat()} 适用的{version['rule']}没有该失信等级（可选：{known}）",
                f"credit grade {grade!r} not defined by the rule in force on {on}"
                + (f" for {code}" if code else ""),
            )
        chosen = {"rule": version["rule"], "from": version["from"], **grades[grade]}
        if code:
            chosen["authority"] = meta.get("label", code)
        return chosen

    def authority_regime(
        self, authority: str, on: date
    ) -> tuple[str, dict[str, Any], dict[str, Any]] | None:
        """(code, description, version) of the authority's own credit rules in force on
        ``on``; None when the authority has none (or none yet): the national rules apply."""
        regimes = self.data.get("credit_publication_by_authority", {})
        for code, meta in regimes.items():
            if not isinstance(meta, Mapping) or not authority:
                continue
            if not any(word in authority for word in meta.get("match", [])):
                continue
            versions = sorted(meta.get("versions", []), key=lambda v: str(v["from"]))
            chosen = [v for v in versions if date.fromisoformat(v["from"]) <= on]
            if chosen:
                return code, dict(meta), dict(chosen[-1])
        return None

    def context(self, on: date) -> dict[str, Any]:
        """What templates may use: ``legal.review.period``, ``legal.litigation.basis`` ..."""
        return {
            "review": self.in_force("review", on),
            "litigation": self.in_force("litigation", on),
            "rectification_min_months": self.in_force("rectification_min_months", on)["months"],
        }


def default_path() -> Path:
    from compliance_desk.paths import resources_dir

    return resources_dir() / "legal" / "values.json"


@cache
def load(path: str = "") -> LegalValues:
    return LegalValues(json.loads(Path(path or default_path()).read_text(encoding="utf-8")))
