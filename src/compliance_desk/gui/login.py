"""Offline sign-in inside the main window, and the first run that asks the administrator for
their own password."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.domain.errors import DomainError, ValidationError

if TYPE_CHECKING:  # the data layer loads in the background while this dialog shows
    from compliance_desk.services.auth import AuthService
    from compliance_desk.services.context import CurrentUser


def form_line(name: str, text: str = "", secret: bool = False) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setObjectName(name)
    if secret:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def error_label() -> QLabel:
    label = QLabel()
    label.setObjectName("error")
    label.setStyleSheet("color: #b00020")
    label.setWordWrap(True)
    return label


def ok_cancel(dialog: QDialog, on_ok: Callable[[], None]) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(on_ok)
    buttons.rejected.connect(dialog.reject)
    return buttons


class SignInPanel(QWidget):
    """What the main window shows until someone signs in: user name and password.

    The window is up and answering before the data layer has loaded; ``submitted`` hands the
    two texts to the start-up, which checks them in its worker (after the database has opened:
    the argon2 check is deliberately slow) and answers with ``refuse`` or by opening the desk.
    """

    submitted = Signal(str, str)

    def __init__(self, username: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signIn")
        self.username = form_line("username", username)
        self.password = form_line("password", secret=True)
        self.error = error_label()
        self.busy = QLabel()
        self.busy.setObjectName("busy")
        self.busy.setStyleSheet("color: #555")
        self.button = QPushButton(self.tr("Sign in"))
        self.button.setObjectName("signInButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self.submit)
        title = QLabel(self.tr("Shangyu District compliance desk"))
        title.setStyleSheet("font-size: 16pt; font-weight: bold")
        hint = QLabel(self.tr("Sign in with your own user name; it works without a network."))
        hint.setWordWrap(True)
        hint.setStyleSheet("color: #555; margin-bottom: 8px")
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        card = QFrame()
        card.setObjectName("signInCard")
        card.setFrameShape(QFrame.Shape.StyledPanel)
        card.setFixedWidth(420)
        inner = QVBoxLayout(card)
        inner.setContentsMargins(28, 24, 28, 24)
        inner.addWidget(title)
        inner.addWidget(hint)
        inner.addLayout(form)
        inner.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.busy, 1)
        row.addWidget(self.button)
        inner.addLayout(row)
        centred = QHBoxLayout()
        centred.addStretch(1)
        centred.addWidget(card)
        centred.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        outer.addLayout(centred)
        outer.addStretch(3)
        self.setFocusProxy(self.password if username else self.username)

    def submit(self) -> None:
        if not self.button.isEnabled():
            return  # a check is under way
        if not self.username.text().strip():
            self.error.setText(self.tr("Enter your user name."))
            self.username.setFocus()
            return
        self.error.clear()
        self.set_busy(self.tr("Checking the password…"))
        self.submitted.emit(self.username.text(), self.password.text())

    def set_busy(self, text: str) -> None:
        """While a check runs the fields wait (an empty ``text``: ready again)."""
        self.busy.setText(text)
        for widget in (self.username, self.password, self.button):
            widget.setEnabled(not text)

    def refuse(self, message: str) -> None:
        """The check failed: say why, and let the person type the password again."""
        self.set_busy("")
        self.error.setText(message)
        self.password.selectAll()
        self.password.setFocus()


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
        self.username = form_line("username", "admin")
        self.display_name = form_line("display_name")
        self.password = form_line("password", secret=True)
        self.repeat = form_line("repeat", secret=True)
        self.error = error_label()
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Full name"), self.display_name)
        form.addRow(self.tr("Password"), self.password)
        form.addRow(self.tr("Repeat password"), self.repeat)
        buttons = ok_cancel(self, self.try_create)
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
