"""Resolving what the sync left for a person: real server, real PostgreSQL, SQLite laptops."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from compliance_desk.domain.appeal_workflow import Action, Step
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.errors import PermissionDenied, ValidationError
from compliance_desk.domain.front_desk import AppealDraft
from compliance_desk.persistence.sync_models import SyncConflict
from compliance_desk.services.dto import EnterpriseView
from compliance_desk.services.sync_conflicts import ConflictItem, ConflictService
from compliance_desk.sync import replica
from compliance_desk.sync.client import EPOCH, TOKEN, SyncError
from tests.sync_support import URL, Laptop, Rig
from tests.test_sync import USCC, create, edit, outbox
from tests.test_sync_server import _appeal

pytestmark = pytest.mark.postgres


def field_conflict(rig: Rig) -> tuple[Laptop, Laptop, EnterpriseView]:
    """a and b change the same enterprise's address offline; a syncs first, b gets the conflict."""
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    a.sync.sync_once()
    b.sync.sync_once()
    edit(a, e, address="崧厦街道一号")
    rig.clock.now += timedelta(minutes=5)
    edit(b, e, address="崧厦街道二号")
    a.sync.sync_once()
    assert b.sync.sync_once().conflicts == 1
    return a, b, e


def only_item(laptop: Laptop) -> ConflictItem:
    [item] = ConflictService(laptop.desk.ctx).open_items(laptop.user())
    return item


def settle(rig: Rig, *laptops: Laptop) -> None:
    for laptop in (*laptops, *laptops):
        laptop.sync.sync_once()
    assert all(lap.enterprises() == rig.server_enterprises() for lap in laptops)


def test_a_field_conflict_is_listed_with_both_values_who_and_when(rig: Rig) -> None:
    _a, b, e = field_conflict(rig)
    item = only_item(b)
    assert item.kind == "field" and item.record.label == e.name and item.table_label == "企业档案"
    [clash] = item.fields
    assert clash.label == "企业地址"
    assert (clash.mine_text, clash.theirs_text) == ("崧厦街道二号", "崧厦街道一号")
    assert item.mine.who == item.theirs.who == "王建国"  # both laptops signed in as admin
    assert item.mine.when == rig.clock.now and item.theirs.when == rig.clock.now - timedelta(
        minutes=5
    )
    assert "企业地址" in item.reason_zh and "address" not in item.reason_zh


def test_keeping_mine_is_a_local_change_that_syncs_and_both_laptops_converge(rig: Rig) -> None:
    a, b, e = field_conflict(rig)
    service = ConflictService(b.desk.ctx)
    service.resolve_mine(b.user(), only_item(b).id)
    assert b.enterprises()[e.id]["address"] == "崧厦街道二号"
    assert len(outbox(b, "pending")) >= 1  # an ordinary change, waiting to be sent
    assert service.open_items(b.user()) == [] and service.open_count() == 0
    settle(rig, b, a)
    assert rig.server_enterprises()[e.id]["address"] == "崧厦街道二号"
    assert a.enterprises()[e.id]["address"] == "崧厦街道二号"
    assert outbox(b, "pending") == [] and outbox(b, "conflict") == []


def test_keeping_theirs_writes_nothing_and_closes_the_conflict(rig: Rig) -> None:
    a, b, e = field_conflict(rig)
    ConflictService(b.desk.ctx).resolve_theirs(b.user(), only_item(b).id)
    assert outbox(b, "pending") == []
    settle(rig, b, a)
    assert a.enterprises()[e.id]["address"] == "崧厦街道一号"
    assert ConflictService(b.desk.ctx).open_items(b.user()) == []


def test_an_edited_value_wins_everywhere_and_a_bad_one_is_refused_in_chinese(rig: Rig) -> None:
    a, b, e = field_conflict(rig)
    service = ConflictService(b.desk.ctx)
    item = only_item(b)
    with pytest.raises(ValidationError) as info:
        service.resolve_fields(b.user(), item.id, {"address": "x" * 600})
    assert "企业地址过长" in info.value.message_zh
    assert only_item(b).id == item.id and outbox(b, "pending") == []  # nothing half-written
    service.resolve_fields(b.user(), item.id, {"address": "崧厦街道一号（二号楼）"})
    settle(rig, b, a)
    assert a.enterprises()[e.id]["address"] == "崧厦街道一号（二号楼）"


