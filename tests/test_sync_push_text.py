"""The server's bulk push writes a page's rows as COPY text itself (issue 6, speed): the text is
the bytes psycopg would send for the same rows, whatever they hold (escapes, NULLs, the text
"\\N", JSON), and a row it cannot write so goes psycopg's way."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg._copy_base import TextFormatter
from psycopg.adapt import Transformer
from psycopg.types.json import Json
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Table, Uuid

from compliance_desk.persistence.models import UtcDateTime
from compliance_desk.server import copy_text
from compliance_desk.sync import codec, sets

TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)  # any character but halves
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=6),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)  # fmt: skip


def _psycopg(tbl: Table, row: dict[str, Any]) -> bytes:
    """What sets._copy hands psycopg for the row, formatted as psycopg's COPY does."""
    formatter = TextFormatter(Transformer())
    values = []
    for c in tbl.columns:
        value = row[c.name]
        values.append(sets._json(value, bool(c.type.none_as_null), Json)
                      if isinstance(c.type, JSON) else value)  # fmt: skip
    formatter.write_row(values)
    return bytes(formatter.end())


@st.composite
def _rows(draw: Any, tbl: Table) -> dict[str, Any]:
    """A row as the bulk push decodes it (copy_text.decoders): ids, timestamps and dates as
    their text, JSON as its text or a value, any text in text columns."""
    row: dict[str, Any] = {}
    for c in tbl.columns:
        kind = c.type
        if c.nullable and draw(st.integers(0, 4)) == 0:
            row[c.name] = None
        elif isinstance(kind, Uuid):
            row[c.name] = str(uuid.UUID(int=draw(st.integers(0, 2**128 - 1))))
        elif isinstance(kind, (UtcDateTime, DateTime)):
            row[c.name] = "2026-03-05T10:00:00.250000+00:00"
        elif isinstance(kind, Date):
            row[c.name] = "2026-03-05"
        elif isinstance(kind, Boolean):
            row[c.name] = draw(st.booleans())
        elif isinstance(kind, Integer):
            row[c.name] = draw(st.integers(-(2**31), 2**31 - 1))
        elif isinstance(kind, JSON):
            value = draw(JSON_VALUES)
            plain = draw(st.booleans())
            row[c.name] = copy_text._json_text(value) if plain else value
        else:
            row[c.name] = draw(TEXT)
    return row


@pytest.mark.parametrize("table", ["visit", "audit_entry", "enterprise"])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_a_row_written_as_copy_text_is_what_psycopg_sends_for_it(table: str, data: Any) -> None:
    tbl = codec.table(table)
    row = data.draw(_rows(tbl))
    line = copy_text.line(tbl, row)
    try:
        expected: bytes | None = _psycopg(tbl, row)
    except Exception:  # a NUL in text: psycopg refuses it, and the row goes psycopg's way
        expected = None
    if line is None:  # a value psycopg formats itself: it does, the same as before
        assert expected is None or any(
            type(row[c.name]) not in (str, sets.JsonText, int, bool, type(None))
            or (isinstance(c.type, JSON) and type(row[c.name]) is not sets.JsonText
                and row[c.name] is not None)
            or "\x00" in str(row[c.name])
            for c in tbl.columns
        )  # fmt: skip
    else:
        assert line.encode() == expected


def test_the_escapes_and_nulls_of_copy_text() -> None:
    tbl = codec.table("visit")
    row = {c.name: None for c in tbl.columns}
    row.update(id=str(uuid.uuid4()), visitor_name="a\tb\\N\n\r\x08\x0b\x0c三", description="\\N")
    line = copy_text.line(tbl, row)
    assert line is not None and line.encode() == _psycopg(tbl, row)
    assert "\\\\N" in line and "\t\\N\t" in line  # the text "\N" is not a NULL
    assert copy_text.line(tbl, {**row, "visitor_name": "a\x00b"}) is None
    assert copy_text.line(tbl, {k: v for k, v in row.items() if k != "description"}) is None
