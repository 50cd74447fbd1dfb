"""The server's rules: versions, devices, commit order, commands, merge tasks, tombstones."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text

from compliance_desk.domain.appeal_workflow import Action, AppealState, Step
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.front_desk import AppealDraft
from compliance_desk.persistence.models import AppealEvent, Enterprise, LocalAppealClock
from compliance_desk.persistence.sync_models import SyncChange, SyncConflict, SyncOutbox
from compliance_desk.server import pull as pulling
from compliance_desk.server import push as pushing
from compliance_desk.services.appeals import LogFilter
from compliance_desk.sync import capture, replica
from compliance_desk.sync.client import SyncError
from tests.conftest import FixedClock
from tests.sync_support import URL, Laptop, Rig
from tests.test_sync import USCC, create, edit, outbox

pytestmark = pytest.mark.postgres


def _post(laptop: Laptop, path: str, body: dict[str, Any]) -> httpx.Response:
    with laptop.desk.ctx.factory() as s:
        token = replica.get_setting(s, "sync.token")
    headers = {"X-Device-Id": str(laptop.desk.ctx.device_id), "Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=URL, transport=laptop.wire) as client:
        return client.post(path, json=body, headers=headers)


def test_health_and_a_handshake_too_old_or_too_new_is_told_in_plain_words(rig: Rig) -> None:
    a = rig.laptop("a")
    with httpx.Client(base_url=URL, transport=a.wire) as client:
        assert client.get("/health").json()["status"] == "ok"
    base = {"app_version": "0.1.0", "device_id": str(a.desk.ctx.device_id), "device_time": ""}
    ok = _post(a, "/v1/handshake", {**base, "protocol": 1, "schema_revision": "0021"})
    assert ok.status_code == 200 and ok.json()["server_epoch"]
    # a desktop before inspections could be called off would misread one: told to upgrade
    before = _post(a, "/v1/handshake", {**base, "protocol": 1, "schema_revision": "0020"})
    assert before.status_code == 426 and before.json()["error"] == "client_too_old"
    old = _post(a, "/v1/handshake", {**base, "protocol": 0, "schema_revision": "0021"})
    assert old.status_code == 426 and old.json()["error"] == "client_too_old"
    assert "过旧" in old.json()["message_zh"] and "本机数据已完整保留" in old.json()["message_zh"]
    older_schema = _post(a, "/v1/handshake", {**base, "protocol": 1, "schema_revision": "0005"})
    assert older_schema.json()["error"] == "client_too_old"
    new = _post(a, "/v1/handshake", {**base, "protocol": 1, "schema_revision": "0099"})
    assert new.status_code == 426 and new.json()["error"] == "client_too_new"
    assert "升级服务器" in new.json()["message_zh"]


def test_the_client_says_too_new_and_keeps_its_data(
    rig: Rig, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    e = create(a)
    from compliance_desk.persistence import migrate

    monkeypatch.setattr(migrate, "SCHEMA_HEAD", "0099")  # a release the server does not know
    with pytest.raises(SyncError) as info:
        a.sync.sync_once()
    assert info.value.code == "client_too_new" and "本机数据已完整保留" in info.value.message_zh
    assert e.id in a.enterprises() and len(outbox(a, "pending")) > 0


def test_enrolment_needs_an_administrator_and_a_revoked_device_is_refused_and_told(
    rig: Rig,
) -> None:
    a = rig.laptop("a", enrol=False)
    with pytest.raises(SyncError) as info:
        a.sync.enrol(URL, "clerk", "Clerk2026", "a")
    assert info.value.code == "not_admin" and "管理员" in info.value.message_zh
    with pytest.raises(SyncError) as info:
        a.sync.sync_once(URL)
    assert info.value.code == "not_enrolled"
    a.sync.enrol(URL, "admin", "Admin2026", "崧厦前台1")
    a.sync.sync_once()
    e = create(a)
    from compliance_desk.server import devices

    with rig.server_desk.ctx.factory() as s:
        stored = s.scalars(text("SELECT token_hash FROM sync_device")).one()
        with a.desk.ctx.factory() as local:
            token = replica.get_setting(local, "sync.token")
        assert token and stored == devices.token_hash(token) and token not in stored
        devices.revoke(s, a.desk.ctx.device_id, "笔记本遗失", rig.clock())
        s.commit()
    with pytest.raises(SyncError) as info:
        a.sync.sync_once()
    assert info.value.code == "device_revoked"
    assert "停用" in info.value.message_zh and "本机数据仍完整保存" in info.value.message_zh
    assert e.id in a.enterprises() and e.id not in rig.server_enterprises()
    assert len(outbox(a, "pending")) > 0


def test_the_same_credit_code_created_on_two_laptops_becomes_a_merge_task(rig: Rig) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    first = create(a, "崧厦某某伞业有限公司")
    second = create(b, "崧厦某某伞业公司")
    a.sync.sync_once()
    report = b.sync.sync_once()
    assert report.conflicts == 1 and report.rejected == 0
    server = rig.server_enterprises()
    live = [r for r in server.values() if r["uscc"] == USCC and r["deleted_at"] is None]
    assert [r["id"] for r in live] == [str(first.id)]  # not a duplicate
    assert server[second.id]["deleted_at"] is not None  # not lost either
    with rig.server_desk.ctx.factory() as s:
        task = s.scalars(select(SyncConflict)).one()
    assert task.kind == "duplicate" and task.other_row_id == first.id and task.row_id == second.id
    assert "合并" in task.reason_zh
    a.sync.sync_once()
    assert a.enterprises() == b.enterprises() == rig.server_enterprises()


def test_update_versus_delete_is_a_conflict_either_way(rig: Rig) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    other = create(a, "e游小镇某某游戏有限公司", "91330604MA2JQ0YL53")
    a.sync.sync_once()
    b.sync.sync_once()
    a.desk.enterprises.delete(a.user(), e.id)
    edit(b, e, notes="删除前的修改")
    edit(a, other, notes="先改")
    b.desk.enterprises.delete(b.user(), other.id)
    a.sync.sync_once()
    report = b.sync.sync_once()
    assert report.conflicts == 2
    with b.desk.ctx.factory() as s:
        kinds = {c.row_id: c.kind for c in s.scalars(select(SyncConflict))}
    assert kinds == {e.id: "update_vs_delete", other.id: "delete_vs_update"}
    server = rig.server_enterprises()
    assert server[e.id]["deleted_at"] is not None and server[e.id]["notes"] == ""
    assert server[other.id]["deleted_at"] is None and server[other.id]["notes"] == "先改"
    a.sync.sync_once()
    assert a.enterprises() == b.enterprises() == server


def _appeal(laptop: Laptop, enterprise_id: uuid.UUID, clock: FixedClock) -> uuid.UUID:
    draft = AppealDraft(enterprise_id, "劳动合同续签问题", AppealTier.SIMPLE,
                        clock.now - timedelta(hours=1))  # fmt: skip
    return laptop.desk.appeals.open_appeal(laptop.user(), draft).id


def test_a_step_on_an_appeal_closed_elsewhere_is_rejected_with_its_reason_and_kept(
    rig: Rig,
) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    appeal_id = _appeal(a, e.id, rig.clock)
    a.sync.sync_once()
    b.sync.sync_once()
    today = rig.clock.now.date()
    for step in (Step(Action.ANSWER, today, "已答复"), Step(Action.REPLY, today, "已反馈企业"),
                 Step(Action.CLOSE, today, rating=5)):  # fmt: skip
        a.desk.appeals.act(a.user(), appeal_id, step)
    # b, offline, still sees it accepted and answers it
    b.desk.appeals.act(b.user(), appeal_id, Step(Action.ANSWER, today, "另一台的答复"))
    a.sync.sync_once()
    report = b.sync.sync_once()
    assert report.rejected == 1
    [kept] = [o for o in outbox(b, "rejected")]
    assert kept.command == "appeal.answer" and kept.payload["row"]["text"] == "另一台的答复"
    assert kept.result is not None and "已办结" in kept.result["reason_zh"]
    detail = b.desk.appeals.detail(b.user(), appeal_id)
    assert detail.status.state is AppealState.CLOSED
    assert [t.action for t in detail.timeline] == [
        Action.ACCEPT, Action.ANSWER, Action.REPLY, Action.CLOSE,
    ]  # fmt: skip
    with rig.server_desk.ctx.factory() as s:
        texts = list(s.scalars(select(AppealEvent.text).order_by(AppealEvent.seq)))
    assert "另一台的答复" not in texts
    # The log's derived clock on b follows the pulled timeline: closed, four steps, and the
    # open-appeals filter no longer lists it.
    with b.desk.ctx.factory() as s:
        clock = s.get(LocalAppealClock, appeal_id)
    assert clock is not None and not clock.is_open and clock.seq == 4
    assert b.desk.appeal_log.ids(b.user(), LogFilter(open_only=True)) == []
    with rig.server_desk.ctx.factory() as s:  # and on the shared database, for desks on it
        server_clock = s.get(LocalAppealClock, appeal_id)
    assert server_clock is not None and not server_clock.is_open


def test_a_concurrent_note_joins_the_timeline_and_a_concurrent_step_is_a_conflict(
    rig: Rig,
) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    appeal_id = _appeal(a, e.id, rig.clock)
    a.sync.sync_once()
    b.sync.sync_once()
    today = rig.clock.now.date()
    a.desk.appeals.act(a.user(), appeal_id, Step(Action.RAISE_TIER, today, "涉及多个部门",
                                                 new_tier=AppealTier.GENERAL))  # fmt: skip
    b.desk.appeals.act(b.user(), appeal_id, Step(Action.NOTE, today, "企业来电询问进度"))
    b.desk.appeals.act(b.user(), appeal_id, Step(Action.PAUSE, today, "等待企业补充材料"))
    a.sync.sync_once()
    report = b.sync.sync_once()
    assert report.conflicts == 1 and report.rejected == 0
    with b.desk.ctx.factory() as s:
        conflict = s.scalars(select(SyncConflict)).one()
    assert conflict.kind == "concurrent_step" and "提升等级" in conflict.reason_zh
    a.sync.sync_once()
    for laptop in (a, b):
        detail = laptop.desk.appeals.detail(laptop.user(), appeal_id)
        assert [t.action for t in detail.timeline] == [
            Action.ACCEPT,
            Action.RAISE_TIER,
            Action.NOTE,
        ]
        assert detail.status.tier is AppealTier.GENERAL and detail.status.paused_since is None


def _naive_sequence(
    session: Any, changes: list[tuple[str, uuid.UUID, uuid.UUID | None]], _inserted: Any = None
) -> None:
    """What rule 7 warns against: a plain PostgreSQL sequence, numbers taken before commit
    (capture.assign_sequence's stand-in: the centres it may be told are not needed here)."""
    from sqlalchemy import insert

    from compliance_desk.persistence.sync_models import SyncChange

    connection = session.connection()
    seqs = [connection.execute(text("SELECT nextval('naive_change_seq')")).scalar_one()
            for _ in changes]  # fmt: skip
    connection.execute(insert(SyncChange), [
        {"seq": s, "table_name": t, "row_id": r, "op_id": o}
        for s, (t, r, o) in zip(seqs, changes, strict=True)
    ])  # fmt: skip


@pytest.mark.parametrize("sequencer", ["counter", "naive"])
def test_concurrent_pushes_committing_out_of_order_skip_nothing(
    rig: Rig, sequencer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    ea = create(a, "崧厦甲伞业有限公司", USCC)
    eb = create(b, "崧厦乙伞业有限公司", "91330604MA2JQ0YL53")
    with rig.server_desk.ctx.factory() as s:
        start = int(s.scalar(select(func.max(SyncChange.seq))) or 0)
    if sequencer == "naive":
        with rig.server_desk.ctx.engine.begin() as c:
            c.execute(text(f"CREATE SEQUENCE naive_change_seq START {start + 1}"))
        monkeypatch.setattr(capture, "assign_sequence", _naive_sequence)
    factory = rig.server_desk.ctx.factory
    ops = {}
    for name, laptop in (("a", a), ("b", b)):
        with laptop.desk.ctx.factory() as s:
            ops[name] = [replica.wire(o) for o in replica.waiting(s, 500)]
    a_numbered, release_a, b_done = threading.Event(), threading.Event(), threading.Event()

    def hold() -> None:  # a has its numbers (and, with the counter, its lock) but no commit yet
        a_numbered.set()
        assert release_a.wait(20)

    def push_a() -> None:
        pushing.push(factory, a.desk.ctx.device_id, ops["a"], rig.clock(), before_commit=hold)

    def push_b() -> None:
        pushing.push(factory, b.desk.ctx.device_id, ops["b"], rig.clock())
        b_done.set()

    ta = threading.Thread(target=push_a)
    ta.start()
    assert a_numbered.wait(20)
    tb = threading.Thread(target=push_b)
    tb.start()
    b_done.wait(1.5)  # with the counter, b queues behind a's lock; naive, it commits first
    seen: set[uuid.UUID] = set()
    with factory() as s:
        first = pulling.pull(s, start, 10_000)
    seen |= {uuid.UUID(c["id"]) for c in first["changes"] if c["table"] == "enterprise"}
    release_a.set()
    ta.join(20)
    tb.join(20)
    with factory() as s:
        rest = pulling.pull(s, first["last_seq"], 10_000)
    seen |= {uuid.UUID(c["id"]) for c in rest["changes"] if c["table"] == "enterprise"}
    assert eb.id in seen
    if sequencer == "counter":
        assert not first["changes"]  # b could not commit ahead of a's numbers
        assert ea.id in seen  # no pull cursor skipped a change
    else:
        assert ea.id not in seen  # the failure the counter prevents: a's change skipped


def test_a_bulk_update_is_captured_and_synced(rig: Rig) -> None:
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e1 = create(a)
    e2 = create(a, "e游小镇某某游戏有限公司", "91330604MA2JQ0YL53")
    a.sync.sync_once()
    b.sync.sync_once()
    from sqlalchemy import update

    with a.desk.ctx.uow(a.user()) as uow:
        uow.session.execute(
            update(Enterprise).where(Enterprise.id.in_([e1.id, e2.id])).values(is_model=True)
        )
        uow.commit()
    ops = [o for o in outbox(a, "pending") if o.table_name == "enterprise"]
    assert {o.row_id for o in ops} == {e1.id, e2.id}
    assert all(o.payload["changes"] == {"is_model": [False, True]} for o in ops)
    assert all(o.base_version == 1 for o in ops)
    a.sync.sync_once()
    b.sync.sync_once()
    server = rig.server_enterprises()
    assert server[e1.id]["is_model"] and server[e2.id]["is_model"]
    assert a.enterprises() == b.enterprises() == server


def test_a_desk_on_the_shared_database_feeds_the_change_log(rig: Rig) -> None:
    """A front desk connected to PostgreSQL directly writes the truth; laptops see it."""
    a = rig.laptop("a")
    a.sync.sync_once()
    admin = rig.server_desk.auth.login("admin", "Admin2026")
    from compliance_desk.domain.enterprise import EnterpriseDraft

    e = rig.server_desk.enterprises.create(
        admin, EnterpriseDraft(name="崧厦某某伞业有限公司", uscc=USCC)
    )
    with rig.server_desk.ctx.factory() as s:
        assert s.scalar(select(func.count()).select_from(SyncOutbox)) == 0
    assert a.sync.sync_once().pulled >= 2  # the enterprise and its audit entry
    assert a.enterprises()[e.id] == rig.server_enterprises()[e.id]
    assert a.desk.enterprises.search(a.user(), "崧厦")[0].id == e.id  # and the search index


def test_a_rename_pushed_or_pulled_moves_the_appeal_log_on_every_side(rig: Rig) -> None:
    """The log sorts and searches by the enterprise's name through derived rows: a rename
    applied by the server's merge, and by a laptop's pull, rewrites them there too."""
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a, name="崧厦华新伞业有限公司")
    appeal_id = _appeal(a, e.id, rig.clock)
    a.sync.sync_once()
    b.sync.sync_once()
    edit(a, e, name="崧厦华鑫伞业有限公司")  # the same pinyin: only the characters change
    a.sync.sync_once()
    b.sync.sync_once()
    assert b.desk.appeal_log.ids(b.user(), LogFilter(text="华鑫")) == [appeal_id]
    assert b.desk.appeal_log.ids(b.user(), LogFilter(text="华新")) == []
    edit(a, a.desk.enterprises.get(a.user(), e.id), name="上虞华鑫伞业有限公司")
    a.sync.sync_once()
    b.sync.sync_once()
    for desk in (b.desk, rig.server_desk):  # the pull on b, the merge on the server
        with desk.ctx.factory() as s:
            clock = s.get(LocalAppealClock, appeal_id)
        assert clock is not None and clock.enterprise_key.startswith("shangyuhuaxin")
