"""A pushed batch applied with a few statements per run of plain inserts, not a few per operation.

Most of a backlog is new rows that cannot conflict with anything: visits, audit entries, new
enterprises.  Handled one by one (push._one) each costs a claim, a savepoint, a look-up, an
insert and the stored result: six round trips.  Here a run of consecutive inserts (of tables
without a workflow command) is applied inside one savepoint: the ids claimed in two statements
(their result NULL, "applied": server/operations.py), the rows already present and the natural
keys already taken looked up once per table, and the rows COPYed per stretch of one table, in
the order they came, their values as text where PostgreSQL reads them so (server/copy_text.py).
The operations are checked as merge.parse checks them, with ids kept as their text.

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
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from compliance_desk.persistence.dialect import among, insert_for
from compliance_desk.persistence.sync_models import SyncOperation
from compliance_desk.server import admission, bulk_scope, copy_text, operations
from compliance_desk.sync import capture, codec, merge, protocol, sets
from compliance_desk.sync.policy import policy

log = logging.getLogger("compliance_desk.server")

One = Callable[[Session, uuid.UUID, dict[str, Any], datetime], dict[str, Any]]
MIN_RUN = 8  # shorter runs are not worth a savepoint of their own


def plain_insert(raw: dict[str, Any]) -> bool:
    """An insert of a table without a workflow command: a candidate for the bulk path."""
    if not isinstance(raw, dict) or raw.get("kind") != "insert":
        return False
    table = str(raw.get("table"))
    if table in admission.NUMBERED:  # a number's lease is checked operation by operation
        return False
    pol = policy(table)
    return pol.synced and pol.command is None


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
    i = 0
    while i < len(raws):
        j = i
        while j < len(raws) and plain_insert(raws[j]):
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
        done = _run(session, device_id, raws, now, centre_id)
        if done is not None:
            return done
        if len(raws) >= 2 * MIN_RUN:
            half = len(raws) // 2
            return _run_or_halves(
                session, device_id, raws[:half], now, one, centre_id
            ) + _run_or_halves(session, device_id, raws[half:], now, one, centre_id)
    return [one(session, device_id, raw, now) for raw in raws]


class _Insert(NamedTuple):
    """A plain insert as the bulk path needs it: ids as their canonical text."""

    id: str
    table: str
    row_id: str
    row: Any  # the payload's row, as sent


def _parsed(raw: dict[str, Any], device_id: uuid.UUID) -> _Insert:
    """merge.parse's checks of a plain insert (``plain_insert`` said it is one), without
    building its typed operation: ids in canonical text are checked by pattern, anything in
    another form goes through merge.parse itself.  Raises merge.BadOperation as it does."""
    i, r, u = raw.get("id"), raw.get("row_id"), raw.get("user_id")
    if not (
        type(i) is str
        and type(r) is str
        and copy_text.CANONICAL_UUID.fullmatch(i)
        and copy_text.CANONICAL_UUID.fullmatch(r)
        and (not u or (type(u) is str and copy_text.CANONICAL_UUID.fullmatch(u)))
    ):
        op = merge.parse(raw, device_id)
        return _Insert(str(op.id), op.table, str(op.row_id), op.payload["row"])
    try:
        table = str(raw["table"])
        datetime.fromisoformat(str(raw["at"]))
        if raw.get("base_version") is not None:
            int(raw["base_version"])
        payload = dict(raw["payload"])
    except (KeyError, TypeError, ValueError) as exc:
        raise merge.BadOperation(f"malformed operation: {exc}") from exc
    row = payload.get("row")
    if not isinstance(row, dict):
        raise merge.BadOperation("insert without row")
    return _Insert(i, table, r, row)


def _run(
    session: Session,
    device_id: uuid.UUID,
    raws: list[dict[str, Any]],
    now: datetime,
    centre_id: uuid.UUID | None = None,
) -> list[dict[str, Any]] | None:
    try:
        ops = [_parsed(raw, device_id) for raw in raws]
    except merge.BadOperation:
        return None
    if len({op.id for op in ops}) < len(ops) or len({(o.table, o.row_id) for o in ops}) < len(ops):
        return None
    try:
        prints = [protocol.fingerprint_plain(raw) for raw in raws]
    except ValueError:  # text without UTF-8 (a lone surrogate): one by one rejects it
        return None
    rows: list[dict[str, Any]] = []
    for op, (_digest, plain) in zip(ops, prints, strict=True):
        tbl = codec.table(op.table)
        try:
            row = codec.decode_with(copy_text.decoders(tbl, plain), op.row)
        except (TypeError, ValueError):
            return None
        if row.get("id") != op.row_id:
            return None
        if "row_version" in tbl.c:
            row["row_version"] = 1
        rows.append(row)
    savepoint = session.begin_nested()
    try:
        digests = [digest for digest, _plain in prints]
        results = _apply_run(session, device_id, digests, ops, rows, now, centre_id)
    except OperationalError as exc:
        savepoint.rollback()
        if "deadlock" in str(exc.orig).lower():
            raise
        log.info("bulk push of %d operations fell back to one by one: %s", len(ops), exc)
        return None
    except DBAPIError as exc:
        savepoint.rollback()
        log.info("bulk push of %d operations fell back to one by one: %s", len(ops), exc)
        return None
    if results is None:
        savepoint.rollback()
        return None
    savepoint.commit()
    return results


def _apply_run(
    session: Session,
    device_id: uuid.UUID,
    digests: list[str],
    ops: list[_Insert],
    rows: list[dict[str, Any]],
    now: datetime,
    centre_id: uuid.UUID | None = None,
) -> list[dict[str, Any]] | None:
    connection = session.connection()
    keys = [op.id for op in ops]
    claimed = _claim(connection, device_id, keys, digests, now)
    every = len(claimed) == len(ops)  # the usual case: no replays, nothing to look up
    stored = {}
    if not every:
        replayed = [uuid.UUID(key) for key in keys if key not in claimed]
        stored = {
            str(r.op_id): r
            for r in connection.execute(
                select(SyncOperation.op_id, SyncOperation.payload_hash, SyncOperation.result)
                .where(among(connection, SyncOperation.op_id, replayed))
            )
        }  # fmt: skip
    fresh = (
        list(zip(ops, rows, strict=True))
        if every
        else [(op, row) for op, row, key in zip(ops, rows, keys, strict=True) if key in claimed]
    )
    by_table: dict[str, list[str]] = {}
    for op, _row in fresh:
        by_table.setdefault(op.table, []).append(op.row_id)
    present = sets.present_text(connection, by_table)
    # A row the server holds already is applied as it is (the union keeps the server's copy),
    # so only the others can have a natural-key twin.
    if _twins(connection, [(op, row) for op, row in fresh if (op.table, op.row_id) not in present]):
        return None
    stretch: list[dict[str, Any]] = []
    for n, (op, row) in enumerate(fresh):
        if (op.table, op.row_id) not in present:
            stretch.append(row)
        last = n + 1 == len(fresh) or fresh[n + 1][0].table != op.table
        if last and stretch:
            sets.insert_rows(connection, codec.table(op.table), stretch, as_text=True)
            stretch = []
    if centre_id is not None and bulk_scope.strangers(connection, centre_id, by_table):
        return None  # halves, down to one by one: those of another centre are refused there
    results = []
    noted: list[tuple[str, str, str | None]] = []
    for op, digest, key in zip(ops, digests, keys, strict=True):
        if every or key in claimed:
            noted.append((op.table, op.row_id, key))
            results.append(operations.applied(key))  # what a replay of it gets
            continue
        prior = stored[key]
        if prior.payload_hash != digest:
            log.warning("operation %s replayed with a different payload: refused", key)
            results.append({"op_id": key, "status": "refused",
                            "reason_zh": "同一操作编号的内容与先前不同，服务器拒绝处理",
                            "reason_en": "same operation id, different payload",
                            "conflict": None})  # fmt: skip
        else:
            results.append(operations.replayed(key, prior.result))
    capture.note_changes(session, noted)
    return results


def _claim(
    connection: Connection,
    device_id: uuid.UUID,
    keys: list[str],
    digests: list[str],
    now: datetime,
) -> set[str]:
    """Claim the run's ids (``keys``: str(op.id)) as applied (a NULL result: see
    server/operations.py); returns those claimed, as keys (the others were claimed before:
    replays).  On PostgreSQL the ids claimed already are looked up in one statement and the
    others inserted by one INSERT .. SELECT from arrays, without ON CONFLICT (its speculative
    insertion cost PostgreSQL twice as much CPU as the look-up and a plain insert): an id
    that another push claims at the same time makes the insert fail, and the run goes the
    one-by-one way, which waits for that claim and answers as a replay (rule 6)."""
    if connection.dialect.name == "postgresql":
        taken = {
            r[0]
            for r in connection.exec_driver_sql(
                "SELECT op_id::text FROM sync_operation "
                "WHERE op_id IN (SELECT unnest(%(ids)s::uuid[]))",
                {"ids": "{" + ",".join(keys) + "}"},
            ).all()
        }
        pairs = [(k, d) for k, d in zip(keys, digests, strict=True) if k not in taken]
        if pairs:
            connection.exec_driver_sql(
                "INSERT INTO sync_operation (op_id, device_id, payload_hash, result, received_at) "
                "SELECT u.op_id, %(device)s, u.digest, NULL, %(now)s "
                "FROM unnest(%(ids)s::uuid[], %(digests)s::text[]) AS u(op_id, digest)",
                {"device": device_id, "now": now,
                 # array literals: the driver's array adapter costs microseconds per element
                 "ids": "{" + ",".join([k for k, _d in pairs]) + "}",
                 "digests": "{" + ",".join([d for _k, d in pairs]) + "}"},
            )  # fmt: skip
        return {k for k, _d in pairs}
    claim = (
        insert_for(connection)(SyncOperation)
        .on_conflict_do_nothing(index_elements=[SyncOperation.op_id])
        .returning(SyncOperation.op_id)
    )
    rows = [
        {"op_id": uuid.UUID(key), "device_id": device_id, "payload_hash": digest,
         "result": None, "received_at": now}
        for key, digest in zip(keys, digests, strict=True)
    ]  # fmt: skip
    return {str(i) for i in connection.execute(claim, rows).scalars()}


def _twins(connection: Connection, fresh: list[tuple[_Insert, dict[str, Any]]]) -> bool:
    """Whether a live new row's natural key is taken by another row (here or twice in the
    run): then the one-by-one path sets it aside and opens the merge task."""
    keyed: dict[str, list[tuple[uuid.UUID, dict[str, Any]]]] = {}
    for op, row in fresh:
        key = policy(op.table).natural_key
        if key and row.get("deleted_at") is None:
            keyed.setdefault(op.table, []).append((uuid.UUID(op.row_id), row))
    for table, rows in keyed.items():
        if sets.natural_key_twins(connection, codec.table(table), policy(table).natural_key, rows):
            return True
    return False
