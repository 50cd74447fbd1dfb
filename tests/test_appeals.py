"""The front desk's path through the services, on SQLite and on PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.appeal_workflow import Action, AppealState, Step
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.errors import DomainError, PermissionDenied, ValidationError
from compliance_desk.domain.front_desk import AppealDraft, Channel, ManagementArea, VisitDraft
from compliance_desk.persistence.models import AppealEvent
from compliance_desk.services.context import CurrentUser

D = date.fromisoformat
CN = timezone(timedelta(hours=8))


@pytest.fixture
def enterprise(desk: Desk, clerk: CurrentUser):  # type: ignore[no-untyped-def]
    return desk.enterprises.create(
        clerk, EnterpriseDraft(name="崧厦蓝天伞业有限公司", uscc="91330604QU4AX6JM2M")
    )


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=CN)


def test_a_clerks_whole_path(desk: Desk, clerk: CurrentUser, enterprise, clock) -> None:  # type: ignore[no-untyped-def]
    clock.now = _at("2026-02-13", 9)
    visit = desk.appeals.register_visit(
        clerk,
        VisitDraft(enterprise.id, "郑敏", _at("2026-02-13", 9) - timedelta(minutes=5), Channel.WALK_IN,
                   ManagementArea.LABOUR, "13957667049", "咨询劳动合同"),
    )  # fmt: skip
    appeal = desk.appeals.open_appeal(
        clerk,
        AppealDraft(enterprise.id, "劳动合同续签问题", AppealTier.GENERAL, _at("2026-02-13", 9),
                    Channel.WALK_IN, ManagementArea.LABOUR, "详情", visit.id),
    )  # fmt: skip
    assert appeal.number.startswith("20260213-")
    assert appeal.status.state is AppealState.ACCEPTED
    assert appeal.deadline.due == D("2026-03-05")  # across the Spring Festival
    assert Action.FORWARD in appeal.actions and Action.CLOSE not in appeal.actions
    tax = desk.reference.lookup(clerk, "department")["人力社保局"]
    clock.now = _at("2026-02-24")
    forwarded = desk.appeals.act(
        clerk,
        appeal.id,
        Step(Action.FORWARD, D("2026-02-24"), "请人社局答复", department_ids=(str(tax),)),
    )
    [fwd] = forwarded.forwards
    # 02-25..02-27, the make-up Saturday 02-28, 03-02..03-06, 03-09: ten working days
    assert fwd.department == "人力社保局" and fwd.deadline.due == D("2026-03-09")
    clock.now = _at("2026-03-02")
    answered = desk.appeals.act(
        clerk,
        appeal.id,
        Step(Action.DEPARTMENT_ANSWER, D("2026-03-02"), "可续签", forward_id=fwd.id),
    )
    assert answered.status.state is AppealState.ANSWERED
    desk.appeals.act(clerk, appeal.id, Step(Action.REPLY, D("2026-03-02"), "已经商会反馈企业"))
    closed = desk.appeals.act(clerk, appeal.id, Step(Action.CLOSE, D("2026-03-02"), rating=5))
    assert closed.status.state is AppealState.CLOSED
    assert [t.action for t in closed.timeline] == [
        Action.ACCEPT, Action.FORWARD, Action.DEPARTMENT_ANSWER, Action.REPLY, Action.CLOSE
    ]  # fmt: skip
    assert closed.timeline[1].user_name == "陈晓燕" and "人力社保局" in closed.timeline[1].text
    assert "满意度：5分" in closed.timeline[-1].text
    assert desk.appeals.for_enterprise(clerk, enterprise.id) == [
        (appeal.number, "劳动合同续签问题", "已办结")
    ]


def test_future_receipt_is_refused_and_nothing_written(
    desk: Desk, clerk: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as info:
        desk.appeals.open_appeal(
            clerk, AppealDraft(enterprise.id, "x", AppealTier.SIMPLE, clock.now + timedelta(days=1))
        )
    assert "受理时间不能晚于现在" in info.value.message_zh
    with desk.ctx.uow(clerk) as uow:
        assert uow.session.scalars(select(AppealEvent)).first() is None


def test_lowering_a_tier_and_closing_without_reply_are_refused(
    desk: Desk, clerk: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "问题", AppealTier.GENERAL, clock.now)
    )
    today = clock.now.astimezone(CN).date()
    with pytest.raises(DomainError) as info:
        desk.appeals.act(
            clerk, appeal.id, Step(Action.RAISE_TIER, today, "x", new_tier=AppealTier.SIMPLE)
        )
    assert "只能提升" in info.value.message_zh
    with pytest.raises(DomainError) as info:
        desk.appeals.act(clerk, appeal.id, Step(Action.CLOSE, today, rating=3))
    assert "不能办结" in info.value.message_zh
    assert len(desk.appeals.detail(clerk, appeal.id).timeline) == 1


def test_forwarding_to_a_retired_department_is_refused(
    desk: Desk, admin: CurrentUser, clerk: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    fire = desk.reference.lookup(admin, "department")["消防大队"]
    desk.reference.retire(admin, "department", fire)
    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "消防", AppealTier.GENERAL, clock.now)
    )
    with pytest.raises(DomainError) as info:
        desk.appeals.act(
            clerk, appeal.id,
            Step(Action.FORWARD, clock.now.astimezone(CN).date(), department_ids=(str(fire),)),
        )  # fmt: skip
    assert "已停用" in info.value.message_zh


def test_inspectors_see_but_do_not_act(
    desk: Desk, clerk: CurrentUser, inspector: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "问题", AppealTier.SIMPLE, clock.now)
    )
    assert desk.appeals.detail(inspector, appeal.id).actions == []
    with pytest.raises(PermissionDenied):
        desk.appeals.act(inspector, appeal.id, Step(Action.NOTE, clock.now.date(), "x"))


def test_raising_the_tier_restarts_the_clock(
    desk: Desk, clerk: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.now = _at("2026-03-02")
    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "问题", AppealTier.GENERAL, clock.now)
    )
    clock.now = _at("2026-03-04")
    raised = desk.appeals.act(
        clerk,
        appeal.id,
        Step(Action.RAISE_TIER, D("2026-03-04"), "涉及多部门", new_tier=AppealTier.MAJOR),
    )
    assert raised.status.tier is AppealTier.MAJOR and raised.deadline.due == D("2026-03-24")


def test_importing_next_years_calendar_firms_provisional_deadlines(
    desk: Desk, admin: CurrentUser, clerk: CurrentUser
) -> None:
    before = desk.calendars.due(AppealTier.GENERAL, D("2026-12-24"))
    assert before.provisional and before.due == D(
        "2027-01-08"
    )  # 元旦 kept, before the official calendar
    with pytest.raises(PermissionDenied):
        desk.calendars.import_year(clerk, '{"year": 2027, "holidays": ["2027-01-01"]}')
    desk.calendars.import_year(
        admin, '{"year": 2027, "holidays": ["2027-01-01", "2027-01-04"], "workdays": []}'
    )
    after = desk.calendars.due(AppealTier.GENERAL, D("2026-12-24"))
    # 01-04 a holiday too: the tenth working day moves to 01-11
    assert not after.provisional and after.due == D("2027-01-11")
    view = desk.calendars.year(2027)
    assert view.source == "管理员导入" and view.table is not None and len(view.table.holidays) == 2
    assert desk.calendars.year(2026).source.startswith("内置")
    assert desk.calendars.year(2030).table is None


def test_the_log_filters_and_flags_overdue(
    desk: Desk, clerk: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.services.appeals import LogFilter

    clock.now = _at("2026-03-02")
    old = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "旧的简易诉求", AppealTier.SIMPLE, clock.now)
    )
    clock.now = _at("2026-03-09")
    new = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "新的一般问题", AppealTier.GENERAL, clock.now)
    )
    clock.now += timedelta(minutes=10)
    done = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "当场答复", AppealTier.SIMPLE, clock.now)
    )
    for step in (Step(Action.ANSWER, D("2026-03-09"), "答"), Step(Action.REPLY, D("2026-03-09"), "复"),
                 Step(Action.CLOSE, D("2026-03-09"), rating=4)):  # fmt: skip
        desk.appeals.act(clerk, done.id, step)
    log = desk.appeal_log
    assert log.ids(clerk, LogFilter()) == [done.id, new.id, old.id]  # newest first
    assert log.ids(clerk, LogFilter(overdue_only=True)) == [old.id]  # due 03-03, today is 03-09
    assert set(log.ids(clerk, LogFilter(open_only=True))) == {old.id, new.id}
    assert log.ids(clerk, LogFilter(text="一般")) == [new.id]
    wide = new.number.translate(str.maketrans("0123456789-", "０１２３４５６７８９－"))
    assert log.ids(clerk, LogFilter(text=wide)) == [new.id]  # typed with a Chinese input method
    assert log.ids(
        clerk, LogFilter(text="崧厦蓝天", tier=AppealTier.SIMPLE, state=AppealState.CLOSED)
    ) == [done.id]
    assert log.ids(clerk, LogFilter(received_to=D("2026-03-05"))) == [old.id]
    assert log.ids(clerk, LogFilter(text="%")) == []
    rows = {r.id: r for r in log.rows(clerk, [old.id, new.id, done.id])}
    assert rows[old.id].overdue and rows[old.id].due == D("2026-03-03")
    assert rows[new.id].due == D("2026-03-23") and rows[new.id].working_days_left == 10
    assert not rows[done.id].overdue and rows[done.id].working_days_left is None
    clock.now = _at("2026-03-20")
    assert log.ids(clerk, LogFilter(due_within=1)) == [new.id, old.id]
    assert log.reminder_counts(clerk) == (1, 1)  # old overdue; new due on the next working day
    assert log.count(clerk, LogFilter(due_within=1)) == 2
    assert log.page(clerk, LogFilter(), 1, 1)[0].id == new.id  # a window of the same order


def test_a_reply_to_the_enterprise_stops_the_clock_in_the_log(
    desk: Desk, clerk: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    """An appeal whose result reached the enterprise is no longer chased: off the overdue and
    due-soon lists and the reminders, its row saying whether the reply was in time, while it
    stays open (办结 awaits the enterprise's satisfaction)."""
    from compliance_desk.services.appeals import LogFilter

    clock.now = _at("2026-03-02")
    in_time, late, waiting = (
        desk.appeals.open_appeal(clerk, AppealDraft(enterprise.id, t, AppealTier.SIMPLE, clock.now))
        for t in ("按期反馈的", "超期反馈的", "尚未反馈的")
    )  # all due 03-03
    clock.now = _at("2026-03-10")
    for appeal, on in ((in_time, "2026-03-03"), (late, "2026-03-05")):
        desk.appeals.act(clerk, appeal.id, Step(Action.ANSWER, D("2026-03-02"), "答"))
        desk.appeals.act(clerk, appeal.id, Step(Action.REPLY, D(on), "已反馈"))
    log = desk.appeal_log
    assert log.ids(clerk, LogFilter(overdue_only=True)) == [waiting.id]
    assert log.ids(clerk, LogFilter(due_within=3)) == [waiting.id]
    assert log.reminder_counts(clerk) == (1, 0)
    assert set(log.ids(clerk, LogFilter(open_only=True))) == {in_time.id, late.id, waiting.id}
    rows = {r.id: r for r in log.rows(clerk, [in_time.id, late.id, waiting.id])}
    assert rows[waiting.id].overdue and rows[waiting.id].replied_late is None
    for appeal, was_late in ((in_time, False), (late, True)):
        row = rows[appeal.id]
        assert not row.overdue and row.working_days_left is None
        assert row.due == D("2026-03-03") and row.replied_late is was_late
    detail = desk.appeals.detail(clerk, late.id)
    assert detail.deadline.steps[-1] == "2026-03-05 反馈企业，计时结束：超期2个工作日反馈"


def test_export_in_the_ledger_layout(
    desk: Desk, clerk: CurrentUser, enterprise, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from compliance_desk.services.appeals import LEDGER_HEADERS, LogFilter

    clock.now = _at("2026-02-13")
    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "劳动合同", AppealTier.GENERAL, clock.now)
    )
    market = desk.reference.lookup(clerk, "department")["市场监管局"]
    clock.now = _at("2026-03-10")
    desk.appeals.act(
        clerk, appeal.id, Step(Action.FORWARD, D("2026-02-24"), department_ids=(str(market),))
    )
    forward_id = desk.appeals.detail(clerk, appeal.id).forwards[0].id
    for step in (Step(Action.DEPARTMENT_ANSWER, D("2026-03-06"), "答复", forward_id=forward_id),
                 Step(Action.REPLY, D("2026-03-09"), "已反馈"), Step(Action.CLOSE, D("2026-03-09"), rating=4)):  # fmt: skip
        desk.appeals.act(clerk, appeal.id, step)
    out = tmp_path / "台账.xlsx"
    assert desk.appeal_log.export(clerk, out, LogFilter()) == 1
    sheet = load_workbook(out)["诉求台账"]
    header, row = list(sheet.iter_rows(values_only=True))
    assert list(header) == LEDGER_HEADERS
    record = dict(zip(header, row, strict=True))
    assert record["受理编号"] == appeal.number and record["企业名称"] == "崧厦蓝天伞业有限公司"
    assert record["转办部门"] == "市场监管局" and record["部门答复日期"] == "2026-03-06"
    assert record["办理期限"] == "2026-03-05" and record["是否超期"] == "超期反馈"  # 03-09
    assert record["反馈企业日期"] == "2026-03-09" and record["办结日期"] == "2026-03-09"
    assert record["已用工作日"] == 12 and record["满意度"] == 4
    assert desk.appeal_log.export(clerk, tmp_path / "none.csv", LogFilter(overdue_only=True)) == 0


