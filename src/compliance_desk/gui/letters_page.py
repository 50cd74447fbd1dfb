"""文书: drafts and issued letters, approval, corrections, the 三书同达 bundle, verification."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.documents.kinds import KINDS
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.letters import LetterStatus
from compliance_desk.domain.local_time import local_text
from compliance_desk.domain.roles import Permission, allows
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.letter_dialog import LetterDialog
from compliance_desk.gui.pdf_preview import PdfPreviewDialog
from compliance_desk.gui.tasks import CancelToken, TaskRunner
from compliance_desk.gui.verify_dialog import NumbersDialog, VerifyDialog
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.letters import LetterView

log = logging.getLogger("compliance_desk.gui.letters")
STATUS_COLOURS = {
    LetterStatus.DRAFT: QColor("#fff4d6"),
    LetterStatus.VOIDED: QColor("#eeeeee"),
    LetterStatus.SUPERSEDED: QColor("#eeeeee"),
}


class LettersPage(QWidget):
    def __init__(
        self, desk: Desk, user: CurrentUser, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.runner = desk, user, runner
        self.letters: list[LetterView] = []
        self.table = QTableWidget(0, 6)
        self.table.setObjectName("letters")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Letter"), self.tr("Number"), self.tr("Enterprise"), self.tr("Status"),
             self.tr("Dated"), self.tr("Approved by")]
        )  # fmt: skip
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.doubleClicked.connect(lambda _i: self.open_selected())

        can_draft = allows(user.role, Permission.LETTER_DRAFT)
        can_approve = allows(user.role, Permission.LETTER_APPROVE)
        self.new_button = self._kind_menu_button(self.tr("New letter"), self.new_letter)
        self.new_button.setObjectName("newLetter")
        self.same_case_button = self._kind_menu_button(
            self.tr("New in the same case"), self.new_in_case
        )
        self.edit_button = self._button(self.tr("Edit draft…"), "editDraft", self.open_selected)
        self.preview_button = self._button(self.tr("Preview / print…"), "preview", self.preview)
        self.approve_button = self._button(self.tr("Approve and issue"), "approve", self.approve)
        self.correct_button = self._button(self.tr("Correct…"), "correct", self.correct)
        self.void_button = self._button(self.tr("Void…"), "void", self.void)
        self.bundle_button = self._button(self.tr("Print 三书同达…"), "bundle", self.bundle)
        self.batch_button = self._button(
            self.tr("Batch print bundles…"), "batchBundles", self.batch_bundles
        )
        verify_button = self._button(self.tr("Verify a letter…"), "verify", self.verify)
        numbers_button = self._button(self.tr("Register of numbers…"), "numbers", self.numbers)
        for b in (self.new_button, self.same_case_button, self.edit_button):
            b.setVisible(can_draft)
        for b in (self.approve_button, self.void_button, self.correct_button):
            b.setVisible(can_approve)
        top = QHBoxLayout()
        for b in (self.new_button, self.same_case_button, self.edit_button, self.preview_button,
                  self.approve_button, self.correct_button, self.void_button):  # fmt: skip
            top.addWidget(b)
        top.addStretch(1)
        bottom = QHBoxLayout()
        for b in (self.bundle_button, self.batch_button):
            bottom.addWidget(b)
        bottom.addStretch(1)
        bottom.addWidget(verify_button)
        bottom.addWidget(numbers_button)
        self.status = QLabel()
        self.status.setObjectName("lettersStatus")
        self.font_notice = QLabel()
        self.font_notice.setObjectName("fontNotice")
        self.font_notice.setWordWrap(True)
        self.font_notice.setVisible(False)
        self.font_notice.setStyleSheet(
            "QLabel { background: #fff4e0; color: #6b3d00; padding: 6px; border-radius: 3px; }"
        )
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.font_notice)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self._update_buttons()
        self._fonts_checked = False  # on first showing (the fonts take a while to read)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fonts_checked:
            self.show_font_notice()

    def show_font_notice(self) -> None:
        """Said while a letter's body or title prints in a stand-in for 仿宋 / 小标宋 (the
        fonts are read in the worker: a quarter of a second the first time)."""
        from compliance_desk.documents.fonts import RoleFont, role_fonts

        self._fonts_checked = True
        self.font_notice.setVisible(False)
        fonts = dict(self.desk.letters.fonts)

        def done(found: list[RoleFont]) -> None:
            parts = [
                self.tr("%1 is printed in %2").replace("%1", f.style).replace("%2", f.family)
                for f in found
                if not f.proper
            ]
            self.font_notice.setText(
                self.tr("This computer lacks fonts the official format asks for: %1. Choose "
                        "the font files under File → Fonts for letters….").replace("%1", "；".join(parts))
            )  # fmt: skip
            self.font_notice.setVisible(bool(parts))

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, DomainError):  # no Chinese font at all: said when printing
                show_error(self, exc)
                return
            self.font_notice.setText(exc.message_zh)
            self.font_notice.setVisible(True)

        self.runner.run(lambda: role_fonts(fonts), done, failed)

    # -- building -------------------------------------------------------------------------

    def _button(self, text: str, name: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda: slot())
        return button

    def _kind_menu_button(self, text: str, slot: Callable[[str], object]) -> QToolButton:
        button = QToolButton()
        button.setText(text)  # (the popup's own arrow shows; a "▾" in the text made two)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        for code, k in KINDS.items():
            if code == "appeal_receipt":
                continue  # printed from the appeal log
            action = QAction(k.title, menu)
            action.setData(code)
            action.triggered.connect(lambda _checked=False, c=code: slot(c))
            menu.addAction(action)
        button.setMenu(menu)
        return button

    # -- state ----------------------------------------------------------------------------

    def reload(self) -> None:
        """The list read again (other desks' changes arrived, or F5), the selected letter kept."""
        chosen = self.current()
        self.refresh(select=chosen.id if chosen else None)

    def refresh(self, select: uuid.UUID | None = None, message: str = "") -> None:
        def done(letters: list[LetterView]) -> None:
            self.letters = letters
            self.table.setRowCount(len(letters))
            for row, letter in enumerate(letters):
                cells = [
                    letter.kind_title,
                    letter.number or self.tr("(none yet)"),
                    letter.enterprise_name,
                    letter.status.label,
                    str(letter.data.get("date") or ""),
                    (
                        f"{letter.approved_by} {local_text(letter.approved_at)}"
                        if letter.approved_at
                        else ""
                    ),  # fmt: skip
                ]
                for col, text in enumerate(cells):
                    item = QTableWidgetItem(text)
                    colour = STATUS_COLOURS.get(letter.status)
                    if colour is not None:
                        item.setBackground(colour)
                    self.table.setItem(row, col, item)
                if letter.id == select:
                    self.table.selectRow(row)
            drafts = sum(1 for x in letters if x.status == LetterStatus.DRAFT)
            counts = (
                self.tr("%1 letter(s), %2 draft(s) awaiting approval")
                .replace("%1", str(len(letters)))
                .replace("%2", str(drafts))
            )
            self.status.setText(f"{message}　{counts}" if message else counts)
            self._update_buttons()

        self.runner.run(
            lambda: self.desk.letters.letters(self.user), done, lambda e: show_error(self, e)
        )

    def selected(self) -> list[LetterView]:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return [self.letters[r] for r in rows if r < len(self.letters)]

    def current(self) -> LetterView | None:
        chosen = self.selected()
        return chosen[0] if chosen else None

    def _update_buttons(self) -> None:
        letter = self.current()
        draft = letter is not None and letter.status == LetterStatus.DRAFT
        issued = letter is not None and letter.status == LetterStatus.ISSUED
        self.edit_button.setEnabled(draft)
        self.approve_button.setEnabled(draft)
        self.preview_button.setEnabled(letter is not None)
        self.correct_button.setEnabled(issued)
        self.void_button.setEnabled(letter is not None and letter.status in
                                    (LetterStatus.DRAFT, LetterStatus.ISSUED))  # fmt: skip
        self.same_case_button.setEnabled(letter is not None)
        self.bundle_button.setEnabled(letter is not None and letter.case_id is not None)
        self.batch_button.setEnabled(any(x.case_id for x in self.selected()))

    # -- actions --------------------------------------------------------------------------

    def new_letter(self, kind: str) -> LetterView | None:
        dialog = LetterDialog(self.desk, self.user, kind, case_id=uuid.uuid4(),
                              runner=self.runner, parent=self)  # fmt: skip
        return self._after(dialog)

    def new_in_case(self, kind: str) -> LetterView | None:
        letter = self.current()
        if letter is None:
            return None
        case = letter.case_id or uuid.uuid4()
        enterprise = letter.enterprise_id
        dialog = LetterDialog(self.desk, self.user, kind, case_id=case, enterprise_id=enterprise,
                              runner=self.runner, parent=self)  # fmt: skip
        data = dialog.form.data()
        if enterprise is None:
            data["party"] = letter.data.get("party", {})
        if kind == "credit_repair_notice":  # it cites the case's penalty decision
            issued = [x for x in self.desk.letters.letters(self.user, case_id=case)
                      if x.kind == "penalty_decision" and x.status == LetterStatus.ISSUED]  # fmt: skip
            if issued:
                data["penalty_number"] = issued[0].number
                data["penalty_date"] = issued[0].data.get("date")
        dialog.form.set_data(data)
        return self._after(dialog)

    def _after(self, dialog: LetterDialog) -> LetterView | None:
        dialog.exec()
        if dialog.saved is not None:
            self.refresh(select=dialog.saved.id)
        return dialog.saved

    def open_selected(self) -> None:
        letter = self.current()
        if letter is None:
            return
        if letter.status != LetterStatus.DRAFT or not allows(
            self.user.role, Permission.LETTER_DRAFT
        ):
            self.preview()
            return
        self._after(LetterDialog(self.desk, self.user, letter.kind, letter=letter,
                                 runner=self.runner, parent=self))  # fmt: skip

    def preview(self) -> None:
        letter = self.current()
        if letter is None:
            return
        title = letter.number or f"{letter.kind_title}（草稿）"

        def show(pdf: bytes) -> None:
            PdfPreviewDialog(pdf, title, self).exec()

        self.runner.run(lambda: self.desk.letters.pdf(self.user, letter.id), show,
                        lambda e: show_error(self, e))  # fmt: skip

    def approve(self, confirm: bool = True) -> None:
        letter = self.current()
        if letter is None:
            return
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Approve and issue"),
                self.tr("Issue %1 for %2? It gets its number and can no longer be changed.")
                .replace("%1", letter.kind_title)
                .replace("%2", letter.enterprise_name or "—"),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.runner.run(
            lambda: self.desk.letters.approve(self.user, letter.id, letter.row_version),
            lambda issued: self._issued(issued),
            lambda e: show_error(self, e),
        )

    def _issued(self, letter: LetterView) -> None:
        self.refresh(select=letter.id, message=self.tr("Issued as %1").replace(
            "%1", letter.number or ""))  # fmt: skip

    def correct(self) -> None:
        letter = self.current()
        if letter is None:
            return
        try:
            fix = self.desk.letters.correct(self.user, letter.id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self._after(LetterDialog(self.desk, self.user, fix.kind, letter=fix,
                                 runner=self.runner, parent=self))  # fmt: skip
        self.refresh(select=fix.id)

    def void(self, reason: str | None = None) -> None:
        letter = self.current()
        if letter is None:
            return
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, self.tr("Void"), self.tr("Why is %1 voided? (kept in the register)")
                .replace("%1", letter.number or letter.kind_title)
            )  # fmt: skip
            if not ok:
                return
        try:
            self.desk.letters.void(self.user, letter.id, reason)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.refresh()

    def bundle(self) -> None:
        letter = self.current()
        if letter is None or letter.case_id is None:
            return
        case = letter.case_id
        try:
            warnings = self.desk.letters.bundle_warnings(self.user, case)
        except Exception as exc:  # noqa: BLE001 - e.g. the case is not complete yet
            show_error(self, exc)
            return
        if (
            warnings
            and QMessageBox.warning(
                self,
                self.tr("Before serving"),
                "\n".join(warnings) + "\n\n" + self.tr("Print the bundle anyway?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            )
            != QMessageBox.StandardButton.Yes
        ):
            return
        self.runner.run(
            lambda: self.desk.letters.bundle(self.user, case),
            lambda pdf: PdfPreviewDialog(pdf, self.tr("三书同达"), self).exec(),
            lambda e: show_error(self, e),
        )

    def batch_bundles(self) -> None:
        cases = list(dict.fromkeys(x.case_id for x in self.selected() if x.case_id))
        if not cases:
            return
        progress = QProgressDialog(self.tr("Preparing bundles…"), self.tr("Cancel"), 0,
                                   2 * len(cases), self)  # fmt: skip
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.setMinimumDuration(0)
        token = CancelToken()
        progress.canceled.connect(token.cancel)
        # Two steps a case (checked, drawn): the service says how many in ``t``.
        report = self.runner.progress_reporter(
            token, lambda d, t: (progress.setMaximum(t), progress.setValue(d))
        )

        def done(result: tuple[bytes, list[str]]) -> None:
            progress.close()
            pdf, problems = result
            if problems:
                QMessageBox.warning(self, self.tr("Some cases were left out"), "\n".join(problems))
            PdfPreviewDialog(pdf, self.tr("三书同达（批量）"), self).exec()

        def failed(exc: BaseException) -> None:
            progress.close()
            show_error(self, exc)

        self.runner.run(lambda: self.desk.letters.bundles(self.user, cases, report), done, failed)

    def verify(self) -> None:
        VerifyDialog(self.desk, self.user, self, runner=self.runner).exec()

    def numbers(self) -> None:
        NumbersDialog(self.desk, self.user, self).exec()
