"""The sync's bulk paths (issue 6, speed): a page of plain inserts costs a few statements, not a
few per operation, and answers exactly as one by one would; a sync with nothing to do writes
nothing and costs the same however much the server holds."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine, delete, event, func, insert, select
from stdnum.cn import uscc

from compliance_desk.domain.ids import new_id
from compliance_desk.persistence.models import Visit
from compliance_desk.persistence.sync_models import SyncChange, SyncOperation
from compliance_desk.server import push as pushing
from compliance_desk.sync import merge, protocol, replica
from tests.sync_support import Laptop, Rig
from tests.test_sync import create

pytestmark = pytest.mark.postgres


class Statements:
    """The SQL statements an engine runs while counting."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.seen: list[str] = []

    def _note(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.seen.append(statement)

    def __enter__(self) -> Statements:
        event.listen(self.engine, "before_cursor_execute", self._note)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._note)

    def writes(self) -> list[str]:
        return [s for s in self.seen if s.lstrip().split()[0].upper() in ("INSERT", "UPDATE",
                                                                           "DELETE")]  # fmt: skip


def visits(laptop: Laptop, enterprise_id: uuid.UUID, count: int) -> None:
    """``count`` visits in one bulk statement: ``count`` visit and ``count`` audit operations."""
    now = laptop.desk.ctx.clock()
    with laptop.desk.ctx.uow(laptop.user()) as uow:
        uow.session.execute(
            insert(Visit),
            [
                {"enterprise_id": enterprise_id, "visited_at": now - timedelta(minutes=n),
                 "visitor_name": f"来访人{n}", "channel": "walk_in", "subject_area": "other"}
                for n in range(count)
            ],
        )  # fmt: skip
        uow.commit()


def _waiting(laptop: Laptop) -> list[dict[str, Any]]:
    with laptop.desk.ctx.factory() as s:
        return [replica.wire(o) for o in replica.waiting(s, 500)]


def _visits_waiting(rig: Rig, count: int) -> tuple[Laptop, Any, list[dict[str, Any]]]:
    """Laptop a with an enterprise the server has and ``count`` visits to it waiting (with
    their audit entries): the laptop, the enterprise, the waiting operations' wire forms."""
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    a.sync.sync_once()
    visits(a, e.id, count)
    return a, e, _waiting(a)


def test_a_page_of_plain_inserts_is_applied_in_bulk_with_the_answers_of_one_by_one(
    rig: Rig,
) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    a.sync.sync_once()  # the enterprise is on the server
    factory = rig.server_desk.ctx.factory
    visits(a, e.id, 30)
    page = _waiting(a)
    assert len(page) == 60  # 30 visits and their 30 audit entries
    with factory() as s:
        before = int(s.scalar(select(func.max(SyncChange.seq))) or 0)
    with Statements(rig.server_desk.ctx.engine) as counted:
        results = pushing.push(factory, a.desk.ctx.device_id, page, rig.clock())
    assert [r["status"] for r in results] == ["applied"] * 60
    assert [r["op_id"] for r in results] == [op["id"] for op in page]
    assert len(counted.seen) < 20  # one by one: six or more statements per operation
    with factory() as s:
        logged = list(s.scalars(select(SyncChange.row_id).where(SyncChange.seq > before)))
    assert sorted(logged) == sorted(uuid.UUID(op["row_id"]) for op in page)  # for the pull
    # A replay (the acknowledgement was lost) gets the same answers and changes nothing; one
    # operation replayed with another payload is refused.
    row = {**page[3]["payload"]["row"], "visitor_name": "别人"}
    changed = {**page[3], "payload": {"row": row}}
    again = pushing.push(factory, a.desk.ctx.device_id, [*page[:3], changed, *page[4:]],
                         rig.clock())  # fmt: skip
    assert again[3]["status"] == "refused"
    assert again[:3] + again[4:] == results[:3] + results[4:]
    # Applied in bulk, an operation's result is stored as NULL ("applied"): its answer, and
    # a replay's by either path (three operations go one by one), are the full result the
    # older server stored and answered.
    with factory() as s:
        stored = s.execute(
            select(SyncOperation.result).where(SyncOperation.op_id == uuid.UUID(page[0]["id"]))
        ).one()
    assert stored.result is None
    assert results == [merge.Outcome("applied").as_result(uuid.UUID(op["id"])) for op in page]
    alone = pushing.push(factory, a.desk.ctx.device_id, page[:3], rig.clock())
    assert alone == results[:3]
    assert pushing.push(factory, a.desk.ctx.device_id, page, rig.clock()) == results
    with factory() as s:
        assert int(s.scalar(select(func.max(SyncChange.seq))) or 0) == before + 60
        assert s.scalar(select(func.count()).select_from(Visit)) == 30
    # A visit to an enterprise the server does not have, in the middle of the next page: it
    # alone is rejected (with its reason stored for a replay); the others are applied.
    visits(a, e.id, 30)
    page = _waiting(a)[60:]
    orphan = {**page[10], "id": str(new_id()), "row_id": str(new_id())}
    orphan["payload"] = {"row": {**page[10]["payload"]["row"], "id": orphan["row_id"],
                                 "enterprise_id": str(new_id())}}  # fmt: skip
    page = [*page[:10], orphan, *page[10:]]
    results = pushing.push(factory, a.desk.ctx.device_id, page, rig.clock())
    statuses = [r["status"] for r in results]
    assert statuses[10] == "rejected" and statuses.count("applied") == 60
    with factory() as s:
        stored = s.scalar(
            select(SyncOperation.result).where(SyncOperation.op_id == uuid.UUID(orphan["id"]))
        )
        assert stored is not None and stored["status"] == "rejected"
        assert s.scalar(select(func.count()).select_from(Visit)) == 60


