"""A clerk's whole path through the real window: register a walk-in, open an appeal,
forward it, record the department's answer, reply to the enterprise, close it."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.appeal_workflow import Action, AppealState
from compliance_desk.gui import i18n
from compliance_desk.gui.main_window import MainWindow
from compliance_desk.gui.step_dialog import StepDialog
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.demo_data import load_demo

pytestmark = pytest.mark.gui
CN = timezone(timedelta(hours=8))


@pytest.fixture(scope="module", autouse=True)
def chinese(qapp: QApplication):  # type: ignore[no-untyped-def]
    keep = i18n.install(qapp)
    yield
    del keep


@pytest.fixture
def window(qtbot, sqlite_desk: Desk, clock) -> MainWindow:  # type: ignore[no-untyped-def]
    clock.now = datetime(2026, 2, 13, 9, 30, tzinfo=CN)  # the Friday before the Spring Festival
    load_demo(sqlite_desk.ctx, "small", appeals=0)  # an empty log: this test fills it
    user = sqlite_desk.auth.login("clerk", "Clerk2026")
    w = MainWindow(sqlite_desk, user, TaskRunner(synchronous=True))
    qtbot.addWidget(w)
    w.show()
    return w


def _fill_and_accept(page, fill):  # type: ignore[no-untyped-def]
    """Stand in for the person at the step dialog: fill it, then press OK."""

    def run(dialog: StepDialog) -> bool:
        fill(dialog)
        return True

    page.exec_step_dialog = run


def test_the_clerks_whole_path(qtbot, window: MainWindow, sqlite_desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    visit = window.visit_page
    log = window.log_page
    assert visit is not None and log is not None
    assert window.pages.currentWidget() is visit and visit.enterprise_edit.hasFocus()

    # 1. Register the walk-in: find the enterprise by pinyin initials, type the rest.
    qtbot.keyClicks(visit.enterprise_edit, "sxrz")
    if visit.enterprise is None:  # several matches: choose the first suggestion
        first = visit._completion.stringList()[0]
        visit._chosen(first)
    assert visit.enterprise is not None and "崧厦润泽" in visit.enterprise.name
    enterprise_name = visit.enterprise.name
    visit.visitor.setText("郑敏")
    qtbot.keyClicks(visit.phone, "13957667049")
    assert visit.area.currentText() == "其他"  # until chosen (not the first area, unasked)
    visit.area.setCurrentIndex(visit.area.findText("劳动用工管理"))
    visit.description.setPlainText("咨询劳动合同续签")
    visit.title.setText("劳动合同续签问题")
    assert visit.tier.currentText().startswith("一般性问题")
    qtbot.keyClick(visit.title, Qt.Key.Key_Return)  # Enter saves
    assert (
        "已登记。受理编号 20260213-" in visit.message.text()
        and "期限 2026-03-05" in visit.message.text()
    )
    assert visit.enterprise_edit.text() == "" and visit.recent.count() == 1

    # 2. The appeal is in the log, selected, with its clock explained.
    window.show_page(log)
    assert log.model.rowCount() == 1
    log.table.selectRow(0)
    assert log.current is not None and log.current.status.state is AppealState.ACCEPTED
    text = log.detail.toPlainText()
    assert "2026-03-05 24:00" in text and "春节假期" in text and enterprise_name in text
    assert log.buttons[Action.FORWARD].isEnabled() and not log.buttons[Action.CLOSE].isEnabled()

    # 3. Forward to the HR and social security bureau after the holiday.
    clock.now = datetime(2026, 2, 24, 10, 0, tzinfo=CN)

    def forward(dialog: StepDialog) -> None:
        items = dialog.departments.findItems("人力社保局", Qt.MatchFlag.MatchExactly)
        items[0].setCheckState(Qt.CheckState.Checked)
        dialog.text.setPlainText("请答复劳动合同续签问题")

    _fill_and_accept(log, forward)
    qtbot.mouseClick(log.buttons[Action.FORWARD], Qt.MouseButton.LeftButton)
    assert log.current is not None and log.current.status.state is AppealState.FORWARDED
    assert "人力社保局：2026-02-24 转办，2026-03-09 前答复；等待答复" in log.detail.toPlainText()
    assert "已超期" not in log.detail.toPlainText()
    clock.now = datetime(2026, 3, 11, 10, 0, tzinfo=CN)  # the bureau's deadline passed
    log._show(log.desk.appeals.detail(log.user, log.current.id))
    assert "已超期：答复期限已过 2 日仍未答复" in log.detail.toPlainText()

    # 4. The department answers.
    clock.now = datetime(2026, 3, 2, 15, 0, tzinfo=CN)
    _fill_and_accept(log, lambda d: d.text.setPlainText("可依法续签"))
    qtbot.mouseClick(log.buttons[Action.DEPARTMENT_ANSWER], Qt.MouseButton.LeftButton)
    assert log.current is not None and log.current.status.state is AppealState.ANSWERED
    assert "2026-03-09 前答复；2026-03-02 已答复" in log.detail.toPlainText()  # each date named

    # 5. Reply to the enterprise through the chamber, then close with its rating.
    _fill_and_accept(log, lambda d: d.text.setPlainText("已经商会反馈企业"))
    qtbot.mouseClick(log.buttons[Action.REPLY], Qt.MouseButton.LeftButton)

    def close(dialog: StepDialog) -> None:
        assert dialog.rating.text() == "请询问企业"  # asked, not assumed (it started at 5)
        dialog.text.setPlainText("企业表示满意")
        dialog.accept()  # without a rating: said in the dialog, which stays with the text
        assert "请先记录企业满意度" in dialog.message.text() and dialog.result() == 0
        assert dialog.text.toPlainText() == "企业表示满意"
        dialog.rating.setValue(5)

    _fill_and_accept(log, close)
    qtbot.mouseClick(log.buttons[Action.CLOSE], Qt.MouseButton.LeftButton)
    assert log.current is not None and log.current.status.state is AppealState.CLOSED
    assert log.buttons[Action.REOPEN].isEnabled() and not log.buttons[Action.FORWARD].isVisibleTo(
        log
    )
    detail = log.detail.toPlainText()
    for words in ("受理", "转办部门", "部门答复", "反馈企业", "办结", "满意度：5分", "陈晓燕"):
        assert words in detail

    # 6. The log's filters: closed appeals leave the default (open) view.
    log.state.setCurrentIndex(0)
    log.refresh()
    assert log.model.rowCount() == 0


def test_the_registration_form_refuses_without_enterprise_or_visitor(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    visit = window.visit_page
    assert visit is not None
    visit.save()
    assert "请先选择企业" in visit.message.text()
    qtbot.keyClicks(visit.enterprise_edit, "91330604")
    if visit.enterprise is None:
        visit._chosen(visit._completion.stringList()[0])
    assert visit.message.text() == ""  # answered: the red line goes (it stayed under the choice)
    visit.title.setText("事项")
    visit.save()
    assert "来访人姓名不能为空" in visit.message.text()
    assert window.log_page is not None and window.log_page.model.rowCount() == 0


def test_overdue_appeals_are_red_and_reminded(
    qtbot, window: MainWindow, sqlite_desk: Desk, clock
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import AppealDraft
    from compliance_desk.gui.appeal_log_page import OVERDUE

    user = window.log_page.user  # type: ignore[union-attr]
    enterprise = sqlite_desk.enterprises.search(user, "sx")[0]
    sqlite_desk.appeals.open_appeal(
        user, AppealDraft(enterprise.id, "简易咨询", AppealTier.SIMPLE, clock.now)
    )
    clock.now = datetime(2026, 2, 25, 10, 0, tzinfo=CN)  # due 02-14 (make-up Saturday): overdue
    log = window.log_page
    assert log is not None
    log.refresh()
    with qtbot.waitSignal(log.reminded, timeout=1000) as notice:  # what the tray would show
        log.remind()
    assert log.reminder.isVisibleTo(log) and "1 件诉求已超期" in log.reminder.text()
    assert notice.args == [log.reminder.text()]
    index = log.model.index(0, 7)
    assert log.model.data(index) == "已超期"
    assert log.model.data(index, Qt.ItemDataRole.BackgroundRole) == OVERDUE
    clock.now = datetime(2026, 2, 28, 20, 0, tzinfo=CN)  # after working hours: no nagging
    log.remind()
    assert not log.reminder.isVisibleTo(log)
    # Answered and replied to the enterprise, late: the clock stops; no longer red nor reminded.
    from compliance_desk.domain.appeal_workflow import Action, Step
    from compliance_desk.services.appeals import LogFilter

    [appeal_id] = sqlite_desk.appeal_log.ids(user, LogFilter())
    for step in (Step(Action.ANSWER, date(2026, 2, 25), "答"), Step(Action.REPLY, date(2026, 2, 26), "复")):  # fmt: skip
        sqlite_desk.appeals.act(user, appeal_id, step)
    clock.now = datetime(2026, 3, 2, 10, 0, tzinfo=CN)
    log.refresh()
    assert log.model.data(index) == "超期反馈"
    assert log.model.data(index, Qt.ItemDataRole.BackgroundRole) is None
    log.remind()
    assert not log.reminder.isVisibleTo(log)
    log._show(sqlite_desk.appeals.detail(user, appeal_id))
    shown = log.detail.toPlainText()
    assert "（超期反馈）" in shown and "2026-02-26 反馈企业，计时结束：超期" in shown


def test_the_log_exports_its_current_filter(
    qtbot, window: MainWindow, sqlite_desk: Desk, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import AppealDraft

    log = window.log_page
    assert log is not None
    for title in ("甲事项", "乙事项"):
        enterprise = sqlite_desk.enterprises.search(log.user, "sx")[0]
        sqlite_desk.appeals.open_appeal(
            log.user, AppealDraft(enterprise.id, title, AppealTier.SIMPLE, clock.now)
        )
    log.search.setText("乙")
    log.refresh()
    out = tmp_path / "log.csv"
    log.export(str(out))
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) == 2 and "乙事项" in lines[1]
    assert log.count.text() == "已导出 1 件"


def test_the_receipt_is_saved_from_the_log(
    qtbot, window: MainWindow, sqlite_desk: Desk, clock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    import subprocess

    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import AppealDraft

    log = window.log_page
    assert log is not None
    enterprise = sqlite_desk.enterprises.search(log.user, "sx")[0]
    appeal = sqlite_desk.appeals.open_appeal(
        log.user, AppealDraft(enterprise.id, "回执测试", AppealTier.MAJOR, clock.now)
    )
    log.refresh(select=appeal.id)
    assert log.receipt_button.isEnabled()
    out = tmp_path / "r.pdf"
    log.save_receipt(str(out), open_it=False)
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True
    ).stdout
    flat = "".join(text.split())
    assert appeal.number in flat and enterprise.name in flat and "重大涉法问题" in flat
    assert "2026年3月5日24时" in flat  # 20 days from 02-13


def test_clicking_a_header_sorts_the_log(
    qtbot, window: MainWindow, sqlite_desk: Desk, clock
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import AppealDraft

    log = window.log_page
    assert log is not None
    enterprise = sqlite_desk.enterprises.search(log.user, "sx")[0]
    for title, tier in (
        ("简易的", AppealTier.SIMPLE),
        ("复杂的", AppealTier.COMPLEX),
        ("一般的", AppealTier.GENERAL),
    ):
        sqlite_desk.appeals.open_appeal(
            log.user, AppealDraft(enterprise.id, title, tier, clock.now)
        )
    log.table.horizontalHeader().setSortIndicator(3, Qt.SortOrder.AscendingOrder)  # tier
    titles = [log.model.data(log.model.index(r, 2)) for r in range(log.model.rowCount())]
    assert titles == ["简易的", "一般的", "复杂的"]
    log.table.horizontalHeader().setSortIndicator(6, Qt.SortOrder.DescendingOrder)  # due, derived
    titles = [log.model.data(log.model.index(r, 2)) for r in range(log.model.rowCount())]
    assert titles == ["复杂的", "一般的", "简易的"]


def test_a_walk_in_with_a_scan_shows_it_on_the_appeal(
    qtbot, window: MainWindow, sqlite_desk: Desk, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    visit, log = window.visit_page, window.log_page
    assert visit is not None and log is not None
    scan = tmp_path / "材料.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    qtbot.keyClicks(visit.enterprise_edit, "sxrz")
    if visit.enterprise is None:
        visit._chosen(visit._completion.stringList()[0])
    visit.visitor.setText("郑敏")
    visit.title.setText("带材料的诉求")
    visit.add_attachments([str(scan)])
    assert visit.attached.text() == "材料.pdf"
    visit.save()
    assert visit.attached.text() == "" and "已登记" in visit.message.text()
    log.refresh()
    log.table.selectRow(0)
    assert "材料.pdf" in log.detail.toPlainText() and "附件" in log.detail.toPlainText()


def test_the_log_filters_by_receipt_period(
    qtbot, window: MainWindow, sqlite_desk: Desk, clock
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import AppealDraft

    log = window.log_page
    assert log is not None
    enterprise = sqlite_desk.enterprises.search(log.user, "sx")[0]
    old_time = clock.now - timedelta(days=20)
    sqlite_desk.appeals.open_appeal(
        log.user, AppealDraft(enterprise.id, "二十天前", AppealTier.SIMPLE, old_time)
    )
    sqlite_desk.appeals.open_appeal(
        log.user, AppealDraft(enterprise.id, "今天", AppealTier.SIMPLE, clock.now)
    )
    log.period.setCurrentIndex(log.period.findText("近7天受理"))
    assert [log.model.data(log.model.index(r, 2)) for r in range(log.model.rowCount())] == ["今天"]
    log.period.setCurrentIndex(log.period.findText("近30天受理"))
    assert log.model.rowCount() == 2


def test_an_appeal_far_down_the_log_keeps_its_record_after_a_step(
    qtbot, window: MainWindow, sqlite_desk: Desk, clock
) -> None:  # type: ignore[no-untyped-def]
    """After a step on an appeal beyond the pages held (the oldest of hundreds), the log
    refreshes and still shows that appeal's record and actions, not an empty panel."""
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import AppealDraft
    from compliance_desk.services.appeals import LogFilter

    log = window.log_page
    assert log is not None
    enterprise = sqlite_desk.enterprises.search(log.user, "sx")[0]
    first = None
    for n in range(log.model.PAGE + 30):
        a = sqlite_desk.appeals.open_appeal(
            log.user, AppealDraft(enterprise.id, f"事项{n}", AppealTier.GENERAL, clock.now)
        )
        first = first or a
    assert first is not None
    log.refresh()
    newest_first = sqlite_desk.appeal_log.ids(log.user, LogFilter(open_only=True))
    assert newest_first.index(first.id) >= log.model.PAGE  # not on the page held
    log.refresh(select=first.id)
    assert log.model._submit is not None  # noqa: SLF001 - far pages come from the runner
    assert log.model.row_of(first.id) == -1
    assert log.current is not None and log.current.id == first.id
    assert first.number in log.detail.toPlainText()


