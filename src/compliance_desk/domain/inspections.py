"""综合查一次: the rules of joint inspections, free of Qt and of the database.

- the random draw (双随机): enterprises drawn with probability proportional to their sampling
  ratio (lower for the compliant list), inspectors at random, reproducible from the seed;
- the once-a-year guard for enterprises on the compliant list, and its written override;
- walking the checklist and signing off (every item answered; findings graded and explained);
- the rectification deadline: at least three months, a default per risk level.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from compliance_desk.domain.errors import DomainError


class RiskLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label(self) -> str:
        return {"high": "高", "medium": "中", "low": "低"}[self.value]


class ItemResult(StrEnum):
    PASSED = "passed"
    FINDING = "finding"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return {"passed": "符合", "finding": "发现问题", "not_applicable": "不适用"}[self.value]


class InspectionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SIGNED = "signed"  # locked: a correction is a new, linked inspection
    SUPERSEDED = "superseded"
    CANCELLED = "cancelled"  # called off before signing: kept, with its reason

    @property
    def label(self) -> str:
        return {"planned": "已计划", "in_progress": "检查中", "signed": "已签字确认",
                "superseded": "已更正", "cancelled": "已取消"}[self.value]  # fmt: skip

    @property
    def locked(self) -> bool:
        """Nothing more is recorded on it (a correction is a new inspection)."""
        return self in (InspectionStatus.SIGNED, InspectionStatus.SUPERSEDED,
                        InspectionStatus.CANCELLED)  # fmt: skip

    @property
    def counts(self) -> bool:
        """Whether it counts as the year's inspection (the once-a-year guard, the draw's
        pool): planned ones do, so two are not planned; called off or replaced ones do not."""
        return self not in (InspectionStatus.SUPERSEDED, InspectionStatus.CANCELLED)


# -- the draw --------------------------------------------------------------------------------

# Inspectors a draw sends: "执法人员不得少于两人" (Administrative Penalty Law art. 42), and an
# inspection's findings may ground a penalty.
TEAM = 2


@dataclass(frozen=True)
class Candidate:
    id: str  # the enterprise id as text (sorted, so the draw does not depend on query order)
    compliant: bool


@dataclass(frozen=True)
class Draw:
    seed: int
    enterprises: tuple[str, ...]
    inspectors: tuple[str, ...]
    fingerprint: str  # of the candidates and ratios: an audit can tell it drew from the same pool


def draw(
    candidates: Sequence[Candidate],
    inspectors: Sequence[str],
    count: int,
    seed: int,
    ratio: float,
    compliant_ratio: float,
    inspectors_per_team: int = 2,
) -> Draw:
    """``count`` enterprises and a team of inspectors, all from ``seed``.

    The sampling ratios set how likely each enterprise is to be drawn relative to the others:
    the draw is stratified, ``count`` split between the compliant list and the rest in
    proportion to (size x ratio) of each, then each part drawn uniformly.  So a listed
    enterprise is drawn compliant_ratio / ratio times as often as another, whatever ``count``."""
    if count < 1:
        raise DomainError("抽取数量至少为 1", "draw count < 1")
    if not 0 < compliant_ratio <= ratio <= 1:
        raise DomainError(
            "抽查比例应在 0 到 1 之间，且合规名单企业的比例不高于其他企业",
            f"bad ratios {ratio} / {compliant_ratio}",
        )
    pool = sorted(candidates, key=lambda c: c.id)
    if len(pool) < count:
        raise DomainError(
            f"可抽取的企业只有 {len(pool)} 家，少于要抽取的 {count} 家",
            f"draw of {count} from {len(pool)}",
        )
    if len(inspectors) < inspectors_per_team:
        raise DomainError(
            f"执法人员不足：至少需要 {inspectors_per_team} 人", "not enough inspectors"
        )
    listed = [c.id for c in pool if c.compliant]
    others = [c.id for c in pool if not c.compliant]
    rng = random.Random(seed)
    from_listed = _allocate(count, len(listed), len(others), compliant_ratio, ratio, rng)
    chosen = tuple(rng.sample(listed, from_listed) + rng.sample(others, count - from_listed))
    team = tuple(rng.sample(sorted(inspectors), inspectors_per_team))
    return Draw(seed, chosen, team, fingerprint(pool, ratio, compliant_ratio))


def fingerprint(candidates: Sequence[Candidate], ratio: float, compliant_ratio: float) -> str:
    """Of the candidates (with their stratum) and the ratios: the same pool, the same print."""
    pool = sorted(candidates, key=lambda c: c.id)
    blob = "|".join(f"{c.id}:{int(c.compliant)}" for c in pool) + f"|{ratio}|{compliant_ratio}"
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


LISTED, OTHER = "listed", "other"  # the strata as a draw's record names them


@dataclass(frozen=True)
class DrawRecord:
    """What a draw recorded: its pool (enterprise ids with their stratum, inspector ids, in
    the order drawn from), its parameters, and what it drew."""

    seed: int
    count: int
    ratio: float
    compliant_ratio: float
    team_size: int
    pool: tuple[tuple[str, str], ...]
    inspector_pool: tuple[str, ...]
    enterprises: tuple[str, ...]
    inspectors: tuple[str, ...]
    fingerprint: str


def audit(record: DrawRecord) -> list[str]:
    """Re-run the draw from its record; what differs (in Chinese), empty when it all matches."""
    strata = {s for _id, s in record.pool}
    if not strata <= {LISTED, OTHER}:
        return [f"抽取范围中有无法识别的分层：{'、'.join(sorted(strata - {LISTED, OTHER}))}"]
    candidates = [Candidate(e, s == LISTED) for e, s in record.pool]
    problems = []
    if fingerprint(candidates, record.ratio, record.compliant_ratio) != record.fingerprint:
        problems.append("抽取范围或抽查比例与记录的名单指纹不符（记录可能被改动）")
    try:
        redone = draw(candidates, record.inspector_pool, record.count, record.seed,
                      record.ratio, record.compliant_ratio, record.team_size)  # fmt: skip
    except DomainError as exc:
        return [*problems, f"无法按记录重新抽取：{exc.message_zh}"]
    if redone.enterprises != record.enterprises:
        problems.append("按记录重新抽取，抽中的企业与记录不同")
    if redone.inspectors != record.inspectors:
        problems.append("按记录重新抽取，抽中的执法人员与记录不同")
    return problems


def _allocate(
    count: int, n_listed: int, n_other: int, w_listed: float, w_other: float, rng: random.Random
) -> int:
    """How many of ``count`` come from the listed stratum: the expected share, with the
    fraction settled by the seeded generator (so the expectation is exact), within bounds."""
    expected = count * n_listed * w_listed / (n_listed * w_listed + n_other * w_other)
    whole = int(expected)
    take = whole + (1 if rng.random() < expected - whole else 0)
    return max(count - n_other, min(take, n_listed, count))


# -- the once-a-year guard -------------------------------------------------------------------


def yearly_guard(
    on_list: bool, last_inspected: date | None, planned: date, override_reason: str = ""
) -> str:
    """ "" when the inspection may go ahead; the override reason when one was needed.

    Enterprises on the compliant list get at most one comprehensive enforcement inspection a
    year; a second within a year is refused unless an administrator writes why."""
    next_allowed = guard_blocks(on_list, last_inspected, planned)
    if next_allowed is None or last_inspected is None:
        return ""
    if override_reason.strip():
        return override_reason.strip()
    raise DomainError(
        f"该企业在区级合规企业名单内，每年综合执法检查不得多于 1 次：上次检查为"
        f"{last_inspected.year}年{last_inspected.month}月{last_inspected.day}日，"
        f"{next_allowed.year}年{next_allowed.month}月{next_allowed.day}日前不得再次检查"
        "（管理员可填写理由后破例安排）",
        f"yearly guard: last {last_inspected}, planned {planned}",
    )


def guard_blocks(on_list: bool, last_inspected: date | None, planned: date) -> date | None:
    """The day a listed enterprise may next be inspected, when ``planned`` is before it;
    None when the guard lets the inspection go ahead (the draw leaves the others out)."""
    if not on_list or last_inspected is None:
        return None
    next_allowed = _one_year_after(last_inspected)
    return next_allowed if planned < next_allowed else None


def _one_year_after(d: date) -> date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return d.replace(year=d.year + 1, day=28)


# -- walking the checklist -------------------------------------------------------------------


@dataclass(frozen=True)
class ItemRecord:
    item_code: str
    text: str
    result: ItemResult | None
    risk: RiskLevel | None = None
    description: str = ""
    legal_basis: str = ""


def sign_off_problems(items: Sequence[ItemRecord], representative: str) -> list[str]:
    """Why the inspection cannot be signed yet (in Chinese); empty when it can."""
    problems = []
    unanswered = [i for i in items if i.result is None]
    if unanswered:
        first = "、".join(i.item_code for i in unanswered[:5])
        more = "等" if len(unanswered) > 5 else ""
        problems.append(f"还有 {len(unanswered)} 项未作答（{first}{more}）")
    for i in items:
        if i.result == ItemResult.FINDING:
            if i.risk is None:
                problems.append(f"第 {i.item_code} 项发现问题，但未评定风险等级")
            if not i.description.strip():
                problems.append(f"第 {i.item_code} 项发现问题，但未描述问题")
            if not i.legal_basis.strip():
                problems.append(f"第 {i.item_code} 项发现问题，但未写明法律依据")
    if not representative.strip():
        problems.append("请填写企业到场代表")
    return problems


# -- rectification ---------------------------------------------------------------------------


def add_months(d: date, months: int) -> date:
    month = d.month - 1 + months
    year, month = d.year + month // 12, month % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def default_deadline(
    issued: date, risks: Sequence[RiskLevel], months_by_risk: Mapping[str, int], minimum: int
) -> date:
    """The rectification deadline: the longest default of the findings' risk levels (a setting),
    never under the legal minimum of ``minimum`` months."""
    months = max([months_by_risk.get(r.value, minimum) for r in risks] or [minimum])
    return add_months(issued, max(months, minimum))


def check_deadline(issued: date, deadline: date, minimum: int) -> None:
    earliest = add_months(issued, minimum)
    if deadline < earliest:
        raise DomainError(
            f"整改期限不得少于{minimum}个月：最早为{earliest.year}年{earliest.month}月"
            f"{earliest.day}日",
            f"rectification deadline {deadline} before {earliest}",
        )
