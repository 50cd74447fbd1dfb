"""A page of the outbox as the push sends it: the request body read as text, not built.

``replica.waiting_wire`` builds a dict per operation (three UUIDs and a datetime made and
written again in Python) that is then serialised; for a backlog of 100,000 operations that was
most of the client's time.  Since 0015 capture stores each operation's wire JSON up to its
payload (``envelope``, sync/capture.py), and a page is ``envelope || payload || '}'`` per
operation: a plain read of text (0.4 s of CPU for 100,000 operations, against 2.0 s when
SQLite wrote the JSON at each read).  The server parses the same values either way, so an
operation's fingerprint (protocol.fingerprint, over the parsed values) is the same as before:
a replay after an upgrade is still a replay (tests/test_sync_push_page.py compares the forms).

Rows without an envelope (written before 0015; applied ones, whose envelope is dropped with
the row's rewrite as done, sent again to a server restored from a backup) have SQLite write
their JSON in the statement as before, and a row whose stored form is not the one that SQL
expects (a UUID not of 32 hex digits, a time not ``YYYY-MM-DD HH:MM:SS.ffffff``) is written
by Python.

Writes are kept to one rewrite of each row per push: the attempt is counted when the answer
is recorded (with the status, in the same statement), and a page sent and never answered
(offline, a crash) is remembered by the positions it spans (``IN_FLIGHT``, one setting),
turned into attempts at the next push.  Applied operations are marked done in one statement,
the rest recorded by ``replica.record_results``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Table, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from compliance_desk.persistence.models import LocalSetting
from compliance_desk.persistence.sync_models import SyncOutbox
from compliance_desk.sync import replica
from compliance_desk.sync.blob_refs import BLOB_COLUMNS


def _uuid(column: str) -> str:
    """SQL: a UUID stored as 32 hex digits, written as str(uuid.UUID) writes it."""
    return (
        f"lower(substr({column},1,8)||'-'||substr({column},9,4)||'-'||substr({column},13,4)"
        f"||'-'||substr({column},17,4)||'-'||substr({column},21,12))"
    )


_TIME = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9][0-9][0-9][0-9]"
_HEX32 = "length({c}) = 32 AND {c} NOT GLOB '*[^0-9a-f]*'"
# The stored forms this SQL writes as Python would; anything else is written by Python.
_PLAIN = (
    f"{_HEX32.format(c='id')} AND {_HEX32.format(c='row_id')} "
    f"AND (user_id IS NULL OR {_HEX32.format(c='user_id')}) AND at GLOB '{_TIME}'"
)
# datetime.isoformat() of the UTC time: no fraction when it is zero.
_AT = (
    "substr(at,1,10)||'T'||substr(at,12,8)||CASE substr(at,21,6) WHEN '000000' THEN '' "
    "ELSE '.'||substr(at,21,6) END||'+00:00'"
)
_WIRE = (
    f"""CASE WHEN {_PLAIN} THEN '{{"id":"'||{_uuid("id")}||'","table":'||json_quote(table_name)"""
    f"""||',"row_id":"'||{_uuid("row_id")}||'","kind":'||json_quote(kind)"""
    """||',"base_version":'||json_quote(base_version)||',"command":'||json_quote(command)"""
    """||',"payload":'||coalesce(payload,'null')||',"user_id":'||"""
    f"""CASE WHEN user_id IS NULL THEN 'null' ELSE '"'||{_uuid("user_id")}||'"' END"""
    f"""||',"at":"'||{_AT}||'"}}' END"""
)
# The pages sent and not yet answered (a page in flight and the one read ahead): "first last".
IN_FLIGHT = "sync.push_in_flight"
# A row captured since 0015: its envelope and payload; before: written here (``_WIRE``).
_READ = text(
    "SELECT position, id, table_name, "
    f"CASE WHEN envelope IS NULL THEN {_WIRE} ELSE envelope||payload||'}}' END "
    "FROM sync_outbox WHERE status = 'pending' AND position > :after "
    "ORDER BY position LIMIT :limit"
)


CHUNK = 500  # operations per piece of the body (see Page.chunks)


@dataclass(frozen=True)
class Page:
    # {"ops": [...]}: the request as sent, in pieces of CHUNK operations.  One string of a whole
    # page (about 25 MB at 20,000 operations) took 30-60 ms to join and to encode, the GIL held
    # throughout: a stall of the window's event loop while a sync runs in its task runner.
    chunks: list[bytes]
    ids: list[str]  # the operations' ids as the wire and the server's answers write them
    stored_ids: list[str]  # the same as stored (for the statements here)
    positions: list[int]
    blob_ops: list[dict[str, Any]]  # operations whose rows may name files (sync/blob_refs.py)

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)


def read(session: Session, limit: int, after: Page | None = None) -> Page | None:
    """The next ``limit`` waiting operations in outbox order; ``after``: a page sent but not
    yet answered (read while the server works on it): the operations after it.  (Nothing
    waiting comes before a page's last operation but the page's own: pages are read in order,
    and operations are captured at the end.)"""
    last = after.positions[-1] if after is not None else -1
    rows = session.connection().execute(_READ, {"after": last, "limit": limit}).all()
    if not rows:
        return None
    texts: list[str] = []
    ids: list[str] = []
    blob_ops: list[dict[str, Any]] = []
    for position, _stored, table, wire in rows:
        if wire is None:  # a stored form the SQL does not know: Python writes it
            wire = _python_wire(session, position)
        texts.append(wire)
        ids.append(wire[7:43])  # '{"id":"' + 36 characters
        if table in BLOB_COLUMNS:
            blob_ops.append(orjson.loads(wire))
    chunks = [b'{"ops":[']
    for start in range(0, len(texts), CHUNK):
        piece = ",".join(texts[start : start + CHUNK])
        chunks.append(("," + piece if start else piece).encode("utf-8"))
    chunks.append(b"]}")
    stored = [str(r[1]) for r in rows]
    return Page(chunks, ids, stored, [int(r[0]) for r in rows], blob_ops)


def _python_wire(session: Session, position: int) -> str:
    op = session.scalars(select(SyncOutbox).where(SyncOutbox.position == position)).one()
    return orjson.dumps(replica.wire(op)).decode()


def _ids_in(stored: list[str]) -> Any:
    ids = func.json_each(bindparam("ids", orjson.dumps(stored).decode())).table_valued("value")
    return select(ids.c.value).scalar_subquery()


def in_flight(session: Session, first: Page | None, last: Page | None = None) -> None:
    """Remember that the operations from ``first`` to ``last`` (a page about to be sent, or in
    flight, and the page read ahead) may reach the server; None: nothing in flight."""
    if first is None:
        _forget_in_flight(session)
        return
    end = (last or first).positions[-1]
    replica.set_setting(session, IN_FLIGHT, f"{first.positions[0]} {end}")


def _forget_in_flight(session: Session) -> None:
    row = session.get(LocalSetting, IN_FLIGHT)
    if row is not None:
        session.delete(row)


def count_unanswered(session: Session) -> int:
    """The pages a push before this one sent and never had answered (offline, a crash): one
    more attempt for each of their operations still waiting; returns how many."""
    span = replica.get_setting(session, IN_FLIGHT)
    if span is None:
        return 0
    first, last = (int(p) for p in span.split())
    outbox: Table = SyncOutbox.__table__  # type: ignore[assignment]
    result = session.connection().execute(
        update(outbox)
        .where(outbox.c.position.between(first, last), outbox.c.status == "pending")
        .values(attempts=outbox.c.attempts + 1)
    )
    _forget_in_flight(session)
    return int(getattr(result, "rowcount", 0) or 0)


def record(
    session: Session, page: Page, results: list[dict[str, Any]], now: datetime
) -> dict[str, int]:
    """The server's answers, as ``replica.record_results`` records them: applied operations
    done (in one statement), the others kept with their answer by it; each operation of the
    page, answered or not, has its attempt counted."""
    stored = dict(zip(page.ids, page.stored_ids, strict=True))
    applied: list[str] = []
    others: list[tuple[str, dict[str, Any]]] = []
    for result in results:
        op_id = result.get("op_id") if isinstance(result, dict) else None
        if not isinstance(op_id, str) or op_id not in stored:
            continue
        if str(result.get("status")) == "applied":
            applied.append(stored[op_id])
        else:
            others.append((op_id, result))
    counts = {"applied": len(set(applied)), "conflict": 0, "rejected": 0}
    if applied:
        outbox: Table = SyncOutbox.__table__  # type: ignore[assignment]
        session.connection().execute(
            update(outbox)
            .where(outbox.c.id.in_(_ids_in(applied)))
            .values(
                status="done",
                result=None,
                acked_at=now,
                attempts=outbox.c.attempts + 1,
                envelope=None,  # not needed again: the 30 days kept take less room
            )
        )
    if len(applied) + len(others) < len(page):  # answered in part: the rest were sent too
        outbox = SyncOutbox.__table__  # type: ignore[assignment]
        answered = {stored[i] for i, _r in others} | set(applied)
        session.connection().execute(
            update(outbox)
            .where(outbox.c.id.in_(_ids_in([i for i in page.stored_ids if i not in answered])))
            .values(attempts=outbox.c.attempts + 1)
        )
    if others:
        done = set(applied)
        rest = [(i, r) for i, r in others if stored[i] not in done]
        got = replica.record_results(
            session, [uuid.UUID(i) for i, _r in rest], [r for _i, r in rest], now
        )
        counts["conflict"] += got["conflict"]
        counts["rejected"] += got["rejected"]
    return counts
