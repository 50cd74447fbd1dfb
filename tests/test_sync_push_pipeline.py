"""The server's bulk push in chunks (issue 6, speed): a run is applied a chunk at a time while a
thread prepares the next (server/bulk.py), its rows COPYed as text written by
server/copy_text.line, its fingerprints taken without a walk when the request holds only plain
values (protocol.plain_text).  Whatever the chunks, the answers, the rows stored and the change
log are those of the one-by-one path for the same page."""

from __future__ import annotations

import json
import threading
import uuid
from typing import Any

import orjson
import pytest
from sqlalchemy import select

from compliance_desk.domain.ids import new_id
from compliance_desk.persistence.sync_models import SyncChange
from compliance_desk.server import bulk, bulk_chunks
from compliance_desk.server import push as pushing
from compliance_desk.sync import sets
from tests.sync_support import Rig, rows
from tests.test_sync_bulk import _visits_waiting

pytestmark = pytest.mark.postgres

ODD_NAMES = ["制表\t符", "反斜\\杠", "\\N", "换\n行\r回车", "\u2028三\x01", "", "a\\tb", "\\"]


def _renamed(ops: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The same page under new ids (operations and rows): it can be pushed again."""
    names = {i: str(new_id()) for op in ops for i in (op["id"], op["row_id"])}
    text = orjson.dumps(ops).decode()
    for old, new in names.items():
        text = text.replace(old, new)
    return orjson.loads(text), {new: old for old, new in names.items()}


def _original(value: Any, names: dict[str, str]) -> Any:
    text = orjson.dumps(value).decode()
    for new, old in names.items():
        text = text.replace(new, old)
    return orjson.loads(text)


def _log(rig: Rig, since: int) -> list[tuple[str, str, str | None, str | None]]:
    """The change log after ``since``, in order: (table, row, op, centre)."""
    with rig.server_desk.ctx.factory() as s:
        found = s.execute(
            select(SyncChange.table_name, SyncChange.row_id, SyncChange.op_id, SyncChange.centre_id)
            .where(SyncChange.seq > since)
            .order_by(SyncChange.seq)
        ).all()
    return [(t, str(r), o and str(o), c and str(c)) for t, r, o, c in found]


def _top(rig: Rig) -> int:
    with rig.server_desk.ctx.factory() as s:
        return int(s.scalar(select(SyncChange.seq).order_by(SyncChange.seq.desc()).limit(1)) or 0)


def _both_ways(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, device: uuid.UUID, page: list[dict[str, Any]]
) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """The page pushed in chunks of 8 (under new ids), then one by one (under other new ids):
    for each, the answers, the page's rows as stored and its change log, all under the page's
    own ids; and the names of the threads that prepared the chunks."""
    threads: list[str] = []
    prepare = bulk_chunks.prepare

    def spied(*args: Any) -> Any:
        threads.append(threading.current_thread().name)
        return prepare(*args)

    monkeypatch.setattr(bulk_chunks, "prepare", spied)
    monkeypatch.setattr(bulk, "CHUNK", 8)
    out = []
    for min_run in (bulk.MIN_RUN, 10**9):  # in bulk, then one by one
        monkeypatch.setattr(bulk, "MIN_RUN", min_run)
        ops, names = _renamed(page)
        since = _top(rig)
        results = pushing.push(rig.server_desk.ctx.factory, device, ops, rig.clock())
        stored = {
            table: {str(k): v for k, v in rows(rig.server_desk, table).items() if str(k) in names}
            for table in ("visit", "audit_entry")
        }
        out.append(_original({"results": results, "rows": stored, "log": _log(rig, since)}, names))
    return out[0], out[1], threads


def test_a_run_in_chunks_stores_and_answers_what_one_by_one_does(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _e, page = _visits_waiting(rig, 30)
    visits = [op for op in page if op["table"] == "visit"]
    for op, name in zip(visits, ODD_NAMES, strict=False):  # what COPY text must escape
        op["payload"]["row"]["visitor_name"] = name
    visits[9]["payload"]["row"]["visited_at"] = "2026-03-05T10:00:00Z"  # psycopg formats it
    audits = [op for op in page if op["table"] == "audit_entry"]
    del audits[3]["payload"]["row"]["device_id"]  # as an older client sends it: no COPY
    audits[3]["payload"]["row"]["changes"] = {"x": ["三", None]}
    in_chunks, one_by_one, threads = _both_ways(rig, monkeypatch, a.desk.ctx.device_id, page)
    assert [r["status"] for r in in_chunks["results"]] == ["applied"] * 60
    assert in_chunks == one_by_one
    assert len(in_chunks["rows"]["visit"]) == 30 and len(in_chunks["log"]) == 60
    names = {v["visitor_name"] for v in in_chunks["rows"]["visit"].values()}
    assert set(ODD_NAMES) <= names
    # 60 operations: a first chunk of 2, then chunks of 8: nine, prepared by the thread
    assert len(threads) == 9 and all(t.startswith("push-prepare") for t in threads)


def test_a_clerks_page_a_record_then_its_audit_entry_goes_in_a_few_copies(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each visit followed by its audit entry, as a clerk's saves make a page: the audit
    entries (no foreign key to or from the others) are COPYed together after the visits,
    one COPY per table and chunk rather than one per row; stored, answered and logged as one
    by one, the log in the page's order."""
    a, _e, page = _visits_waiting(rig, 30)
    visits, audits = page[:30], page[30:]
    assert {op["table"] for op in visits} == {"visit"} and len(audits) == 30
    page = [op for pair in zip(visits, audits, strict=True) for op in pair]
    copies: list[str] = []
    real = sets.copy_text

    def counted(connection: Any, tbl: Any, data: bytes) -> None:
        copies.append(tbl.name)
        real(connection, tbl, data)

    monkeypatch.setattr(sets, "copy_text", counted)
    in_chunks, one_by_one, _threads = _both_ways(rig, monkeypatch, a.desk.ctx.device_id, page)
    assert in_chunks == one_by_one
    assert [t for t, _r, _o, _c in in_chunks["log"]] == ["visit", "audit_entry"] * 30
    # 60 operations in chunks of 2, 8 x 7, 2 (see _both_ways): each chunk a COPY of its
    # entries and one of its visits (in row order; one by one COPYs nothing)
    assert copies == ["audit_entry", "visit"] * 9


def test_rows_of_tables_tied_by_a_foreign_key_keep_the_pages_order() -> None:
    """An enterprise and a visit to it, each with its audit entry: the visit must follow its
    enterprise, so those two tables keep the page's order; only the entries move."""
    tables = ["enterprise", "audit_entry", "visit", "audit_entry", "enterprise", "audit_entry"]
    order = bulk_chunks._copy_order(tables)
    assert [tables[i] for i in order] == ["enterprise", "visit", "enterprise", *["audit_entry"] * 3]
    assert order[:3] == [0, 2, 4] and order[3:] == [1, 3, 5]
    assert bulk_chunks._copy_order(["visit", "visit"]) == [0, 1]


def test_a_chunk_that_fails_late_undoes_the_run_and_its_halves_answer_as_one_by_one(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A visit to an enterprise the server does not have, in the run's fifth chunk (its COPY
    fails after four chunks were applied), and an operation id that comes twice, far apart:
    the run is undone whole, its halves answer as one by one would, and the change log holds
    exactly the rows applied (none of the undone chunks' entries)."""
    a, _e, page = _visits_waiting(rig, 30)
    orphan = page[28]  # the page: 30 visits, then their 30 audit entries
    assert orphan["table"] == "visit"
    orphan["payload"]["row"]["enterprise_id"] = str(new_id())
    page = [*page, json.loads(json.dumps(page[2]))]  # the same operation again, at the end
    in_chunks, one_by_one, _threads = _both_ways(rig, monkeypatch, a.desk.ctx.device_id, page)
    statuses = [r["status"] for r in in_chunks["results"]]
    assert statuses.count("rejected") == 1 and statuses.count("applied") == 60
    assert in_chunks == one_by_one
    assert len(in_chunks["log"]) == 59  # every row but the orphan, once
    assert orphan["row_id"] not in {r for _t, r, _o, _c in in_chunks["log"]}


def test_the_centres_the_push_knows_without_a_query_are_those_scope_gives(rig: Rig) -> None:
    """The change log's centres of rows a bulk push inserted come from the rows themselves
    (capture.note_changes, scope.centres_known), not a subquery per entry: new enterprises of
    two centres, visits to them (their centre is their enterprise's) and to an enterprise the
    server had (read), audit entries of both; then an enterprise inserted and moved to the other
    centre in the same push (the move goes one by one: every centre is then read by SQL).
    Each entry's centre is what scope.centres gives after the push."""
    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.persistence.models import Enterprise
    from compliance_desk.sync import scope
    from tests.test_sync_bulk import Statements, _waiting, visits
    from tests.test_sync_scope import World, _code

    world = World(rig)
    a = rig.laptop("a")
    a.sync.sync_once()
    factory = rig.server_desk.ctx.factory
    device = a.desk.ctx.device_id

    def new(n: int, centre: str) -> uuid.UUID:
        draft = EnterpriseDraft(name=f"崧厦第{n}伞业有限公司", uscc=_code(100 + n),
                                industry_id=world.industry[centre],
                                centre_id=world.centre[centre])  # fmt: skip
        return a.desk.enterprises.create(a.user(), draft).id

    def pushed(page: list[dict[str, Any]]) -> tuple[list[Any], list[str]]:
        since = _top(rig)
        with Statements(rig.server_desk.ctx.engine) as counted:
            results = pushing.push(factory, device, page, rig.clock())
        assert {r["status"] for r in results} == {"applied"}
        log = _log(rig, since)
        with factory() as s:
            truth = scope.of_changes(s.connection(), [(t, uuid.UUID(r)) for t, r, _o, _c in log])
        assert [c for *_x, c in log] == [
            None if truth[(t, uuid.UUID(r))] is None else str(truth[(t, uuid.UUID(r))])
            for t, r, _o, _c in log
        ]
        numbering = [s for s in counted.seen if "INSERT INTO sync_change" in s]
        assert len(numbering) == 1
        return log, numbering

    umbrella, game = new(1, "umbrella"), new(2, "game")
    visits(a, umbrella, 10)
    visits(a, game, 10)
    visits(a, world.b, 10)  # an enterprise of the game centre the server had before
    page = _waiting(a)
    log, numbering = pushed(page)
    assert len(log) == len(page) == 64
    centres = {(t, r): c for t, r, _o, c in log}
    assert centres[("enterprise", str(umbrella))] == str(world.centre["umbrella"])
    assert sum(c == str(world.centre["game"]) for c in centres.values()) == 42
    assert "CASE" not in numbering[0]  # no subquery: every centre was known or read

    moved = new(3, "umbrella")
    visits(a, moved, 10)
    with a.desk.ctx.uow(a.user()) as uow:
        row = uow.session.get(Enterprise, moved)
        assert row is not None
        row.centre_id = world.centre["game"]
        uow.commit()
    page = _waiting(a)[64:]
    assert [op["kind"] for op in page].count("update") == 1
    log, numbering = pushed(page)
    assert {c for t, r, _o, c in log if t in ("enterprise", "visit")} == {str(world.centre["game"])}
    assert "CASE" in numbering[0]  # a row changed one by one: the centres read by SQL