def test_the_log_sorts_and_filters_by_department_and_industry(
    desk: Desk, clerk: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.services.appeals import LogFilter

    clock.now = _at("2026-03-02")
    simple = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "乙", AppealTier.SIMPLE, clock.now)
    )
    clock.now = _at("2026-03-03")
    major = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "甲", AppealTier.MAJOR, clock.now)
    )
    general = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "丙", AppealTier.GENERAL, clock.now)
    )
    tax = desk.reference.lookup(clerk, "department")["税务局"]
    desk.appeals.act(
        clerk, general.id, Step(Action.FORWARD, D("2026-03-03"), department_ids=(str(tax),))
    )
    log = desk.appeal_log
    assert log.ids(clerk, LogFilter(sort="tier", descending=False)) == [
        simple.id,
        general.id,
        major.id,
    ]
    # due: simple 03-03, general 03-17, major 03-23
    assert log.ids(clerk, LogFilter(sort="due", descending=False)) == [
        simple.id,
        general.id,
        major.id,
    ]
    assert log.ids(clerk, LogFilter(sort="due")) == [major.id, general.id, simple.id]
    assert log.ids(clerk, LogFilter(sort="state", descending=False))[-1] == general.id  # forwarded
    assert log.ids(clerk, LogFilter(department_id=tax)) == [general.id]
    umbrella = desk.reference.lookup(clerk, "industry")["伞业"]
    assert (
        log.ids(clerk, LogFilter(industry_id=umbrella)) == []
    )  # the fixture's enterprise has none


