"""One cold start, timed from process spawn (T0, the parent's clock just before spawning).

    python -m bench.startup_child bare T0
    python -m bench.startup_child app T0 DB_URL [TYPING_MS]

bare: prints the ms until a QMainWindow is shown and the event loop turns.
app:  the real start (gui.app.run, driven by a robot as --smoke-test is): prints the ms
      until the main window is shown with its sign-in and the event loop serves it, then the
      robot signs in as the clerk (at once, or after TYPING_MS as a person typing), and it
      prints the ms until the register's first page is painted in that window, and the ms
      from pressing Enter to that.
"""

from __future__ import annotations

import os
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


class Robot:
    """Rides gui.app.run as the smoke test's robot does: the real start, logging, settings,
    single instance, fonts and all.  Prints the ms until the main window's sign-in is up and
    the event loop serves it, signs in as the clerk at once, and prints the ms until the
    register's first page is painted."""

    def __init__(self, t0: float, typing_ms: int = 0) -> None:
        self.t0 = t0
        self.typing_ms = typing_ms  # how long the "person" takes to type the password
        self.pressed = 0.0

    def install_excepthook(self) -> None:
        pass

    def attach(self, startup) -> None:  # type: ignore[no-untyped-def]
        self.startup = startup
        startup.sign_in_shown.connect(
            lambda panel: QTimer.singleShot(0, lambda: self.sign_in(panel))
        )
        startup.refused.connect(lambda reason: (print(reason, file=sys.stderr), os._exit(1)))
        startup.signed_in.connect(lambda _user: QTimer.singleShot(0, self.painted))

    def sign_in(self, panel) -> None:  # type: ignore[no-untyped-def]
        print(since(self.t0), flush=True)  # the main window is up, its sign-in answering
        panel.username.setText("clerk")
        panel.password.setText("Clerk2026")
        QTimer.singleShot(self.typing_ms, lambda: self.press(panel))

    def press(self, panel) -> None:  # type: ignore[no-untyped-def]
        self.pressed = time.time()
        panel.submit()

    def painted(self) -> None:
        window = self.startup.window
        page = window.enterprise_page
        if page.model.rowCount() and page.model.data(page.model.index(0, 0)):
            QApplication.processEvents()
            print(since(self.t0), flush=True)
            print(since(self.pressed), flush=True)  # from pressing Enter
            window.close()
            QApplication.exit(0)
        else:
            QTimer.singleShot(5, self.painted)


def real(t0: float, url: str, typing_ms: int) -> None:
    from compliance_desk.gui.app import run

    if run(url, Robot(t0, typing_ms)):  # type: ignore[arg-type]
        raise SystemExit(1)


def main() -> int:
    mode, t0 = sys.argv[1], float(sys.argv[2])
    if mode == "bare":
        bare(t0)
    else:
        real(t0, sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
