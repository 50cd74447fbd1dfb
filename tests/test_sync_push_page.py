"""The push's page as SQLite writes it (sync/outbox_page.py): the same operations, values and
fingerprints as the Python wire form, so a replay after an upgrade is still a replay."""

from __future__ import annotations

import json

import orjson
import pytest
from sqlalchemy import select, text

from compliance_desk.persistence.sync_models import SyncChange
from compliance_desk.sync import outbox_page, protocol, replica
from tests.sync_support import Rig
from tests.test_sync import create, edit, outbox
from tests.test_sync_bulk import visits

pytestmark = pytest.mark.postgres


def test_the_page_written_by_sqlite_is_the_python_wire_form_with_the_same_fingerprints(
    rig: Rig,
) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)  # by a signed-in user: user_id set
    edit(a, e, contact_person="王五")  # an update: base_version set
    visits(a, e.id, 3)  # no user: user_id null
    with a.desk.ctx.factory() as s:  # a time whose fraction is zero; one in a form SQL skips
        positions = [p for (p,) in s.execute(text("SELECT position FROM sync_outbox"))]
        s.execute(text("UPDATE sync_outbox SET at = '2026-03-02 10:00:00.000000' "
                       "WHERE position = :p"), {"p": positions[1]})  # fmt: skip
        s.execute(text("UPDATE sync_outbox SET at = '2026-03-02 10:00:00' WHERE position = :p"),
                  {"p": positions[2]})  # fmt: skip
        s.commit()
    with a.desk.ctx.factory() as s:
        page = outbox_page.read(s, 500)
        expected = json.loads(json.dumps([replica.wire(o) for o in replica.waiting(s, 500)]))
    assert page is not None
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
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    visits(a, e.id, 30)
    waiting = [o.id for o in outbox(a, "pending")]
    monkeypatch.setattr(protocol, "PUSH_PAGE", 7)
    a.wire.old_server = False
    a.wire.paths.clear()
    report = a.sync.sync_once(pull=False)
    assert report.pushed == len(waiting) == 62 and report.applied == 62
    assert a.wire.paths.count("/v1/push") == 9  # pages of 7, each after the one before
    assert outbox(a, "pending") == [] and all(o.attempts == 1 for o in outbox(a, "done"))
    with rig.server_desk.ctx.factory() as s:  # the server took them in the outbox's order
        order = [i for (i,) in s.execute(select(SyncChange.op_id).order_by(SyncChange.seq))]
    assert [i for i in order if i in set(waiting)] == waiting


def test_a_page_answered_in_part_holds_back_the_page_read_ahead(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server (or a proxy) that answers only part of a page: the next page, already read,
    is not sent; the sync says so, and the next sync sends the rest in order, once each."""
    from compliance_desk.sync.client import SyncError, SyncService

    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    visits(a, e.id, 20)
    waiting = [o.id for o in outbox(a, "pending")]
    monkeypatch.setattr(protocol, "PUSH_PAGE", 7)
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
    assert a.wire.paths.count("/v1/push") == 1  # the page read ahead was not sent
    assert len(outbox(a, "pending")) == len(waiting) - 5
    report = a.sync.sync_once(pull=False)  # the rest, the two unanswered first (replayed)
    assert outbox(a, "pending") == [] and report.applied == len(waiting) - 5
    with rig.server_desk.ctx.factory() as s:
        order = [i for (i,) in s.execute(select(SyncChange.op_id).order_by(SyncChange.seq))]
    assert [i for i in order if i in set(waiting)] == waiting


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
