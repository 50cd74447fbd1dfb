"""A letter's data as a form, built from the kind's field list (the same list the JSON schema
and the checks come from, so the form cannot drift from what the renderer needs)."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.documents.fields import Field

CHOICE_LABELS = {"minor": "轻微", "general": "一般", "serious": "严重"}


class _ListTable(QWidget):
    """Rows of a list field (findings, served documents): one column per sub-field."""

    def __init__(self, field: Field, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self.columns = field.fields or (Field("value", field.label, "text"),)
        self.table = QTableWidget(0, len(self.columns))
        self.table.setObjectName(f"list_{field.name}")
        self.table.setHorizontalHeaderLabels([c.label for c in self.columns])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(120)
        add = QPushButton(self.tr("Add row"))
        add.clicked.connect(lambda: self.add_row({}))
        remove = QPushButton(self.tr("Remove row"))
        remove.clicked.connect(self._remove)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_row(self, values: dict[str, Any] | str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, sub in enumerate(self.columns):
            value = values if isinstance(values, str) else values.get(sub.name, "")
            self.table.setItem(row, col, QTableWidgetItem(str(value or "")))

    def _remove(self) -> None:
        for index in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(index)

    def value(self) -> list[Any]:
        out: list[Any] = []
        for row in range(self.table.rowCount()):
            cells = [self.table.item(row, c) for c in range(len(self.columns))]
            texts = [cell.text().strip() if cell else "" for cell in cells]
            if not any(texts):
                continue
            if self.field.fields:
                out.append({sub.name: t for sub, t in zip(self.columns, texts, strict=True)})
            else:
                out.append(texts[0])
        return out

    def set_value(self, items: list[Any]) -> None:
        self.table.setRowCount(0)
        for item in items or []:
            self.add_row(item)


class LetterForm(QWidget):
    """One editor per field; ``data()`` gives the JSON the services and the renderer take."""

    def __init__(self, fields: tuple[Field, ...], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields = fields
        self.editors: dict[str, Any] = {}
        layout = QFormLayout(self)
        self._build(fields, layout, "")

    def _build(self, fields: tuple[Field, ...], layout: QFormLayout, prefix: str) -> None:
        for f in fields:
            if f.name in ("number", "corrects"):
                continue  # given by approval and by "Correct…", never typed in
            key = prefix + f.name
            label = f.label + ("" if f.required else self.tr(" (optional)"))
            if f.type == "object":
                box = QGroupBox(f.label)
                inner = QFormLayout(box)
                self._build(f.fields, inner, key + ".")
                layout.addRow(box)
                continue
            editor: QWidget
            if f.type == "text":
                editor = QPlainTextEdit()
                editor.setTabChangesFocus(True)
                editor.setFixedHeight(72)
                if f.description:
                    editor.setPlaceholderText(f.description)
            elif f.type == "date":
                editor = _OptionalDate(required=f.required)
            elif f.type == "list":
                editor = _ListTable(f)
            elif f.choices:
                editor = QComboBox()
                # nothing chosen until someone chooses (a grade left on its first choice
                # told an enterprise its record would not be published)
                editor.addItem(self.tr("(choose)") if f.required else "", "")
                for choice in f.choices:
                    editor.addItem(CHOICE_LABELS.get(choice, choice), choice)
            else:
                editor = QLineEdit()
                if f.description:
                    editor.setPlaceholderText(f.description)
            editor.setObjectName(f"field_{key}")
            self.editors[key] = (f, editor)
            layout.addRow(label, editor)

    def data(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, (f, editor) in self.editors.items():
            value: Any
            if isinstance(editor, QPlainTextEdit):
                value = editor.toPlainText().strip()
            elif isinstance(editor, _OptionalDate):
                value = editor.value()
            elif isinstance(editor, _ListTable):
                value = editor.value()
            elif isinstance(editor, QComboBox):
                value = editor.currentData()
            else:
                value = editor.text().strip()
            if value in ("", None, []) and not f.required:
                continue
            target = out
            *parents, last = key.split(".")
            for p in parents:
                target = target.setdefault(p, {})
            target[last] = value
        return out

    def set_data(self, data: dict[str, Any]) -> None:
        for key, (_f, editor) in self.editors.items():
            value: Any = data
            for part in key.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(editor, QPlainTextEdit):
                editor.setPlainText(str(value or ""))
            elif isinstance(editor, _OptionalDate):
                editor.set_value(value)
            elif isinstance(editor, _ListTable):
                editor.set_value(value or [])
            elif isinstance(editor, QComboBox):
                index = editor.findData(value or "")
                editor.setCurrentIndex(max(index, 0))
            else:
                editor.setText(str(value or ""))


class _OptionalDate(QWidget):
    def __init__(self, required: bool) -> None:
        super().__init__()
        self.required = required
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(QDate.currentDate())
        self.enabled = QCheckBox(self.tr("Fill in"))
        self.enabled.setChecked(required)
        self.enabled.setVisible(not required)
        self.enabled.toggled.connect(self.edit.setEnabled)
        self.edit.setEnabled(required)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.enabled)
        layout.addStretch(1)

    def value(self) -> str | None:
        if not self.enabled.isChecked():
            return None
        return self.edit.date().toString("yyyy-MM-dd")

    def set_value(self, value: Any) -> None:
        if value:
            d = value if isinstance(value, date) else date.fromisoformat(str(value))
            self.edit.setDate(QDate(d.year, d.month, d.day))
            self.enabled.setChecked(True)
        elif not self.required:
            self.enabled.setChecked(False)
