"""The server's bulk push writes a page's rows as COPY text itself (issue 6, speed): the text is
the bytes psycopg would send for the same rows, whatever they hold (escapes, NULLs, the text
"\\N", JSON), and a row it cannot write so goes psycopg's way."""

from __future__ import annotations

import uuid
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from psycopg._copy_base import TextFormatter
from psycopg.adapt import Transformer
from psycopg.types.json import Json
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Table, Uuid

from compliance_desk.persistence.models import UtcDateTime
from compliance_desk.server import copy_text
from compliance_desk.sync import codec, protocol, sets

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
def _pushed(draw: Any, tbl: Table) -> dict[str, Any]:
    """A row as a client pushes it (JSON values): ids, timestamps and dates as text (now and
    then another form or a wrong one), any text, JSON, a float or a big integer anywhere now
    and then, a column missing, a key that is not a column."""
    row: dict[str, Any] = {}
    for c in tbl.columns:
        kind = c.type
        odd = draw(st.integers(0, 14))
        if odd == 0:
            continue  # not sent (an older client)
        if odd == 1 and c.nullable:
            row[c.name] = None
        elif odd == 2:
            row[c.name] = draw(st.sampled_from([1.5, 2**64, -3, True, [1, "x"], {"k": 0.5}]))
        elif isinstance(kind, Uuid):
            value = uuid.UUID(int=draw(st.integers(0, 2**128 - 1)))
            row[c.name] = str(value).upper() if odd == 3 else str(value)
        elif isinstance(kind, (UtcDateTime, DateTime)):
            row[c.name] = draw(st.sampled_from(["2026-03-05T10:00:00.250000+00:00",
                                                "2026-03-05T10:00:00Z", "2026-02-30T10:00:00+00:00"]))  # fmt: skip
        elif isinstance(kind, Date):
            row[c.name] = "2026-03-05"
        elif isinstance(kind, Boolean):
            row[c.name] = draw(st.booleans())
        elif isinstance(kind, Integer):
            row[c.name] = draw(st.integers(-(2**31), 2**31 - 1))
        elif isinstance(kind, JSON):
            row[c.name] = draw(JSON_VALUES)
        else:
            row[c.name] = draw(TEXT)
    if draw(st.integers(0, 5)) == 0:
        row["a_newer_column"] = draw(JSON_VALUES)
    return row


def _decoded_before(tbl: Table, data: dict[str, Any]) -> dict[str, Any]:
    """How the bulk push decoded a row before copy_text.prepare (decode_with and then the row
    version of a new row), its JSON columns' values read back from their text."""
    row = codec.decode_with(copy_text.decoders(tbl, protocol._plain(data)), data)
    if "row_version" in tbl.c:
        row["row_version"] = 1
    return {k: orjson.loads(str(v)) if type(v) is sets.JsonText else v for k, v in row.items()}


@pytest.mark.parametrize("table", ["visit", "audit_entry", "enterprise"])
@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_a_row_prepared_in_one_pass_is_decoded_judged_and_written_as_before(
    table: str, data: Any
) -> None:
    """copy_text.prepare decodes as decode_with did (and refuses what it refused), judges the
    row plain as protocol's walk does, and writes the COPY text psycopg would send."""
    tbl = codec.table(table)
    pushed = data.draw(_pushed(tbl))
    try:
        before: Any = _decoded_before(tbl, pushed)
    except (TypeError, ValueError):
        before = "refused"
    try:
        row, line, plain = copy_text.prepare(tbl, pushed)
    except (TypeError, ValueError):
        assert before == "refused"
        return
    assert plain is protocol._plain(pushed)
    read_back = {k: orjson.loads(str(v)) if type(v) is sets.JsonText else v for k, v in row.items()}
    assert read_back == before
    if line is not None:
        assert line.encode() == _psycopg(tbl, row)
    else:  # a column missing, or a value psycopg formats itself (or refuses: a NUL)
        assert len(row) < len(tbl.columns) or any(
            type(row[c.name]) not in (str, sets.JsonText, int, bool, type(None))
            or (isinstance(c.type, JSON) and type(row[c.name]) is not sets.JsonText
                and row[c.name] is not None)
            or "\x00" in str(row[c.name])
            for c in tbl.columns
        )  # fmt: skip


def test_the_escapes_and_nulls_of_copy_text() -> None:
    tbl = codec.table("visit")
    pushed: dict[str, Any] = {c.name: None for c in tbl.columns}
    pushed.update(id=str(uuid.uuid4()), visitor_name="a\tb\\N\n\r\x08\x0b\x0c三",
                  description="\\N", row_version=7)  # fmt: skip
    row, line, plain = copy_text.prepare(tbl, pushed)
    assert plain and row["row_version"] == 1
    assert line is not None and line.encode() == _psycopg(tbl, row)
    assert "\\\\N" in line and "\t\\N\t" in line  # the text "\N" is not a NULL
    assert copy_text.prepare(tbl, {**pushed, "visitor_name": "a\x00b"})[1] is None
    assert (
        copy_text.prepare(tbl, {k: v for k, v in pushed.items() if k != "description"})[1] is None
    )


@settings(max_examples=300, deadline=None)
@given(values=st.lists(JSON_VALUES, min_size=1, max_size=3), extra=JSON_VALUES)
def test_the_fingerprint_of_an_operation_found_plain_is_the_fingerprint(
    values: list[Any], extra: Any
) -> None:
    """protocol.fingerprint_of skips the walk for an operation the bulk push found plain: its
    digest is protocol.fingerprint's for every operation it is told is plain, and the bulk
    push tells it so only when the walk agrees (floats, integers beyond 64 bits, keys that
    are not strings, lone surrogates: the walk, or the rejection, as before)."""
    from compliance_desk.server import bulk_chunks

    for n, value in enumerate([*values, {1: "x"}, "\ud800", 2**64, 0.1]):
        op = {"id": str(uuid.UUID(int=n)), "table": "audit_entry",
              "row_id": str(uuid.UUID(int=10**6 + n)), "kind": "insert", "base_version": None,
              "command": None, "user_id": None, "at": "2026-03-05T10:00:00+00:00",
              "payload": {"row": {"changes": value, "n": n}, "more": extra}}  # fmt: skip
        tbl = codec.table("audit_entry")
        try:
            expected = protocol.fingerprint(op)
        except ValueError:  # a lone surrogate: no fingerprint, the operation is rejected
            with pytest.raises(ValueError):
                protocol.fingerprint_of(op, True)
            continue
        _row, _line, plain = copy_text.prepare(tbl, op["payload"]["row"])
        told = plain and bulk_chunks.plain_but_row(op, op["payload"]["row"])
        assert told is protocol._plain({k: op.get(k) for k in protocol.OP_FIELDS})
        assert protocol.fingerprint_of(op, told) == expected
        if told:
            assert protocol.fingerprint_of(op, True) == expected
