"""A pushed batch applied with a few statements per run of plain inserts, not a few per operation.

Most of a backlog is new rows that cannot conflict with anything: visits, audit entries, new
enterprises.  Handled one by one (push._one) each costs a claim, a savepoint, a look-up, an
insert and the stored result: six round trips.  Here a run of consecutive inserts (of tables
without a workflow command) is applied inside one savepoint: the ids claimed in one statement
(with their result, "applied", already written), the rows already present and the natural keys
already taken looked up once per table, and the rows inserted one ``executemany`` per stretch
of one table, in the order they came.

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
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from compliance_desk.persistence.sync_models import SyncOperation
from compliance_desk.server import admission
from compliance_desk.sync import capture, codec, merge, protocol
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
    session: Session, device_id: uuid.UUID, raws: list[dict[str, Any]], now: datetime, one: One
) -> list[dict[str, Any]]:
    """Results for ``raws`` in order, the same as ``[one(...) for raw in raws]`` would give."""
    results: list[dict[str, Any]] = []
    i = 0
    while i < len(raws):
        j = i
        while j < len(raws) and plain_insert(raws[j]):
            j += 1
        if j - i >= MIN_RUN:
            results.extend(_run_or_halves(session, device_id, raws[i:j], now, one))
            i = j
        else:
            results.append(one(session, device_id, raws[i], now))
            i += 1
    return results


def _run_or_halves(
    session: Session, device_id: uuid.UUID, raws: list[dict[str, Any]], now: datetime, one: One
) -> list[dict[str, Any]]:
    """The run in bulk; if that cannot be, each half in bulk, down to one by one (so that one
    odd operation in a page costs the page a few more statements, not six per operation)."""
    if len(raws) >= MIN_RUN:
        done = _run(session, device_id, raws, now)
        if done is not None:
            return done
        if len(raws) >= 2 * MIN_RUN:
            half = len(raws) // 2
            return _run_or_halves(session, device_id, raws[:half], now, one) + _run_or_halves(
                session, device_id, raws[half:], now, one
            )
    return [one(session, device_id, raw, now) for raw in raws]


def _run(
    session: Session, device_id: uuid.UUID, raws: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]] | None:
    try:
        ops = [merge.parse(raw, device_id) for raw in raws]
    except merge.BadOperation:
        return None
    if len({op.id for op in ops}) < len(ops) or len({(o.table, o.row_id) for o in ops}) < len(ops):
        return None
    rows: list[dict[str, Any]] = []
    for op in ops:
        tbl = codec.table(op.table)
        try:
            row = codec.decode_row(tbl, op.payload["row"])
        except (TypeError, ValueError):
            return None
        if row.get("id") != op.row_id:
            return None
        if "row_version" in tbl.c:
            row["row_version"] = 1
        rows.append(row)
    savepoint = session.begin_nested()
    try:
        results = _apply_run(session, device_id, raws, ops, rows, now)
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
    raws: list[dict[str, Any]],
    ops: list[merge.Op],
    rows: list[dict[str, Any]],
    now: datetime,
) -> list[dict[str, Any]] | None:
    connection = session.connection()
    applied = {op.id: merge.Outcome("applied").as_result(op.id) for op in ops}
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    claim = (
        dialect.insert(SyncOperation)
        .on_conflict_do_nothing(index_elements=[SyncOperation.op_id])
        .returning(SyncOperation.op_id)
    )
    claimed = set(
        connection.execute(
            claim,
            [
                {
                    "op_id": op.id,
                    "device_id": device_id,
                    "payload_hash": protocol.fingerprint(raw),
                    "result": applied[op.id],
                    "received_at": now,
                }  # fmt: skip
                for op, raw in zip(ops, raws, strict=True)
            ],
        ).scalars()
    )
    stored = {}
    if len(claimed) < len(ops):
        replayed = [op.id for op in ops if op.id not in claimed]
        stored = {
            r.op_id: r
            for r in connection.execute(
                select(SyncOperation.op_id, SyncOperation.payload_hash, SyncOperation.result)
                .where(SyncOperation.op_id.in_(replayed))
            )
        }  # fmt: skip
    fresh = [(op, row) for op, row in zip(ops, rows, strict=True) if op.id in claimed]
    present = _present(connection, fresh)
    if present is None or _twins(connection, fresh):
        return None
    stretch: list[dict[str, Any]] = []
    for n, (op, row) in enumerate(fresh):
        if (op.table, op.row_id) not in present:
            stretch.append(row)
        last = n + 1 == len(fresh) or fresh[n + 1][0].table != op.table
        if last and stretch:
            _insert(connection, codec.table(op.table), stretch)
            stretch = []
    results = []
    for op, raw in zip(ops, raws, strict=True):
        if op.id in claimed:
            capture.note_change(session, op.table, op.row_id, op.id)
            results.append(applied[op.id])
            continue
        prior = stored[op.id]
        if prior.payload_hash != protocol.fingerprint(raw):
            log.warning("operation %s replayed with a different payload: refused", op.id)
            results.append({"op_id": str(op.id), "status": "refused",
                            "reason_zh": "同一操作编号的内容与先前不同，服务器拒绝处理",
                            "reason_en": "same operation id, different payload",
                            "conflict": None})  # fmt: skip
        else:
            results.append(dict(prior.result))
    return results


def _present(connection: Any, fresh: list[tuple[merge.Op, dict[str, Any]]]) -> set[Any] | None:
    """The rows of ``fresh`` the server has already (the union keeps its copy)."""
    by_table: dict[str, list[uuid.UUID]] = {}
    for op, _row in fresh:
        by_table.setdefault(op.table, []).append(op.row_id)
    present: set[tuple[str, uuid.UUID]] = set()
    for table, ids in by_table.items():
        tbl = codec.table(table)
        found = connection.execute(select(tbl.c.id).where(tbl.c.id.in_(ids))).scalars()
        present.update((table, i) for i in found)
    return present


def _twins(connection: Any, fresh: list[tuple[merge.Op, dict[str, Any]]]) -> bool:
    """Whether a live new row's natural key is taken (here or twice in the run)."""
    keys: dict[str, list[Any]] = {}
    for op, row in fresh:
        key = policy(op.table).natural_key
        if key and row.get("deleted_at") is None:
            if len(key) != 1 or row.get(key[0]) is None:
                return True  # not expected; the one-by-one path knows how
            keys.setdefault(op.table, []).append(row.get(key[0]))
    for table, values in keys.items():
        if len(set(values)) < len(values):
            return True
        tbl = codec.table(table)
        column = tbl.c[policy(table).natural_key[0]]
        taken = connection.execute(
            select(tbl.c.id).where(column.in_(values), tbl.c.deleted_at.is_(None)).limit(1)
        ).first()
        if taken is not None:
            return True
    return False


def _insert(connection: Any, tbl: Table, rows: list[dict[str, Any]]) -> None:
    """One executemany per set of columns (an older client may send fewer)."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(frozenset(row), []).append(row)
    for group in groups.values():
        connection.execute(insert(tbl), group)
