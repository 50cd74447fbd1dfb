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


def _lock_path(name: str) -> str:
    """In the user's own runtime folder (mode 0700) when there is one, else the temp folder
    (the name carries the user name, the file is the user's own, mode 0600)."""
    folder = os.environ.get("XDG_RUNTIME_DIR", "")
    if not folder or not os.access(folder, os.W_OK):
        folder = tempfile.gettempdir()
    return os.path.join(folder, f"{name}.lock")


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
        try:
            fd = os.open(_lock_path(self.name), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:  # no lock file possible: the local server alone decides
            log.warning("cannot create the instance lock for %s: %s", self.name, exc)
            if self._ask_the_first():
                return True
            self.listen()
            return False
        lock = os.fdopen(fd, "r+")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            if not self._ask_the_first():
                # Still starting (its window not up yet), or hung: either way not a second
                # window on the same database.
                log.warning("another instance holds %s but did not answer", self.name)
            return True
        self._lock = lock  # held until release() or the end of this process
        return False

    def release(self) -> None:
        """The window has closed: a new launch may start at once, even while this process
        still finishes (closing the database, waiting for its workers)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._lock is not None:
            self._lock.close()  # closing the descriptor releases the flock
            self._lock = None

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
        if not self._server.listen(self.name):
            log.warning(
                "cannot listen for second launches on %s: %s",
                self.name,
                self._server.errorString(),
            )

    def _on_connection(self) -> None:
        assert self._server is not None
        socket = self._server.nextPendingConnection()
        if socket is not None:
            # Any connection is a second launch asking this window to come to the front.
            socket.disconnected.connect(socket.deleteLater)
            self.activated.emit()
