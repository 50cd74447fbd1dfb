"""Pulled rows written from their wire form (sync/pull_bulk.py) are stored exactly as SQLAlchemy
stores the decoded rows, for every column type of every synced table, and pulled enterprises
are found by the search box."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from sqlalchemy import insert

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.persistence import search_index
from compliance_desk.sync import (
    codec,
    protocol,
    pull_ahead,
    pull_bulk,
    pull_wire,
    replica,
    wal_checkpoint,
)
from compliance_desk.sync.policy import policy, synced_tables
from tests.sql_plans import full_scans, recorded
from tests.sync_support import Laptop, Rig
from tests.test_sync import USCC
from tests.test_sync_pull_page import _value


def _rows(table: str, counter: itertools.count[int]) -> list[dict[str, Any]]:
    tbl = codec.table(table)
    out = []
    for k in range(4):
        row = {c.name: _value(c, next(counter)) for c in tbl.columns}
        if k == 0:
            row.update({c.name: None for c in tbl.columns if c.nullable and not c.primary_key})
        out.append(row)
    return out


def _odd(wire: dict[str, Any]) -> dict[str, Any]:
    """The same values in forms the server does not write (they take the long way)."""
    out = {}
    for name, value in wire.items():
        if isinstance(value, str) and value.endswith("+00:00") and value[10:11] == "T":
            value = value.replace("+00:00", "Z") if "." in value else value[:-6]  # naive: UTC
        elif isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
            try:
                value = str(uuid.UUID(value)).upper()
            except ValueError:
                pass
        out[name] = value
    return out


def test_wire_values_reach_the_driver_as_sqlalchemy_would_bind_the_decoded_row(
    sqlite_desk: Desk,
) -> None:
    counter = itertools.count()
    with sqlite_desk.ctx.engine.connect() as connection:
        dialect = connection.dialect
        for table in synced_tables():
            tbl = codec.table(table)
            for row in _rows(table, counter):
                wire = codec.encode_row(tbl, row)
                decoded = codec.decode_row(tbl, wire)
                expected = []
                for c in tbl.columns:
                    process = c.type.dialect_impl(dialect).bind_processor(dialect)
                    value = decoded[c.name]
                    expected.append(value if process is None else process(value))
                assert pull_bulk.stored_form(connection, tbl, wire) == tuple(expected), table
                assert pull_bulk.stored_form(connection, tbl, _odd(wire)) == tuple(expected)


def _expected_forms(dialect: Any, tbl: Any, wires: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """What SQLAlchemy's bind processors make of the decoded rows."""
    out = []
    for wire in wires:
        decoded = codec.decode_row(tbl, wire)
        values = []
        for c in tbl.columns:
            process = c.type.dialect_impl(dialect).bind_processor(dialect)
            values.append(decoded[c.name] if process is None else process(decoded[c.name]))
        out.append(tuple(values))
    return out


