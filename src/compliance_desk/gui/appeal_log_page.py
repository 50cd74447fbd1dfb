"""诉求台账: every appeal, filtered in SQL, its clock shown and explained, its steps one click away."""

from __future__ import annotations

import logging
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QUrl,
    Signal,
)
from PySide6.QtGui import QColor, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.appeal_workflow import Action, AppealState, reply_late
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.local_time import CHINA, local_date, local_text
from compliance_desk.gui.combo import enum_of
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.paged_model import OffsetPagedModel
from compliance_desk.gui.save_as import with_suffix
from compliance_desk.gui.step_dialog import StepDialog
from compliance_desk.gui.tasks import CancelToken, TaskRunner
from compliance_desk.persistence.interrupt import Interrupted
from compliance_desk.services.appeals import (
    SORT_KEYS,
    AppealDetail,
    AttachmentView,
    LogFilter,
    LogRow,
)
from compliance_desk.services.context import CurrentUser

log = logging.getLogger("compliance_desk.gui.appeal_log")
Index = QModelIndex | QPersistentModelIndex
OVERDUE = QColor("#fde2e1")
DUE_SOON = QColor("#fff4d6")
UNREADABLE = QColor("#e4e4e4")  # a row whose timeline does not replay

# The buttons under the record, in the order of the plan's route.
BUTTONS = [
    Action.FORWARD,
    Action.DEPARTMENT_ANSWER,
    Action.SCHEDULE_PARLOUR,
    Action.PARLOUR_OUTCOME,
    Action.ESCALATE,
    Action.ANSWER,
    Action.RELAY_CHAMBER,
    Action.REPLY,
    Action.CLOSE,
    Action.RAISE_TIER,
    Action.PAUSE,
    Action.RESUME,
    Action.REOPEN,
    Action.NOTE,
]


def _py_date(d: QDate) -> date:
    return date(d.year(), d.month(), d.day())


def _esc(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    )


