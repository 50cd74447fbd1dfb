"""Pulled rows that need nothing but inserting, on SQLite, from their wire form to the driver.

The common case of a pull (a row not held here, nothing pending for it, no natural-key twin,
not a timeline step) needs no Python objects: each wire value becomes the value SQLAlchemy
would store for the decoded one (a UUID's 32 hex digits, a UTC timestamp's
``YYYY-MM-DD HH:MM:SS.ffffff``, a date's ISO text as it is) by string work, column by column
with converters chosen once per table, and a page goes to the driver as one ``executemany`` of
tuples per table.  A value not in the form the server writes takes the long way (``codec.decode``, then
the column's own bind processor), so the stored values are SQLAlchemy's either way
(tests/test_sync_pull_bulk.py compares them).  The enterprise search index is fed the same
page in one call.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Boolean, Connection, Date, Table, Uuid
from sqlalchemy.engine import Dialect

from compliance_desk.persistence import search_index
from compliance_desk.persistence.models import UtcDateTime
from compliance_desk.sync import codec

Convert = Callable[[Any], Any]


def _slow(column: Any, dialect: Dialect) -> Convert:
    process = column.type.dialect_impl(dialect).bind_processor(dialect)

    def convert(value: Any) -> Any:
        decoded = codec.decode(column, value)
        return decoded if process is None else process(decoded)

    return convert


def _uuids(values: list[Any], slow: Convert) -> list[Any]:
    # The server's form: 36 characters, lower case (PostgreSQL's and str(UUID)'s).
    return [
        v.replace("-", "") if type(v) is str and len(v) == 36 and v.islower()
        else None if v is None else slow(v)
        for v in values
    ]  # fmt: skip


def _timestamps(values: list[Any], slow: Convert) -> list[Any]:
    # The server's form: UTC, "YYYY-MM-DDTHH:MM:SS.ffffff+00:00", or without the fraction.
    return [
        v[:10] + " " + v[11:26] if type(v) is str and len(v) == 32 and v[10] == "T"
        and v[19] == "." and v.endswith("+00:00")
        else v[:10] + " " + v[11:19] + ".000000" if type(v) is str and len(v) == 25
        and v[10] == "T" and v.endswith("+00:00")
        else None if v is None else slow(v)
        for v in values
    ]  # fmt: skip


def _dates(values: list[Any], slow: Convert) -> list[Any]:
    return [
        v if type(v) is str and len(v) == 10 and v[4] == "-" and v[7] == "-"
        else None if v is None else slow(v)
        for v in values
    ]  # fmt: skip


def _booleans(values: list[Any], slow: Convert) -> list[Any]:
    return [1 if v is True else 0 if v is False else slow(v) for v in values]


def _others(values: list[Any], slow: Convert) -> list[Any]:
    return [slow(v) for v in values]


Column = Callable[[list[Any], Convert], list[Any]]


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
        else:
            many = _others  # JSON: SQLAlchemy's own processor (its serializer)
        out.append((column.name, many, slow))
    return tuple(out)


def stored_forms(
    connection: Connection, tbl: Table, wires: list[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    """The values the driver gets for wire rows that name every column: column by column (a
    comprehension per column rather than a call per value), then zipped into rows."""
    return forms_for(connection.dialect, tbl, wires)


def forms_for(dialect: Dialect, tbl: Table, wires: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """``stored_forms`` without a connection (the pull's read-ahead thread has none)."""
    columns = []
    for name, many, slow in converters(tbl, dialect):
        values = [w[name] for w in wires]
        columns.append(values if many is None else many(values, slow))
    return list(zip(*columns, strict=True))


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
        self.rows: dict[str, list[tuple[dict[str, Any], tuple[Any, ...] | None]]] = {}
        self.docs: list[search_index.DocRows] = []

    def add(
        self, tbl: Table, wire: dict[str, Any], form: tuple[Any, ...] | None = None,
        doc: search_index.DocRows | None = None,
    ) -> bool:  # fmt: skip
        """False (and nothing added) when the row lacks a column: it takes the long way."""
        if form is None and not wire.keys() >= names(tbl):
            return False
        self.rows.setdefault(tbl.name, []).append((wire, form))
        if tbl.name == "enterprise":
            if doc is None and wire.get("deleted_at") is None:
                row_id = codec.decode_row(tbl, {"id": wire["id"]})["id"]
                doc = search_index.doc_rows(index_doc(row_id, wire))
            if doc is not None:
                self.docs.append(doc)
        return True

    def extend(
        self, tbl: Table, wires: list[dict[str, Any]], forms: list[tuple[Any, ...]],
        docs: list[search_index.DocRows | None],
    ) -> None:  # fmt: skip
        """Rows that all came with their driver values (``add`` for each, in one go)."""
        self.rows.setdefault(tbl.name, []).extend(zip(wires, forms, strict=True))
        if tbl.name == "enterprise":
            for wire, doc in zip(wires, docs, strict=True):
                if doc is None and wire.get("deleted_at") is None:
                    row_id = codec.decode_row(tbl, {"id": wire["id"]})["id"]
                    doc = search_index.doc_rows(index_doc(row_id, wire))
                if doc is not None:
                    self.docs.append(doc)

    def flush(self) -> None:
        for table, pairs in self.rows.items():
            tbl = codec.table(table)
            columns = ", ".join(f'"{c.name}"' for c in tbl.columns)
            marks = ", ".join("?" for _ in tbl.columns)
            made = iter(stored_forms(self.connection, tbl, [w for w, f in pairs if f is None]))
            rows = [next(made) if f is None else f for _w, f in pairs]
            self.connection.exec_driver_sql(
                f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', rows
            )
        search_index.insert_rows(self.connection, self.docs)
        self.rows = {}
        self.docs = []


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


def hex_id(value: Any) -> str:
    """A wire id as SQLite stores it (32 lower-case hex digits)."""
    text_ = str(value)
    digits = text_.replace("-", "")
    if len(text_) == 36 and len(digits) == 32 and digits == digits.lower():
        return digits
    return uuid.UUID(text_).hex
