"""The pull's stored form (``form=stored``: server/pull_json.py writes the rows as SQLite stores
them, sync/pull_stored.py hands them to the driver) gives the same SQLite database as today's
form, value for value and type for type, on rows of every column type of every synced table;
the parameter absent, the server answers today's form, and a client still applies it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, create_engine, insert, select, text
from sqlalchemy.orm import Session

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.persistence.sync_models import SyncOutbox
from compliance_desk.server import pull as pulling
from compliance_desk.server import pull_json
from compliance_desk.sync import capture, codec, pull_ahead, pull_stored, pull_wire, replica
from compliance_desk.sync.policy import synced_tables
from tests.sync_support import Rig, rows
from tests.test_sync import USCC
from tests.test_sync_pull_page import _fill

pytestmark = pytest.mark.postgres

LOCAL_NAME = "本机离线改的名字 ①"


@pytest.fixture
def server(pg_url: str) -> Engine:
    engine = create_engine(pg_url)
    with Session(engine) as session:
        _fill(session, [None])
    return engine


def _answer(server: Engine, form: str | None) -> dict[str, Any]:
    """A page as the client reads it off the wire, written in a session whose time zone is
    not UTC (a timestamp written in the session's zone would be off by eight hours)."""
    with Session(server) as session:
        session.execute(text("SET TIME ZONE 'Asia/Shanghai'"))
        page = pulling.page(session, 0, 10_000, None, form)
        body = orjson.dumps({**page, "server_epoch": "e"})
    return pull_wire.loads(body)  # type: ignore[no-any-return]


def _held(answer: dict[str, Any]) -> dict[str, Any]:
    """The live enterprise of a today's-form page (the one whose nullable columns are NULL)."""
    return next(
        c["row"] for c in answer["changes"]
        if c["table"] == "enterprise" and c["row"]["deleted_at"] is None
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _projections(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The timelines' parents to project, noted rather than projected (the made-up rows are
    no timeline a projection can read): the two forms must name the same ones."""
    noted: list[Any] = []
    monkeypatch.setattr(replica, "_project", lambda _c, parents: noted.append(sorted(parents)))
    return noted


def _applied(desk: Desk, answer: dict[str, Any], held: dict[str, Any]) -> dict[str, Any]:
    """The page applied as the client applies it, on a database that holds ``held`` with a
    local edit of its name still waiting for the server; every synced table's rows as stored
    (the driver's values: text, integers, reals, NULLs), the search index's; rolled back."""
    enterprise = codec.table("enterprise")
    with desk.ctx.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # made-up keys
        connection.commit()
        try:
            with connection.begin() as tx:
                row = codec.decode_row(enterprise, held)
                connection.execute(insert(enterprise).values({**row, "name": LOCAL_NAME}))
                connection.execute(insert(SyncOutbox).values(
                    id=uuid.uuid4(), position=1, table_name="enterprise", row_id=row["id"],
                    kind="update", base_version=1, payload={"changes": {
                        "name": [held["name"], LOCAL_NAME]}},
                    at=datetime(2026, 3, 2, tzinfo=UTC), status="pending",
                ))  # fmt: skip
                if pull_stored.is_stored(answer):
                    page = pull_stored.adapt(answer, connection.dialect, uuid.uuid4().hex)
                    changes, made = page.changes, page.prepared
                else:
                    changes = answer["changes"]
                    made = pull_ahead.prepare(changes, connection.dialect)
                with desk.ctx.factory(bind=connection) as session:
                    session.info[capture.APPLYING] = True
                    replica.apply_pulled(session, changes, answer["last_seq"], made)
                    session.flush()
                out: dict[str, Any] = {t: connection.exec_driver_sql(
                    f'SELECT {_names(t)} FROM "{t}" ORDER BY id').all() for t in synced_tables()
                }  # fmt: skip
                out["index"] = connection.exec_driver_sql(
                    "SELECT rowid, eid, name, pinyin, initials, phone FROM enterprise_fts "
                    "ORDER BY rowid"
                ).all()
                tx.rollback()
        finally:
            connection.exec_driver_sql("PRAGMA foreign_keys = ON")
            connection.commit()
    return out


def _names(table: str) -> str:
    return ", ".join(f'"{c.name}"' for c in codec.table(table).columns)


def _typed(dump: dict[str, Any]) -> dict[str, Any]:
    """Each stored value with its type (1 and 1.0, '1' and 1 are not the same)."""
    return {t: [tuple((type(v), v) for v in r) for r in rs] for t, rs in dump.items()}


def test_the_stored_form_gives_the_database_today_s_form_gives(
    server: Engine, sqlite_desk: Desk, _projections: list[Any]
) -> None:
    old = _answer(server, None)
    new = _answer(server, pull_stored.STORED)
    assert "form" not in old and new["form"] == "stored"
    assert len(new["changes"]) == len(old["changes"]) == 3 * len(synced_tables())
    assert all(isinstance(c, list) and len(c) == 3 for c in new["changes"])
    assert new["columns"]["enterprise"] == [c.name for c in codec.table("enterprise").columns]
    held = _held(old)
    by_old = _applied(sqlite_desk, old, held)
    by_new = _applied(sqlite_desk, new, held)
    assert _typed(by_new) == _typed(by_old)
    assert len(_projections) == 2 and _projections[0] == _projections[1] != []
    # what the comparison covered: every synced table's rows, tombstones and NULLs among
    # them, Chinese text, microseconds, dates, booleans, JSON, the held row rebased
    assert all(len(by_old[t]) >= 3 for t in synced_tables())
    flat = [v for t in synced_tables() for r in by_old[t] for v in r]
    assert "2026-03-02 09:30:05.123400" in flat and "1999-12-31 15:59:59.999999" in flat
    assert "2026-03-02 09:30:00.000000" in flat and "2024-02-29" in flat
    assert any(isinstance(v, str) and "中文" in v for v in flat) and None in flat
    assert any(isinstance(v, str) and v.startswith('{"中":[1,2.5,null,true') for v in flat)
    columns = [c.name for c in codec.table("enterprise").columns]
    stored = {r[columns.index("id")]: dict(zip(columns, r, strict=True))
              for r in by_old["enterprise"]}  # fmt: skip
    assert stored[uuid.UUID(held["id"]).hex]["name"] == LOCAL_NAME  # the local edit kept
    assert sum(r["deleted_at"] is not None for r in stored.values()) == 2  # tombstones
    booleans = {
        r[k] for t in synced_tables() for k, column in enumerate(codec.table(t).columns)
        if pull_stored.kind(column) == "bool" for r in by_old[t]
    }  # fmt: skip
    assert {0, 1} <= booleans <= {0, 1, None}
    assert len(by_old["index"]) == 1  # the live one, under its local name
    assert by_old["index"][0][2] == LOCAL_NAME


def test_a_wrong_stored_value_is_caught_by_the_comparison(
    server: Engine, sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The comparison above fails when the server writes a timestamp in its session's zone."""
    real = pull_json._stored

    def zoned(tbl: Any, name: str) -> str:
        if pull_stored.kind(tbl.c[name]) == "stamp":
            return f"""to_char(t."{name}", 'YYYY-MM-DD HH24:MI:SS.US')"""
        return real(tbl, name)

    old = _answer(server, None)
    monkeypatch.setattr(pull_json, "_stored", zoned)
    new = _answer(server, pull_stored.STORED)
    held = _held(old)
    assert _typed(_applied(sqlite_desk, new, held)) != _typed(_applied(sqlite_desk, old, held))


def test_values_not_in_the_stored_form_take_today_s_path_to_the_same_rows(
    server: Engine, sqlite_desk: Desk
) -> None:
    """A column whose values are not all in the stored form (an id in capitals, a timestamp
    in another form) sends its table's rows the long way: stored as today's form stores them;
    a value neither way takes is refused and nothing of the page is written."""
    old = _answer(server, None)
    new = _answer(server, pull_stored.STORED)
    columns = new["columns"]["visit"]
    for change in new["changes"]:
        if change[1] == "visit":
            change[2][columns.index("id")] = change[2][columns.index("id")].upper()
            at = next(i for i, n in enumerate(columns) if n == "created_at")
            if change[2][at] is not None:
                change[2][at] = change[2][at].replace(" ", "T") + "+00:00"
    held = _held(old)
    assert _typed(_applied(sqlite_desk, new, held)) == _typed(_applied(sqlite_desk, old, held))
    bad = _answer(server, pull_stored.STORED)
    for change in bad["changes"]:
        if change[1] == "visit":
            change[2][columns.index("id")] = "not an id at all"
    with pytest.raises(ValueError):
        _applied(sqlite_desk, bad, held)
    with sqlite_desk.ctx.engine.connect() as c:
        assert c.execute(select(codec.table("visit").c.id)).first() is None


def test_values_of_the_wrong_widths_are_not_taken_for_the_stored_form(
    server: Engine, sqlite_desk: Desk
) -> None:
    """A column is checked value by value, not only as a whole: two ids of 31 and 33 digits,
    a timestamp with five digits of fraction beside one with a five-digit year, a short date
    beside a long one, have the right total length but are not in the stored form (found by
    review: they went to SQLite as they were, rows no read could decode).  A page holding
    misaligned ids is refused with nothing written."""
    assert not pull_stored._checked("hex", ["a" * 31, "b" * 33])
    assert not pull_stored._checked(
        "stamp", ["2026-03-02 09:30:05.12345", "72026-03-02 09:30:05.123456"]
    )
    assert not pull_stored._checked("date", ["2026-03-0", "92026-03-02"])
    assert pull_stored._checked("hex", ["a" * 32, "b" * 32])
    old = _answer(server, None)
    bad = _answer(server, pull_stored.STORED)
    columns = bad["columns"]["audit_entry"]
    ids = [c[2] for c in bad["changes"] if c[1] == "audit_entry"]
    assert len(ids) >= 2
    ids[0][columns.index("id")] = ids[0][columns.index("id")][:31]
    ids[1][columns.index("id")] = ids[1][columns.index("id")] + "0"
    with sqlite_desk.ctx.engine.connect() as c:
        before = set(c.execute(select(codec.table("audit_entry").c.id)).scalars())
    with pytest.raises(ValueError):
        _applied(sqlite_desk, bad, _held(old))
    with sqlite_desk.ctx.engine.connect() as c:
        assert set(c.execute(select(codec.table("audit_entry").c.id)).scalars()) == before


def test_without_the_parameter_the_server_answers_today_s_page(server: Engine) -> None:
    with Session(server) as session:
        today = orjson.loads(orjson.dumps(pulling.page(session, 0, 10_000, None)))
        other = orjson.loads(orjson.dumps(pulling.page(session, 0, 10_000, None, "rows")))
        python = orjson.loads(orjson.dumps(pulling.pull(session, 0, 10_000, None)))
        stored = orjson.loads(orjson.dumps(pulling.page(session, 0, 10_000, None, "stored")))
        empty = orjson.loads(orjson.dumps(pulling.page(session, 10**9, 10, None, "stored")))
    assert today == other == python
    assert set(today) == {"changes", "last_seq", "more"}
    assert all(set(c) == {"seq", "table", "id", "row"} for c in today["changes"])
    assert stored["last_seq"] == today["last_seq"] and stored["more"] == today["more"]
    assert [c[:2] for c in stored["changes"]] == [[c["seq"], c["table"]] for c in today["changes"]]
    assert empty == {"changes": [], "last_seq": 10**9, "more": False, "form": "stored",
                     "columns": {}}  # fmt: skip


def test_a_laptop_pulls_the_stored_form_and_an_older_server_s_page_alike(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the projections run (autouse fixture)
    """Over HTTP: the laptop asks for the stored form and gets it; from a server that ignores
    the parameter (an older one) it applies today's page; both laptops end with the same rows
    and find the enterprise by the search box."""
    a, b, c = rig.laptop("a"), rig.laptop("b"), rig.laptop("c")
    for laptop in (a, b, c):
        laptop.sync.sync_once()
    made = a.desk.enterprises.create(
        a.user(),
        EnterpriseDraft(name="崧厦某某伞业有限公司", uscc=USCC, contact_phone="0575-82181234"),
    )
    a.sync.sync_once()
    adapted: list[int] = []
    real_adapt = pull_stored.adapt

    def counting(answer: Any, dialect: Any, mine: str) -> Any:
        adapted.append(len(answer["changes"]))
        return real_adapt(answer, dialect, mine)

    monkeypatch.setattr(pull_stored, "adapt", counting)
    assert b.sync.sync_once().pulled >= 1
    assert adapted and sum(adapted) >= 1  # the stored form came
    adapted.clear()
    real_page = pulling.page
    monkeypatch.setattr(pulling, "page", lambda s, after, limit, centre, form=None: real_page(
        s, after, limit, centre))  # fmt: skip
    assert c.sync.sync_once().pulled >= 1
    assert adapted == []  # today's form came, and was applied
    for table in synced_tables():  # the server's rows (each laptop has its own audit too)
        theirs = rows(rig.server_desk, table)
        on_b, on_c = rows(b.desk, table), rows(c.desk, table)
        assert {i: on_b[i] for i in theirs} == {i: on_c[i] for i in theirs} == theirs, table
    for laptop in (b, c):
        assert made.id in {v.id for v in laptop.desk.enterprises.search(laptop.user(), "伞业")}
