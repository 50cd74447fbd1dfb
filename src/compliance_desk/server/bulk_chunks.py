"""A chunk of a run of plain inserts made ready for the bulk push (server/bulk.py) off the
session's thread: everything about it that needs no database.  merge.parse's checks of each
operation (ids kept as their canonical text), its fingerprint, its row decoded and written as
COPY text (server/copy_text.py), and, for the usual chunk (every operation new, no row there
yet), the statements' inputs, so that the session's thread only runs statements.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from sqlalchemy import Table

from compliance_desk.server import bulk_columns, copy_text, operations
from compliance_desk.sync import codec, merge, protocol, scope
from compliance_desk.sync.policy import policy

_LEAVES = frozenset((str, bool, type(None)))
_BUT_PAYLOAD = tuple(k for k in protocol.OP_FIELDS if k != "payload")


class Insert(NamedTuple):
    """A plain insert as the bulk path needs it: ids as their canonical text."""

    id: str
    table: str
    row_id: str
    row: Any  # the payload's row, as sent


def parsed(raw: dict[str, Any], device_id: uuid.UUID) -> Insert:
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
        return Insert(str(op.id), op.table, str(op.row_id), op.payload["row"])
    try:
        table = str(raw["table"])
        datetime.fromisoformat(str(raw["at"]))
        if raw.get("base_version") is not None:
            int(raw["base_version"])
        payload = dict(raw["payload"])
    except (KeyError, TypeError, ValueError, OverflowError) as exc:  # int(Infinity) overflows
        raise merge.BadOperation(f"malformed operation: {exc}") from exc
    row = payload.get("row")
    if not isinstance(row, dict):
        raise merge.BadOperation("insert without row")
    return Insert(i, table, r, row)


class Chunk(NamedTuple):
    """A stretch of a run made ready off the session's thread: what needs no database."""

    ops: list[Insert]
    digests: list[str]
    # decoded (copy_text.prepare), for the checks and statements; None where bulk_columns
    # wrote the line (a table without a natural key, every line written: nothing reads it)
    rows: list[dict[str, Any] | None]
    lines: list[str | None]  # each row as COPY text (copy_text.prepare), None: psycopg's way
    decides: list[tuple[Any, ...]]  # each row's values that decide its centre (scope.deciding)
    # What the session's thread needs when every operation is new and no row is there yet
    # (the usual case), made here too, so that it only runs the statements:
    ready: Ready | None


class Ready(NamedTuple):
    by_table: dict[str, list[str]]  # row ids per table (sets.present_text)
    keyed: dict[str, list[tuple[uuid.UUID, dict[str, Any]]]]  # live rows with a natural key
    # table, COPY text, rows (read only where the text is None: then made one at a time)
    stretches: list[tuple[str, bytes | None, list[dict[str, Any] | None]]]
    results: list[dict[str, Any]]
    noted: list[tuple[str, str, str | None]]
    inserted: dict[tuple[str, str], tuple[Any, ...]]


def prepare(raws: list[dict[str, Any]], device_id: uuid.UUID) -> Chunk | None:
    """merge.parse's checks, the fingerprints, the rows decoded and written as COPY text;
    None if something in it means the run cannot go in bulk.  The usual chunk is prepared a
    column at a time (server/bulk_columns.py), each table's rows that cannot be one at a time."""
    given = bulk_columns.fields(raws)
    if given is None:
        try:
            ops = [parsed(raw, device_id) for raw in raws]
        except merge.BadOperation:
            return None
    else:
        ops = list(map(Insert, given.ids, given.tables, given.row_ids, given.rows))
    n = len(ops)
    made = _Made([""] * n, [None] * n, [None] * n, [()] * n)
    by_table: dict[str, list[int]] = {}
    for table, run in groupby(range(n), key=list(map(itemgetter(1), ops)).__getitem__):
        by_table.setdefault(table, []).extend(run)
    for table, at in by_table.items():
        tbl = codec.table(table)
        if given is None or not _by_columns(tbl, raws, ops, at, made):
            if not _one_at_a_time(tbl, raws, ops, at, made):
                return None
    digests, rows, lines, decides = made
    return Chunk(ops, digests, rows, lines, decides, _ready(ops, rows, lines, decides))


class _Made(NamedTuple):
    """What ``prepare`` makes of each operation of a chunk, in its order."""

    digests: list[str]
    rows: list[dict[str, Any] | None]  # None: not made (bulk_columns.Rows)
    lines: list[str | None]
    decides: list[tuple[Any, ...]]


def _pick(items: list[Any], at: list[int]) -> list[Any]:
    return items if len(at) == len(items) else list(map(items.__getitem__, at))


def _put(items: list[Any], at: list[int], values: Sequence[Any]) -> None:
    if len(at) == len(items):
        items[:] = values
        return
    for i, value in zip(at, values, strict=True):
        items[i] = value


