"""The appeal log's derived clocks: ``local_appeal_clock`` and ``local_appeal_department``.

The log filters (overdue, due within N working days, forwarded to a department) and sorts (by
deadline) a million appeals in SQL, so each appeal's overall deadline is kept in a local table.
It is a cache of a derivation, never a typed date:
- every flush that adds a timeline step rewrites the clocks of those appeals, in the same
  transaction (``install`` hooks the session factory), whoever wrote the step;
- importing a calendar year rewrites every clock that year can move (open, paused, or due in
  or after it), in the import's transaction;
- ``reconcile`` (at start, in the background) rewrites clocks missing or behind their timeline
  (rows written by bulk statements, an older version, or sync) and those of years whose
  calendar changed under it (a new chinesecalendar release), in small transactions;
- what the log shows for a row is recomputed from the timeline (``AppealLog.rows``).
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, delete, event, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from compliance_desk.domain.appeal_workflow import AppealState, AppealStatus, appeal_deadline
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.work_calendar import WorkCalendar
from compliance_desk.persistence.dialect import insert_for
from compliance_desk.persistence.interrupt import Interrupted, interruptible
from compliance_desk.persistence.models import (
    Appeal,
    AppealEvent,
    Enterprise,
    LocalAppealClock,
    LocalAppealDepartment,
    LocalSetting,
    table_of,
)
from compliance_desk.services import appeal_text
from compliance_desk.services.appeal_timeline import replay_events
from compliance_desk.services.calendars import calendar_in

log = logging.getLogger("compliance_desk.appeal_clocks")
STATE_RANK = {state: n for n, state in enumerate(AppealState)}  # the workflow's order
PAUSED = date.max  # a paused clock has no deadline: it sorts after every date, is never overdue
CHUNK = 500  # ids per statement (PostgreSQL's parameter limit) and per reconcile batch
FINGERPRINT_KEY = "appeal_clock.calendar"
# The clocks' rules, counted into the calendar's fingerprints (so a desk upgraded to new rules
# counts every clock again at its next start, in the background): 1, the first; 2, a clock
# stops when the result reaches the enterprise (反馈企业), not at 办结; 3, a pause from the day of
# acceptance loses only the days after it (the day itself is never counted), and a year without
# its official calendar keeps the fixed-date holidays (元旦, 劳动节, 国庆).
RULES = 3
CLOCK = table_of(LocalAppealClock)
FORWARDED = table_of(LocalAppealDepartment)
EVENTS = table_of(AppealEvent)
SETTINGS = table_of(LocalSetting)


def clock_values(
    appeal_id: uuid.UUID,
    status: AppealStatus,
    calendar: WorkCalendar,
    seq: int,
    enterprise_key: str,
    received_at: datetime | None = None,
) -> dict[str, Any]:
    deadline = appeal_deadline(calendar, status, explain=False)
    return {
        "appeal_id": appeal_id,
        "is_open": status.clock_running,  # not yet replied to the enterprise (nor closed)
        "due": deadline.due or PAUSED,
        "provisional": deadline.provisional,
        "seq": seq,
        "tier_rank": status.tier.rank,
        "state_rank": STATE_RANK[status.state],
        "enterprise_key": enterprise_key,
        "received_at": received_at,
    }


def department_values(appeal_id: uuid.UUID, status: AppealStatus) -> list[dict[str, Any]]:
    ids = {uuid.UUID(f.department_id) for f in status.forwards}
    return [{"appeal_id": appeal_id, "department_id": d} for d in sorted(ids)]


RECONCILE_TRIES = 5  # a calendar imported during a reconcile makes it start again


def _chunks(ids: Iterable[uuid.UUID]) -> Iterator[list[uuid.UUID]]:
    batch: list[uuid.UUID] = []
    for i in ids:
        batch.append(i)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def refresh(
    connection: Connection, appeal_ids: Iterable[uuid.UUID], calendar: WorkCalendar | None = None
) -> int:
    """Rewrite the clocks of these appeals from their timelines; returns how many were written."""
    calendar = calendar or calendar_in(connection)
    written = 0
    for chunk in _chunks(appeal_ids):
        found = {row.id: row for row in connection.execute(appeal_text.rows_of(connection, chunk))}
        texts: list[tuple[int, str, str, str]] = []
        timelines: dict[uuid.UUID, list[Any]] = {i: [] for i in chunk}
        for row in connection.execute(
            select(EVENTS).where(EVENTS.c.appeal_id.in_(chunk)).order_by("appeal_id", "seq")
        ):
            timelines[row.appeal_id].append(row)
        clocks, forwards = [], []
        for appeal_id, events in timelines.items():
            if not events:
                continue
            try:
                status = replay_events(events, strict=False)
            except DomainError:
                log.warning("appeal %s has no accept event: no clock", appeal_id)
                continue
            info = found.get(appeal_id)
            key = info.name_pinyin if info is not None else ""
            received = info.received_at if info is not None else None
            clocks.append(clock_values(appeal_id, status, calendar, events[-1].seq, key, received))
            if info is not None:
                texts.append(appeal_text.row(info))
            forwards.extend(department_values(appeal_id, status))
        # Upserts, not delete-then-insert: on a shared PostgreSQL two transactions may rewrite
        # one appeal's clock at once (a step here, a reconcile or calendar import elsewhere);
        # the second waits for the first's row locks and then overwrites instead of failing
        # on the key.
        kept = [c["appeal_id"] for c in clocks]
        connection.execute(
            delete(CLOCK).where(CLOCK.c.appeal_id.in_(chunk), CLOCK.c.appeal_id.not_in(kept))
        )
        connection.execute(delete(FORWARDED).where(FORWARDED.c.appeal_id.in_(chunk)))
        if clocks:
            stmt = insert_for(connection)(CLOCK)
            columns = {c: stmt.excluded[c] for c in clocks[0] if c != "appeal_id"}
            # never over a clock counted from a later step (written meanwhile elsewhere)
            newer = CLOCK.c.seq <= stmt.excluded.seq
            connection.execute(
                stmt.on_conflict_do_update(index_elements=["appeal_id"], set_=columns, where=newer),
                clocks,
            )
        if forwards:
            connection.execute(insert_for(connection)(FORWARDED).on_conflict_do_nothing(), forwards)
        appeal_text.write(connection, texts)
        written += len(clocks)
    return written


def _after_flush(session: Session, _ctx: Any) -> None:
    ids = {obj.appeal_id for obj in session.new if isinstance(obj, AppealEvent)}
    if ids:
        refresh(session.connection(), sorted(ids))
    for obj in session.dirty:
        if isinstance(obj, Enterprise) and _renamed(obj):
            enterprise_renamed(session.connection(), obj.id, obj.name_pinyin)


def _renamed(e: Enterprise) -> bool:
    """The name changed (its pinyin may not: 华新 and 华鑫 read the same)."""
    attrs = inspect(e).attrs
    return attrs.name.history.has_changes() or attrs.name_pinyin.history.has_changes()


def enterprise_renamed(connection: Connection, enterprise_id: uuid.UUID, key: str) -> None:
    """The log sorts and searches by the enterprise's name: its appeals follow a rename."""
    mine = select(Appeal.id).where(Appeal.enterprise_id == enterprise_id)
    connection.execute(update(CLOCK).where(CLOCK.c.appeal_id.in_(mine)).values(enterprise_key=key))
    mine_rows = appeal_text.rows_of(connection, None).where(Appeal.enterprise_id == enterprise_id)
    appeal_text.write(connection, [appeal_text.row(r) for r in connection.execute(mine_rows)])


