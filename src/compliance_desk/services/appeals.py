"""The front desk's use cases: register a visit, open an appeal, move it along its workflow."""

from __future__ import annotations

import dataclasses
import logging
import mimetypes
import re
import secrets
import threading
import uuid
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as time_of_day
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Select, and_, bindparam, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.sql import operators
from sqlalchemy.sql.elements import UnaryExpression

from compliance_desk.domain.appeal_workflow import (
    Action,
    AppealState,
    AppealStatus,
    Step,
    allowed,
    appeal_deadline,
    apply,
    forward_deadline,
    reply_late,
    working_days_used,
)
from compliance_desk.domain.deadlines import AppealTier, Deadline, brief, working_days_between
from compliance_desk.domain.errors import DomainError, NotFound
from compliance_desk.domain.front_desk import AppealDraft, Channel, ManagementArea, VisitDraft
from compliance_desk.domain.ids import new_id
from compliance_desk.domain.local_time import CHINA, local_date
from compliance_desk.domain.roles import Permission, Role
from compliance_desk.domain.text import to_halfwidth
from compliance_desk.domain.work_calendar import WorkCalendar
from compliance_desk.persistence.interrupt import Interrupted, interruptible, within
from compliance_desk.persistence.models import Appeal as AppealRow
from compliance_desk.persistence.models import (
    AppealEvent,
    AppUser,
    Attachment,
    Department,
    Enterprise,
    Visit,
)
from compliance_desk.services import appeal_clocks, appeal_text
from compliance_desk.services.appeal_clocks import CLOCK, FORWARDED
from compliance_desk.services.appeal_timeline import replay_events
from compliance_desk.services.calendars import CalendarService
from compliance_desk.services.context import CurrentUser, ServiceContext
from compliance_desk.services.ledger_files import write_rows

if TYPE_CHECKING:
    from compliance_desk.services.signing_keys import KeyStore

log = logging.getLogger("compliance_desk.appeals")
_NUMBER_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"


@dataclass(frozen=True)
class VisitView:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    visitor_name: str
    visited_at: datetime


@dataclass(frozen=True)
class AttachmentView:
    id: uuid.UUID
    filename: str
    size: int
    sha256: str
    path: Path  # where the content is on this machine


@dataclass(frozen=True)
class ForwardView:
    id: str
    department: str
    on: date
    answered_on: date | None
    deadline: Deadline


@dataclass(frozen=True)
class TimelineEntry:
    on: date
    at: datetime
    action: Action
    user_name: str
    text: str


@dataclass(frozen=True)
class AppealDetail:
    id: uuid.UUID
    number: str
    enterprise_id: uuid.UUID
    enterprise_name: str
    title: str
    description: str
    channel: Channel
    subject_area: ManagementArea
    received_at: datetime
    visit_id: uuid.UUID | None
    status: AppealStatus
    deadline: Deadline
    forwards: list[ForwardView]
    timeline: list[TimelineEntry]
    actions: list[Action]  # what the asking user may do now


_ATTACHED_TO = ("visit", "appeal")  # the tables whose rows a clerk attaches files to


def _attachment(
    owner_table: str, owner_id: uuid.UUID, source: Path, sha: str, size: int
) -> Attachment:
    return Attachment(
        owner_table=owner_table,
        owner_id=owner_id,
        sha256=sha,
        filename=source.name[:255],
        size=size,
        media_type=mimetypes.guess_type(source.name)[0] or "application/octet-stream",
    )