def test_reading_a_list_again_keeps_the_clerks_place_and_record(
    qtbot, window: MainWindow, sqlite_desk: Desk, clock
) -> None:  # type: ignore[no-untyped-def]
    """F5 or another desk's changes arriving read a list again: the clerk stays where they were
    in the list, with the same record open, on the register and on the log."""
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import AppealDraft

    window.resize(1280, 760)
    register = window.enterprise_page
    window.show_page(register)
    qtbot.waitUntil(lambda: register.model.rowCount() > 100)
    register.table.selectRow(150)
    chosen = register.selected()
    bar = register.table.verticalScrollBar()
    assert chosen is not None and bar.value() > 0
    place = bar.value()
    window.refresh_action.trigger()
    assert bar.value() == place
    assert register.selected() is not None and register.selected().id == chosen.id

    log = window.log_page
    assert log is not None
    enterprise = sqlite_desk.enterprises.search(log.user, "sx")[0]
    for n in range(log.model.PAGE + 30):
        sqlite_desk.appeals.open_appeal(
            log.user, AppealDraft(enterprise.id, f"事项{n}", AppealTier.GENERAL, clock.now)
        )
    window.show_page(log)
    log.refresh()
    log.table.selectRow(60)
    qtbot.waitUntil(lambda: log.current is not None)
    shown = log.current
    log_bar = log.table.verticalScrollBar()
    log_bar.setValue(log_bar.maximum())
    place = log_bar.value()
    assert place > 0
    window.refresh_action.trigger()
    assert log_bar.value() == place  # not back at the top
    assert log.current is not None and log.current.id == shown.id


