"""Import a ledger: every row checked first, problems listed, then written with progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.errors import DomainError
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.tasks import CancelToken, TaskRunner
from compliance_desk.services.context import CurrentUser
from compliance_desk.services.enterprise_import import (
    ColumnLayout,
    ImportCancelled,
    ImportPlan,
    ImportResult,
    preview,
    write_report,
)


class ImportDialog(QDialog):
    def __init__(
        self,
        desk: Desk,
        user: CurrentUser,
        runner: TaskRunner,
        path: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.desk, self.user, self.runner, self.path = desk, user, runner, path
        self.plan: ImportPlan | None = None
        self.result: ImportResult | None = None
        self.imported = False
        self.token = CancelToken()
        self._checks = 0
        self.setWindowTitle(self.tr("Import enterprise list — %1").replace("%1", path.name))
        self.resize(760, 480)
        self.summary = QLabel(self.tr("Checking every row…"))
        self.summary.setObjectName("summary")
        self.summary.setWordWrap(True)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.problems = QTableWidget(0, 3)
        self.problems.setObjectName("problems")
        self.problems.setHorizontalHeaderLabels(
            [self.tr("Row"), self.tr("Column"), self.tr("Reason")]
        )
        self.problems.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.problems.verticalHeader().setVisible(False)
        self.problems.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems.setWordWrap(True)  # a long reason whole, on two lines
        self.problems.verticalHeader().setMinimumSectionSize(26)
        self.skip = QCheckBox(self.tr("Import the good rows and leave out the rows with problems"))
        self.skip.setObjectName("skip")
        self.skip.setVisible(False)
        self.progress = QProgressBar()
        self.progress.setVisible(False)
        self.buttons = QDialogButtonBox()
        self.import_button = QPushButton(self.tr("Import"))
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        self.report_button = QPushButton(self.tr("Save problem report…"))
        self.report_button.setVisible(False)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(self.report_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.clicked.connect(self.start_import)
        self.report_button.clicked.connect(self.save_report)
        self.close_button.clicked.connect(self.cancel_or_close)
        self.skip.toggled.connect(self._update)
        # Rows naming no centre (nor a chamber or industry that has one) go to the centre
        # chosen here: the clerk's own by default (they were left with none, unseen by every
        # centre's devices).
        self.centre = QComboBox()
        self.centre.setObjectName("centre")
        self.centre.addItem(self.tr("none (by the row's chamber or industry only)"), None)
        industries = {i.id: i.name for i in desk.reference.items(user, "industry")}
        for item in desk.reference.items(user, "centre"):
            industry = industries.get(item.parent_id) if item.parent_id else None
            # the centre's industry goes with it to rows that name none: said, not hidden
            shown = item.name + (self.tr(" (industry: %1)").replace("%1", industry)
                                 if industry else "")  # fmt: skip
            self.centre.addItem(shown, item.id)
        mine = next(
            (i for i in range(self.centre.count()) if self.centre.itemData(i) == user.centre_id),
            None,
        )
        self.centre.setCurrentIndex(mine if mine is not None else 0)  # (no centre: "none")
        self.centre.currentIndexChanged.connect(lambda _i: self._check())
        # Headers it does not know: the clerk says which row they are on and what each
        # column holds (the file needed editing before).
        self.layout_: ColumnLayout | None = None
        self.match_button = QPushButton(self.tr("Match columns…"))
        self.match_button.setObjectName("matchColumns")
        self.match_button.clicked.connect(lambda: self.match_columns())
        choose = QHBoxLayout()
        choose.addWidget(QLabel(self.tr("Rows that name no centre go to:")))
        choose.addWidget(self.centre, 1)
        choose.addWidget(self.match_button)
        # Many notices scroll here (80 namesakes made the dialog taller than the screen).
        self.summary_area = QScrollArea()
        self.summary_area.setWidgetResizable(True)
        self.summary_area.setFrameShape(QFrame.Shape.NoFrame)
        self.summary_area.setWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addWidget(self.summary_area, 1)
        layout.addWidget(self.problems, 2)
        layout.addStretch(0)  # (a clean file: the summary at the top, not floating mid-dialog)
        layout.addWidget(self.skip)
        layout.addWidget(self.progress)
        layout.addWidget(self.buttons)
        self._check()

    def _check(self) -> None:
        """Every row checked (again, when the centre for rows without one is changed)."""
        self.plan = None
        self.import_button.setEnabled(False)
        self.summary.setText(self.tr("Checking every row…"))
        desk, user, path, centre = self.desk, self.user, self.path, self.centre.currentData()
        layout = self.layout_
        self._checks += 1
        check = self._checks  # a check overtaken by a newer one (the centre changed) is dropped

        def planned(plan: Any) -> None:
            if check == self._checks:
                self._planned(plan)

        def failed(exc: BaseException) -> None:
            if check == self._checks:
                self._failed(exc)

        self.runner.run(lambda: desk.importer.plan(user, path, centre_id=centre, layout=layout),
                        planned, failed)  # fmt: skip

    def match_columns(self) -> None:
        """Where the list is and what each column holds, said by the clerk; the rows are then
        checked again that way.  The file's first rows are read on the task runner."""
        path = self.path
        self.runner.run(lambda: preview(path), self._ask_columns, self._failed)

    def _ask_columns(self, sheets: Any) -> None:
        from compliance_desk.gui.column_dialog import ColumnDialog

        dialog = ColumnDialog(sheets, self.layout_, self)
        if self.exec_dialog(dialog) and dialog.layout_ is not None:
            self.layout_ = dialog.layout_
            self._check()

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Separate so a test can fill the dialog instead of a person."""
        return bool(dialog.exec())

    def _failed(self, exc: BaseException) -> None:
        self.report_button.setVisible(False)  # no plan, no problem rows to report
        self.summary.setText(getattr(exc, "message_zh", str(exc)))
        if not hasattr(exc, "message_zh"):
            show_error(self, exc)

    def _planned(self, plan: Any) -> None:
        assert isinstance(plan, ImportPlan)
        self.plan = plan
        lines = [
            self.tr("%1 rows ready to import (header found on row %2).")
            .replace("%1", str(len(plan.drafts)))
            .replace("%2", str(plan.header_row))
        ]
        if plan.problems:
            lines.append(
                self.tr(
                    "%1 rows have problems; nothing is written while they remain, unless you leave them out."
                ).replace("%1", str(len(plan.bad_rows)))
            )
        lines += plan.notices
        self.summary.setText("\n".join(lines))
        self.problems.setRowCount(len(plan.problems))
        for i, p in enumerate(plan.problems):
            for j, text in enumerate((str(p.row), p.column, p.reason)):
                self.problems.setItem(i, j, QTableWidgetItem(text))
        self.problems.resizeColumnToContents(0)
        self.problems.resizeColumnToContents(1)  # "统一社会信用代码" whole (it was cut)
        self.problems.resizeRowsToContents()
        self.problems.setVisible(bool(plan.problems))
        self.skip.setVisible(bool(plan.problems))
        self.report_button.setVisible(bool(plan.problems))
        self._update()

    def _update(self) -> None:
        ok = self.plan is not None and bool(self.plan.drafts)
        if self.plan is not None and self.plan.problems and not self.skip.isChecked():
            ok = False
        self.import_button.setEnabled(ok and self.result is None)

    def start_import(self) -> None:
        assert self.plan is not None
        plan, skip = self.plan, self.skip.isChecked()
        self.import_button.setEnabled(False)
        self.centre.setEnabled(False)
        self.match_button.setEnabled(False)
        self.skip.setEnabled(False)
        self.progress.setVisible(True)
        self.progress.setRange(0, max(len(plan.drafts), 1))
        report = self.runner.progress_reporter(
            self.token, lambda done, total: self.progress.setValue(done)
        )
        self.runner.run(
            lambda: self.desk.importer.apply(self.user, plan, skip_invalid=skip, progress=report),
            self._imported,
            self._import_failed,
        )

    def _imported(self, result: Any) -> None:
        assert isinstance(result, ImportResult)
        self.result = result
        self.imported = True
        self.progress.setValue(self.progress.maximum())
        done = (
            self.tr("Import finished: %1 new, %2 updated, %3 unchanged, %4 rows left out.")
            .replace("%1", str(result.created))
            .replace("%2", str(result.updated))
            .replace("%3", str(result.unchanged))
            .replace("%4", str(len({p.row for p in result.rejected})))
        )
        notices = self.plan.notices if self.plan is not None else []
        self.summary.setText("\n".join([done, *notices]))  # what to check stays in view
        self.close_button.setText(self.tr("Close"))

    def _import_failed(self, exc: BaseException) -> None:
        self.progress.setVisible(False)
        if isinstance(exc, ImportCancelled):
            self.summary.setText(exc.message_zh)
            self.close_button.setText(self.tr("Close"))
            return
        self._failed(exc)

    def cancel_or_close(self) -> None:
        if self.progress.isVisible() and self.result is None:
            self.token.cancel()
            return
        self.reject()

    def save_report(self) -> None:
        if self.plan is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save problem report"),
            str(self.path.with_name(self.path.stem + "-问题行.csv")),
            "CSV (*.csv)",
        )
        if target:
            try:
                write_report(Path(target), self.plan, self.plan.problems)
            except DomainError as exc:  # a folder that cannot be written: said
                show_error(self, exc)
