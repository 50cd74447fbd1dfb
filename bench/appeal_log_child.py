"""The appeal log page, timed as a clerk uses it, in a fresh process.

python -m bench.appeal_log_child DB_URL ROUNDS     prints one JSON object

Times, with the app's own background task runner: opening the page until its first page of rows
is painted, then each filter or sort change (each applied, then undone) until the new first
page is painted; and the process's resident memory at the end.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from bench.memory_child import resident_kib


def main() -> int:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from compliance_desk.bootstrap import open_desk
    from compliance_desk.gui.appeal_log_page import AppealLogPage
    from compliance_desk.gui.tasks import TaskRunner

    app = QApplication(sys.argv[:1])
    desk = open_desk(sys.argv[1])
    rounds = int(sys.argv[2])
    user = desk.auth.login("clerk", "Clerk2026")
    runner = TaskRunner()

    def settle(page: AppealLogPage, generation: int) -> None:
        """Until the refresh numbered ``generation`` has shown its rows, painted."""
        deadline = time.perf_counter() + 60
        while page._shown_generation < generation:  # noqa: SLF001 - the bench's probe
            app.processEvents()
            if time.perf_counter() > deadline:
                raise TimeoutError("the log did not refresh within 60 s")
            time.sleep(0.0005)
        page.table.viewport().repaint()  # paint the first screen of rows now

    # The main window builds the walk-in form and the register before the log: Qt's one-time
    # costs (its widget classes' first use, fonts, the first paint) are paid there, not by the
    # log.  Build them as the window does, untimed, the same on both databases.
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    from compliance_desk.gui.enterprise_page import EnterprisePage
    from compliance_desk.gui.visit_page import VisitPage

    rows = QTableView()  # the register's table holds rows in the app (none on an empty DB)
    rows.setModel(QStandardItemModel(3, 3))
    rows.viewport().repaint()  # the probe below: its first call builds PySide6 enum types
    for warm in (VisitPage(desk, user, runner), EnterprisePage(desk, user, runner), rows):
        warm.resize(1200, 800)
        warm.show()
        app.processEvents()
        warm.repaint()
        warm.hide()
    base_kib = resident_kib()

    started = time.perf_counter()
    page = AppealLogPage(desk, user, runner)
    page.resize(1200, 800)
    page.show()
    page.refresh()  # what the main window does when the page is opened
    settle(page, page._generation)  # noqa: SLF001
    open_ms = (time.perf_counter() - started) * 1000
    rows = page.model.rowCount()

    header = page.table.horizontalHeader()
    departments = [page.department.itemData(i) for i in (1, 2)]

    def combo(box: Any, index: int) -> Callable[[], None]:
        return lambda: box.setCurrentIndex(index)

    def text(value: str) -> Callable[[], None]:
        def apply() -> None:
            page.search.setText(value)
            page._debounce.stop()  # noqa: SLF001 - time the query, not the typing pause
            page.refresh()

        return apply

    changes: list[tuple[str, Callable[[], None], Callable[[], None]]] = []
    for i in range(1, page.state.count()):
        changes.append(
            (f"state {page.state.itemText(i)}", combo(page.state, i), combo(page.state, 0))
        )
    for i in range(1, page.tier.count()):
        changes.append((f"tier {page.tier.itemText(i)}", combo(page.tier, i), combo(page.tier, 0)))
    for n, dept in enumerate(departments, start=1):
        if dept is not None:
            changes.append(
                (f"department {n}", combo(page.department, n), combo(page.department, 0))
            )
    for i in range(1, page.period.count()):
        changes.append(
            (f"period {page.period.itemText(i)}", combo(page.period, i), combo(page.period, 0))
        )
    changes.append(
        ("overdue", lambda: page.overdue.setChecked(True), lambda: page.overdue.setChecked(False))
    )
    changes.append(
        (
            "due soon",
            lambda: page.due_soon.setChecked(True),
            lambda: page.due_soon.setChecked(False),
        )
    )
    for value in ("伞", "合同", "劳动合同", "2026", "崧厦", "不存在的文字"):
        changes.append((f"text {value}", text(value), text("")))
    for column in range(8):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            label = f"sort {column} {'asc' if order == Qt.SortOrder.AscendingOrder else 'desc'}"
            changes.append(
                (
                    label,
                    lambda c=column, o=order: header.setSortIndicator(c, o),
                    lambda: header.setSortIndicator(5, Qt.SortOrder.DescendingOrder),
                )
            )

    timings: list[tuple[str, float]] = []
    cpu: list[tuple[str, float]] = []  # the process's processor time (all threads), same changes
    for _ in range(rounds):
        for label, apply, undo in changes:
            for name, action in ((label, apply), (f"{label} (undo)", undo)):
                generation = page._generation  # noqa: SLF001
                t0, c0 = time.perf_counter(), time.process_time()
                action()
                if page._generation == generation:  # noqa: SLF001 - nothing changed
                    continue
                settle(page, page._generation)  # noqa: SLF001
                timings.append((name, (time.perf_counter() - t0) * 1000))
                cpu.append((name, (time.process_time() - c0) * 1000))
    # Scroll a few thousand rows down, as a clerk looking back would.
    bar = page.table.verticalScrollBar()
    for step in range(0, 40):
        bar.setValue(min(bar.maximum(), step * 100 * 26))
        app.processEvents()
    gc.collect()
    print(
        json.dumps(
            {
                "open_ms": open_ms,
                "rows": rows,
                "changes": timings,
                "changes_cpu": cpu,
                "base_kib": base_kib,
                "end_kib": resident_kib(),
            }
        )
    )
    runner.shutdown()
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
