"""A pushed run of plain updates applied with a few statements per table, not five per operation.

An edit of a record (a table without a workflow command) goes one by one through push._one:
its claim, a savepoint, the row read under lock, the field-level merge, the update, about
5 ms each (bench/sync_edits_bench.py).  A ledger imported again, or an administrator's edits
of many records, is a run of thousands of them.  Here a run is applied inside one savepoint:
the ids claimed in two statements (server/bulk.py's claim), the rows read under lock in one
statement per table, each operation merged in Python by merge.plain_update (the same three-way
merge), and the rows updated by one statement per table and set of fields, executed for many
rows at once.

Only the plain case goes here; anything the merge has something to say about (a row deleted
or missing, a clash, a natural key changed, an enterprise renamed, a malformed operation, the
same row twice) rolls the savepoint back, and the run is halved down to one by one
(server/bulk.py), which answers it.  A device of one centre has the run's rows checked as a
whole, before the updates (the rows it may change) and after (where they belong now), as
admission checks each operation.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select, update
from sqlalchemy.exc import OperationalError, StatementError
from sqlalchemy.orm import Session

from compliance_desk.persistence.dialect import among
from compliance_desk.server import admission, bulk_scope, claims, log_text, operations
from compliance_desk.sync import capture, codec, merge, protocol, scope

log = logging.getLogger("compliance_desk.server")


# Changes that merge.plain_update always leaves to one by one: sent there at once, so that a
# clerk's renames (each followed by its audit entry) do not have their runs halved for nothing.
_ALONE = {"enterprise": frozenset({"name", "name_pinyin"}), "appeal": frozenset({"enterprise_id"})}


def plain_update(raw: dict[str, Any]) -> bool:
    """An update of a table without a workflow command that the bulk merge can take: not of
    an append-only table (refused one by one), nor of a natural key, a name or an id."""
    pol = admission.plain(raw, "update")
    if pol is None:
        return False
    table = str(raw["table"])
    if "deleted_at" not in codec.table(table).c:
        return False
    payload = raw.get("payload")
    changes = payload.get("changes") if isinstance(payload, dict) else None
    if not isinstance(changes, dict):
        return False
    alone = _ALONE.get(table, frozenset()) | set(pol.natural_key) | {"id"}
    return alone.isdisjoint(changes)


def run(
    session: Session,
    device_id: uuid.UUID,
    raws: list[dict[str, Any]],
    now: datetime,
    centre_id: uuid.UUID | None = None,
    noting: list[Any] | None = None,
) -> list[dict[str, Any]] | None:
    """The run's results, the same as one by one would give; None when it cannot go whole.
    Its change-log entries are noted, or, given ``noting`` (server/bulk.py), put there."""
    try:
        ops = [merge.parse(raw, device_id) for raw in raws]
        digests = [protocol.fingerprint(raw) for raw in raws]
    except (merge.BadOperation, ValueError):
        return None
    keys = [str(op.id) for op in ops]
    if len(set(keys)) < len(ops) or len({(op.table, op.row_id) for op in ops}) < len(ops):
        return None  # an id or a row twice: one by one, in order
    savepoint = session.begin_nested()
    connection = session.connection()
    try:
        done = _apply(connection, device_id, ops, keys, digests, now, centre_id)
    except OperationalError as exc:
        savepoint.rollback()
        if "deadlock" in str(exc.orig).lower():
            raise
        log.info("bulk update fell back to one by one: %s", log_text.safe(exc))
        return None
    except (StatementError, merge.BadOperation, ValueError) as exc:  # DBAPIError among them
        savepoint.rollback()
        log.info("bulk update fell back to one by one: %s", log_text.safe(exc))
        return None
    if done is None:
        savepoint.rollback()
        return None
    results, noted = done
    if noting is None:
        capture.note_changes(session, noted)  # their centres read by SQL as the rows are now
    else:
        noting.append((noted, None))
    savepoint.commit()
    return results


def _apply(
    connection: Connection,
    device_id: uuid.UUID,
    ops: list[merge.Op],
    keys: list[str],
    digests: list[str],
    now: datetime,
    centre_id: uuid.UUID | None,
) -> tuple[list[dict[str, Any]], list[tuple[str, str, str | None]]] | None:
    claimed = claims.claim(connection, device_id, keys, digests, now)
    fresh = [op for op, key in zip(ops, keys, strict=True) if key in claimed]
    by_table: dict[str, list[merge.Op]] = {}
    for op in fresh:
        by_table.setdefault(op.table, []).append(op)
    planned: dict[uuid.UUID, dict[str, Any]] = {}
    for table, table_ops in by_table.items():
        tbl = codec.table(table)
        ids = sorted(op.row_id for op in table_ops)  # locked in one order: fewer deadlocks
        query = select(tbl).where(among(connection, tbl.c.id, ids)).order_by(tbl.c.id)
        if connection.dialect.name == "postgresql":
            query = query.with_for_update()
        current = {row["id"]: row for row in connection.execute(query).mappings()}
        if centre_id is not None:
            was = scope.centres(connection, table, ids)
            if any(c is not None and c != centre_id for c in was.values()):
                return None  # another centre's row: refused one by one
        for op in table_ops:
            row = current.get(op.row_id)
            values = None if row is None else merge.plain_update(op, row)
            if values is None:
                return None
            planned[op.row_id] = values
    for table, table_ops in by_table.items():
        _write(connection, table, [(op.row_id, planned[op.row_id]) for op in table_ops])
    if centre_id is not None and bulk_scope.strangers(
        connection, centre_id, {t: [str(op.row_id) for op in o] for t, o in by_table.items()}
    ):
        return None
    stored = {}
    if len(fresh) < len(ops):
        stored = claims.records(connection, [op.id for op in ops if str(op.id) not in claimed])
    results: list[dict[str, Any]] = []
    noted: list[tuple[str, str, str | None]] = []
    for op, key, digest in zip(ops, keys, digests, strict=True):
        if key in claimed:
            noted.append((op.table, str(op.row_id), key))
            results.append(operations.applied(key))
        else:
            results.append(operations.answer_replay(key, digest, stored[key]))
    return results, noted


def _write(
    connection: Connection, table: str, rows: list[tuple[uuid.UUID, dict[str, Any]]]
) -> None:
    """The rows' new values, one statement per set of fields, run for all its rows at once;
    the row version counted up as the one-by-one merge counts it."""
    tbl = codec.table(table)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row_id, values in rows:
        names = tuple(sorted(values))
        groups.setdefault(names, []).append(
            {"k__id": row_id, **{f"v_{name}": values[name] for name in names}}
        )
    for names, params in groups.items():
        sets: dict[str, Any] = {n: bindparam(f"v_{n}", type_=tbl.c[n].type) for n in names}
        if "row_version" in tbl.c:
            sets["row_version"] = tbl.c.row_version + 1
        if not sets:
            continue
        statement = update(tbl).where(tbl.c.id == bindparam("k__id", type_=tbl.c.id.type))
        done = connection.execute(statement.values(sets), params)
        if connection.dialect.supports_sane_multi_rowcount and done.rowcount != len(params):
            raise ValueError(f"{table}: {done.rowcount} of {len(params)} rows updated")
