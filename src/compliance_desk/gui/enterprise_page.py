"""企业档案: search as you type, the paged table, the record with its history, actions."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.local_time import local_text
from compliance_desk.domain.roles import Permission, allows
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.enterprise_dialog import EnterpriseDialog
from compliance_desk.gui.enterprise_model import EnterpriseTableModel
from compliance_desk.gui.import_dialog import ImportDialog
from compliance_desk.gui.save_as import with_suffix
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.dto import EnterpriseView
from compliance_desk.services.enterprises import SEARCH_CAP, Filter


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class EnterprisePage(QWidget):
    status_message = Signal(str)

    def __init__(
        self, desk: Desk, user: CurrentUser, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk = desk
        self.user = user
        self.runner = runner
        self._generation = 0
        self.model = EnterpriseTableModel(lambda ids: desk.enterprises.rows(user, ids), parent=self)

        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText(
            self.tr("Search: part of the name, pinyin or initials (sx), credit code, phone")
        )
        self.search.setClearButtonEnabled(True)
        self.centre = QComboBox()
        self.centre.setObjectName("centreFilter")
        self.centre.addItem(self.tr("All centres"), None)
        for c in desk.reference.items(user, "centre"):
            self.centre.addItem(c.name, c.id)
        self.compliant = QCheckBox(self.tr("Compliant list only"))
        self.deleted = QCheckBox(self.tr("Deleted records"))
        self.deleted.setObjectName("deletedFilter")
        self.count = QLabel()
        self.count.setObjectName("count")

        self.new_button = QPushButton(self.tr("New enterprise"))
        self.new_button.setObjectName("new")
        self.edit_button = QPushButton(self.tr("Edit"))
        self.edit_button.setObjectName("edit")
        self.delete_button = QPushButton(self.tr("Delete"))
        self.delete_button.setObjectName("delete")
        self.restore_button = QPushButton(self.tr("Restore"))
        self.restore_button.setObjectName("restore")
        self.import_button = QPushButton(self.tr("Import…"))
        self.import_button.setObjectName("import")
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setObjectName("export")

        self.table = QTableView()
        self.table.setObjectName("enterprises")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # every column wide enough for its header and values ("企业规模" was cut), the name
        # taking what is left (the last column stretched and pushed the others out of sight)
        for column, width in enumerate((230, 160, 64, 112, 64, 112, 72, 72)):
            self.table.setColumnWidth(column, width)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.detail = QTextBrowser()
        self.detail.setObjectName("detail")
        self.detail.setOpenLinks(False)

        top = QHBoxLayout()
        top.addWidget(self.search, 3)
        top.addWidget(self.centre, 1)
        top.addWidget(self.compliant)
        top.addWidget(self.deleted)
        top.addWidget(self.count)
        actions = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.delete_button, self.restore_button):
            actions.addWidget(b)
        actions.addStretch(1)
        actions.addWidget(self.import_button)
        actions.addWidget(self.export_button)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([880, 270])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(actions)
        layout.addWidget(splitter, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self._open_first)
        self.centre.currentIndexChanged.connect(lambda _i: self.refresh())
        self.compliant.toggled.connect(lambda _b: self.refresh())
        self.deleted.toggled.connect(lambda _b: self.refresh())
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.edit_selected())
        self.new_button.clicked.connect(self.create)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.import_button.clicked.connect(self.import_file)
        self.export_button.clicked.connect(self.export_file)
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.search.setFocus)
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.create)

        role = user.role
        self.new_button.setVisible(allows(role, Permission.ENTERPRISE_EDIT))
        self.deleted.setVisible(allows(role, Permission.ENTERPRISE_DELETE))
        self.import_button.setVisible(allows(role, Permission.ENTERPRISE_IMPORT))
        self.export_button.setVisible(allows(role, Permission.ENTERPRISE_EXPORT))
        self._update_buttons()

    # --- listing -------------------------------------------------------------------
    def current_filter(self) -> Filter:
        return Filter(
            text=self.search.text(),
            centre_id=self.centre.currentData(),
            compliant_only=self.compliant.isChecked(),
            deleted_only=self.deleted.isChecked(),
        )

    def reload(self) -> None:
        """The same search read again (other desks' changes arrived, or F5), keeping the selected
        enterprise and the place in the list."""
        chosen = self.selected()
        self.refresh(chosen.id if chosen else None, self.table.verticalScrollBar().value())

    def refresh(self, select: uuid.UUID | None = None, place: int | None = None) -> None:
        """Search again; ``place``: a scroll position to keep (a reload), not a new search."""
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()

        def done(ids: Any) -> None:
            if generation != self._generation:
                return  # a newer keystroke already asked again
            self.model.set_ids(ids)
            searching = bool(flt.text.strip())
            if searching and len(ids) >= SEARCH_CAP:
                text = self.tr("first %1 shown; type more to narrow")
            elif searching:
                text = self.tr("%1 found")
            else:
                text = self.tr("%1 enterprises")
            self.count.setText(text.replace("%1", str(len(ids))))
            if select is not None and (row := self.model.row_of(select)) >= 0:
                self.table.selectRow(row)
            elif ids and searching and place is None:
                self.table.selectRow(0)
            elif searching and not ids:  # say what to do next, not only "0 found"
                self._show_hint(
                    self.tr("No enterprise matches “%1”. Check the name, pinyin initials or "
                            "credit code; a new enterprise is registered with New enterprise.")
                    .replace("%1", flt.text.strip())
                    if allows(self.user.role, Permission.ENTERPRISE_EDIT) else
                    self.tr("No enterprise matches “%1”. Check the name, pinyin initials or "
                            "credit code.").replace("%1", flt.text.strip())
                )  # fmt: skip
            else:
                self._show_detail(None)
            if place is not None:
                self.table.verticalScrollBar().setValue(place)
            self._update_buttons()

        self.runner.run(
            lambda: self.desk.enterprises.ids(self.user, flt), done, lambda e: show_error(self, e)
        )

    def selected(self) -> EnterpriseView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _selection_changed(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._show_detail(self.selected())
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        tombstones = self.deleted.isChecked()
        may_delete = allows(self.user.role, Permission.ENTERPRISE_DELETE)
        may_edit = allows(self.user.role, Permission.ENTERPRISE_EDIT)
        self.edit_button.setVisible(may_edit and not tombstones)
        self.delete_button.setVisible(may_delete and not tombstones)
        self.restore_button.setVisible(may_delete and tombstones)
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)
        self.restore_button.setEnabled(has)

    def _open_first(self) -> None:
        if self.model.rowCount() and allows(self.user.role, Permission.ENTERPRISE_EDIT):
            self.table.selectRow(0)
            self.edit_selected()

    def _show_hint(self, hint: str) -> None:
        self.detail.setHtml(f"<p style='color:#666'>{_esc(hint)}</p>")

    def _show_detail(self, v: EnterpriseView | None) -> None:
        if v is None:
            self._show_hint(self.tr("Select an enterprise to see its record and history."))
            return
        rows = [
            (self.tr("Credit code"), v.uscc),
            (self.tr("Industry"), v.industry_name),
            (self.tr("Centre"), v.centre_name),
            (self.tr("Chamber"), v.chamber_name),
            (self.tr("Address"), v.address),
            (self.tr("Legal representative"), v.legal_representative),
            (self.tr("Contact"), f"{v.contact_person} {v.contact_phone}".strip()),
            (self.tr("Size"), v.size.label if v.size else ""),
            (self.tr("Settled on"), v.settled_on.isoformat() if v.settled_on else ""),
            (self.tr("Compliant list"), self.tr("Yes") if v.on_compliant_list else self.tr("No")),
            (self.tr("Model enterprise"), self.tr("Yes") if v.is_model else self.tr("No")),
            (self.tr("Notes"), v.notes),
        ]
        html = [f"<h3>{_esc(v.name)}</h3><table cellspacing='2'>"]
        html += [
            f"<tr><td style='color:#555'>{_esc(k)}</td><td>{_esc(val)}</td></tr>" for k, val in rows
        ]
        history_title = self.tr("History")
        html.append(f"</table><h4>{_esc(history_title)}</h4><ul>")
        for h in reversed(self.desk.enterprises.history(self.user, v.id)):
            local = local_text(h.at)  # China time, as everywhere else (not the computer's zone)
            html.append(
                f"<li>{local} {_esc(h.user_name)} {_esc(h.action)}<br/><small>{_esc(h.summary)}</small></li>"
            )
        html.append("</ul>")
        if allows(self.user.role, Permission.APPEAL_VIEW):
            appeals_title = self.tr("Appeals")
            html.append(f"<h4>{_esc(appeals_title)}</h4><ul>")
            for number, title, state in self.desk.appeals.for_enterprise(self.user, v.id):
                html.append(f"<li>{_esc(number)} {_esc(title)}（{_esc(state)}）</li>")
            html.append("</ul>")
        if allows(self.user.role, Permission.INSPECTION_VIEW):
            html += self._inspection_html(v.id)
        # an empty section says so (a heading with nothing under it looked unfinished)
        nothing = self.tr("None")
        none = f"<ul><li style='color:#888'>{_esc(nothing)}</li></ul>"
        self.detail.setHtml("".join(html).replace("<ul></ul>", none))

    def _inspection_html(self, enterprise_id: uuid.UUID) -> list[str]:
        """Inspections with their findings, rectifications, and the compliant-list history."""
        titles = (
            self.tr("Inspections"),
            self.tr("Rectification"),
            self.tr("Compliant-list history"),
        )
        html = [f"<h4>{_esc(titles[0])}</h4><ul>"]
        for ins in self.desk.inspections.for_enterprise(self.user, enterprise_id):
            html.append(f"<li>{ins.planned_on.isoformat()} {_esc(ins.status.label)}")
            for f in ins.findings:
                risk = f.risk.label if f.risk else ""
                html.append(f"<br/><small>{_esc(f.code)} [{_esc(risk)}] "
                            f"{_esc(f.description or f.text)}</small>")  # fmt: skip
            html.append("</li>")
        html.append(f"</ul><h4>{_esc(titles[1])}</h4><ul>")
        for r in self.desk.compliant_list.rectifications(self.user, enterprise_id=enterprise_id):
            state = self.tr("overdue") if r.overdue else r.status
            colour = " style='color:#b3261e'" if r.overdue else ""
            html.append(f"<li{colour}>{r.deadline.isoformat()} {_esc(state)} "
                        f"{_esc(r.result_note)}</li>")  # fmt: skip
        html.append(f"</ul><h4>{_esc(titles[2])}</h4><ul>")
        for day, event, reason in self.desk.compliant_list.history(self.user, enterprise_id):
            html.append(f"<li>{day.isoformat()} {_esc(event)}：{_esc(reason)}</li>")
        html.append("</ul>")
        return html

    # --- actions -------------------------------------------------------------------
    def create(self) -> None:
        if not allows(self.user.role, Permission.ENTERPRISE_EDIT):
            return
        self._run_dialog(EnterpriseDialog(self.desk, self.user, None, self))

    def edit_selected(self) -> None:
        v = self.selected()
        if v is None or v.deleted or not allows(self.user.role, Permission.ENTERPRISE_EDIT):
            return
        self.open_record(v.id)

    def open_record(self, enterprise_id: uuid.UUID) -> None:
        try:
            view = self.desk.enterprises.get(self.user, enterprise_id)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            show_error(self, exc)
            return
        self._run_dialog(EnterpriseDialog(self.desk, self.user, view, self))

    def _run_dialog(self, dialog: EnterpriseDialog) -> None:
        dialog.open_existing.connect(self._reveal)
        if dialog.exec() and dialog.saved is not None:
            self.status_message.emit(self.tr("Saved: %1").replace("%1", dialog.saved.name))
            self.model.invalidate()
            self.refresh(select=dialog.saved.id)

    def _reveal(self, enterprise_id: uuid.UUID) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.refresh(select=enterprise_id)
        QTimer.singleShot(0, lambda: self.open_record(enterprise_id))

    def delete_selected(self) -> None:
        v = self.selected()
        if v is None:
            return
        question = self.tr(
            "Delete “%1”? The record is kept in the history and can be restored by an administrator."
        ).replace("%1", v.name)
        pending = self.desk.enterprises.open_work(self.user, v.id)
        if pending:  # said before, not found out after
            question = (self.tr("Still under way for it: %1.").replace("%1", "，".join(pending))
                        + "\n\n" + question)  # fmt: skip
        if not self.ask(self.tr("Delete enterprise"), question):
            return
        try:
            self.desk.enterprises.delete(self.user, v.id)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            show_error(self, exc)
            return
        self.status_message.emit(self.tr("Deleted: %1").replace("%1", v.name))
        self.refresh()

    def ask(self, title: str, question: str) -> bool:
        """Separate so a test can answer instead of a person."""
        asked = QMessageBox.question(self, title, question)
        return asked == QMessageBox.StandardButton.Yes

    def restore_selected(self) -> None:
        v = self.selected()
        if v is None:
            return
        try:
            self.desk.enterprises.restore(self.user, v.id)
        except Exception as exc:  # noqa: BLE001 - shown to the user
            show_error(self, exc)
            return
        self.status_message.emit(self.tr("Restored: %1").replace("%1", v.name))
        self.deleted.setChecked(False)
        self.refresh(select=v.id)

    def import_file(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self,
                self.tr("Import enterprise list"),
                str(Path.home()),
                self.tr("Spreadsheets (*.xlsx *.csv)"),
            )
        if not path:
            return
        dialog = ImportDialog(self.desk, self.user, self.runner, Path(path), self)
        dialog.exec()
        if dialog.imported:
            self.refresh()

    def export_file(self, path: str | None = None) -> None:
        if not path:
            path, chosen = QFileDialog.getSaveFileName(
                self,
                self.tr("Export enterprise list"),
                str(Path.home() / "企业名录.xlsx"),
                self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
            )
            path = str(with_suffix(path, chosen)) if path else path
        if not path:
            return
        target = Path(path)

        def done(count: Any) -> None:
            self.status_message.emit(
                self.tr("Exported %1 enterprises to %2")
                .replace("%1", str(count))
                .replace("%2", str(target))
            )

        self.runner.run(
            lambda: self.desk.importer.export(self.user, target),
            done,
            lambda e: show_error(self, e),
        )
