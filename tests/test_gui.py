"""Real widgets under QT_QPA_PLATFORM=offscreen, driven as the desk would drive them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.local_time import CHINA
from compliance_desk.gui import i18n
from compliance_desk.gui.enterprise_dialog import EnterpriseDialog
from compliance_desk.gui.enterprise_model import EnterpriseTableModel
from compliance_desk.gui.import_dialog import ImportDialog
from compliance_desk.gui.login import FirstRunDialog, SignInPanel
from compliance_desk.gui.main_window import MainWindow
from compliance_desk.gui.single_instance import SingleInstance
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.demo_data import load_demo
from tests.conftest import LEDGERS

pytestmark = pytest.mark.gui


@pytest.fixture(scope="session", autouse=True)
def chinese(qapp: QApplication) -> Iterator[None]:
    keep = i18n.install(qapp)
    yield
    del keep


@pytest.fixture
def runner() -> TaskRunner:
    return TaskRunner(synchronous=True)


@pytest.fixture
def window(qtbot, sqlite_desk: Desk, runner: TaskRunner) -> MainWindow:  # type: ignore[no-untyped-def]
    load_demo(sqlite_desk.ctx, "small")
    user = sqlite_desk.auth.login("clerk", "Clerk2026")
    w = MainWindow(sqlite_desk, user, runner)
    qtbot.addWidget(w)
    w.show()
    return w


def test_standard_buttons_read_chinese(qtbot) -> None:  # type: ignore[no-untyped-def]
    box = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    qtbot.addWidget(box)
    assert box.button(QDialogButtonBox.StandardButton.Ok).text() == "确定"
    assert box.button(QDialogButtonBox.StandardButton.Cancel).text() == "取消"


def test_main_window_in_chinese_with_status_bar(window: MainWindow) -> None:
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == [
        "来访登记",
        "诉求台账",
        "企业档案",
    ]  # a clerk sees no admin pages
    assert window.user_label.text() == "陈晓燕 · 前台工作人员"
    assert window.windowTitle().startswith("上虞区重点产业合规服务台 ")  # as the sign-in names it
    assert window.db_label.text() == "数据库：本机（desk.sqlite3）"  # not "sqlite:////tmp/…"
    assert window.db_label.toolTip().startswith("sqlite:///")  # the whole address here
    assert window.sync_label.text().startswith("同步：")
    page = window.enterprise_page
    assert page.count.text() == "共 200 家企业"
    assert page.new_button.text() == "新建企业"
    assert page.delete_button.isHidden()  # clerks may not delete; the service refuses too


def test_admin_sees_admin_pages(qtbot, sqlite_desk: Desk, runner: TaskRunner) -> None:  # type: ignore[no-untyped-def]
    load_demo(sqlite_desk.ctx, "small")
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    w = MainWindow(sqlite_desk, admin, runner)
    qtbot.addWidget(w)
    assert [w.nav.item(i).text() for i in range(w.nav.count())] == [
        "来访登记",
        "诉求台账",
        "文书",
        "检查",
        "企业档案",
        "文书模板",
        "基础数据",
        "用户管理",
    ]


def test_a_new_user_refused_keeps_what_was_typed(qtbot, sqlite_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    """The dialog says why (a name taken) and stays open with the input; it closed first and
    showed the refusal after, the typing lost.  The users' table is not editable in place."""
    from PySide6.QtWidgets import QAbstractItemView, QDialog

    from compliance_desk.gui.admin_pages import NewUserDialog, UsersPage

    load_demo(sqlite_desk.ctx, "small", appeals=0)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    page = UsersPage(sqlite_desk, admin)
    qtbot.addWidget(page)
    assert page.table.editTriggers() == QAbstractItemView.EditTrigger.NoEditTriggers
    dialog = NewUserDialog(sqlite_desk, admin, page)
    qtbot.addWidget(dialog)
    dialog.centre.setCurrentIndex(1)
    dialog.username.setText("clerk")  # taken
    dialog.display_name.setText("新同事")
    dialog.password.setText("Newcomer2026")
    dialog.save()
    assert dialog.created is None and dialog.result() != QDialog.DialogCode.Accepted
    assert "已被使用" in dialog.message.text()  # said in the dialog, in Chinese
    assert (dialog.username.text(), dialog.display_name.text()) == ("clerk", "新同事")
    dialog.username.setText("newcomer")
    dialog.centre.setCurrentIndex(0)
    dialog.save()  # a clerk with no centre: said in the dialog
    assert dialog.created is None and "须属于一个合规中心" in dialog.message.text()
    dialog.centre.setCurrentIndex(1)
    dialog.save()
    assert dialog.created is not None and dialog.result() == QDialog.DialogCode.Accepted
    page.reload()
    names = [page.table.item(r, 0).text() for r in range(page.table.rowCount())]
    assert "newcomer" in names