def test_a_duplicate_credit_code_in_a_page_still_becomes_a_merge_task(rig: Rig) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    create(a)
    a.sync.sync_once()
    twin = create(b)  # the same credit code, registered offline on another laptop
    visits(b, twin.id, 10)
    waiting = len(_waiting(b))
    report = b.sync.sync_once()
    assert report.conflicts == 1 and report.applied == waiting - 1  # the visits are kept
    b.sync.sync_once()
    assert b.enterprises()[twin.id]["deleted_at"] is not None  # set aside, not lost


def test_a_sync_with_nothing_to_do_writes_nothing_here_and_costs_the_same_however_large(
    rig: Rig,
) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()

    def idle() -> tuple[int, int, int]:
        with Statements(b.desk.ctx.engine) as here, Statements(rig.server_desk.ctx.engine) as there:
            report = b.sync.sync_once()
        assert report.pushed == 0 and report.pulled == 0
        return len(here.seen), len(here.writes()), len(there.seen)

    small = idle()
    e = create(a)
    visits(a, e.id, 200)
    a.sync.sync_once()
    b.sync.sync_once()  # b has all of it now
    large = idle()
    assert small[1] == 0 and large[1] == 0  # no local write for nothing
    assert large == small  # the same statements whatever the size


def test_a_pull_with_nothing_new_starts_no_checkpoint_thread(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A pull that wrote nothing left nothing in the log: no thread copies it back
    (sync/wal_checkpoint.py); one that brought rows starts one.  (The server here says when
    nothing waits, and the pull is then not even asked for: told nothing, it is.)"""
    from compliance_desk.sync import replica, wal_checkpoint

    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    b.wire.hide = {"pull_pending"}  # as an older server: every sync pulls
    pulls: list[object] = []
    real_pulling = replica.pulling
    monkeypatch.setattr(replica, "pulling", lambda e: pulls.append(e) or real_pulling(e))
    checkpoints: list[object] = []
    real = wal_checkpoint.start
    monkeypatch.setattr(wal_checkpoint, "start", lambda e: checkpoints.append(e) or real(e))
    assert b.sync.sync_once().pulled == 0
    assert pulls == [b.desk.ctx.engine] and checkpoints == []
    e = create(a)
    visits(a, e.id, 20)
    a.sync.sync_once()
    checkpoints.clear()
    assert b.sync.sync_once().pulled > 0
    assert checkpoints == [b.desk.ctx.engine]


def test_an_idle_sync_is_one_request_and_an_older_server_is_still_pulled_from_in_its_pages(
    rig: Rig,
) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    b.wire.paths.clear()
    assert b.sync.sync_once().pulled == 0
    assert b.wire.paths == ["/v1/handshake"]  # the handshake said there was nothing to pull
    e = create(a)
    visits(a, e.id, 300)
    waiting = a.sync.status().waiting
    assert 500 < waiting <= 1000  # two pages of an older server's 500
    a.wire.old_server = True
    a.wire.paths.clear()
    assert a.sync.sync_once().applied == waiting
    assert a.wire.paths.count("/v1/push") == 2
    b.wire.old_server = True  # it does not say whether there is anything: b asks
    b.wire.paths.clear()
    report = b.sync.sync_once()
    assert report.pulled >= 601 and b.wire.paths.count("/v1/pull") == 2
    assert set(b.enterprises()) == set(a.enterprises())
    b.wire.old_server = False
    b.wire.paths.clear()
    b.sync.sync_once()
    assert b.wire.paths == ["/v1/handshake"]
    # A newer server takes pages of PUSH_PAGE: the 601 would have been one request.
    visits(a, e.id, 300)
    a.wire.old_server = False
    a.wire.paths.clear()
    assert a.sync.sync_once().applied == 600 and a.wire.paths.count("/v1/push") == 1


def test_a_page_read_for_sending_is_the_operations_wire_form_and_their_fingerprints(
    rig: Rig,
) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    visits(a, e.id, 5)
    with a.desk.ctx.factory() as s:
        sent = orjson.loads(orjson.dumps(replica.waiting_wire(s, 500)))
        expected = json.loads(json.dumps([replica.wire(o) for o in replica.waiting(s, 500)]))
    assert len(sent) == 12 and sent == expected  # the enterprise, 5 visits, their audit entries
    assert [protocol.fingerprint(o) for o in sent] == [protocol.fingerprint(o) for o in expected]


def test_rows_the_server_already_holds_are_not_taken_for_their_own_twins(rig: Rig) -> None:
    """As after a restore from a backup that kept the rows but not the operations' records:
    the page is applied in bulk (a few statements), with no merge task."""
    a = rig.laptop("a")
    a.sync.sync_once()
    for n in range(10):
        base = f"9133060400{n:07d}"
        create(a, name=f"崧厦第{n}伞业有限公司", uscc=base + uscc.calc_check_digit(base))
    page = _waiting(a)
    assert len(page) == 20 and all(op["kind"] == "insert" for op in page)
    factory = rig.server_desk.ctx.factory
    first = pushing.push(factory, a.desk.ctx.device_id, page, rig.clock())
    assert [r["status"] for r in first] == ["applied"] * 20
    with factory() as s:
        s.execute(delete(SyncOperation).where(SyncOperation.device_id == a.desk.ctx.device_id))
        s.commit()
    with Statements(rig.server_desk.ctx.engine) as counted:
        again = pushing.push(factory, a.desk.ctx.device_id, page, rig.clock())
    assert again == first
    assert len(counted.seen) < 20  # one by one: six or more statements per operation
    live = [e for e in rig.server_enterprises().values() if e["deleted_at"] is None]
    assert len([e for e in live if e["name"].startswith("崧厦第")]) == 10


def test_the_bulk_copy_of_text_values_stores_what_one_by_one_stores(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk path COPYs timestamps, dates and JSON as text (server/bulk.py): the rows stored
    and the answers are those of the one-by-one path for the same page, whatever the form of a
    timestamp (an offset, Z, none) and whatever the JSON holds (floats, escapes, unicode)."""
    from compliance_desk.server import bulk
    from tests.sync_support import rows

    a, e, page = _visits_waiting(rig, 12)
    assert len(page) == 24
    visits_ = [op for op in page if op["table"] == "visit"]
    audits = [op for op in page if op["table"] == "audit_entry"]
    for op, at in zip(visits_, ["2026-03-05T18:00:00+08:00", "2026-03-05T10:00:00",
                                "2026-03-05T10:00:00Z", "2026-03-05T10:00:00.5+00:00"],
                      strict=False):  # fmt: skip
        op["payload"]["row"]["visited_at"] = at
    audits[0]["payload"]["row"]["changes"] = {"x": [1.5, 2e20], "y": [None, 0.1]}
    audits[1]["payload"]["row"]["changes"] = {"t": ['a"b\\c\n\t', "三\u2028\u0001"], "n": [2**40]}
    audits[2]["payload"]["row"]["changes"] = {}
    audits[3]["payload"]["row"]["changes"] = {"deep": [[{"k": [True, False, None, "é"]}]]}

    def renamed(ops: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
        """The same page under new ids (operations and rows): it can be pushed again."""
        names = {i: str(new_id()) for op in ops for i in (op["id"], op["row_id"])}
        text = orjson.dumps(ops).decode()
        for old, new in names.items():
            text = text.replace(old, new)
        return orjson.loads(text), {new: old for old, new in names.items()}

    engine = rig.server_desk.ctx.engine
    with engine.begin() as c:  # not UTC: a timestamp read without its offset would show
        c.exec_driver_sql(
            f"ALTER DATABASE \"{engine.url.database}\" SET timezone TO 'Asia/Shanghai'"
        )
    engine.dispose()
    factory = rig.server_desk.ctx.factory
    device = a.desk.ctx.device_id
    bulk_page, bulk_names = renamed(page)
    with Statements(rig.server_desk.ctx.engine) as counted:
        in_bulk = pushing.push(factory, device, bulk_page, rig.clock())
    assert len(counted.seen) < 20  # it went the bulk way
    monkeypatch.setattr(bulk, "MIN_RUN", 10**9)  # one by one
    single_page, single_names = renamed(page)
    with Statements(rig.server_desk.ctx.engine) as counted:
        one_by_one = pushing.push(factory, device, single_page, rig.clock())
    assert len(counted.seen) > 100

    def original(results: list[dict[str, Any]], names: dict[str, str]) -> list[dict[str, Any]]:
        return [{**r, "op_id": names[r["op_id"]]} for r in results]

    assert original(in_bulk, bulk_names) == original(one_by_one, single_names)
    assert [r["status"] for r in in_bulk] == ["applied"] * 24

    def stored(table: str, names: dict[str, str]) -> dict[str, dict[str, Any]]:
        """The page's rows, as stored, with the page's own ids put back (in the JSON too)."""
        out = {}
        for row_id, row in rows(rig.server_desk, table).items():
            if str(row_id) in names:
                text = orjson.dumps(row).decode()
                for new, old in names.items():
                    text = text.replace(new, old)
                out[names[str(row_id)]] = orjson.loads(text)
        return out

    for table in ("visit", "audit_entry"):
        fast, slow = stored(table, bulk_names), stored(table, single_names)
        assert len(fast) == 12 and fast == slow, table
    fast = stored("visit", bulk_names)
    assert fast[visits_[0]["row_id"]]["visited_at"] == "2026-03-05T10:00:00+00:00"
    assert fast[visits_[1]["row_id"]]["visited_at"] == "2026-03-05T10:00:00+00:00"
    assert fast[visits_[3]["row_id"]]["visited_at"] == "2026-03-05T10:00:00.500000+00:00"
    logged = stored("audit_entry", bulk_names)
    assert logged[audits[0]["row_id"]]["changes"] == {"x": [1.5, 2e20], "y": [None, 0.1]}
    assert logged[audits[1]["row_id"]]["changes"]["t"] == ['a"b\\c\n\t', "三\u2028\u0001"]


def test_the_bulk_paths_checks_refuse_what_the_one_by_one_parse_refuses() -> None:
    """server/bulk.py reads plain inserts without merge.parse's typed operation: it accepts and
    refuses the same operations, and reads the same ids; its fingerprints are
    protocol.fingerprint's, and an operation with a float is not plain (its JSON columns are
    then written by the json module, server/bulk.py)."""
    from compliance_desk.server import bulk_chunks
    from compliance_desk.sync import merge

    device = new_id()
    good = {"id": str(new_id()), "table": "visit", "row_id": str(new_id()), "kind": "insert",
            "base_version": None, "command": None, "payload": {"row": {"id": "x"}},
            "user_id": str(new_id()), "at": "2026-03-05T10:00:00+00:00"}  # fmt: skip
    upper = str(new_id()).upper()
    variants: list[dict[str, Any]] = [
        good,
        {**good, "id": upper},
        {**good, "row_id": "{" + good["row_id"] + "}"},
        {**good, "id": good["id"].replace("-", "")},
        {**good, "id": "not-a-uuid"},
        {**good, "row_id": 12},
        {**good, "user_id": ""},
        {**good, "user_id": None},
        {**good, "user_id": "nobody"},
        {**good, "user_id": 7},
        {**good, "at": "yesterday"},
        {**good, "at": "2026-02-30T10:00:00+00:00"},
        {**good, "at": "2026-03-05"},
        {**good, "base_version": "x"},
        {**good, "base_version": 3},
        {**good, "payload": []},
        {**good, "payload": "row"},
        {**good, "payload": {"changes": {}}},
        {**good, "payload": {"row": [1]}},
        {k: v for k, v in good.items() if k != "at"},
        {k: v for k, v in good.items() if k != "payload"},
    ]
    outcomes = {"accepted": 0, "refused": 0}
    for raw in variants:
        try:
            op = merge.parse(raw, device)
            expected: Any = (str(op.id), op.table, str(op.row_id), op.payload["row"])
        except merge.BadOperation:
            expected = "refused"
        try:
            got: Any = tuple(bulk_chunks.parsed(raw, device))
        except merge.BadOperation:
            got = "refused"
        assert got == expected, raw
        outcomes["refused" if expected == "refused" else "accepted"] += 1
    assert outcomes["accepted"] >= 6 and outcomes["refused"] >= 10
    rows = [  # (row, whether plain: no float anywhere in it)
        ({"a": "x", "n": 3, "b": True, "z": None, "big": 2**63}, True),
        ({"f": 1.5}, False), ({"e": [1e20]}, False), ({"tiny": 5e-324}, False),
        ({"text": "x:1.5,", "t": "09:30:00.5+00:00", "u": "三\u2028\"\\"}, True),
        ({"deep": [{"k": [1, 2.0, "三"]}, None, False]}, False),
        ({"deep": [{"k": [1, 2, "三"]}, None, False]}, True),
    ]  # fmt: skip
    for row, plain in rows:
        op = orjson.loads(orjson.dumps({**good, "payload": {"row": row}}))
        assert protocol.fingerprint_plain(op) == (protocol.fingerprint(op), plain), row


def test_the_same_page_pushed_twice_at_once_is_applied_once_and_answered_alike(
    rig: Rig,
) -> None:
    """The bulk claim inserts without ON CONFLICT: a second push of the same operations, while
    the first has not committed, waits for it, then goes one by one and gets the first's
    answers as replays (rule 6); every row is stored and logged once."""
    import threading

    a, e, page = _visits_waiting(rig, 12)
    factory = rig.server_desk.ctx.factory
    device = a.desk.ctx.device_id
    with factory() as s:
        before = int(s.scalar(select(func.max(SyncChange.seq))) or 0)
    held, release = threading.Event(), threading.Event()
    answers: dict[str, list[dict[str, Any]]] = {}

    def hold() -> None:
        held.set()
        assert release.wait(20)

    def first() -> None:
        answers["first"] = pushing.push(factory, device, page, rig.clock(), before_commit=hold)

    def second() -> None:
        answers["second"] = pushing.push(factory, device, page, rig.clock())

    t1 = threading.Thread(target=first)
    t1.start()
    assert held.wait(20)
    t2 = threading.Thread(target=second)
    t2.start()
    t2.join(1.0)
    assert t2.is_alive()  # waiting for the first push's claims
    release.set()
    t1.join(20)
    t2.join(20)
    assert [r["status"] for r in answers["first"]] == ["applied"] * 24
    assert answers["second"] == answers["first"]
    with factory() as s:
        assert s.scalar(select(func.count()).select_from(Visit)) == 12
        logged = list(s.scalars(select(SyncChange.row_id).where(SyncChange.seq > before)))
    assert sorted(logged) == sorted(uuid.UUID(op["row_id"]) for op in page)


def test_a_bulk_run_that_falls_back_logs_no_row_values(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    """A statement that fails quotes its rows (PostgreSQL's CONTEXT line, the parameters):
    names and phone numbers.  The server's log keeps the error's kind and primary message."""
    import logging

    a, _e, page = _visits_waiting(rig, 12)
    odd = next(n for n, op in enumerate(page) if op["table"] == "visit")
    page[odd]["payload"]["row"]["visitor_phone"] = "13912345678" * 9  # over the column's 60
    with caplog.at_level(logging.INFO, logger="compliance_desk.server"):
        results = pushing.push(rig.server_desk.ctx.factory, a.desk.ctx.device_id, page,
                               rig.clock())  # fmt: skip
    assert [r["status"] for r in results].count("rejected") == 1
    assert "fell back to one by one" in caplog.text and "too long" in caplog.text
    assert "13912345678" not in caplog.text
