"""Administrator pages: the reference data (centres, departments, ...) and the users."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
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
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.local_time import local_date
from compliance_desk.domain.roles import Role
from compliance_desk.domain.work_calendar import WEEKDAYS
from compliance_desk.gui.combo import enum_of
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.login import error_label, ok_cancel
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.reference import KIND_LABELS

_NAME = Qt.ItemDataRole.UserRole + 1  # a reference item's own name


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
        if kind == "department":  # the code in its letters' numbers (虞市监): set here
            prefix = QPushButton(self.tr("Number prefix…"))
            prefix.setObjectName("numberPrefix")
            prefix.clicked.connect(lambda: self.set_prefix())
            buttons.addWidget(prefix)
        if kind == "centre":  # printed on its appeal receipts: where to ask, and by phone
            contact = QPushButton(self.tr("Address and telephone…"))
            contact.setObjectName("centreContact")
            contact.clicked.connect(lambda: self.set_contact())
            buttons.addWidget(contact)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.reload()

    def reload(self) -> None:
        self.list.clear()
        self.items = {i.id: i for i in self.desk.reference.items(self.user, self.kind)}
        for item in self.items.values():
            label = f"{item.name}（{item.number_prefix}）" if item.number_prefix else item.name
            if item.phone or item.address:
                label += "　" + "　".join(x for x in (item.phone, item.address) if x)
            row = QListWidgetItem(label)
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            row.setData(_NAME, item.name)  # (the label may carry the prefix)
            self.list.addItem(row)

    def _current(self) -> tuple[uuid.UUID, str] | None:
        item = self.list.currentItem()
        return (item.data(Qt.ItemDataRole.UserRole), item.data(_NAME)) if item else None

    def set_prefix(self, prefix: str | None = None) -> None:
        """A department's number prefix (a department added here had none, so it could never
        issue a numbered letter)."""
        current = self._current()
        if current is None:
            return
        if prefix is None:
            prefix, ok = QInputDialog.getText(
                self, self.tr("Number prefix"),
                self.tr("The code in this department's letter numbers, e.g. 虞市监"),
            )  # fmt: skip
            if not ok:
                return
        try:
            self.desk.reference.set_number_prefix(self.user, current[0], prefix)
        except DomainError as exc:
            show_error(self, exc)
        self.reload()
        for row in range(self.list.count()):  # the same department still selected
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == current[0]:
                self.list.setCurrentRow(row)

    def set_contact(self) -> bool:
        """A centre's address and telephone, printed on its appeal receipts; True if saved."""
        current = self._current()
        if current is None:
            return False
        item = self.items[current[0]]
        dialog = ContactDialog(self.desk, self.user, item.id, item.name, self)
        dialog.address.setText(item.address)
        dialog.phone.setText(item.phone)
        if not self.exec_dialog(dialog):
            return False
        self.reload()
        for row in range(self.list.count()):  # the same centre still selected
            if self.list.item(row).data(Qt.ItemDataRole.UserRole) == current[0]:
                self.list.setCurrentRow(row)
        return True

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Separate so a test can fill the dialog instead of a person."""
        return bool(dialog.exec())

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


class ContactDialog(QDialog):
    """A centre's address and telephone; a refusal is said here, what was typed kept."""

    def __init__(
        self, desk: Desk, user: CurrentUser, centre_id: uuid.UUID, name: str, parent: QWidget
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.centre_id = desk, user, centre_id
        self.setWindowTitle(self.tr("Address and telephone of %1").replace("%1", name))
        form = QFormLayout(self)
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.phone.setPlaceholderText("0575-82110000")
        form.addRow(self.tr("Address"), self.address)
        form.addRow(self.tr("Telephone"), self.phone)
        form.addRow(QLabel(self.tr("Printed on the centre's appeal receipts for questions.")))
        self.message = error_label()
        form.addRow(self.message)
        form.addRow(ok_cancel(self, self.save))
        self.setMinimumWidth(480)

    def save(self) -> None:
        try:
            self.desk.reference.set_contact(
                self.user, self.centre_id, self.address.text(), self.phone.text()
            )
        except DomainError as exc:
            self.message.setText(exc.message_zh)
            return
        self.accept()


class CalendarTab(QWidget):
    """The working-day calendar: see any year, import next year's official schedule."""

    def __init__(
        self,
        desk: Desk,
        user: CurrentUser,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk, self.user = desk, user
        self.runner = runner or TaskRunner(synchronous=True, parent=self)
        self.year = QSpinBox()
        self.year.setObjectName("year")
        self.year.setRange(2004, 2100)
        self.year.setValue(local_date(desk.ctx.clock()).year + 1)
        self.source = QLabel()
        self.source.setObjectName("calendarSource")
        self.days = QListWidget()
        self.days.setObjectName("calendarDays")
        self.import_button = QPushButton(self.tr("Import a year (JSON)…"))
        self.import_button.setObjectName("importCalendar")
        self.import_button.clicked.connect(lambda: self.import_file())
        top = QHBoxLayout()
        top.addWidget(self.year)
        top.addWidget(self.source, 1)
        top.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.days)
        self.year.valueChanged.connect(lambda _v: self.show_year())
        self.show_year()

    def show_year(self) -> None:
        view = self.desk.calendars.year(self.year.value())
        self.source.setText(view.source)
        self.days.clear()
        if view.table is None:
            return
        for day, name in sorted(view.table.holidays.items()):
            self.days.addItem(f"{day.isoformat()} 周{WEEKDAYS[day.weekday()]}  {name or '节假日'}")
        for day in sorted(view.table.workdays):
            self.days.addItem(f"{day.isoformat()} 周{WEEKDAYS[day.weekday()]}  调休上班")

    def import_file(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import a year's calendar"), str(Path.home()), "JSON (*.json)"
            )
        if not path:
            return
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            show_error(self, DomainError(f"无法读取日历文件：{exc}", f"cannot read {path}: {exc}"))
            return

        # In a worker: the import rewrites every appeal clock the year can move (thousands on
        # a busy desk), in one transaction.
        def done(view: Any) -> None:
            self.import_button.setEnabled(True)
            self.year.setValue(view.year)
            self.show_year()

        def failed(exc: BaseException) -> None:
            self.import_button.setEnabled(True)
            self.source.setText("")
            show_error(self, exc)

        self.import_button.setEnabled(False)
        self.source.setText(self.tr("Importing the calendar and recounting the appeal clocks…"))
        desk, user = self.desk, self.user
        self.runner.run(lambda: desk.calendars.import_year(user, text), done, failed)


class ReferencePage(QTabWidget):
    def __init__(
        self,
        desk: Desk,
        user: CurrentUser,
        runner: TaskRunner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        for kind, label in KIND_LABELS.items():
            self.addTab(ReferenceList(desk, user, kind), label)
        self.calendar_tab = CalendarTab(desk, user, runner)
        self.addTab(self.calendar_tab, self.tr("Working-day calendar"))


class NewUserDialog(QDialog):
    """OK creates the user; what is refused (a name taken, a short password) is said here and
    the dialog stays open with everything typed (it closed first, and the input was lost)."""

    def __init__(self, desk: Desk, user: CurrentUser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.user = desk, user
        self.created: CurrentUser | None = None
        self.setWindowTitle(self.tr("New user"))
        self.setMinimumWidth(440)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet("color: #b00020")
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
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def save(self) -> None:
        try:
            self.created = self.desk.auth.create_user(
                self.user,
                self.username.text(),
                self.display_name.text(),
                enum_of(self.role, Role) or Role.CLERK,
                self.password.text(),
                self.centre.currentData(),
            )
        except DomainError as exc:
            self.message.setText(exc.message_zh)
            return
        self.accept()


class UsersPage(QWidget):
    def __init__(self, desk: Desk, user: CurrentUser, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.desk, self.user = desk, user
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(
            [self.tr("User name"), self.tr("Full name"), self.tr("Role"), self.tr("Active")]
        )
        header = self.table.horizontalHeader()
        for column in range(3):  # the role's whole name (it was cut: "管理员（依法…")
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.NoEditTriggers
        )  # (edits were lost)
        add = QPushButton(self.tr("New user…"))
        toggle = QPushButton(self.tr("Enable / disable"))
        reset = QPushButton(self.tr("Reset password…"))
        add.clicked.connect(self.add)
        toggle.clicked.connect(self.toggle)
        reset.clicked.connect(self.reset_password)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(toggle)
        buttons.addWidget(reset)
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
        if NewUserDialog(self.desk, self.user, self).exec():
            self.reload()

    def toggle(self) -> None:
        item = self.table.item(self.table.currentRow(), 0)
        if item is None:
            return
        user_id, active = item.data(Qt.ItemDataRole.UserRole)
        name = self.table.item(self.table.currentRow(), 1).text()
        if active:
            question = self.tr("Disable the account of %1? They can no longer sign in.")
            if not self.confirm(question.replace("%1", name)):
                return
        try:
            self.desk.auth.set_active(self.user, user_id, not active)
        except DomainError as exc:  # one's own, or the last administrator
            show_error(self, exc)
            return
        self.reload()

    def confirm(self, question: str) -> bool:
        """Separate so a test can answer instead of a person."""
        answer = QMessageBox.question(self, self.tr("Disable account"), question)
        return answer == QMessageBox.StandardButton.Yes

    def reset_password(self) -> bool:
        """A new password for the chosen user (who forgot theirs); True if set."""
        from compliance_desk.gui.password_dialog import PasswordDialog

        item = self.table.item(self.table.currentRow(), 0)
        if item is None:
            return False
        user_id, _active = item.data(Qt.ItemDataRole.UserRole)
        name = self.table.item(self.table.currentRow(), 1).text()
        dialog = PasswordDialog(self.desk, self.user, user_id, name, self)
        return self.exec_dialog(dialog) and dialog.done_

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Separate so a test can fill the dialog instead of a person."""
        return bool(dialog.exec())
