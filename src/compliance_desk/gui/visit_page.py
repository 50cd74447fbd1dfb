"""来访登记: a walk-in registered in under a minute, keyboard first, optionally as an appeal."""

from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QStringListModel, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.errors import ValidationError
from compliance_desk.domain.front_desk import AppealDraft, Channel, ManagementArea, VisitDraft
from compliance_desk.domain.local_time import local_text
from compliance_desk.gui.combo import enum_of
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.enterprise_dialog import EnterpriseDialog
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.dto import EnterpriseView


class VisitPage(QWidget):
    appeal_opened = Signal(object)  # the new appeal's id, for the log to show it

    def __init__(
        self, desk: Desk, user: CurrentUser, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.runner = desk, user, runner
        self._generation = 0
        self.enterprise: EnterpriseView | None = None
        self._choices: dict[str, EnterpriseView] = {}

        self.enterprise_edit = QLineEdit()
        self.enterprise_edit.setObjectName("enterprise")
        self.enterprise_edit.setPlaceholderText(
            self.tr("Type the name, pinyin initials or credit code")
        )
        self._completion = QStringListModel(self)
        completer = QCompleter(self._completion, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setMaxVisibleItems(12)
        self.enterprise_edit.setCompleter(completer)
        self.enterprise_edit.textEdited.connect(self._suggest)
        completer.activated.connect(self._chosen)
        self.new_enterprise = QPushButton(self.tr("New enterprise…"))
        self.new_enterprise.setObjectName("newEnterprise")
        self.new_enterprise.clicked.connect(self._create_enterprise)
        self.chosen = QLabel()
        self.chosen.setObjectName("chosen")
        self.history = QLabel()
        self.history.setObjectName("history")
        self.history.setWordWrap(True)
        self.history.setStyleSheet("color: #555")
        self.visitor = QLineEdit()
        self.visitor.setObjectName("visitor")
        self.phone = QLineEdit()
        self.phone.setObjectName("phone")
        self.channel = QComboBox()
        self.channel.setObjectName("channel")
        for c in Channel:
            self.channel.addItem(c.label, c)
        self.area = QComboBox()
        self.area.setObjectName("area")
        for a in ManagementArea:
            self.area.addItem(a.label, a)
        # 其他 until the clerk chooses (the first area was taken unasked: the statistics by area
        # counted every unchosen visit as contract review)
        self._other = list(ManagementArea).index(ManagementArea.OTHER)
        self.area.setCurrentIndex(self._other)
        self.description = QPlainTextEdit()
        self.description.setObjectName("description")
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(120)
        self.pending: list[Path] = []
        self.attach_button = QPushButton(self.tr("Attach scans or photos…"))
        self.attach_button.setObjectName("attach")
        self.attach_button.clicked.connect(lambda: self.add_attachments())
        self.attached = QLabel()
        self.attached.setObjectName("attached")
        self.attached.setWordWrap(True)
        self.as_appeal = QCheckBox(self.tr("Register an appeal as well"))
        self.as_appeal.setObjectName("asAppeal")
        self.as_appeal.setChecked(True)
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.tier = QComboBox()
        self.tier.setObjectName("tier")
        for t in AppealTier:
            count, unit = t.period
            period = f"{count}个工作日" if unit.value == "working_days" else f"{count}日"
            self.tier.addItem(f"{t.label}（{period}）", t)
        self.tier.setCurrentIndex(1)
        self.save_button = QPushButton(self.tr("Save (Enter)"))
        self.save_button.setObjectName("save")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.clicked.connect(self.clear)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.recent = QListWidget()
        self.recent.setObjectName("recent")

        picker = QHBoxLayout()
        picker.addWidget(self.enterprise_edit, 1)
        picker.addWidget(self.new_enterprise)
        form = QFormLayout()
        form.addRow(self.tr("Enterprise *"), picker)
        form.addRow("", self.chosen)
        form.addRow(self.tr("Visitor *"), self.visitor)
        form.addRow(self.tr("Phone"), self.phone)
        form.addRow(self.tr("Channel"), self.channel)
        form.addRow(self.tr("Area"), self.area)
        form.addRow(self.tr("Description"), self.description)
        attach_row = QHBoxLayout()
        attach_row.addWidget(self.attach_button)
        attach_row.addWidget(self.attached, 1)
        form.addRow(self.tr("Attachments"), attach_row)
        form.addRow("", self.as_appeal)
        form.addRow(self.tr("Appeal *"), self.title)
        form.addRow(self.tr("Tier"), self.tier)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.clear_button)
        buttons.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(buttons)
        left.addWidget(self.message)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(self.history)
        right.addWidget(QLabel(self.tr("Registered in this session")))
        right.addWidget(self.recent)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addLayout(right, 2)
        self.as_appeal.toggled.connect(
            lambda on: (self.title.setEnabled(on), self.tier.setEnabled(on))
        )
        for edit in (self.visitor, self.phone, self.title):
            edit.returnPressed.connect(self.save)
        self.setTabOrder(self.enterprise_edit, self.visitor)
        self.setTabOrder(self.visitor, self.phone)
        self.setTabOrder(self.phone, self.channel)
        self.setTabOrder(self.channel, self.area)
        self.setTabOrder(self.area, self.description)
        self.setTabOrder(self.description, self.as_appeal)
        self.setTabOrder(self.as_appeal, self.title)
        self.setTabOrder(self.title, self.tier)
        self.setTabOrder(self.tier, self.save_button)

    # --- picking the enterprise ----------------------------------------------------
    def _suggest(self, text: str) -> None:
        self.enterprise = None
        self.chosen.setText("")
        self.history.setText("")
        if not text.strip():
            self._completion.setStringList([])
            return
        self._generation += 1
        generation = self._generation

        def done(results: Any) -> None:
            if generation != self._generation:
                return  # the clerk typed on meanwhile
            self._choices = {f"{r.name}  {r.uscc}": r for r in results}
            self._completion.setStringList(list(self._choices))
            if len(results) == 1:
                self.pick(results[0])

        self.runner.run(
            lambda: self.desk.enterprises.search(self.user, text, limit=12),
            done,
            lambda e: show_error(self, e),
        )

    def _chosen(self, text: str) -> None:
        if text in self._choices:
            self.pick(self._choices[text])

    def pick(self, enterprise: EnterpriseView) -> None:
        self.enterprise = enterprise
        self.message.setText("")  # "choose the enterprise first" is answered
        self.chosen.setText(
            self.tr("Selected: %1 (%2)")
            .replace("%1", enterprise.name)
            .replace("%2", enterprise.uscc)
        )
        self.chosen.setStyleSheet("color: #1b7f3b")
        earlier = self.desk.appeals.for_enterprise(self.user, enterprise.id)
        if earlier:
            lines = [f"{number}  {title}（{state}）" for number, title, state in earlier[:5]]
            self.history.setText(
                self.tr("Earlier appeals of this enterprise: %1").replace("%1", str(len(earlier)))
                + "\n"
                + "\n".join(lines)
            )
        else:
            self.history.setText(self.tr("No earlier appeals from this enterprise."))

    def _create_enterprise(self) -> None:
        dialog = EnterpriseDialog(self.desk, self.user, None, self)
        # "already registered: open the existing record" (or a similar name's link): here that
        # means this walk-in is that enterprise; it did nothing, and what was typed was lost
        dialog.open_existing.connect(self._use_existing)
        if self.exec_dialog(dialog) and dialog.saved is not None:
            self.enterprise_edit.setText(dialog.saved.name)
            self.pick(dialog.saved)

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Separate so a test can fill the dialog instead of a person."""
        return bool(dialog.exec())

    def _use_existing(self, enterprise_id: uuid.UUID) -> None:
        existing = self.desk.enterprises.get(self.user, enterprise_id)
        self.enterprise_edit.setText(existing.name)
        self.pick(existing)

    def add_attachments(self, paths: list[str] | None = None) -> None:
        if paths is None:
            paths, _ = QFileDialog.getOpenFileNames(
                self,
                self.tr("Attach scans or photos"),
                str(Path.home()),
                self.tr("Scans and photos (*.pdf *.jpg *.jpeg *.png *.tif *.tiff);;All files (*)"),
            )
        self.pending += [Path(p) for p in paths]
        self.attached.setText("、".join(p.name for p in self.pending))

    # --- saving --------------------------------------------------------------------
    def save(self) -> None:
        if self.enterprise is None:
            self.message.setStyleSheet("color: #b00020")
            self.message.setText(
                self.tr("Choose the enterprise first (type to search, or create it).")
            )
            self.enterprise_edit.setFocus()
            return
        now = self.desk.ctx.clock()
        channel = enum_of(self.channel, Channel) or Channel.OTHER
        area = enum_of(self.area, ManagementArea) or ManagementArea.OTHER
        tier = enum_of(self.tier, AppealTier) or AppealTier.GENERAL
        visit_draft = VisitDraft(self.enterprise.id, self.visitor.text(), now, channel, area,
                                 self.phone.text(), self.description.toPlainText())  # fmt: skip
        appeal_draft = None
        if self.as_appeal.isChecked():
            appeal_draft = AppealDraft(self.enterprise.id, self.title.text(), tier, now,
                                       channel, area, self.description.toPlainText())  # fmt: skip
        enterprise_name, files = self.enterprise.name, list(self.pending)
        self.save_button.setEnabled(False)  # one save at a time; the worker writes the files

        def failed(exc: BaseException) -> None:
            self.save_button.setEnabled(True)
            if isinstance(exc, ValidationError):
                self.message.setStyleSheet("color: #b00020")
                self.message.setText("；".join(exc.problems.values()))
            else:
                show_error(self, exc)

        # One use case: the visit, the appeal and the scans are saved together or not at all.
        self.runner.run(
            lambda: self.desk.appeals.register_walk_in(self.user, visit_draft, appeal_draft, files),
            lambda result: self._saved(result, enterprise_name, now),
            failed,
        )

    def _saved(self, result: Any, enterprise_name: str, now: datetime) -> None:
        visit, appeal = result
        self.save_button.setEnabled(True)
        self.message.setStyleSheet("color: #1b7f3b")
        if appeal is not None:
            due = appeal.deadline.due.isoformat() if appeal.deadline.due else ""
            self.message.setText(
                self.tr("Registered. Appeal %1, due %2.")
                .replace("%1", appeal.number)
                .replace("%2", due)
            )
            self.recent.insertItem(0, f"{local_text(now)}  {enterprise_name}  {appeal.number}")
            self.appeal_opened.emit(appeal.id)
        else:
            self.message.setText(self.tr("Visit registered."))
            self.recent.insertItem(0, f"{local_text(now)}  {enterprise_name}  {visit.visitor_name}")
        self.clear(keep_message=True)

    def clear(self, keep_message: bool = False) -> None:
        self.enterprise = None
        for edit in (self.enterprise_edit, self.visitor, self.phone, self.title):
            edit.clear()
        self.description.clear()
        self.pending = []
        self.attached.setText("")
        self.chosen.setText("")
        self.history.setText("")
        self.channel.setCurrentIndex(0)
        self.area.setCurrentIndex(self._other)
        self.tier.setCurrentIndex(1)
        if not keep_message:
            self.message.setText("")
        self.enterprise_edit.setFocus()

    def select_enterprise(self, enterprise_id: uuid.UUID) -> None:
        view = self.desk.enterprises.get(self.user, enterprise_id)
        self.enterprise_edit.setText(view.name)
        self.pick(view)
        self.visitor.setFocus()
