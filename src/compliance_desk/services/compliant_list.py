"""区级合规企业名单, rectifications and the minor-violation exemption list.

The list is a series of dated events per enterprise (joined, left, flagged for review), each with
its reason; "on the list on day D" is the last event on or before D.  Enterprise.on_compliant_list
mirrors today's state for the register's filters.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from compliance_desk.domain.errors import DomainError, NotFound
from compliance_desk.domain.ids import new_id
from compliance_desk.domain.roles import Permission
from compliance_desk.persistence.inspection_models import (
    CompliantListEvent,
    ExemptionItem,
    Inspection,
    PolicySetting,
    Rectification,
)
from compliance_desk.persistence.models import Enterprise
from compliance_desk.services.context import CurrentUser, ServiceContext

EVENT_LABELS = {"joined": "列入", "left": "移出", "flagged": "待复核"}
POLICY_DEFAULTS: dict[str, Any] = {
    "draw.ratio": 0.2,  # share of other enterprises drawn for inspection
    "draw.compliant_ratio": 0.05,  # share of enterprises on the compliant list
    "rectification.months": {"high": 3, "medium": 4, "low": 6},
    "compliant_list.on_penalty": "flag",  # flag for review, or "remove"
}


@dataclass(frozen=True)
class ListEntry:
    enterprise_id: uuid.UUID
    name: str
    uscc: str
    since: date
    status: str  # joined | flagged
    reason: str


@dataclass(frozen=True)
class RectificationView:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    enterprise_name: str
    deadline: date
    status: str
    evidence_note: str
    accepted_on: date | None
    result_note: str
    overdue: bool
    due_soon: bool  # open, deadline within the next 14 days: remind the enterprise
    inspected_on: date | None = None  # the inspection whose findings it rectifies


LISTED = ("joined", "flagged")  # on the list (flagged: on it, under review)


def policy_value(session: Session, key: str) -> Any:
    row = session.scalars(select(PolicySetting).where(PolicySetting.key == key)).first()
    return row.value if row is not None else POLICY_DEFAULTS[key]


def record_event(
    session: Session,
    enterprise_id: uuid.UUID,
    on: date,
    event: str,
    reason: str,
    source_id: uuid.UUID | None = None,
) -> None:
    session.add(CompliantListEvent(enterprise_id=enterprise_id, on=on, event=event,
                                   reason=reason, source_id=source_id))  # fmt: skip
    enterprise = session.get(Enterprise, enterprise_id)
    if enterprise is not None:  # the latest event decides (as the server projects it:
        # sync/list_commands.py), so an event dated before another does not override it
        enterprise.on_compliant_list = status_on(session, enterprise_id, date.max) in LISTED


def join_from_ledger(session: Session, enterprise: Enterprise, on: date, reason: str) -> bool:
    """An enterprise a ledger (or the demo) names as on the list, put on it by an event, as
    every other way onto it is.  Only one the list has never had: for one with a history
    (joined, flagged, taken off after a penalty) the list's own steps decide, and an old
    ledger imported again does not undo them.  True if it joined."""
    if enterprise.id is None:
        enterprise.id = new_id()  # a new enterprise: no history
    elif status_on(session, enterprise.id, on) is not None:
        return False
    enterprise.on_compliant_list = True  # before its first flush: one write, one audit entry
    if enterprise in session.new:
        session.flush()  # the enterprise before its event (nothing orders them otherwise)
    session.add(CompliantListEvent(enterprise_id=enterprise.id, on=on, event="joined",
                                   reason=reason))  # fmt: skip
    return True


def joined_by(session: Session, source_id: uuid.UUID) -> bool:
    """Whether the inspection or rectification ``source_id`` put its enterprise on the list."""
    return (
        session.scalar(
            select(CompliantListEvent.id).where(
                CompliantListEvent.source_id == source_id, CompliantListEvent.event == "joined"
            )
        )
        is not None
    )


_LATEST_FIRST = (
    CompliantListEvent.on.desc(),
    CompliantListEvent.created_at.desc(),
    CompliantListEvent.id.desc(),  # time-ordered ids settle events recorded in the same instant
)


def status_on(session: Session, enterprise_id: uuid.UUID, day: date) -> str | None:
    """joined / flagged / left on ``day``, or None if never listed."""
    row = session.scalars(
        select(CompliantListEvent)
        .where(
            CompliantListEvent.enterprise_id == enterprise_id,
            CompliantListEvent.on <= day,
            CompliantListEvent.deleted_at.is_(None),
        )  # fmt: skip
        .order_by(*_LATEST_FIRST)
        .limit(1)
    ).first()
    return row.event if row is not None else None


def statuses_on(session: Session, centre_id: uuid.UUID, day: date) -> dict[uuid.UUID, str]:
    """``status_on`` for every enterprise of the centre ever listed, in one query (the draw
    asks it for thousands at once)."""
    ranked = (
        select(
            CompliantListEvent.enterprise_id,
            CompliantListEvent.event,
            func.row_number()
            .over(partition_by=CompliantListEvent.enterprise_id, order_by=_LATEST_FIRST)
            .label("n"),
        )
        .join(Enterprise, Enterprise.id == CompliantListEvent.enterprise_id)
        .where(
            Enterprise.centre_id == centre_id,
            CompliantListEvent.on <= day,
            CompliantListEvent.deleted_at.is_(None),
        )
        .subquery()
    )
    rows = session.execute(select(ranked.c.enterprise_id, ranked.c.event).where(ranked.c.n == 1))
    return {enterprise_id: event for enterprise_id, event in rows}


def on_penalty(
    session: Session, enterprise_id: uuid.UUID, on: date, number: str,
    letter_id: uuid.UUID | None = None,
) -> None:  # fmt: skip
    """An administrative penalty was issued: the enterprise leaves or is flagged (a setting);
    the event names the decision (``letter_id``), so voiding it can undo it."""
    if status_on(session, enterprise_id, on) not in LISTED:
        return
    remove = policy_value(session, "compliant_list.on_penalty") == "remove"
    record_event(session, enterprise_id, on, "left" if remove else "flagged",
                 f"受到行政处罚（{number}）", letter_id)  # fmt: skip


def on_penalty_voided(session: Session, letter_id: uuid.UUID, on: date, number: str) -> None:
    """A penalty decision voided: an enterprise it took off the list or flagged, and that
    nothing has moved since, is back on it (it stayed flagged citing a voided number)."""
    for event in session.scalars(
        select(CompliantListEvent).where(
            CompliantListEvent.source_id == letter_id,
            CompliantListEvent.event.in_(("left", "flagged")),
            CompliantListEvent.deleted_at.is_(None),
        )
    ):
        latest = session.scalars(
            select(CompliantListEvent)
            .where(CompliantListEvent.enterprise_id == event.enterprise_id,
                   CompliantListEvent.deleted_at.is_(None))
            .order_by(*_LATEST_FIRST).limit(1)
        ).first()  # fmt: skip
        if latest is not None and latest.id == event.id:
            record_event(session, event.enterprise_id, max(on, event.on), "joined",
                         f"处罚决定书{number}已作废，恢复", letter_id)  # fmt: skip


class CompliantListService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def today(self) -> date:
        from compliance_desk.domain.local_time import local_date

        return local_date(self.ctx.clock())

    def policy(self, user: CurrentUser) -> dict[str, Any]:
        user.require(Permission.INSPECTION_VIEW)
        with self.ctx.uow(user) as uow:
            return {key: policy_value(uow.session, key) for key in POLICY_DEFAULTS}

    def set_policy(self, user: CurrentUser, key: str, value: Any) -> None:
        user.require(Permission.INSPECTION_ADMIN)
        if key not in POLICY_DEFAULTS:
            raise DomainError(f"没有这项设置：{key}", f"unknown policy {key}")
        with self.ctx.uow(user) as uow:
            row = uow.session.scalars(select(PolicySetting).where(PolicySetting.key == key)).first()
            if row is None:
                uow.session.add(PolicySetting(key=key, value=value))
            else:
                row.value = value
            uow.commit()

    def as_of(self, user: CurrentUser, day: date) -> list[ListEntry]:
        """The list on ``day`` (flagged enterprises included, marked), by name."""
        user.require(Permission.INSPECTION_VIEW)
        with self.ctx.uow(user) as uow:
            s = uow.session
            last = (
                select(
                    CompliantListEvent.enterprise_id, func.max(CompliantListEvent.on).label("on")
                )  # fmt: skip
                .where(CompliantListEvent.on <= day, CompliantListEvent.deleted_at.is_(None))
                .group_by(CompliantListEvent.enterprise_id)
                .subquery()
            )
            rows = s.execute(
                select(CompliantListEvent, Enterprise.name, Enterprise.uscc)
                .join(
                    last,
                    (last.c.enterprise_id == CompliantListEvent.enterprise_id)
                    & (last.c.on == CompliantListEvent.on),
                )  # fmt: skip
                .join(Enterprise, Enterprise.id == CompliantListEvent.enterprise_id)
                .where(CompliantListEvent.deleted_at.is_(None))
                .order_by(
                    Enterprise.name_pinyin, CompliantListEvent.created_at, CompliantListEvent.id
                )
            ).all()
            latest: dict[uuid.UUID, tuple[CompliantListEvent, str, str]] = {}
            for event, name, uscc in rows:  # the last recorded event of the day wins
                latest[event.enterprise_id] = (event, name, uscc)
            out = []
            for event, name, uscc in latest.values():
                if event.event == "left":
                    continue
                since = _listed_since(s, event.enterprise_id, day)
                out.append(ListEntry(event.enterprise_id, name, uscc, since or event.on,
                                     event.event, event.reason))  # fmt: skip
            return out

    def history(self, user: CurrentUser, enterprise_id: uuid.UUID) -> list[tuple[date, str, str]]:
        user.require(Permission.INSPECTION_VIEW)
        with self.ctx.uow(user) as uow:
            rows = uow.session.scalars(
                select(CompliantListEvent)
                .where(CompliantListEvent.enterprise_id == enterprise_id)
                .order_by(CompliantListEvent.on, CompliantListEvent.created_at)
            )
            out, state = [], None
            for r in rows:  # joining while on the list (a yearly inspection passed): it stays
                again = r.event == "joined" and state == "joined"
                out.append((r.on, "继续列入" if again else EVENT_LABELS[r.event], r.reason))
                state = r.event
            return out

    def export(self, user: CurrentUser, path: Path, day: date) -> int:
        """The list on ``day`` as .xlsx (or .csv by extension)."""
        from compliance_desk.services.ledger_files import write_rows

        entries = self.as_of(user, day)
        header = ["序号", "企业名称", "统一社会信用代码", "列入日期", "状态", "说明"]
        rows = [
            [
                n,
                e.name,
                e.uscc,
                e.since.isoformat(),
                "待复核" if e.status == "flagged" else "在册",
                e.reason,
            ]  # fmt: skip
            for n, e in enumerate(entries, start=1)
        ]
        write_rows(path, header, rows, title=f"区级合规企业名单（截至{day.isoformat()}）")
        return len(entries)

    # -- rectification --------------------------------------------------------------------

    def rectifications(
        self,
        user: CurrentUser,
        overdue_only: bool = False,
        enterprise_id: uuid.UUID | None = None,
    ) -> list[RectificationView]:
        user.require(Permission.INSPECTION_VIEW)
        today = self.today()
        with self.ctx.uow(user) as uow:
            query = (
                select(Rectification, Enterprise.name, Inspection.planned_on)
                .join(Enterprise, Enterprise.id == Rectification.enterprise_id)
                .outerjoin(Inspection, Inspection.id == Rectification.inspection_id)
                .where(Rectification.deleted_at.is_(None))
                .order_by(Rectification.deadline)
            )
            if overdue_only:
                query = query.where(Rectification.status == "open",
                                    Rectification.deadline < today)  # fmt: skip
            if enterprise_id is not None:
                query = query.where(Rectification.enterprise_id == enterprise_id)
            return [_rect_view(r, name, today, on) for r, name, on in uow.session.execute(query)]

    def submit_evidence(
        self, user: CurrentUser, rect_id: uuid.UUID, note: str
    ) -> RectificationView:
        user.require(Permission.INSPECTION_EDIT)
        if not note.strip():
            raise DomainError("请写明企业提交的整改材料", "empty evidence note")
        with self.ctx.uow(user) as uow:
            r = self._rect(uow.session, rect_id)
            r.evidence_note = (r.evidence_note + "\n" if r.evidence_note else "") + note.strip()
            uow.commit()
            return self._view(uow.session, r)

    def accept(
        self, user: CurrentUser, rect_id: uuid.UUID, passed: bool, note: str, on: date | None = None
    ) -> RectificationView:
        """整改验收: passed puts the enterprise on the compliant list; failed keeps it open."""
        user.require(Permission.INSPECTION_EDIT)
        on = on or self.today()
        if on > self.today():  # (the list would show it listed from a day still to come)
            raise DomainError(f"验收日期（{on.isoformat()}）不能晚于今天",
                              f"acceptance dated {on}")  # fmt: skip
        if not note.strip():
            raise DomainError("请写明验收意见", "empty acceptance note")
        with self.ctx.uow(user) as uow:
            s = uow.session
            r = self._rect(s, rect_id)
            if r.status == "withdrawn":
                raise DomainError("该整改已因检查更正后无问题而终止，无需验收",
                                  f"rectification {r.id} is withdrawn")  # fmt: skip
            if r.status != "open":
                raise DomainError(
                    "该整改已验收，不能重复验收", f"rectification {r.id} is {r.status}"
                )
            # every opinion is kept with its date, a failed one too when a later one passes
            verdict = "验收通过" if passed else "验收未通过"
            opinion = f"{on.isoformat()} {verdict}：{note.strip()}"
            r.result_note = (r.result_note + "\n" if r.result_note else "") + opinion
            if passed:  # else the rectification goes on
                r.accepted_on, r.status = on, "accepted"
                # (listed already: the event says why it stays; its 列入日期 does not move)
                record_event(s, r.enterprise_id, on, "joined", f"整改验收通过（{note.strip()}）",
                             r.id)  # fmt: skip
            uow.commit()
            return self._view(s, r)

    def _rect(self, s: Session, rect_id: uuid.UUID) -> Rectification:
        r = s.get(Rectification, rect_id)
        if r is None or r.deleted_at is not None:
            raise NotFound("找不到该整改记录", f"rectification {rect_id}")
        return r

    def _view(self, s: Session, r: Rectification) -> RectificationView:
        name = s.scalar(select(Enterprise.name).where(Enterprise.id == r.enterprise_id)) or ""
        on = s.scalar(select(Inspection.planned_on).where(Inspection.id == r.inspection_id))
        return _rect_view(r, name, self.today(), on)

    # -- the exemption list ---------------------------------------------------------------

    def exemptions(self, user: CurrentUser) -> list[tuple[uuid.UUID, str, str, str]]:
        user.require(Permission.INSPECTION_VIEW)
        with self.ctx.uow(user) as uow:
            rows = uow.session.scalars(
                select(ExemptionItem).where(ExemptionItem.active.is_(True))
                .order_by(ExemptionItem.created_at)
            )  # fmt: skip
            return [(r.id, r.title, r.legal_basis, r.conditions) for r in rows]

    def add_exemption(
        self, user: CurrentUser, title: str, basis: str, conditions: str
    ) -> uuid.UUID:
        user.require(Permission.INSPECTION_ADMIN)
        missing = [n for n, v in (("事项", title), ("法律依据", basis), ("适用条件", conditions))
                   if not v.strip()]  # fmt: skip
        if missing:
            raise DomainError(f"请填写：{'、'.join(missing)}", f"exemption missing {missing}")
        with self.ctx.uow(user) as uow:
            row = ExemptionItem(title=title.strip(), legal_basis=basis.strip(),
                                conditions=conditions.strip(), active=True)  # fmt: skip
            uow.session.add(row)
            uow.commit()
            return row.id


REMIND_DAYS = 14


def _listed_since(s: Session, enterprise_id: uuid.UUID, day: date) -> date | None:
    """The first day of the enterprise's present stay on the list: its first joining after
    it last left (a yearly inspection passed again does not start it anew)."""
    left = s.scalar(
        select(func.max(CompliantListEvent.on)).where(
            CompliantListEvent.enterprise_id == enterprise_id,
            CompliantListEvent.event == "left",
            CompliantListEvent.on <= day,
            CompliantListEvent.deleted_at.is_(None),
        )
    )
    query = select(func.min(CompliantListEvent.on)).where(
        CompliantListEvent.enterprise_id == enterprise_id,
        CompliantListEvent.event == "joined",
        CompliantListEvent.on <= day,
        CompliantListEvent.deleted_at.is_(None),
    )
    if left is not None:
        query = query.where(CompliantListEvent.on >= left)
    found: date | None = s.scalar(query)
    return found


def _rect_view(
    r: Rectification, name: str, today: date, inspected_on: date | None = None
) -> RectificationView:
    still_open = r.status == "open"
    days_left = (r.deadline - today).days
    return RectificationView(r.id, r.enterprise_id, name, r.deadline, r.status, r.evidence_note,
                             r.accepted_on, r.result_note, still_open and days_left < 0,
                             still_open and 0 <= days_left <= REMIND_DAYS,
                             inspected_on)  # fmt: skip
