"""A device sends its next push page before the last is answered (issue 6, speed: the upload
and parsing of one page overlap the server's work on the one before): the server applies a
page only after the page it names as the one before has committed, and refuses it, applying
nothing, when that one did not (server/push_order.py).  Everything still arrives once and in
the outbox's order, whatever fails on the way; an older server gets one page at a time."""

from __future__ import annotations

import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from compliance_desk.persistence.models import Visit
from compliance_desk.persistence.sync_models import SyncChange, SyncOperation
from compliance_desk.server import push as pushing
from compliance_desk.server import push_order
from compliance_desk.server.devices import Refused
from compliance_desk.sync import outbox_page, protocol, replica
from compliance_desk.sync.client import TOKEN, SyncError, SyncService
from tests.sync_support import Rig
from tests.test_sync import outbox
from tests.test_sync_bulk import _visits_waiting
from tests.test_sync_push_page import _applied_in_order_once
from tests.test_sync_push_page import _visits_waiting as _pages_waiting

pytestmark = pytest.mark.postgres


def _count(rig: Rig, model: Any) -> int:
    with rig.server_desk.ctx.factory() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_a_page_waits_for_the_page_before_to_commit_and_is_applied_after_it(rig: Rig) -> None:
    a, _e, ops = _visits_waiting(rig, 10)
    first, second = ops[:10], ops[10:]
    factory, device = rig.server_desk.ctx.factory, a.desk.ctx.device_id
    t1, t2 = uuid.uuid4(), uuid.uuid4()
    held, release = threading.Event(), threading.Event()
    answers: dict[str, list[dict[str, Any]]] = {}

    def hold() -> None:
        held.set()
        assert release.wait(20)

    def push(name: str, page: list[dict[str, Any]], order: Any, hook: Any = None) -> None:
        answers[name] = pushing.push(factory, device, page, rig.clock(), hook, order)

    one = threading.Thread(target=push, args=("first", first, (t1, None), hold))
    one.start()
    assert held.wait(20)  # the first page is applied, not committed
    two = threading.Thread(target=push, args=("second", second, (t2, t1)))
    two.start()
    two.join(1.0)
    assert two.is_alive()  # waiting for the first page's transaction to end
    release.set()
    one.join(20)
    two.join(20)
    assert [r["status"] for r in answers["first"] + answers["second"]] == ["applied"] * 20
    with factory() as s:
        logged = [str(i) for i in s.scalars(select(SyncChange.op_id).order_by(SyncChange.seq))]
    assert [i for i in logged if i in {op["id"] for op in ops}] == [op["id"] for op in ops]


