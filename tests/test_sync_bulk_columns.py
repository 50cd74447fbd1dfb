"""The server's bulk push prepares the usual chunk of plain inserts a column at a time
(server/bulk_columns.py): it must give exactly what preparing each operation on its own gives
(the same COPY lines, fingerprints, decoded rows where they are read, centres' inputs, answers),
and send anything it cannot prove the same (an odd value anywhere) the operation-by-operation
way, which refuses what is wrong as before (issue 6, speed)."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance_desk.server import bulk_chunks, bulk_columns
from compliance_desk.sync import codec, protocol

DEVICE = uuid.UUID("00000000-0000-7000-8000-0000000000aa")
CENTRE = "643d7039-a1a1-5c6f-8f33-2f27018bb5a6"
INDUSTRY = "e961dd52-835a-5ddd-ad6e-cafb3031c824"


def _id(n: int, kind: int) -> str:
    return str(uuid.UUID(int=(kind << 120) | (n * 7919 + 1)))


def _stamp(n: int) -> str:
    return f"2026-11-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:{(n * 7) % 60:02d}.{n % 999999 + 1:06d}+00:00"


def _enterprise(n: int) -> dict[str, Any]:
    return {
        "name": f"崧厦第{n}伞厂", "name_key": f"崧厦第{n}伞厂", "name_pinyin": f"songxiadi{n}sanchang",
        "name_initials": "sxdsc", "uscc": f"91330604MA{n:08d}", "industry_id": INDUSTRY,
        "centre_id": CENTRE, "chamber_id": None, "address": "崧厦街道工业区3号",
        "legal_representative": "萧立新", "contact_person": "郑志强", "contact_phone": "17205741104",
        "contact_phone_digits": "17205741104", "size": "large", "settled_on": "2023-10-26",
        "on_compliant_list": False, "is_model": n % 2 == 0, "notes": "", "id": _id(n, 1),
        "row_version": 1, "created_at": _stamp(n), "created_by": None, "updated_at": _stamp(n + 1),
        "updated_by": None, "device_id": None, "deleted_at": None, "deleted_by": None,
    }  # fmt: skip


def _visit(n: int) -> dict[str, Any]:
    return {
        "enterprise_id": _id(n, 1), "centre_id": CENTRE, "visited_at": _stamp(n),
        "visitor_name": "王芳", "visitor_phone": "13800000000", "channel": "walk_in",
        "subject_area": "labour", "description": f"咨询用工合同第{n}条", "id": _id(n, 2),
        "row_version": 1, "created_at": _stamp(n), "created_by": None, "updated_at": _stamp(n),
        "updated_by": None, "device_id": str(DEVICE), "deleted_at": None, "deleted_by": None,
    }  # fmt: skip


def _audit(n: int) -> dict[str, Any]:
    return {
        "id": _id(n, 3), "at": _stamp(n), "user_id": None, "device_id": None,
        "table_name": "visit", "row_id": _id(n, 2), "action": "insert",
        "changes": {"description": f"咨询{n}", "row_version": 1, "is_model": True, "x": None,
                    "nested": [1, "二", {"k": [False]}]},
    }  # fmt: skip


ROWS = {"enterprise": _enterprise, "visit": _visit, "audit_entry": _audit}


def _op(table: str, n: int) -> dict[str, Any]:
    row = ROWS[table](n)
    return {
        "id": _id(n, {"enterprise": 4, "visit": 5, "audit_entry": 6}[table]), "table": table,
        "row_id": row["id"], "kind": "insert", "base_version": None, "command": None,
        "user_id": None, "at": _stamp(n + 2), "payload": {"row": row},
    }  # fmt: skip


def _chunk(tables: list[str], size: int) -> list[dict[str, Any]]:
    return [_op(table, n) for table in tables for n in range(size)]


def _one_at_a_time(raws: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> Any:
    with monkeypatch.context() as m:
        m.setattr(bulk_columns, "fields", lambda raws: None)
        return bulk_chunks.prepare(copy.deepcopy(raws), DEVICE)


def _same(raws: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch) -> Any:
    """Prepared both ways: the same chunk (or None both ways); the column-wise one."""
    expected = _one_at_a_time(raws, monkeypatch)
    got = bulk_chunks.prepare(copy.deepcopy(raws), DEVICE)
    if expected is None:
        assert got is None
        return got
    assert got is not None
    assert got.ops == expected.ops
    assert got.digests == expected.digests
    assert got.digests == [protocol.fingerprint(raw) for raw in raws]
    assert got.lines == expected.lines
    assert got.decides == expected.decides
    for made, row in zip(got.rows, expected.rows, strict=True):
        assert made is None or made == row  # a row not made is never read (Chunk.rows)
    assert got.ready is not None and expected.ready is not None
    assert got.ready._replace(stretches=[]) == expected.ready._replace(stretches=[])
    assert [(t, text) for t, text, _rows in got.ready.stretches] == [
        (t, text) for t, text, _rows in expected.ready.stretches
    ]
    return got


def _taken(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tables whose rows bulk_columns.rows takes (from here on)."""
    calls: list[str] = []
    rows = bulk_columns.rows

    def taken(tbl: Any, given: Any) -> Any:
        made = rows(tbl, given)
        if made is not None:
            calls.append(tbl.name)
        return made

    monkeypatch.setattr(bulk_columns, "rows", taken)
    return calls


