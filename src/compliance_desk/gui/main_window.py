"""The main window: navigation on the left, one page per module, the status bar below.

It appears before anyone has signed in (``show_sign_in``: the sign-in where the pages will
be), so this module imports no data layer at module level: the pages' code is imported by
``open_desk`` (and, during the start-up, by a worker while the password is typed:
``preload_pages``).
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QWidget,
)

from compliance_desk import __version__
from compliance_desk.domain.roles import Permission, allows
from compliance_desk.gui.sizing import first_size
from compliance_desk.settings import Settings

log = logging.getLogger("compliance_desk.gui")

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent
    from PySide6.QtWidgets import QListWidget, QSystemTrayIcon

    from compliance_desk.bootstrap import Desk
    from compliance_desk.gui.appeal_log_page import AppealLogPage
    from compliance_desk.gui.background_sync import BackgroundSync
    from compliance_desk.gui.conflicts_page import ConflictsPage
    from compliance_desk.gui.enterprise_page import EnterprisePage
    from compliance_desk.gui.letters_page import LettersPage
    from compliance_desk.gui.sync_status import SyncStatusWidget
    from compliance_desk.gui.tasks import TaskRunner
    from compliance_desk.gui.visit_page import VisitPage
    from compliance_desk.services.context import CurrentUser
    from compliance_desk.sync.client import SyncService

# What every signed-in window needs (the role decides about letters, inspections, templates).
_PAGE_MODULES = (
    "compliance_desk.bootstrap",
    "compliance_desk.gui.admin_pages",
    "compliance_desk.gui.appeal_log_page",
    "compliance_desk.gui.background_sync",
    "compliance_desk.gui.conflicts_page",
    "compliance_desk.gui.enterprise_page",
    "compliance_desk.gui.sync_status",
    "compliance_desk.gui.tasks",
    "compliance_desk.gui.visit_page",
    "compliance_desk.sync.client",
)


def preload_pages() -> None:
    """Import the pages' code (defining classes only: no widget is made off the GUI thread)."""
    for name in _PAGE_MODULES:
        importlib.import_module(name)