def test_resolving_needs_the_right_to_edit_the_record(rig: Rig) -> None:
    _a, b, _e = field_conflict(rig)
    from compliance_desk.domain.roles import Role

    inspector = b.user()
    inspector = type(inspector)(inspector.id, "x", "x", Role.INSPECTOR, None)
    with pytest.raises(PermissionDenied) as info:
        ConflictService(b.desk.ctx).resolve_mine(inspector, only_item(b).id)
    assert "无权" in info.value.message_zh
    assert len(ConflictService(b.desk.ctx).open_items(b.user())) == 1


def test_a_step_rejected_because_the_appeal_was_closed_elsewhere_is_shown_and_acknowledged(
    rig: Rig,
) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    draft = AppealDraft(e.id, "劳动合同续签问题", AppealTier.SIMPLE,
                        rig.clock.now - timedelta(hours=1))  # fmt: skip
    appeal_id = a.desk.appeals.open_appeal(a.user(), draft).id
    a.sync.sync_once()
    b.sync.sync_once()
    today = rig.clock.now.date()
    for step in (Step(Action.ANSWER, today, "已答复"), Step(Action.REPLY, today, "已反馈企业"),
                 Step(Action.CLOSE, today, rating=5)):  # fmt: skip
        a.desk.appeals.act(a.user(), appeal_id, step)
    b.desk.appeals.act(b.user(), appeal_id, Step(Action.ANSWER, today, "另一台的答复"))
    a.sync.sync_once()
    assert b.sync.sync_once().rejected == 1
    service = ConflictService(b.desk.ctx)
    item = only_item(b)
    assert item.kind == "rejected" and item.action == "答复"
    assert "已办结" in item.reason_zh and "劳动合同续签问题" in item.record.label
    assert item.table_label == "诉求"
    service.acknowledge(b.user(), item.id)
    assert service.open_items(b.user()) == []
    [kept] = outbox(b, "ack")  # seen, and kept for the record: never silently dropped
    assert kept.payload["row"]["text"] == "另一台的答复"
    assert b.sync.sync_once().pushed == 0


def test_a_duplicate_credit_code_merge_task_keeps_the_record_chosen(rig: Rig) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    first = create(a, "崧厦某某伞业有限公司")
    second = create(b, "崧厦某某伞业公司")
    a.sync.sync_once()
    assert b.sync.sync_once().conflicts == 1
    item = only_item(b)
    assert item.kind == "duplicate" and item.other is not None
    assert (item.record.label, item.other.label) == ("崧厦某某伞业公司", "崧厦某某伞业有限公司")
    assert USCC in item.other.details
    ConflictService(b.desk.ctx).resolve_duplicate(b.user(), item.id, keep=second.id)
    settle(rig, b, a)
    server = rig.server_enterprises()
    assert server[second.id]["deleted_at"] is None and server[first.id]["deleted_at"] is not None
    assert ConflictService(b.desk.ctx).open_items(b.user()) == []