def test_a_page_of_rows_converted_a_column_at_a_time_gets_the_values_sqlalchemy_would_bind(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Columns whose values are all in the server's form are converted whole (the joined values
    checked by strided slices, then a replace and a split); a page whose columns mix forms,
    hold a None or a value with a line break, value by value; both give SQLAlchemy's values,
    row for row."""
    monkeypatch.setattr(pull_bulk, "SLICE", 4)  # a page's rows converted a few at a time
    whole: list[bool] = []
    for name in ("_whole_uuids", "_whole_timestamps"):
        real = getattr(pull_bulk, name)
        monkeypatch.setattr(pull_bulk, name, lambda values, real=real: whole.append(
            real(values) is not None) or real(values))  # fmt: skip
    counter = itertools.count()
    with sqlite_desk.ctx.engine.connect() as connection:
        dialect = connection.dialect
        for table in synced_tables():
            tbl = codec.table(table)
            rows = [{c.name: _value(c, next(counter)) for c in tbl.columns} for _ in range(9)]
            for row in rows:  # every timestamp in the server's long form (a fraction)
                for c in tbl.columns:
                    if hasattr(row[c.name], "tzinfo"):
                        row[c.name] = row[c.name].replace(microsecond=424242)
            server = [codec.encode_row(tbl, r) for r in rows]
            mixed = [*server, _odd(server[0]), codec.encode_row(tbl, _rows(table, counter)[0])]
            for wires in (server, mixed, server[:1], []):
                assert pull_bulk.forms_for(dialect, tbl, wires) == _expected_forms(
                    dialect, tbl, wires
                ), table
        audit = codec.table("audit_entry")
        rows = [{c.name: _value(c, n) for c in audit.columns} for n in range(4)]
        rows[1]["changes"] = {"n": 2**70, "中": ["文"]}  # refused by orjson: json.dumps writes it
        wires = [codec.encode_row(audit, r) for r in rows]
        assert pull_bulk.forms_for(dialect, audit, wires) == _expected_forms(dialect, audit, wires)
    assert True in whole and False in whole  # both ways were taken
    ids = [str(uuid.uuid4()) for _ in range(5)]
    assert pull_bulk.hex_ids(ids) == [uuid.UUID(i).hex for i in ids]
    odd = [*ids, ids[0].upper(), "\n".join(ids[:2])]  # the last: not one id (refused)
    with pytest.raises(ValueError):
        pull_bulk.hex_ids(odd)
    assert pull_bulk.hex_ids(odd[:-1]) == [uuid.UUID(i).hex for i in odd[:-1]]
    assert pull_bulk._uuids(["\n".join(ids[:2])] * 2, lambda v: "slow") == ["slow", "slow"]


def test_rows_inserted_raw_are_stored_as_the_rows_inserted_by_sqlalchemy(sqlite_desk: Desk) -> None:
    counter = itertools.count()
    made = {table: _rows(table, counter) for table in synced_tables()}

    def snapshot(connection: Any) -> dict[str, list[tuple[Any, ...]]]:
        return {table: [stored_row(connection, table, r["id"].hex) for r in rows]
                for table, rows in made.items()}  # fmt: skip

    with sqlite_desk.ctx.engine.connect() as connection, connection.begin() as tx:
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        raw = pull_bulk.RawInserts(connection)
        for table, rows in made.items():
            tbl = codec.table(table)
            for row in rows:
                assert raw.add(tbl, codec.encode_row(tbl, row))
        lacking = codec.encode_row(codec.table("visit"), made["visit"][1])
        del lacking["channel"]
        assert not raw.add(codec.table("visit"), lacking)  # a column missing: the long way
        raw.flush()
        by_raw = snapshot(connection)
        live = [r for r in made["enterprise"] if r["deleted_at"] is None]
        assert live
        for r in live:  # the search box finds the pulled enterprises
            hits = search_index.search(connection, r["name"][:8], 50)
            assert r["id"] in {h.id for h in hits}
        tx.rollback()
    with sqlite_desk.ctx.engine.connect() as connection, connection.begin() as tx:
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        for table, rows in made.items():
            tbl = codec.table(table)
            decoded = [codec.decode_row(tbl, codec.encode_row(tbl, r)) for r in rows]
            connection.execute(insert(tbl), decoded)
        assert snapshot(connection) == by_raw
        tx.rollback()


def test_a_tables_new_rows_are_written_in_the_order_of_their_ids(sqlite_desk: Desk) -> None:
    """Each lands beside the one before in the primary key's index (ids are random): a page
    into a large table is written sooner (pull_bulk._by_id).  (The rows' values: the test
    above, whose rows go the same way.)"""
    counter = itertools.count()
    tbl = codec.table("audit_entry")
    rows = []
    for _ in range(40):
        row = _rows("audit_entry", counter)[1]
        row["id"] = uuid.uuid4()
        rows.append(row)
    with sqlite_desk.ctx.engine.connect() as connection, connection.begin() as tx:
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
        raw = pull_bulk.RawInserts(connection)
        for row in rows:
            assert raw.add(tbl, codec.encode_row(tbl, row))
        raw.flush()
        ours = {r["id"].hex for r in rows}
        written = [i for (i,) in connection.exec_driver_sql("SELECT id FROM audit_entry ORDER BY rowid")
                   if i in ours]  # fmt: skip
        assert written == sorted(ours)
        tx.rollback()


def stored_row(connection: Any, table: str, hex_id: str) -> tuple[Any, ...]:
    """The values as SQLite holds them (no SQLAlchemy type between), in the metadata's order."""
    names = ", ".join(f'"{c.name}"' for c in codec.table(table).columns)
    query = f'SELECT {names} FROM "{table}" WHERE id = ?'
    return tuple(connection.exec_driver_sql(query, (hex_id,)).one())