def test_attachments_are_stored_once_by_content_hash(
    desk: Desk, clerk: CurrentUser, enterprise, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    import compliance_desk.persistence.blob_store as blob_store

    desk.ctx.blob_root = tmp_path / "blobs"
    visit = desk.appeals.register_visit(clerk, VisitDraft(enterprise.id, "郑敏", clock.now))
    scan = tmp_path / "营业执照.jpg"
    scan.write_bytes(b"\xff\xd8scan" * 1000)
    copy = tmp_path / "同一张.jpg"
    copy.write_bytes(scan.read_bytes())
    first = desk.appeals.attach(clerk, "visit", visit.id, scan)
    second = desk.appeals.attach(clerk, "visit", visit.id, copy)
    digest = hashlib.sha256(scan.read_bytes()).hexdigest()
    assert first.sha256 == second.sha256 == digest
    assert first.path.read_bytes() == scan.read_bytes()
    assert len(list((tmp_path / "blobs").rglob(digest))) == 1  # one blob, two records
    assert [a.filename for a in desk.appeals.attachments(clerk, [visit.id])] == [
        "营业执照.jpg",
        "同一张.jpg",
    ]
    with pytest.raises(DomainError) as info:
        desk.appeals.attach(clerk, "visit", visit.id, tmp_path / "missing.png")
    assert "无法读取附件" in info.value.message_zh and "文件不存在" in info.value.message_zh
    assert "No such" not in info.value.message_zh  # the system's English stays in the log
    with pytest.raises(DomainError) as info:
        desk.appeals.attach(clerk, "visit", visit.id, tmp_path)
    assert "是文件夹" in info.value.message_zh
    big = tmp_path / "big.pdf"
    big.write_bytes(b"0" * 2048)
    limit = blob_store.MAX_BYTES
    blob_store.MAX_BYTES = 1024
    try:
        with pytest.raises(DomainError) as info:
            desk.appeals.attach(clerk, "visit", visit.id, big)
    finally:
        blob_store.MAX_BYTES = limit
    assert "过大" in info.value.message_zh
    assert len(desk.appeals.attachments(clerk, [visit.id])) == 2  # nothing half-written


def test_two_desks_acting_at_once_cannot_both_win(
    desk: Desk, clerk: CurrentUser, enterprise, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.domain.errors import ConcurrentEdit
    from compliance_desk.services.appeals import AppealService

    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "并发", AppealTier.GENERAL, clock.now)
    )
    today = clock.now.astimezone(CN).date()
    real_events = AppealService._events
    with desk.ctx.uow(clerk) as uow:
        seen_before = real_events(desk.appeals, uow.session, appeal.id)  # what desk B read
    desk.appeals.act(clerk, appeal.id, Step(Action.NOTE, today, "甲工作台先写入"))  # desk A wins
    monkeypatch.setattr(
        AppealService, "_events", lambda self, session, appeal_id: list(seen_before)
    )
    with pytest.raises(ConcurrentEdit) as info:  # desk B, acting on what it read before
        desk.appeals.act(clerk, appeal.id, Step(Action.NOTE, today, "乙工作台后写入"))
    assert "请刷新后再操作" in info.value.message_zh
    monkeypatch.undo()
    timeline = desk.appeals.detail(clerk, appeal.id).timeline
    assert [t.text for t in timeline][1:] == ["甲工作台先写入"]  # only the winner is recorded


