"""The push's page as SQLite writes it (sync/outbox_page.py): the same operations, values and
fingerprints as the Python wire form, so a replay after an upgrade is still a replay."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from alembic import command
from sqlalchemy import inspect, select, text

from compliance_desk.bootstrap import open_desk
from compliance_desk.persistence import migrate
from compliance_desk.persistence.db import make_engine
from compliance_desk.persistence.sync_models import SyncChange
from compliance_desk.sync import outbox_page, protocol, replica
from compliance_desk.sync.client import SyncService
from tests.conftest import FAST_HASHER
from tests.sync_support import Laptop, Rig, Wire
from tests.test_sync import create, edit, outbox
from tests.test_sync_bulk import visits
from tests.test_sync_server import _appeal

pytestmark = pytest.mark.postgres


def _page_and_python_wire(laptop: Laptop) -> tuple[outbox_page.Page, list[dict[str, Any]]]:
    with laptop.desk.ctx.factory() as s:
        page = outbox_page.read(s, 500)
        expected = json.loads(json.dumps([replica.wire(o) for o in replica.waiting(s, 500)]))
    assert page is not None
    return page, expected


def _visits_waiting(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, count: int, page: int
) -> tuple[Laptop, list[Any]]:
    """A synced laptop with an enterprise and ``count`` visits to it waiting, pushed in pages
    of ``page``: the laptop and its waiting operations' ids in outbox order."""
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    visits(a, e.id, count)
    monkeypatch.setattr(protocol, "PUSH_PAGE", page)
    return a, [o.id for o in outbox(a, "pending")]


def _applied_in_order_once(rig: Rig, waiting: list[Any]) -> None:
    """The server logged each waiting operation's change once, in the outbox's order."""
    with rig.server_desk.ctx.factory() as s:
        order = [i for (i,) in s.execute(select(SyncChange.op_id).order_by(SyncChange.seq))]
    assert [i for i in order if i in set(waiting)] == waiting


def test_the_page_read_from_the_envelopes_is_the_python_wire_form_with_the_same_fingerprints(
    rig: Rig,
) -> None:
    """Operations captured since 0015 carry their envelope: the page is read as text, and is
    the same operations, values and fingerprints as the Python wire form."""
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)  # by a signed-in user: user_id set
    edit(a, e, contact_person="王五")  # an update: base_version set
    visits(a, e.id, 2)
    _appeal(a, e.id, rig.clock)  # a workflow step: command set
    with a.desk.ctx.factory() as s:
        bare = s.scalar(text("SELECT count(*) FROM sync_outbox WHERE envelope IS NULL"))
    assert bare == 0
    page, expected = _page_and_python_wire(a)
    sent = orjson.loads(page.body)["ops"]
    assert len(sent) == len(expected) >= 9 and sent == expected
    assert any(o["user_id"] for o in sent) and any(o["base_version"] for o in sent)
    assert any(o["command"] for o in sent)
    assert [protocol.fingerprint(o) for o in sent] == [protocol.fingerprint(o) for o in expected]
    assert page.ids == [o["id"] for o in expected]
    report = a.sync.sync_once()
    assert report.applied == len(expected) and report.rejected == report.conflicts == 0
    with a.desk.ctx.factory() as s:  # applied: the envelopes are not kept for 30 days
        assert s.scalar(text("SELECT count(*) FROM sync_outbox WHERE envelope IS NOT NULL")) == 0


def test_the_page_written_by_sqlite_is_the_python_wire_form_with_the_same_fingerprints(
    rig: Rig,
) -> None:
    """Operations captured before 0015 (no envelope, as an upgraded outbox holds them), one
    beside the other with new ones: SQLite or Python writes them, the same as Python would."""
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)  # by a signed-in user: user_id set
    edit(a, e, contact_person="王五")  # an update: base_version set
    visits(a, e.id, 3)  # no user: user_id null
    with a.desk.ctx.factory() as s:  # a time whose fraction is zero; one in a form SQL skips
        positions = [p for (p,) in s.execute(text("SELECT position FROM sync_outbox"))]
        s.execute(text("UPDATE sync_outbox SET envelope = NULL WHERE position < :p"),
                  {"p": positions[-2]})  # the last two keep theirs  # fmt: skip
        s.execute(text("UPDATE sync_outbox SET at = '2026-03-02 10:00:00.000000' "
                       "WHERE position = :p"), {"p": positions[1]})  # fmt: skip
        s.execute(text("UPDATE sync_outbox SET at = '2026-03-02 10:00:00' WHERE position = :p"),
                  {"p": positions[2]})  # fmt: skip
        s.commit()
    page, expected = _page_and_python_wire(a)
    sent = orjson.loads(page.body)["ops"]
    assert len(sent) == 10 and sent == expected  # 2 enterprise ops, 3 visits, their audit rows
    assert {o["at"] for o in sent} >= {"2026-03-02T10:00:00+00:00"}
    assert any(o["user_id"] for o in sent) and any(o["base_version"] for o in sent)
    assert [protocol.fingerprint(o) for o in sent] == [protocol.fingerprint(o) for o in expected]
    assert page.ids == [o["id"] for o in expected]
    with a.desk.ctx.factory() as s:  # the next page skips one sent and not yet answered
        second = outbox_page.read(s, 4)
        after = outbox_page.read(s, 4, second)
    assert second is not None and after is not None
    assert second.ids + after.ids == page.ids[:8]