class AppealService:
    def __init__(
        self, ctx: ServiceContext, calendars: CalendarService, keys: KeyStore | None = None
    ) -> None:
        self.ctx = ctx
        self.calendars = calendars
        self.keys = keys  # signs the receipts' QR codes
        self.fonts: dict[str, str] = {}  # the fonts the desk prints with (as its letters)

    # --- registering ---------------------------------------------------------------
    def register_visit(self, user: CurrentUser, draft: VisitDraft) -> VisitView:
        visit, _ = self.register_walk_in(user, draft, None, [])
        return visit

    def open_appeal(self, user: CurrentUser, draft: AppealDraft) -> AppealDetail:
        user.require(Permission.APPEAL_EDIT)
        clean = draft.validated(self.ctx.clock())
        with self.ctx.uow(user) as uow:
            self._enterprise(uow.session, clean.enterprise_id)
            appeal = self._add_appeal(uow.session, clean, user)
            uow.commit()
            appeal_id = appeal.id
        return self.detail(user, appeal_id)

    def register_walk_in(
        self,
        user: CurrentUser,
        visit_draft: VisitDraft,
        appeal_draft: AppealDraft | None,
        files: list[Path],
    ) -> tuple[VisitView, AppealDetail | None]:
        """The desk's one-minute path: visit, appeal and scans saved together or not at all.

        Everything is checked before anything is written; the files go into the content-
        addressed store first (storing the same content again is harmless), then one
        transaction records the visit, the appeal and the attachment rows.
        """
        user.require(Permission.APPEAL_EDIT)
        now = self.ctx.clock()
        visit_clean = visit_draft.validated(now)
        appeal_clean = appeal_draft.validated(now) if appeal_draft is not None else None
        store = self.ctx.blobs()
        stored = [(path, *store.put(path)) for path in files]
        with self.ctx.uow(user) as uow:
            session = uow.session
            self._enterprise(session, visit_clean.enterprise_id)
            visit = Visit(
                enterprise_id=visit_clean.enterprise_id,
                centre_id=user.centre_id,
                visited_at=visit_clean.visited_at,
                visitor_name=visit_clean.visitor_name,
                visitor_phone=visit_clean.visitor_phone,
                channel=visit_clean.channel.value,
                subject_area=visit_clean.subject_area.value,
                description=visit_clean.description,
            )
            session.add(visit)
            session.flush()
            for path, sha, size in stored:
                session.add(_attachment("visit", visit.id, path, sha, size))
            appeal_id = None
            if appeal_clean is not None:
                appeal_clean = dataclasses.replace(appeal_clean, visit_id=visit.id)
                appeal_id = self._add_appeal(session, appeal_clean, user).id
            uow.commit()
            view = VisitView(visit.id, visit.enterprise_id, visit.visitor_name, visit.visited_at)
        return view, (self.detail(user, appeal_id) if appeal_id else None)

    def _add_appeal(self, session: Session, clean: AppealDraft, user: CurrentUser) -> AppealRow:
        received = local_date(clean.received_at)
        accept = Step(Action.ACCEPT, received, clean.title, new_tier=clean.tier)
        status = apply(None, accept, user.role)
        appeal = AppealRow(
            number=self._new_number(session, received),
            enterprise_id=clean.enterprise_id,
            visit_id=clean.visit_id,
            centre_id=clean.centre_id or user.centre_id,
            received_at=clean.received_at,
            title=clean.title,
            description=clean.description,
            channel=clean.channel.value,
            subject_area=clean.subject_area.value,
            tier=status.tier.value,
            state=status.state.value,
        )
        session.add(appeal)
        session.flush()
        session.add(self._event(appeal.id, 1, accept, user))
        return appeal

    def _new_number(self, session: Session, received: date) -> str:
        """受理编号: the day and five random characters; readable, and no counter to sync."""
        while True:
            number = received.strftime("%Y%m%d-") + "".join(
                secrets.choice(_NUMBER_ALPHABET) for _ in range(5)
            )
            if session.scalar(select(AppealRow.id).where(AppealRow.number == number)) is None:
                return number

    def _enterprise(self, session: Session, enterprise_id: uuid.UUID) -> Enterprise:
        e = session.get(Enterprise, enterprise_id)
        if e is None or e.deleted_at is not None:
            raise NotFound(
                "找不到该企业档案（可能已被删除）", f"enterprise {enterprise_id} not live"
            )
        return e

    def _event(self, appeal_id: uuid.UUID, seq: int, step: Step, user: CurrentUser) -> AppealEvent:
        return AppealEvent(
            id=uuid.UUID(step.event_id) if step.event_id else None,
            appeal_id=appeal_id,
            seq=seq,
            action=step.action.value,
            on=step.on,
            at=self.ctx.clock(),
            user_id=user.id,
            role=user.role.value,
            device_id=self.ctx.device_id,
            text=step.text.strip(),
            department_ids=list(step.department_ids),
            forward_id=step.forward_id,
            new_tier=step.new_tier.value if step.new_tier else None,
            rating=step.rating,
            meeting_date=step.meeting_date,
            participants=step.participants,
        )

    # --- the workflow ------------------------------------------------------------------
    def act(self, user: CurrentUser, appeal_id: uuid.UUID, step: Step) -> AppealDetail:
        """Apply one workflow step, after the state machine and the reference data agree."""
        user.require(Permission.APPEAL_EDIT)
        today = local_date(self.ctx.clock())
        if step.on > today:
            raise DomainError("操作日期不能晚于今天", f"step dated {step.on} after today {today}")
        with self.ctx.uow(user) as uow:
            appeal = self._appeal(uow.session, appeal_id)
            events = self._events(uow.session, appeal.id)
            status = replay_events(events, strict=True)
            if step.action is Action.FORWARD:
                self._check_departments(uow.session, step.department_ids)
            recorded = dataclasses.replace(step, event_id=str(new_id()))
            new_status = apply(status, recorded, user.role, fresh=True)
            uow.session.add(self._event(appeal.id, events[-1].seq + 1, recorded, user))
            appeal.state = new_status.state.value
            appeal.tier = new_status.tier.value
            # Always bump the appeal's row version: two desks acting at once cannot both win.
            flag_modified(appeal, "state")
            uow.commit()
        return self.detail(user, appeal_id)

    def _check_departments(self, session: Session, ids: tuple[str, ...]) -> None:
        for raw in ids:
            dept = session.get(Department, uuid.UUID(raw))
            if dept is None:
                raise NotFound("找不到所选部门", f"department {raw} not found")
            if dept.deleted_at is not None:
                raise DomainError(f"部门“{dept.name}”已停用，不能转办", f"department {raw} retired")

    def _appeal(self, session: Session, appeal_id: uuid.UUID) -> AppealRow:
        appeal = session.get(AppealRow, appeal_id)
        if appeal is None or appeal.deleted_at is not None:
            raise NotFound("找不到该诉求", f"appeal {appeal_id} not found")
        return appeal

    def _events(self, session: Session, appeal_id: uuid.UUID) -> list[AppealEvent]:
        return list(
            session.scalars(
                select(AppealEvent)
                .where(AppealEvent.appeal_id == appeal_id)
                .order_by(AppealEvent.seq)
            )
        )

    def _status(self, session: Session, appeal_id: uuid.UUID) -> AppealStatus:
        return replay_events(self._events(session, appeal_id), strict=False)

    # --- reading -------------------------------------------------------------------
    def detail(self, user: CurrentUser, appeal_id: uuid.UUID) -> AppealDetail:
        user.require(Permission.APPEAL_VIEW)
        calendar = self.calendars.calendar()
        with self.ctx.uow(user) as uow:
            s = uow.session
            appeal = self._appeal(s, appeal_id)
            events = self._events(s, appeal_id)
            status = self._status(s, appeal_id)
            enterprise = s.get(Enterprise, appeal.enterprise_id)
            departments = {str(d.id): d.name for d in s.scalars(select(Department))}
            users = {u.id: u.display_name for u in s.scalars(select(AppUser))}
            forwards = [
                ForwardView(
                    f.id,
                    departments.get(f.department_id, "?"),
                    f.on,
                    f.answered_on,
                    forward_deadline(calendar, f),
                )
                for f in status.forwards
            ]
            timeline = [
                TimelineEntry(
                    e.on,
                    e.at,
                    Action(e.action),
                    users.get(e.user_id, "系统") if e.user_id else "系统",
                    _describe(e, departments),
                )
                for e in events
            ]
            return AppealDetail(
                id=appeal.id,
                number=appeal.number,
                enterprise_id=appeal.enterprise_id,
                enterprise_name=enterprise.name if enterprise else "",
                title=appeal.title,
                description=appeal.description,
                channel=Channel(appeal.channel),
                subject_area=ManagementArea(appeal.subject_area),
                received_at=appeal.received_at,
                visit_id=appeal.visit_id,
                status=status,
                deadline=appeal_deadline(calendar, status),
                forwards=forwards,
                timeline=timeline,
                actions=allowed(status, user.role),
            )

    def receipt(self, user: CurrentUser, appeal_id: uuid.UUID, desk_phone: str = "") -> bytes:
        """受理回执 as PDF bytes: the appeal_receipt letter (GB/T 9704 layout, the wording from
        its current template), with a signed QR code that proves it genuine, and the centre's
        telephone for questions (its address too, for a template that prints it).  It says what was
        accepted, as on the day of acceptance: printed again later it is the same receipt (the
        appeal's later steps, a raised tier, a pause, are the log's and the timeline's)."""
        from compliance_desk.documents.render import LetterRequest, render
        from compliance_desk.documents.templates import chinese_date
        from compliance_desk.persistence.letter_models import LetterTemplate
        from compliance_desk.persistence.models import Centre

        d = self.detail(user, appeal_id)
        with self.ctx.uow(user) as uow:
            s = uow.session
            enterprise = s.get(Enterprise, d.enterprise_id)
            appeal = self._appeal(s, appeal_id)
            centre = s.get(Centre, appeal.centre_id) if appeal.centre_id else None
            first = s.scalars(
                select(AppealEvent).where(AppealEvent.appeal_id == appeal_id, AppealEvent.seq == 1)
            ).one()  # the acceptance (detail() above has replayed the timeline)
            template = s.scalars(
                select(LetterTemplate)
                .where(LetterTemplate.kind == "appeal_receipt", LetterTemplate.deleted_at.is_(None))
                .order_by(LetterTemplate.version.desc())
                .limit(1)
            ).first()
        received = d.received_at.astimezone(CHINA)
        accepted = apply(
            None,
            Step(Action.ACCEPT, first.on, new_tier=AppealTier(str(first.new_tier))),
            Role.CLERK,
        )
        deadline = appeal_deadline(self.calendars.calendar(), accepted)
        assert deadline.due is not None  # a new clock never starts paused
        due = chinese_date(deadline.due) + " 24时"
        if deadline.provisional:
            due += "（暂定：该年度官方日历发布后可能调整）"
        data = {
            "authority": centre.name if centre else "合规服务台",
            "date": received.date().isoformat(),
            "party": {
                "name": d.enterprise_name,
                "uscc": enterprise.uscc if enterprise else "",
                "address": enterprise.address if enterprise else "",
            },
            "appeal_number": d.number,
            "title": d.title,
            "tier": accepted.tier.label,
            "received": f"{chinese_date(received.date())} {received:%H:%M}",
            "deadline": due,
            # the counting in brief (the start, holidays, make-up days): the tier and the
            # period's end are in the table above
            "explanation": _in_words(brief(deadline.steps), chinese_date),
            # the centre's, as its administrator set them (a desk's own number first)
            "contact_phone": desk_phone or (centre.phone if centre else ""),
            "contact_address": centre.address if centre else "",
        }
        request = LetterRequest(
            "appeal_receipt",
            data,
            template.body if template else None,
            template.version if template else 0,
        )
        key = self.keys.private_key() if self.keys is not None else None
        return render([request], key, self.fonts or None)

    def attach(
        self, user: CurrentUser, owner_table: str, owner_id: uuid.UUID, source: Path
    ) -> AttachmentView:
        """Attach a scan or photo to a visit or an appeal; the file is stored by its hash."""
        user.require(Permission.APPEAL_EDIT)
        owners = dict(zip(_ATTACHED_TO, (Visit, AppealRow), strict=True))
        if owner_table not in owners:
            raise ValueError(f"attachments belong to {sorted(owners)}, not {owner_table!r}")
        sha, size = self.ctx.blobs().put(source)
        with self.ctx.uow(user) as uow:
            if uow.session.get(owners[owner_table], owner_id) is None:
                raise NotFound("找不到附件所属的记录", f"{owner_table} {owner_id} not found")
            row = _attachment(owner_table, owner_id, source, sha, size)
            uow.session.add(row)
            uow.commit()
            return AttachmentView(
                row.id, row.filename, row.size, row.sha256, self.ctx.blobs().path(sha)
            )

    def attachments(self, user: CurrentUser, owner_ids: list[uuid.UUID]) -> list[AttachmentView]:
        user.require(Permission.APPEAL_VIEW)
        with self.ctx.uow(user) as uow:
            rows = uow.session.scalars(
                select(Attachment)
                .where(
                    # (the owner's table too: the index of attachments is by table, then owner)
                    Attachment.owner_table.in_(_ATTACHED_TO),
                    Attachment.owner_id.in_(owner_ids),
                    Attachment.deleted_at.is_(None),
                )
                .order_by(Attachment.created_at, Attachment.id)
            )
            store = self.ctx.blobs()
            return [
                AttachmentView(a.id, a.filename, a.size, a.sha256, store.path(a.sha256))
                for a in rows
            ]

    def for_enterprise(
        self, user: CurrentUser, enterprise_id: uuid.UUID
    ) -> list[tuple[str, str, str]]:
        """(number, title, state label) of an enterprise's appeals, newest first."""
        user.require(Permission.APPEAL_VIEW)
        with self.ctx.uow(user) as uow:
            rows = uow.session.execute(
                select(AppealRow.number, AppealRow.title, AppealRow.state)
                .where(AppealRow.enterprise_id == enterprise_id, AppealRow.deleted_at.is_(None))
                .order_by(AppealRow.received_at.desc())
            )
            return [(n, t, AppealState(st).label) for n, t, st in rows]