def test_a_walk_in_is_saved_whole_or_not_at_all(
    desk: Desk, clerk: CurrentUser, enterprise, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.persistence.models import Visit

    desk.ctx.blob_root = tmp_path / "blobs"
    scan = tmp_path / "scan.png"
    scan.write_bytes(b"png")
    visit = VisitDraft(enterprise.id, "郑敏", clock.now)
    with pytest.raises(ValidationError) as info:  # the appeal has no title: nothing is written
        desk.appeals.register_walk_in(
            clerk, visit, AppealDraft(enterprise.id, "", AppealTier.SIMPLE, clock.now), [scan]
        )
    assert "诉求事项不能为空" in info.value.message_zh
    with pytest.raises(DomainError):  # an unreadable file: nothing is written either
        desk.appeals.register_walk_in(clerk, visit, None, [tmp_path / "gone.png"])
    with desk.ctx.uow(clerk) as uow:
        assert uow.session.scalars(select(Visit)).first() is None
    saved, appeal = desk.appeals.register_walk_in(
        clerk, visit, AppealDraft(enterprise.id, "有标题", AppealTier.SIMPLE, clock.now), [scan]
    )
    assert appeal is not None and appeal.visit_id == saved.id
    assert [a.filename for a in desk.appeals.attachments(clerk, [saved.id])] == ["scan.png"]


def test_the_ledger_leaves_the_paused_days_out_of_the_working_days_used(
    desk: Desk, clerk: CurrentUser, enterprise, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    """An appeal paused for three working days showed as many days used as one never paused."""
    from openpyxl import load_workbook

    from compliance_desk.services.appeals import LogFilter

    clock.now = _at("2026-03-02")
    paused = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "暂停过的", AppealTier.GENERAL, clock.now)
    )
    desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "未暂停的", AppealTier.GENERAL, clock.now)
    )
    clock.now = _at("2026-03-20")
    desk.appeals.act(clerk, paused.id, Step(Action.PAUSE, D("2026-03-04"), "等企业补材料"))
    desk.appeals.act(clerk, paused.id, Step(Action.RESUME, D("2026-03-09"), "材料已补齐"))
    out = tmp_path / "台账.xlsx"
    desk.appeal_log.export(clerk, out, LogFilter())
    header, *rows = list(load_workbook(out)["诉求台账"].iter_rows(values_only=True))
    used = {r[header.index("诉求事项")]: r[header.index("已用工作日")] for r in rows}
    # 03-03..03-20: 14 working days; 03-04, 05, 06 paused
    assert used == {"未暂停的": 14, "暂停过的": 11}