def test_a_push_in_pages_read_ahead_sends_everything_once_in_order(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, waiting = _visits_waiting(rig, monkeypatch, 30, 7)
    a.wire.old_server = False
    a.wire.paths.clear()
    report = a.sync.sync_once(pull=False)
    assert report.pushed == len(waiting) == 62 and report.applied == 62
    assert a.wire.paths.count("/v1/push") == 9  # pages of 7, each after the one before
    assert outbox(a, "pending") == [] and all(o.attempts == 1 for o in outbox(a, "done"))
    _applied_in_order_once(rig, waiting)  # in the outbox's order


@pytest.mark.parametrize("ordered", [True, False], ids=["pages-in-order", "older-server"])
def test_a_page_answered_in_part_holds_back_the_page_read_ahead(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, ordered: bool
) -> None:
    """A server (or a proxy) that answers only part of a page: the next page, already read,
    is not sent (a server that keeps pages in order has the one sent before the answer, which
    it applied after that page, and answers it); the sync says so, and the next sync sends
    the rest in order, once each."""
    from compliance_desk.sync.client import SyncError, SyncService

    a, waiting = _visits_waiting(rig, monkeypatch, 20, 7)
    if not ordered:
        a.wire.hide = {"push_order"}
    real = SyncService._call
    cut: list[int] = []

    def lossy(self, client, method, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        answer = real(self, client, method, path, *args, **kwargs)
        if path == "/v1/push" and not cut:
            cut.append(len(answer["results"]))
            answer = {**answer, "results": answer["results"][:-2]}  # the last two unanswered
        return answer

    monkeypatch.setattr(SyncService, "_call", lossy)
    a.wire.paths.clear()
    with pytest.raises(SyncError) as said:
        a.sync.sync_once(pull=False)
    assert said.value.code == "partial" and cut == [7]
    sent = 2 if ordered else 1  # the page read ahead is not sent
    assert a.wire.paths.count("/v1/push") == sent
    left = len(waiting) - 5 - 7 * (sent - 1)
    assert len(outbox(a, "pending")) == left
    report = a.sync.sync_once(pull=False)  # the rest, the two unanswered first (replayed)
    assert outbox(a, "pending") == [] and report.applied == left
    _applied_in_order_once(rig, waiting)


@pytest.mark.parametrize("ordered", [True, False], ids=["pages-in-order", "older-server"])
def test_a_page_whose_answer_was_lost_counts_its_attempt_and_is_applied_once(
    rig: Rig, monkeypatch: pytest.MonkeyPatch, ordered: bool
) -> None:
    """The server commits a page and its answer is lost: the operations stay waiting, and the
    pages that were in flight (the one sent, the one read ahead) are remembered; the next push
    counts that attempt, sends them again (answered from the server's records) and records
    each operation once."""
    from compliance_desk.sync.client import SyncError

    a, waiting = _visits_waiting(rig, monkeypatch, 10, 8)
    assert len(waiting) == 22
    if not ordered:
        a.wire.hide = {"push_order"}
    real = SyncService._call

    def lost(self, client, method, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        answer = real(self, client, method, path, *args, **kwargs)
        if path == "/v1/push":
            raise SyncError("无法连接同步服务器", "the answer was lost", "offline")
        return answer

    monkeypatch.setattr(SyncService, "_call", lost)
    with pytest.raises(SyncError):
        a.sync.sync_once(pull=False)
    assert [o.id for o in outbox(a, "pending")] == waiting
    monkeypatch.setattr(SyncService, "_call", real)
    report = a.sync.sync_once(pull=False)
    assert report.applied == 22 and outbox(a, "pending") == []
    # Each page that was in flight counted once more: to an older server the first page was
    # sent and the second read ahead of it (the last sent once); to one that keeps pages in
    # order, the first two were sent and the last read ahead.
    assert [o.attempts for o in outbox(a, "done")] == ([2] * 22 if ordered else [2] * 16 + [1] * 6)
    with a.desk.ctx.factory() as s:
        assert replica.get_setting(s, outbox_page.IN_FLIGHT) is None  # nothing in flight now
    _applied_in_order_once(rig, waiting)


def test_operations_waiting_from_before_the_envelope_push_after_the_upgrade(
    rig: Rig, tmp_path: Path
) -> None:
    """A laptop's outbox written by the release before 0015 (no envelope column): the
    migration keeps the waiting operations, and they push as the same operations."""
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    edit(a, e, contact_person="王五")
    visits(a, e.id, 3)
    _page, expected = _page_and_python_wire(a)
    a.close()
    rig.laptops.remove(a)
    path = tmp_path / "a.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    cfg = migrate.alembic_config()
    with engine.begin() as connection:  # the file as the release before wrote it
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0014")
        columns = {c["name"] for c in inspect(connection).get_columns("sync_outbox")}
    engine.dispose()
    assert "envelope" not in columns
    desk = open_desk(f"sqlite:///{path}", clock=rig.clock, hasher=FAST_HASHER)  # upgraded
    desk.ctx.blob_root = tmp_path / "a-files"
    wire = Wire(rig.app)
    service = SyncService(desk.ctx, http=lambda url: httpx.Client(base_url=url, transport=wire))
    rig.laptops.append(Laptop(desk, wire, service, "a"))
    with desk.ctx.factory() as s:
        bare = s.scalar(text("SELECT count(*) FROM sync_outbox WHERE envelope IS NULL"))
        page = outbox_page.read(s, 500)
    assert bare == len(expected) == 10 and page is not None
    assert orjson.loads(page.body)["ops"] == expected
    report = service.sync_once()
    assert report.applied == 10 and report.waiting == 0 and report.rejected == 0
    assert rig.server_enterprises()[e.id]["contact_person"] == "王五"


def test_an_operation_fingerprint_is_the_json_modules_bytes_whatever_the_values() -> None:
    """The canonical form stays json.dumps's (what stored fingerprints were made of) when orjson
    writes it: floats, big integers and nesting included (protocol._plain decides)."""
    payloads = [
        {"row": {"a": "x", "n": 3, "b": True, "z": None}},
        {"row": {"f": 1.5, "e": 1e20, "tiny": 5e-324}},
        {"row": {"deep": [{"k": [1, 2.0, "三"]}, None, False]}},
        {"row": {"big": 2**64, "neg": -(2**63) - 1, "ok": 2**64 - 1}},
        {"changes": {"notes": ["a", {"b": [0.1]}]}},
    ]
    for payload in payloads:
        op = {"id": "x", "table": "visit", "row_id": "y", "kind": "insert", "base_version": None,
              "command": None, "payload": payload, "user_id": None, "at": "t"}  # fmt: skip
        expected = json.dumps(op, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        assert protocol.canonical(op) == expected.encode("utf-8"), payload


def test_a_push_waits_long_for_its_answer_and_a_late_answer_is_not_called_offline(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page the server takes a long time over (edits and workflow steps go one by one) is
    waited for far longer than the client's usual read timeout; if even that runs out, the
    user is told the server did not answer, not that the network is down, and nothing is lost."""
    from compliance_desk.sync.client import PUSH_WAIT, SyncError

    a, waiting = _visits_waiting(rig, monkeypatch, 5, 500)
    timeouts: dict[str, Any] = {}
    real = a.wire.handle_request
    late: list[str] = []

    def slow(request: httpx.Request) -> httpx.Response:
        timeouts[request.url.path] = request.extensions.get("timeout")
        if request.url.path == "/v1/push" and not late:
            late.append(request.url.path)
            raise httpx.ReadTimeout("no answer in time", request=request)
        return real(request)

    monkeypatch.setattr(a.wire, "handle_request", slow)
    with pytest.raises(SyncError) as said:
        a.sync.sync_once()
    assert said.value.code == "timeout" and "没有答复" in said.value.message_zh
    assert "网络" not in said.value.message_zh
    assert PUSH_WAIT >= 300
    assert timeouts["/v1/push"]["read"] == PUSH_WAIT
    assert timeouts["/v1/handshake"]["read"] < PUSH_WAIT
    assert [o.id for o in outbox(a, "pending")] == waiting
    report = a.sync.sync_once()
    assert report.applied == len(waiting) and outbox(a, "pending") == []
    _applied_in_order_once(rig, waiting)
