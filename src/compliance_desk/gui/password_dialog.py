"""Passwords: a person changes their own (the old one asked), an administrator sets a new one
for a user who forgot theirs.  A refusal is said in the dialog, which keeps what was typed."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QWidget

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.errors import DomainError
from compliance_desk.gui.login import error_label, form_line, ok_cancel
from compliance_desk.services.context import CurrentUser


class PasswordDialog(QDialog):
    """``target`` None: ``user`` changes their own password; else an administrator (``user``)
    sets ``target``'s, named ``target_name``."""

    def __init__(
        self,
        desk: Desk,
        user: CurrentUser,
        target: uuid.UUID | None = None,
        target_name: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.target = desk, user, target
        self.done_ = False
        form = QFormLayout(self)
        self.old = form_line("old", secret=True)
        self.new = form_line("new", secret=True)
        self.again = form_line("again", secret=True)
        if target is None:
            self.setWindowTitle(self.tr("Change my password"))
            form.addRow(self.tr("Current password"), self.old)
        else:
            self.setWindowTitle(self.tr("Reset password"))
            hint = self.tr("A new password for %1; tell them to change it after signing in.")
            form.addRow(QLabel(hint.replace("%1", target_name)))
        form.addRow(self.tr("New password"), self.new)
        form.addRow(self.tr("New password again"), self.again)
        form.addRow(QLabel(self.tr("At least 8 characters, letters and digits.")))
        self.message = error_label()
        form.addRow(self.message)
        form.addRow(ok_cancel(self, self.save))
        self.setMinimumWidth(420)

    def save(self) -> None:
        if self.new.text() != self.again.text():
            self.message.setText(self.tr("The two new passwords differ."))
            self.again.setFocus()
            return
        try:
            if self.target is None:
                self.desk.auth.change_password(self.user, self.old.text(), self.new.text())
            else:
                self.desk.auth.reset_password(self.user, self.target, self.new.text())
        except DomainError as exc:
            self.message.setText(exc.message_zh)
            return
        self.done_ = True
        self.accept()