def test_the_administrator_sets_a_centres_address_and_telephone(qtbot, sqlite_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    """For the appeal receipts (咨询电话): a phone that is no phone number is refused in the
    dialog, what was typed kept; saved, the list shows it."""
    from compliance_desk.gui.admin_pages import ContactDialog, ReferenceList

    load_demo(sqlite_desk.ctx, "small", appeals=0)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    page = ReferenceList(sqlite_desk, admin, "centre")
    qtbot.addWidget(page)
    row = next(i for i in range(page.list.count()) if "伞业合规中心" in page.list.item(i).text())
    page.list.setCurrentRow(row)
    seen: list[str] = []

    def fill(dialog: ContactDialog) -> bool:
        assert dialog.phone.text() == "0575-82112345"  # the demo's, shown to change
        dialog.address.setText("崧厦街道伞城大道1号")
        dialog.phone.setText("8211")
        dialog.save()
        seen.append(dialog.message.text())
        assert dialog.phone.text() == "8211" and dialog.result() != dialog.DialogCode.Accepted
        dialog.phone.setText("0575-82110000")
        dialog.save()
        return dialog.result() == dialog.DialogCode.Accepted

    page.exec_dialog = fill  # type: ignore[method-assign]
    assert page.set_contact()
    assert "联系电话格式不正确" in seen[0]
    assert page.list.currentItem().text() == "伞业合规中心　0575-82110000　崧厦街道伞城大道1号"


def test_passwords_are_changed_and_reset_and_nobody_is_locked_out(
    qtbot, sqlite_desk: Desk, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The administrator resets a forgotten password, cannot disable their own account (said,
    not a crash), confirms before disabling another; anyone changes their own password from
    the File menu, a refusal said in the dialog with the typing kept."""
    from PySide6.QtWidgets import QMessageBox

    from compliance_desk.gui.admin_pages import UsersPage
    from compliance_desk.gui.password_dialog import PasswordDialog

    load_demo(sqlite_desk.ctx, "small", appeals=0)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    page = UsersPage(sqlite_desk, admin)
    qtbot.addWidget(page)
    rows = {page.table.item(r, 0).text(): r for r in range(page.table.rowCount())}
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: said.append(text))

    def fill(new: str, again: str):  # type: ignore[no-untyped-def]
        def run(dialog: PasswordDialog) -> bool:
            dialog.new.setText(new)
            dialog.again.setText(again)
            dialog.save()
            return dialog.result() == PasswordDialog.DialogCode.Accepted

        return run

    page.table.setCurrentCell(rows["clerk"], 0)
    page.exec_dialog = fill("Reset2026a", "Reset2026b")  # type: ignore[method-assign]
    assert not page.reset_password()
    page.exec_dialog = fill("Reset2026a", "Reset2026a")  # type: ignore[method-assign]
    assert page.reset_password()
    clerk = sqlite_desk.auth.login("clerk", "Reset2026a")
    page.table.setCurrentCell(rows["admin"], 0)
    page.confirm = lambda _q: True  # type: ignore[method-assign]
    page.toggle()
    assert said and "不能停用自己的账号" in said[-1]
    asked: list[str] = []
    page.confirm = lambda q: asked.append(q) or False  # type: ignore[method-assign]
    page.table.setCurrentCell(rows["clerk"], 0)
    page.toggle()  # asked, and answered no: still enabled
    assert asked and "不能再登录" in asked[0]
    assert page.table.item(rows["clerk"], 3).text() == "是"

    window = MainWindow()
    qtbot.addWidget(window)
    assert not window.password_action.isEnabled()
    window.open_desk(sqlite_desk, clerk, TaskRunner(synchronous=True))
    assert window.password_action.isEnabled()

    def change(dialog: PasswordDialog) -> bool:
        dialog.old.setText("wrong-one1")
        dialog.new.setText("Mine2026x")
        dialog.again.setText("Mine2026x")
        dialog.save()
        assert "原密码不正确" in dialog.message.text() and dialog.new.text() == "Mine2026x"
        dialog.old.setText("Reset2026a")
        dialog.save()
        return dialog.result() == PasswordDialog.DialogCode.Accepted

    window.exec_dialog = change  # type: ignore[method-assign]
    assert window.change_password()
    assert sqlite_desk.auth.login("clerk", "Mine2026x").id == clerk.id


def test_search_as_you_type_filters_the_table(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.enterprise_page
    qtbot.keyClicks(page.search, "songxia")
    qtbot.waitUntil(lambda: page.count.text().startswith("找到"), timeout=3000)
    assert page.model.rowCount() > 0
    names = [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]
    assert all(n.startswith("崧厦") for n in names)
    assert "崧厦" in page.detail.toPlainText()  # first match selected and shown with its history
    assert "历史记录" in page.detail.toPlainText()
    shown = page.selected()
    assert shown is not None
    [made] = window.desk.enterprises.history(window.user, shown.id)  # the demo's registration
    at = made.at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")  # China time, whatever the zone
    assert f"{at} {made.user_name}" in page.detail.toPlainText()  # of the computer
    fresh = window.desk.enterprises.create(
        window.user, EnterpriseDraft(name="崧厦新来伞业有限公司", uscc="91330604MA2BLXT00Q")
    )  # no appeals yet: its section says so (a heading with nothing under it looked unfinished)
    page.search.setText("崧厦新来伞业")
    qtbot.waitUntil(lambda: fresh.name in page.detail.toPlainText(), timeout=3000)
    assert "诉求记录\n无" in page.detail.toPlainText()
    page.search.setText("无此企业名称")  # (QTest types Latin-1 only)
    qtbot.waitUntil(lambda: page.count.text() == "找到 0 家", timeout=3000)
    assert "没有与“无此企业名称”相符的企业" in page.detail.toPlainText()
    assert "新建企业" in page.detail.toPlainText()  # what to do next (a clerk may register it)


def test_the_paged_model_passes_the_model_tester(qtmodeltester, sqlite_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    load_demo(sqlite_desk.ctx, "small")
    user = sqlite_desk.auth.login("clerk", "Clerk2026")
    model = EnterpriseTableModel(lambda ids: sqlite_desk.enterprises.rows(user, ids))
    model.set_ids(
        sqlite_desk.enterprises.ids(
            user, __import__("compliance_desk.services.enterprises", fromlist=["Filter"]).Filter()
        )
    )
    qtmodeltester.check(model)


def test_the_model_fetches_only_the_pages_it_shows() -> None:
    fetched: list[int] = []
    ids = [uuid.uuid4() for _ in range(10_000)]

    def fetch(page_ids):  # type: ignore[no-untyped-def]
        fetched.append(len(page_ids))
        from tests.test_gui_support import fake_view

        return [fake_view(i) for i in page_ids]

    model = EnterpriseTableModel(fetch, max_pages=3)
    model.set_ids(ids)
    assert model.rowCount() == 10_000 and fetched == []
    for row in (0, 5000, 9999, 200, 7000):
        assert model.data(model.index(row, 0)) == f"企业{ids[row].hex[:6]}"
    assert fetched == [200] * 5
    assert model.cached_pages == 3


def test_the_appeal_log_model_shows_its_first_page_then_grows_to_the_count(
    qtmodeltester,
) -> None:  # type: ignore[no-untyped-def]
    """The log paints its first page before the count is known; when the count arrives the
    rows are added at the end (selection and scroll stay), later pages fetched by offset."""
    from datetime import UTC, datetime

    from PySide6.QtCore import QItemSelectionModel

    from compliance_desk.domain.appeal_workflow import AppealState
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.gui.appeal_log_page import AppealLogModel
    from compliance_desk.services.appeals import LogRow

    ids = [uuid.uuid4() for _ in range(250)]
    fetched: list[tuple[int, int]] = []

    def row(i: uuid.UUID) -> LogRow:
        return LogRow(i, i.hex[:8], "企业", "诉求", AppealTier.SIMPLE, AppealState.ACCEPTED,
                      datetime(2026, 3, 2, tzinfo=UTC), None, False, False, None)  # fmt: skip

    def fetch(offset: int, limit: int):  # type: ignore[no-untyped-def]
        fetched.append((offset, limit))
        return [row(i) for i in ids[offset : offset + limit]]

    model = AppealLogModel()
    model.set_fetch(fetch)
    model.set_result(100, fetch(0, 100))
    selection = QItemSelectionModel(model)
    selection.select(model.index(3, 0), QItemSelectionModel.SelectionFlag.Select)
    model.set_count(250)
    assert model.rowCount() == 250 and selection.isSelected(model.index(3, 0))
    page = model.PAGE
    assert model.id_at(249) == ids[249] and fetched[-1] == (249 // page * page, page)
    model.set_count(120)  # rows gone meanwhile
    assert model.rowCount() == 120 and model.id_at(119) == ids[119]
    qtmodeltester.check(model)


def test_a_far_page_of_the_log_arrives_from_a_worker_without_freezing(qtbot) -> None:  # type: ignore[no-untyped-def]
    """Dragging the scroll bar far down a million rows: the page is asked of a worker (the GUI
    thread never runs the deep OFFSET), its rows are blank meanwhile and repainted when it
    arrives; a page that arrives after the filter changed is thrown away."""
    from datetime import UTC, datetime

    from compliance_desk.domain.appeal_workflow import AppealState
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.gui.appeal_log_page import AppealLogModel
    from compliance_desk.services.appeals import LogRow

    ids = [uuid.uuid4() for _ in range(1000)]

    def row(i: uuid.UUID) -> LogRow:
        return LogRow(i, i.hex[:8], "企业", "诉求", AppealTier.SIMPLE, AppealState.ACCEPTED,
                      datetime(2026, 3, 2, tzinfo=UTC), None, False, False, None)  # fmt: skip

    def fetch(offset: int, limit: int):  # type: ignore[no-untyped-def]
        return [row(i) for i in ids[offset : offset + limit]]

    waiting: list[tuple] = []  # (work, on_done, on_error) submitted, not yet run

    model = AppealLogModel()
    model.set_fetch(fetch)
    model.set_loader(lambda work, done, failed: waiting.append((work, done, failed)))
    model.set_result(1000, fetch(0, 100))
    assert model.id_at(5) == ids[5] and waiting == []  # the first page is held
    assert model.data(model.index(750, 0)) is None and len(waiting) == 1  # asked, blank
    assert model.data(model.index(760, 0)) is None and len(waiting) == 1  # asked once
    work, done, _failed = waiting.pop()
    with qtbot.waitSignal(model.dataChanged) as changed:
        done(work())
    first = 750 // model.PAGE * model.PAGE
    assert changed.args[0].row() == first and changed.args[1].row() == first + model.PAGE - 1
    assert model.id_at(750) == ids[750]
    # a page on its way when the filter changes is dropped
    assert model.data(model.index(450, 0)) is None
    work, done, _failed = waiting.pop()
    model.set_result(10, fetch(0, 10))
    done(work())
    assert model.rowCount() == 10 and model.cached_pages == 1
    # a failed fetch is not asked again at every repaint (one error, not a dialog per paint),
    # only with the next result
    model.set_result(1000, fetch(0, 100))
    assert model.data(model.index(300, 0)) is None
    _work, _done, failed = waiting.pop()
    failed(RuntimeError("disk"))
    assert model.data(model.index(300, 0)) is None and waiting == []
    model.set_result(1000, fetch(0, 100))
    assert model.data(model.index(300, 0)) is None and len(waiting) == 1


def test_new_enterprise_form_checks_as_you_type_and_saves(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.enterprise_page
    dialog = EnterpriseDialog(page.desk, page.user, None, window)
    qtbot.addWidget(dialog)
    ui = dialog.ui
    assert ui.nameEditLabel.text() == "企业名称 *"
    ui.nameEdit.setText(
        "崧厦测试伞业有限公司"
    )  # QTest types ASCII only; the checks below are typed
    qtbot.keyClicks(ui.usccEdit, "91330604QU4AX6JM2X")
    assert "校验位" in ui.usccHint.text()
    ui.usccEdit.clear()
    qtbot.keyClicks(ui.usccEdit, "91330604QU4AX6JM2M")
    assert ui.usccHint.text() == ""
    qtbot.keyClicks(ui.phoneEdit, "12345")
    assert "联系电话格式不正确" in ui.phoneHint.text()
    ui.phoneEdit.clear()
    qtbot.keyClicks(ui.phoneEdit, "0575 8211 0174")
    assert ui.phoneHint.text() == ""
    assert ui.centreCombo.currentText() == "伞业合规中心"  # the clerk's own centre by default
    ui.sizeCombo.setCurrentIndex(ui.sizeCombo.findText("小型"))
    dialog.save()
    assert dialog.saved is not None and dialog.saved.contact_phone == "0575-82110174"
    assert dialog.saved.size is not None and dialog.saved.size.label == "小型"
    assert page.desk.enterprises.search(page.user, "崧厦测试")[0].id == dialog.saved.id


def test_duplicate_code_links_to_the_existing_record(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.enterprise_page
    existing = page.desk.enterprises.create(
        page.user, EnterpriseDraft(name="某某测试伞业有限公司", uscc="91330604QU4AX6JM2M")
    )
    dialog = EnterpriseDialog(page.desk, page.user, None, window)
    qtbot.addWidget(dialog)
    dialog.ui.nameEdit.setText("完全不同的名字有限公司")
    dialog.ui.usccEdit.setText("91330604qu4ax6jm2m")
    dialog.ui.usccEdit.editingFinished.emit()
    assert "已登记为“某某测试伞业有限公司”" in dialog.ui.usccHint.text()
    assert str(existing.id) in dialog.ui.usccHint.text()
    opened: list[uuid.UUID] = []
    dialog.open_existing.connect(opened.append)
    dialog.ui.usccHint.linkActivated.emit(str(existing.id))
    assert opened == [existing.id]


def test_validation_errors_are_shown_and_nothing_saved(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.enterprise_page
    dialog = EnterpriseDialog(page.desk, page.user, None, window)
    qtbot.addWidget(dialog)
    texts: list[str] = []

    def close_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(box.text())
            box.close()

    QTimer.singleShot(100, close_box)
    dialog.save()
    assert dialog.saved is None
    assert texts and "企业名称不能为空" in texts[0]
    assert page.desk.enterprises.count(page.user) == 200
    # A wrong date is said with the other wrong fields, not alone before them.
    dialog.ui.settledOnEdit.setText("2026-13-45")
    dialog.ui.usccEdit.setText("91330604K8FGWDMD60")  # wrong check character
    QTimer.singleShot(100, close_box)
    dialog.save()
    assert "企业名称不能为空" in texts[1] and "校验" in texts[1]
    assert dialog.ui.usccHint.text() != "" and "日期" in texts[1]


def test_import_dialog_lists_problems_and_imports_good_rows(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "单位名称,信用代码\n好企业伞业有限公司,91330604K8FGWDMD69\n坏企业,123\n", encoding="gbk"
    )
    page = window.enterprise_page
    dialog = ImportDialog(page.desk, page.user, page.runner, bad, window)
    qtbot.addWidget(dialog)
    assert dialog.problems.rowCount() == 1
    assert dialog.problems.item(0, 0).text() == "3"
    assert not dialog.import_button.isEnabled()
    dialog.skip.setChecked(True)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "新增 1" in dialog.summary.text() and "跳过 1 行" in dialog.summary.text()
    assert page.desk.enterprises.count(page.user) == 201


def test_many_notices_scroll_and_stay_after_the_import(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """80 rows named alike: the notices scrolled off nowhere, the dialog grew taller than the
    screen and its buttons fell off it; after the import they vanished."""
    import random

    from compliance_desk.services.demo_data import _uscc

    rng = random.Random(8)
    rows = [f"同名测试伞业有限公司{n // 2},{_uscc(rng)}" for n in range(160)]
    many = tmp_path / "many.csv"
    many.write_text("单位名称,信用代码\n" + "\n".join(rows) + "\n", encoding="utf-8")
    page = window.enterprise_page
    dialog = ImportDialog(page.desk, page.user, page.runner, many, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.summary.text().count("企业名称相同") == 80
    assert dialog.sizeHint().height() < 700 and dialog.height() < 700
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "新增 160" in dialog.summary.text()
    assert dialog.summary.text().count("企业名称相同") == 80


def test_a_file_without_a_header_offers_no_report_and_nothing_crashes(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    headless = tmp_path / "无表头.csv"
    headless.write_text("甲,乙\n1,2\n", encoding="utf-8")
    page = window.enterprise_page
    dialog = ImportDialog(page.desk, page.user, page.runner, headless, window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert "企业名称" in dialog.summary.text() or "表头" in dialog.summary.text()
    assert not dialog.report_button.isVisible() and not dialog.import_button.isEnabled()
    dialog.save_report()  # (was an AssertionError and the crash dialog)


def test_import_the_real_ledger_through_the_dialog(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    page = window.enterprise_page
    dialog = ImportDialog(
        page.desk, page.user, page.runner, LEDGERS / "崧厦街道伞业企业名录.xlsx", window
    )
    qtbot.addWidget(dialog)
    assert dialog.import_button.isEnabled()
    dialog.start_import()
    assert "新增 39" in dialog.summary.text()


def test_rows_naming_no_centre_go_to_the_centre_chosen_in_the_dialog(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    """The game ledger names no centre and no chamber: through the dialog every one of its
    enterprises now lands in a centre (the clerk's own unless another is chosen), where they
    were left in none; a row named as a registered enterprise with another code is pointed out."""
    from sqlalchemy import select

    from compliance_desk.persistence.models import Centre, Enterprise

    page = window.enterprise_page
    desk, user = page.desk, page.user
    dialog = ImportDialog(desk, user, page.runner, LEDGERS / "e游小镇游戏企业清单.csv", window)
    qtbot.addWidget(dialog)
    assert dialog.centre.currentData() == user.centre_id is not None
    with desk.ctx.factory() as s:
        game = s.scalars(select(Centre.id).where(Centre.code == "game")).one()
    at = [dialog.centre.itemData(i) for i in range(dialog.centre.count())].index(game)
    dialog.centre.setCurrentIndex(at)  # (findData does not match Python objects)
    assert dialog.plan is not None and dialog.plan.derived  # checked again for that centre
    dialog.skip.setChecked(True)
    dialog.start_import()
    assert "新增" in dialog.summary.text()
    with desk.ctx.factory() as s:
        names = [draft.name for _n, draft in dialog.plan.drafts]
        centres = s.scalars(select(Enterprise.centre_id).where(Enterprise.name.in_(names))).all()
    assert centres and set(centres) == {game}  # the centre chosen, for every one of them


def test_first_run_dialog(qtbot, sqlite_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    dialog = FirstRunDialog(sqlite_desk.auth)
    qtbot.addWidget(dialog)
    dialog.display_name.setText("王主任")
    dialog.password.setText("Secret123")
    dialog.repeat.setText("Secret124")
    dialog.try_create()
    assert dialog.error.text() == "两次输入的密码不一致。"
    dialog.repeat.setText("Secret123")
    dialog.try_create()
    assert dialog.user is not None and sqlite_desk.auth.login("admin", "Secret123")


def test_single_instance_raises_the_first(qtbot) -> None:  # type: ignore[no-untyped-def]
    name = f"compliance-desk-test-{uuid.uuid4().hex[:8]}"
    first = SingleInstance(name)
    assert not first.another_is_running()
    second = SingleInstance(name)
    assert second.another_is_running()  # the lock says so even before the first listens
    first.listen()  # the window is up
    with qtbot.waitSignal(first.activated, timeout=3000):
        assert SingleInstance(name).another_is_running()
    first.release()  # its window closed: a new launch starts while it finishes closing
    assert not SingleInstance(name).another_is_running()


def test_a_killed_first_instance_does_not_block_the_next_start() -> None:
    import subprocess
    import sys

    name = f"compliance-desk-test-{uuid.uuid4().hex[:8]}"
    code = (
        "import sys, time\n"
        "from compliance_desk.gui.single_instance import SingleInstance\n"
        f"first = SingleInstance({name!r})\n"
        "print(first.another_is_running(), flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "False"
        assert SingleInstance(name).another_is_running()  # alive (and not answering)
    finally:
        child.kill()
        child.wait()
    assert not SingleInstance(name).another_is_running()  # the crash left no stale lock


def test_background_runner_delivers_on_the_gui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    import threading

    runner = TaskRunner()
    seen: list[object] = []
    runner.run(
        lambda: threading.current_thread().name,
        lambda r: seen.append((r, threading.current_thread().name)),
        seen.append,
    )
    qtbot.waitUntil(lambda: bool(seen), timeout=3000)
    worker, receiver = seen[0]  # type: ignore[misc]
    assert str(worker).startswith("desk-task") and receiver == threading.main_thread().name
    runner.shutdown()


def _close_next_box(texts: list[str]) -> None:
    def close() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            texts.append(box.text() + "\n" + box.detailedText())
            box.close()
        else:
            QTimer.singleShot(50, close)

    QTimer.singleShot(50, close)


def test_crash_dialog_logs_the_traceback_and_reassures(qtbot, caplog) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.gui.crash import report_crash

    try:
        raise ZeroDivisionError("boom")
    except ZeroDivisionError as exc:
        texts: list[str] = []
        _close_next_box(texts)
        with caplog.at_level("ERROR", logger="compliance_desk.crash"):
            report_crash(type(exc), exc, exc.__traceback__)
    assert "此前已保存的数据都是安全的" in texts[0]
    assert "ZeroDivisionError: boom" in texts[0]
    assert "Traceback" in caplog.text and "boom" in caplog.text


def test_domain_errors_are_a_plain_message_not_a_crash(qtbot, caplog) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.domain.errors import DomainError
    from compliance_desk.gui.crash import show_error

    texts: list[str] = []
    _close_next_box(texts)
    with caplog.at_level("ERROR", logger="compliance_desk.crash"):
        show_error(None, DomainError("该企业档案已被他人修改", "stale"))
    assert texts[0].strip() == "该企业档案已被他人修改"
    assert "Traceback" not in caplog.text


def test_admin_restores_a_deleted_enterprise_from_the_page(
    qtbot, sqlite_desk: Desk, runner: TaskRunner
) -> None:  # type: ignore[no-untyped-def]
    load_demo(sqlite_desk.ctx, "small")
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    w = MainWindow(sqlite_desk, admin, runner)
    qtbot.addWidget(w)
    page = w.enterprise_page
    victim = page.model.record(0)
    assert victim is not None
    sqlite_desk.enterprises.delete(admin, victim.id)
    page.deleted.setChecked(True)
    assert page.model.rowCount() == 1 and page.restore_button.isVisibleTo(page)
    assert not page.delete_button.isVisibleTo(page)
    page.table.selectRow(0)
    page.restore_selected()
    assert not page.deleted.isChecked() and page.count.text() == "共 200 家企业"


def _create_administrator(form: FirstRunDialog) -> None:
    """What a person types into the first-run dialog."""
    form.display_name.setText("王主任")
    form.password.setText("Secret123")
    form.repeat.setText("Secret123")
    form.try_create()


def _locked_window(qtbot, url: str, username: str = ""):  # type: ignore[no-untyped-def]
    """The start-up as app.run does it: the main window at once, the sign-in inside it."""
    from compliance_desk.gui.startup import Startup
    from compliance_desk.settings import Settings

    settings = Settings(last_username=username)
    startup = Startup(url, settings)
    window = MainWindow(settings=settings, database=url)
    qtbot.addWidget(window)
    shown: list[object] = []
    startup.sign_in_shown.connect(shown.append)
    startup.present(window)
    window.show()
    return startup, window, shown


def test_the_main_window_signs_in_while_the_database_opens(qtbot, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.bootstrap import open_desk

    seeded = open_desk(sqlite_url)
    load_demo(seeded.ctx, "small")
    seeded.close()
    startup, window, shown = _locked_window(qtbot, sqlite_url, "clerk")
    panel = window.sign_in
    assert isinstance(panel, SignInPanel) and shown == [panel]
    # Up before anything is open: no navigation, no pages, nobody named in the status bar.
    assert window.isVisible() and not hasattr(window, "nav") and window.pages.count() == 1
    assert window.user_label.text() == "未登录" and not startup.is_open()
    assert window.db_label.toolTip().endswith(sqlite_url.split("///")[-1])
    assert panel.username.text() == "clerk"
    # Pressed at once, before the worker has opened the database: the check waits for it.
    panel.password.setText("wrong")
    with qtbot.waitSignal(startup.refused, timeout=30000):
        panel.submit()
        assert not panel.button.isEnabled() and panel.busy.text() == "正在核对密码…"
    assert panel.error.text() == "用户名或密码错误" and panel.password.isEnabled()
    assert window.user is None and window.pages.currentWidget() is panel
    panel.password.setText("Clerk2026")
    with qtbot.waitSignal(startup.signed_in, timeout=30000):
        qtbot.keyClick(panel.password, Qt.Key.Key_Return)
    assert window.sign_in is None and window.nav.isVisible()
    assert window.user is not None and window.user.username == "clerk"
    assert window.user_label.text().startswith(window.user.display_name + " · ")
    assert startup.settings.last_username == "clerk"
    qtbot.waitUntil(lambda: window.enterprise_page.model.rowCount() == 200, timeout=15000)
    startup.close()


def test_an_empty_name_is_asked_for_before_any_check(qtbot, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    startup, window, _shown = _locked_window(qtbot, sqlite_url)
    panel = window.sign_in
    with qtbot.assertNotEmitted(panel.submitted):
        panel.submit()
    assert panel.error.text() == "请输入用户名。" and panel.button.isEnabled()
    startup.close()


def test_enter_pressed_before_the_desk_knows_it_has_no_users(qtbot, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    """A person types at once on a brand-new database: no 'wrong password' is shown, the
    first-run dialog asks for the administrator, and the window opens as that person."""
    startup, window, shown = _locked_window(qtbot, sqlite_url, "admin")
    refusals: list[str] = []
    startup.refused.connect(refusals.append)

    def answer(form) -> None:  # type: ignore[no-untyped-def]
        if isinstance(form, FirstRunDialog):

            def go() -> None:
                qtbot.wait(1500)  # the typed check (argon2 on no user) finishes meanwhile
                assert window.sign_in.error.text() == ""
                _create_administrator(form)

            QTimer.singleShot(0, go)

    startup.sign_in_shown.connect(answer)
    window.sign_in.password.setText("Secret123")
    with qtbot.waitSignal(startup.signed_in, timeout=30000):
        window.sign_in.submit()
    assert refusals == [] and window.user is not None and window.user.username == "admin"
    startup.close()


def test_an_unexpected_error_in_the_check_leaves_the_form_usable(
    qtbot, sqlite_url: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.bootstrap import open_desk
    from compliance_desk.services.auth import AuthService

    seeded = open_desk(sqlite_url)
    seeded.auth.create_first_administrator("admin", "王主任", "Secret123")
    seeded.close()

    def broken(self, username: str, password: str):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk I/O error")

    monkeypatch.setattr(AuthService, "login", broken)
    startup, window, _shown = _locked_window(qtbot, sqlite_url, "admin")
    panel = window.sign_in
    panel.password.setText("Secret123")
    with qtbot.captureExceptions() as caught:
        panel.submit()
        qtbot.waitUntil(panel.button.isEnabled, timeout=30000)
    assert [type(exc).__name__ for _kind, exc, _tb in caught] == ["RuntimeError"]
    assert panel.error.text() == "登录时出错，请重试；详情已写入日志" and window.user is None
    startup.close()


def test_closing_while_the_database_opens_still_closes_it(
    qtbot, sqlite_url: str, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.bootstrap import Desk

    closed: list[object] = []
    real_close = Desk.close
    monkeypatch.setattr(Desk, "close", lambda desk: (closed.append(desk), real_close(desk)))
    startup, window, _shown = _locked_window(qtbot, sqlite_url, "clerk")
    startup.start_opening()
    window.close()  # before the worker is done: close() waits for it, then closes the desk
    startup.close()
    assert startup.is_open() and closed == [startup.desk()]


def test_a_file_that_is_not_a_database_is_said_in_the_window(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "desk.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    startup, window, _shown = _locked_window(qtbot, f"sqlite:///{path}", "clerk")
    panel = window.sign_in
    panel.password.setText("Clerk2026")
    with qtbot.waitSignal(startup.failed, timeout=30000) as said:
        panel.submit()
    assert said.args[0].startswith("无法打开数据库")
    qtbot.wait(300)  # the check's answer, if any, changes nothing
    assert panel.error.text() == said.args[0] and not panel.button.isEnabled()
    assert window.user is None and path.read_bytes().startswith(b"this is not a database")
    startup.close()


def test_a_new_database_asks_for_the_administrator_over_the_main_window(
    qtbot, sqlite_url: str
) -> None:  # type: ignore[no-untyped-def]
    startup, window, shown = _locked_window(qtbot, sqlite_url)

    def answer(form) -> None:  # type: ignore[no-untyped-def]
        if isinstance(form, FirstRunDialog):

            def go() -> None:
                assert form.parent() is window and form.isModal()
                _create_administrator(form)

            QTimer.singleShot(0, go)

    startup.sign_in_shown.connect(answer)
    with qtbot.waitSignal(startup.signed_in, timeout=30000):
        startup.start_opening()
    assert [type(f).__name__ for f in shown] == ["SignInPanel", "FirstRunDialog"]
    assert window.user is not None and window.user.username == "admin"
    assert window.user.role.value == "administrator" and window.sign_in is None
    startup.close()


def test_a_database_from_a_newer_release_is_said_in_the_window(qtbot, sqlite_url: str) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from compliance_desk.bootstrap import open_desk

    newer = open_desk(sqlite_url)
    with newer.ctx.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    newer.close()
    startup, window, _shown = _locked_window(qtbot, sqlite_url, "clerk")
    with qtbot.waitSignal(startup.failed, timeout=30000) as said:
        startup.start_opening()
    assert "比本程序新" in said.args[0]
    panel = window.sign_in
    assert panel.error.text() == said.args[0] and not panel.button.isEnabled()
    assert window.user is None
    startup.close()


def test_admin_imports_next_years_calendar(
    qtbot, sqlite_desk: Desk, runner: TaskRunner, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.gui.admin_pages import ReferencePage

    load_demo(sqlite_desk.ctx, "small", appeals=0)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    worker = TaskRunner()  # the import runs in a worker: it recounts the appeal clocks
    page = ReferencePage(sqlite_desk, admin, worker)
    qtbot.addWidget(page)
    tab = page.calendar_tab
    tab.year.setValue(2027)
    assert tab.source.text().startswith("无官方数据") and tab.days.count() == 0
    bad = tmp_path / "bad.json"
    bad.write_text(
        '{"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}', encoding="utf-8"
    )
    texts: list[str] = []
    _close_next_box(texts)
    tab.import_file(str(bad))
    assert not tab.import_button.isEnabled()  # while the worker runs
    qtbot.waitUntil(lambda: bool(texts), timeout=10_000)
    assert "同时列为节假日和调休工作日" in texts[0] and tab.days.count() == 0
    assert tab.import_button.isEnabled()
    good = tmp_path / "2027.json"
    good.write_text(
        '{"year": 2027, "holidays": [{"date": "2027-02-06", "name": "春节"}]}', encoding="utf-8"
    )
    tab.import_file(str(good))
    qtbot.waitUntil(lambda: tab.source.text() == "管理员导入", timeout=10_000)
    assert tab.days.item(0).text() == "2027-02-06 周六  春节"
    worker.shutdown()


def test_the_log_starts_plain_and_rotates_once_the_window_is_up(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import logging
    import logging.handlers

    from compliance_desk.gui import app

    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "linked").symlink_to(real)  # a home folder reached through a link
    monkeypatch.setattr(app, "log_dir", lambda: tmp_path / "linked")
    root = logging.getLogger("compliance_desk")
    before = list(root.handlers)
    try:
        for _run in range(2):  # two runs in one process (as the tests do): still one handler
            app.setup_logging()
            logging.getLogger("compliance_desk.test").info("before the window")
            app.rotate_logs()
            logging.getLogger("compliance_desk.test").info("after the window")
        ours = [h for h in root.handlers if h not in before]
        assert [type(h) for h in ours] == [logging.handlers.RotatingFileHandler]
        assert ours[0].maxBytes == 2_000_000 and ours[0].backupCount == 5
        text = (real / "compliance-desk.log").read_text(encoding="utf-8")
        assert text.count("before the window") == 2 and text.count("after the window") == 2
    finally:
        for handler in [h for h in root.handlers if h not in before]:
            root.removeHandler(handler)
            handler.close()


def test_columns_the_desk_does_not_know_are_matched_in_the_dialog(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """纳税号 / 企业名字: the dialog said to rename the headers in the file; now the clerk
    says what each column holds, each choice starting from what the desk would read."""
    from compliance_desk.gui.column_dialog import ColumnDialog

    odd = tmp_path / "odd.csv"
    odd.write_text(
        "2026年新入驻企业\n纳税号,企业名字,电话号码,地址\n"
        "91330604K8FGWDMD69,对应列测试伞业有限公司,0575-82110000,崧厦街道\n",
        encoding="utf-8",
    )
    page = window.enterprise_page
    dialog = ImportDialog(page.desk, page.user, page.runner, odd, window)
    qtbot.addWidget(dialog)
    assert "找不到表头" in dialog.summary.text() and not dialog.import_button.isEnabled()
    seen: list[str] = []

    def fill(columns: ColumnDialog) -> bool:
        qtbot.addWidget(columns)
        assert columns.header_row.value() == 2  # the first row with several cells
        assert columns.chosen() == {3: "address"}  # 地址 read as the desk reads it
        columns.save()
        seen.append(columns.message.text())
        for column, field_name in ((0, "uscc"), (1, "name"), (2, "contact_phone"), (3, "name")):
            columns._choose(column, field_name)
        columns.save()
        seen.append(columns.message.text())
        columns._choose(3, "address")
        columns.save()
        return columns.layout_ is not None

    dialog.exec_dialog = fill  # type: ignore[method-assign]
    dialog.match_columns()
    assert "企业名称" in seen[0] and "统一社会信用代码" in seen[0]
    assert "只能对应一列：企业名称" in seen[1]
    assert dialog.layout_ is not None and dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert "新增 1" in dialog.summary.text()
    [made] = page.desk.enterprises.search(page.user, "91330604K8FGWDMD69")
    assert made.name == "对应列测试伞业有限公司" and made.contact_phone == "0575-82110000"


def test_a_name_saved_without_its_extension_gets_the_chosen_types() -> None:
    from compliance_desk.gui.save_as import with_suffix

    assert with_suffix("/tmp/台账", "Excel 工作簿 (*.xlsx)").name == "台账.xlsx"
    assert with_suffix("/tmp/台账", "CSV (*.csv)").name == "台账.csv"
    assert with_suffix("/tmp/台账.csv", "Excel 工作簿 (*.xlsx)").name == "台账.csv"  # as typed
    assert with_suffix("/tmp/回执", "", ".pdf").name == "回执.pdf"


def test_deleting_an_enterprise_with_work_under_way_says_so_first(
    qtbot, window: MainWindow
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.domain.deadlines import AppealTier
    from compliance_desk.domain.front_desk import AppealDraft

    page = window.enterprise_page
    desk, user = page.desk, page.user
    target = desk.enterprises.search(user, "sx", limit=1)[0]
    desk.appeals.open_appeal(user, AppealDraft(target.id, "未办结的诉求", AppealTier.SIMPLE,
                                               desk.ctx.clock()))  # fmt: skip
    page.selected = lambda: target  # type: ignore[method-assign]
    asked: list[str] = []
    page.ask = lambda title, question: asked.append(question) or False  # type: ignore[method-assign]
    page.delete_selected()
    (said,) = desk.enterprises.open_work(user, target.id)
    assert said.endswith("件诉求未办结") and said in asked[0] and asked[0].startswith("该企业尚有")
    assert desk.enterprises.get(user, target.id).id == target.id  # answered no: kept
