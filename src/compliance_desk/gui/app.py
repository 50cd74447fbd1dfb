"""Starting the desktop app: logging, translations, one instance, crash dialog, login."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from compliance_desk import __version__
from compliance_desk import settings as settings_store
from compliance_desk.gui import i18n
from compliance_desk.gui.crash import install_excepthook
from compliance_desk.gui.main_window import MainWindow
from compliance_desk.gui.screen_font import ensure_chinese_screen_font
from compliance_desk.gui.single_instance import SingleInstance, server_name
from compliance_desk.gui.startup import Startup
from compliance_desk.paths import log_dir, resolve_database_url, resources_dir

if TYPE_CHECKING:
    from compliance_desk.gui.smoke import SmokeRobot

log = logging.getLogger("compliance_desk.gui")
qt_log = logging.getLogger("compliance_desk.qt")

_QT_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _qt_message(kind: QtMsgType, _context: object, message: str) -> None:
    qt_log.log(_QT_LEVELS.get(kind, logging.WARNING), message)


LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_file_handlers: list[logging.Handler] = []  # ours on the "compliance_desk" logger


def _use_handler(handler: logging.Handler) -> None:
    """``handler`` becomes the one file handler of ours (a run in the same process, as tests
    do, replaces the earlier run's instead of doubling every line)."""
    root = logging.getLogger("compliance_desk")
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(handler)
    for old in _file_handlers:
        root.removeHandler(old)
        old.close()
    _file_handlers[:] = [handler]


def setup_logging() -> None:
    """Log to the file from the first line; the rotating handler takes over once the window
    is up (``rotate_logs``: logging.handlers and its imports would delay the first paint)."""
    _use_handler(logging.FileHandler(log_dir() / "compliance-desk.log", encoding="utf-8"))
    logging.getLogger("compliance_desk").setLevel(logging.INFO)
    qInstallMessageHandler(_qt_message)


def rotate_logs() -> None:
    """The log kept to five files of 2 MB: the plain start-up handler swapped for a rotating
    one on the same file."""
    import logging.handlers

    _use_handler(
        logging.handlers.RotatingFileHandler(
            log_dir() / "compliance-desk.log", maxBytes=2_000_000, backupCount=5, encoding="utf-8"
        )
    )


def run(db: str | None = None, robot: SmokeRobot | None = None) -> int:
    """Open the window; with a ``robot`` (--smoke-test) sign in, report and quit."""
    setup_logging()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("Compliance Desk")
    app.setApplicationDisplayName("合规服务台")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resources_dir() / "icons" / "compliance-desk.png")))
    translators = i18n.install(app)  # noqa: F841 - must stay alive while the app runs
    ensure_chinese_screen_font()
    install_excepthook()
    settings = settings_store.load()
    url = resolve_database_url(db or settings.database_url or None)
    instance = SingleInstance(server_name(url))
    if instance.another_is_running():
        log.info("another instance is running; asked it to come to the front")
        if robot is not None:
            print("smoke test FAILED: another instance is running", file=sys.stderr)
            return 1
        return 0
    startup = Startup(url, settings)
    window = MainWindow(settings=settings, database=url)
    instance.activated.connect(window.bring_to_front)

    def failed(message: str) -> None:
        """The database cannot be opened: say why (in Chinese), then end non-zero."""
        if robot is not None:
            print(f"smoke test FAILED: {message}", file=sys.stderr)
        else:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.critical(window, "合规服务台", message)
        app.exit(1)

    startup.failed.connect(failed)
    if robot is not None:
        robot.install_excepthook()
        robot.attach(startup)
    startup.present(window)
    window.show()
    QTimer.singleShot(0, instance.listen)  # second launches are heard once the window is up
    QTimer.singleShot(0, rotate_logs)
    exit_code = app.exec()
    instance.release()  # a new launch may start while this one closes the database
    if robot is None:
        settings_store.save(settings)
    startup.close()
    return exit_code
