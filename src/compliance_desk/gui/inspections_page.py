"""检查: the day's inspections and walking them, the draw, rectifications, the compliant list."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
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
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.inspections import InspectionStatus, add_months
from compliance_desk.domain.roles import Permission, allows
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.inspection_walk import InspectionWalk
from compliance_desk.gui.save_as import with_suffix
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.inspections import InspectionRow

OPEN = QColor("#fff4d6")
CALLED_OFF = QColor("#888888")
OVERDUE = QColor("#fde2e1")


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


def _fit(table: QTableWidget, columns: tuple[int, ...]) -> None:
    """Those columns as wide as their contents, once per filling (a column in Stretch keeps
    the rest: enterprise names and credit codes were cut to six characters beside it)."""
    for column in columns:
        table.resizeColumnToContents(column)


_DRAWN = Qt.ItemDataRole.UserRole + 1  # an enterprise the draw chose (not added by hand)


class PlanDialog(QDialog):
    """Plan a joint inspection: the enterprise(s), the day, the departments."""

    def __init__(self, desk: Desk, user: CurrentUser, enterprises: list[tuple[uuid.UUID, str]],
                 parent: QWidget | None = None, *, inspector_ids: list[uuid.UUID] | None = None,
                 draw_id: uuid.UUID | None = None, note: str = "") -> None:  # fmt: skip
        super().__init__(parent)
        self.desk, self.user = desk, user
        # From a draw: its team and its id go on every inspection, so each traces to the draw.
        self.inspector_ids = inspector_ids or [user.id]
        self.draw_id = draw_id
        self.setWindowTitle(self.tr("Plan a joint inspection"))
        self.enterprises = QListWidget()
        self.enterprises.setObjectName("planEnterprises")
        for eid, name in enterprises:
            item = QListWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, eid)
            item.setData(_DRAWN, draw_id is not None)
            self.enterprises.addItem(item)
        self.message = QLabel()
        self.message.setObjectName("planMessage")
        self.message.setStyleSheet("color: #b00020")
        self.message.setWordWrap(True)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Add an enterprise: name or pinyin initials, Enter"))
        self.search.returnPressed.connect(self._add)
        today = desk.inspections.today()
        self.day = QDateEdit(_qdate(today + timedelta(days=1)))
        self.day.setDateRange(_qdate(add_months(today, -24)), _qdate(add_months(today, 24)))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("yyyy-MM-dd")
        self.departments = QListWidget()
        self.departments.setObjectName("planDepartments")
        for dept in desk.reference.items(user, "department"):
            item = QListWidgetItem(dept.name)
            item.setData(Qt.ItemDataRole.UserRole, dept.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.departments.addItem(item)
        self.override = QLineEdit()
        self.override.setPlaceholderText(
            self.tr("Only to inspect a listed enterprise twice a year")
        )
        self.override.setEnabled(allows(user.role, Permission.INSPECTION_ADMIN))
        form = QFormLayout()
        form.addRow(self.tr("Enterprises"), self.enterprises)
        form.addRow("", self.search)
        form.addRow("", self.message)
        form.addRow(self.tr("Date"), self.day)
        form.addRow(self.tr("Departments"), self.departments)
        form.addRow(self.tr("Reason for an exception"), self.override)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.plan)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        self.note = QLabel(note)  # from a draw: its seed, pool and who was left out
        self.note.setObjectName("drawNote")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(note))
        layout.addWidget(self.note)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.planned: list[uuid.UUID] = []

    def _add(self) -> None:
        """An enterprise added by hand: planned on its own, not as one the draw chose."""
        typed = self.search.text().strip()
        if not typed:
            return
        found = self.desk.enterprises.search(self.user, typed, limit=1)
        if not found:
            self.message.setText(self.tr("No enterprise matches “%1”.").replace("%1", typed))
            return
        listed = [self.enterprises.item(n).data(Qt.ItemDataRole.UserRole)
                  for n in range(self.enterprises.count())]  # fmt: skip
        if found[0].id in listed:
            self.message.setText(self.tr("%1 is in the list already.").replace("%1", found[0].name))
            return
        shown = found[0].name
        if self.draw_id is not None:
            shown += self.tr(" (added, not drawn)")
        item = QListWidgetItem(shown)
        item.setData(Qt.ItemDataRole.UserRole, found[0].id)
        item.setData(_DRAWN, False)
        self.enterprises.addItem(item)
        self.message.clear()
        self.search.clear()

    def checked_departments(self) -> list[uuid.UUID]:
        out = []
        for n in range(self.departments.count()):
            item = self.departments.item(n)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(item.data(Qt.ItemDataRole.UserRole))
        return out

    def plan(self) -> None:
        """Plan each enterprise; the ones refused are named, the others kept."""
        refused = []
        for n in range(self.enterprises.count()):
            item = self.enterprises.item(n)
            try:
                view = self.desk.inspections.plan(
                    self.user, item.data(Qt.ItemDataRole.UserRole), _pydate(self.day.date()),
                    self.checked_departments(), self.inspector_ids,
                    draw_id=self.draw_id if item.data(_DRAWN) else None,
                    override_reason=self.override.text(),
                )  # fmt: skip
                self.planned.append(view.id)
            except Exception as exc:  # noqa: BLE001
                refused.append(f"{item.text()}：{getattr(exc, 'message_zh', exc)}")
        if refused:
            QMessageBox.warning(self, self.tr("Not planned"), "\n".join(refused))
        if self.planned or not refused:
            self.accept()


class InspectionsPage(QWidget):
    def __init__(
        self, desk: Desk, user: CurrentUser, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.runner = desk, user, runner
        self.rows: list[InspectionRow] = []
        self.tabs = QTabWidget()
        self.tabs.addTab(self._inspections_tab(), self.tr("Inspections"))
        self.tabs.addTab(self._rectifications_tab(), self.tr("Rectification"))
        self.tabs.addTab(self._list_tab(), self.tr("Compliant-enterprise list"))
        self.admin = None
        if allows(user.role, Permission.INSPECTION_ADMIN):
            from compliance_desk.gui.inspection_admin import InspectionAdmin

            self.admin = InspectionAdmin(desk, user)
            self.tabs.addTab(self.admin, self.tr("Settings"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    # -- inspections ----------------------------------------------------------------------

    def _inspections_tab(self) -> QWidget:
        tab = QWidget()
        can_edit = allows(self.user.role, Permission.INSPECTION_EDIT)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("inspections")
        self.table.setHorizontalHeaderLabels(
            [self.tr("Date"), self.tr("Enterprise"), self.tr("Status"), self.tr("Progress")]
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.itemSelectionChanged.connect(self._open_selected)
        self.walk = InspectionWalk(self.desk, self.user, self.runner)
        # An answer changes only this list; rectifications and the list change on sign-off.
        self.walk.changed.connect(self.refresh_inspections)
        self.walk.signed.connect(self.refresh)
        draw = QPushButton(self.tr("Random draw…"))
        draw.setObjectName("draw")
        draw.clicked.connect(lambda: self.draw())
        plan = QPushButton(self.tr("Plan…"))
        plan.setObjectName("plan")
        plan.clicked.connect(lambda: self.plan([]))
        correct = self.correct_button = QPushButton(self.tr("Correct…"))
        correct.setObjectName("correctInspection")
        correct.clicked.connect(lambda: self.correct())
        self.move_button = QPushButton(self.tr("Another day…"))
        self.move_button.setObjectName("rescheduleInspection")
        self.move_button.clicked.connect(lambda: self.reschedule())
        self.cancel_button = QPushButton(self.tr("Call off…"))
        self.cancel_button.setObjectName("cancelInspection")
        self.cancel_button.clicked.connect(lambda: self.cancel())
        self.rectify_button = QPushButton(self.tr("Start rectification…"))
        self.rectify_button.setObjectName("startRectification")
        self.rectify_button.clicked.connect(lambda: self.start_rectification())
        for b in (draw, plan, self.move_button, self.cancel_button, correct,
                  self.rectify_button):  # fmt: skip
            b.setVisible(can_edit)
        self.advice_button = QPushButton(self.tr("Draft the advice letter…"))
        self.advice_button.setObjectName("draftAdvice")
        self.advice_button.clicked.connect(lambda: self.draft_advice())
        self.advice_button.setVisible(allows(self.user.role, Permission.LETTER_DRAFT))
        self.no_penalty_button = QPushButton(self.tr("Draft the no-penalty decision…"))
        self.no_penalty_button.setObjectName("draftNoPenalty")
        self.no_penalty_button.setToolTip(
            self.tr("For a signed inspection whose findings all match the exemption list")
        )
        self.no_penalty_button.clicked.connect(lambda: self.draft_no_penalty())
        self.no_penalty_button.setVisible(allows(self.user.role, Permission.LETTER_DRAFT))
        buttons = QHBoxLayout()
        for b in (draw, plan, self.move_button, self.cancel_button, correct,
                  self.rectify_button, self.advice_button, self.no_penalty_button):  # fmt: skip
            buttons.addWidget(b)
        self._signed_only()
        buttons.addStretch(1)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.table)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(left)
        split.addWidget(self.walk)
        # on a 1366 x 768 laptop the checklist showed five items under six inspections
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 4)
        split.setSizes([180, 600])
        layout = QVBoxLayout(tab)
        layout.addWidget(split)
        return tab

    def reload(self) -> None:
        """Other desks' changes arrived, or F5: every list read again (each keeps its selection)."""
        self.refresh()

    def refresh(self) -> None:
        self.refresh_inspections()
        self.refresh_rectifications()
        self.refresh_list()

    def refresh_inspections(self) -> None:
        def done(rows: list[InspectionRow]) -> None:
            selected = self.current()
            self.rows = rows
            self.table.blockSignals(True)
            self.table.setRowCount(len(rows))
            for n, r in enumerate(rows):
                progress = self.tr("%1/%2 answered, %3 finding(s)").replace("%1", str(r.answered))
                progress = progress.replace("%2", str(r.items)).replace("%3", str(r.findings))
                for col, text in enumerate((r.planned_on.isoformat(), r.enterprise_name,
                                            r.status.label, progress)):  # fmt: skip
                    cell = QTableWidgetItem(text)
                    if r.status in (InspectionStatus.PLANNED, InspectionStatus.IN_PROGRESS):
                        cell.setBackground(OPEN)
                    elif r.status == InspectionStatus.CANCELLED:
                        cell.setForeground(CALLED_OFF)
                    self.table.setItem(n, col, cell)
                if selected is not None and r.id == selected.id:
                    self.table.selectRow(n)
            self.table.blockSignals(False)
            self._signed_only()  # (its status may have changed: signed now)

        self.runner.run(lambda: self.desk.inspections.recent(self.user), done,
                        lambda e: show_error(self, e))  # fmt: skip

    def current(self) -> InspectionRow | None:
        rows = sorted({i.row() for i in self.table.selectedIndexes()})
        return self.rows[rows[0]] if rows and rows[0] < len(self.rows) else None

    def _open_selected(self) -> None:
        row = self.current()
        if row is not None:
            self.walk.open(row.id)
        self._signed_only()

    def _signed_only(self) -> None:
        """What follows a signed inspection (its correction, rectification and letters) only
        with one selected (they were offered with nothing selected)."""
        row = self.current()
        signed = row is not None and row.status == InspectionStatus.SIGNED
        for b in (self.correct_button, self.rectify_button, self.advice_button,
                  self.no_penalty_button):  # fmt: skip
            b.setEnabled(signed)
        planned = row is not None and row.status == InspectionStatus.PLANNED
        self.move_button.setEnabled(planned)
        self.cancel_button.setEnabled(planned)  # not once an answer is recorded

    def draw(
        self, centre_index: int | None = None, count: int | None = None, ask: bool = True
    ) -> None:
        centres = self.desk.reference.items(self.user, "centre")
        if centre_index is None:
            names = [c.name for c in centres]
            name, ok = QInputDialog.getItem(self, self.tr("Random draw"), self.tr("Centre"),
                                            names, 0, False)  # fmt: skip
            if not ok:
                return
            centre_index = names.index(name)
        if count is None:
            count, ok = QInputDialog.getInt(self, self.tr("Random draw"),
                                            self.tr("How many enterprises?"), 5, 1, 500)  # fmt: skip
            if not ok:
                return
        try:
            result = self.desk.inspections.draw(self.user, centres[centre_index].id, count)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.last_draw = result
        note = (self.tr("Drawn with seed %1 from %2 enterprise(s); inspectors: %3.")
                .replace("%1", str(result.seed)).replace("%2", str(result.pool_size))
                .replace("%3", "、".join(n for _i, n in result.inspectors)))  # fmt: skip
        if result.left_out:
            note += self.tr(" Left out: %1 enterprise(s) on the compliant list already inspected "
                            "within the year (at most once a year): %2.").replace(
                "%1", str(len(result.left_out))).replace(
                "%2", "、".join(n for _e, n, _why in result.left_out[:5])
                + ("…" if len(result.left_out) > 5 else ""))  # fmt: skip
        self.plan([(e, n) for e, n, _listed in result.enterprises], ask=ask,
                  inspector_ids=[i for i, _n in result.inspectors], draw_id=result.id,
                  note=note)  # fmt: skip

    def plan(
        self, enterprises: list[tuple[uuid.UUID, str]], ask: bool = True, *,
        inspector_ids: list[uuid.UUID] | None = None, draw_id: uuid.UUID | None = None,
        note: str = "",
    ) -> PlanDialog:  # fmt: skip
        dialog = PlanDialog(self.desk, self.user, enterprises, self,
                            inspector_ids=inspector_ids, draw_id=draw_id, note=note)  # fmt: skip
        self.plan_dialog = dialog
        if ask:
            dialog.exec()
        self.refresh()
        return dialog

    def correct(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            fix = self.desk.inspections.correct(self.user, row.id)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.refresh()
        self.walk.open(fix.id)

    def draft_advice(self, show: bool = True) -> object | None:
        """行政合规建议书 drafted from the signed inspection's findings, in the letter form."""
        from compliance_desk.gui.letter_dialog import LetterDialog

        row = self.current()
        if row is None:
            return None
        try:
            data = self.desk.inspections.advice_data(self.user, row.id)
            enterprise = self.desk.inspections.inspection(self.user, row.id).enterprise_id
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return None
        dialog = LetterDialog(self.desk, self.user, "advice_letter", enterprise_id=enterprise,
                              case_id=uuid.uuid4(), runner=self.runner, parent=self)  # fmt: skip
        dialog.form.set_data(dialog.form.data() | data)
        if show:
            dialog.exec()
        return dialog

    def draft_no_penalty(self, education: str | None = None, show: bool = True) -> object | None:
        """不予行政处罚决定书 of a signed inspection whose findings all match the exemption
        list, with the education given to the party (art. 33), in the letter form."""
        from compliance_desk.gui.letter_dialog import LetterDialog

        row = self.current()
        if row is None:
            return None
        if education is None:
            education, ok = QInputDialog.getMultiLineText(
                self, self.tr("No-penalty decision"),
                self.tr("The education given to the party (required by art. 33 of the "
                        "Administrative Penalty Law):"),
            )  # fmt: skip
            if not ok:
                return None
        try:
            data = self.desk.inspections.no_penalty_decision_data(self.user, row.id, education)
            enterprise = self.desk.inspections.inspection(self.user, row.id).enterprise_id
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return None
        dialog = LetterDialog(self.desk, self.user, "no_penalty_decision", enterprise_id=enterprise,
                              case_id=uuid.uuid4(), runner=self.runner, parent=self)  # fmt: skip
        dialog.form.set_data(dialog.form.data() | data)
        if show:
            dialog.exec()
        return dialog

    def reschedule(self, day: date | None = None) -> bool:
        """A planned inspection to another day (the once-a-year guard asked again)."""
        row = self.current()
        if row is None:
            return False
        if day is None:
            text, ok = QInputDialog.getText(
                self, self.tr("Another day"),
                self.tr("Inspect %1 on (e.g. 2026-03-01):").replace("%1", row.enterprise_name),
                text=row.planned_on.isoformat(),
            )  # fmt: skip
            if not ok:
                return False
            try:
                day = date.fromisoformat(text.strip())
            except ValueError:
                QMessageBox.warning(self, self.tr("Another day"),
                                    self.tr("Write the date as 2026-03-01."))  # fmt: skip
                return False
        when = day
        return self._change(
            row.id, lambda: self.desk.inspections.reschedule(self.user, row.id, when)
        )

    def cancel(self, reason: str | None = None) -> bool:
        """Called off before signing, with the reason (kept; it no longer counts as the
        enterprise's inspection of the year)."""
        row = self.current()
        if row is None:
            return False
        if reason is None:
            reason, ok = QInputDialog.getText(
                self, self.tr("Call off the inspection"),
                self.tr("Why is the inspection of %1 on %2 called off?")
                .replace("%1", row.enterprise_name).replace("%2", row.planned_on.isoformat()),
            )  # fmt: skip
            if not ok:
                return False
        why = reason
        return self._change(row.id, lambda: self.desk.inspections.cancel(self.user, row.id, why))

    def _change(self, inspection_id: uuid.UUID, change: Callable[[], object]) -> bool:
        """A planned inspection changed (moved, called off): refused is said; done, the list
        and the walk show it as it is now."""
        try:
            change()
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return False
        self.refresh_inspections()
        self.walk.open(inspection_id)
        return True

    def start_rectification(self, deadline: date | None = None) -> None:
        row = self.current()
        if row is None:
            return
        try:
            data = self.desk.inspections.advice_data(self.user, row.id)
            default = date.fromisoformat(data["rectification_deadline"])
            if deadline is None:
                text, ok = QInputDialog.getText(
                    self, self.tr("Start rectification"),
                    self.tr("Rectification deadline (at least three months):"),
                    text=default.isoformat(),
                )  # fmt: skip
                if not ok:
                    return
                deadline = date.fromisoformat(text.strip())
            self.desk.inspections.start_rectification(self.user, row.id, deadline)
        except ValueError:
            QMessageBox.warning(self, self.tr("Start rectification"),
                                self.tr("Write the date as 2026-03-01."))  # fmt: skip
            return
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.refresh_rectifications()
        self.tabs.setCurrentIndex(1)

    # -- rectification --------------------------------------------------------------------

    def _rectifications_tab(self) -> QWidget:
        tab = QWidget()
        self.rect_table = QTableWidget(0, 6)
        self.rect_table.setObjectName("rectifications")
        self.rect_table.setHorizontalHeaderLabels(
            [self.tr("Enterprise"), self.tr("Inspected"), self.tr("Deadline"), self.tr("Status"),
             self.tr("Evidence"), self.tr("Acceptance")]
        )  # fmt: skip
        self.rect_table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.rect_table.verticalHeader().setVisible(False)
        self.rect_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.rect_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.rect_summary = QLabel()
        self.rect_summary.setObjectName("rectSummary")
        evidence = QPushButton(self.tr("Evidence received…"))
        evidence.clicked.connect(lambda: self.evidence())
        accept = QPushButton(self.tr("Acceptance…"))
        accept.setObjectName("acceptance")
        accept.clicked.connect(lambda: self.acceptance())
        for b in (evidence, accept):
            b.setVisible(allows(self.user.role, Permission.INSPECTION_EDIT))
        buttons = QHBoxLayout()
        buttons.addWidget(self.rect_summary, 1)
        buttons.addWidget(evidence)
        buttons.addWidget(accept)
        layout = QVBoxLayout(tab)
        layout.addWidget(self.rect_table)
        layout.addLayout(buttons)
        self.rects: list = []
        return tab

    def refresh_rectifications(self) -> None:
        try:
            self.rects = self.desk.compliant_list.rectifications(self.user)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        labels = {"open": self.tr("Open"), "accepted": self.tr("Accepted"),
                  "withdrawn": self.tr("Ended by a correction")}  # fmt: skip
        self.rect_table.setRowCount(len(self.rects))
        for n, r in enumerate(self.rects):
            status = self.tr("Overdue") if r.overdue else labels.get(r.status, r.status)
            if r.due_soon:
                status = self.tr("Due within two weeks")
            cells = (r.enterprise_name, r.inspected_on.isoformat() if r.inspected_on else "",
                     r.deadline.isoformat(), status, r.evidence_note, r.result_note)  # fmt: skip
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                if r.overdue:
                    cell.setBackground(OVERDUE)
                elif r.due_soon:
                    cell.setBackground(OPEN)
                self.rect_table.setItem(n, col, cell)
        overdue = sum(1 for r in self.rects if r.overdue)
        soon = sum(1 for r in self.rects if r.due_soon)
        _fit(self.rect_table, (0, 1, 2, 3, 5))  # names and dates whole; the evidence the rest
        self.rect_summary.setText(self.tr("%1 rectification(s), %2 overdue, %3 due within two weeks")
                                  .replace("%1", str(len(self.rects)))
                                  .replace("%2", str(overdue)).replace("%3", str(soon)))  # fmt: skip

    def _current_rect(self):  # type: ignore[no-untyped-def]
        rows = sorted({i.row() for i in self.rect_table.selectedIndexes()})
        return self.rects[rows[0]] if rows else None

    def evidence(self, note: str | None = None) -> None:
        rect = self._current_rect()
        if rect is None:
            return
        if note is None:
            note, ok = QInputDialog.getText(self, self.tr("Evidence received"),
                                            self.tr("What did the enterprise submit?"))  # fmt: skip
            if not ok:
                return
        try:
            self.desk.compliant_list.submit_evidence(self.user, rect.id, note)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
        self.refresh_rectifications()

    def acceptance(self, passed: bool | None = None, note: str | None = None) -> None:
        rect = self._current_rect()
        if rect is None:
            return
        if passed is None:
            answer = QMessageBox.question(
                self, self.tr("Acceptance"), self.tr("Did the rectification pass acceptance?"),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
                | QMessageBox.StandardButton.Cancel,
            )  # fmt: skip
            if answer == QMessageBox.StandardButton.Cancel:
                return
            passed = answer == QMessageBox.StandardButton.Yes
        if note is None:
            note, ok = QInputDialog.getText(self, self.tr("Acceptance"), self.tr("Opinion:"))
            if not ok:
                return
        try:
            self.desk.compliant_list.accept(self.user, rect.id, passed, note)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.refresh_rectifications()
        self.refresh_list()

    # -- the compliant list ---------------------------------------------------------------

    def _list_tab(self) -> QWidget:
        tab = QWidget()
        self.as_of = QDateEdit(_qdate(self.desk.compliant_list.today()))
        self.as_of.setObjectName("asOf")
        self.as_of.setCalendarPopup(True)
        self.as_of.setDisplayFormat("yyyy-MM-dd")
        self.as_of.dateChanged.connect(lambda _d: self.refresh_list())
        export = QPushButton(self.tr("Export to Excel…"))
        export.setObjectName("exportList")
        export.clicked.connect(lambda: self.export_list())
        self.list_table = QTableWidget(0, 4)
        self.list_table.setObjectName("compliantList")
        self.list_table.setHorizontalHeaderLabels(
            [self.tr("Enterprise"), self.tr("Credit code"), self.tr("Listed since"),
             self.tr("Note")]
        )  # fmt: skip
        self.list_table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.list_table.verticalHeader().setVisible(False)
        self.list_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list_count = QLabel()
        self.list_count.setObjectName("listCount")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("As of")))
        top.addWidget(self.as_of)
        top.addWidget(self.list_count, 1)
        top.addWidget(export)
        layout = QVBoxLayout(tab)
        layout.addLayout(top)
        layout.addWidget(self.list_table)
        return tab

    def refresh_list(self) -> None:
        try:
            entries = self.desk.compliant_list.as_of(self.user, _pydate(self.as_of.date()))
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.list_table.setRowCount(len(entries))
        for n, e in enumerate(entries):
            note = (self.tr("Flagged for review: ") if e.status == "flagged" else "") + e.reason
            for col, text in enumerate((e.name, e.uscc, e.since.isoformat(), note)):
                cell = QTableWidgetItem(text)
                if e.status == "flagged":
                    cell.setBackground(OVERDUE)
                self.list_table.setItem(n, col, cell)
        _fit(self.list_table, (0, 1, 2))
        self.list_count.setText(self.tr("%1 enterprise(s)").replace("%1", str(len(entries))))

    def export_list(self, path: str | None = None) -> None:
        day = _pydate(self.as_of.date())
        if path is None:
            path, chosen = QFileDialog.getSaveFileName(
                self, self.tr("Export the list"),
                str(Path.home() / f"区级合规企业名单-{day.isoformat()}.xlsx"),
                "Excel (*.xlsx);;CSV (*.csv)",
            )  # fmt: skip
            path = str(with_suffix(path, chosen)) if path else path
            if not path:
                return
        try:
            count = self.desk.compliant_list.export(self.user, Path(path), day)
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc)
            return
        self.list_count.setText(self.tr("Exported %1").replace("%1", str(count)))
