"""Sync end to end: SQLite laptops, the real server app, a real PostgreSQL (SYNC.md's list)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.persistence.models import Enterprise
from compliance_desk.persistence.sync_models import SyncConflict, SyncOperation, SyncOutbox
from compliance_desk.services.dto import EnterpriseView
from compliance_desk.sync.client import SyncError
from tests.sync_support import URL, Laptop, Rig

pytestmark = pytest.mark.postgres

USCC = "91330604QU4AX6JM2M"


def draft(view: EnterpriseView, **changes: str) -> EnterpriseDraft:
    base = {
        "name": view.name,
        "uscc": view.uscc,
        "address": view.address,
        "contact_person": view.contact_person,
        "notes": view.notes,
    }
    base.update(changes)
    return EnterpriseDraft(**base)  # type: ignore[arg-type]


def create(laptop: Laptop, name: str = "崧厦某某伞业有限公司", uscc: str = USCC) -> EnterpriseView:
    return laptop.desk.enterprises.create(laptop.user(), EnterpriseDraft(name=name, uscc=uscc))


def edit(laptop: Laptop, view: EnterpriseView, **changes: str) -> EnterpriseView:
    current = laptop.desk.enterprises.get(laptop.user(), view.id)
    return laptop.desk.enterprises.update(
        laptop.user(), view.id, draft(current, **changes), current.row_version
    )


def outbox(laptop: Laptop, status: str | None = None) -> list[SyncOutbox]:
    with laptop.desk.ctx.factory() as s:
        query = select(SyncOutbox).order_by(SyncOutbox.position)
        if status:
            query = query.where(SyncOutbox.status == status)
        return list(s.scalars(query))


def test_two_laptops_editing_different_fields_offline_converge(rig: Rig) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()  # both have the users and the reference data now
    e = create(a)
    a.sync.sync_once()
    b.sync.sync_once()
    assert e.id in b.enterprises()
    # offline: a changes the address, b the contact person
    edit(a, e, address="上虞区崧厦街道1号")
    edit(b, e, contact_person="王五")
    for laptop in (a, b, a):
        report = laptop.sync.sync_once()
        assert report.conflicts == 0 and report.rejected == 0
    server = rig.server_enterprises()[e.id]
    assert server["address"] == "上虞区崧厦街道1号" and server["contact_person"] == "王五"
    assert a.enterprises() == b.enterprises() == rig.server_enterprises()
    assert outbox(a, "pending") == outbox(b, "pending") == []


def test_the_same_field_changed_on_both_sides_is_a_conflict_with_both_values(rig: Rig) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    a.sync.sync_once()
    b.sync.sync_once()
    edit(a, e, address="崧厦街道一号")
    edit(b, e, address="崧厦街道二号")
    assert a.sync.sync_once().applied >= 1
    report = b.sync.sync_once()
    assert report.conflicts == 1
    with b.desk.ctx.factory() as s:
        conflict = s.scalars(select(SyncConflict)).one()
    assert conflict.kind == "field" and conflict.row_id == e.id
    assert conflict.fields["address"] == {
        "base": "",
        "server": "崧厦街道一号",
        "device": "崧厦街道二号",
    }
    assert "address" in conflict.reason_zh or "其他设备" in conflict.reason_zh
    with rig.server_desk.ctx.factory() as s:
        assert s.scalar(select(func.count()).select_from(SyncConflict)) == 1
    # the server's value stands everywhere until someone resolves it; nothing silently lost
    a.sync.sync_once()
    assert rig.server_enterprises()[e.id]["address"] == "崧厦街道一号"
    assert a.enterprises() == b.enterprises() == rig.server_enterprises()
    [kept] = outbox(b, "conflict")
    assert kept.payload["changes"]["address"] == ["", "崧厦街道二号"]


def test_a_lost_acknowledgement_then_a_retry_makes_exactly_one_row(rig: Rig) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    calls = {"n": 0}
    original = a.wire.handle_request

    def lose_push_answer(request):  # type: ignore[no-untyped-def]
        if request.url.path == "/v1/push" and calls["n"] == 0:
            calls["n"] += 1
            a.wire.lose_next_answer = True
        return original(request)

    a.wire.handle_request = lose_push_answer  # type: ignore[method-assign]
    with pytest.raises(SyncError) as info:
        a.sync.sync_once()
    assert info.value.code == "offline" and "稍后" in info.value.message_zh
    assert e.id in rig.server_enterprises()  # the server did commit
    assert len(outbox(a, "pending")) > 0  # the laptop does not know it
    report = a.sync.sync_once()
    assert report.rejected == 0 and report.conflicts == 0 and report.waiting == 0
    with rig.server_desk.ctx.factory() as s:
        assert s.scalar(select(func.count()).where(Enterprise.uscc == USCC)) == 1
    assert a.enterprises() == rig.server_enterprises()


def test_the_same_operation_id_with_a_different_payload_is_refused(rig: Rig) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    edit(a, e, notes="第一次")
    [op] = [o for o in outbox(a, "pending") if o.table_name == "enterprise" and o.kind == "update"]
    a.sync.sync_once()
    from compliance_desk.server import operations
    from compliance_desk.sync import replica

    wire = replica.wire(op)
    forged = dict(wire, payload={"changes": {"notes": ["", "篡改"]}})
    headers = {"X-Device-Id": str(a.desk.ctx.device_id)}
    with a.desk.ctx.factory() as s:
        headers["Authorization"] = "Bearer " + str(replica.get_setting(s, "sync.token"))
    import httpx

    with httpx.Client(base_url=URL, transport=a.wire) as client:
        replay = client.post("/v1/push", json={"ops": [wire]}, headers=headers).json()
        refused = client.post("/v1/push", json={"ops": [forged]}, headers=headers).json()
    assert replay["results"][0]["status"] == "applied"
    assert refused["results"][0]["status"] == "refused"
    assert "不同" in refused["results"][0]["reason_zh"]
    assert rig.server_enterprises()[e.id]["notes"] == "第一次"
    with rig.server_desk.ctx.factory() as s:
        stored = s.get(SyncOperation, op.id)
        assert stored is not None  # NULL: applied, as a replay is answered (server/operations.py)
        assert operations.replayed(op.id, stored.result)["status"] == "applied"