def describe_url(url: str) -> str:
    """The database for the status bar before the data layer has loaded: no password shown."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


class MainWindow(QMainWindow):
    """``MainWindow(desk, user, runner)`` opens signed in; ``MainWindow(settings=...,
    database=URL)`` opens with the sign-in (see gui/startup.py) and ``open_desk`` follows."""

    # Made by open_desk (the window has them once someone has signed in).
    background_sync: BackgroundSync
    nav: QListWidget
    sync_service: SyncService

    def __init__(
        self,
        desk: Desk | None = None,
        user: CurrentUser | None = None,
        runner: TaskRunner | None = None,
        settings: Settings | None = None,
        parent: QWidget | None = None,
        sync_service: SyncService | None = None,
        database: str = "",
    ) -> None:
        super().__init__(parent)
        self.desk: Desk | None = None
        self.user: CurrentUser | None = None
        self.runner: TaskRunner | None = None
        self.settings = settings or Settings()
        # the name the sign-in panel gives, and the release (it read "合规服务台 — 上虞区  0.1.0")
        self.setWindowTitle(self.tr("Shangyu District compliance desk") + f" {__version__}")
        self.pages = QStackedWidget()
        self.sign_in: QWidget | None = None
        central = QWidget()
        self._layout = QHBoxLayout(central)
        self._layout.setContentsMargins(4, 4, 4, 4)
        self._layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)
        self.user_label = QLabel(self.tr("Not signed in"))
        self.user_label.setObjectName("statusUser")
        self.db_label = QLabel()
        self._show_database(describe_url(database))
        self.db_label.setObjectName("statusDatabase")
        bar = self.statusBar()
        bar.addPermanentWidget(self.user_label)
        bar.addPermanentWidget(self.db_label)
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        # Its shortcut (Ctrl+Q) is set by open_desk: passing the key makes PySide6 build the
        # Qt namespace's hundred enums, a third of the window's cost before the first paint.
        self.password_action = QAction(self.tr("Change my password…"), self)
        self.password_action.triggered.connect(self.change_password)
        self.password_action.setEnabled(False)  # once signed in
        file_menu.addAction(self.password_action)
        self.fonts_action = QAction(self.tr("Fonts for letters…"), self)
        self.fonts_action.triggered.connect(self.choose_fonts)
        self.fonts_action.setEnabled(False)  # once signed in
        file_menu.addAction(self.fonts_action)
        self.quit_action = QAction(self.tr("Quit"), self)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)
        self.resize(*first_size())
        if self.settings.window_geometry:
            self.restoreGeometry(QByteArray.fromBase64(self.settings.window_geometry.encode()))
        if desk is not None:
            assert user is not None and runner is not None
            self.open_desk(desk, user, runner, sync_service)

    def show_sign_in(self, panel: QWidget) -> None:
        """Until someone signs in: no navigation, the sign-in where the pages will be."""
        self.sign_in = panel
        self.pages.addWidget(panel)
        self.pages.setCurrentWidget(panel)
        panel.setFocus()

    def _show_database(self, shown: str) -> None:
        """This computer's file by its name, the shared database by host and name; the whole
        address (password hidden) in the tooltip (the bar showed "sqlite:////home/…")."""
        parts = urlsplit(shown)
        if parts.scheme.startswith("sqlite"):
            name = parts.path.rsplit("/", 1)[-1] or shown
            text = self.tr("Database: this computer (%1)").replace("%1", name)
        else:
            where = f"{parts.hostname or 'localhost'}/{parts.path.lstrip('/')}"
            text = self.tr("Database: shared (%1)").replace("%1", where)
        self.db_label.setText(text)
        self.db_label.setToolTip(shown)

    def change_password(self) -> bool:
        """The signed-in person's own password (the old one asked); True if changed."""
        from compliance_desk.gui.password_dialog import PasswordDialog

        if self.desk is None or self.user is None:
            return False
        dialog = PasswordDialog(self.desk, self.user, parent=self)
        if self.exec_dialog(dialog) and dialog.done_:
            self.statusBar().showMessage(self.tr("Password changed."), 8000)
            return True
        return False

    def choose_fonts(self) -> bool:
        """This computer's font files for letters; True if changed (saved at once, used by
        the next letter printed)."""
        from compliance_desk import settings as settings_store
        from compliance_desk.gui.fonts_dialog import FontsDialog

        if self.desk is None:
            return False
        dialog = FontsDialog(self.settings.pdf_fonts, parent=self)
        if not self.exec_dialog(dialog) or dialog.fonts == self.settings.pdf_fonts:
            return False
        if self.desk is None:  # signed out while the dialog was open
            return False
        self.settings.pdf_fonts = dialog.fonts
        try:
            settings_store.save(self.settings)
        except OSError as exc:
            log.warning("settings not saved: %s", exc)
            QMessageBox.warning(self, self.tr("Fonts for letters"),
                                self.tr("The fonts are used now but could not be saved for "
                                        "the next start: %1").replace("%1", str(exc)))  # fmt: skip
        self.desk.letters.fonts = dict(dialog.fonts)
        self.desk.appeals.fonts = self.desk.letters.fonts
        if self.letters_page is not None:
            self.letters_page.show_font_notice()
        self.statusBar().showMessage(self.tr("Fonts for letters changed."), 8000)
        return True

    def exec_dialog(self, dialog: QDialog) -> bool:
        """Separate so a test can fill the dialog instead of a person."""
        return bool(dialog.exec())

    def open_desk(
        self,
        desk: Desk,
        user: CurrentUser,
        runner: TaskRunner,
        sync_service: SyncService | None = None,
    ) -> None:
        """Signed in: the pages this user's role may see, the sync, the menus."""
        from compliance_desk.gui.admin_pages import ReferencePage, UsersPage
        from compliance_desk.gui.appeal_log_page import AppealLogPage
        from compliance_desk.gui.background_sync import BackgroundSync
        from compliance_desk.gui.conflicts_page import ConflictsPage
        from compliance_desk.gui.enterprise_page import EnterprisePage
        from compliance_desk.gui.sync_status import SyncStatusWidget
        from compliance_desk.gui.visit_page import VisitPage
        from compliance_desk.sync.client import SyncService

        self.desk, self.runner = desk, runner
        if self.sign_in is not None:
            self.pages.removeWidget(self.sign_in)
            self.sign_in.deleteLater()
            self.sign_in = None
        # Made here, not before the sign-in: the list view's classes cost the first paint.
        from PySide6.QtWidgets import QListWidget

        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setFixedWidth(150)
        self.nav.setStyleSheet(
            "QListWidget { font-size: 11pt; } QListWidget::item { padding: 8px; }"
        )
        self._layout.insertWidget(0, self.nav)
        self.nav.setVisible(True)  # added to a window already on screen: shown explicitly
        self.enterprise_page: EnterprisePage = EnterprisePage(desk, user, runner)
        self.tray: QSystemTrayIcon | None = None
        self.visit_page: VisitPage | None = None
        self.log_page: AppealLogPage | None = None
        self.letters_page: LettersPage | None = None
        if allows(user.role, Permission.APPEAL_EDIT):
            self.visit_page = VisitPage(desk, user, runner)
            self._add_page(self.tr("Walk-in registration"), self.visit_page)
        if allows(user.role, Permission.APPEAL_VIEW):
            self.log_page = AppealLogPage(desk, user, runner)
            self._add_page(self.tr("Appeal log"), self.log_page)
        if allows(user.role, Permission.LETTER_VIEW):
            # Imported here: letters bring reportlab, Jinja and QtPdf, which a clerk never needs.
            from compliance_desk.gui.letters_page import LettersPage

            self.letters_page = LettersPage(desk, user, runner)
            self._add_page(self.tr("Letters"), self.letters_page)
        self.inspections_page = None
        if allows(user.role, Permission.INSPECTION_VIEW):
            from compliance_desk.gui.inspections_page import InspectionsPage

            self.inspections_page = InspectionsPage(desk, user, runner)
            self._add_page(self.tr("Inspections"), self.inspections_page)
        self._add_page(self.tr("Enterprises"), self.enterprise_page)
        if allows(user.role, Permission.TEMPLATE_EDIT):
            from compliance_desk.gui.template_page import TemplatePage

            self._add_page(self.tr("Letter templates"), TemplatePage(desk, user, runner))
        if allows(user.role, Permission.REFERENCE_EDIT):
            self._add_page(self.tr("Reference data"), ReferencePage(desk, user, runner))
        if allows(user.role, Permission.USER_ADMIN):
            self._add_page(self.tr("Users"), UsersPage(desk, user))
        self.sync_service = sync_service or SyncService(desk.ctx)
        self.conflicts_page: ConflictsPage | None = None
        known = self.sync_service.status()  # a few indexed counts: is this device enrolled?
        if known.enrolled or known.conflicts or known.rejected:
            self.conflicts_page = ConflictsPage(desk, user, runner)
            self._add_page(self.tr("Sync conflicts"), self.conflicts_page)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)

        # "王建国 · 管理员（依法治区办）": the role's own brackets are not nested in others
        self.user_label.setText(f"{user.display_name} · {user.role.label}")
        self._show_database(desk.ctx.database_label)
        self.background_sync = BackgroundSync(
            self.sync_service, runner, self.settings.sync_interval_seconds, self
        )
        self.sync_status: SyncStatusWidget = SyncStatusWidget(self.background_sync)
        self.sync_label = self.sync_status.state_label
        self.sync_status.conflicts_clicked.connect(self.show_conflicts)
        self.background_sync.stopped.connect(lambda text: self.statusBar().showMessage(text))
        bar = self.statusBar()
        bar.addPermanentWidget(self.sync_status)
        from PySide6.QtGui import QKeySequence

        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        view_menu = self.menuBar().addMenu(self.tr("&View"))
        self.refresh_action = QAction(self.tr("Refresh this list"), self)
        self.refresh_action.setObjectName("refreshList")
        self.refresh_action.setShortcut(QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self._reload_current)
        view_menu.addAction(self.refresh_action)
        # Other desks' changes brought by a background sync: the page in view shows them at
        # once, the others when next shown (see _data_arrived).
        self._stale: set[QWidget] = set()
        self.background_sync.arrived.connect(self._data_arrived)
        self.pages.currentChanged.connect(self._page_shown)
        sync_menu = self.menuBar().addMenu(self.tr("&Sync"))
        self.sync_now_action = QAction(self.tr("Sync now"), self)
        self.sync_now_action.setObjectName("syncNow")
        self.sync_now_action.triggered.connect(self._sync_now)
        sync_menu.addAction(self.sync_now_action)
        self.conflicts_action = QAction(self.tr("Conflicts and refused operations"), self)
        self.conflicts_action.triggered.connect(self.show_conflicts)
        sync_menu.addAction(self.conflicts_action)
        self.background_sync.changed.connect(self._sync_changed)
        if self.conflicts_page is not None:
            self._wire_conflicts(self.conflicts_page)
        self.enterprise_page.status_message.connect(lambda text: bar.showMessage(text, 8000))
        self.enterprise_page.refresh()
        if self.letters_page is not None:
            self.letters_page.refresh()
        if self.inspections_page is not None:
            self.inspections_page.refresh()
        if self.log_page is not None:
            log_page = self.log_page
            log_page.reminded.connect(self._notify)
            log_page.refresh()
            log_page.remind()
            if self.visit_page is not None:
                self.visit_page.appeal_opened.connect(
                    lambda appeal_id: log_page.refresh(select=appeal_id)
                )
        if self.visit_page is None and self.inspections_page is not None:
            self.show_page(self.inspections_page)  # the inspector's day starts here
        if self.visit_page is not None:
            self.visit_page.enterprise_edit.setFocus()
        else:
            self.enterprise_page.search.setFocus()
        self._synced_attention = known.conflicts + known.rejected
        if self.conflicts_page is not None:
            self.conflicts_page.refresh()
        self.password_action.setEnabled(True)
        self.fonts_action.setEnabled(True)
        self.user = user  # last: closeEvent takes a window with a user as wholly built
        self.background_sync.start()

    # --- sync ---------------------------------------------------------------------------
    def _sync_now(self) -> None:
        if self.background_sync.state.shared:
            self.statusBar().showMessage(
                self.tr("This desk works on the shared database: there is nothing to sync."), 8000
            )
            return
        if not self.background_sync.state.enrolled:
            self.statusBar().showMessage(
                self.tr("This computer is not enrolled for sync: ask an administrator."), 8000
            )
            return
        if self.background_sync.state.stopped:
            self.background_sync.resume()
        else:
            self.background_sync.sync_now()

    def _sync_changed(self) -> None:
        """New conflicts arrived (or were resolved elsewhere): the page reads its list again."""
        state = self.background_sync.state
        if self.conflicts_page is not None and state.attention != self._synced_attention:
            self._synced_attention = state.attention
            self.conflicts_page.refresh()

    def _data_arrived(self, _rows: int) -> None:
        """A background sync applied other desks' changes here: every list is out of date.  The
        page in view reads its list again now, keeping the selected record and the place in the
        list (pages.reload); a hidden page does so when it is next shown, not at every sync."""
        self._stale = {self.pages.widget(i) for i in range(self.pages.count())}
        self._page_shown(self.pages.currentIndex())

    def _page_shown(self, index: int) -> None:
        page = self.pages.widget(index)
        if page in self._stale:
            self._reload(page)

    def _reload_current(self) -> None:
        """F5: the list in view read again (another desk's work without waiting for a sync)."""
        self._reload(self.pages.currentWidget())

    def _reload(self, page: QWidget) -> None:
        """Pages with a list have ``reload`` (same filter, same record, same place)."""
        self._stale.discard(page)
        reload = getattr(page, "reload", None)
        if callable(reload):
            reload()

    def show_conflicts(self) -> None:
        from compliance_desk.gui.conflicts_page import ConflictsPage

        assert self.desk is not None and self.user is not None and self.runner is not None
        if self.conflicts_page is None:
            self.conflicts_page = ConflictsPage(self.desk, self.user, self.runner)
            self._add_page(self.tr("Sync conflicts"), self.conflicts_page)
            self._wire_conflicts(self.conflicts_page)
            self.conflicts_page.refresh()
        self.show_page(self.conflicts_page)

    def _wire_conflicts(self, page: ConflictsPage) -> None:
        """A decision is a local change: re-read the counts and send it at once."""
        page.resolved.connect(self.background_sync.refresh_counts)
        page.resolved.connect(self.background_sync.sync_now)
        page.open_enterprise.connect(self._open_enterprise)

    def _open_enterprise(self, code: str) -> None:
        self.show_page(self.enterprise_page)
        self.enterprise_page.search.setText(code)

    def _notify(self, text: str) -> None:
        """Reminders reach a minimised desk through the system tray."""
        from PySide6.QtWidgets import QSystemTrayIcon

        if not self.isMinimized() or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        if self.tray is None:
            self.tray = QSystemTrayIcon(self.windowIcon(), self)
            self.tray.activated.connect(lambda _reason: self.bring_to_front())
            self.tray.show()
        self.tray.showMessage(self.tr("Compliance Desk"), text)

    def show_page(self, page: QWidget) -> None:
        self.nav.setCurrentRow(self.pages.indexOf(page))

    def _add_page(self, title: str, page: QWidget) -> None:
        self.pages.addWidget(page)
        # Imported here: the Qt namespace builds ~100 enum classes, which the window's first
        # paint (before anyone has signed in) does not need.
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QListWidgetItem

        item = QListWidgetItem(title)
        item.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.nav.addItem(item)

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.user is not None:
            self.background_sync.stop()
        self.settings.window_geometry = bytes(self.saveGeometry().toBase64().data()).decode()
        super().closeEvent(event)