def _describe(e: AppealEvent, departments: dict[str, str]) -> str:
    parts = [e.text] if e.text else []
    if e.department_ids:
        parts.append("转办：" + "、".join(departments.get(d, "?") for d in e.department_ids))
    if e.new_tier:
        parts.append("等级：" + AppealTier(e.new_tier).label)
    if e.meeting_date:
        parts.append(f"会商日期：{e.meeting_date.isoformat()}")
    if e.participants:
        parts.append(f"参会：{e.participants}")
    if e.rating is not None:
        parts.append(f"满意度：{e.rating}分")
    return "；".join(parts)


@dataclass(frozen=True)
class LogFilter:
    text: str = ""
    state: AppealState | None = None
    open_only: bool = False
    tier: AppealTier | None = None
    centre_id: uuid.UUID | None = None
    received_from: date | None = None
    received_to: date | None = None
    overdue_only: bool = False
    due_within: int | None = None  # working days from today
    department_id: uuid.UUID | None = None  # forwarded to this department
    industry_id: uuid.UUID | None = None  # the enterprise's industry
    sort: str = "received"  # one of SORT_KEYS
    descending: bool = True

    def __post_init__(self) -> None:
        # ２０２６１２０１ typed with a Chinese input method finds 20261201 (numbers, codes and
        # names are stored half-width, as the register's search folds them)
        # (digits, letters and the dash only: a title's full-width brackets stay as typed)
        object.__setattr__(self, "text", self.text.translate(_WIDE_ALNUM))