@pytest.mark.postgres
def test_enterprises_pulled_are_found_at_once_by_every_kind_of_search(rig: Rig) -> None:
    """The search box on the laptop that pulled: a character, two, the pinyin, the initials,
    a credit-code prefix and the phone digits all find an enterprise another laptop made."""
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    made = a.desk.enterprises.create(
        a.user(),
        EnterpriseDraft(name="崧厦某某伞业有限公司", uscc=USCC, contact_phone="0575-82181234"),
    )
    a.sync.sync_once()
    queries = ["伞", "伞业", "songxia", "sxmm", USCC[:8], "82181234"]
    assert all(made.id not in found(b, q) for q in queries)  # not here before the pull
    assert b.sync.sync_once().pulled >= 1
    for q in queries:
        assert made.id in found(b, q), q


def found(laptop: Laptop, query: str) -> set[uuid.UUID]:
    return {v.id for v in laptop.desk.enterprises.search(laptop.user(), query)}


def test_a_pull_that_fails_midway_keeps_nothing_of_its_page_and_checkpoints_as_before(
    sqlite_desk: Desk,
) -> None:
    """The pull's connection has automatic checkpoints off only while it pulls: a failure in
    a page rolls the page back and gives the connection back with the setting it had (else
    every later commit on it would let the write-ahead log grow without end)."""
    engine = sqlite_desk.ctx.engine
    engine.dispose()  # one connection in the pool: the one the pull used comes back next
    with pytest.raises(RuntimeError), replica.pulling(engine) as connection:
        assert connection is not None
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
        with sqlite_desk.ctx.factory(bind=connection) as session:
            replica.set_setting(session, replica.CURSOR, "12345")
            session.flush()
            raise RuntimeError("the server went away")
    wal_checkpoint.wait(engine)  # the pull's checkpoint has given the connection back
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000
    with sqlite_desk.ctx.factory() as session:
        assert replica.get_setting(session, replica.CURSOR) != "12345"


def test_a_pull_whose_rollback_fails_does_not_give_its_connection_back_with_checkpoints_off(
    sqlite_desk: Desk,
) -> None:
    engine = sqlite_desk.ctx.engine
    engine.dispose()
    used = []
    with pytest.raises(RuntimeError, match="disk gone"), replica.pulling(engine) as connection:
        assert connection is not None
        used.append(connection.connection.dbapi_connection)

        def fails() -> None:
            raise RuntimeError("disk gone")

        connection.rollback = fails  # type: ignore[method-assign]
        raise ValueError("the server went away")
    wal_checkpoint.wait(engine)
    with engine.connect() as connection:
        assert connection.connection.dbapi_connection is not used[0]
        assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 1000


