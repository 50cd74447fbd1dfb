"""A pushed batch applied with a few statements per run of plain inserts, not a few per operation.

Most of a backlog is new rows that cannot conflict with anything: visits, audit entries, new
enterprises.  Handled one by one (push._one) each costs a claim, a savepoint, a look-up, an
insert and the stored result: six round trips.  Here a run of consecutive inserts (of tables
without a workflow command) is applied inside one savepoint: the ids claimed in two statements
(their result NULL, "applied": server/operations.py), the rows already present and the natural
keys already taken looked up once per table, and the rows COPYed per stretch of one table, in
the order they came, their values as text where PostgreSQL reads them so (server/copy_text.py).
The operations are checked as merge.parse checks them, with ids kept as their text.

Plain edits among them (a clerk's edit and its audit entry, an import's edits) join the run:
the inserts go as above, then the edits (server/bulk_updates.py), in one savepoint (``_mixed``).

A long run goes a CHUNK at a time inside its savepoint, a thread preparing the next chunk (the
checks, fingerprints, decoding and COPY text: everything that needs no database) while the
session's thread has PostgreSQL apply the one before (``_run``).

Anything unusual rolls the savepoint back and tries each half of the run, down to short runs
that go one by one, so the outcome is the same as there: a malformed operation, an id twice
in the run, a live twin of a natural key (the merge task), or a statement that fails (a row
whose parent is missing is rejected by ``_one``, alone).  Replays (ids already claimed) are answered here from
the stored results, as ``_one`` answers them.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from operator import methodcaller
from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from compliance_desk.server import (
    admission,
    bulk_chunks,
    bulk_scope,
    bulk_updates,
    claims,
    log_text,
    operations,
)
from compliance_desk.server.bulk_chunks import Chunk, Insert, keyed
from compliance_desk.sync import capture, codec, sets, switching
from compliance_desk.sync.policy import policy

log = logging.getLogger("compliance_desk.server")

One = Callable[[Session, uuid.UUID, dict[str, Any], datetime], dict[str, Any]]
MIN_RUN = 8  # shorter runs are not worth a savepoint of their own
CHUNK = 2000  # operations prepared while PostgreSQL applies the chunk before (``_run``)


def plain_insert(raw: dict[str, Any]) -> bool:
    """An insert of a table without a workflow command: a candidate for the bulk path."""
    return admission.plain(raw, "insert") is not None


def _plain_inserts(raws: list[dict[str, Any]]) -> list[bool]:
    """``plain_insert`` of each operation, judged once per kind and table (all it looks at)."""
    try:
        pairs = list(zip(map(methodcaller("get", "kind"), raws),
                         map(methodcaller("get", "table"), raws), strict=True))  # fmt: skip
        judged = {pair: plain_insert({"kind": pair[0], "table": pair[1]}) for pair in set(pairs)}
    except (TypeError, AttributeError):  # an operation that is not an object, a list as table
        return [plain_insert(raw) for raw in raws]
    return list(map(judged.__getitem__, pairs))


def apply(
    session: Session,
    device_id: uuid.UUID,
    raws: list[dict[str, Any]],
    now: datetime,
    one: One,
    centre_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    """Results for ``raws`` in order, the same as ``[one(...) for raw in raws]`` would give.
    ``centre_id``: the device's centre, whose runs are checked as a whole (server/bulk_scope.py)."""
    results: list[dict[str, Any]] = []
    inserts = _plain_inserts(raws)
    bulky = [ins or bulk_updates.plain_update(r) for ins, r in zip(inserts, raws, strict=True)]
    i = 0
    while i < len(raws):
        j = i
        while j < len(raws) and bulky[j]:
            j += 1
        if j - i >= MIN_RUN:
            results.extend(_run_or_halves(session, device_id, raws[i:j], now, one, centre_id))
            i = j
        else:
            results.append(one(session, device_id, raws[i], now))
            i += 1
    return results


