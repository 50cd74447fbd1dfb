"""A pull page in the stored form: rows as SQLite holds them, handed to ``executemany`` as parsed.

A SQLite client asks for it (``form=stored``); a server that writes it says so in its answer
(``"form": "stored"``, and ``columns``: each table's column names once), an older one answers
today's form, which the client still takes.  Each change is ``[seq, table, [values]]``, the
values in the table's column order, the columns of the kinds below in the text SQLite stores
for them (server/pull_json.py writes them in SQL); every other column as in today's form
(JSON values embedded, text and numbers as they are), converted here by the same converters
as today's form (sync/pull_bulk.py: a JSON column's text is orjson's, which PostgreSQL cannot
write to the byte).

- ``hex``: a ``Uuid``, 32 lower-case hex digits (SQLAlchemy's ``Uuid`` on SQLite: CHAR(32));
- ``stamp``: a ``UtcDateTime``, ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC (SQLite's DATETIME text,
  always six digits of fraction);
- ``date``: ``YYYY-MM-DD``; ``bool``: 1 or 0.

A page's values are checked a column at a time (their joined text, no Python per value): a
table whose values are not all in that form, or whose columns are not this client's, gets
today's wire rows (``wire_row``) and takes today's path, which converts or refuses them as
before.  The other rows go to the driver as they are; the merge paths (a row held here, pending,
twinned; sync/replica.py) get the wire row of only the rows they take, made on demand.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Boolean, Date, Table, Uuid
from sqlalchemy.engine import Dialect

from compliance_desk.persistence import search_index
from compliance_desk.persistence.models import UtcDateTime
from compliance_desk.sync import blob_refs, codec, gc_pause, pull_ahead, pull_bulk

log = logging.getLogger("compliance_desk.sync")

STORED = "stored"  # the query parameter's value and the answer's "form"


def kind(column: Any) -> str | None:
    """How the stored form writes a column's values (None: as today's form does)."""
    if isinstance(column.type, UtcDateTime):
        return "stamp"
    if isinstance(column.type, Uuid):
        return "hex"
    if isinstance(column.type, Date):
        return "date"
    if isinstance(column.type, Boolean):
        return "bool"
    return None


def is_stored(answer: Any) -> bool:
    return (
        isinstance(answer, dict)
        and answer.get("form") == STORED
        and isinstance(answer.get("columns"), dict)
    )


# --- the checks: a whole column's values at once ------------------------------------------

_HEX = b"0123456789abcdef"
_DIGITS = b"0123456789"
_STAMP = b"-- ::."  # what a stamp leaves when its digits are taken out
_STAMP_AT = {4: "-", 7: "-", 10: " ", 13: ":", 16: ":", 19: "."}


def _fixed(values: list[Any], width: int, skeleton: bytes, digits: bytes) -> bool:
    """Each value text of ``width`` ASCII characters which, their ``digits`` taken out, leave
    ``skeleton`` (the places of the separators checked by stride)."""
    try:
        joined = "".join(values)
    except TypeError:  # a number among them
        return False
    n = len(values)
    if len(joined) != width * n or set(map(len, values)) != {width}:  # each, not only all
        return False
    try:
        raw = joined.encode("ascii")
    except UnicodeEncodeError:
        return False
    return raw.translate(None, digits) == skeleton * n


def _places(values: list[Any], width: int, places: dict[int, str]) -> bool:
    joined = "".join(values)
    n = len(values)
    return all(joined[i::width] == c * n for i, c in places.items())


def _checked(which: str, values: list[Any]) -> bool:
    """Whether a column's values (None left out) are all in the stored form of ``which``."""
    present = [v for v in values if v is not None] if None in values else values
    if not present:
        return True
    if which == "hex":
        return _fixed(present, 32, b"", _HEX)
    if which == "stamp":
        return _fixed(present, 26, _STAMP, _DIGITS) and _places(present, 26, _STAMP_AT)
    if which == "date":
        return _fixed(present, 10, b"--", _DIGITS) and _places(present, 10, {4: "-", 7: "-"})
    # booleans: 0 and 1, integers (True and False are not: today's form's)
    return set(map(type, present)) == {int} and set(present) <= {0, 1}