def test_merging_duplicates_moves_the_history_to_the_record_that_stays(rig: Rig) -> None:
    """The appeal and the compliant-list membership recorded on the merged-away copy belong to
    the kept one afterwards, on every desk and on the server; the log shows the kept name."""
    from datetime import date

    from compliance_desk.persistence.inspection_models import CompliantListEvent
    from compliance_desk.persistence.models import Appeal, Enterprise, LocalAppealClock
    from compliance_desk.services import compliant_list
    from compliance_desk.services.appeals import LogFilter

    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    third = create(a, "上虞区某某游戏科技有限公司")
    fourth = create(b, "上虞区某某游戏科技公司")
    moved = _appeal(a, third.id, rig.clock)
    with a.desk.ctx.uow(a.user()) as uow:
        compliant_list.record_event(uow.session, third.id, date(2026, 3, 1), "joined", "验收通过")
        uow.commit()
    a.sync.sync_once()
    assert b.sync.sync_once().conflicts == 1
    ConflictService(b.desk.ctx).resolve_duplicate(b.user(), only_item(b).id, keep=fourth.id)
    settle(rig, b, a)
    for desk in (a.desk, b.desk, rig.server_desk):
        with desk.ctx.factory() as s:
            assert s.get(Appeal, moved).enterprise_id == fourth.id
            clock = s.get(LocalAppealClock, moved)  # the log sorts by the kept name
            assert (
                clock is not None
                and clock.enterprise_key == s.get(Enterprise, fourth.id).name_pinyin
            )
            assert compliant_list.status_on(s, fourth.id, date(2026, 3, 2)) == "joined"
            events = s.scalars(
                select(CompliantListEvent).where(CompliantListEvent.enterprise_id == fourth.id)
            ).all()
            assert [e.reason for e in events] == ["验收通过（由重复记录合并）"]
    assert rig.server_enterprises()[fourth.id]["on_compliant_list"] is True
    server = Laptop(rig.server_desk, a.wire, a.sync, "server")  # a desk on the shared database
    for laptop in (a, b, server):
        rows = laptop.desk.appeal_log.page(laptop.user(), LogFilter(text="游戏科技公司"), 0, 10)
        assert [r.id for r in rows] == [moved]  # found by the kept name, everywhere
        assert rows[0].enterprise_name == "上虞区某某游戏科技公司"


def test_deletion_conflicts_restore_with_my_changes_or_delete_anyway(rig: Rig) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    other = create(a, "e游小镇某某游戏有限公司", "91330604MA2JQ0YL53")
    a.sync.sync_once()
    b.sync.sync_once()
    a.desk.enterprises.delete(a.user(), e.id)
    edit(b, e, notes="删除前的修改")  # update vs delete
    edit(a, other, notes="先改")
    b.desk.enterprises.delete(b.user(), other.id)  # delete vs update
    a.sync.sync_once()
    assert b.sync.sync_once().conflicts == 2
    service = ConflictService(b.desk.ctx)
    items = {i.record.id: i for i in service.open_items(b.user())}
    restore, again = items[e.id], items[other.id]
    assert restore.kind == "update_vs_delete" and [f.label for f in restore.fields] == ["备注"]
    assert restore.record.deleted and again.kind == "delete_vs_update"
    service.resolve_delete(b.user(), restore.id, delete=False)  # restore, with my note
    service.resolve_delete(b.user(), again.id, delete=True)  # I saw the change: delete it
    assert service.open_items(b.user()) == []
    settle(rig, b, a)
    server = rig.server_enterprises()
    assert server[e.id]["deleted_at"] is None and server[e.id]["notes"] == "删除前的修改"
    assert server[other.id]["deleted_at"] is not None


def _server_copies(rig: Rig) -> dict[uuid.UUID, str]:
    with rig.server_desk.ctx.factory() as s:
        return {i: status for i, status in s.execute(select(SyncConflict.id, SyncConflict.status))}


def _here(laptop: Laptop, conflict_id: uuid.UUID) -> str:
    with laptop.desk.ctx.factory() as s:
        found = s.get(SyncConflict, conflict_id)
        assert found is not None
        return found.status


def test_a_conflict_resolved_on_the_laptop_is_closed_in_the_servers_copy_at_its_next_sync(
    rig: Rig,
) -> None:
    """The server keeps its copy of each conflict, which a desk working on the shared
    PostgreSQL lists; once the laptop that had it resolves it and syncs, that copy is closed
    too, and the laptop reports it once."""
    a, b, _e = field_conflict(rig)
    on_server = ConflictService(rig.server_desk.ctx)
    item = only_item(b)
    assert [i.id for i in on_server.open_items(a.user())] == [item.id]
    ConflictService(b.desk.ctx).resolve_mine(b.user(), item.id)
    assert on_server.open_count() == 1  # not told yet
    b.sync.sync_once()
    assert on_server.open_items(a.user()) == [] and on_server.open_count() == 0
    assert _server_copies(rig)[item.id] == "resolved" and _here(b, item.id) == "closed"
    b.wire.paths.clear()
    b.sync.sync_once()
    assert "/v1/conflicts/closed" not in b.wire.paths
    assert ConflictService(b.desk.ctx).open_count() == 0


