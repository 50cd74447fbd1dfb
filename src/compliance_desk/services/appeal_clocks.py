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
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, event, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from compliance_desk.domain.appeal_workflow import AppealState, AppealStatus, appeal_deadline
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.work_calendar import WorkCalendar
from compliance_desk.persistence.dialect import insert_for
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
) -> dict[str, Any]:
    deadline = appeal_deadline(calendar, status, explain=False)
    return {
        "appeal_id": appeal_id,
        "is_open": status.state is not AppealState.CLOSED,
        "due": deadline.due or PAUSED,
        "provisional": deadline.provisional,
        "seq": seq,
        "tier_rank": status.tier.rank,
        "state_rank": STATE_RANK[status.state],
        "enterprise_key": enterprise_key,
    }


def department_values(appeal_id: uuid.UUID, status: AppealStatus) -> list[dict[str, Any]]:
    ids = {uuid.UUID(f.department_id) for f in status.forwards}
    return [{"appeal_id": appeal_id, "department_id": d} for d in sorted(ids)]


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
            clocks.append(clock_values(appeal_id, status, calendar, events[-1].seq, key))
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
    """Per year, a digest of its holidays and make-up working days ("none" when unknown)."""
    out = {}
    for year in range(first, last + 1):
        table = calendar.table(year)
        if table is None:
            out[str(year)] = "none"
            continue
        text = json.dumps(
            [
                sorted(d.isoformat() for d in table.holidays),
                sorted(d.isoformat() for d in table.workdays),
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
    first = connection.execute(select(func.min(Appeal.received_at))).scalar()
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


def reconcile(factory: sessionmaker[Session], today: date) -> int:
    """Bring every clock up to date (see the module's note); small transactions, so the desk
    can keep writing meanwhile.  Returns how many clocks were rewritten."""
    with factory() as session, session.begin():
        connection = session.connection()
        if not appeal_text.consistent(connection):  # the appeals were renumbered (a VACUUM)
            log.warning("appeal text index out of step with the appeals: rebuilt")
            appeal_text.rebuild(connection)
    with factory() as session:
        connection = session.connection()
        first, last = _year_range(connection, today)
        calendar = calendar_in(connection)
        now = fingerprints(calendar, first, last)
        old = _stored(connection)
        if old and all(old.get(y) == d for y, d in now.items()) and caught_up(connection):
            return 0  # no step written around the hook, no calendar change: nothing to count
        todo = behind(connection)
        changed = sorted(int(y) for y, digest in now.items() if old.get(y) != digest)
        if old and changed:  # with no record at all, every clock is counted fresh below
            seen = set(todo)
            todo += [i for i in moved_by(connection, changed[0]) if i not in seen]
        elif not old:
            todo = list(connection.execute(select(Appeal.id)).scalars())
    written = 0
    for chunk in _chunks(todo):
        with factory() as session, session.begin():
            written += refresh(session.connection(), chunk, calendar)
    with factory() as session, session.begin():
        connection = session.connection()
        _store(connection, {**_stored(connection), **now})
    if written:
        log.info("appeal clocks: %d rewritten (calendar years changed: %s)", written, changed)
    return written