_WIDE = (
    "０１２３４５６７８９－"
    + "".join(chr(c) for c in range(0xFF21, 0xFF3B))
    + "".join(chr(c) for c in range(0xFF41, 0xFF5B))
)
_WIDE_ALNUM = str.maketrans(_WIDE, to_halfwidth(_WIDE))

OPEN_STATES = tuple(s.value for s in AppealState if s is not AppealState.CLOSED)
SORT_KEYS = ("number", "enterprise", "title", "tier", "state", "received", "due", "left")


@dataclass(frozen=True)
class LogRow:
    id: uuid.UUID
    number: str
    enterprise_name: str
    title: str
    tier: AppealTier
    state: AppealState
    received_at: datetime
    due: date | None
    provisional: bool
    overdue: bool
    working_days_left: int | None  # None when paused, replied to the enterprise or closed
    # False: the timeline does not replay (a step the workflow refuses, or no accept step);
    # the row is still listed, marked, its clock as far as the steps that replay take it
    timeline_ok: bool = True
    # the result reached the enterprise after the deadline (True), in time (False); None: not
    # replied yet.  The clock stops at the reply (反馈企业).
    replied_late: bool | None = None


_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _in_words(steps: Sequence[str], chinese_date: Callable[[date], str]) -> str:
    """A deadline's explanation as a letter writes it: dates in words (2026年12月1日), the
    period's end at "24时", its lines joined."""
    lines = [line.strip() for line in steps if line.strip()]
    text = "；".join(lines).replace(" 24:00", " 24时")
    return _ISO_DAY.sub(lambda m: chinese_date(date.fromisoformat(m.group(0))), text)


LEDGER_HEADERS = [
    "受理编号", "受理日期", "企业名称", "统一社会信用代码", "诉求事项", "渠道", "涉及领域", "等级",
    "状态", "转办部门", "转办日期", "部门答复日期", "办理期限", "期限暂定", "已用工作日", "是否超期",
    "反馈企业日期", "办结日期", "满意度",
]  # fmt: skip


@dataclass(frozen=True)
class _Loaded:
    appeal: Any  # a row of _APPEAL_COLUMNS
    enterprise_name: str
    uscc: str
    events: list[Any]  # rows of _EVENT_COLUMNS, in the timeline's order
    status: AppealStatus | None  # None: no accept step, nothing replays
    replays: bool  # the whole timeline replays (else ``status`` is as far as it goes)


