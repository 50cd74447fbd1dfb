"""The legal adviser's path through the real window: draft, preview, approve, print, verify."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox

from compliance_desk.bootstrap import Desk
from compliance_desk.documents.kinds import KINDS
from compliance_desk.gui import i18n
from compliance_desk.gui.letter_dialog import LetterDialog
from compliance_desk.gui.main_window import MainWindow
from compliance_desk.gui.pdf_preview import PdfPreviewDialog, print_pdf
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.gui.template_page import TemplatePage
from compliance_desk.gui.verify_dialog import VerifyDialog
from compliance_desk.services.demo_data import load_demo
from tests.letters_pdf import pdf_text, qr_codes, sample, with_number

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module", autouse=True)
def chinese(qapp: QApplication):  # type: ignore[no-untyped-def]
    keep = i18n.install(qapp)
    yield
    del keep


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[PdfPreviewDialog]:
    """Preview dialogs the page opened (recorded instead of blocking the test)."""
    opened: list[PdfPreviewDialog] = []

    def record(self: PdfPreviewDialog) -> int:
        opened.append(self)
        return 0

    monkeypatch.setattr(PdfPreviewDialog, "exec", record)
    return opened


@pytest.fixture
def window(qtbot: Any, sqlite_desk: Desk, clock: Any) -> MainWindow:
    # the sample letters' day: a letter is approved on or after the date it bears
    clock.now = datetime(2026, 3, 9, 2, 0, tzinfo=UTC)
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    user = sqlite_desk.auth.login("adviser", "Adviser2026")
    w = MainWindow(sqlite_desk, user, TaskRunner(synchronous=True))
    qtbot.addWidget(w)
    w.show()
    return w


def test_draft_preview_approve_print_and_verify(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk, shown: list[PdfPreviewDialog],
    tmp_path: Path,
) -> None:  # fmt: skip
    page = window.letters_page
    assert page is not None
    window.show_page(page)
    dialog = LetterDialog(sqlite_desk, window.user, "penalty_decision", parent=page)
    qtbot.addWidget(dialog)
    room = dialog.screen().availableGeometry()  # within the screen (800 x 800 off screen):
    assert dialog.height() <= room.height() - 40 < 820  # its buttons on it, not below it
    assert dialog.department.currentText().endswith("（虞法治）") or dialog.department.count() > 3
    dialog.department.setCurrentIndex(dialog.department.findText("市场监管局（虞市监）"))
    dialog.form.set_data(sample("penalty_decision"))
    assert dialog.form.data()["party"]["name"] == "绍兴上虞喆堃镕昇珺玥伞业有限公司"
    assert dialog.form.data()["evidence"][1] == "产品检验报告（编号 ZJ2026-0117）"
    dialog.save_and_preview()
    assert dialog.saved is not None and shown and shown[-1].document.pageCount() >= 2
    page.refresh(select=dialog.saved.id)
    assert page.table.item(0, 3).text() == "草稿"
    assert page.approve_button.isEnabled() and not page.correct_button.isEnabled()

    page.approve(confirm=False)
    assert page.table.item(0, 1).text() == "虞市监处罚〔2026〕1号"
    assert page.table.item(0, 3).text() == "已签发"
    assert page.status.text().startswith("已签发：虞市监处罚〔2026〕1号")

    page.preview()
    preview = shown[-1]
    out = preview.save_as(str(tmp_path / "saved.pdf"))
    assert out is not None and "虞市监处罚〔2026〕1号" in pdf_text(out)

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    pages = print_pdf(preview.pdf, printer, "测试")
    assert pages == preview.document.pageCount()
    (code,) = qr_codes(tmp_path / "printed.pdf", tmp_path)  # the printed page still verifies

    verify = VerifyDialog(sqlite_desk, window.user, page)
    qtbot.addWidget(verify)
    qtbot.keyClicks(verify.code, code)  # the scanner types it (ASCII only)
    verify.check_scanned()
    assert verify.result is not None and verify.result.genuine
    assert verify.answer.text().startswith("✔") and verify.show_letter.isEnabled()
    verify.code.setText(with_number(code, "虞市监处罚〔2026〕2号"))
    verify.check_scanned()
    assert verify.answer.text().startswith("✘")


def test_the_bundle_button_prints_the_case(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk, shown: list[PdfPreviewDialog]
) -> None:
    page = window.letters_page
    assert page is not None
    import uuid

    case = uuid.uuid4()
    market = next(d for d, _n, p in sqlite_desk.letters.issuing_departments(window.user)
                  if p == "虞市监")  # fmt: skip
    penalty = ""
    for kind in ("penalty_decision", "advice_letter", "credit_repair_notice"):
        data = sample(kind)
        if kind == "credit_repair_notice":
            data["penalty_number"] = penalty
        draft = sqlite_desk.letters.draft(window.user, kind, data, department_id=market,
                                          case_id=case)  # fmt: skip
        issued = sqlite_desk.letters.approve(window.user, draft.id, draft.row_version)
        penalty = penalty or issued.number
    page.refresh()
    page.table.selectRow(0)
    assert page.bundle_button.isEnabled()
    page.bundle()
    text = "".join(
        shown[-1].document.getAllText(i).text() for i in range(shown[-1].document.pageCount())
    )
    for k in ("penalty_decision", "advice_letter", "credit_repair_notice", "service_receipt"):
        assert KINDS[k].title in text


def test_the_administrator_edits_a_template_with_preview(
    qtbot: Any, sqlite_desk: Desk, shown: list[PdfPreviewDialog], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    page = TemplatePage(sqlite_desk, admin)
    qtbot.addWidget(page)
    page.kind.setCurrentIndex(page.kind.findData("advice_letter"))
    assert page.version_list.count() == 1
    page.editor.setPlainText(page.editor.toPlainText().replace("@sign", "特此建议。\n@sign"))
    page.preview()
    assert page.previewed is not None
    assert "特此建议" in "".join(shown[-1].document.getAllText(i).text()
                               for i in range(shown[-1].document.pageCount()))  # fmt: skip
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.information", lambda *a: None)
    page.note.setText("依法治区办要求加结束语")
    page.save()
    assert page.version_list.count() == 2 and "版本 2" in page.version_list.item(0).text()


def test_the_draft_preview_is_rendered_off_the_gui_thread(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk, shown: list[PdfPreviewDialog],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    runner = TaskRunner()  # the app's own kind: work on a worker thread
    threads: list[threading.Thread] = []
    render = sqlite_desk.letters.pdf

    def pdf(user: Any, letter_id: Any) -> bytes:
        threads.append(threading.current_thread())
        return render(user, letter_id)

    monkeypatch.setattr(sqlite_desk.letters, "pdf", pdf)
    dialog = LetterDialog(sqlite_desk, window.user, "advice_letter", runner=runner,
                          parent=window.letters_page)  # fmt: skip
    qtbot.addWidget(dialog)
    dialog.department.setCurrentIndex(dialog.department.findText("市场监管局（虞市监）"))
    dialog.form.set_data(sample("advice_letter"))
    before = len(shown)
    dialog.save_and_preview()
    assert not dialog.preview_button.isEnabled()  # no second click while it renders
    qtbot.waitUntil(lambda: len(shown) > before, timeout=60_000)
    assert threads and threads[0] is not threading.main_thread()
    assert shown[-1].document.pageCount() >= 1 and dialog.preview_button.isEnabled()
    runner.shutdown()


def _pdf_text(dialog: PdfPreviewDialog) -> str:
    return "".join(dialog.document.getAllText(i).text() for i in range(dialog.document.pageCount()))


def test_a_template_preview_renders_off_the_gui_thread_and_the_newest_one_is_shown(
    qtbot: Any, sqlite_desk: Desk, shown: list[PdfPreviewDialog], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    runner = TaskRunner()  # the app's own kind: work on a worker thread
    page = TemplatePage(sqlite_desk, admin, runner)
    qtbot.addWidget(page)
    page.kind.setCurrentIndex(page.kind.findData("advice_letter"))
    render = sqlite_desk.letters.preview_template
    release = threading.Event()
    threads: list[threading.Thread] = []

    def slow_preview(code: str, body: str) -> bytes:  # the first preview takes its time
        threads.append(threading.current_thread())
        if "第一稿" in body:
            assert release.wait(60)
        return render(code, body)

    monkeypatch.setattr(sqlite_desk.letters, "preview_template", slow_preview)
    body = page.editor.toPlainText()
    page.editor.setPlainText(body.replace("@sign", "第一稿结束语。\n@sign"))
    page.preview()  # returns at once: the letter renders in a worker
    assert page.status.text() == "正在生成预览……"
    ticks: list[int] = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    qtbot.waitUntil(lambda: len(ticks) >= 10, timeout=10_000)  # the event loop keeps turning
    qtbot.keyClicks(page.note, "v2")  # and the page takes typing while the first renders
    assert page.note.text() == "v2" and not shown

    page.editor.setPlainText(body.replace("@sign", "第二稿结束语。\n@sign"))
    page.preview()  # the newer preview supersedes the one still rendering
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=60_000)
    assert "第二稿结束语" in _pdf_text(shown[0]) and page.status.text() == ""
    release.set()  # the first one finishes now: its letter is never shown
    qtbot.waitUntil(lambda: runner._pending == 0, timeout=60_000)
    qtbot.wait(50)
    assert len(shown) == 1 and "第二稿结束语" in _pdf_text(shown[0])
    assert page.previewed == shown[0].pdf
    assert threads and all(t is not threading.main_thread() for t in threads)
    timer.stop()
    runner.shutdown()


def test_a_template_being_saved_cannot_be_typed_into_and_nothing_typed_is_lost(
    qtbot: Any, sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The save runs in a worker; until it is back the text stays as it was sent (the saved
    version then replaces the editor's text, which would drop anything typed meanwhile)."""
    load_demo(sqlite_desk.ctx, "small", appeals=0)
    admin = sqlite_desk.auth.login("admin", "Admin2026")
    runner = TaskRunner()
    page = TemplatePage(sqlite_desk, admin, runner)
    qtbot.addWidget(page)
    page.kind.setCurrentIndex(page.kind.findData("advice_letter"))
    save = sqlite_desk.letters.save_template
    release = threading.Event()

    def slow_save(*args: Any) -> Any:
        assert release.wait(60)
        return save(*args)

    monkeypatch.setattr(sqlite_desk.letters, "save_template", slow_save)
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    body = page.editor.toPlainText().replace("@sign", "新增的结束语。\n@sign")
    page.editor.setPlainText(body)
    page.note.setText("调整结束语")
    page.save()
    assert page.editor.isReadOnly() and page.note.isReadOnly() and not page.kind.isEnabled()
    qtbot.keyClicks(page.editor, "typed meanwhile")  # refused while the save runs
    assert page.editor.toPlainText() == body
    release.set()
    qtbot.waitUntil(lambda: not page.editor.isReadOnly(), timeout=60_000)
    assert page.kind.isEnabled() and page.editor.toPlainText() == body  # the saved version
    runner.shutdown()


