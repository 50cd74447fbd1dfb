"""From launch to a signed-in main window, with the slow part hidden behind the sign-in.

The main window appears as soon as Qt is up, showing the sign-in (user name, password) where
the pages will be.  Importing SQLAlchemy and opening the database take most of a second; a
person typing a password takes longer.  So, once the window has painted, a worker thread
imports the data layer, opens the database and imports the pages' code; the password is
checked by a second worker once the database is open (argon2 is deliberately slow), and the
window never waits for either.  Nothing here imports SQLAlchemy at module level.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from compliance_desk.domain.errors import DomainError
from compliance_desk.gui.login import FirstRunDialog, SignInPanel

if TYPE_CHECKING:
    from compliance_desk.bootstrap import Desk
    from compliance_desk.gui.main_window import MainWindow
    from compliance_desk.services.context import CurrentUser
    from compliance_desk.settings import Settings

log = logging.getLogger("compliance_desk.gui.startup")


def _open(url: str) -> Desk:
    from compliance_desk.bootstrap import open_desk

    return open_desk(url)


class Startup(QObject):
    """Puts the sign-in into the main window and opens the desk there once someone signs in."""

    sign_in_shown = Signal(object)  # the SignInPanel or the FirstRunDialog (for robots)
    opened = Signal()  # the database is open (or failed to open: see ``failed``)
    refused = Signal(str)  # a sign-in was refused: the reason in Chinese
    signed_in = Signal(object)  # the CurrentUser, once the window shows the pages
    failed = Signal(str)  # the database cannot be opened: the reason in Chinese
    _opened = Signal()  # emitted from the worker; delivered on the GUI thread
    _checked = Signal(object)  # the future of a password check, from the worker

    def __init__(self, url: str, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.settings = settings
        self.window: MainWindow | None = None
        self.panel: SignInPanel | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-open")
        # Password checks wait for the opening, not for the pages' code after it: argon2
        # releases the GIL, so a check runs beside that import on the other core.
        self._checker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sign-in")
        self._future: Future[Desk] | None = None
        self._closed = False
        self._first_running = False
        self._opened.connect(self._on_opened)
        self._checked.connect(self._on_checked)

    # --- opening --------------------------------------------------------------------------
    def start_opening(self) -> None:
        """Begin importing and opening in the worker (once).  Called after the window paints,
        so that the worker's imports do not compete with drawing it."""
        if self._future is None:
            from PySide6.QtCore import Qt

            from compliance_desk.gui.main_window import preload_pages

            # The Qt namespace's enums are made on first use, here on the GUI thread: made by
            # the worker's imports (admin_pages reads Qt.ItemDataRole) while the GUI thread
            # made a dialog's enums, PySide6 crashed the process (SIGSEGV, under load).
            _ = Qt.ItemDataRole.UserRole
            self._future = self._executor.submit(_open, self.url)
            self._future.add_done_callback(lambda _f: self._opened.emit())
            self._executor.submit(preload_pages)  # after the opening, same worker

    def is_open(self) -> bool:
        return self._future is not None and self._future.done()

    def desk(self) -> Desk:
        """The opened desk; waits (with a busy cursor) if the worker is still at it."""
        self.start_opening()
        assert self._future is not None
        if not self._future.done():
            # Imported here: touching the Qt namespace builds ~100 enum classes (60 ms),
            # which the first window does not need.
            from PySide6.QtCore import Qt

            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                return self._future.result()
            finally:
                QApplication.restoreOverrideCursor()
        return self._future.result()

    def _open_error(self) -> BaseException | None:
        assert self._future is not None
        return self._future.exception()

    def _gone(self) -> bool:
        """Closed (or closing): a late answer from a worker has nobody to show itself to."""
        return self._closed or (self.window is not None and not self.window.isVisible())

    def _on_opened(self) -> None:
        if self._gone():
            return
        error = self._open_error()
        if error is not None:
            if isinstance(error, DomainError):
                log.error("cannot open the database: %s", error.message_en)
                message = error.message_zh
            else:  # a file that is not a database, a folder that cannot be written...
                log.error("cannot open the database", exc_info=error)
                message = f"无法打开数据库：{error}"
            if self.panel is not None:
                self.panel.refuse(message)
                self.panel.set_busy(message)  # nothing to sign in to
            self.opened.emit()
            self.failed.emit(message)
            return
        self.opened.emit()
        if self.window is not None and self.window.user is None and self._needs_first_run():
            self._first_run()

    def _needs_first_run(self) -> bool:
        return self.desk().auth.needs_first_run()

    # --- signing in -----------------------------------------------------------------------
    def present(self, window: MainWindow) -> None:
        """Show the sign-in in ``window`` and start opening once it has painted."""
        self.window = window
        self.panel = SignInPanel(self.settings.last_username)
        self.panel.submitted.connect(self._check)
        window.show_sign_in(self.panel)
        # A person takes seconds to type; 100 ms after the first paint costs nothing.
        QTimer.singleShot(100, self.start_opening)
        self.sign_in_shown.emit(self.panel)

    def _check(self, username: str, password: str) -> None:
        self.start_opening()
        future = self._checker.submit(self._login, username, password)
        future.add_done_callback(self._checked.emit)

    def _login(self, username: str, password: str) -> CurrentUser:
        assert self._future is not None
        return self._future.result().auth.login(username, password)

    def _on_checked(self, future: Future[CurrentUser]) -> None:
        if self._gone() or self._open_error() is not None:
            return  # an opening that failed is said once, by _on_opened
        if self.window is None or self.window.user is not None:
            return  # the first run signed someone in meanwhile
        error = future.exception()
        if error is None:
            self._sign_in(future.result())
            return
        if not isinstance(error, DomainError):
            if self.panel is not None:  # the crash dialog says what; the form is usable again
                self.panel.refuse("登录时出错，请重试；详情已写入日志")
            raise error
        if self._first_running or self._needs_first_run():
            # Typed before the desk knew it has no users: the first-run dialog answers that.
            if self.panel is not None:
                self.panel.set_busy("")
            return
        if self.panel is not None:
            self.panel.refuse(error.message_zh)
        self.refused.emit(error.message_zh)

    def _first_run(self) -> None:
        """A database with no users: the administrator chooses their own password first."""
        assert self.window is not None
        dialog = FirstRunDialog(self.desk().auth, self.window)
        self._first_running = True
        self.sign_in_shown.emit(dialog)
        try:
            accepted = dialog.exec() and dialog.user is not None
        finally:
            self._first_running = False
        if accepted and dialog.user is not None:
            self._sign_in(dialog.user)
        elif not self._gone():
            self.window.close()  # nobody can sign in to an empty database: the app ends

    def _sign_in(self, user: CurrentUser) -> None:
        from compliance_desk.gui.tasks import TaskRunner

        assert self.window is not None
        desk = self.desk()
        desk.letters.fonts = dict(self.settings.pdf_fonts)
        desk.appeals.fonts = desk.letters.fonts  # the receipts print as the letters do
        self.settings.last_username = user.username
        self.panel = None
        self.window.open_desk(desk, user, TaskRunner())
        self.signed_in.emit(user)

    def close(self) -> None:
        """After the event loop: the workers finished, then the desk closed if it opened."""
        self._closed = True
        if self.window is not None and self.window.runner is not None:
            self.window.runner.shutdown()
        self._checker.shutdown(wait=True)
        self._executor.shutdown(wait=True)
        if self.is_open() and self._open_error() is None:
            self.desk().close()
