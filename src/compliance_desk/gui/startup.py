"""From launch to the main window, with the slow part hidden behind the login dialog.

Importing SQLAlchemy and opening the database take most of a second; a person typing a
password takes longer.  So the login dialog appears as soon as Qt is up, while a worker
thread imports the data layer and opens the database.  Pressing OK waits for the worker
only if it has not finished yet.  Nothing here imports SQLAlchemy at module level.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication, QDialog

from compliance_desk.gui.login import FirstRunDialog, LoginDialog

if TYPE_CHECKING:
    from compliance_desk.bootstrap import Desk
    from compliance_desk.gui.main_window import MainWindow
    from compliance_desk.services.context import CurrentUser
    from compliance_desk.settings import Settings

log = logging.getLogger("compliance_desk.gui.startup")


def _open(url: str) -> Desk:
    from compliance_desk.bootstrap import open_desk

    return open_desk(url)


def _preload_window_code() -> None:
    """The main window's code, imported while the person types (importing defines classes; no
    widget is made off the GUI thread).  A task of its own: signing in never waits for it."""
    import compliance_desk.gui.main_window  # noqa: F401


class Startup(QObject):
    dialog_shown = Signal(object)  # the login or first-run dialog, for the benchmark's robot
    _opened = Signal()  # emitted from the worker; delivered on the GUI thread

    def __init__(self, url: str, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.url = url
        self.settings = settings
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="desk-open")
        self._future: Future[Desk] | None = None

    def start_opening(self) -> None:
        """Begin importing and opening in the worker (once). Called after the dialog paints,
        so that the worker's imports do not compete with drawing the first window."""
        if self._future is None:
            self._future = self._executor.submit(_open, self.url)
            self._future.add_done_callback(lambda _f: self._opened.emit())
            self._executor.submit(_preload_window_code)  # after the opening, same worker

    def _opening(self) -> Future[Desk]:
        self.start_opening()
        assert self._future is not None
        return self._future

    def desk(self) -> Desk:
        """The opened desk; waits (with a busy cursor) if the worker is still at it."""
        future = self._opening()
        if not future.done():
            # Imported here: touching the Qt namespace builds ~100 enum classes (60 ms),
            # which the first window does not need.
            from PySide6.QtCore import Qt

            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                return future.result()
            finally:
                QApplication.restoreOverrideCursor()
        return future.result()

    def login(self) -> CurrentUser | None:
        """Show the login dialog (or, on a database with no users, the first-run dialog)."""
        if self._future is not None and self._future.done() and self._needs_first_run():
            return self._first_run()
        dialog = LoginDialog(lambda u, p: self.desk().auth.login(u, p), self.settings.last_username)

        def opened() -> None:  # a brand-new database: ask for the administrator instead
            if dialog.isVisible() and self._needs_first_run():
                dialog.wants_first_run = True
                dialog.reject()

        self._opened.connect(opened)
        # Start once the dialog has painted and settled: the worker's imports would otherwise
        # compete with drawing it (a person takes seconds to type; 100 ms costs nothing).
        QTimer.singleShot(100, self.start_opening)
        self.dialog_shown.emit(dialog)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.user is not None:
            return dialog.user
        if dialog.wants_first_run:
            return self._first_run()
        return None

    def _needs_first_run(self) -> bool:
        return self._opening().exception() is None and self.desk().auth.needs_first_run()

    def _first_run(self) -> CurrentUser | None:
        desk = self.desk()
        dialog = FirstRunDialog(desk.auth)
        self.dialog_shown.emit(dialog)
        return dialog.user if dialog.exec() and dialog.user is not None else None

    def main_window(self, user: CurrentUser) -> MainWindow:
        from compliance_desk.gui.main_window import MainWindow
        from compliance_desk.gui.tasks import TaskRunner

        desk = self.desk()
        desk.letters.fonts = dict(self.settings.pdf_fonts)
        return MainWindow(desk, user, TaskRunner(), self.settings)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True)
