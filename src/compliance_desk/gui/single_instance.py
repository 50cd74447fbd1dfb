"""One instance per user: a second launch asks the first to raise its window, then exits.

Who is first is decided by a lock file (``flock``: released by the system however the first
process ends, so a crash leaves nothing stale), which costs nothing at start; the local
server that hears a second launch is set up once the window is on screen (``listen``), so
QtNetwork does not delay the first paint.
"""

from __future__ import annotations

import getpass
import logging
import os
import tempfile
import zlib
from typing import IO, TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from PySide6.QtNetwork import QLocalServer

log = logging.getLogger("compliance_desk.gui.single_instance")


def server_name(database_label: str) -> str:
    digest = f"{zlib.crc32(database_label.encode()):08x}"
    return f"compliance-desk-{getpass.getuser()}-{digest}"


class SingleInstance(QObject):
    activated = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server: QLocalServer | None = None
        self._lock: IO[str] | None = None

    def another_is_running(self) -> bool:
        """True (after asking it to show itself) when another instance already runs."""
        try:
            import fcntl
        except ImportError:  # not a POSIX system: the local server alone decides
            if self._ask_the_first():
                return True
            self.listen()
            return False
        lock = open(os.path.join(tempfile.gettempdir(), f"{self.name}.lock"), "a")  # noqa: SIM115
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            if not self._ask_the_first():
                log.warning("another instance holds %s but did not answer", self.name)
            return True
        self._lock = lock  # held until this process ends
        return False

    def _ask_the_first(self) -> bool:
        from PySide6.QtNetwork import QLocalSocket

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
        return False

    def listen(self) -> None:
        """Hear second launches (call once the window is up)."""
        from PySide6.QtNetwork import QLocalServer

        if self._server is not None:
            return
        QLocalServer.removeServer(self.name)  # a stale socket left by a crash
        self._server = QLocalServer(self)
        self._server.newConnection.connect(self._on_connection)
        self._server.listen(self.name)

    def _on_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        if socket is not None:
            # Any connection is a second launch asking this window to come to the front.
            socket.disconnected.connect(socket.deleteLater)
            self.activated.emit()