def _by_columns(
    tbl: Table, raws: list[dict[str, Any]], ops: list[Insert], at: list[int], made: _Made
) -> bool:
    """A table's operations of a chunk prepared a column at a time (bulk_columns): False if
    they cannot be so (they are then prepared one at a time, which refuses what is wrong)."""
    mine = _pick(ops, at)
    columns = bulk_columns.rows(tbl, [op.row for op in mine])
    if columns is None:
        return False
    sums = bulk_columns.fingerprints(_pick(raws, at))
    if sums is None or list(columns.columns["id"]) != [op.row_id for op in mine]:
        return False
    _put(made.lines, at, columns.lines)
    if columns.rows is not None:
        _put(made.rows, at, columns.rows)
    _put(made.digests, at, sums)
    deciding = scope.deciding(tbl.name)
    if deciding:
        _put(made.decides, at, list(zip(*(columns.columns[c] for c in deciding), strict=True)))
    return True


def _one_at_a_time(
    tbl: Table, raws: list[dict[str, Any]], ops: list[Insert], at: list[int], made: _Made
) -> bool:
    """A table's operations of a chunk prepared each on its own; False: one is refused."""
    deciding = scope.deciding(tbl.name)
    for i in at:
        raw, op = raws[i], ops[i]
        try:
            row, line, plain = copy_text.prepare(tbl, op.row)
            made.digests[i] = protocol.fingerprint_of(raw, plain and plain_but_row(raw, op.row))
        except (TypeError, ValueError):  # a value refused, text without UTF-8 (a lone
            return False  # surrogate): one by one rejects it
        if row.get("id") != op.row_id:
            return False
        made.rows[i], made.lines[i] = row, line
        made.decides[i] = tuple(map(row.get, deciding))
    return True


def _ready(
    ops: list[Insert],
    rows: list[dict[str, Any] | None],
    lines: list[str | None],
    decides: list[tuple[Any, ...]],
) -> Ready:
    """The chunk's statements' inputs for the usual case (see ``_apply_run``), a list at a
    time."""
    ids, tables, row_ids = (list(map(itemgetter(k), ops)) for k in range(3))
    by_table: dict[str, list[str]] = {}
    for table, run in groupby(range(len(ops)), key=tables.__getitem__):
        by_table.setdefault(table, []).extend(map(row_ids.__getitem__, run))
    stretches: list[tuple[str, bytes | None, list[dict[str, Any] | None]]] = []
    for table, run in groupby(_copy_order(tables), key=tables.__getitem__):
        at = list(run)
        part = list(map(lines.__getitem__, at))
        text = None if None in part else "".join(part).encode()  # type: ignore[arg-type]
        stretches.append((table, text, list(map(rows.__getitem__, at))))
    named = {t for t in by_table if policy(t).natural_key}
    return Ready(
        by_table,
        keyed([(op, row) for op, row in zip(ops, rows, strict=True) if op.table in named and row]),
        stretches,
        list(map(operations.applied, ids)),
        list(zip(tables, row_ids, ids, strict=True)),
        dict(zip(zip(tables, row_ids, strict=True), decides, strict=True)),
    )


def _copy_order(tables: list[str]) -> list[int]:
    """The order the chunk's rows are COPYed in: the page's, but the rows of a table that
    neither names nor is named by another of the chunk's tables in a foreign key (an audit
    entry) all at the end, so that a clerk's page (a record, its audit entry, the next
    record...) is a few stretches of one table, a COPY each, not one per row."""
    present = set(tables)
    free = {t for t in present if not _related(t, frozenset(present - {t}))}
    if not free or len(present) == 1:
        return list(range(len(tables)))
    kept = [i for i, t in enumerate(tables) if t not in free]
    return kept + sorted((i for i, t in enumerate(tables) if t in free), key=tables.__getitem__)


@functools.cache
def _related(table: str, others: frozenset[str]) -> bool:
    """Whether ``table`` names one of ``others`` in a foreign key, or one of them names it."""
    refs = {fk.column.table.name for fk in codec.table(table).foreign_keys}
    return bool(refs & others) or any(
        fk.column.table.name == table for o in others for fk in codec.table(o).foreign_keys
    )


def plain_but_row(raw: dict[str, Any], row: dict[str, Any]) -> bool:
    """Whether the operation's fields but its payload's ``row`` (judged by copy_text.prepare)
    are plain JSON as protocol.fingerprint's walk judges them (False: not known, the walk)."""
    payload = raw.get("payload")
    if type(payload) is not dict or payload.get("row") is not row:
        return False
    if not set(map(type, map(raw.get, _BUT_PAYLOAD))) <= _LEAVES:
        for k in _BUT_PAYLOAD:
            value: Any = raw.get(k)
            if type(value) not in _LEAVES and not (
                type(value) is int and -(2**63) <= value < 2**64
            ):
                return False
    return all(k == "row" or (type(k) is str and protocol.plain(v)) for k, v in payload.items())


def keyed(
    fresh: list[tuple[Insert, dict[str, Any]]],
) -> dict[str, list[tuple[uuid.UUID, dict[str, Any]]]]:
    """The live new rows that have a natural key, per table."""
    keyed: dict[str, list[tuple[uuid.UUID, dict[str, Any]]]] = {}
    for op, row in fresh:
        key = policy(op.table).natural_key
        if key and row.get("deleted_at") is None:
            keyed.setdefault(op.table, []).append((uuid.UUID(op.row_id), row))
    return keyed
