"""``compliance-desk --smoke-test``: the real start, driven by a robot, then a report and quit.

The installer's checks start the bundle (and the tests the source) this way: the same
``gui.app.run`` a clerk gets (logging, translations, fonts, migrations with their backup, the
sign-in in the main window or, on a database with no users, the first-run dialog), with the
robot typing the user name and password it was given.  Once the main window is on screen it prints what a person
would see (title, navigation, the font that draws the Chinese, Qt's own 确定), optionally
saves a screenshot, and quits with 0.  Anything else ends the process non-zero: a refused
password, a crash (traceback on stderr) or no window within the time limit.
"""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QTextLayout
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMainWindow, QWidget

if TYPE_CHECKING:
    from compliance_desk.gui.startup import Startup

EXIT_FAILED = 3


def _fail(message: str) -> None:
    """Hard exit: the dialog's nested event loop would otherwise carry on without us."""
    print(f"smoke test FAILED: {message}", file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(EXIT_FAILED)


def chinese_glyphs(text: str) -> tuple[list[str], int]:
    """The font families Qt draws ``text`` with, and how many characters came out as boxes."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    layout = QTextLayout(text, app.font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    families, missing = [], 0
    for run in layout.glyphRuns():
        families.append(run.rawFont().familyName())
        missing += sum(1 for glyph in run.glyphIndexes() if glyph == 0)
    return families, missing


class SmokeRobot(QObject):
    def __init__(
        self, username: str, password: str, screenshot: Path | None, timeout_s: float = 90
    ) -> None:
        super().__init__()
        self.username, self.password, self.screenshot = username, password, screenshot
        self.timeout_s = timeout_s
        self._deadline: QTimer | None = None

    def install_excepthook(self) -> None:
        def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
            traceback.print_exception(kind, exc, tb)
            _fail(f"{kind.__name__}: {exc}")

        sys.excepthook = hook

    def attach(self, startup: Startup) -> None:
        """Called once the QApplication exists (a timer needs its event loop)."""
        self.startup = startup
        startup.sign_in_shown.connect(self.fill)
        startup.refused.connect(lambda reason: _fail(f"sign-in refused: {reason}"))
        startup.signed_in.connect(lambda _user: self.watch(startup.window))
        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.timeout.connect(
            lambda: _fail(f"no main window within {self.timeout_s:.0f} s")
        )
        self._deadline.start(int(self.timeout_s * 1000))

    def fill(self, form: QWidget) -> None:
        """Called with the sign-in or the first-run dialog as it appears; answers it once the
        database is open (a database with no users asks for the administrator instead)."""
        if self.startup.is_open():
            QTimer.singleShot(0, lambda: self._answer(form))
        else:
            self.startup.opened.connect(lambda: QTimer.singleShot(0, lambda: self._answer(form)))

    def _answer(self, form: QWidget) -> None:
        from compliance_desk.gui.login import FirstRunDialog, SignInPanel

        if isinstance(form, FirstRunDialog):
            print("smoke test: first start, setting up the administrator", flush=True)
            form.username.setText(self.username)
            form.display_name.setText(self.username)
            form.password.setText(self.password)
            form.repeat.setText(self.password)
            form.try_create()
            if form.isVisible():
                error = form.findChild(QObject, "error")
                _fail(f"{form.windowTitle()}: {getattr(error, 'text', lambda: '?')()}")
        elif isinstance(form, SignInPanel):
            if self.startup.desk().auth.needs_first_run():
                return  # the start-up asks for the administrator next: answered then
            form.username.setText(self.username)
            form.password.setText(self.password)
            form.submit()  # refused: the start-up says so (attach)

    def watch(self, window: QMainWindow | None) -> None:
        """Report once the window has been shown and painted, then quit."""
        QTimer.singleShot(300, lambda: self._report(window))

    def _report(self, window: QMainWindow | None) -> None:
        from PySide6.QtWidgets import QListWidget

        if window is None or not window.isVisible():
            _fail("the main window is not visible")
        nav = window.findChild(QListWidget, "navigation")
        pages = [nav.item(i).text() for i in range(nav.count())] if nav is not None else []
        families, missing = chinese_glyphs("".join(pages) or window.windowTitle())
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        ok_text = box.button(QDialogButtonBox.StandardButton.Ok).text()
        print(f"smoke test: main window: {window.windowTitle()}")
        print(f"smoke test: pages: {' | '.join(pages)}")
        print(f"smoke test: Chinese drawn with: {', '.join(dict.fromkeys(families))}")
        print(f"smoke test: characters without a glyph: {missing}")
        print(f"smoke test: Qt's own buttons: {ok_text}")
        print(f"smoke test: platform: {QApplication.platformName()}")
        if self.screenshot is not None:
            window.grab().save(str(self.screenshot))
            print(f"smoke test: screenshot: {self.screenshot}")
        if missing:
            _fail(f"{missing} characters would show as boxes")
        print("smoke test: ok", flush=True)
        if self._deadline is not None:
            self._deadline.stop()
        window.close()
        QCoreApplication.exit(0)