# What the log and the ledger read of an appeal and of its steps: plain rows, not ORM objects
# (a page of 100 appeals and their 600-odd steps: about half the Python time of the objects).
_APPEAL_COLUMNS = (
    AppealRow.id,
    AppealRow.number,
    AppealRow.title,
    AppealRow.received_at,
    AppealRow.channel,
    AppealRow.subject_area,
    AppealRow.tier,
    AppealRow.state,
)
_EVENT_COLUMNS = (
    AppealEvent.id,
    AppealEvent.appeal_id,
    AppealEvent.seq,
    AppealEvent.action,
    AppealEvent.on,
    AppealEvent.role,
    AppealEvent.text,
    AppealEvent.department_ids,
    AppealEvent.forward_id,
    AppealEvent.new_tier,
    AppealEvent.rating,
    AppealEvent.meeting_date,
    AppealEvent.participants,
)
# Built once (a statement's construction is a sixth of a page's Python time)
_APPEALS = (
    select(*_APPEAL_COLUMNS, Enterprise.name, Enterprise.uscc)
    .join(Enterprise, Enterprise.id == AppealRow.enterprise_id)
    .where(AppealRow.id.in_(bindparam("ids", expanding=True)))
)
_EVENTS = (
    select(*_EVENT_COLUMNS)
    .where(AppealEvent.appeal_id.in_(bindparam("ids", expanding=True)))
    .order_by(AppealEvent.appeal_id, AppealEvent.seq)
)


