"""Is this paper letter genuine?  Scan its QR code (a scanner types it, then Enter) or type the
number and the code printed beside it.  And the register of numbers, voided ones included.

Checking (a database query and a signature check) and showing the letter on record (its
stored PDF) run in the task runner; a newer check supersedes one still running."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.letters import parse_number
from compliance_desk.domain.local_time import local_text
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.pdf_preview import PdfPreviewDialog
from compliance_desk.gui.tasks import Latest, TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.letters import Verification


class VerifyDialog(QDialog):
    def __init__(
        self,
        desk: Desk,
        user: CurrentUser,
        parent: QWidget | None = None,
        runner: TaskRunner | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk, self.user = desk, user
        self.runner = runner or TaskRunner(synchronous=True, parent=self)
        self._checks = Latest(self.runner)
        self._records = Latest(self.runner)
        self.result: Verification | None = None
        self.setWindowTitle(self.tr("Verify a letter"))
        self.code = QLineEdit()
        self.code.setObjectName("scannedCode")
        self.code.setPlaceholderText(self.tr("Scan the QR code here (or paste its text)"))
        self.code.returnPressed.connect(self.check_scanned)
        self.number = QLineEdit()
        self.number.setObjectName("typedNumber")
        self.number.setPlaceholderText("虞市监合建〔2026〕12号")
        self.short = QLineEdit()
        self.short.setObjectName("typedCode")
        self.short.setPlaceholderText("XXXX-XXXX-XXXX-XXXX")
        self.short.returnPressed.connect(self.check_typed)
        typed = QPushButton(self.tr("Check number and code"))
        typed.clicked.connect(self.check_typed)
        form = QFormLayout()
        form.addRow(self.tr("QR code"), self.code)
        form.addRow(self.tr("Or the number"), self.number)
        form.addRow(self.tr("and the verification code"), self.short)
        self.answer = QLabel()
        self.answer.setObjectName("verdict")
        self.answer.setWordWrap(True)
        self.answer.setMinimumHeight(60)
        self.show_letter = QPushButton(self.tr("Show the letter on record"))
        self.show_letter.setObjectName("showRecord")
        self.show_letter.setEnabled(False)
        self.show_letter.clicked.connect(self.open_record)
        buttons = QHBoxLayout()
        buttons.addWidget(typed)
        buttons.addStretch(1)
        buttons.addWidget(self.show_letter)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.answer)
        self.resize(620, 280)

    def check_scanned(self) -> None:
        code = self.code.text()
        if code.strip():
            letters = self.desk.letters
            self._check(lambda: letters.verify(code))

    def check_typed(self) -> None:
        number, short = self.number.text(), self.short.text()
        if number.strip():
            letters = self.desk.letters
            self._check(lambda: letters.verify_typed(number, short))

    def _check(self, work: Callable[[], Verification]) -> None:
        self.result = None
        self.show_letter.setEnabled(False)
        self.answer.setStyleSheet("color: #555; font-size: 13pt;")
        self.answer.setText(self.tr("Checking…"))

        def failed(exc: BaseException) -> None:
            self.answer.clear()
            show_error(self, exc)

        self._checks.run(work, self._show, failed)

    def _show(self, result: Verification) -> None:
        self.result = result
        colour = "#1b7f3a" if result.genuine else "#b3261e"
        mark = "✔" if result.genuine else "✘"
        self.answer.setStyleSheet(f"color: {colour}; font-size: 13pt;")
        self.answer.setText(f"{mark} {result.message}")
        self.show_letter.setEnabled(result.letter is not None)

    def open_record(self) -> None:
        if self.result is None or self.result.letter is None:
            return
        verdict, letter = self.result, self.result.letter
        user, letters = self.user, self.desk.letters
        self.show_letter.setEnabled(False)

        def settled() -> None:  # the verdict shown now may be a newer one
            self.show_letter.setEnabled(self.result is not None and self.result.letter is not None)

        def show(pdf: bytes) -> None:
            settled()
            if self.result is not verdict:  # another code was checked meanwhile: not this one
                return
            PdfPreviewDialog(pdf, letter.number or letter.kind_title, self).exec()

        def failed(exc: BaseException) -> None:
            settled()
            show_error(self, exc)

        self._records.run(lambda: letters.pdf(user, letter.id), show, failed)


class _NumberItem(QTableWidgetItem):
    """A number sorted by series, year and sequence: 〔2026〕2号 before 〔2026〕10号 (as
    text, 10 came first)."""

    def __lt__(self, other: QTableWidgetItem) -> bool:
        return _number_key(self.text()) < _number_key(other.text())


def _number_key(text: str) -> tuple[str, int, int, str]:
    try:
        prefix, year, seq = parse_number(text)
    except DomainError:
        return (text, 0, 0, text)
    return (prefix, year, seq, text)


class NumbersDialog(QDialog):
    def __init__(self, desk: Desk, user: CurrentUser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Register of numbers"))
        numbers = desk.letters.numbers(user)
        table = QTableWidget(len(numbers), 6)
        table.setObjectName("numbers")
        table.setHorizontalHeaderLabels(
            [self.tr("Number"), self.tr("Letter"), self.tr("Enterprise"), self.tr("Status"),
             self.tr("Reason voided"), self.tr("Issued")]
        )  # fmt: skip
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        for row, n in enumerate(numbers):
            cells = [n.number, n.kind_title, n.enterprise_name, n.status, n.void_reason,
                     local_text(n.issued_at)]  # fmt: skip
            for col, text in enumerate(cells):
                table.setItem(row, col, _NumberItem(text) if col == 0 else QTableWidgetItem(text))
        table.resizeColumnsToContents()  # the numbers whole (they were cut: "虞市监信修…")
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        table.setSortingEnabled(True)  # by number, kind, enterprise, status or date
        table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        self.table = table
        self.resize(900, 500)
