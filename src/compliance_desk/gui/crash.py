"""One dialog for anything unexpected: the traceback goes to the log, the data stays safe.

Every write is its own committed transaction, so an unexpected error loses at most the
edit in progress, which the dialog tells the user.  A DomainError is not a crash: it is
shown as a plain message box in Chinese.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from compliance_desk.domain.errors import DomainError
from compliance_desk.paths import log_dir

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

# QMessageBox and traceback are imported when needed: the hook is installed before the main
# window's first paint, which they would delay.
log = logging.getLogger("compliance_desk.crash")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    """The single place where the GUI turns an exception into something a person reads."""
    from PySide6.QtWidgets import QMessageBox

    if isinstance(exc, DomainError):
        log.info("refused: %s", exc.message_en)
        QMessageBox.warning(
            parent, QApplication.translate("Errors", "Cannot do that"), exc.message_zh
        )
        return
    report_crash(type(exc), exc, exc.__traceback__, parent)


def report_crash(
    kind: type[BaseException],
    exc: BaseException,
    tb: TracebackType | None,
    parent: QWidget | None = None,
) -> None:
    import traceback

    from PySide6.QtWidgets import QMessageBox

    text = "".join(traceback.format_exception(kind, exc, tb))
    log.error("unexpected error\n%s", text)
    if QApplication.instance() is None:
        return
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(QApplication.translate("Errors", "Unexpected error"))
    box.setText(
        QApplication.translate(
            "Errors",
            "The program hit an unexpected error. Everything saved before it is safe; "
            "the change in progress may need to be entered again.",
        )
    )
    box.setInformativeText(
        QApplication.translate("Errors", "Details were written to the log in %1").replace(
            "%1", str(log_dir())
        )
    )
    box.setDetailedText(text)
    box.exec()


def install_excepthook() -> None:
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        if isinstance(exc, DomainError):
            show_error(QApplication.activeWindow(), exc)
            return
        report_crash(kind, exc, tb, QApplication.activeWindow())

    sys.excepthook = hook
