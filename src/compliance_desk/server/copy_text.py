"""A pushed row's values as the bulk push COPYs them (server/bulk.py): UUIDs, timestamps and
dates kept as their canonical text, which PostgreSQL reads as it reads the values psycopg would
format from Python objects (formatting those cost COPY several microseconds a value), and JSON
written by orjson.  Each value is checked as codec checks it, so the same values are refused.
"""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Column, Date, DateTime, Table, Uuid

from compliance_desk.persistence.models import UtcDateTime
from compliance_desk.sync import codec, protocol, sets
from compliance_desk.sync.policy import policy

# str(uuid.UUID(...)) of a UUID: such a value is taken as it is (PostgreSQL reads it the same).
CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# datetime.isoformat() of an aware datetime, and date.isoformat(): read alike by PostgreSQL
_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{6})?[+-]\d\d:\d\d")
_DATE = re.compile(r"\d{4}-\d\d-\d\d")


def _uuid_text(value: Any) -> Any:
    if type(value) is str and CANONICAL_UUID.fullmatch(value):
        return value
    return str(codec.decode_uuid(value))


def _datetime_text(value: Any) -> Any:
    """A timestamp in its canonical text is checked as codec checks it (datetime.fromisoformat
    refuses a 30 February) and COPYed as that text: formatting a datetime object costs COPY
    several microseconds.  Any other form is decoded as codec decodes it."""
    if type(value) is str and _DATETIME.fullmatch(value):
        moment = datetime.fromisoformat(value)
        if moment.year in (1, 9999):  # an offset may take it out of range (codec.in_range)
            codec.in_range(moment)
        return value
    return codec.decode(_A_DATETIME, value)


def _date_text(value: Any) -> Any:
    if type(value) is str and _DATE.fullmatch(value):
        date.fromisoformat(value)
        return value
    return codec.decode(_A_DATE, value)


def _json_text(value: Any) -> Any:
    """A JSON column's plain value (protocol.plain: no float) as its JSON text, written by
    orjson (the stdlib's dumper, which psycopg calls, is slower)."""
    try:
        return sets.JsonText(orjson.dumps(value).decode("utf-8"))
    except (orjson.JSONEncodeError, TypeError):
        return value


_A_DATETIME: Column[Any] = Column("at", UtcDateTime())
_A_DATE: Column[Any] = Column("on", Date())


@functools.cache
def decoders(tbl: Table, plain: bool) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """codec's decoders, but UUID, timestamp and date columns' values kept as their canonical
    text (checked as strictly: the same values are refused), and, for an operation of plain
    values, JSON columns' values as JSON text; a natural key's values decoded as codec
    decodes them (they are compared with the server's)."""
    key = set(policy(tbl.name).natural_key)
    out: list[tuple[str, Callable[[Any], Any] | None]] = []
    for name, convert in codec.column_decoders(tbl):
        kind = tbl.c[name].type
        if name in key:
            out.append((name, convert))
        elif isinstance(kind, Uuid):
            out.append((name, _uuid_text))
        elif isinstance(kind, (UtcDateTime, DateTime)):
            out.append((name, _datetime_text))
        elif isinstance(kind, Date):
            out.append((name, _date_text))
        elif isinstance(kind, JSON) and plain:
            out.append((name, _json_text))
        else:
            out.append((name, convert))
    return tuple(out)


# What psycopg's text COPY escapes (and PostgreSQL reads back): backslash, and the controls
# \b \t \n \v \f \r; a NUL it refuses (PostgreSQL's text has none): such a row goes its way.
_SPECIAL = re.compile(r"[\\\x08\t\n\x0b\x0c\r\x00]")
_ESCAPES = str.maketrans({"\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n",
                          "\v": "\\v", "\f": "\\f", "\r": "\\r"})  # fmt: skip


@functools.cache
def _json_nulls(tbl: Table) -> dict[str, str]:
    """JSON columns -> how None is COPYed there: NULL when the column says none_as_null (as
    SQLAlchemy stores it), else JSON null (as sets._copy writes it)."""
    return {
        c.name: ("\\N" if c.type.none_as_null else "null")
        for c in tbl.columns
        if isinstance(c.type, JSON)
    }


@functools.cache
def _names(tbl: Table) -> tuple[str, ...]:
    return tuple(c.name for c in tbl.columns)


def _escaped(value: str) -> str:
    return value.translate(_ESCAPES)