def test_a_page_made_ahead_is_applied_exactly_as_the_page_converted_in_place(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read-ahead thread's work (sync/pull_ahead.py: driver values, index rows) gives the
    same database as the apply's own conversion, a local table's change among the page's (it
    is dropped, and what was made for the others stays with its own row); and with it the
    apply converts nothing itself."""
    counter = itertools.count()
    # not the timelines' steps nor their parents (whose projection would read the made-up rows)
    tables = [t for t in synced_tables()
              if policy(t).command is None and t not in replica._PARENT_OF]  # fmt: skip
    made = {table: _rows(table, counter) for table in tables}
    changes: list[dict[str, Any]] = []
    for k in range(4):
        for table in tables:
            row = made[table][k]
            changes.append({"table": table, "id": str(row["id"]),
                            "row": codec.encode_row(codec.table(table), row)})  # fmt: skip
        if k == 1:
            # keyed by its name, not a UUID: left aside, it must not stop the page
            changes.append({"table": "local_setting", "id": "x",
                            "row": {"key": "x", "value": "y"}})  # fmt: skip
    converted: list[int] = []
    real = pull_bulk.stored_forms

    def counting(connection: Any, tbl: Any, wires: list[dict[str, Any]]) -> Any:
        converted.append(len(wires))
        return real(connection, tbl, wires)

    monkeypatch.setattr(pull_bulk, "stored_forms", counting)
    whole: list[bool] = []  # whether the page went in a table at a time (replica._all_new)
    real_all_new = replica._all_new
    monkeypatch.setattr(replica, "_all_new", lambda *a: whole.append(real_all_new(*a)) or whole[-1])

    def applied(ahead: bool) -> Any:
        with sqlite_desk.ctx.engine.connect() as connection:
            # made-up keys: no parents (the rows are compared, then rolled back)
            connection.exec_driver_sql("PRAGMA foreign_keys = OFF")
            connection.commit()
            try:
                return _applied_on(connection, ahead)
            finally:
                connection.exec_driver_sql("PRAGMA foreign_keys = ON")
                connection.commit()

    def _applied_on(connection: Any, ahead: bool) -> Any:
        with connection.begin() as tx:
            prepared = pull_ahead.prepare(changes, connection.dialect) if ahead else None
            with sqlite_desk.ctx.factory(bind=connection) as session:
                assert replica.apply_pulled(session, changes, 9, prepared) == len(changes) - 1
                session.flush()
            rows = {
                t: [stored_row(connection, t, r["id"].hex) for r in rs] for t, rs in made.items()
            }
            index = connection.exec_driver_sql(
                "SELECT rowid, eid, name, pinyin, initials, phone FROM enterprise_fts ORDER BY 1"
            ).all()
            grams = {r["name"]: set(search_index.search_ids(connection, r["name"][:1].lower(), 999))
                     for r in made["enterprise"]}  # fmt: skip
            tx.rollback()
        return rows, index, grams

    by_apply = applied(False)
    assert sum(converted) >= len(changes) - 1
    converted.clear()
    assert applied(True) == by_apply
    assert sum(converted) == 0  # every row's values came from the read-ahead
    assert whole == [False, True]  # row by row without them, a table at a time with them
    assert by_apply[1]  # live enterprises were indexed


def test_a_page_applied_is_let_go_of_whole_and_what_is_kept_elsewhere_lives_on() -> None:
    """The pull empties each applied page (in slices, so that the window's thread gets turns
    while a page of objects is freed: bench/sync_bench.py --stall-only)."""
    changes: list[Any] = [{"table": "visit", "id": str(uuid.uuid4()), "row": {"n": n}}
                          for n in range(2 * pull_ahead.RELEASE + 7)]  # fmt: skip
    kept = changes[3]
    made = pull_ahead.Prepared([(n,) for n in range(len(changes))], [None] * len(changes),
                               [c["id"] for c in changes])  # fmt: skip
    pull_ahead.release(changes, made)
    assert changes == [] and made.forms == [] and made.docs == [] and made.keys == []
    assert kept["row"] == {"n": 3}


def test_a_pulled_page_holds_the_write_lock_from_its_first_look_up(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An edit saved while a page is being applied waits for the page (it was written over by
    the server's row when it landed between the page's look-ups and its first write)."""
    import sqlite3

    path = sqlite_desk.ctx.engine.url.database
    attempts: list[str] = []
    real_present = replica._present

    def edit_meanwhile(*args: Any) -> Any:
        other = sqlite3.connect(str(path), timeout=0)
        try:
            other.execute("UPDATE local_setting SET value = value WHERE key = 'nothing'")
            other.commit()
            attempts.append("written")
        except sqlite3.OperationalError as exc:
            attempts.append(str(exc))
        finally:
            other.close()
        return real_present(*args)

    monkeypatch.setattr(replica, "_present", edit_meanwhile)
    row = _rows("visit", itertools.count())[0]
    changes = [{"table": "visit", "id": str(row["id"]),
                "row": codec.encode_row(codec.table("visit"), row)}]  # fmt: skip
    with sqlite_desk.ctx.engine.connect() as connection:
        with sqlite_desk.ctx.factory(bind=connection) as session:
            replica.apply_pulled(session, changes, 9)
            session.rollback()
    assert attempts == ["database is locked"]


