"""A chunk of a run of plain inserts made ready for the bulk push (server/bulk.py) off the
session's thread: everything about it that needs no database.  merge.parse's checks of each
operation (ids kept as their canonical text), its fingerprint, its row decoded and written as
COPY text (server/copy_text.py), and, for the usual chunk (every operation new, no row there
yet), the statements' inputs, so that the session's thread only runs statements.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, NamedTuple

from compliance_desk.server import copy_text, operations
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
    except (KeyError, TypeError, ValueError) as exc:
        raise merge.BadOperation(f"malformed operation: {exc}") from exc
    row = payload.get("row")
    if not isinstance(row, dict):
        raise merge.BadOperation("insert without row")
    return Insert(i, table, r, row)


class Chunk(NamedTuple):
    """A stretch of a run made ready off the session's thread: what needs no database."""

    ops: list[Insert]
    digests: list[str]
    rows: list[dict[str, Any]]  # decoded (copy_text.prepare), for the checks and statements
    lines: list[str | None]  # each row as COPY text (copy_text.prepare), None: psycopg's way
    decides: list[tuple[Any, ...]]  # each row's values that decide its centre (scope.deciding)
    # What the session's thread needs when every operation is new and no row is there yet
    # (the usual case), made here too, so that it only runs the statements:
    ready: Ready | None


class Ready(NamedTuple):
    by_table: dict[str, list[str]]  # row ids per table (sets.present_text)
    keyed: dict[str, list[tuple[uuid.UUID, dict[str, Any]]]]  # live rows with a natural key
    stretches: list[tuple[str, bytes | None, list[dict[str, Any]]]]  # table, COPY text, rows
    results: list[dict[str, Any]]
    noted: list[tuple[str, str, str | None]]
    inserted: dict[tuple[str, str], tuple[Any, ...]]


def prepare(raws: list[dict[str, Any]], device_id: uuid.UUID) -> Chunk | None:
    """merge.parse's checks, the fingerprints, the rows decoded and written as COPY text;
    None if something in it means the run cannot go in bulk."""
    try:
        ops = [parsed(raw, device_id) for raw in raws]
    except merge.BadOperation:
        return None
    digests: list[str] = []
    rows: list[dict[str, Any]] = []
    lines: list[str | None] = []
    decides: list[tuple[Any, ...]] = []
    for raw, op in zip(raws, ops, strict=True):
        tbl = codec.table(op.table)
        try:
            row, line, plain = copy_text.prepare(tbl, op.row)
            digests.append(protocol.fingerprint_of(raw, plain and plain_but_row(raw, op.row)))
        except (TypeError, ValueError):  # a value refused, text without UTF-8 (a lone
            return None  # surrogate): one by one rejects it
        if row.get("id") != op.row_id:
            return None
        rows.append(row)
        lines.append(line)
        decides.append(tuple(map(row.get, scope.deciding(op.table))))
    return Chunk(ops, digests, rows, lines, decides, _ready(ops, rows, lines, decides))


def _ready(
    ops: list[Insert],
    rows: list[dict[str, Any]],
    lines: list[str | None],
    decides: list[tuple[Any, ...]],
) -> Ready:
    """The chunk's statements' inputs for the usual case (see ``_apply_run``)."""
    by_table: dict[str, list[str]] = {}
    stretches: list[tuple[str, bytes | None, list[dict[str, Any]]]] = []
    start = 0
    for n, op in enumerate(ops):
        by_table.setdefault(op.table, []).append(op.row_id)
        if n + 1 == len(ops) or ops[n + 1].table != op.table:
            part = lines[start : n + 1]
            text = None if None in part else "".join(part).encode()  # type: ignore[arg-type]
            stretches.append((op.table, text, rows[start : n + 1]))
            start = n + 1
    return Ready(
        by_table,
        keyed(list(zip(ops, rows, strict=True))),
        stretches,
        [operations.applied(op.id) for op in ops],
        [(op.table, op.row_id, op.id) for op in ops],
        {(op.table, op.row_id): d for op, d in zip(ops, decides, strict=True)},
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