def test_timestamps_on_a_whole_second_are_taken_a_column_at_a_time_too(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """datetime.isoformat() leaves out a zero fraction: a column all so (a clock on whole
    seconds) is still taken whole, and written as one at a time writes it."""
    raws = _chunk(["visit", "audit_entry"], 5)
    for raw in raws:
        row = raw["payload"]["row"]
        for name in ("visited_at", "created_at", "updated_at", "at"):
            if name in row:
                row[name] = "2026-11-30T06:49:56+00:00"
    calls = _taken(monkeypatch)
    got = _same(raws, monkeypatch)
    assert sorted(calls) == ["audit_entry", "visit"]
    assert "\t2026-11-30T06:49:56+00:00\t" in got.lines[0]


def test_the_usual_chunk_is_prepared_a_column_at_a_time_with_the_same_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    raws = _chunk(["enterprise", "audit_entry", "visit", "audit_entry"], 30)
    calls = _taken(monkeypatch)
    got = _same(raws, monkeypatch)
    assert sorted(calls) == ["audit_entry", "enterprise", "visit"]  # every table column-wise
    # the enterprises' rows are made (their natural keys are looked for), the others' not
    assert all(row is not None for row in got.rows[:30])
    assert all(row is None for row in got.rows[30:])
    assert got.ready.keyed["enterprise"][0][1]["uscc"] == "91330604MA00000000"
    # the COPY lines are what PostgreSQL reads: a JSON column as JSON, NULL as \N
    audit = got.lines[30].split("\t")
    assert audit[2] == "\\N" and audit[7].startswith('{"description":"咨询0"')


ODD: list[tuple[str, Any]] = [
    ("id", "01A22B37-B7D1-7BBA-8A35-028D8871D026"),  # a UUID in upper case
    ("enterprise_id", "01a22b37b7d17bba8a35028d8871d026"),  # without dashes
    ("centre_id", "not-a-uuid"),
    ("visited_at", "2026-11-30T06:49:56+00:00"),  # no fraction (a whole second), among others
    ("created_at", 7),  # a number first where the whole second's form is looked for
    ("visited_at", "2026-11-30T14:49:56.000001+08:00"),  # another offset
    ("visited_at", "2026-02-30T10:00:00.000000+00:00"),  # no such day
    ("visited_at", "9999-12-31T23:59:59.999999+00:00"),
    ("created_at", 20261130),
    ("settled_on", "2023-02-29"),
    ("settled_on", "2023/10/26"),
    ("is_model", 1),
    ("is_model", "yes"),
    ("row_version", 2.5),
    ("row_version", {"v": 1}),
    ("description", "第一行\n第二行"),
    ("description", "制表\t符"),
    ("description", "反斜杠\\N"),
    ("description", "\x00"),
    ("description", 12),
    ("description", "\ud800"),  # half a surrogate pair (json.loads lets it through)
    ("uscc", None),
    ("uscc", 91330604),
    ("changes", {"rate": 0.5}),
    ("changes", {"n": float("nan")}),
    ("changes", {"big": 2**64}),
    ("changes", {"path": "C:\\temp"}),
    ("changes", {"tab": "a\tb"}),
    ("changes", "\ud800"),
    ("changes", None),
    ("changes", [1, 2, 3]),
    ("name", "名称"),  # plain: stays column-wise
    ("chamber_id", CENTRE),
]


@pytest.mark.parametrize(("column", "value"), ODD, ids=[f"{c}={v!r}"[:40] for c, v in ODD])
def test_an_odd_value_gives_what_one_at_a_time_gives(
    column: str, value: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    raws = _chunk(["enterprise", "visit", "audit_entry"], 4)
    for raw in raws[1::4]:  # the second of each table's, if it has the column
        if column in raw["payload"]["row"]:
            raw["payload"]["row"][column] = value
    _same(raws, monkeypatch)


@pytest.mark.parametrize(
    "change",
    [
        lambda raw: raw.update(user_id="01A22B37-B7D1-7BBA-8A35-028D8871D026"),
        lambda raw: raw.update(user_id=str(DEVICE)),
        lambda raw: raw.update(at="2026-11-31T00:00:00+00:00"),
        lambda raw: raw.update(at=None),
        lambda raw: raw.update(base_version=3),
        lambda raw: raw.update(base_version="x"),
        lambda raw: raw.update(base_version=[1]),
        lambda raw: raw.update(base_version=float("inf")),  # json.loads takes Infinity
        lambda raw: raw.update(command={}),
        lambda raw: raw.update(kind=["insert"]),
        lambda raw: raw.update(user_id="not-a-uuid"),
        lambda raw: raw.update(command="close"),
        lambda raw: raw.update(extra=1),
        lambda raw: raw.pop("command"),
        lambda raw: raw["payload"].update(note="x"),
        lambda raw: raw["payload"]["row"].update(a_newer_column="x"),
        lambda raw: (
            raw["payload"]["row"].pop("notes", None) or raw["payload"]["row"].pop("action", None)
        ),
        lambda raw: raw["payload"]["row"].pop("row_version", None),
        lambda raw: raw["payload"]["row"].update(id=_id(999, 1)),  # not the operation's row
        lambda raw: raw.update(id=raw["id"].upper()),
    ],
)
def test_an_odd_operation_gives_what_one_at_a_time_gives(
    change: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    raws = _chunk(["enterprise", "audit_entry"], 3)
    change(raws[1])
    change(raws[4])
    _same(raws, monkeypatch)


ANY_VALUE = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(), st.text(max_size=8),
    st.sampled_from(["2026-11-30T06:49:56.961518+00:00", "2026-11-30", CENTRE, CENTRE.upper(),
                     "0000-01-01T00:00:00.000000+00:00", "a\\b", "\r"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.floats() | st.text(max_size=3), max_size=2),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    tables=st.lists(st.sampled_from(sorted(ROWS)), min_size=1, max_size=3),
    changes=st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 40), ANY_VALUE), max_size=3),
)
def test_any_values_give_what_one_at_a_time_gives(
    tables: list[str], changes: list[tuple[int, int, Any]]
) -> None:
    raws = _chunk(tables, 3)
    for which, column, value in changes:
        row = raws[which % len(raws)]["payload"]["row"]
        names = [c.name for c in codec.table(raws[which % len(raws)]["table"]).columns]
        row[names[column % len(names)]] = value
    with pytest.MonkeyPatch.context() as monkeypatch:
        _same(raws, monkeypatch)
