"""One dialog for every workflow step: it asks for what that step needs, nothing more."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from compliance_desk.domain.appeal_workflow import ANNOTATIONS, Action, Step, apply
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.roles import Role
from compliance_desk.gui.combo import enum_of
from compliance_desk.services.appeals import AppealDetail
from compliance_desk.services.reference import ReferenceItem


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class StepDialog(QDialog):
    def __init__(
        self,
        action: Action,
        appeal: AppealDetail,
        departments: list[ReferenceItem],
        today: date,
        parent: QWidget | None = None,
        role: Role = Role.CLERK,
    ) -> None:
        super().__init__(parent)
        self.action, self.appeal, self.role = action, appeal, role
        self.setWindowTitle(f"{action.label} — {appeal.number}")
        self.setMinimumWidth(460)
        form = QFormLayout(self)
        form.addRow(QLabel(f"<b>{appeal.enterprise_name}</b>：{appeal.title}"))
        self.on = QDateEdit(_qdate(today))
        self.on.setObjectName("on")
        self.on.setCalendarPopup(True)
        self.on.setDisplayFormat("yyyy-MM-dd")
        self.on.setMaximumDate(_qdate(today))
        last = appeal.status.last_on  # a step that moves the appeal follows the last one
        if action not in ANNOTATIONS and action is not Action.DEPARTMENT_ANSWER and last:
            self.on.setMinimumDate(_qdate(min(last, today)))
        form.addRow(self.tr("Date"), self.on)
        self.departments = QListWidget()
        self.departments.setObjectName("departments")
        self.forward = QComboBox()
        self.forward.setObjectName("forward")
        self.tier = QComboBox()
        self.tier.setObjectName("tier")
        self.rating = QSpinBox()
        self.rating.setObjectName("rating")
        self.meeting = QDateEdit(_qdate(today))
        self.meeting.setObjectName("meeting")
        self.meeting.setCalendarPopup(True)
        self.meeting.setDisplayFormat("yyyy-MM-dd")
        self.participants = QLineEdit()
        self.participants.setObjectName("participants")
        self.text = QPlainTextEdit()
        self.text.setObjectName("text")
        self.text.setTabChangesFocus(True)
        self.text.setMaximumHeight(110)
        if action is Action.FORWARD:
            for d in departments:
                item = QListWidgetItem(d.name)
                item.setData(Qt.ItemDataRole.UserRole, str(d.id))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
                self.departments.addItem(item)
            form.addRow(self.tr("Departments"), self.departments)
        if action is Action.DEPARTMENT_ANSWER:
            for f in appeal.forwards:
                if f.answered_on is None:
                    self.forward.addItem(f"{f.department}（{f.on.isoformat()} 转办）", f.id)
            form.addRow(self.tr("Forward"), self.forward)
        if action is Action.RAISE_TIER:
            for t in AppealTier:
                if t.rank > appeal.status.tier.rank:
                    self.tier.addItem(t.label, t)
            form.addRow(self.tr("New tier"), self.tier)
        if action is Action.CLOSE:
            # Asked, not assumed: it started at 5, and a clerk who did not ask the enterprise
            # recorded full marks (the satisfaction statistics with it).
            self.rating.setRange(0, 5)
            self.rating.setValue(0)
            self.rating.setSpecialValueText(self.tr("Ask the enterprise"))
            self.rating.setSuffix(" 分")
            form.addRow(self.tr("Satisfaction (1–5)"), self.rating)
        if action is Action.SCHEDULE_PARLOUR:
            form.addRow(self.tr("Meeting date"), self.meeting)
            form.addRow(self.tr("Participants"), self.participants)
        if action is not Action.RESUME:
            form.addRow(self._text_label(action), self.text)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setStyleSheet("color: #b00020")
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _text_label(self, action: Action) -> str:
        labels = {
            Action.FORWARD: self.tr("Instructions to the departments"),
            Action.DEPARTMENT_ANSWER: self.tr("The department's answer"),
            Action.PARLOUR_OUTCOME: self.tr("Outcome of the meeting"),
            Action.ESCALATE: self.tr("What is sent to the leader"),
            Action.ANSWER: self.tr("Answer"),
            Action.REPLY: self.tr("What the enterprise was told"),
            Action.REOPEN: self.tr("Why it is reopened"),
            Action.RAISE_TIER: self.tr("Why the tier is raised"),
            Action.PAUSE: self.tr("Why the clock stops (e.g. waiting for documents)"),
            Action.RELAY_CHAMBER: self.tr("What the chamber relayed"),
            Action.CLOSE: self.tr("Closing remarks"),
        }
        return labels.get(action, self.tr("Remarks"))

    def accept(self) -> None:
        if self.action is Action.CLOSE and self.rating.value() == 0:
            self.message.setText(self.tr("Record the enterprise's satisfaction (1–5) first."))
            self.rating.setFocus()
            return  # the dialog stays, with what was typed
        try:  # the state machine's own checks (dates, texts), before the dialog goes
            apply(self.appeal.status, self.step(), self.role, fresh=True)
        except DomainError as exc:
            self.message.setText(exc.message_zh)
            return  # the dialog stays, with what was typed
        super().accept()

    def step(self) -> Step:
        chosen = tuple(
            str(self.departments.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.departments.count())
            if self.departments.item(i).checkState() == Qt.CheckState.Checked
        )
        return Step(
            self.action,
            _pydate(self.on.date()),
            self.text.toPlainText(),
            department_ids=chosen,
            forward_id=str(self.forward.currentData() or ""),
            new_tier=enum_of(self.tier, AppealTier),
            rating=(self.rating.value() or None) if self.action is Action.CLOSE else None,
            meeting_date=_pydate(self.meeting.date())
            if self.action is Action.SCHEDULE_PARLOUR
            else None,
            participants=self.participants.text(),
        )
