"""The pull page PostgreSQL writes (server/pull_json.py) decodes to exactly the page the Python
path builds (server/pull.py with codec.encode_row), on rows with every column type."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Double,
    Engine,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    create_engine,
    insert,
    text,
)
from sqlalchemy.orm import Session

from compliance_desk.persistence.models import UtcDateTime
from compliance_desk.persistence.sync_models import SyncChange
from compliance_desk.server import pull as pulling
from compliance_desk.sync import codec, pull_wire
from compliance_desk.sync.policy import synced_tables

pytestmark = pytest.mark.postgres

AWKWARD = 'a "quoted" 中文\n\tline \\ back\x01slash 😀 </script>'
TIMES = [
    datetime(2026, 3, 2, 9, 30, tzinfo=UTC),  # no fraction: isoformat leaves it out
    datetime(2026, 3, 2, 9, 30, 5, 123400, tzinfo=UTC),  # trailing zeros kept by Python
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=8))),
    datetime(2026, 11, 29, 0, 0, 0, 1, tzinfo=UTC),
]


def _value(column: Any, n: int) -> Any:
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.uuid4()
    if isinstance(kind, UtcDateTime):
        return TIMES[n % len(TIMES)]
    if isinstance(kind, Date):
        return [date(2026, 3, 2), date(1, 1, 1), date(2024, 2, 29)][n % 3]
    if isinstance(kind, Boolean):
        return n % 2 == 0
    if isinstance(kind, Double):
        return [0.1, 1e20, 1 / 3, -2.5][n % 4]
    if isinstance(kind, Integer):
        return [2**31 - 1, -5, 0, 7][n % 4]
    if isinstance(kind, JSON):
        return [{"中": [1, 2.5, None, True, "x\ny"], "k": {"a": 'b"'}}, ["a", 3], "s", 12][n % 4]
    if isinstance(kind, (String, Text)):
        value = f"{n}-{uuid.uuid4().hex[:6]}-{AWKWARD}"
        length = getattr(kind, "length", None)
        return value[:length] if length else value
    raise AssertionError(f"a column type this test does not cover: {column} {kind!r}")


@pytest.fixture
def server(pg_url: str) -> Iterator[Engine]:
    engine = create_engine(pg_url)
    yield engine
    engine.dispose()


def _fill(session: Session, centres: list[uuid.UUID | None]) -> int:
    """Three rows of every synced table (one with every nullable column NULL), logged; returns
    the last seq.  Foreign keys are off for this session: the values are made up."""
    session.execute(text("SET session_replication_role = replica"))
    seq = itertools.count(1)
    counter = itertools.count()
    log: list[dict[str, Any]] = []
    for name in synced_tables():
        tbl: Table = codec.table(name)
        for k in range(3):
            row = {c.name: _value(c, next(counter)) for c in tbl.columns}
            if k == 0:
                row.update({c.name: None for c in tbl.columns if c.nullable and not c.primary_key})
            session.execute(insert(tbl).values(row))
            log.append({"seq": next(seq), "table_name": name, "row_id": row["id"],
                        "centre_id": centres[k % len(centres)]})  # fmt: skip
    # A row changed again later (sent once, at its first place), a row gone since it was
    # logged (not sent), and a table this schema does not know.
    log.append({**log[4], "seq": next(seq)})
    log.append({"seq": next(seq), "table_name": "enterprise", "row_id": uuid.uuid4(),
                "centre_id": None})  # fmt: skip
    session.execute(insert(SyncChange), log)
    session.commit()
    return log[-1]["seq"]


def _python(session: Session, after: int, limit: int, centre: uuid.UUID | None) -> Any:
    answer = pulling.pull(session, after, limit, centre)
    return orjson.loads(orjson.dumps(answer))


def _database(session: Session, after: int, limit: int, centre: uuid.UUID | None) -> Any:
    answer = pulling.page(session, after, limit, centre)
    assert isinstance(answer["changes"], orjson.Fragment)  # written by PostgreSQL
    return orjson.loads(orjson.dumps(answer))


def test_the_page_postgresql_writes_decodes_as_the_python_page_for_every_column_type(
    server: Engine,
) -> None:
    centre = uuid.uuid4()
    with Session(server) as session:
        last = _fill(session, [None, centre])
    with Session(server) as session:
        whole = _database(session, 0, 10_000, None)
        assert whole == _python(session, 0, 10_000, None)
        assert whole["last_seq"] == last and whole["more"] is False
        assert len(whole["changes"]) == 3 * len(synced_tables())
        sent = {(c["table"], c["id"]) for c in whole["changes"]}
        assert len(sent) == len(whole["changes"])  # the row changed twice: once
        enterprise = next(c["row"] for c in whole["changes"] if c["table"] == "enterprise")
        assert set(enterprise) == {c.name for c in codec.table("enterprise").columns}
        times = {v for c in whole["changes"] for v in c["row"].values() if isinstance(v, str)}
        assert "2026-03-02T09:30:05.123400+00:00" in times
        assert "1999-12-31T15:59:59.999999+00:00" in times
        assert "2026-03-02T09:30:00+00:00" in times
        # Page by page, and a centre's page (its rows and the shared ones), the same.
        for centre_id in (None, centre, uuid.uuid4()):
            after, pages = 0, 0
            while True:
                page = _database(session, after, 7, centre_id)
                assert page == _python(session, after, 7, centre_id)
                pages += 1
                after = page["last_seq"]
                if not page["more"]:
                    break
            assert pages > 2
        nothing = _database(session, last, 100, None)
        assert nothing == {"changes": [], "last_seq": last, "more": False}


def test_a_decoded_page_is_the_rows_as_the_client_decodes_them(server: Engine) -> None:
    with Session(server) as session:
        _fill(session, [None])
    with Session(server) as session:
        for change in _database(session, 0, 10_000, None)["changes"]:
            tbl = codec.table(change["table"])
            stored = session.execute(
                tbl.select().where(tbl.c.id == uuid.UUID(change["id"]))
            ).mappings().one()  # fmt: skip
            assert codec.decode_row(tbl, change["row"]) == {
                c.name: codec.decode(c, codec.encode(c, stored[c.name])) for c in tbl.columns
            }


class _CountingJson:
    """orjson, counting the parses and the bytes of the largest one."""

    JSONDecodeError = orjson.JSONDecodeError

    def __init__(self) -> None:
        self.calls = 0
        self.largest = 0

    def loads(self, data: bytes) -> Any:
        self.calls += 1
        self.largest = max(self.largest, len(data))
        return orjson.loads(data)


def test_a_large_page_is_parsed_in_pieces_and_to_the_same_value(
    server: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Session(server) as session:
        _fill(session, [None])
        # A stored JSON value with a line break where the changes are separated: that page
        # is parsed whole, to the same value.
        audit = codec.table("audit_entry")
        odd = session.execute(audit.select().limit(1)).mappings().one()["id"]
    with Session(server) as session:
        body = orjson.dumps({**pulling.page(session, 0, 10_000), "server_epoch": "e"})
    assert body.count(b",\n") == 3 * len(synced_tables()) - 1  # one change a line
    counting = _CountingJson()
    monkeypatch.setattr(pull_wire, "orjson", counting)
    monkeypatch.setattr(pull_wire, "PIECES", 10)
    assert pull_wire.loads(body) == orjson.loads(body)
    assert counting.calls > 5 and counting.largest < len(body) / 4  # in pieces
    with Session(server) as session:
        session.execute(text("UPDATE audit_entry SET changes = '[1,\n2]'::json WHERE id = :i"),
                        {"i": odd})  # fmt: skip
        session.commit()
        body = orjson.dumps({**pulling.page(session, 0, 10_000), "server_epoch": "e"})
    assert b"[1,\n2]" in body
    assert pull_wire.loads(body) == orjson.loads(body)
    # An older server's page (no line breaks), and an empty one.
    with Session(server) as session:
        old = orjson.dumps({**pulling.pull(session, 0, 10_000), "server_epoch": "e"})
        empty = orjson.dumps({**pulling.page(session, 10**9, 10), "server_epoch": "e"})
    assert pull_wire.loads(old) == orjson.loads(old)
    assert pull_wire.loads(empty) == orjson.loads(empty) == {
        "changes": [], "last_seq": 10**9, "more": False, "server_epoch": "e"
    }  # fmt: skip


def test_a_change_committed_between_the_page_s_two_statements_waits_for_the_next_page(
    server: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A push commits after the page's entries were counted and before its rows are written:
    the page is still exactly the counted entries (nothing after its last seq, which the next
    page sends), so a child never comes without its parent's table."""
    from compliance_desk.server import pull_json

    with Session(server) as session:
        last = _fill(session, [None])
        expected = _python(session, 0, 10_000, None)
    tbl = codec.table("enterprise")
    late = {c.name: _value(c, 999) for c in tbl.columns} | {"id": uuid.uuid4()}
    real = pull_json._prelude

    def racing(centre_id: uuid.UUID | None, upto: bool = False) -> str:
        if upto:  # between the two statements: another device's push commits
            with Session(server) as other:
                other.execute(text("SET session_replication_role = replica"))
                other.execute(insert(tbl).values(late))
                other.execute(insert(SyncChange).values(
                    seq=last + 1, table_name="enterprise", row_id=late["id"], centre_id=None
                ))  # fmt: skip
                other.commit()
        return real(centre_id, upto)

    monkeypatch.setattr(pull_json, "_prelude", racing)
    with Session(server) as session:
        page = _database(session, 0, 10_000, None)
    assert page == expected and page["last_seq"] == last
    assert all(c["seq"] <= last for c in page["changes"])
    monkeypatch.setattr(pull_json, "_prelude", real)
    with Session(server) as session:
        following = _database(session, last, 10_000, None)
    assert [c["id"] for c in following["changes"]] == [str(late["id"])]