def test_verification_runs_off_the_gui_thread_and_a_newer_check_wins(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk, shown: list[PdfPreviewDialog],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:  # fmt: skip
    market = next(d for d, _n, p in sqlite_desk.letters.issuing_departments(window.user)
                  if p == "虞市监")  # fmt: skip
    draft = sqlite_desk.letters.draft(window.user, "advice_letter", sample("advice_letter"),
                                      department_id=market)  # fmt: skip
    issued = sqlite_desk.letters.approve(window.user, draft.id, draft.row_version)
    assert issued.number is not None
    printed = tmp_path / "issued.pdf"
    printed.write_bytes(sqlite_desk.letters.pdf(window.user, issued.id))
    (code,) = qr_codes(printed, tmp_path)
    runner = TaskRunner()
    dialog = VerifyDialog(sqlite_desk, window.user, window.letters_page, runner=runner)
    qtbot.addWidget(dialog)
    verify = sqlite_desk.letters.verify
    release = threading.Event()
    threads: list[threading.Thread] = []

    def slow_verify(text: str) -> Any:  # the forged code's check is slow to answer
        threads.append(threading.current_thread())
        if text != code:
            assert release.wait(60)
        return verify(text)

    monkeypatch.setattr(sqlite_desk.letters, "verify", slow_verify)
    dialog.code.setText(with_number(code, "虞市监合建〔2026〕99号"))
    dialog.check_scanned()
    assert dialog.answer.text() == "正在核验……" and not dialog.show_letter.isEnabled()
    dialog.code.setText(code)
    dialog.check_scanned()  # scanned again: this check supersedes the slow one
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60_000)
    assert dialog.result is not None and dialog.result.genuine
    assert dialog.answer.text().startswith("✔") and dialog.show_letter.isEnabled()
    release.set()  # the forged code's answer arrives late and is not shown
    qtbot.waitUntil(lambda: runner._pending == 0, timeout=60_000)
    assert dialog.answer.text().startswith("✔") and dialog.result.genuine
    assert len(threads) == 2 and all(t is not threading.main_thread() for t in threads)

    dialog.open_record()  # the letter on record, read in a worker too
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=60_000)
    assert issued.number in _pdf_text(shown[0]) and dialog.show_letter.isEnabled()

    pdf = sqlite_desk.letters.pdf
    opening = threading.Event()

    def slow_pdf(*args: Any) -> bytes:
        assert opening.wait(60)
        return pdf(*args)

    monkeypatch.setattr(sqlite_desk.letters, "pdf", slow_pdf)
    dialog.open_record()  # asked for the letter on record, then another code is checked
    dialog.code.setText(code)
    dialog.check_scanned()
    qtbot.waitUntil(lambda: dialog.result is not None, timeout=60_000)
    opening.set()
    qtbot.waitUntil(lambda: runner._pending == 0, timeout=60_000)
    qtbot.wait(50)
    assert len(shown) == 1  # the letter asked for the earlier verdict does not pop up over it
    runner.shutdown()