# --- today's wire form of a stored row, for the rows that need it -------------------------


def _wire_value(which: str | None, value: Any) -> Any:
    """A stored value in today's wire form (anything else as it is: codec.decode refuses it
    as it refuses a bad wire value)."""
    if which == "bool":
        return value == 1 if type(value) is int and value in (0, 1) else value
    if which is None or type(value) is not str:
        return value
    if which == "hex" and len(value) == 32:
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    if which == "stamp" and len(value) == 26 and value[10] == " ":
        return value[:10] + "T" + value[11:] + "+00:00"
    return value


@dataclass(frozen=True)
class Plan:
    """A table's columns as the page names them, against this client's table."""

    tbl: Table
    names: tuple[str, ...]  # the page's
    kinds: tuple[str | None, ...]  # the local column's kind of each (None: not stored form)
    same: bool  # the page's columns are this table's, in its order
    at: dict[str, int]  # where each column is in the page's rows


@functools.cache
def plan(tbl: Table, names: tuple[str, ...]) -> Plan:
    local = tuple(c.name for c in tbl.columns)
    kinds = tuple(kind(tbl.c[n]) if n in tbl.c else None for n in names)
    return Plan(tbl, names, kinds, names == local, {n: i for i, n in enumerate(names)})


def wire_row(p: Plan, values: Sequence[Any]) -> dict[str, Any]:
    """The row in today's wire form (only the columns this client's table has)."""
    return {
        name: _wire_value(which, value)
        for name, which, value in zip(p.names, p.kinds, values, strict=True)
        if name in p.tbl.c
    }


# --- a page --------------------------------------------------------------------------------


@dataclass
class Page:
    """A stored page made ready: ``changes`` in today's shape (``{"seq", "table", "id", "row"}``,
    ``row`` None where the row goes to the driver as ``prepared.forms`` has it: replica makes
    its wire row if a merge path needs it), and how many rows another device wrote."""

    changes: list[dict[str, Any]]
    prepared: pull_ahead.Prepared
    theirs: int


def adapt(answer: dict[str, Any], dialect: Dialect, mine: str) -> Page:
    """``mine``: this device's id as SQLite stores it (32 hex digits).  The page is taken
    apart a column of it at a time (``map`` and ``itemgetter``: no Python per change but
    the grouping by table and the small dicts of today's shape)."""
    items = answer["changes"]
    columns = answer["columns"]
    if not isinstance(items, list) or not set(map(type, items)) <= {list}:
        raise ValueError("a stored pull page's changes are not lists")
    if not set(map(len, items)) <= {3}:
        raise ValueError("a stored pull page's change is not [seq, table, values]")
    seqs = list(map(itemgetter(0), items))
    tables = list(map(itemgetter(1), items))
    values = list(map(itemgetter(2), items))
    if not set(map(type, values)) <= {list} or not set(map(type, tables)) <= {str}:
        raise ValueError("a stored pull page's change is not [seq, table, values]")
    by_table: dict[str, list[int]] = {}
    for i, table in enumerate(tables):
        by_table.setdefault(table, []).append(i)
    n = len(items)
    forms: list[Any] = values.copy()  # as parsed, but where a table's rows are converted
    docs: list[search_index.DocRows | None] = [None] * n
    keys: list[Any] = [None] * n
    wires: dict[int, dict[str, Any]] = {}  # today's wire rows, where made now
    theirs = 0
    plans: dict[str, Plan] = {}
    for table, at in by_table.items():
        rows = [values[i] for i in at]
        names = columns.get(table)
        if not isinstance(names, list) or not all(type(x) is str for x in names):
            raise ValueError(f"a stored pull page names no columns of table {table}")
        if not set(map(len, rows)) <= {len(names)} or "id" not in names:
            raise ValueError(f"a stored pull page's row of {table} has not its columns")
        try:
            tbl = codec.table(table)
        except Exception:  # noqa: BLE001 - a table this client does not know: left aside
            for i, row in zip(at, rows, strict=True):
                wires[i] = dict(zip(names, row, strict=True))
                keys[i] = wires[i]["id"]
                forms[i] = None
            theirs += len(at)
            continue
        p = plans[table] = plan(tbl, tuple(names))
        ready = _forms(p, rows, dialect) if p.same else None
        if ready is None:  # not this client's columns, or not stored form: today's path
            for i, row in zip(at, rows, strict=True):
                wire = wires[i] = wire_row(p, row)
                keys[i] = pull_bulk.hex_id(wire.get("id"))
                forms[i] = None
                theirs += wire.get("device_id") != _wire_value("hex", mine)
            continue
        for i, key in zip(at, map(itemgetter(p.at["id"]), rows), strict=True):
            keys[i] = key
        if ready is not rows:
            for i, form in zip(at, ready, strict=True):
                forms[i] = form
        device = p.at.get("device_id")
        theirs += len(rows)
        if device is not None:
            theirs -= list(map(itemgetter(device), rows)).count(mine)
        if table == "enterprise":
            _docs(p, at, rows, docs)
        if table in blob_refs.BLOB_COLUMNS:  # the files they name are looked for (few rows)
            for i, row in zip(at, rows, strict=True):
                wires[i] = wire_row(p, row)
        gc_pause.checkpoint()
    changes = [
        {"seq": seq, "table": table, "id": key, "row": None}
        for seq, table, key in zip(seqs, tables, keys, strict=True)
    ]
    for i, wire in wires.items():
        changes[i]["row"] = wire
    made = pull_ahead.Prepared(forms, docs, keys, by_table, values, plans)
    return Page(changes, made, theirs)