def test_a_page_whose_page_before_did_not_commit_is_refused_with_nothing_applied(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, _e, ops = _visits_waiting(rig, 10)
    first, second = ops[:10], ops[10:]
    factory, device = rig.server_desk.ctx.factory, a.desk.ctx.device_id
    t1, t2 = uuid.uuid4(), uuid.uuid4()
    claims_before = _count(rig, SyncOperation)

    def fail() -> None:
        raise RuntimeError("the server stopped before committing")

    with pytest.raises(RuntimeError):
        pushing.push(factory, device, first, rig.clock(), fail, (t1, None))
    monkeypatch.setattr(push_order, "WAIT", 0.2)
    with pytest.raises(push_order.OutOfOrder) as said:
        pushing.push(factory, device, second, rig.clock(), None, (t2, t1))
    assert "上一批数据尚未被服务器采用" in said.value.message_zh
    with pytest.raises(push_order.OutOfOrder):  # a page never seen is no better
        pushing.push(factory, device, second, rig.clock(), None, (t2, uuid.uuid4()))
    assert _count(rig, SyncOperation) == claims_before and _count(rig, Visit) == 0
    # Sent again in order, both go in; a push that names no page (an older client) too.
    pushing.push(factory, device, first, rig.clock(), None, (t1, None))
    assert {r["status"] for r in pushing.push(factory, device, second, rig.clock(), None,
                                              (t2, t1))} == {"applied"}  # fmt: skip
    assert {r["status"] for r in pushing.push(factory, device, ops, rig.clock())} == {"applied"}
    assert _count(rig, Visit) == 10


def _in_flight(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[dict[str, str]]]:
    """The most push requests under way at once, and each push's order headers, as sent."""
    most, headers = [0], []
    under_way = [0]
    lock = threading.Lock()
    real = SyncService._call

    def counted(self, client, method, path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if path != "/v1/push":
            return real(self, client, method, path, *args, **kwargs)
        with lock:
            under_way[0] += 1
            most[0] = max(most[0], under_way[0])
            headers.append(dict(kwargs.get("headers") or {}))
        try:
            return real(self, client, method, path, *args, **kwargs)
        finally:
            with lock:
                under_way[0] -= 1

    monkeypatch.setattr(SyncService, "_call", counted)
    return most, headers


def test_the_client_sends_the_next_page_before_the_answer_and_everything_arrives_once(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, waiting = _pages_waiting(rig, monkeypatch, 30, 7)
    slow = pushing.push

    def slowly(*args: Any, **kwargs: Any) -> Any:  # the next page has time to arrive
        threading.Event().wait(0.05)
        return slow(*args, **kwargs)

    monkeypatch.setattr(pushing, "push", slowly)
    most, headers = _in_flight(monkeypatch)
    report = a.sync.sync_once(pull=False)
    assert report.pushed == len(waiting) == 62 and report.applied == 62
    assert len(headers) == 9 and most[0] == 2  # two pages under way at once, never more
    assert "X-Push-After" not in headers[0]
    sent = [h for h in headers if "X-Push-After" in h]
    assert sent and all(h["X-Push-After"] in {g["X-Push-Page"] for g in headers} for h in sent)
    assert outbox(a, "pending") == [] and all(o.attempts == 1 for o in outbox(a, "done"))
    with a.desk.ctx.factory() as s:
        assert replica.get_setting(s, outbox_page.IN_FLIGHT) is None
    _applied_in_order_once(rig, waiting)


def test_a_push_starts_with_a_small_page_and_each_next_is_three_times_larger(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first page is waited for with nothing to overlap its reading, sending and parsing:
    a small one starts the server sooner; the next pages grow to the full size."""
    a, waiting = _pages_waiting(rig, monkeypatch, 30, 20)
    monkeypatch.setattr(protocol, "FIRST_PUSH_PAGE", 2)
    sizes: list[int] = []
    read = outbox_page.read

    def counted(*args: Any, **kwargs: Any) -> Any:
        page = read(*args, **kwargs)
        if page is not None:
            sizes.append(len(page))
        return page

    monkeypatch.setattr(outbox_page, "read", counted)
    report = a.sync.sync_once(pull=False)
    assert report.pushed == len(waiting) == 62 and report.applied == 62
    assert sizes == [2, 6, 18, 20, 16]
    _applied_in_order_once(rig, waiting)


def test_when_a_page_fails_the_one_sent_after_it_is_refused_and_both_go_again_in_order(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, waiting = _pages_waiting(rig, monkeypatch, 30, 7)
    real = pushing.push
    calls: list[int] = []

    second = {str(i) for i in waiting[7:14]}  # the second page's operations

    def second_fails(*args: Any, **kwargs: Any) -> Any:
        # The second page (known by its operations: the first two pages are sent at once and
        # may reach the server in either order) is slow, then fails without committing.
        ops = args[2] if len(args) > 2 else kwargs["ops"]
        if not calls and {str(op.get("id")) for op in ops} == second:
            calls.append(1)
            threading.Event().wait(0.3)
            raise Refused(503, "unavailable", "同步服务器暂时无法处理", "database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(pushing, "push", second_fails)
    monkeypatch.setattr(push_order, "WAIT", 1.0)  # the third page waits this long for it
    most, headers = _in_flight(monkeypatch)
    claimed = _count(rig, SyncOperation)
    with pytest.raises(SyncError) as said:
        a.sync.sync_once(pull=False)
    assert said.value.code == "unavailable"  # the failure itself, not the refusal after it
    # The first two pages were under way at once; the third was either not sent (the second
    # had failed already) or sent and refused: only the first page went in.
    assert most[0] == 2 and len(headers) in (2, 3)
    assert _count(rig, SyncOperation) == claimed + 7  # only the first page went in
    assert len(outbox(a, "pending")) == len(waiting) - 7
    monkeypatch.setattr(pushing, "push", real)
    report = a.sync.sync_once(pull=False)  # the rest, in order, once each
    assert outbox(a, "pending") == [] and report.applied == len(waiting) - 7
    _applied_in_order_once(rig, waiting)


def test_an_older_server_gets_one_page_at_a_time(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    a, waiting = _pages_waiting(rig, monkeypatch, 30, 7)
    a.wire.hide = {"push_order"}  # a server of before push_order: it does not say so
    most, headers = _in_flight(monkeypatch)
    report = a.sync.sync_once(pull=False)
    assert report.applied == 62 and most[0] == 1 and headers == [{}] * 9
    _applied_in_order_once(rig, waiting)


def test_a_page_token_that_is_not_a_uuid_is_a_bad_request(rig: Rig) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    with a.sync.http("http://sync.test") as client:
        response = client.post(
            "/v1/push", json={"ops": []},
            headers={"Authorization": f"Bearer {a.sync._get(TOKEN)}",
                     "X-Device-Id": str(a.desk.ctx.device_id), "X-Push-After": "not-a-uuid"},
        )  # fmt: skip
    assert response.status_code == 400 and response.json()["error"] == "bad_request"