class AppealLogModel(OffsetPagedModel[LogRow]):
    """The log's rows: a count and pages by offset (a million appeals are never all loaded)."""

    # A page is a screenful and a half (26 px rows): a filter's first page, read and built
    # while the clerk waits, is half the work of 100 rows (a walk stops at half the length)
    PAGE = 50

    ROLES = frozenset(
        {
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.UserRole,
        }
    )

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(lambda _offset, _limit: [], [], 20, parent)
        self._texts: dict[uuid.UUID, tuple[LogRow, tuple[str, ...]]] = {}
        self.headers = [
            self.tr("Number"),
            self.tr("Enterprise"),
            self.tr("Appeal"),
            self.tr("Tier"),
            self.tr("State"),
            self.tr("Received"),
            self.tr("Due"),
            self.tr("Working days left"),
        ]

    def set_result(self, count: int, first_page: list[LogRow]) -> None:
        self._texts.clear()
        super().set_result(count, first_page)

    def cell(self, r: LogRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            values = self._texts.get(r.id)
            if values is None or values[0] is not r:  # a row's texts, made once a page
                values = self._texts[r.id] = (r, self._display(r))
                if len(self._texts) > 4 * self.PAGE * 20:
                    self._texts.clear()
            return values[1][column] if 0 <= column < len(values[1]) else None
        if role == Qt.ItemDataRole.ToolTipRole and not r.timeline_ok:
            return self.tr("Its timeline does not replay: ask the administrator to check it.")
        if role == Qt.ItemDataRole.ToolTipRole and column == 5:
            return local_text(r.received_at)
        if role == Qt.ItemDataRole.BackgroundRole:
            if not r.timeline_ok:
                return UNREADABLE
            if r.overdue:
                return OVERDUE
            if r.working_days_left is not None and r.working_days_left <= 1:
                return DUE_SOON
        return None

    def _display(self, r: LogRow) -> tuple[str, ...]:
        due = ""
        if r.due is not None:
            due = r.due.isoformat() + ("（暂定）" if r.provisional else "")
        elif r.state is not AppealState.CLOSED and r.replied_late is None:
            due = self.tr("paused")
        left = ""
        if not r.timeline_ok:
            left = self.tr("check timeline")
        elif r.overdue:
            left = self.tr("overdue")
        elif r.working_days_left is not None:
            left = str(r.working_days_left)
        elif r.replied_late is not None:  # the clock stopped at the reply to the enterprise
            left = self.tr("replied late") if r.replied_late else self.tr("replied in time")
        return (r.number, r.enterprise_name, r.title, r.tier.label, r.state.label,
                local_text(r.received_at)[:10], due, left)  # fmt: skip


class AppealLogPage(QWidget):
    reminded = Signal(str)  # the reminder text, for a tray notice when the window is minimised

    def __init__(
        self, desk: Desk, user: CurrentUser, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.runner = desk, user, runner
        self.current: AppealDetail | None = None
        self._wanted: uuid.UUID | None = None
        self._place: int | None = None  # the list's scroll position to restore after a reload
        self._generation = 0
        self._shown_generation = 0  # the last refresh whose rows are in the table
        self.model = AppealLogModel(self)
        self.reminder = QLabel()
        self.reminder.setObjectName("reminder")
        self.reminder.setStyleSheet(
            "QLabel { background: #fff4d6; padding: 6px; border-radius: 3px; }"
        )
        self.reminder.setVisible(False)
        self.search = QLineEdit()
        self.search.setObjectName("logSearch")
        self.search.setPlaceholderText(self.tr("Search: number, appeal or enterprise"))
        self.search.setClearButtonEnabled(True)
        self.state = QComboBox()
        self.state.setObjectName("stateFilter")
        self.state.addItem(self.tr("Open appeals"), "open")
        self.state.addItem(self.tr("All states"), None)
        for s in AppealState:
            self.state.addItem(s.label, s)
        self.tier = QComboBox()
        self.tier.setObjectName("tierFilter")
        self.tier.addItem(self.tr("All tiers"), None)
        for t in AppealTier:
            self.tier.addItem(t.label, t)
        self.department = QComboBox()
        self.department.setObjectName("departmentFilter")
        self.department.addItem(self.tr("All departments"), None)
        for dept in desk.reference.items(user, "department"):
            self.department.addItem(dept.name, dept.id)
        self.period = QComboBox()
        self.period.setObjectName("periodFilter")
        self.period.addItem(self.tr("Any date"), None)
        self.period.addItem(self.tr("Last 7 days"), 7)
        self.period.addItem(self.tr("Last 30 days"), 30)
        self.period.addItem(self.tr("This year"), "year")
        self.period.addItem(self.tr("Date range…"), "range")
        today = local_date(desk.ctx.clock())
        self.date_from = QDateEdit(QDate(today.year, today.month, 1))
        self.date_from.setObjectName("dateFrom")
        self.date_to = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_to.setObjectName("dateTo")
        for edit in (self.date_from, self.date_to):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.setVisible(False)
            edit.dateChanged.connect(lambda _d: self._range_changed())
        self.date_to.setMinimumDate(self.date_from.date())  # a range can never run backwards
        self.overdue = QCheckBox(self.tr("Overdue only"))
        self.overdue.setObjectName("overdueFilter")
        self.due_soon = QCheckBox(self.tr("Due within 3 working days"))
        self.count = QLabel()
        self.count.setObjectName("logCount")
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setObjectName("exportLog")
        self.export_button.clicked.connect(lambda: self.export())
        self.receipt_button = QPushButton(self.tr("Receipt (PDF)…"))
        self.receipt_button.setObjectName("receipt")
        self.receipt_button.clicked.connect(lambda: self.save_receipt())
        self.table = QTableView()
        self.table.setObjectName("appeals")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(26)
        # Each column as wide as its longest usual value ("特别疑难复杂问题", "已报分管领导"),
        # the enterprise and the title sharing what is left (the days-left column was cut off
        # at the window's old default width, and stretched itself wide at larger ones).
        for column, width in enumerate((122, 164, 130, 112, 92, 84, 84, 76)):
            self.table.setColumnWidth(column, width)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        for stretched in (1, 2):  # the enterprise and the appeal share what is left
            header.setSectionResizeMode(stretched, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(48)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(5, Qt.SortOrder.DescendingOrder)
        header.sortIndicatorChanged.connect(lambda _c, _o: self.refresh())
        self.detail = QTextBrowser()
        self.detail.setObjectName("appealDetail")
        self.detail.setOpenLinks(False)  # attachment links open in the system's viewer
        self.detail.anchorClicked.connect(QDesktopServices.openUrl)
        self.buttons: dict[Action, QPushButton] = {}
        self.grid = QGridLayout()
        for action in BUTTONS:
            button = QPushButton(action.label)
            button.setObjectName(f"action_{action.value}")
            button.clicked.connect(lambda _c=False, a=action: self.run_step(a))
            self.buttons[action] = button
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail, 1)
        right_layout.addWidget(self.receipt_button)
        right_layout.addLayout(self.grid)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setSizes([900, 300])
        splitter.setStretchFactor(0, 1)  # a wider window widens the list, not the record
        splitter.setStretchFactor(1, 0)
        top = QHBoxLayout()
        top.addWidget(self.search, 2)
        top.addWidget(self.state)
        top.addWidget(self.tier)
        top.addWidget(self.department)
        top.addWidget(self.period)
        top.addWidget(self.date_from)
        top.addWidget(self.date_to)
        top.addWidget(self.overdue)
        top.addWidget(self.due_soon)
        top.addWidget(self.count)
        top.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.reminder)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for combo in (self.state, self.tier, self.department):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.period.currentIndexChanged.connect(lambda _i: self._period_changed())
        for box in (self.overdue, self.due_soon):
            box.toggled.connect(lambda _b: self.refresh())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._load_selected())
        self._remind_timer = QTimer(self)
        self._remind_timer.setInterval(5 * 60 * 1000)
        self._remind_timer.timeout.connect(self.remind)
        self._remind_timer.start()
        self._show(None)
        self._reconciling = False
        self.model.set_loader(
            lambda work, done, failed: self.runner.run(
                work, done, lambda e: (failed(e), show_error(self, e))
            )
        )
        self._counting: CancelToken | None = None  # the count the figure still waits for

    def _reconcile(self) -> None:
        """Clocks written around this desk (an older version, a bulk load, a calendar update)
        are counted again in the background, once, after the first page is shown (so that the
        check never delays it); the list refreshes if any changed."""
        if self._reconciling:
            return
        self._reconciling = True
        token = self.runner.token()  # closing the app stops it (the next start does the rest)

        def failed(error: BaseException) -> None:
            if isinstance(error, Interrupted):
                log.info("reconciling the appeal clocks stopped: the app is closing")
            else:
                log.warning("reconciling the appeal clocks failed: %r", error)

        self.runner.run(
            lambda: self.desk.appeal_log.reconcile(lambda: token.cancelled),
            lambda n: self.refresh() if n else None,
            failed,
        )

    # --- listing -------------------------------------------------------------------
    def current_filter(self) -> LogFilter:
        state = enum_of(self.state, AppealState)
        header = self.table.horizontalHeader()
        column = header.sortIndicatorSection()
        return LogFilter(
            text=self.search.text(),
            state=state,
            open_only=self.state.currentData() == "open",
            tier=enum_of(self.tier, AppealTier),
            overdue_only=self.overdue.isChecked(),
            due_within=3 if self.due_soon.isChecked() else None,
            department_id=self.department.currentData(),
            received_from=self._period_start(),
            received_to=self._period_end(),
            sort=SORT_KEYS[column] if 0 <= column < len(SORT_KEYS) else "received",
            descending=header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder,
        )

    def _range_changed(self) -> None:
        self.date_to.setMinimumDate(self.date_from.date())
        if self.period.currentData() == "range":
            self.refresh()

    def _period_changed(self) -> None:
        ranged = self.period.currentData() == "range"
        self.date_from.setVisible(ranged)
        self.date_to.setVisible(ranged)
        self.refresh()

    def _period_end(self) -> date | None:
        if self.period.currentData() != "range":
            return None
        return _py_date(self.date_to.date())

    def _period_start(self) -> date | None:
        """The first day of the chosen receipt period, in China's calendar."""
        choice = self.period.currentData()
        if choice == "range":
            return _py_date(self.date_from.date())
        today = local_date(self.desk.ctx.clock())
        if choice == "year":
            return today.replace(month=1, day=1)
        if isinstance(choice, int):
            return today - timedelta(days=choice - 1)
        return None

    def reload(self) -> None:
        """The same filter read again (other desks' changes arrived, or F5), keeping the appeal
        whose record is shown and, once the rows are counted, the place in the list."""
        place = self.table.verticalScrollBar().value()
        self.refresh(select=self.current.id if self.current is not None else None, place=place)

    def refresh(self, select: uuid.UUID | None = None, place: int | None = None) -> None:
        """Read the filter's first page; ``place``: a scroll position to return to once the rows
        are counted (a reload).  A newer refresh forgets an older one's place."""
        self._place = place
        self._generation += 1
        generation = self._generation
        flt = self.current_filter()
        if self._counting is not None:  # the figure for the old filter is no longer wanted
            self._counting.cancel()
            self._counting = None

        log_, user, page_size = self.desk.appeal_log, self.user, self.model.PAGE

        def first() -> list[LogRow]:  # in the worker: the first page, shown at once
            return log_.page(user, flt, 0, page_size)

        def counted(count: Any) -> None:
            if generation == self._generation:
                self._counting = None
                self.model.set_count(int(count))
                self.count.setText(self.tr("%1 appeals").replace("%1", str(count)))
                if self._place is not None:  # a reload: back where the clerk was
                    self.table.updateGeometries()  # the scroll range for the counted rows
                    self.table.verticalScrollBar().setValue(self._place)
                    self._place = None

        def not_counted(error: BaseException) -> None:
            if not isinstance(error, Interrupted):  # a superseded count was stopped: fine
                show_error(self, error)

        def count() -> None:
            if generation != self._generation:  # another filter meanwhile
                return
            token = self._counting = self.runner.token()  # also stopped at closing
            self.runner.run(
                lambda: log_.count(user, flt, lambda: token.cancelled), counted, not_counted
            )

        def done(rows: Any) -> None:
            if generation != self._generation:
                return
            self.model.set_fetch(lambda offset, limit: log_.page(user, flt, offset, limit))
            self.model.set_result(len(rows), rows)  # grows when the count arrives
            self._shown_generation = generation
            row = self.model.row_of(select) if select is not None else -1
            if row >= 0:
                self.table.selectRow(row)
            elif select is not None:  # far down the list (or filtered out): keep its record
                self.table.clearSelection()
                self._load(select)
            else:
                self._show(None)
            # Counted after the selection, so a reload's place is restored last.
            if len(rows) < page_size:  # the whole filter is on this page
                counted(len(rows))
            else:
                self.count.setText(self.tr("counting…"))
                if self.runner.synchronous:
                    count()
                else:  # once the rows are painted (the next turn of the event loop): the
                    QTimer.singleShot(0, self, count)  # count never competes with the paint
            self._reconcile()

        self.runner.run(first, done, lambda e: show_error(self, e))

    def export(self, path: str | None = None) -> None:
        """The current filter, in the ledger layout, to Excel or CSV."""
        if not path:
            path, chosen = QFileDialog.getSaveFileName(
                self,
                self.tr("Export the appeal log"),
                str(Path.home() / "诉求台账.xlsx"),
                self.tr("Excel workbook (*.xlsx);;CSV (*.csv)"),
            )
            path = str(with_suffix(path, chosen)) if path else path
        if not path:
            return
        target, flt = Path(path), self.current_filter()

        def done(count: Any) -> None:
            self.count.setText(self.tr("Exported %1 appeals").replace("%1", str(count)))

        self.runner.run(
            lambda: self.desk.appeal_log.export(self.user, target, flt),
            done,
            lambda e: show_error(self, e),
        )

    def save_receipt(self, path: str | None = None, open_it: bool = True) -> None:
        """受理回执 for the selected appeal: written as PDF, opened in the system's viewer to print."""
        d = self.current
        if d is None:
            return
        if not path:
            path, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Save the receipt"),
                str(Path.home() / f"受理回执-{d.number}.pdf"),
                "PDF (*.pdf)",
            )
            path = str(with_suffix(path, "", ".pdf")) if path else path
        if not path:
            return
        target, appeal_id, desk, user = Path(path), d.id, self.desk, self.user

        def write() -> None:  # in the worker: render (fonts, QR, signature) and save
            from compliance_desk.services.ledger_files import save_bytes

            save_bytes(target, desk.appeals.receipt(user, appeal_id))

        def done(_result: Any) -> None:
            if open_it:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

        # A missing font or a full disk is a message in Chinese, not a crash.
        self.runner.run(write, done, lambda e: show_error(self, e))

    def remind(self) -> None:
        """At start and every few minutes: overdue and due-soon appeals, in working hours only.
        Counted in the background; the banner updates when the counts arrive."""
        desk, user = self.desk, self.user

        def count() -> tuple[int, int] | None:
            now = desk.ctx.clock()
            if not desk.calendars.calendar().is_workday(local_date(now)):
                return None
            if not 8 <= now.astimezone(CHINA).hour < 18:
                return None
            return desk.appeal_log.reminder_counts(user)

        def show(counts: Any) -> None:
            if not counts or counts == (0, 0):
                self.reminder.setVisible(False)
                return
            self.reminder.setText(
                self.tr("%1 appeals are overdue; %2 are due today or on the next working day.")
                .replace("%1", str(counts[0]))
                .replace("%2", str(counts[1]))
            )
            self.reminder.setVisible(True)
            self.reminded.emit(self.reminder.text())

        # A periodic job: a failure is logged, not a dialog every five minutes.
        self.runner.run(count, show, lambda e: log.warning("reminder check failed: %r", e))

    # --- the record ----------------------------------------------------------------
    def _load_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        record = self.model.record(rows[0].row()) if rows else None
        if record is None:
            self._show(None)
            return
        self._load(record.id)

    def _load(self, appeal_id: uuid.UUID) -> None:
        """Show this appeal's record and its actions (fetched in the worker)."""
        self._wanted = appeal_id

        def shown(result: Any) -> None:
            if self._wanted == appeal_id:  # the clerk may have moved on meanwhile
                self._show(*result)

        self.runner.run(lambda: self._fetch(appeal_id), shown, lambda e: show_error(self, e))

    def _fetch(self, appeal_id: uuid.UUID) -> tuple[AppealDetail, list[AttachmentView]]:
        """In the worker: the appeal and the files attached to it or to its visit."""
        d = self.desk.appeals.detail(self.user, appeal_id)
        owners = [d.id] + ([d.visit_id] if d.visit_id else [])
        return d, self.desk.appeals.attachments(self.user, owners)

    def _show(self, d: AppealDetail | None, files: list[AttachmentView] | None = None) -> None:
        self.current = d
        shown = [a for a in BUTTONS if d is not None and a in d.actions]
        for action, button in self.buttons.items():
            self.grid.removeWidget(button)
            button.setVisible(action in shown)
            button.setEnabled(action in shown)
        self.receipt_button.setEnabled(d is not None)
        for n, action in enumerate(shown):  # only what can be done now, packed in rows of four
            self.grid.addWidget(self.buttons[action], n // 4, n % 4)
        if d is None:
            hint = self.tr("Select an appeal to see its clock, its route and its timeline.")
            self.detail.setHtml(f"<p style='color:#666'>{_esc(hint)}</p>")
            return
        s = d.status
        due = d.deadline.due.isoformat() + " 24:00" if d.deadline.due else self.tr("paused")
        today = local_date(self.desk.ctx.clock())
        if s.clock_running and d.deadline.overdue_on(today):
            due += "  " + self.tr("(overdue)")
        elif (late := reply_late(s, d.deadline)) is not None:  # the clock stopped at the reply
            due += "  " + (self.tr("(replied late)") if late else self.tr("(replied in time)"))
        provisional = self.tr(" (provisional)") if d.deadline.provisional else ""
        deadline_title = self.tr("Deadline")
        forwards_title = self.tr("Forwards")
        timeline_title = self.tr("Timeline")
        html = [
            f"<h3>{_esc(d.number)}　{_esc(d.title)}</h3>",
            f"<p>{_esc(d.enterprise_name)}<br/>{_esc(s.tier.label)} · {_esc(s.state.label)} · "
            f"{_esc(d.channel.label)} · {_esc(d.subject_area.label)}</p>",
            f"<p><b>{_esc(deadline_title)}：{_esc(due)}{_esc(provisional)}</b></p>",
            f"<p style='color:#444; white-space: pre-wrap'>{_esc(d.deadline.explanation)}</p>",
        ]
        if d.forwards:
            html.append(f"<h4>{_esc(forwards_title)}</h4><ul>")
            for f in d.forwards:  # each date said for what it is (a bare third date was not)
                line = self.tr("%1: forwarded %2, answer due %3").replace("%1", f.department)
                line = line.replace("%2", f.on.isoformat())
                line = line.replace("%3", f.deadline.due.isoformat() if f.deadline.due else "—")
                due_by = f.deadline.due
                late = ""  # a department's answer past its own deadline is said, in red
                if f.answered_on:
                    answered = self.tr("answered %1").replace("%1", f.answered_on.isoformat())
                    if due_by is not None and f.answered_on > due_by:
                        late = self.tr("answered late")
                else:
                    answered = self.tr("waiting for the answer")
                    if due_by is not None and today > due_by:
                        late = self.tr("overdue: no answer %1 day(s) after the deadline").replace(
                            "%1", str((today - due_by).days))  # fmt: skip
                flag = f"；<span style='color:#b00020'>{_esc(late)}</span>" if late else ""
                html.append(f"<li>{_esc(line)}；{_esc(answered)}{flag}</li>")
            html.append("</ul>")
        if files:
            attachments_title = self.tr("Attachments")
            html.append(f"<h4>{_esc(attachments_title)}</h4><ul>")
            for f in files:
                url = QUrl.fromLocalFile(str(f.path)).toString()
                html.append(
                    f"<li><a href='{url}'>{_esc(f.filename)}</a>（{f.size // 1024 + 1} KB）</li>"
                )
            html.append("</ul>")
        html.append(f"<h4>{_esc(timeline_title)}</h4><ul>")
        for t in d.timeline:
            html.append(
                f"<li>{t.on.isoformat()} {_esc(t.action.label)}（{_esc(t.user_name)}）"
                f"<br/><small>{_esc(t.text)}</small></li>"
            )
        html.append("</ul>")
        self.detail.setHtml("".join(html))

    def run_step(self, action: Action) -> None:
        d = self.current
        if d is None:
            return
        departments = self.desk.reference.items(self.user, "department")
        today = local_date(self.desk.ctx.clock())
        dialog = StepDialog(action, d, departments, today, self, self.user.role)
        if not self.exec_step_dialog(dialog):
            return
        step, appeal_id = dialog.step(), d.id

        def act() -> tuple[AppealDetail, list[AttachmentView]]:
            self.desk.appeals.act(self.user, appeal_id, step)
            return self._fetch(appeal_id)

        def done(result: Any) -> None:
            self.refresh(select=appeal_id)
            self._wanted = appeal_id
            self._show(*result)

        # A DomainError (in Chinese) or the crash dialog if the step fails.
        self.runner.run(act, done, lambda e: show_error(self, e))

    def exec_step_dialog(self, dialog: StepDialog) -> bool:
        """Separate so a test can fill the dialog instead of a person."""
        return bool(dialog.exec())
