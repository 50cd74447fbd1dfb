"""双随机: the draw of enterprises and inspectors of one centre, recorded so anyone can audit it.

The pool is read in a fixed number of queries whatever the centre's size: the enterprises, their
compliant-list status on the day (one query), their latest inspection within a year (one query)
and the centre's inspectors.  Listed enterprises the once-a-year guard would refuse are left out
before drawing (and named in the record with the reason), so a draw never picks an enterprise
that planning must then refuse.  The record keeps the pool itself (enterprise ids with their
stratum, inspector ids, in the order drawn from), so re-running the draw needs nothing else.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from compliance_desk.domain import inspections as rules
from compliance_desk.domain.errors import DomainError, NotFound
from compliance_desk.domain.inspections import InspectionStatus
from compliance_desk.domain.roles import Role
from compliance_desk.persistence.inspection_models import Inspection, InspectionDraw
from compliance_desk.persistence.models import AppUser, Centre, Enterprise
from compliance_desk.services import compliant_list
from compliance_desk.services.context import CurrentUser, ServiceContext

log = logging.getLogger("compliance_desk.inspections.draw")


@dataclass(frozen=True)
class DrawView:
    id: uuid.UUID
    seed: int
    enterprises: list[tuple[uuid.UUID, str, bool]]  # id, name, on the compliant list
    inspectors: list[tuple[uuid.UUID, str]]
    fingerprint: str
    pool_size: int  # enterprises drawn from, after those left out
    left_out: list[tuple[uuid.UUID, str, str]]  # id, name, why (in Chinese)


@dataclass(frozen=True)
class DrawAudit:
    id: uuid.UUID
    seed: int
    drawn_on: date  # the day the list and the guard were judged on
    centre: str
    pool_size: int
    inspector_pool: int
    left_out: int
    problems: list[str]  # in Chinese; empty when the draw re-runs to the same result

    @property
    def matches(self) -> bool:
        return not self.problems


COUNTED = [s.value for s in InspectionStatus if s.counts]  # (as the yearly guard counts them)


def last_inspected(s: Session, centre_id: uuid.UUID, day: date) -> dict[uuid.UUID, date]:
    """Per enterprise of the centre, its latest comprehensive inspection within a year either
    side of ``day`` (as the planning guard counts them), in one query."""
    near = (day - timedelta(days=365), day + timedelta(days=365))
    rows = s.execute(
        select(Inspection.enterprise_id, func.max(Inspection.planned_on))
        .join(Enterprise, Enterprise.id == Inspection.enterprise_id)
        .where(
            Enterprise.centre_id == centre_id,
            Inspection.deleted_at.is_(None),
            Inspection.status.in_(COUNTED),
            Inspection.planned_on.between(*near),
        )
        .group_by(Inspection.enterprise_id)
    )
    return {enterprise_id: planned_on for enterprise_id, planned_on in rows}


def draw(
    ctx: ServiceContext,
    user: CurrentUser,
    centre_id: uuid.UUID,
    count: int,
    seed: int,
    day: date,
) -> DrawView:
    with ctx.uow(user) as uow:
        s = uow.session
        enterprises = s.execute(
            select(Enterprise.id, Enterprise.name)
            .where(Enterprise.centre_id == centre_id, Enterprise.deleted_at.is_(None))
            .order_by(Enterprise.id)
        ).all()
        statuses = compliant_list.statuses_on(s, centre_id, day)
        inspected = last_inspected(s, centre_id, day)
        names = dict(enterprises)
        pool: list[rules.Candidate] = []
        left_out: list[tuple[uuid.UUID, str, str]] = []
        for enterprise_id, name in enterprises:
            listed = statuses.get(enterprise_id) in ("joined", "flagged")
            last = inspected.get(enterprise_id)
            blocked = rules.guard_blocks(listed, last, day)
            if blocked is not None and last is not None:
                left_out.append((enterprise_id, name, _why(last, blocked)))
            else:
                pool.append(rules.Candidate(str(enterprise_id), listed))
        inspectors = s.execute(
            select(AppUser.id, AppUser.display_name)
            .where(
                AppUser.role == Role.INSPECTOR.value,
                AppUser.centre_id == centre_id,
                AppUser.active.is_(True),
                AppUser.deleted_at.is_(None),
            )
            .order_by(AppUser.id)
        ).all()
        if not inspectors:
            centre = s.get(Centre, centre_id)
            raise DomainError(
                f"{centre.name if centre else '该合规中心'}没有在岗的执法人员，无法抽取检查人员"
                "（请管理员在用户管理中为执法人员设置所属合规中心）",
                f"no inspectors in centre {centre_id}",
            )
        ratio = float(compliant_list.policy_value(s, "draw.ratio"))
        compliant_ratio = float(compliant_list.policy_value(s, "draw.compliant_ratio"))
        if len(inspectors) < rules.TEAM:
            centre = s.get(Centre, centre_id)
            raise DomainError(
                f"{centre.name if centre else '该合规中心'}只有 {len(inspectors)} 名在岗执法人员，"
                f"检查须由不少于 {rules.TEAM} 名执法人员进行（《中华人民共和国行政处罚法》第四十二条），"
                "请管理员在用户管理中为执法人员设置所属合规中心",
                f"centre {centre_id}: {len(inspectors)} inspector(s), a team needs {rules.TEAM}",
            )
        team_size = rules.TEAM
        people = [str(i) for i, _ in inspectors]
        try:
            result = rules.draw(pool, people, count, seed, ratio, compliant_ratio, team_size)
        except DomainError as exc:
            if left_out and len(pool) < count:  # say why the pool is smaller than the register
                raise DomainError(
                    f"{exc.message_zh}（另有 {len(left_out)} 家合规名单企业一年内已检查，"
                    "按每年至多检查 1 次的规定不参加抽取）",
                    str(exc),
                ) from exc
            raise
        ordered = sorted(pool, key=lambda c: c.id)  # the order the draw works in
        row = InspectionDraw(
            centre_id=centre_id, seed=seed, count=count, ratio=ratio,
            compliant_ratio=compliant_ratio, fingerprint=result.fingerprint,
            enterprise_ids=list(result.enterprises), inspector_ids=list(result.inspectors),
            pool_enterprises=[[c.id, rules.LISTED if c.compliant else rules.OTHER]
                              for c in ordered],
            pool_inspectors=sorted(people), team_size=team_size, as_of=day,
            left_out=[[str(e), why] for e, _n, why in left_out],
        )  # fmt: skip
        s.add(row)
        uow.commit()
        listed_ids = {c.id for c in pool if c.compliant}
        people_names = dict(inspectors)
        log.info("draw %s: seed %d, %d of %d (%d left out by the yearly guard), %d inspectors",
                 row.id, seed, count, len(pool), len(left_out), len(inspectors))  # fmt: skip
        return DrawView(
            row.id, seed,
            [(uuid.UUID(e), names[uuid.UUID(e)], e in listed_ids) for e in result.enterprises],
            [(uuid.UUID(i), people_names[uuid.UUID(i)]) for i in result.inspectors],
            result.fingerprint, len(pool), left_out,
        )  # fmt: skip


def _why(last: date, next_allowed: date) -> str:
    return (
        f"合规名单企业，{last.isoformat()} 已综合检查，"
        f"{next_allowed.isoformat()} 前不再检查（每年至多 1 次）"
    )


def audit(ctx: ServiceContext, user: CurrentUser, draw_id: uuid.UUID) -> DrawAudit:
    """Re-run a recorded draw from its record alone and say whether it gives the same result."""
    with ctx.uow(user) as uow:
        s = uow.session
        row = s.get(InspectionDraw, draw_id)
        if row is None or row.deleted_at is not None:
            raise NotFound("找不到该抽取记录", f"draw {draw_id}")
        if (row.pool_enterprises is None or row.pool_inspectors is None or row.team_size is None
                or row.as_of is None):  # fmt: skip
            raise DomainError(
                "该抽取记录早于保存抽取范围的版本，只有种子和名单指纹，无法按记录复核",
                f"draw {draw_id} has no recorded pool",
            )
        centre = s.get(Centre, row.centre_id) if row.centre_id else None
        record = rules.DrawRecord(
            seed=row.seed, count=row.count, ratio=row.ratio,
            compliant_ratio=row.compliant_ratio, team_size=row.team_size,
            pool=tuple((str(e), str(stratum)) for e, stratum in row.pool_enterprises),
            inspector_pool=tuple(row.pool_inspectors),
            enterprises=tuple(row.enterprise_ids), inspectors=tuple(row.inspector_ids),
            fingerprint=row.fingerprint,
        )  # fmt: skip
        problems = rules.audit(record)
        if problems:
            log.warning("draw %s does not re-run to its record: %s", draw_id, problems)
        return DrawAudit(row.id, row.seed, row.as_of, centre.name if centre else "",
                         len(record.pool), len(record.inspector_pool), len(row.left_out or []),
                         problems)  # fmt: skip
