"""One instance per user: a second launch asks the first to raise its window, then exits."""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket


def server_name(database_label: str) -> str:
    digest = hashlib.sha1(database_label.encode()).hexdigest()[:10]
    return f"compliance-desk-{getpass.getuser()}-{digest}"


class SingleInstance(QObject):
    activated = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None

    def another_is_running(self) -> bool:
        """True (after asking it to show itself) when another instance already runs."""
        socket = QLocalSocket(self)
        socket.connectToServer(self.name)
        if socket.waitForConnected(300):
            socket.write(b"raise\n")
            socket.flush()
            socket.waitForBytesWritten(300)
            socket.disconnectFromServer()
            if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
                socket.waitForDisconnected(300)
            socket.deleteLater()
            return True
        socket.deleteLater()
        QLocalServer.removeServer(self.name)  # a stale socket left by a crash
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_connection)
        self._server.listen(self.name)
        return False

    def _on_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        if socket is not None:
            # Any connection is a second launch asking this window to come to the front.
            socket.disconnected.connect(socket.deleteLater)
            self.activated.emit()