class AppealLog:
    """The appeal log (诉求台账): filtering in SQL, clocks derived per row from the timeline."""

    def __init__(self, ctx: ServiceContext, appeals: AppealService) -> None:
        self.ctx = ctx
        self.appeals = appeals
        self._many_cache: dict[LogFilter, bool] = {}  # how a filter's pages are fetched
        # words -> (counted up to, matches found): how a text filter's pages are fetched
        self._matches_cache: dict[str, tuple[int, int]] = {}
        self._no_walk: set[LogFilter] = set()  # filters whose walk ran over its budget
        self._lock = threading.Lock()

    def reconcile(self, stop: Callable[[], bool] | None = None) -> int:
        """Count again the derived clocks that are missing, behind their timeline, or counted
        with a calendar that has changed since (run at start, in the background; ``stop``:
        see ``appeal_clocks.reconcile``)."""
        return appeal_clocks.reconcile(self.ctx.factory, local_date(self.ctx.clock()), stop)

    # --- the filter, in SQL -----------------------------------------------------------
    def _select(
        self,
        flt: LogFilter,
        calendar: WorkCalendar,
        today: date,
        walk: bool = False,
        each: bool = False,
        counting: bool = False,
    ) -> Select[Any]:
        """The ids the filter keeps, in its order.  Deadline filters and sorts read the derived
        clocks (appeal_clocks); the enterprise is joined only when the filter needs it.

        ``each``: the text is tested appeal by appeal instead of collecting its matches first
        (a word matching more than COMMON_TEXT appeals; see ``appeal_text.matching_each``).
        ``counting``: the clocks are not joined for a sort alone (a count has no order: one
        lookup per kept row saved, seconds on a million).  Every appeal has its clock (written
        in the step's transaction; ``reconcile`` at start mends rows written elsewhere).

        ``walk`` (SQLite, a filter that keeps many rows): the filter's columns are wrapped in
        SQLite's unary ``+`` so that no index serves them, and the order's index drives the
        query: a page is then a walk of that index testing each row, stopping at the LIMIT,
        instead of fetching every matching row to sort them.
        """
        query = flt.text.strip()
        digits = bool(query) and query.replace("-", "").isdigit()  # an appeal number's start
        indexed_text = bool(query) and (self.ctx.is_sqlite or digits)  # else ILIKE over columns
        h = _unindexed if walk else _as_is  # a walk: the order's index drives (see above)
        stmt = select(AppealRow.id).where(AppealRow.deleted_at.is_(None))
        probe_first = walk and indexed_text and not each  # (a full-text look-up: tested last)
        if probe_first:  # a probe of the matches' list, before the appeal's row is read
            stmt = stmt.where(_text_condition(query, walk, each, self.ctx.is_sqlite))
        sort = flt.sort
        clock_filtered = False  # a condition on the clocks: they are joined even to count
        if flt.state is not None:
            stmt = stmt.where(h(AppealRow.state) == flt.state.value)
        elif (flt.open_only or flt.overdue_only or flt.due_within is not None) and sort == "state":
            # sorted by state: "open" is a range of the state index, walked in its order
            stmt = stmt.where(CLOCK.c.state_rank < CLOSED_RANK)
            clock_filtered = True
        elif flt.open_only or flt.overdue_only or flt.due_within is not None:
            stmt = stmt.where(h(AppealRow.state).in_(OPEN_STATES))
        if flt.tier is not None:
            stmt = stmt.where(h(AppealRow.tier) == flt.tier.value)
        if flt.centre_id is not None:
            stmt = stmt.where(h(AppealRow.centre_id) == flt.centre_id)
        if flt.received_from is not None:
            stmt = stmt.where(h(AppealRow.received_at) >= _day_start(flt.received_from))
        if flt.received_to is not None:
            stmt = stmt.where(
                h(AppealRow.received_at) < _day_start(flt.received_to + timedelta(days=1))
            )
        if (query and not indexed_text) or flt.industry_id is not None:  # the name, the industry
            stmt = stmt.join(Enterprise, Enterprise.id == AppealRow.enterprise_id)
        if flt.industry_id is not None:
            stmt = stmt.where(h(Enterprise.industry_id) == flt.industry_id)
        if flt.department_id is not None:  # a join: the department's index can drive it
            stmt = stmt.join(
                FORWARDED,
                (FORWARDED.c.appeal_id == AppealRow.id)
                & (h(FORWARDED.c.department_id) == flt.department_id),
            )
        if indexed_text:
            if not probe_first:
                stmt = stmt.where(_text_condition(query, walk, each, self.ctx.is_sqlite))
        elif query:
            like = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            stmt = stmt.where(
                or_(
                    AppealRow.number.ilike(like, escape="\\"),
                    AppealRow.title.ilike(like, escape="\\"),
                    Enterprise.name.ilike(like, escape="\\"),
                )
            )
        by_clock = flt.overdue_only or flt.due_within is not None or clock_filtered
        if not counting:
            by_clock = by_clock or sort in ("due", "left", "tier", "state", "enterprise")
        if by_clock:
            stmt = stmt.join_from(AppealRow, CLOCK, CLOCK.c.appeal_id == AppealRow.id)
        if flt.overdue_only or flt.due_within is not None:
            # overdue: due before today; due within N working days: fewer than N+1 working
            # days from today to the deadline, i.e. due before the (N+1)-th working day.
            # (A paused clock's due is the far future: never overdue, never due soon.)
            cutoff = today
            if flt.due_within is not None:
                cutoff = calendar.nth_workday_after(today, flt.due_within + 1)
            # by receipt: the open clocks' (is_open, received_at, id, due) index is the walk
            is_open = CLOCK.c.is_open if _by_clock_receipt(flt) else h(CLOCK.c.is_open)
            stmt = stmt.where(is_open.is_(True), h(CLOCK.c.due) < cutoff)
        return stmt

    def _ordered(self, stmt: Select[Any], flt: LogFilter) -> Select[Any]:
        """The filter's order, ended by the id so that pages by offset never overlap; each
        order is one index (see the models' indexes)."""
        if flt.sort in ("due", "left", "tier", "state", "enterprise"):
            column: Any = {
                "tier": CLOCK.c.tier_rank,
                "state": CLOCK.c.state_rank,
                "enterprise": CLOCK.c.enterprise_key,  # Chinese names in pinyin order
            }.get(flt.sort, CLOCK.c.due)  # a paused clock's due is the far future: last
            last: Any = CLOCK.c.appeal_id
        elif _by_clock_receipt(flt):  # the same values, copied into the clocks (see models)
            column, last = CLOCK.c.received_at, CLOCK.c.appeal_id
        else:
            column = {
                "number": AppealRow.number,
                "title": AppealRow.title,
            }.get(flt.sort, AppealRow.received_at)
            last = AppealRow.id
        if flt.descending:
            return stmt.order_by(column.desc(), last.desc())
        return stmt.order_by(column.asc(), last.asc())

    def count(
        self, user: CurrentUser, flt: LogFilter, stop: Callable[[], bool] | None = None
    ) -> int:
        """How many appeals the filter keeps (the figure beside the filter).

        ``stop``: when it turns true (the clerk has moved on to another filter) the count ends
        early with ``Interrupted`` (SQLite), freeing its worker for the page now wanted."""
        user.require(Permission.APPEAL_VIEW)
        calendar = self.appeals.calendars.calendar()
        today = local_date(self.ctx.clock())
        # a common word over a small filter: test its rows (else collect the word's matches)
        each = self._common(flt) and not self._many(
            dataclasses.replace(flt, text=""), calendar, today
        )
        stmt = self._select(flt, calendar, today, each=each, counting=True)
        with self.ctx.uow(user) as uow:
            with interruptible(uow.session.connection(), stop) if stop else nullcontext():
                counted = uow.session.scalar(select(func.count()).select_from(stmt.subquery()))
            return int(counted or 0)

    def _common(self, flt: LogFilter) -> bool:
        """Does the filter's text (words, on SQLite) match more than COMMON_TEXT appeals?"""
        return self._matches(flt) > COMMON_TEXT

    def _frequent(self, flt: LogFilter) -> bool:
        """Does the filter's text match more than TEXT_WALK_AT appeals (so that a walk of
        the order's index meets its matches often enough)?"""
        return self._matches(flt) > TEXT_WALK_AT

    def _matches(self, flt: LogFilter) -> int:
        """How many appeals the filter's text (words, on SQLite) matches, counted up to just
        past the larger of COMMON_TEXT and TEXT_WALK_AT; cached by the words."""
        query = flt.text.strip()
        if not query or query.replace("-", "").isdigit() or not self.ctx.is_sqlite:
            return 0
        up_to = max(COMMON_TEXT, TEXT_WALK_AT) + 1
        with self._lock:
            known = self._matches_cache.get(query)
        if known is None or (known[0] < up_to and known[1] >= known[0]):  # counted too few
            with self.ctx.uow(None) as uow:
                known = (up_to, appeal_text.matches(uow.session.connection(), query, up_to))
            with self._lock:
                self._matches_cache[query] = known
                while len(self._matches_cache) > 64:
                    self._matches_cache.pop(next(iter(self._matches_cache)))
        return known[1]

    def _many(self, flt: LogFilter, calendar: WorkCalendar, today: date) -> bool:
        """Does the filter keep more than WALK_AT rows?  Counts no further than that."""
        flt = dataclasses.replace(flt, sort="received", descending=True)  # a sort keeps the rows
        with self._lock:  # pages are fetched from the GUI thread and from workers
            known = self._many_cache.get(flt)
        if known is not None:
            return known
        stmt = self._select(flt, calendar, today).limit(WALK_AT + 1)
        with self.ctx.uow(None) as uow:
            found = uow.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
        with self._lock:
            self._many_cache[flt] = many = found > WALK_AT
            while len(self._many_cache) > 64:
                self._many_cache.pop(next(iter(self._many_cache)))
        return many

    def ids(
        self, user: CurrentUser, flt: LogFilter, offset: int = 0, limit: int | None = None
    ) -> list[uuid.UUID]:
        """The filter's ids in its order: all of them, or the window [offset, offset+limit)."""
        user.require(Permission.APPEAL_VIEW)
        calendar = self.appeals.calendars.calendar()
        words = flt.text.strip() and not flt.text.strip().replace("-", "").isdigit()
        today = local_date(self.ctx.clock())
        each = self._common(flt)
        if each:  # a common word: walk when the rest of the filter keeps many rows
            walk = self._many(dataclasses.replace(flt, text=""), calendar, today)
        elif words and self._frequent(flt):  # a frequent one: walk, probing its matches' list
            walk = self._many(dataclasses.replace(flt, text=""), calendar, today)
        else:  # a rarer word's matches are collected and sorted (a page with them never walks)
            walk = self.ctx.is_sqlite and not words and self._many(flt, calendar, today)
        with self._lock:
            if flt in self._no_walk:  # its walk ran over budget before: collect its rows
                walk = each = False

        def window(stmt: Select[Any]) -> Select[Any]:
            stmt = self._ordered(stmt, flt)
            stmt = stmt.offset(offset) if offset else stmt
            return stmt.limit(limit) if limit is not None else stmt

        if walk:
            # A walk is quick unless the filter's rows sit at the far end of the order (a
            # name sorted by the name's own pinyin): over its budget it gives way to the plan
            # that collects the rows and sorts them, for this filter's later pages too.
            try:
                with self.ctx.uow(user) as uow:
                    stmt = window(self._select(flt, calendar, today, walk=True, each=each))
                    with interruptible(uow.session.connection(), within(WALK_BUDGET)):
                        return list(uow.session.scalars(stmt))
            except Interrupted:
                log.info("the log's walk for %r ran over its budget; collecting instead", flt)
                with self._lock:
                    if not offset:  # a far page's walk is long by its offset, not its filter
                        self._no_walk.add(flt)
                    while len(self._no_walk) > 64:
                        self._no_walk.pop()
            each = False
        with self.ctx.uow(user) as uow:
            stmt = window(self._select(flt, calendar, today, each=each))
            return list(uow.session.scalars(stmt))

    def page(self, user: CurrentUser, flt: LogFilter, offset: int, limit: int) -> list[LogRow]:
        """One page of the log: its rows, their clocks recomputed from their timelines."""
        return self.rows(user, self.ids(user, flt, offset, limit))

    def _load(self, user: CurrentUser, ids: list[uuid.UUID]) -> list[_Loaded]:
        """Appeals with their enterprise and replayed timeline, in the order of ``ids`` (an
        appeal gone since its id was read is left out)."""
        if len(ids) > 500:  # PostgreSQL takes at most 65,535 parameters in one statement
            return [x for n in range(0, len(ids), 500) for x in self._load(user, ids[n : n + 500])]
        with self.ctx.uow(user) as uow:
            s = uow.session
            found = {row.id: row for row in s.execute(_APPEALS, {"ids": ids})}
            events: dict[uuid.UUID, list[Any]] = {i: [] for i in ids}
            for e in s.execute(_EVENTS, {"ids": ids}):
                events[e.appeal_id].append(e)
        out = []
        for i in ids:
            row = found.get(i)
            if row is None:
                continue
            status, replays = _replay(i, events[i])
            out.append(_Loaded(row, row.name, row.uscc, events[i], status, replays))
        return out

    def rows(self, user: CurrentUser, ids: list[uuid.UUID]) -> list[LogRow]:
        """The log's rows of these appeals, in this order.  An appeal whose timeline does not
        replay keeps its row (a page is never short, so the pages after it do not shift),
        marked ``timeline_ok=False``, with its clock as far as the timeline goes (or none)."""
        user.require(Permission.APPEAL_VIEW)
        if not ids:
            return []
        calendar = self.appeals.calendars.calendar()
        today = local_date(self.ctx.clock())
        out = []
        for item in self._load(user, ids):
            a, status = item.appeal, item.status
            tier, state = AppealTier(a.tier), AppealState(a.state)  # the row's own projections
            due, provisional, overdue, left, late = None, False, False, None, None
            if status is not None:  # at least an accept step replays: its clock
                deadline = appeal_deadline(calendar, status, explain=False)
                tier, state, due, provisional = (
                    status.tier,
                    status.state,
                    deadline.due,
                    deadline.provisional,
                )
                running = status.clock_running
                overdue = running and deadline.overdue_on(today)
                if due is not None and running:
                    left = working_days_between(calendar, today, due)
                late = reply_late(status, deadline)
            out.append(
                LogRow(
                    a.id,
                    a.number,
                    item.enterprise_name,
                    a.title,
                    tier,
                    state,
                    a.received_at,
                    due,
                    provisional,
                    overdue,
                    left,
                    timeline_ok=status is not None and item.replays,
                    replied_late=late,
                )  # fmt: skip
            )
        return out

    def export(self, user: CurrentUser, path: Path, flt: LogFilter) -> int:
        """The log (or the current filter) in the ledger layout clerks use: one row per appeal."""
        user.require(Permission.APPEAL_VIEW)
        ids = self.ids(user, flt)
        calendar = self.appeals.calendars.calendar()
        today = local_date(self.ctx.clock())
        with self.ctx.uow(user) as uow:
            departments = {str(d.id): d.name for d in uow.session.scalars(select(Department))}
        rows: list[list[object]] = []
        for start in range(0, len(ids), 500):
            for item in self._load(user, ids[start : start + 500]):
                a, status = item.appeal, item.status
                if status is None:  # nothing replays: no clock to put in the ledger
                    log.warning("appeal %s has no timeline; left out of the ledger", a.id)
                    continue
                deadline = appeal_deadline(calendar, status, explain=False)
                closed_on = None
                if status.state is AppealState.CLOSED:  # a reopened appeal is open again
                    closed_on = next(
                        (e.on for e in reversed(item.events) if e.action == Action.CLOSE.value),
                        None,
                    )
                # the clock runs to the reply to the enterprise (反馈企业), or to today
                end = status.replied_on or today
                late = deadline.due is not None and end > deadline.due
                rating = None
                if closed_on is not None:
                    rating = next(
                        (e.rating for e in reversed(item.events) if e.rating is not None), None
                    )
                rows.append(
                    [
                        a.number,
                        local_date(a.received_at).isoformat(),
                        item.enterprise_name,
                        item.uscc,
                        a.title,
                        Channel(a.channel).label,
                        ManagementArea(a.subject_area).label,
                        status.tier.label,
                        status.state.label,
                        "、".join(departments.get(f.department_id, "?") for f in status.forwards),
                        "、".join(sorted({f.on.isoformat() for f in status.forwards})),
                        "、".join(
                            f.answered_on.isoformat() for f in status.forwards if f.answered_on
                        ),
                        deadline.due.isoformat() if deadline.due else "暂停计时",
                        "是" if deadline.provisional else "否",
                        working_days_used(calendar, status, end),  # pauses left out
                        ("超期反馈" if status.replied_on else "已超期") if late else "否",
                        status.replied_on.isoformat() if status.replied_on else "",
                        closed_on.isoformat() if closed_on else "",
                        rating if rating is not None else "",
                    ]
                )
        write_rows(path, LEDGER_HEADERS, rows, title="诉求台账")
        return len(rows)

    def reminder_counts(self, user: CurrentUser) -> tuple[int, int]:
        """(overdue, due today or on the next working day) among the open appeals, counted
        in SQL from the derived clocks."""
        overdue = self.count(user, LogFilter(overdue_only=True))
        return overdue, self.count(user, LogFilter(due_within=1)) - overdue