def install(factory: sessionmaker[Session]) -> None:
    """Keep the clocks current in the transaction of every ORM write of a timeline step."""
    event.listen(factory, "after_flush", _after_flush)


# --- the calendar the clocks were counted with --------------------------------------------
def fingerprints(calendar: WorkCalendar, first: int, last: int) -> dict[str, str]:
    """Per year, a digest of its holidays and make-up working days ("none" when unknown), and
    of the rules the clocks follow (``RULES``): a new rule counts every clock again once."""
    out = {}
    for year in range(first, last + 1):
        table = calendar.table(year)
        if table is None:
            out[str(year)] = f"none.{RULES}"
            continue
        text = json.dumps(
            [
                sorted(d.isoformat() for d in table.holidays),
                sorted(d.isoformat() for d in table.workdays),
                RULES,
            ]
        )
        out[str(year)] = hashlib.sha256(text.encode()).hexdigest()[:16]
    return out


def _stored(connection: Connection) -> dict[str, str]:
    raw = connection.execute(
        select(LocalSetting.value).where(LocalSetting.key == FINGERPRINT_KEY)
    ).scalar()
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _store(connection: Connection, prints: dict[str, str]) -> None:
    connection.execute(delete(SETTINGS).where(SETTINGS.c.key == FINGERPRINT_KEY))
    connection.execute(insert(SETTINGS).values(key=FINGERPRINT_KEY, value=json.dumps(prints)))


def caught_up(connection: Connection) -> bool:
    """Every appeal has a clock counted up to its last step?  A timeline's steps are numbered
    1..n, so the clocks' ``seq`` add up to the number of steps exactly when none is behind:
    four aggregate reads, against ``behind``'s look at every appeal."""
    appeals = connection.execute(select(func.count()).select_from(Appeal)).scalar()
    clocks = connection.execute(select(func.count()).select_from(CLOCK)).scalar()
    steps = connection.execute(select(func.count()).select_from(EVENTS)).scalar()
    counted = connection.execute(select(func.coalesce(func.sum(CLOCK.c.seq), 0))).scalar()
    return appeals == clocks and steps == counted


def _year_range(connection: Connection, today: date) -> tuple[int, int]:
    """The calendar years the log's clocks can depend on: from the year before the first live
    appeal's receipt to the next year.  (Live only: the receipt index is partial, and the
    minimum over all appeals scanned another index, 230 ms of CPU at every start on the
    1M bench; a deleted appeal is never listed, so its clock is never read.)"""
    first = connection.execute(
        select(func.min(Appeal.received_at)).where(Appeal.deleted_at.is_(None))
    ).scalar()
    return (first.year if first else today.year) - 1, today.year + 1


