"""Offline login, and the first run that asks the administrator for their own password."""

from __future__ import annotations

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
from compliance_desk.services.auth import AuthService
from compliance_desk.services.context import CurrentUser


class LoginDialog(QDialog):
    def __init__(
        self, auth: AuthService, username: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.auth = auth
        self.user: CurrentUser | None = None
        self.setWindowTitle(self.tr("Compliance Desk — sign in"))
        self.username = QLineEdit(username)
        self.username.setObjectName("username")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
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
            self.user = self.auth.login(self.username.text(), self.password.text())
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
        self.username = QLineEdit("admin")
        self.username.setObjectName("username")
        self.display_name = QLineEdit()
        self.display_name.setObjectName("display_name")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat = QLineEdit()
        self.repeat.setObjectName("repeat")
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Full name"), self.display_name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Repeat password"), self.repeat)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.try_create)
        buttons.rejected.connect(self.reject)
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