def test_a_drafts_department_is_shown_kept_and_changed_with_its_authority(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk
) -> None:
    """Editing a draft shows the department it was drafted for (it showed the list's first),
    and choosing another one is saved (it was dropped): the number then comes from that
    department's series.  A new draft starts with the department of the last letter of its
    kind, and a department chosen brings its own authority, unless the clerk typed one."""
    letters, user = sqlite_desk.letters, window.user
    departments = {prefix: i for i, _name, prefix in letters.issuing_departments(user)}
    data = sample("penalty_decision")
    made = letters.draft(user, "penalty_decision", {**data, "authority": "上虞区市场监督管理局"},
                         department_id=departments["虞市监"])  # fmt: skip
    dialog = LetterDialog(sqlite_desk, user, "penalty_decision", letter=made, parent=window)
    qtbot.addWidget(dialog)
    assert dialog.department.currentText() == "市场监管局（虞市监）"
    dialog.department.setCurrentIndex(dialog.department.findText("应急管理局（虞应急）"))
    dialog.save()
    assert dialog.saved is not None and dialog.saved.department_id == departments["虞应急"]
    approved = letters.approve(user, made.id, dialog.saved.row_version)
    assert approved.number is not None and approved.number.startswith("虞应急"), approved.number

    new = LetterDialog(sqlite_desk, user, "penalty_decision", parent=window)
    qtbot.addWidget(new)
    assert new.department.currentText() == "应急管理局（虞应急）"  # the last one's
    assert new.form.data().get("authority") == "上虞区市场监督管理局"  # as that letter had it
    letters.draft(user, "penalty_decision", {**data, "authority": "上虞区应急管理局"},
                  department_id=departments["虞人社"])  # fmt: skip
    new.department.setCurrentIndex(new.department.findText("人力社保局（虞人社）"))
    assert new.form.data()["authority"] == "上虞区应急管理局"  # that department's last letter's
    typed = new.form.data()
    typed["authority"] = "绍兴市上虞区某某局"
    new.form.set_data(typed)
    new.department.setCurrentIndex(new.department.findText("市场监管局（虞市监）"))
    assert new.form.data()["authority"] == "绍兴市上虞区某某局"  # the clerk's own: kept