def _run_or_halves(
    session: Session,
    device_id: uuid.UUID,
    raws: list[dict[str, Any]],
    now: datetime,
    one: One,
    centre_id: uuid.UUID | None = None,
) -> list[dict[str, Any]]:
    """The run in bulk; if that cannot be, each half in bulk, down to one by one (so that one
    odd operation in a page costs the page a few more statements, not six per operation)."""
    if len(raws) >= MIN_RUN:
        done = _mixed(session, device_id, raws, now, centre_id)
        if done is not None:
            return done
        if len(raws) >= 2 * MIN_RUN:
            half = len(raws) // 2
            return _run_or_halves(
                session, device_id, raws[:half], now, one, centre_id
            ) + _run_or_halves(session, device_id, raws[half:], now, one, centre_id)
    return [one(session, device_id, raw, now) for raw in raws]


def _edit_before_its_insert(raws: list[dict[str, Any]], inserting: list[bool]) -> bool:
    """Whether an edit in the run comes before an insert it may depend on: of the same row,
    under the same operation id, or of a row the edit names among its new values (a foreign
    key).  One by one the edit would meet the row missing; inserts first, it would not."""
    later_rows: set[str] = set()
    later_ids: set[str] = set()
    for raw, insert in zip(reversed(raws), reversed(inserting), strict=True):
        if insert:
            later_rows.add(str(raw.get("row_id")))
            later_ids.add(str(raw.get("id")))
            continue
        if str(raw.get("row_id")) in later_rows or str(raw.get("id")) in later_ids:
            return True
        changes = raw["payload"]["changes"]  # bulk_updates.plain_update: a dict
        for pair in changes.values():
            if isinstance(pair, list) and len(pair) == 2 and str(pair[1]) in later_rows:
                return True
    return False


# Change-log entries of a part of a run, with the rows it inserted (capture.note_changes), kept
# back until the whole run is applied.
Noting = list[
    tuple[list[tuple[str, str, str | None]], dict[tuple[str, str], tuple[Any, ...]] | None]
]


def _mixed(
    session: Session,
    device_id: uuid.UUID,
    raws: list[dict[str, Any]],
    now: datetime,
    centre_id: uuid.UUID | None = None,
) -> list[dict[str, Any]] | None:
    """A run of plain inserts and plain edits (a clerk's edit and its audit entry, again and
    again): the inserts in bulk (``_run``), then the edits (server/bulk_updates.py), in one
    savepoint; the answers and the change log in the run's order.  A row inserted and edited in
    the same run is inserted first, as one by one has it; an edit before an insert it may
    depend on sends the run the one-by-one way.  Anything either part cannot take whole rolls
    both back: None (the run is halved)."""
    inserting = _plain_inserts(raws)
    if all(inserting):
        return _run(session, device_id, raws, now, centre_id)
    if not any(inserting):
        return bulk_updates.run(session, device_id, raws, now, centre_id)
    if _edit_before_its_insert(raws, inserting):
        return None
    noting: Noting = []
    savepoint = session.begin_nested()
    inserts = [raw for raw, i in zip(raws, inserting, strict=True) if i]
    edits = [raw for raw, i in zip(raws, inserting, strict=True) if not i]
    inserted = _run(session, device_id, inserts, now, centre_id, noting)
    edited = None
    if inserted is not None:
        edited = bulk_updates.run(session, device_id, edits, now, centre_id, noting)
    if inserted is None or edited is None:
        savepoint.rollback()
        return None
    # The change log in the page's order, as one by one numbers it: a device that pulls a
    # visit before the enterprise an edit moved into its centre would miss its parent.
    # Noted without the inserted rows' centres: an edit may have moved one (all read by SQL).
    at = {str(raw.get("id")): n for n, raw in enumerate(raws)}
    (by_inserts, _rows), (by_edits, _none) = noting
    capture.note_changes(session, sorted(by_inserts + by_edits, key=lambda e: at[str(e[2])]))
    savepoint.commit()
    of_inserts, of_edits = iter(inserted), iter(edited)
    return [next(of_inserts) if i else next(of_edits) for i in inserting]