def test_a_refused_step_keeps_the_dialog_and_what_was_typed(
    qtbot, window: MainWindow, sqlite_desk: Desk, clock
) -> None:  # type: ignore[no-untyped-def]
    """The state machine's checks run before the dialog closes: a refusal is said in it, in
    Chinese, with the text still there; its date cannot go before the last step."""
    from compliance_desk.domain.appeal_workflow import Action, Step
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import AppealDraft

    user = window.log_page.user  # type: ignore[union-attr]
    enterprise = sqlite_desk.enterprises.search(user, "sx")[0]
    appeal = sqlite_desk.appeals.open_appeal(
        user, AppealDraft(enterprise.id, "简易咨询", AppealTier.SIMPLE, clock.now)
    )
    clock.now = datetime(2026, 2, 24, 10, 0, tzinfo=CN)
    sqlite_desk.appeals.act(user, appeal.id, Step(Action.ANSWER, date(2026, 2, 14), "答"))
    detail = sqlite_desk.appeals.detail(user, appeal.id)
    dialog = StepDialog(Action.REPLY, detail, [], date(2026, 2, 24), None, user.role)
    qtbot.addWidget(dialog)
    assert dialog.on.minimumDate().toString("yyyy-MM-dd") == "2026-02-14"
    dialog.on.setDate(dialog.on.minimumDate().addDays(-5))  # clamped to the last step's day
    assert dialog.on.date().toString("yyyy-MM-dd") == "2026-02-14"
    dialog.show()
    dialog.accept()  # no text: refused in the dialog
    assert dialog.isVisible() and "请填写反馈企业的内容" in dialog.message.text()
    dialog.text.setPlainText("已电话告知企业负责人，" * 20)
    dialog.accept()
    assert dialog.result() == StepDialog.DialogCode.Accepted
    assert dialog.step().text.startswith("已电话告知企业负责人")


def test_a_walk_in_already_registered_is_chosen_from_the_new_enterprise_dialog(
    qtbot, window: MainWindow, sqlite_desk: Desk
) -> None:  # type: ignore[no-untyped-def]
    """ "Already registered: open the existing record" in the new-enterprise dialog opened from
    the walk-in form chooses that enterprise for the visit (it closed and did nothing)."""
    visit = window.visit_page
    assert visit is not None
    existing = sqlite_desk.enterprises.search(visit.user, "sx")[0]

    def open_the_existing(dialog) -> bool:  # type: ignore[no-untyped-def]
        dialog.open_existing.emit(existing.id)  # as its button or a similar name's link does
        return False

    visit.exec_dialog = open_the_existing
    visit._create_enterprise()
    assert visit.enterprise is not None and visit.enterprise.id == existing.id
    assert visit.enterprise_edit.text() == existing.name
