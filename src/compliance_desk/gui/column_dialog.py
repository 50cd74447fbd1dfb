"""Saying where a spreadsheet's list is when its headers are not recognised: which row is the
header, and what each column holds (企业名称 and 统一社会信用代码 at least).  The clerk sees the
file's first rows; each column's choice starts from what its header would be read as."""

from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.domain.ledger import field_for_header
from compliance_desk.gui.login import error_label, ok_cancel
from compliance_desk.services.enterprise_import import ColumnLayout, columns_problem, import_fields
from compliance_desk.services.ledger_files import SheetRow

HEADER = QColor("#e3efff")


class ColumnDialog(QDialog):
    """``sheets``: (name, first rows) of each visible sheet (services.enterprise_import.preview)."""

    def __init__(
        self,
        sheets: list[tuple[str, list[SheetRow]]],
        current: ColumnLayout | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Match columns"))
        self.sheets = sheets
        self.fields = import_fields()
        self.layout_: ColumnLayout | None = None
        intro = QLabel(
            self.tr(
                "Say which row holds the column headers and what each column holds. "
                "Enterprise name and unified social credit code are needed; columns set to "
                "“not imported” are left out."
            )
        )
        intro.setWordWrap(True)
        self.sheet = QComboBox()
        self.sheet.setObjectName("sheet")
        for name, _rows in sheets:
            self.sheet.addItem(name or self.tr("(the file)"), name)
        self.sheet.setVisible(len(sheets) > 1)
        self.header_row = QSpinBox()
        self.header_row.setObjectName("headerRow")
        self.table = QTableWidget()
        self.table.setObjectName("columns")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.header_row.setMaximumWidth(90)
        form = QFormLayout()
        if len(sheets) > 1:
            form.addRow(self.tr("Sheet"), self.sheet)
        form.addRow(self.tr("Header row"), self.header_row)
        self.message = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(ok_cancel(self, self.save))
        layout.addLayout(buttons)
        self.resize(900, 480)
        if current is not None:
            index = next((i for i, (n, _r) in enumerate(sheets) if n == current.sheet), 0)
            self.sheet.setCurrentIndex(index)
        self._fill(current)
        self.sheet.currentIndexChanged.connect(lambda _i: self._fill(None))
        self.header_row.valueChanged.connect(lambda _v: self._guess())

    def rows(self) -> list[SheetRow]:
        return self.sheets[max(self.sheet.currentIndex(), 0)][1]

    def _fill(self, current: ColumnLayout | None) -> None:
        rows = self.rows()
        width = max((len(r.cells) for r in rows), default=0)
        self.table.clear()
        self.table.setRowCount(len(rows) + 1)  # the choices, then the file's first rows
        self.table.setColumnCount(width)
        self.table.setHorizontalHeaderLabels([_column_letter(c) for c in range(width)])
        # the rows numbered as Excel numbers them (the header row is given by that number)
        self.table.setVerticalHeaderLabels([self.tr("Read as"), *[str(r.number) for r in rows]])
        for c in range(width):
            choice = QComboBox()
            choice.addItem(self.tr("(not imported)"), "")
            for field_name, label in self.fields:
                choice.addItem(label, field_name)
            self.table.setCellWidget(0, c, choice)
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row.cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
        numbers = [r.number for r in rows] or [1]
        self.header_row.blockSignals(True)
        self.header_row.setRange(min(numbers), max(numbers))
        first_wide = next((r.number for r in rows if sum(1 for x in r.cells if x.strip()) >= 2),
                          numbers[0])  # fmt: skip
        self.header_row.setValue(current.header_row if current else first_wide)
        self.header_row.blockSignals(False)
        if current is not None:
            for c, field_name in current.columns.items():
                self._choose(c, field_name)
            self._mark()
        else:
            self._guess()
        self.table.resizeColumnsToContents()

    def _choose(self, column: int, field_name: str) -> None:
        combo = self.table.cellWidget(0, column)
        if isinstance(combo, QComboBox):
            data = [combo.itemData(i) for i in range(combo.count())]
            combo.setCurrentIndex(data.index(field_name) if field_name in data else 0)

    def _guess(self) -> None:
        """Each column's choice as its cell in the header row would be read."""
        header = next((r for r in self.rows() if r.number == self.header_row.value()), None)
        taken: set[str] = set()
        for c in range(self.table.columnCount()):
            text = header.cells[c] if header is not None and c < len(header.cells) else ""
            found = field_for_header(text) if text.strip() else None
            if found in taken:
                found = None
            self._choose(c, found or "")
            if found:
                taken.add(found)
        self._mark()

    def _mark(self) -> None:
        for r, row in enumerate(self.rows(), start=1):
            for c in range(self.table.columnCount()):
                item = self.table.item(r, c)
                if item is not None:
                    is_header = row.number == self.header_row.value()
                    item.setBackground(HEADER if is_header else QColor("white"))

    def chosen(self) -> dict[int, str]:
        out = {}
        for c in range(self.table.columnCount()):
            combo = self.table.cellWidget(0, c)
            if isinstance(combo, QComboBox) and combo.currentData():
                out[c] = str(combo.currentData())
        return out

    def save(self) -> None:
        columns = self.chosen()
        wrong = columns_problem(columns)  # as the importer will judge it
        if wrong:
            self.message.setText(wrong)
            return
        sheet = self.sheets[max(self.sheet.currentIndex(), 0)][0]
        self.layout_ = ColumnLayout(sheet, self.header_row.value(), columns)
        self.accept()


def _column_letter(index: int) -> str:
    """A, B, … Z, AA: the columns as Excel names them."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