def _run(
    session: Session,
    device_id: uuid.UUID,
    raws: list[dict[str, Any]],
    now: datetime,
    centre_id: uuid.UUID | None = None,
    noting: Noting | None = None,
) -> list[dict[str, Any]] | None:
    """The run in one savepoint, a CHUNK of operations at a time: while PostgreSQL applies one
    chunk (psycopg lets go of the GIL while it waits), a thread prepares the next, so a page
    costs about the larger of its Python and its PostgreSQL time, not their sum.  The first
    chunk is a quarter of the others: nothing overlaps its preparation."""
    first = max(1, CHUNK // 4) if len(raws) > CHUNK else CHUNK
    parts = [raws[:first]] + [raws[k : k + CHUNK] for k in range(first, len(raws), CHUNK)]
    if len(parts) == 1:
        return _apply_chunks(
            session,
            device_id,
            [lambda: bulk_chunks.prepare(parts[0], device_id)],
            now,
            centre_id,
            noting,
        )
    with (
        ThreadPoolExecutor(1, thread_name_prefix="push-prepare") as pool,
        switching.short_turns(),  # the session's thread gets the GIL back soon after a wait
    ):
        futures = [pool.submit(bulk_chunks.prepare, part, device_id) for part in parts]
        try:
            return _apply_chunks(
                session, device_id, [f.result for f in futures], now, centre_id, noting
            )
        finally:
            for future in futures:
                future.cancel()


def _apply_chunks(
    session: Session,
    device_id: uuid.UUID,
    chunks: list[Callable[[], Chunk | None]],
    now: datetime,
    centre_id: uuid.UUID | None = None,
    noting: Noting | None = None,
) -> list[dict[str, Any]] | None:
    """The chunks applied in one savepoint; a centre's device's run is then checked against
    its scope as a whole (server/bulk_scope.py).  Its change-log entries are noted, or, given
    ``noting``, put there for the caller to note once everything it runs is applied."""
    first = chunks[0]()
    if first is None:
        return None
    ids: set[str] = set()
    keys: set[tuple[str, str]] = set()
    results: list[dict[str, Any]] = []
    noted: list[tuple[str, str, str | None]] = []
    inserted: dict[tuple[str, str], tuple[Any, ...]] = {}
    savepoint = session.begin_nested()
    connection = session.connection()
    try:
        for n, get in enumerate(chunks):
            chunk = first if n == 0 else get()
            if chunk is None or _repeats(chunk, ids, keys):
                savepoint.rollback()
                return None
            done = _apply_run(session, device_id, chunk, now, inserted)
            if done is None:
                savepoint.rollback()
                return None
            results.extend(done[0])
            noted.extend(done[1])
        if centre_id is not None and bulk_scope.strangers(connection, centre_id, _by_table(noted)):
            savepoint.rollback()  # halves, down to one by one: another centre's are refused there
            return None
    except OperationalError as exc:
        savepoint.rollback()
        if "deadlock" in str(exc.orig).lower():
            raise
        log.info("bulk push fell back to one by one (after %d operations): %s", len(ids),
                 log_text.safe(exc))  # fmt: skip
        return None
    except DBAPIError as exc:
        savepoint.rollback()
        log.info("bulk push fell back to one by one (after %d operations): %s", len(ids),
                 log_text.safe(exc))  # fmt: skip
        return None
    if noting is None:
        capture.note_changes(session, noted, inserted)  # only for a run applied whole
    else:
        noting.append((noted, inserted))
    savepoint.commit()
    return results


def _by_table(noted: list[tuple[str, str, str | None]]) -> dict[str, list[str]]:
    """The rows of the change-log entries ``noted`` (table, row id, op id), by table."""
    out: dict[str, list[str]] = {}
    for table, row_id, _op in noted:
        out.setdefault(table, []).append(row_id)
    return out


def _repeats(chunk: Chunk, ids: set[str], keys: set[tuple[str, str]]) -> bool:
    """Whether an operation id or a row comes twice in the run so far (then one by one)."""
    had_ids, had_keys = len(ids), len(keys)
    ids.update([op.id for op in chunk.ops])
    keys.update([(op.table, op.row_id) for op in chunk.ops])
    return len(ids) - had_ids < len(chunk.ops) or len(keys) - had_keys < len(chunk.ops)


def _apply_run(
    session: Session,
    device_id: uuid.UUID,
    chunk: Chunk,
    now: datetime,
    inserted: dict[tuple[str, str], tuple[Any, ...]],
) -> tuple[list[dict[str, Any]], list[tuple[str, str, str | None]]] | None:
    """One chunk's claims, look-ups and COPYs: its results and its change-log entries; the
    rows it inserts are added to ``inserted`` with what decides their centres."""
    connection = session.connection()
    ops, digests = chunk.ops, chunk.digests
    keys = [op.id for op in ops]
    claimed = claims.claim(connection, device_id, keys, digests, now)
    every = len(claimed) == len(ops)  # the usual case: no replays, nothing to look up
    stored = {}
    if not every:
        stored = claims.records(connection, [uuid.UUID(key) for key in keys if key not in claimed])
    if every and chunk.ready is not None:
        ready = chunk.ready
        if not sets.present_text(connection, ready.by_table):  # none there: all inserted
            if _twins_keyed(connection, ready.keyed):
                return None
            for table, text, rows in ready.stretches:
                if text is not None:
                    sets.copy_text(connection, codec.table(table), text)
                else:
                    sets.insert_rows(connection, codec.table(table), _made(rows), as_text=True)
            inserted.update(ready.inserted)
            return ready.results, ready.noted
    items = zip(ops, chunk.rows, chunk.lines, chunk.decides, strict=True)
    fresh = list(items) if every else [i for i in items if i[0].id in claimed]
    by_table: dict[str, list[str]] = {}
    for op, *_rest in fresh:
        by_table.setdefault(op.table, []).append(op.row_id)
    present = sets.present_text(connection, by_table)
    # A row the server holds already is applied as it is (the union keeps the server's copy),
    # so only the others can have a natural-key twin.
    new = [item for item in fresh if (item[0].table, item[0].row_id) not in present]
    # (a row not made is of a table without a natural key: bulk_chunks.Chunk.rows)
    if _twins(connection, [(op, row) for op, row, _line, _decides in new if row is not None]):
        return None
    stretch: list[tuple[Insert, dict[str, Any] | None, str | None, tuple[Any, ...]]] = []
    for n, item in enumerate(fresh):
        op = item[0]
        if (op.table, op.row_id) not in present:
            stretch.append(item)
            inserted[(op.table, op.row_id)] = item[3]
        last = n + 1 == len(fresh) or fresh[n + 1][0].table != op.table
        if last and stretch:
            _insert(connection, codec.table(op.table), stretch)
            stretch = []
    results = []
    noted: list[tuple[str, str, str | None]] = []
    for op, digest, key in zip(ops, digests, keys, strict=True):
        if every or key in claimed:
            noted.append((op.table, op.row_id, key))
            results.append(operations.applied(key))  # what a replay of it gets
            continue
        results.append(operations.answer_replay(key, digest, stored[key]))
    return results, noted


def _insert(
    connection: Connection,
    tbl: Table,
    items: list[tuple[Insert, dict[str, Any] | None, str | None, tuple[Any, ...]]],
) -> None:
    """A stretch of one table's new rows: their COPY text as written, or (a row that psycopg
    formats itself, a row without every column) by sets.insert_rows."""
    lines = [item[2] for item in items]
    if None in lines:
        sets.insert_rows(connection, tbl, _made([item[1] for item in items]), as_text=True)
    else:
        sets.copy_text(connection, tbl, "".join(lines).encode())  # type: ignore[arg-type]


def _made(rows: list[dict[str, Any] | None]) -> list[dict[str, Any]]:
    """A stretch's decoded rows, where a line is not written: a table's rows in a chunk are
    either all made one at a time or all written a column at a time (bulk_chunks.prepare)."""
    made = [row for row in rows if row is not None]
    if len(made) != len(rows):
        raise AssertionError(f"a stretch of {len(rows)} rows with {len(made)} made")
    return made


def _twins(connection: Connection, fresh: list[tuple[Insert, dict[str, Any]]]) -> bool:
    """Whether a live new row's natural key is taken by another row (here or twice in the
    run): then the one-by-one path sets it aside and opens the merge task."""
    return _twins_keyed(connection, keyed(fresh))


def _twins_keyed(
    connection: Connection, keyed: dict[str, list[tuple[uuid.UUID, dict[str, Any]]]]
) -> bool:
    for table, rows in keyed.items():
        if sets.natural_key_twins(connection, codec.table(table), policy(table).natural_key, rows):
            return True
    return False
