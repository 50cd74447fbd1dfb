"""The sync part of the status bar: online or not, last sync, operations waiting, conflicts."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from compliance_desk.domain.local_time import CHINA
from compliance_desk.gui.background_sync import BackgroundSync


class SyncStatusWidget(QWidget):
    conflicts_clicked = Signal()

    def __init__(self, sync: BackgroundSync, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sync = sync
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        self.state_label = QLabel()
        self.state_label.setObjectName("statusSync")
        self.waiting_label = QLabel()
        self.waiting_label.setObjectName("statusSyncWaiting")
        self.conflicts_button = QPushButton()
        self.conflicts_button.setObjectName("statusSyncConflicts")
        self.conflicts_button.setFlat(True)
        self.conflicts_button.setStyleSheet(
            "QPushButton { color: #b00020; text-decoration: underline; padding: 0 4px; }"
        )
        self.conflicts_button.clicked.connect(self.conflicts_clicked)
        layout.addWidget(self.state_label)
        layout.addWidget(self.waiting_label)
        layout.addWidget(self.conflicts_button)
        sync.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        s = self.sync.state
        self.conflicts_button.setVisible(s.attention > 0)
        if s.shared:  # other devices' conflicts, decided on those devices (conflicts view)
            conflicts = self.tr("Devices' conflicts: %1")
        else:
            conflicts = self.tr("Conflicts to resolve: %1")
        self.conflicts_button.setText(conflicts.replace("%1", str(s.attention)))
        self.waiting_label.setVisible(s.enrolled)
        self.waiting_label.setText(self.tr("Waiting: %1").replace("%1", str(s.waiting)))
        last = (
            s.last_success.astimezone(CHINA).strftime("%H:%M:%S")
            if s.last_success
            else self.tr("never")
        )
        colour = ""
        if s.shared:
            text = self.tr("Sync: not needed (this desk works on the shared database)")
        elif not s.enrolled:
            text = self.tr("Sync: not enrolled (this computer only)")
        elif s.stopped:
            text = self.tr("Sync stopped: %1").replace("%1", s.stopped)
            colour = "#b00020"
        elif s.error and s.local_error:
            text = (
                # what it is, at once: the disk full, the file held by another program...
                self.tr("Sync: %3 (last synced %1, retrying in %2 s)")
                .replace("%1", last)
                .replace("%2", str(s.retry_in))
                .replace("%3", s.error)
            )
            colour = "#b00020"
        elif s.online is False:
            text = (
                self.tr("Sync: offline, last synced %1, retrying in %2 s")
                .replace("%1", last)
                .replace("%2", str(s.retry_in))
            )
            colour = "#a15c00"
        elif s.online is None:
            text = self.tr("Sync: connecting…")
        elif s.error:
            text = (
                self.tr("Sync: server problem, last synced %1, retrying in %2 s")
                .replace("%1", last)
                .replace("%2", str(s.retry_in))
            )
            colour = "#a15c00"
        else:
            text = self.tr("Sync: online, last synced %1").replace("%1", last)
        if s.running:
            text += self.tr(" (syncing…)")
        self.state_label.setText(text)
        self.state_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.state_label.setToolTip(s.error)
