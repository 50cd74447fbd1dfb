"""On site: walking one inspection's checklist, item by item, with findings and photos.

Every answer is saved as it is given (the laptop may be closed at any moment); photos are kept
by hash and their thumbnails are made on the task runner, never on the GUI thread.
"""

from __future__ import annotations

import uuid
from html import escape
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.inspections import InspectionStatus, ItemResult, RiskLevel
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.tasks import CancelToken, TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.inspections import InspectionView, ItemView

COLUMNS = 6  # code, area, item, result, risk, what was found


class InspectionWalk(QWidget):
    changed = Signal()  # an answer or a photo was saved
    signed = Signal()  # signed off: rectifications and the compliant list may have changed

    def __init__(
        self, desk: Desk, user: CurrentUser, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.runner = desk, user, runner
        self.view: InspectionView | None = None
        self._loading = False
        self.header = QLabel()
        self.header.setObjectName("inspectionHeader")
        self.header.setWordWrap(True)
        self.table = QTableWidget(0, COLUMNS)
        self.table.setObjectName("checklist")
        self.table.setHorizontalHeaderLabels(
            [self.tr("No."), self.tr("Area"), self.tr("Item"), self.tr("Result"),
             self.tr("Risk"), self.tr("What was found")]
        )  # fmt: skip
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.itemChanged.connect(self._text_changed)
        self.table.itemSelectionChanged.connect(self._selected)
        self.photo_button = QPushButton(self.tr("Add photos…"))
        self.photo_button.setObjectName("addPhotos")
        self.photo_button.clicked.connect(lambda: self.add_photos())
        self.remove_photo_button = QPushButton(self.tr("Remove photo"))
        self.remove_photo_button.setObjectName("removePhoto")
        self.remove_photo_button.setEnabled(False)
        self.remove_photo_button.clicked.connect(lambda: self.remove_photo())
        self.folder_button = QPushButton(self.tr("Import camera folder…"))
        self.folder_button.setObjectName("importFolder")
        self.folder_button.setToolTip(
            self.tr("Imports the folder's photos that are not yet in this inspection")
        )
        self.folder_button.clicked.connect(lambda: self.import_folder())
        # The selected finding: its legal basis (from the checklist, editable) and the item of
        # the minor-violation exemption list it matches, each saved as it is changed.
        self.basis = QLineEdit()
        self.basis.setObjectName("legalBasis")
        self.basis.setPlaceholderText(self.tr("The legal basis of the finding"))
        self.basis.editingFinished.connect(self._save_details)
        self.exemption = QComboBox()
        self.exemption.setObjectName("exemption")
        self.exemption.currentIndexChanged.connect(lambda _i: self._save_details())
        details = QFormLayout()
        details.addRow(self.tr("Legal basis"), self.basis)
        details.addRow(self.tr("Exemption list"), self.exemption)
        self.sign_button = QPushButton(self.tr("Sign off…"))
        self.sign_button.setObjectName("signOff")
        self.sign_button.clicked.connect(lambda: self.sign())
        self.progress = QLabel()
        self.progress.setObjectName("walkProgress")
        self.photos = QListWidget()
        self.photos.setObjectName("photos")
        self.photos.setViewMode(QListWidget.ViewMode.IconMode)
        self.photos.setIconSize(QSize(88, 88))  # a strip: the checklist keeps the room
        self.photos.setFixedHeight(110)
        self.photos.currentItemChanged.connect(
            lambda current, _previous: self.remove_photo_button.setEnabled(
                current is not None and self.view is not None and not self.view.status.locked
            )
        )
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.photo_button)
        buttons.addWidget(self.remove_photo_button)
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.sign_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.table, 1)
        layout.addLayout(details)
        layout.addWidget(self.photos)
        layout.addLayout(buttons)
        # nothing open yet: nothing to photograph, sign or annotate (all were offered)
        for widget in (self.photo_button, self.folder_button, self.sign_button, self.basis,
                       self.exemption):  # fmt: skip
            widget.setEnabled(False)
        self.progress.setText(self.tr("Select an inspection above to record it."))

    # -- showing --------------------------------------------------------------------------

    def open(self, inspection_id: uuid.UUID) -> None:
        try:
            self.view = self.desk.inspections.inspection(self.user, inspection_id)
            exemptions = self.desk.compliant_list.exemptions(self.user)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self._loading = True
        self.exemption.clear()
        self.exemption.addItem(self.tr("(not on the exemption list)"), None)
        for exemption_id, title, basis, conditions in exemptions:
            self.exemption.addItem(title, str(exemption_id))  # text: Qt compares it by value
            self.exemption.setItemData(self.exemption.count() - 1,
                                       f"{basis}\n{conditions}", Qt.ItemDataRole.ToolTipRole)  # fmt: skip
        self._loading = False
        self._fill()

    def _fill(self) -> None:
        view = self.view
        if view is None:
            return
        self._loading = True
        locked = view.status.locked
        self._header()
        self.table.setRowCount(len(view.items))
        for row, item in enumerate(view.items):
            for col, text in enumerate((item.code, item.area, item.text)):
                cell = QTableWidgetItem(text)
                cell.setFlags(cell.flags() & ~Qt.ItemFlag.ItemIsEditable)
                if col == 2:
                    cell.setToolTip(item.legal_basis or text)
                self.table.setItem(row, col, cell)
            result = QComboBox()
            result.addItem(self.tr("(not answered)"), None)
            for r in ItemResult:
                result.addItem(r.label, r)
            result.setCurrentIndex(max(result.findData(item.result), 0))
            result.setEnabled(not locked)
            result.currentIndexChanged.connect(lambda _i, r=row: self._answer(r))
            self.table.setCellWidget(row, 3, result)
            risk = QComboBox()
            risk.addItem("", None)
            for level in RiskLevel:
                risk.addItem(level.label, level)
            risk.setCurrentIndex(max(risk.findData(item.risk), 0))
            risk.setEnabled(not locked and item.result == ItemResult.FINDING)
            risk.currentIndexChanged.connect(lambda _i, r=row: self._answer(r))
            self.table.setCellWidget(row, 4, risk)
            found = QTableWidgetItem(item.description)
            if locked:
                found.setFlags(found.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.table.setItem(row, 5, found)
        self.photo_button.setEnabled(not locked)
        self.folder_button.setEnabled(not locked)
        self.sign_button.setEnabled(not locked)
        self._loading = False
        self._show_progress()
        self._show_details()  # locked after sign-off, or another item's finding

    def _header(self) -> None:
        view = self.view
        if view is None:
            return
        self.header.setText(
            f"<b>{escape(view.enterprise_name)}</b>　{view.planned_on.isoformat()}　"
            f"{view.status.label}　" + self.tr("checklist version %1").replace(
                "%1", str(view.checklist_version))
            + (self.tr("　Exception: %1").replace("%1", escape(view.override_reason))
               if view.override_reason else "")
            + (self.tr("　Cancelled: %1").replace("%1", escape(view.cancel_reason))
               if view.cancel_reason else "")
        )  # fmt: skip

    def _show_progress(self) -> None:
        if self.view is None:
            return
        answered = sum(1 for i in self.view.items if i.result is not None)
        findings = len(self.view.findings)
        self.progress.setText(
            self.tr("%1 of %2 answered, %3 finding(s)").replace("%1", str(answered))
            .replace("%2", str(len(self.view.items))).replace("%3", str(findings))
        )  # fmt: skip

    # -- answering ------------------------------------------------------------------------

    def combo(self, row: int, column: int) -> QComboBox:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, QComboBox)
        return widget

    def _answer(self, row: int) -> None:
        if self._loading or self.view is None:
            return
        item = self.view.items[row]
        data = self.combo(row, 3).currentData()
        if data is None:
            if item.result is not None:  # an answer is not taken back, only changed
                self._loading = True
                self.combo(row, 3).setCurrentIndex(self.combo(row, 3).findData(item.result))
                self._loading = False
            return
        result = ItemResult(data)  # Qt hands the enum back as its text
        risk_data = self.combo(row, 4).currentData()
        risk = RiskLevel(risk_data) if risk_data else None
        cell = self.table.item(row, 5)
        description = cell.text() if cell else ""
        # A finding keeps the basis and exemption it has; a new one takes the checklist's basis.
        was_finding = item.result == ItemResult.FINDING
        self._record(row, result, risk, description,
                     item.legal_basis if was_finding else None,
                     item.exemption_id if was_finding else None)  # fmt: skip

    def _record(
        self, row: int, result: ItemResult, risk: RiskLevel | None, description: str,
        legal_basis: str | None, exemption_id: uuid.UUID | None,
    ) -> None:  # fmt: skip
        assert self.view is not None
        item = self.view.items[row]
        try:
            saved = self.desk.inspections.record(
                self.user, item.id, result, risk=risk, description=description,
                legal_basis=legal_basis, exemption_id=exemption_id,
            )  # fmt: skip
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            selected = self.current_row()
            self.open(self.view.id)  # show what is really saved, not the refused choice
            if selected is not None:
                self.table.selectRow(selected)
            return
        self._replace(row, saved)
        risk_combo = self.combo(row, 4)
        if saved.risk is None and risk_combo.currentData() is not None:
            # no longer a finding: its risk is gone (a greyed "中" stayed beside 符合)
            previous = self._loading
            self._loading = True
            risk_combo.setCurrentIndex(0)  # the empty choice
            self._loading = previous
        risk_combo.setEnabled(saved.result == ItemResult.FINDING)
        if self.current_row() == row:
            self._show_details()
        self.changed.emit()

    # -- the selected finding: legal basis and exemption ----------------------------------

    def current_row(self) -> int | None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return rows[0] if rows and self.view is not None else None

    def _selected(self) -> None:
        self._show_details()
        self._load_photos()

    def _show_details(self) -> None:
        item = self.current_item()
        locked = self.view is None or self.view.status.locked
        finding = item is not None and item.result == ItemResult.FINDING
        self._loading = True
        self.basis.setText(item.legal_basis if finding and item else "")
        matched = str(item.exemption_id) if finding and item and item.exemption_id else None
        index = self.exemption.findData(matched) if matched else -1
        self.exemption.setCurrentIndex(max(index, 0))
        self._loading = False
        for widget in (self.basis, self.exemption):
            widget.setEnabled(finding and not locked)

    def _save_details(self) -> None:
        row = self.current_row()
        if self._loading or row is None or self.view is None:
            return
        item = self.view.items[row]
        if item.result != ItemResult.FINDING:
            return
        basis = self.basis.text().strip()
        data = self.exemption.currentData()
        exemption = uuid.UUID(data) if isinstance(data, str) else None
        if basis == item.legal_basis and exemption == item.exemption_id:
            return  # nothing changed (editingFinished also fires on leaving the field)
        self._record(row, ItemResult.FINDING, item.risk, item.description, basis, exemption)

    def _text_changed(self, cell: QTableWidgetItem) -> None:
        if self._loading or cell.column() != 5 or self.view is None:
            return
        if self.view.items[cell.row()].result is not None:
            self._answer(cell.row())

    def _replace(self, row: int, item: ItemView) -> None:
        assert self.view is not None
        items = list(self.view.items)
        items[row] = item
        status = self.view.status
        if status == InspectionStatus.PLANNED:
            status = InspectionStatus.IN_PROGRESS  # as the service records it
        self.view = InspectionView(**{**self.view.__dict__, "items": items, "status": status})
        self._header()
        self._show_progress()

    # -- photos ---------------------------------------------------------------------------

    def current_item(self) -> ItemView | None:
        row = self.current_row()
        if self.view is None or row is None:
            return None
        return self.view.items[row]

    def add_photos(self, paths: list[str] | None = None) -> None:
        item = self.current_item()
        if item is None:
            return
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(
                self, self.tr("Evidence photos"), str(Path.home()),
                self.tr("Images (*.jpg *.jpeg *.png *.webp *.bmp *.tif)"),
            )  # fmt: skip
        refused = []
        for path in paths:
            try:
                self.desk.inspections.attach_photo(self.user, item.id, Path(path))
            except Exception as exc:  # noqa: BLE001 - each photo on its own; none half-kept
                refused.append(getattr(exc, "message_zh", str(exc)))
        if refused:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self, self.tr("Some photos were not added"), "\n".join(refused))
        assert self.view is not None
        row = self.view.items.index(item)
        self.open(self.view.id)
        self.table.selectRow(row)
        self._load_photos()
        self.changed.emit()

    def import_folder(self, folder: str | None = None) -> None:
        """The camera folder's photos not yet in this inspection, attached to the selected item
        on the task runner (hashing and checking a day's photos takes a while)."""
        item = self.current_item()
        if item is None or self.view is None:
            QMessageBox.information(self, self.tr("Import camera folder"),
                                    self.tr("Select the checklist item the photos belong to."))  # fmt: skip
            return
        if folder is None:
            folder = QFileDialog.getExistingDirectory(
                self, self.tr("Camera folder"), str(Path.home())
            )
            if not folder:
                return
        row, inspection_id = self.view.items.index(item), self.view.id
        token = CancelToken()
        dialog = QProgressDialog(self.tr("Importing photos…"), self.tr("Stop"), 0, 0, self)
        dialog.setObjectName("folderProgress")
        dialog.setWindowTitle(self.tr("Import camera folder"))
        dialog.setMinimumDuration(500)
        dialog.canceled.connect(token.cancel)

        def show(done: int, total: int) -> None:
            dialog.setMaximum(total)
            dialog.setValue(done)

        report = self.runner.progress_reporter(token, show)
        source = Path(folder)

        def work() -> object:
            return self.desk.inspections.import_camera_folder(self.user, item.id, source, report)

        def done(result: object) -> None:
            dialog.reset()
            self._imported(result, inspection_id, row)

        def failed(exc: BaseException) -> None:
            dialog.reset()
            show_error(self, exc)

        self.folder_button.setEnabled(False)
        self.runner.run(work, done, failed)

    def _imported(self, result: object, inspection_id: uuid.UUID, row: int) -> None:
        from compliance_desk.services.photo_import import FolderImport

        assert isinstance(result, FolderImport)
        lines = [self.tr("%1 photo(s) imported.").replace("%1", str(len(result.added)))]
        if result.already:
            lines.append(self.tr("%1 already in this inspection, not imported again.")
                         .replace("%1", str(len(result.already))))  # fmt: skip
        if result.skipped:
            lines.append(self.tr("%1 file(s) that are not photos (videos and the like) left "
                                 "alone.").replace("%1", str(result.skipped)))  # fmt: skip
        if result.cancelled:
            lines.append(self.tr("Stopped: the rest of the folder was not imported."))
        lines += result.refused
        self.last_import = "\n".join(lines)
        if self.view is not None and self.view.id == inspection_id:
            self.open(inspection_id)
            self.table.selectRow(row)
            self._load_photos()  # the row may have stayed selected: no selection signal
        self.changed.emit()
        QMessageBox.information(self, self.tr("Import camera folder"), self.last_import)

    def _load_photos(self) -> None:
        self.photos.clear()
        item = self.current_item()
        if item is None or item.photos == 0:
            return
        wanted = item.id

        def work() -> list[tuple[uuid.UUID, str, str]]:
            from compliance_desk.services.photos import thumbnail

            return [(i, str(thumbnail(p)), name)
                    for i, p, name in self.desk.inspections.photo_list(self.user, wanted)]  # fmt: skip

        def done(found: list[tuple[uuid.UUID, str, str]]) -> None:
            current = self.current_item()
            if current is None or current.id != wanted:
                return
            self.photos.clear()  # a later task for the same item replaces, never adds twice
            for photo_id, path, name in found:
                entry = QListWidgetItem(QIcon(QPixmap(path)), "")
                entry.setData(Qt.ItemDataRole.UserRole, photo_id)
                entry.setToolTip(name)
                self.photos.addItem(entry)

        self.runner.run(work, done, lambda e: show_error(self, e))

    def remove_photo(self, confirm: bool = True) -> bool:
        """The selected photo taken off its item (attached by mistake), after asking."""
        chosen = self.photos.currentItem()
        if chosen is None or self.view is None or self.view.status.locked:
            return False
        if confirm:
            from PySide6.QtWidgets import QMessageBox

            asked = QMessageBox.question(
                self, self.tr("Remove photo"),
                self.tr("Take the photo “%1” off this item?").replace("%1", chosen.toolTip()),
            )  # fmt: skip
            if asked != QMessageBox.StandardButton.Yes:
                return False
        try:
            self.desk.inspections.remove_photo(self.user, chosen.data(Qt.ItemDataRole.UserRole))
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return False
        row = self.current_row()
        self.open(self.view.id)
        if row is not None:
            self.table.selectRow(row)
        self._load_photos()
        self.changed.emit()
        return True

    # -- signing --------------------------------------------------------------------------

    def sign(self, representative: str | None = None) -> bool:
        if self.view is None:
            return False
        if representative is None:
            representative, ok = QInputDialog.getText(
                self, self.tr("Sign off"),
                self.tr("Who represented the enterprise? After signing the record is locked."),
            )  # fmt: skip
            if not ok:
                return False
        try:
            self.view = self.desk.inspections.sign(self.user, self.view.id, representative)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return False
        self._fill()
        self.signed.emit()
        return True