def test_a_department_added_gets_its_number_prefix_and_issues_letters(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk
) -> None:
    """A department added in the reference data had no number prefix and no way to set one,
    so it never appeared as an issuing department.  Now the administrator sets it (unique, and
    fixed once a number was issued under it) and the department's letters are numbered by it."""
    from compliance_desk.domain.errors import DomainError
    from compliance_desk.gui.admin_pages import ReferenceList

    admin = sqlite_desk.auth.login("admin", "Admin2026")
    added = sqlite_desk.reference.add(admin, "department", "自然资源分局")
    with pytest.raises(DomainError):  # no number code yet: no draft of it to be numbered
        sqlite_desk.letters.draft(window.user, "penalty_decision", sample("penalty_decision"),
                                  department_id=added.id)  # fmt: skip
    page = ReferenceList(sqlite_desk, admin, "department")
    qtbot.addWidget(page)
    row = next(i for i in range(page.list.count()) if page.list.item(i).text() == "自然资源分局")
    page.list.setCurrentRow(row)
    page.set_prefix("虞自然")
    assert page.list.item(row).text() == "自然资源分局（虞自然）"
    assert page._current() == (added.id, "自然资源分局")  # renaming starts from the name alone
    adviser = window.user
    assert (added.id, "自然资源分局", "虞自然") in sqlite_desk.letters.issuing_departments(adviser)
    with pytest.raises(DomainError) as taken:
        sqlite_desk.reference.set_number_prefix(admin, added.id, "虞市监")
    assert "已由“市场监管局”使用" in taken.value.message_zh
    made = sqlite_desk.letters.draft(adviser, "penalty_decision", sample("penalty_decision"),
                                     department_id=added.id)  # fmt: skip
    issued = sqlite_desk.letters.approve(adviser, made.id, made.row_version)
    assert issued.number is not None and issued.number.startswith("虞自然处罚〔")
    with pytest.raises(DomainError) as fixed:
        sqlite_desk.reference.set_number_prefix(admin, added.id, "虞自然资源")
    assert "文号代字不能再改" in fixed.value.message_zh

    # A series leased to a laptop fixes the code too (the laptop could no longer void the
    # lease's unused numbers, and its every sync failed).
    from datetime import UTC, datetime

    from compliance_desk.domain.ids import new_id
    from compliance_desk.persistence.lease_models import NumberLease

    leased = sqlite_desk.reference.add(admin, "department", "交通运输局")
    sqlite_desk.reference.set_number_prefix(admin, leased.id, "虞交")
    with sqlite_desk.ctx.factory() as s:
        now = datetime(2026, 3, 2, tzinfo=UTC)
        s.add(NumberLease(id=new_id(), device_id=new_id(), prefix="虞交处罚", year=2026,
                          first_seq=1, last_seq=10, next_seq=1, granted_at=now,
                          expires_at=now, closed_reason=""))  # fmt: skip
        s.commit()
    with pytest.raises(DomainError):
        sqlite_desk.reference.set_number_prefix(admin, leased.id, "虞交运")

    # A draft of no department is kept so when edited (saving took the list's first, unasked).
    loose = sqlite_desk.letters.draft(adviser, "penalty_decision", sample("penalty_decision"))
    dialog = LetterDialog(sqlite_desk, adviser, "penalty_decision", letter=loose, parent=window)
    qtbot.addWidget(dialog)
    assert dialog.department.currentText() == "（起草时未选发文部门）"
    dialog.save()
    assert dialog.saved is not None and dialog.saved.department_id is None