def moved_by(connection: Connection, year: int) -> list[uuid.UUID]:
    """Appeals whose clock a change to ``year``'s calendar can move: paused, or due in or after
    it (a period that ends before 1 January never looked at that year)."""
    return list(
        connection.execute(
            select(CLOCK.c.appeal_id).where(CLOCK.c.due >= date(year, 1, 1))  # paused: far future
        ).scalars()
    )


def remember_calendar(
    connection: Connection, calendar: WorkCalendar, first: int, last: int
) -> None:
    """Record the calendar the clocks of these years were counted with (bulk loads)."""
    _store(connection, {**_stored(connection), **fingerprints(calendar, first, last)})


def calendar_changed(connection: Connection, year: int) -> int:
    """After an import of ``year``: rewrite what it moves and remember the calendar."""
    calendar = calendar_in(connection)
    written = refresh(connection, moved_by(connection, year), calendar)
    prints = _stored(connection)
    prints.update(fingerprints(calendar, year, year))
    _store(connection, prints)
    return written


def behind(connection: Connection) -> list[uuid.UUID]:
    """Appeals with no clock, or one counted before their latest step."""
    last = (
        select(func.max(EVENTS.c.seq))
        .where(EVENTS.c.appeal_id == Appeal.id)
        .correlate(Appeal)
        .scalar_subquery()
    )
    stmt = (
        select(Appeal.id)
        .outerjoin(CLOCK, CLOCK.c.appeal_id == Appeal.id)
        .where(or_(CLOCK.c.appeal_id.is_(None), CLOCK.c.seq < last))
    )
    return list(connection.execute(stmt).scalars())


def reconcile(
    factory: sessionmaker[Session], today: date, stop: Callable[[], bool] | None = None
) -> int:
    """Bring every clock up to date (see the module's note); small transactions, so the desk
    can keep writing meanwhile.  Returns how many clocks were rewritten.

    A calendar imported while this runs (the administrator's page, in another thread) is
    noticed before every chunk and before the calendar is recorded: the run starts again with
    the new calendar, counting again what it changes, so no clock keeps the old calendar and
    the old calendar is never recorded over the new one.

    ``stop``: when it turns true (the app is closing) the reconcile ends with ``Interrupted``
    within a moment: a long read is stopped (SQLite), no further batch starts, and the batch
    in progress is rolled back; the batches already committed stay, and the next reconcile
    does the rest (the calendar is recorded only after the last batch)."""
    halt = stop or (lambda: False)

    def check() -> None:
        if halt():
            raise Interrupted("the reconcile was stopped")

    def guarded(session: Session) -> Any:
        connection = session.connection()
        return interruptible(connection, halt) if stop else nullcontext()

    with factory() as session, session.begin(), guarded(session):
        connection = session.connection()
        if not appeal_text.consistent(connection):  # the appeals were renumbered (a VACUUM)
            log.warning("appeal text index out of step with the appeals: rebuilt")
            appeal_text.rebuild(connection)
    written = 0
    # The calendars the clocks may have been counted with: the one recorded at the start, and
    # the one of each try a calendar import interrupted.
    bases: list[dict[str, str]] = []
    for _attempt in range(RECONCILE_TRIES):
        check()
        with factory() as session, guarded(session):
            connection = session.connection()
            first, last = _year_range(connection, today)
            calendar = calendar_in(connection)
            now = fingerprints(calendar, first, last)
            if not bases:
                bases.append(_stored(connection))
            old = bases[0]
            changed = sorted(
                int(y) for y, digest in now.items() if any(b.get(y) != digest for b in bases)
            )
            if old and not changed and caught_up(connection):
                return written  # no step written around the hook, no calendar change
            todo = behind(connection)
            if old and changed:  # with no record at all, every clock is counted fresh below
                seen = set(todo)
                todo += [i for i in moved_by(connection, changed[0]) if i not in seen]
            elif not old:
                todo = list(connection.execute(select(Appeal.id)).scalars())
        interrupted = False
        for chunk in _chunks(todo):
            check()
            with factory() as session, session.begin(), guarded(session):
                if not _counts_with(session.connection(), now, first, last):
                    interrupted = True
                    break
                written += refresh(session.connection(), chunk, calendar)
        check()
        if not interrupted:
            with factory() as session, session.begin():
                connection = session.connection()
                if _counts_with(connection, now, first, last):
                    _store(connection, {**_stored(connection), **now})
                    if written:
                        log.info("appeal clocks: %d rewritten (calendar years changed: %s)",
                                 written, changed)  # fmt: skip
                    return written
        log.info("appeal clocks: the calendar changed while they were counted; counting again")
        bases.append(now)
    log.warning("appeal clocks: the calendar kept changing; the next start counts them all")
    with factory() as session, session.begin():
        _store(session.connection(), {})  # no record: every clock is counted afresh
    return written


def _counts_with(connection: Connection, prints: dict[str, str], first: int, last: int) -> bool:
    """Is the stored calendar still the one with these fingerprints?"""
    return fingerprints(calendar_in(connection), first, last) == prints