CLOSED_RANK = appeal_clocks.STATE_RANK[AppealState.CLOSED]
# Rows a filter keeps beyond which a page walks the order's index (SQLite): a walk reads
# about 20 x (all rows / kept rows) index entries, cheap down to a few hundred kept rows of a
# million (a department's open appeals, 2,430: 266 -> 101 ms); one that costs more than
# WALK_BUDGET (the kept rows sit at the far end of the order) gives way to collecting them.
WALK_AT = 500
# A word matching more appeals than this is tested row by row as the order's index is walked
# (a page is found within a few hundred rows); a rarer one's matches are collected first.
# Measured on the 1M-appeal bench (open appeals, newest first): 伞 (519k matches) 9 ms walked
# vs 1.3 s collected; 崧厦 (46k) 137 vs 252 ms; 劳动合同 (31k) 390 vs 132 ms.
COMMON_TEXT = 200_000
# A word matching more appeals than this (and fewer than COMMON_TEXT) is walked too, when the
# rest of the filter keeps many rows: its matches are collected into a list once and each
# appeal the walk passes is looked up in it (appeal_text.matching(probe=True)).  Measured on
# the 1M bench (open appeals, newest first, SQL CPU): 合同 (72k matches) 41 ms walked vs
# 96 collected vs ~80 tested one by one; 崧厦 (46k) 25 vs 95; 劳动合同 (31k) 29 vs 75; 伞
# (519k) is cheaper tested one by one (22-35 ms vs 110-144 probed).
TEXT_WALK_AT = 20_000
WALK_BUDGET = 0.1  # processor seconds a page's walk may take before its rows are collected


