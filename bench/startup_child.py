"""One cold start, timed from process spawn to the first turn of the event loop after show().

    python -m bench.startup_child bare|app T0 [DB_URL]

Prints the milliseconds since T0 (the parent's time.time() just before spawning).
"""

from __future__ import annotations

import sys
import time


def main() -> int:
    mode, t0 = sys.argv[1], float(sys.argv[2])
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    if mode == "bare":
        window = QMainWindow()
    else:
        from compliance_desk.bootstrap import open_desk
        from compliance_desk.gui import i18n
        from compliance_desk.gui.main_window import MainWindow
        from compliance_desk.gui.tasks import TaskRunner

        keep = i18n.install(app)  # noqa: F841
        desk = open_desk(sys.argv[3])
        user = desk.auth.login("clerk", "Clerk2026")
        window = MainWindow(desk, user, TaskRunner(synchronous=True))
    window.resize(1280, 760)
    window.show()

    def ready() -> None:
        if mode != "bare":
            page = window.enterprise_page  # type: ignore[attr-defined]
            assert page.model.rowCount() > 0 and page.model.data(page.model.index(0, 0))
        print(f"{(time.time() - t0) * 1000:.1f}")
        app.quit()

    QTimer.singleShot(0, ready)
    app.exec()
    return 0


if __name__ == "__main__":
    sys.exit(main())
