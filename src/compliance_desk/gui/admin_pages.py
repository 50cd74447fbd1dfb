"""Administrator pages: the reference data (centres, departments, ...) and the users."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.roles import Role
from compliance_desk.gui.combo import enum_of
from compliance_desk.gui.crash import show_error
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.reference import KIND_LABELS


class ReferenceList(QWidget):
    def __init__(
        self, desk: Desk, user: CurrentUser, kind: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.kind = desk, user, kind
        self.list = QListWidget()
        add = QPushButton(self.tr("Add…"))
        rename = QPushButton(self.tr("Rename…"))
        retire = QPushButton(self.tr("Retire"))
        add.clicked.connect(self.add)
        rename.clicked.connect(self.rename)
        retire.clicked.connect(self.retire)
        buttons = QHBoxLayout()
        for b in (add, rename, retire):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        for item in self.desk.reference.items(self.user, self.kind):
            row = QListWidgetItem(item.name)
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            self.list.addItem(row)

    def _current(self) -> tuple[uuid.UUID, str] | None:
        item = self.list.currentItem()
        return (item.data(Qt.ItemDataRole.UserRole), item.text()) if item else None

    def add(self) -> None:
        name, ok = QInputDialog.getText(self, self.tr("Add"), KIND_LABELS[self.kind])
        if not ok:
            return
        parent_id = None
        if self.kind == "compliance_point":
            centres = self.desk.reference.items(self.user, "centre")
            choice, ok = QInputDialog.getItem(
                self, self.tr("Add"), self.tr("Centre"), [c.name for c in centres], 0, False
            )
            if not ok:
                return
            parent_id = next(c.id for c in centres if c.name == choice)
        try:
            self.desk.reference.add(self.user, self.kind, name, parent_id)
        except DomainError as exc:
            show_error(self, exc)
        self.reload()

    def rename(self) -> None:
        current = self._current()
        if current is None:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Rename"), KIND_LABELS[self.kind], text=current[1]
        )
        if ok:
            try:
                self.desk.reference.rename(self.user, self.kind, current[0], name)
            except DomainError as exc:
                show_error(self, exc)
            self.reload()

    def retire(self) -> None:
        current = self._current()
        if current is None:
            return
        if (
            QMessageBox.question(
                self, self.tr("Retire"), self.tr("Retire “%1”?").replace("%1", current[1])
            )
            == QMessageBox.StandardButton.Yes
        ):
            self.desk.reference.retire(self.user, self.kind, current[0])
            self.reload()


class ReferencePage(QTabWidget):
    def __init__(self, desk: Desk, user: CurrentUser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        for kind, label in KIND_LABELS.items():
            self.addTab(ReferenceList(desk, user, kind), label)


class NewUserDialog(QDialog):
    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New user"))
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(role.label, role)
        self.centre = QComboBox()
        self.centre.addItem("", None)
        for c in desk.reference.items(None, "centre"):
            self.centre.addItem(c.name, c.id)
        form = QFormLayout(self)
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Full name"), self.display_name)
        form.addRow(self.tr("Initial password"), self.password)
        form.addRow(self.tr("Role"), self.role)
        form.addRow(self.tr("Centre"), self.centre)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)


class UsersPage(QWidget):
    def __init__(self, desk: Desk, user: CurrentUser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.user = desk, user
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("User name"), self.tr("Full name"), self.tr("Role"), self.tr("Active")]
        )
        self.table.horizontalHeader().setStretchLastSection(True)
        add = QPushButton(self.tr("New user…"))
        toggle = QPushButton(self.tr("Enable / disable"))
        add.clicked.connect(self.add)
        toggle.clicked.connect(self.toggle)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(toggle)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        users = self.desk.auth.list_users(self.user)
        self.table.setRowCount(len(users))
        for i, u in enumerate(users):
            for j, text in enumerate(
                (
                    u.username,
                    u.display_name,
                    u.role.label,
                    self.tr("Yes") if u.active else self.tr("No"),
                )
            ):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, (u.id, u.active))
                self.table.setItem(i, j, item)

    def add(self) -> None:
        dialog = NewUserDialog(self.desk, self)
        if not dialog.exec():
            return
        try:
            self.desk.auth.create_user(
                self.user,
                dialog.username.text(),
                dialog.display_name.text(),
                enum_of(dialog.role, Role) or Role.CLERK,
                dialog.password.text(),
                dialog.centre.currentData(),
            )
        except DomainError as exc:
            show_error(self, exc)
        self.reload()

    def toggle(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        if item is None:
            return
        user_id, active = item.data(Qt.ItemDataRole.UserRole)
        self.desk.auth.set_active(self.user, user_id, not active)
        self.reload()