def test_a_pull_in_pages_asks_for_each_page_once_the_page_after_next_from_the_tail(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page after the one being read is asked for as soon as the one before it arrived
    (its cursor read from the page's tail: pull_wire.ahead); every page is asked for once, the
    replica ends with the server's rows, and a page that is not in lines (an older server's)
    or says nothing follows tells no cursor."""
    from tests.sync_support import rows
    from tests.test_sync import create
    from tests.test_sync_bulk import visits

    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    visits(a, create(a).id, 40)
    a.sync.sync_once()
    monkeypatch.setattr(protocol, "PULL_PAGE", 9)
    monkeypatch.setattr(protocol, "FIRST_PULL_PAGE", 4)
    told: list[int | None] = []
    real = pull_wire.ahead
    monkeypatch.setattr(pull_wire, "ahead", lambda content: told.append(real(content)) or told[-1])
    b.wire.paths.clear()
    report = b.sync.sync_once(push=False)
    assert report.pulled >= 80  # the visits and their audit entries, and the enterprise's
    pulls = b.wire.paths.count("/v1/pull")
    assert pulls == len(told) >= 9  # every page asked for once
    assert all(isinstance(t, int) for t in told[:-1]) and told[-1] is None  # the last: no more
    assert told[:-1] == sorted(told[:-1])
    for table in ("visit", "audit_entry", "enterprise"):  # the server's rows, here as there
        here, there = rows(b.desk, table), rows(rig.server_desk, table)
        assert {k: here.get(k) for k in there} == there, table
    one_line = orjson.dumps({"changes": [{"seq": 1}], "last_seq": 5, "more": True})
    assert real(one_line) is None and pull_wire.loads(one_line)["last_seq"] == 5
    lines = b'{"changes":[\n{"seq":1},\n{"seq":2}\n],"last_seq":7,"more":true,"server_epoch":"e"}'
    assert real(lines) == 7 and real(lines.replace(b"true", b"false")) is None
    assert real(lines[:-5]) is None  # cut short: read whole, as before


def test_ids_with_a_line_break_inside_are_not_split_into_more_ids() -> None:
    """The whole-column conversion joins a page's ids with line breaks: an id holding one
    (no server writes such a thing) takes the per-id way, which refuses it, rather than
    giving more ids than rows."""
    from compliance_desk.sync import pull_bulk

    u = str(uuid.uuid4())
    with pytest.raises(ValueError):
        pull_bulk.hex_ids([u[:10] + "\n" + u[11:], u])
    v = str(uuid.uuid4())
    assert pull_bulk.hex_ids([u, v]) == [uuid.UUID(u).hex, uuid.UUID(v).hex]


def test_a_pulled_enterprise_is_the_twin_of_a_live_one_only_found_by_the_live_key_index(
    sqlite_desk: Desk,
) -> None:
    """An enterprise pulled with the credit code of one deleted here is no twin of it (only a
    live twin is set aside, and the code is unique among live rows only): it lands live and
    the deleted one stays as it was.  The look-up is answered by the live codes' index (it was
    a scan of the whole table for every 500 enterprises pulled: slow on a laptop that holds
    many)."""
    tbl = codec.table("enterprise")
    counter = itertools.count()
    gone_at = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)

    def enterprise(uscc: str, deleted: bool) -> dict[str, Any]:
        row = _rows("enterprise", counter)[1]
        row.update(id=uuid.uuid4(), uscc=uscc, industry_id=None, centre_id=None, chamber_id=None,
                   deleted_at=gone_at if deleted else None, deleted_by=None)  # fmt: skip
        return row

    live, deleted = enterprise("91330604MA2BDLIVE1", False), enterprise("91330604MA2BDGONE2", True)
    pulled = [enterprise(live["uscc"], False), enterprise(deleted["uscc"], False),
              enterprise("91330604MA2BDNEW03", False)]  # fmt: skip
    changes = [{"table": "enterprise", "id": str(r["id"]), "row": codec.encode_row(tbl, r)}
               for r in pulled]  # fmt: skip
    keys = [r["id"].hex for r in pulled]
    engine = sqlite_desk.ctx.engine
    with engine.connect() as connection:
        connection.execute(insert(tbl), [live, deleted])
        search_index.update(connection, [replica._index_doc(live)], fresh=True)
        its_name = live["name_pinyin"][:9].lower()
        assert search_index.search_ids(connection, its_name, 5) == [live["id"]]
        made = pull_ahead.Prepared([None] * 3, [None] * 3)
        twins = replica._twinned(connection, changes, keys, {"enterprise": [0, 1, 2]}, made)
        assert twins == {keys[0]}
        with sqlite_desk.ctx.factory(bind=connection) as session, recorded(engine) as pulling:
            replica.apply_pulled(session, changes, 7)
            session.flush()
        # the look-up of twins, and the twin set aside with its search entry: by the index
        assert any("uscc IN" in s for s, _p in pulling)
        assert full_scans(engine, pulling, {"enterprise"}) == []
        with sqlite_desk.ctx.factory(bind=connection) as session:
            now = {i: d for i, d in connection.exec_driver_sql(
                "SELECT id, deleted_at IS NOT NULL FROM enterprise")}  # fmt: skip
            assert now[live["id"].hex] == 1  # set aside for its pulled twin
            assert now[deleted["id"].hex] == 1  # as it was
            assert [now[k] for k in keys] == [0, 0, 0]
            before = stored_row(connection, "enterprise", deleted["id"].hex)
            assert before == tuple(
                pull_bulk.stored_form(connection, tbl, codec.encode_row(tbl, deleted))
            )
            assert search_index.search_ids(connection, its_name, 5) == []  # found no more
            session.rollback()