def test_the_register_of_numbers_sorts_numbers_as_numbers(qtbot: Any, sqlite_desk: Desk) -> None:
    """〔2026〕2号 before 〔2026〕10号 (sorted as text, 10 came first)."""
    from PySide6.QtWidgets import QTableWidget

    from compliance_desk.gui.verify_dialog import _NumberItem

    table = QTableWidget(3, 1)
    qtbot.addWidget(table)
    for row, text in enumerate(
        ("虞市监处罚〔2026〕10号", "虞市监处罚〔2026〕2号", "虞市监处罚〔2025〕30号")
    ):
        table.setItem(row, 0, _NumberItem(text))
    table.sortItems(0)
    assert [table.item(r, 0).text() for r in range(3)] == [
        "虞市监处罚〔2025〕30号",
        "虞市监处罚〔2026〕2号",
        "虞市监处罚〔2026〕10号",
    ]


def test_the_adviser_chooses_a_font_file_for_the_body_and_letters_print_in_it(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk, shown: list[PdfPreviewDialog],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """File → 文书字体…: each part of a letter with the font it prints in here; a stand-in
    for 仿宋 is said on the letters page; a file that cannot be embedded is refused in the
    dialog; a chosen one is saved in this computer's settings and the next letter uses it."""
    from compliance_desk import settings as settings_store
    from compliance_desk.documents.fonts import role_fonts
    from compliance_desk.gui.fonts_dialog import FontsDialog
    from tests.letters_pdf import fonts

    monkeypatch.setattr(settings_store, "settings_path", lambda: tmp_path / "settings.json")
    page = window.letters_page
    assert page is not None
    # read when the page is first shown, not at sign-in
    assert page._fonts_checked == page.isVisible()
    window.show_page(page)
    standing_in = [f for f in role_fonts({}) if not f.proper]
    notice = page.font_notice.text()
    assert page.font_notice.isVisibleTo(page) == bool(standing_in)
    assert all(f.style in notice and f.family in notice for f in standing_in)
    droid = str(Path(__file__).parents[1] / "resources" / "fonts" / "DroidSansFallbackFull.ttf")
    not_a_font = tmp_path / "simfang.ttf"
    not_a_font.write_text("这不是字体", encoding="utf-8")
    answers = [str(not_a_font), droid]
    seen: list[str] = []

    def fill(dialog: FontsDialog) -> bool:
        dialog.pick_file = lambda: answers.pop(0)  # type: ignore[method-assign]
        dialog.table.selectRow(0)  # 正文: 仿宋
        assert dialog.table.item(0, 1).text() == "仿宋"
        dialog.choose()
        seen.append(dialog.message.text())
        assert "fangsong" not in dialog.fonts  # refused: nothing kept
        dialog.choose()
        seen.append(dialog.table.item(0, 2).text())
        return True

    monkeypatch.setattr(window, "exec_dialog", fill)
    assert window.fonts_action.isEnabled() and window.choose_fonts()
    assert "无法使用字体文件" in seen[0] and "不是可嵌入" in seen[0]
    assert "Droid Sans Fallback" in seen[1] and "本机指定" in seen[1]
    assert settings_store.load(tmp_path / "settings.json").pdf_fonts == {"fangsong": droid}
    assert "仿宋" not in page.font_notice.text()
    draft = sqlite_desk.letters.draft(
        window.user, "advice_letter", sample("advice_letter"),
        department_id=sqlite_desk.letters.issuing_departments(window.user)[0][0],
    )  # fmt: skip
    pdf = tmp_path / "draft.pdf"
    pdf.write_bytes(sqlite_desk.letters.pdf(window.user, draft.id))
    assert any("DroidSansFallback" in name for name, _, _ in fonts(pdf))


def test_a_required_choice_starts_unchosen(qtbot: Any) -> None:
    """The credit notice's grade started on 轻微 (its first choice): left as it was, the
    notice told the enterprise its record would not be published."""
    from compliance_desk.gui.letter_form import LetterForm

    form = LetterForm(KINDS["credit_repair_notice"].fields)
    qtbot.addWidget(form)
    grade = form.editors["grade"][1]
    assert grade.currentData() == "" and grade.currentText() == "（请选择）"
    assert form.data().get("grade") in (None, "")
    grade.setCurrentIndex(1)
    assert form.data()["grade"] == "minor"


def test_a_credit_notice_new_in_the_case_cites_its_penalty_decision(
    qtbot: Any, window: MainWindow, sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uuid

    page = window.letters_page
    assert page is not None
    case = uuid.uuid4()
    market = next(d for d, _n, p in sqlite_desk.letters.issuing_departments(window.user)
                  if p == "虞市监")  # fmt: skip
    made = sqlite_desk.letters.draft(window.user, "penalty_decision", sample("penalty_decision"),
                                     department_id=market, case_id=case)  # fmt: skip
    penalty = sqlite_desk.letters.approve(window.user, made.id, made.row_version)
    page.refresh(select=penalty.id)
    opened: list[LetterDialog] = []
    monkeypatch.setattr(LetterDialog, "exec", lambda self: opened.append(self) or 0)
    page.new_in_case("credit_repair_notice")
    data = opened[0].form.data()
    assert data["penalty_number"] == penalty.number
    assert data["penalty_date"] == penalty.data["date"]
    assert data["party"]["name"] == penalty.data["party"]["name"]
