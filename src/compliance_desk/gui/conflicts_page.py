"""The conflicts view: what the sync left for a person, both sides shown, decided here.

A thin page over ``services.sync_conflicts``: the list on the left; on the right the record,
the server's reason, and for each field this device's value and the server's side by side
with who changed it and when.  Every decision runs in the task runner (it writes a local
change that the next sync sends), then the list is read again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.local_time import local_text
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.sync_conflicts import ConflictItem, ConflictService, Side


class ConflictsPage(QWidget):
    resolved = Signal()  # a decision was written: the status bar re-reads its counts
    open_enterprise = Signal(str)  # a credit code: show it on the enterprise page

    def __init__(
        self, desk: Desk, user: CurrentUser, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.user, self.runner = user, runner
        self.service = ConflictService(desk.ctx, desk.enterprises)
        self.items: list[ConflictItem] = []
        self.edits: dict[str, QLineEdit] = {}
        self.buttons: dict[str, QPushButton] = {}

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.list = QListWidget()
        self.list.setObjectName("conflictList")
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._show)
        self.empty = QLabel(self.tr("Nothing to resolve: every change has been synced."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        self.detail = QWidget()
        detail = QVBoxLayout(self.detail)
        self.title = QLabel()
        self.title.setObjectName("conflictTitle")
        self.title.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.title.setWordWrap(True)
        self.reason = QLabel()
        self.reason.setObjectName("conflictReason")
        self.reason.setWordWrap(True)
        self.reason.setStyleSheet("color: #7a4b00;")
        self.grid_box = QFrame()
        self.grid_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.grid = QGridLayout(self.grid_box)
        self.grid.setHorizontalSpacing(16)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #555;")
        self.button_row = QHBoxLayout()
        detail.addWidget(self.title)
        detail.addWidget(self.reason)
        detail.addWidget(self.grid_box)
        detail.addWidget(self.note)
        detail.addLayout(self.button_row)
        detail.addStretch(1)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(1, 1)
        split.setSizes([300, 700])
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.empty)
        layout.addWidget(split, 1)
        layout.addStretch(0)  # nothing to resolve: the heading and its line at the top
        self.split = split

    # --- list -------------------------------------------------------------------------
    def refresh(self) -> None:
        self.runner.run(lambda: self.service.open_items(self.user), self._loaded, self._failed)

    def _failed(self, exc: BaseException) -> None:
        show_error(self, exc)

    def _loaded(self, items: Any) -> None:
        current = self.current_item()
        self.items = list(items)
        self.heading.setText(
            self.tr("Sync conflicts and refused operations: %1").replace("%1", str(len(self.items)))
        )
        self.empty.setVisible(not self.items)
        self.split.setVisible(bool(self.items))
        self.list.blockSignals(True)
        self.list.clear()
        row = 0
        for n, item in enumerate(self.items):
            entry = QListWidgetItem(f"{item.kind_label}\n{item.table_label}：{item.record.label}")
            entry.setToolTip(item.reason_zh)
            self.list.addItem(entry)
            if current is not None and item.id == current.id:
                row = n
        if self.items:
            self.list.setCurrentRow(row)
        self.list.blockSignals(False)
        self._show(row if self.items else -1)

    def current_item(self) -> ConflictItem | None:
        row = self.list.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    # --- one item ---------------------------------------------------------------------
    def _clear(self) -> None:
        for layout in (self.grid, self.button_row):
            while layout.count():
                child = layout.takeAt(0)
                widget = child.widget() if child is not None else None
                if widget is not None:
                    widget.hide()  # at once: deleteLater waits for the event loop
                    widget.deleteLater()
        self.edits.clear()
        self.buttons.clear()

    def _side(self, title: str, side: Side) -> QLabel:
        when = local_text(side.when) if side.when else ""
        text = f"<b>{title}</b><br>{side.who}<br>{when}" if side.who else f"<b>{title}</b>"
        label = QLabel(text)
        label.setTextFormat(Qt.TextFormat.RichText)
        return label

    def _show(self, row: int) -> None:
        self._clear()
        item = self.items[row] if 0 <= row < len(self.items) else None
        if item is None:
            return
        self.title.setText(f"{item.table_label}：{item.record.label}")
        reason = item.reason_zh
        if item.action:
            reason = self.tr("Step: %1").replace("%1", item.action) + "\n" + reason
        self.reason.setText(reason)
        self.note.setText("")
        if item.kind == "duplicate":
            self._show_duplicate(item)
        elif item.fields:
            self._show_fields(item)
        else:
            self.grid_box.setVisible(False)
        if item.device is not None:  # another device's (a desk on the shared database)
            self.note.setText(
                self.tr(
                    "This is an edit made on %1 that clashed with the server. It is resolved on "
                    "that device, and leaves this list once the device has synced its decision."
                ).replace("%1", item.device)
            )
        elif item.kind == "field":
            self._button("mine", self.tr("Keep my value"), self._mine)
            self._button("theirs", self.tr("Keep the server's value"), self._theirs)
            self._button("edited", self.tr("Use the edited value"), self._edited)
        elif item.kind == "update_vs_delete":
            self._button("accept_delete", self.tr("Accept the deletion"),
                         lambda: self._delete(True))  # fmt: skip
            self._button("restore", self.tr("Restore it with my changes"),
                         lambda: self._delete(False))  # fmt: skip
        elif item.kind == "delete_vs_update":
            self._button("keep", self.tr("Keep the record"), lambda: self._delete(False))
            self._button("delete", self.tr("Delete it anyway"), lambda: self._delete(True))
        elif item.kind == "duplicate":
            self._button("keep_mine", self.tr("Keep the record made here"),
                         lambda: self._keep(item.record.id))  # fmt: skip
            if item.other is not None:
                other = item.other.id
                self._button("keep_other", self.tr("Keep the record already registered"),
                             lambda: self._keep(other))  # fmt: skip
            self._button("open", self.tr("Open in the enterprise register"), self._open)
            self.note.setText(
                self.tr(
                    "The other record is deleted (it can be restored). Its appeals, inspections, "
                    "rectifications, letters and compliant-list history move to the record that "
                    "stays; visits stay as they were recorded."
                )
            )
        else:  # a refused step or a rejected operation
            self.note.setText(
                self.tr(
                    "The server refused this change; it stays recorded here. Redo the step from "
                    "the appeal log if it is still needed."
                )
            )
            self._button("acknowledge", self.tr("Acknowledge"), self._acknowledge)
        self.button_row.addStretch(1)

    def _show_fields(self, item: ConflictItem) -> None:
        self.grid_box.setVisible(True)
        self.grid.addWidget(self._side(self.tr("Field"), Side("", None)), 0, 0)
        mine = self.tr("Mine (this computer)")
        if item.device is not None:
            mine = self.tr("The edit on %1").replace("%1", item.device)
        self.grid.addWidget(self._side(mine, item.mine), 0, 1)
        self.grid.addWidget(self._side(self.tr("Theirs (the server)"), item.theirs), 0, 2)
        editable = item.kind == "field" and item.device is None
        if editable:
            self.grid.addWidget(self._side(self.tr("Change to"), Side("", None)), 0, 3)
        for n, clash in enumerate(item.fields, start=1):
            self.grid.addWidget(QLabel(clash.label), n, 0)
            mine = QLabel(clash.mine_text)
            mine.setObjectName(f"mine_{clash.key}")
            mine.setWordWrap(True)
            mine.setStyleSheet("background: #e8f0fe; padding: 4px;")
            theirs = QLabel(clash.theirs_text)
            theirs.setObjectName(f"theirs_{clash.key}")
            theirs.setWordWrap(True)
            theirs.setStyleSheet("background: #fdf3e3; padding: 4px;")
            self.grid.addWidget(mine, n, 1)
            self.grid.addWidget(theirs, n, 2)
            if editable:
                edit = QLineEdit()
                edit.setObjectName(f"edit_{clash.key}")
                if isinstance(clash.mine, str) or clash.mine is None:
                    edit.setText(clash.mine or "")
                else:
                    edit.setEnabled(False)  # not a text: choose one side
                self.edits[clash.key] = edit
                self.grid.addWidget(edit, n, 3)
        self.grid.setColumnStretch(1, 1)
        self.grid.setColumnStretch(2, 1)
        self.grid.setColumnStretch(3, 1)

    def _show_duplicate(self, item: ConflictItem) -> None:
        self.grid_box.setVisible(True)
        here = self.tr("Registered here")
        if item.device is not None:
            here = self.tr("Registered on %1").replace("%1", item.device)
        self.grid.addWidget(self._side(here, item.mine), 0, 0)
        self.grid.addWidget(self._side(self.tr("Already on the server"), item.theirs), 0, 1)
        for column, brief in enumerate((item.record, item.other)):
            if brief is None:
                continue
            label = QLabel(f"<b>{brief.label}</b><br>{brief.details}")
            label.setTextFormat(Qt.TextFormat.RichText)
            label.setWordWrap(True)
            label.setStyleSheet(
                "background: %s; padding: 6px;" % ("#e8f0fe" if column == 0 else "#fdf3e3")
            )
            self.grid.addWidget(label, 1, column)

    def _button(self, key: str, text: str, slot: Callable[[], None]) -> None:
        button = QPushButton(text)
        button.setObjectName(f"resolve_{key}")
        button.clicked.connect(slot)
        self.buttons[key] = button
        self.button_row.addWidget(button)

    # --- decisions --------------------------------------------------------------------
    def _decide(self, work: Callable[[ConflictService, CurrentUser, uuid.UUID], None]) -> None:
        item = self.current_item()
        if item is None:
            return
        for button in self.buttons.values():
            button.setEnabled(False)
        self.runner.run(lambda: work(self.service, self.user, item.id), self._decided,
                        self._refused)  # fmt: skip

    def _decided(self, _result: object) -> None:
        self.resolved.emit()
        self.refresh()

    def _refused(self, exc: BaseException) -> None:
        for button in self.buttons.values():
            button.setEnabled(True)
        show_error(self, exc)

    def _mine(self) -> None:
        self._decide(lambda s, u, i: s.resolve_mine(u, i))

    def _theirs(self) -> None:
        self._decide(lambda s, u, i: s.resolve_theirs(u, i))

    def _edited(self) -> None:
        values = {key: edit.text() for key, edit in self.edits.items() if edit.isEnabled()}
        self._decide(lambda s, u, i: s.resolve_fields(u, i, values))

    def _delete(self, delete: bool) -> None:
        self._decide(lambda s, u, i: s.resolve_delete(u, i, delete))

    def _keep(self, keep: uuid.UUID) -> None:
        self._decide(lambda s, u, i: s.resolve_duplicate(u, i, keep))

    def _acknowledge(self) -> None:
        self._decide(lambda s, u, i: s.acknowledge(u, i))

    def _open(self) -> None:
        item = self.current_item()
        if item is not None:
            code = item.record.details.split("；")[0].rpartition(" ")[2]
            self.open_enterprise.emit(code)
