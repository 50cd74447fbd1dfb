"""A pushed row's values as the bulk push COPYs them (server/bulk.py): UUIDs, timestamps and
dates kept as their canonical text, which PostgreSQL reads as it reads the values psycopg would
format from Python objects (formatting those cost COPY several microseconds a value), and JSON
written by orjson.  Each value is checked as codec checks it, so the same values are refused.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import orjson
from sqlalchemy import JSON, Column, Date, DateTime, Table, Uuid

from compliance_desk.persistence.models import UtcDateTime
from compliance_desk.sync import codec, sets
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
    """A JSON column's value of an operation of plain values (protocol.fingerprint_plain) as
    its JSON text, written by orjson (the stdlib's dumper, which psycopg calls, is slower)."""
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
