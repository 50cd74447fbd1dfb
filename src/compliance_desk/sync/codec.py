"""Row values to JSON and back, by column type, the same way on every side of the wire.

Values are compared in this encoded form when merging, so a UTC datetime read from SQLite
and the same one read from PostgreSQL compare equal.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, String, Table, Uuid

from compliance_desk.persistence.models import Base, UtcDateTime

# Columns every synced row carries that the sync itself sets: who/when of the last write and
# the version counter.  They are never diffed as fields.
STAMPS = frozenset(
    {"row_version", "created_at", "created_by", "updated_at", "updated_by", "device_id"}
)


def table(name: str) -> Table:
    return Base.metadata.tables[name]


def _is_datetime(column: Column[Any]) -> bool:
    return isinstance(column.type, (UtcDateTime, DateTime))


def encode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def decode(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if isinstance(column.type, Uuid):
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    if _is_datetime(column):
        return _to_datetime(value)
    if isinstance(column.type, Date):
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    if isinstance(column.type, Boolean):
        return _to_bool(value)
    if isinstance(column.type, String):
        return to_text(value)
    return value


def encode_row(tbl: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    return {c.name: encode(c, row[c.name]) for c in tbl.columns if c.name in row}


def _to_uuid(value: Any) -> Any:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _to_datetime(value: Any) -> Any:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    if parsed.year in (1, 9999):  # an offset may take it out of the years a datetime holds
        in_range(parsed)
    return parsed


def in_range(moment: datetime) -> None:
    """ValueError (a malformed value, refused with its reason) for a moment that has no UTC
    form between the years 1 and 9999: stored as it is it would be a year that every pulling
    device refuses to read."""
    try:
        moment.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError(f"timestamp out of range in UTC: {moment.isoformat()}") from exc


def _to_bool(value: Any) -> bool:
    """A JSON boolean (``"yes"`` would be true to PostgreSQL's COPY, an error to the driver)."""
    if type(value) is bool:
        return value
    raise ValueError(f"not a boolean: {value!r}"[:80])


def to_text(value: Any) -> str:
    """A JSON string (a boolean would be stored as ``t`` by PostgreSQL's COPY and as ``true``
    one by one; a number or an object is not what a text field holds)."""
    if type(value) is str:
        return value
    raise ValueError(f"not text: {value!r}"[:80])


def _to_date(value: Any) -> Any:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


@functools.cache
def _decoders(tbl: Table) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """Each column's decoder, chosen once per table (as ``decode`` chooses it per value)."""
    out: list[tuple[str, Callable[[Any], Any] | None]] = []
    for c in tbl.columns:
        if isinstance(c.type, Uuid):
            out.append((c.name, _to_uuid))
        elif _is_datetime(c):
            out.append((c.name, _to_datetime))
        elif isinstance(c.type, Date):
            out.append((c.name, _to_date))
        elif isinstance(c.type, Boolean):
            out.append((c.name, _to_bool))
        elif isinstance(c.type, String):
            out.append((c.name, to_text))
        else:
            out.append((c.name, None))
    return tuple(out)


def column_decoders(tbl: Table) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    """Each column's decoder (None: the value as it is), as ``decode_row`` applies them."""
    return _decoders(tbl)


def decode_uuid(value: Any) -> uuid.UUID:
    return _to_uuid(value)  # type: ignore[no-any-return]


def decode_row(tbl: Table, data: Mapping[str, Any]) -> dict[str, Any]:
    """Known columns only: a column a newer schema added is dropped, not an error.  (A page
    decodes thousands of rows: the decoders are chosen once per table, the same as
    ``decode`` would choose them.)"""
    return decode_with(_decoders(tbl), data)


def decode_with(
    decoders: Iterable[tuple[str, Callable[[Any], Any] | None]], data: Mapping[str, Any]
) -> dict[str, Any]:
    """``data``'s known columns, each through its decoder (None: kept as it is)."""
    out: dict[str, Any] = {}
    for name, convert in decoders:
        if name in data:
            value = data[name]
            out[name] = value if value is None or convert is None else convert(value)
    return out