def _by_clock_receipt(flt: LogFilter) -> bool:
    """Overdue or due within N days, newest (or oldest) first: ordered by the receipt copied
    into the clocks, whose open ones are indexed by it with their deadline."""
    return (flt.overdue_only or flt.due_within is not None) and flt.sort == "received"


def _replay(appeal_id: uuid.UUID, events: list[Any]) -> tuple[AppealStatus | None, bool]:
    """(status, whole timeline replays?): as far as the steps replay; None without an accept."""
    try:
        return replay_events(events, strict=True), True
    except DomainError:
        pass
    try:  # (logs the step that fails)
        return replay_events(events, strict=False), False
    except DomainError:
        log.warning("appeal %s has no accept step: listed without a clock", appeal_id)
        return None, False


def _text_condition(query: str, walk: bool, each: bool = False, sqlite: bool = True) -> Any:
    """What the clerk typed, as a condition on the text index (SQLite; see appeal_text).

    Digits (an appeal number) match the number's start, on every database (through the
    number's unique index on SQLite, whose binary order the range relies on); anything else
    matches number, title or enterprise name through the text index (SQLite only).
    """
    digits = query.replace("-", "")
    if digits.isdigit():
        start = query.strip()
        if not sqlite:  # a collation may not order "\uffff" last: LIKE (digits need no escape)
            return AppealRow.number.like(start + "%")
        number = _unindexed(AppealRow.number) if walk else AppealRow.number  # see _select
        return and_(number >= start, number < start + "\uffff")
    return appeal_text.matching_each(query) if each else appeal_text.matching(query, walk)


def _as_is(column: Any) -> Any:
    return column


def _unindexed(column: Any) -> Any:
    """SQLite's unary plus: the same value, but no index may serve the term."""
    return UnaryExpression(column, operator=operators.custom_op("+"), type_=column.type)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time_of_day.min, tzinfo=CHINA)
