"""Offline login, and the first run that asks the administrator for their own password."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.domain.errors import DomainError, ValidationError

if TYPE_CHECKING:  # the data layer loads in the background while this dialog shows
    from compliance_desk.services.auth import AuthService
    from compliance_desk.services.context import CurrentUser


def _line(name: str, text: str = "", secret: bool = False) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setObjectName(name)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet("color: #b00020")
    label.setWordWrap(True)
    return label


def _ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


class LoginDialog(QDialog):
    """``login`` checks the password (and may first wait for the database to open)."""

    def __init__(
        self,
        login: Callable[[str, str], CurrentUser],
        username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._login = login
        self.user: CurrentUser | None = None
        self.wants_first_run = False
        self.setWindowTitle(self.tr("Compliance Desk — sign in"))
        self.username = _line("username", username)
        self.password = _line("password", secret=True)
        self.error = _error_label()
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        buttons = _ok_cancel(self, self.try_login)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Shangyu District compliance desk"))
        title.setStyleSheet("font-size: 16pt; font-weight: bold; margin-bottom: 8px")
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def try_login(self) -> None:
        try:
            self.user = self._login(self.username.text(), self.password.text())
        except DomainError as exc:
            self.error.setText(exc.message_zh)
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()


class FirstRunDialog(QDialog):
    """The very first start: the administrator chooses their own user name and password."""

    def __init__(self, auth: AuthService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.auth = auth
        self.user: CurrentUser | None = None
        self.setWindowTitle(self.tr("First start: set up the administrator"))
        intro = QLabel(
            self.tr(
                "This database has no users yet. Choose the administrator's user name and "
                "password; the administrator then adds the clerks, legal advisers and inspectors."
            )
        )
        intro.setWordWrap(True)
        self.username = _line("username", "admin")
        self.display_name = _line("display_name")
        self.password = _line("password", secret=True)
        self.repeat = _line("repeat", secret=True)
        self.error = _error_label()
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Full name"), self.display_name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Repeat password"), self.repeat)
        buttons = _ok_cancel(self, self.try_create)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def try_create(self) -> None:
        if self.password.text() != self.repeat.text():
            self.error.setText(self.tr("The two passwords differ."))
            return
        try:
            self.user = self.auth.create_first_administrator(
                self.username.text(), self.display_name.text(), self.password.text()
            )
        except ValidationError as exc:
            self.error.setText("\n".join(exc.problems.values()))
            return
        except DomainError as exc:
            self.error.setText(exc.message_zh)
            return
        self.accept()