def test_only_the_device_that_had_the_conflict_closes_the_servers_copy(rig: Rig) -> None:
    """Another device's report closes nothing; a malformed one is refused in plain words."""
    a, b, _e = field_conflict(rig)
    item = only_item(b)
    with a.desk.ctx.factory() as s:
        token = replica.get_setting(s, TOKEN)
    assert token is not None
    with a.sync.http(URL) as client:
        answer = a.sync._call(client, "POST", "/v1/conflicts/closed", token,
                              {"ids": [str(item.id)]})  # fmt: skip
        assert answer == {"closed": 0}
        for bad in ({"ids": str(item.id)}, {"ids": ["not an id"]}, {"ids": [1]}, {},
                    {"ids": [str(item.id)] * 501}):  # fmt: skip
            with pytest.raises(SyncError) as refused:
                a.sync._call(client, "POST", "/v1/conflicts/closed", token, bad)
            assert refused.value.code == "bad_request" and "冲突编号" in refused.value.message_zh
    assert _server_copies(rig)[item.id] == "open"


def test_an_older_server_is_not_asked_and_hears_of_the_resolution_once_upgraded(rig: Rig) -> None:
    _a, b, _e = field_conflict(rig)
    item = only_item(b)
    ConflictService(b.desk.ctx).resolve_theirs(b.user(), item.id)
    b.wire.hide = {"conflicts_closed"}  # a server of before this: its handshake does not say
    b.wire.paths.clear()
    b.sync.sync_once()
    assert "/v1/conflicts/closed" not in b.wire.paths
    assert _server_copies(rig)[item.id] == "open" and _here(b, item.id) == "resolved"
    b.wire.hide = set()
    b.sync.sync_once()
    assert _server_copies(rig)[item.id] == "resolved" and _here(b, item.id) == "closed"


def test_a_report_whose_answer_is_lost_is_made_again_and_the_sync_still_succeeds(
    rig: Rig,
) -> None:
    """The report is housekeeping: the sync it ends has succeeded; the server closed its copy,
    the answer never came, so the laptop reports it again at the next sync (closing it twice
    changes nothing)."""
    _a, b, _e = field_conflict(rig)
    item = only_item(b)
    ConflictService(b.desk.ctx).resolve_mine(b.user(), item.id)
    b.wire.lose_answer_to = {"/v1/conflicts/closed"}
    report = b.sync.sync_once()
    assert report.waiting == 0  # the resolution went; the sync did not fail for the report
    assert _server_copies(rig)[item.id] == "resolved" and _here(b, item.id) == "resolved"
    b.wire.paths.clear()
    b.sync.sync_once()
    assert b.wire.paths.count("/v1/conflicts/closed") == 1 and _here(b, item.id) == "closed"


