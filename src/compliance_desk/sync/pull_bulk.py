"""Pulled rows that need nothing but inserting, on SQLite, from their wire form to the driver.

The common case of a pull (a row not held here, nothing pending for it, no natural-key twin,
not a timeline step) needs no Python objects: each wire value becomes the value SQLAlchemy
would store for the decoded one (a UUID's 32 hex digits, a UTC timestamp's
``YYYY-MM-DD HH:MM:SS.ffffff``, a date's ISO text as it is) by string work, column by column
with converters chosen once per table, and a page goes to the driver as one ``executemany`` of
tuples per table.  A value not in the form the server writes takes the long way (``codec.decode``, then
the column's own bind processor), so the stored values are SQLAlchemy's either way
(tests/test_sync_pull_bulk.py compares them).  A column whose values are all in the server's
form is converted whole (a regex over them joined, then string work on the joined text).  The enterprise search index is fed the same
page in one call.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from typing import Any

import orjson
from sqlalchemy import JSON, Boolean, Connection, Date, Table, Uuid
from sqlalchemy.engine import Dialect

from compliance_desk.persistence import db, search_index
from compliance_desk.persistence.models import UtcDateTime
from compliance_desk.sync import codec

Convert = Callable[[Any], Any]


def _slow(column: Any, dialect: Dialect) -> Convert:
    process = column.type.dialect_impl(dialect).bind_processor(dialect)

    def convert(value: Any) -> Any:
        decoded = codec.decode(column, value)
        return decoded if process is None else process(decoded)

    return convert


# A column whose values are all in the server's form is converted whole: its values joined by
# newlines are checked by slices taken with a stride (every value's character at one place)
# and a byte translation (which characters there are), then converted by a replace and a
# split of the joined text: no Python per value.  Any other column (a None among the values, a
# value in another form) is converted value by value, to the same values.
_HEX = b"0123456789abcdef\n"
_DIGITS = b"0123456789"


def _joined(values: Sequence[Any], width: int) -> str | None:
    """The values joined by newlines, when each is text of ``width`` characters."""
    try:
        joined = "\n".join(values)
    except TypeError:  # a None, a number: value by value
        return None
    n = len(values)
    if n == 0 or len(joined) != (width + 1) * n - 1 or joined[width :: width + 1] != "\n" * (n - 1):
        return None
    return joined


def _at(joined: str, width: int, places: dict[int, str]) -> bool:
    n = (len(joined) + 1) // (width + 1)
    return all(joined[i :: width + 1] == c * n for i, c in places.items())


def _ascii(text: str) -> bytes | None:
    try:
        return text.encode("ascii")
    except UnicodeEncodeError:
        return None


def _whole_uuids(values: Sequence[Any]) -> list[str] | None:
    """Lower-case UUIDs with their dashes, as 32 hex digits each."""
    joined = _joined(values, 36)
    if joined is None or not _at(joined, 36, {8: "-", 13: "-", 18: "-", 23: "-"}):
        return None
    digits = joined.replace("-", "")  # only those four dashes: the length says
    raw = _ascii(digits)
    if len(digits) != 33 * len(values) - 1 or raw is None or raw.translate(None, _HEX):
        return None
    ids = digits.split("\n")
    return ids if len(ids) == len(values) else None  # a line break inside a value


_STAMP_AT = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 19: ".", 26: "+", 27: "0", 28: "0",
             29: ":", 30: "0", 31: "0"}  # fmt: skip
_STAMP_SKELETON = b"--T::.+:"  # what is left of one when its digits are taken out


def _whole_timestamps(values: Sequence[Any]) -> list[str] | None:
    """``YYYY-MM-DDTHH:MM:SS.ffffff+00:00`` each, as ``YYYY-MM-DD HH:MM:SS.ffffff``."""
    joined = _joined(values, 32)
    if joined is None or not _at(joined, 32, _STAMP_AT):
        return None
    raw = _ascii(joined)
    if raw is None or raw.translate(None, _DIGITS) != b"\n".join([_STAMP_SKELETON] * len(values)):
        return None  # a character that is not a digit where digits go
    return joined.replace("T", " ").replace("+00:00", "").split("\n")


def _whole_dates(values: Sequence[Any]) -> bool:
    joined = _joined(values, 10)
    if joined is None or not _at(joined, 10, {4: "-", 7: "-"}):
        return False
    raw = _ascii(joined)
    return raw is not None and raw.translate(None, _DIGITS) == b"\n".join([b"--"] * len(values))


def _all_none(values: Sequence[Any]) -> bool:
    return values.count(None) == len(values)


def _uuids(values: Sequence[Any], slow: Convert) -> list[Any]:
    whole = _whole_uuids(values)
    if whole is not None:
        return whole
    if _all_none(values):
        return list(values)
    # The server's form: 36 characters, lower case (PostgreSQL's and str(UUID)'s).
    return [
        v.replace("-", "") if type(v) is str and len(v) == 36 and v.islower()
        else None if v is None else slow(v)
        for v in values
    ]  # fmt: skip


def _timestamps(values: Sequence[Any], slow: Convert) -> list[Any]:
    whole = _whole_timestamps(values)
    if whole is not None:
        return whole
    if _all_none(values):
        return list(values)
    # The server's form: UTC, "YYYY-MM-DDTHH:MM:SS.ffffff+00:00", or without the fraction.
    return [
        v[:10] + " " + v[11:26] if type(v) is str and len(v) == 32 and v[10] == "T"
        and v[19] == "." and v.endswith("+00:00")
        else v[:10] + " " + v[11:19] + ".000000" if type(v) is str and len(v) == 25
        and v[10] == "T" and v.endswith("+00:00")
        else None if v is None else slow(v)
        for v in values
    ]  # fmt: skip


def _dates(values: Sequence[Any], slow: Convert) -> list[Any]:
    if _all_none(values) or _whole_dates(values):
        return list(values)
    return [
        v if type(v) is str and len(v) == 10 and v[4] == "-" and v[7] == "-"
        else None if v is None else slow(v)
        for v in values
    ]  # fmt: skip


def _booleans(values: Sequence[Any], slow: Convert) -> list[Any]:
    return [1 if v is True else 0 if v is False else slow(v) for v in values]


def _others(values: Sequence[Any], slow: Convert) -> list[Any]:
    return [slow(v) for v in values]


def _json(dumps: Callable[[Any], str]) -> Column:
    """A JSON column's: an object or array is what the column's bind processor gives it, the
    dialect's serializer of it (the engine's ``json_serializer``: persistence/db.py's orjson);
    anything else (null, a scalar) the long way."""

    def many(values: Sequence[Any], slow: Convert) -> list[Any]:
        return [dumps(v) if type(v) is dict or type(v) is list else slow(v) for v in values]

    def orjson_many(values: Sequence[Any], slow: Convert) -> list[Any]:
        # db.json_text without a call per value: orjson inline, json_text's fallback for a
        # column holding a value orjson refuses
        try:
            return [
                orjson.dumps(v, option=db.JSON_OPTIONS).decode("utf-8")
                if type(v) is dict or type(v) is list else slow(v)
                for v in values
            ]  # fmt: skip
        except TypeError:
            return many(values, slow)

    return orjson_many if dumps is db.json_text else many


Column = Callable[[Sequence[Any], Convert], list[Any]]


def _plain_json(type_: JSON, dialect: Dialect) -> bool:
    """Whether the column's bind processor gives an object exactly its serializer's text
    (SQLite's JSON: no string processing after it)."""
    impl = type_.dialect_impl(dialect)
    return isinstance(impl, JSON) and impl._str_impl.bind_processor(dialect) is None


@functools.cache
def converters(tbl: Table, dialect: Dialect) -> tuple[tuple[str, Column | None, Convert], ...]:
    """Each column's converter of a list of wire values to the driver's (None: the values as
    they are), and the long way for one value."""
    out: list[tuple[str, Column | None, Convert]] = []
    for column in tbl.columns:
        slow = _slow(column, dialect)
        many: Column | None
        if isinstance(column.type, Uuid):
            many = _uuids
        elif isinstance(column.type, UtcDateTime):
            many = _timestamps
        elif isinstance(column.type, Date):
            many = _dates
        elif isinstance(column.type, Boolean):
            many = _booleans
        elif column.type.dialect_impl(dialect).bind_processor(dialect) is None:
            many = None  # text, integers, floats: stored as they come
        elif isinstance(column.type, JSON) and _plain_json(column.type, dialect):
            many = _json(getattr(dialect, "_json_serializer", None) or json.dumps)
        else:
            many = _others  # anything else: SQLAlchemy's own processor
        out.append((column.name, many, slow))
    return tuple(out)


def stored_forms(
    connection: Connection, tbl: Table, wires: list[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """The values the driver gets for wire rows that name every column: column by column (a
    comprehension per column rather than a call per value), then zipped into rows."""
    return forms_for(connection.dialect, tbl, wires)


def forms_for(dialect: Dialect, tbl: Table, wires: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """``stored_forms`` without a connection (the pull's read-ahead thread has none).  A column
    that needs no converting goes from the rows to the driver's tuples by ``itemgetter`` (no
    Python per value; KeyError, in the zip, if a row lacks it).  (Reading each row's values
    at once and transposing cost more: tried.)"""
    if len(wires) > SLICE:  # each call's C loops short: the window's thread gets its turns
        out: list[tuple[Any, ...]] = []
        for start in range(0, len(wires), SLICE):
            out.extend(forms_for(dialect, tbl, wires[start : start + SLICE]))
        return out
    columns: list[Iterable[Any]] = []
    for name, many, slow in converters(tbl, dialect):
        values = map(itemgetter(name), wires)
        columns.append(values if many is None else many(list(values), slow))
    return list(zip(*columns, strict=True))


SLICE = 2000  # rows converted at a time (a page's 10,000 at once: 53 ms of the GIL under load)


def stored_form(connection: Connection, tbl: Table, wire: dict[str, Any]) -> tuple[Any, ...]:
    """One row's (KeyError if it lacks a column)."""
    return stored_forms(connection, tbl, [wire])[0]


class RawInserts:
    """New rows in wire form, written one ``executemany`` per table at ``flush``.

    A row may come with its driver values and index rows already made (``form``, ``doc``:
    sync/pull_ahead.py, done while the page before was written); the others are converted
    here, the same way."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.rows: dict[str, list[tuple[dict[str, Any] | None, Sequence[Any] | None]]] = {}
        self.docs: list[search_index.DocRows] = []

    def add(
        self, tbl: Table, wire: dict[str, Any] | None, form: Sequence[Any] | None = None,
        doc: search_index.DocRows | None = None,
    ) -> bool:  # fmt: skip
        """False (and nothing added) when the row lacks a column: it takes the long way.
        ``wire`` None: a stored page's row (sync/pull_stored.py), whose ``form`` and ``doc``
        (None: not live) were made with it."""
        if form is None and (wire is None or not wire.keys() >= names(tbl)):
            return False
        self.rows.setdefault(tbl.name, []).append((wire, form))
        if tbl.name == "enterprise":
            if doc is None and wire is not None and wire.get("deleted_at") is None:
                row_id = codec.decode_row(tbl, {"id": wire["id"]})["id"]
                doc = search_index.doc_rows(index_doc(row_id, wire))
            if doc is not None:
                self.docs.append(doc)
        return True

    def extend(
        self, tbl: Table, wires: list[dict[str, Any] | None], forms: list[Sequence[Any]],
        docs: list[search_index.DocRows | None],
    ) -> None:  # fmt: skip
        """Rows that all came with their driver values (``add`` for each, in one go)."""
        self.rows.setdefault(tbl.name, []).extend(zip(wires, forms, strict=True))
        if tbl.name == "enterprise":
            for wire, doc in zip(wires, docs, strict=True):
                if doc is None and wire is not None and wire.get("deleted_at") is None:
                    row_id = codec.decode_row(tbl, {"id": wire["id"]})["id"]
                    doc = search_index.doc_rows(index_doc(row_id, wire))
                if doc is not None:
                    self.docs.append(doc)

    def flush(self) -> None:
        for table, pairs in self.rows.items():
            tbl = codec.table(table)
            columns = ", ".join(f'"{c.name}"' for c in tbl.columns)
            marks = ", ".join("?" for _ in tbl.columns)
            made = iter(
                stored_forms(self.connection, tbl, [w for w, f in pairs if f is None and w])
            )
            rows = _by_id(tbl, [next(made) if f is None else f for _w, f in pairs])
            # The driver's own executemany: it takes a stored page's lists as they were parsed
            # (sync/pull_stored.py), which SQLAlchemy's would want as tuples.
            cursor = self.connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                cursor.executemany(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows)
            finally:
                cursor.close()
        search_index.insert_rows(self.connection, self.docs)
        self.rows = {}
        self.docs = []


def _by_id(tbl: Table, rows: list[Sequence[Any]]) -> list[Sequence[Any]]:
    """A table's new rows in the order of their ids, which is the order of its primary key's
    index: each insert then lands beside the one before in that B-tree, not at a random place
    (ids are random), and its pages are written while they are at hand (a page of 10,000
    visits into a table of 200,000: a fifth less time).  Rows whose ids cannot be compared (not
    all text) keep their order; the order of a table's rows is nothing the page promises
    (its foreign keys are checked at commit, its rows are written a table at a time)."""
    at = _id_at(tbl)
    if at is None or len(rows) < 2:
        return rows
    try:
        return sorted(rows, key=itemgetter(at))
    except (TypeError, IndexError):
        return rows


@functools.cache
def _id_at(tbl: Table) -> int | None:
    """Where a row's ``id`` is among the table's columns (None: no such column)."""
    names_ = [c.name for c in tbl.columns]
    return names_.index("id") if "id" in names_ else None


@functools.cache
def names(tbl: Table) -> frozenset[str]:
    return frozenset(c.name for c in tbl.columns)


def index_doc(row_id: Any, row: dict[str, Any]) -> search_index.IndexDoc:
    return search_index.IndexDoc(
        id=row_id,
        name=row["name"],
        pinyin=row["name_pinyin"],
        initials=row["name_initials"],
        phone=row.get("contact_phone") or "",
        live=row.get("deleted_at") is None,
    )


def hex_ids(values: list[Any]) -> list[str]:
    """``hex_id`` of each (the server's form: a replace and a split of them all)."""
    whole = _whole_uuids(values)
    return [hex_id(v) for v in values] if whole is None else whole


def hex_id(value: Any) -> str:
    """A wire id as SQLite stores it (32 lower-case hex digits)."""
    text_ = str(value)
    digits = text_.replace("-", "")
    if len(text_) == 36 and _HEX_ID.fullmatch(digits):
        return digits
    return uuid.UUID(text_).hex


_HEX_ID = re.compile("[0-9a-f]{32}")
