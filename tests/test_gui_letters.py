"""The legal adviser's path through the real window: draft, preview, approve, print, verify."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

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
def window(qtbot: Any, sqlite_desk: Desk) -> MainWindow:
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
    assert page.preview() is not None
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