def _line(tbl: Table, row: dict[str, Any], texts: list[str] | None) -> str | None:
    """A decoded row (every column named) as a line of COPY text, the text psycopg's
    ``write_row`` would send for it (sets._copy); None when a value is of a kind that psycopg
    formats itself.  Its text values are put in ``texts`` (to be checked for what needs
    escaping), or, ``texts`` being None, escaped."""
    json_nulls = _json_nulls(tbl)
    parts: list[str] = []
    for name in _names(tbl):
        value = row.get(name, _MISSING)
        kind = type(value)
        if kind is str or kind is sets.JsonText:
            if name in json_nulls and kind is not sets.JsonText:
                return None
            if texts is None:
                parts.append(_escaped(value))
            else:
                parts.append(value)
                texts.append(value)
        elif value is None:
            parts.append(json_nulls.get(name, "\\N"))
        elif name in json_nulls:
            return None
        else:
            scalar = _scalar_text(value)
            if scalar is None:
                return None
            parts.append(scalar)
    return "\t".join(parts) + "\n"


def _scalar_text(value: Any) -> str | None:
    """An integer, a boolean or a UUID as COPY text (psycopg's); None for any other kind."""
    kind = type(value)
    if kind is int or kind is uuid.UUID:
        return str(value)
    if kind is bool:
        return "t" if value else "f"
    return None


_MISSING = object()


_OTHER, _JSON_COLUMN, _VERSION, _TEXT = 0, 1, 2, 3


@functools.cache
def _plan(tbl: Table) -> tuple[tuple[str, Callable[[Any], Any] | None, int, str], ...]:
    """Each column: its name, its decoder (``decoders``), its role, how None is COPYed.  A
    text column's check (codec: a string) is made in ``prepare`` itself, not by a call."""
    json_nulls = _json_nulls(tbl)
    return tuple(
        (name, convert, _VERSION, "\\N") if name == "row_version"
        else (name, convert, _JSON_COLUMN, json_nulls[name]) if name in json_nulls
        else (name, None, _TEXT, "\\N") if convert is codec.to_text
        else (name, convert, _OTHER, "\\N")
        for name, convert in decoders(tbl, False)
    )  # fmt: skip


def prepare(tbl: Table, data: dict[str, Any]) -> tuple[dict[str, Any], str | None, bool]:
    """A pushed new row in one pass: decoded as ``decoders`` decode it (``row_version`` 1: a
    new row; a JSON column's value as its text when it is plain), its COPY ``line`` (None:
    psycopg's way), and whether every value in ``data`` is plain as protocol._plain judges
    it (then its operation's fingerprint needs no walk of the row: protocol.fingerprint_of).
    Raises TypeError or ValueError for a value its decoder refuses."""
    out: dict[str, Any] = {}
    parts: list[str] = []
    texts: list[str] = []
    plain = writable = True
    seen = 0
    for name, convert, role, null in _plan(tbl):
        if name not in data:
            if role == _VERSION:
                out[name] = 1
                parts.append("1")
            else:
                writable = False
            continue
        seen += 1
        value = data[name]
        kind = type(value)
        if kind is str or value is None or kind is bool:
            simple = True
        elif kind is int:
            simple = -(2**63) <= value < 2**64
        else:
            simple = protocol.plain(value)
        plain = plain and simple
        if role == _VERSION:
            out[name] = 1
            parts.append("1")
            continue
        if value is None:
            out[name] = None
            parts.append(null)
            continue
        if role == _JSON_COLUMN:
            value = _json_text(value) if simple else value
            if type(value) is not sets.JsonText:
                writable = False
        elif convert is not None:
            value = convert(value)
        elif role == _TEXT and kind is not str:
            codec.to_text(value)  # raises: not text
        out[name] = value
        kind = type(value)
        if kind is str or kind is sets.JsonText:
            parts.append(value)
            texts.append(value)
        else:
            scalar = _scalar_text(value)
            if scalar is None:
                writable = False
            else:
                parts.append(scalar)
    if seen != len(data):  # keys that are not columns: dropped, but part of the fingerprint
        names = _names(tbl)
        plain = plain and all(
            type(k) is str and protocol.plain(v) for k, v in data.items() if k not in names
        )
    line = None
    if writable:
        line = "\t".join(parts) + "\n"
        if _SPECIAL.search("".join(texts)) is not None:
            line = None if any("\x00" in t for t in texts) else _line(tbl, out, None)
    return out, line, plain
