"""Peak memory of the main window after scrolling the whole enterprise table.

python -m bench.memory_child DB_URL      prints peak RSS in KiB
"""

from __future__ import annotations

import gc
import sys


def resident_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from compliance_desk.bootstrap import open_desk
    from compliance_desk.gui.main_window import MainWindow
    from compliance_desk.gui.tasks import TaskRunner

    app = QApplication(sys.argv[:1])
    desk = open_desk(sys.argv[1])
    user = desk.auth.login("clerk", "Clerk2026")
    window = MainWindow(desk, user, TaskRunner(synchronous=True))
    window.show()
    table = window.enterprise_page.table
    bar = table.verticalScrollBar()
    rows = window.enterprise_page.model.rowCount()
    for step in range(0, 101):  # scroll top to bottom, painting each screen
        bar.setValue(bar.maximum() * step // 100)
        app.processEvents()
    table.scrollToBottom()
    app.processEvents()
    gc.collect()
    print(rows, resident_kib())
    desk.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
