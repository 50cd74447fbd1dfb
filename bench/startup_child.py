"""One cold start, timed from process spawn (T0, the parent's clock just before spawning).

    python -m bench.startup_child bare T0
    python -m bench.startup_child app T0 DB_URL

bare: prints the ms until a QMainWindow is shown and the event loop turns.
app:  the real start-up path (gui.app.run's: MainWindow with gui.startup.Startup's sign-in):
      prints the ms until the main window is shown with its sign-in and the event loop turns,
      then a robot signs in as the clerk at once, and it prints the ms until the register's
      first page is painted in that window.
"""

from __future__ import annotations

import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def since(t0: float) -> str:
    return f"{(time.time() - t0) * 1000:.1f}"


def bare(t0: float) -> None:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(1280, 760)
    window.show()
    QTimer.singleShot(0, lambda: (print(since(t0)), app.quit()))
    app.exec()


def real(t0: float, url: str) -> None:
    from compliance_desk.gui import i18n
    from compliance_desk.gui.main_window import MainWindow
    from compliance_desk.gui.startup import Startup
    from compliance_desk.settings import Settings

    app = QApplication(sys.argv[:1])
    keep = i18n.install(app)  # noqa: F841
    settings = Settings(last_username="clerk")
    startup = Startup(url, settings)
    window = MainWindow(settings=settings, database=url)
    startup.present(window)
    window.show()

    def sign_in() -> None:
        print(since(t0))  # the main window is up and the event loop is serving its sign-in
        panel = startup.panel
        assert panel is not None
        panel.password.setText("Clerk2026")
        panel.submit()

    def painted() -> None:
        page = window.enterprise_page
        if page.model.rowCount() and page.model.data(page.model.index(0, 0)):
            app.processEvents()
            print(since(t0))
            app.quit()
        else:
            QTimer.singleShot(5, painted)

    startup.refused.connect(lambda reason: (print(reason, file=sys.stderr), app.exit(1)))
    startup.signed_in.connect(lambda _user: QTimer.singleShot(0, painted))
    QTimer.singleShot(0, sign_in)
    if app.exec():
        raise SystemExit(1)
    startup.close()


def main() -> int:
    mode, t0 = sys.argv[1], float(sys.argv[2])
    if mode == "bare":
        bare(t0)
    else:
        real(t0, sys.argv[3])
    return 0


if __name__ == "__main__":
    sys.exit(main())