def _forms(p: Plan, rows: list[list[Any]], dialect: Dialect) -> list[list[Any]] | None:
    """The driver's values of a table's rows: the lists as parsed, but for the columns not in
    the stored form, converted as today's (a new list per row then); None: a column's values
    not all in the stored form."""
    convert: list[tuple[int, pull_bulk.Column, pull_bulk.Convert]] = []
    for at, (which, (_name, many, slow)) in enumerate(
        zip(p.kinds, pull_bulk.converters(p.tbl, dialect), strict=True)
    ):
        if which is not None:
            if not _checked(which, list(map(itemgetter(at), rows))):
                log.warning(
                    "pull: table %s column %s not in the stored form: its rows go the long way",
                    p.tbl.name, p.names[at],
                )  # fmt: skip
                return None
        elif many is not None:
            convert.append((at, many, slow))
    if not convert:
        return rows
    out = [list(r) for r in rows]
    for at, many, slow in convert:
        values = many(list(map(itemgetter(at), rows)), slow)
        for row, value in zip(out, values, strict=True):
            row[at] = value
    return out


def _docs(
    p: Plan, at: list[int], rows: list[list[Any]], docs: list[search_index.DocRows | None]
) -> None:
    """The search index's rows of each live enterprise (its stored id, its names as they are)."""
    get = itemgetter(*(p.names.index(n) for n in (
        "id", "name", "name_pinyin", "name_initials", "contact_phone", "deleted_at"
    )))  # fmt: skip
    for i, row in zip(at, rows, strict=True):
        key, name, pinyin, initials, phone, deleted = get(row)
        if deleted is None:
            docs[i] = search_index.hex_doc_rows(key, name, pinyin, initials, phone or "")


def wire_of(change: dict[str, Any], made: pull_ahead.Prepared, i: int) -> dict[str, Any]:
    """The wire row of the ``i``-th change of a page, made from its stored values when it has
    none yet (and kept on it)."""
    row = change.get("row")
    if row is None:
        p = (made.plans or {}).get(str(change.get("table")))
        if p is None or made.values is None:
            raise ValueError(f"a stored pull change without its row: {change.get('table')}")
        row = change["row"] = wire_row(p, made.values[i])
    return row


def fields(change: dict[str, Any], made: pull_ahead.Prepared, i: int, names: Sequence[str]) -> Any:
    """Some fields of a change's wire row (missing ones None), without making all of it: a
    natural key of each of a page's enterprises (sync/replica.py's twins)."""
    row = change.get("row")
    if row is not None:
        return row
    p = (made.plans or {}).get(str(change.get("table")))
    if p is None or made.values is None:
        raise ValueError(f"a stored pull change without its row: {change.get('table')}")
    values = made.values[i]
    return {n: _wire_value(p.kinds[p.at[n]], values[p.at[n]]) if n in p.at else None for n in names}