def test_a_resolution_is_reported_only_once_its_change_has_reached_the_server(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While operations still wait (a push that stopped part way: here one that sent nothing),
    the server may still hold the old value: its copy stays open until they have gone."""
    _a, b, e = field_conflict(rig)
    item = only_item(b)
    ConflictService(b.desk.ctx).resolve_mine(b.user(), item.id)
    with monkeypatch.context() as m:
        m.setattr(b.sync, "_push", lambda *args: 0)
        b.wire.paths.clear()
        assert b.sync.sync_once().waiting > 0
    assert "/v1/conflicts/closed" not in b.wire.paths and _here(b, item.id) == "resolved"
    assert _server_copies(rig)[item.id] == "open"
    b.sync.sync_once()
    assert _server_copies(rig)[item.id] == "resolved" and _here(b, item.id) == "closed"
    assert rig.server_enterprises()[e.id]["address"] == "崧厦街道二号"  # the resolution's value


def test_after_the_server_is_restored_the_resolved_conflicts_are_reported_again(
    rig: Rig,
) -> None:
    """A server restored from a backup taken before the report holds its copy open again: a
    new epoch has the laptop report every conflict it closed once more."""
    _a, b, _e = field_conflict(rig)
    item = only_item(b)
    ConflictService(b.desk.ctx).resolve_theirs(b.user(), item.id)
    b.sync.sync_once()
    assert _here(b, item.id) == "closed"
    with rig.server_desk.ctx.factory() as s:  # as the backup had it
        conflict = s.get(SyncConflict, item.id)
        assert conflict is not None
        conflict.status = "open"
        s.commit()
    with b.desk.ctx.factory() as s:  # the laptop last synced with another epoch
        replica.set_setting(s, EPOCH, "an epoch before the restore")
        s.commit()
    b.sync.sync_once()
    assert _server_copies(rig)[item.id] == "resolved" and _here(b, item.id) == "closed"


def test_a_desk_on_the_shared_database_shows_a_devices_conflict_and_leaves_it_to_the_device(
    rig: Rig,
) -> None:
    """A desk working straight on PostgreSQL lists the server's copies of every device's
    conflicts, named by the device whose edit lost; it cannot resolve them (its "mine" would
    be that device's edit): refused in plain words, nothing changed, the device decides."""
    _a, b, e = field_conflict(rig)
    item = only_item(b)
    assert item.device is None  # on the laptop: its own
    desk = ConflictService(rig.server_desk.ctx)
    [there] = desk.open_items(b.user())
    assert there.id == item.id and there.device == "b"  # the laptop's name when enrolled
    assert "企业地址" in there.reason_zh and "设备“b”" in there.reason_zh  # whose edit, and
    assert "请比较两边" not in there.reason_zh  # not asked of this desk's clerk
    assert "请比较两边" in item.reason_zh  # (the laptop's clerk is)
    with pytest.raises(PermissionDenied) as refused:
        desk.resolve_mine(b.user(), there.id)
    assert "设备“b”" in refused.value.message_zh and "请在该设备上处理" in refused.value.message_zh
    for decide in (desk.resolve_theirs, desk.acknowledge):
        with pytest.raises(PermissionDenied):
            decide(b.user(), there.id)
    assert rig.server_enterprises()[e.id]["address"] == "崧厦街道一号"
    assert _server_copies(rig)[item.id] == "open"
    ConflictService(b.desk.ctx).resolve_mine(b.user(), item.id)
    b.sync.sync_once()
    assert desk.open_items(b.user()) == []


def test_an_inspection_called_off_on_one_laptop_and_begun_on_another_is_said_in_chinese(
    rig: Rig,
) -> None:
    """The clash of the new inspection states shows labels, not "cancelled"."""
    from compliance_desk.domain.inspections import ItemResult
    from compliance_desk.domain.local_time import local_date

    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    user = a.user()
    departments = [d.id for d in a.desk.reference.items(user, "department")[:1]]
    day = local_date(rig.clock.now) + timedelta(days=3)
    planned = a.desk.inspections.plan(user, e.id, day, departments, [])
    a.sync.sync_once()
    b.sync.sync_once()
    a.desk.inspections.cancel(user, planned.id, "企业已停产")
    rig.clock.now += timedelta(minutes=5)
    b.desk.inspections.record(b.user(), planned.items[0].id, ItemResult.PASSED)  # begun
    a.sync.sync_once()
    b.sync.sync_once()
    items = [i for i in ConflictService(b.desk.ctx).open_items(b.user())
             if i.table_label != "企业档案"]  # fmt: skip
    assert items, "no conflict listed"
    clash = next(f for f in items[0].fields if f.key == "status")
    assert clash.label == "检查状态"
    assert {clash.mine_text, clash.theirs_text} == {"检查中", "已取消"}
