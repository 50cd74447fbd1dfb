"""Background sync for the window: every few seconds in the task runner, with back-off.

One sync at a time: the next run is scheduled by a single-shot timer only when the previous
one has come back, so a slow server never piles runs up, and "sync now" during a run just asks
for another right after it.  The sync itself (network and database) runs in the runner's
worker thread; only the small result (a report, the local counts) comes back to the GUI
thread.  A failure the user cannot fix by waiting (this device revoked, the program too old or
too new for the server) stops the timer and is said once; the local data is untouched.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.persistence import failures
from compliance_desk.sync.client import SyncError, SyncReport, SyncService, SyncStatus

log = logging.getLogger("compliance_desk.gui.sync")

BACKOFF_SECONDS = (5, 10, 30, 60)  # after the 1st, 2nd, 3rd, 4th and later failures in a row
# Waiting does not fix these: stop and say so.
STOPPING = frozenset(
    {
        "device_revoked",
        "unknown_device",
        "client_too_old",
        "client_too_new",
        "not_enrolled",
        "no_server",
    }
)


@dataclass(frozen=True)
class SyncState:
    """What the status bar shows; replaced as a whole on the GUI thread."""

    enrolled: bool = False
    shared: bool = False  # working straight on the shared PostgreSQL (SyncStatus.shared)
    online: bool | None = None  # None: not tried yet
    running: bool = False
    last_success: datetime | None = None
    waiting: int = 0
    attention: int = 0  # open conflicts, merge tasks and rejected operations
    retry_in: int = 0  # seconds until the next try after a failure
    stopped: str = ""  # why background sync stopped (Chinese); empty while it runs
    error: str = ""  # the last failure's message (Chinese)
    local_error: bool = False  # it was this computer's (its database, its disk), not the server's


@dataclass(frozen=True)
class _Outcome:
    status: SyncStatus
    report: SyncReport | None = None
    error: SyncError | None = None
    thread: str = ""


class BackgroundSync(QObject):
    changed = Signal()
    stopped = Signal(str)  # emitted once when background sync stops, with the reason
    arrived = Signal(int)  # a sync brought other desks' changes: how many rows (not our echoes)
    CHANGE_POLL_MS = 1000

    def __init__(
        self,
        service: SyncService,
        runner: TaskRunner,
        interval_seconds: float = 10.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.service, self.runner = service, runner
        self.interval_ms = max(1, int(interval_seconds * 1000))
        self.state = SyncState()
        self.failures = 0
        self.last_thread = ""  # the thread the last sync ran in (tests check it is a worker)
        self._again = False  # "sync now" pressed while a run was under way
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.sync_now)
        # An edit made here is sent within about a second: the commit (in any thread) sets
        # a flag, a GUI-thread timer looks at it (no database, no Qt from the worker).
        self._local_change = threading.Event()
        self._unwatch = service.watch_local_changes(self._local_change.set)
        self._watch = QTimer(self)
        self._watch.setInterval(self.CHANGE_POLL_MS)
        self._watch.timeout.connect(self._changed_here)

    # --- control ----------------------------------------------------------------------
    def start(self) -> None:
        """Read the local counts; if this device is enrolled, sync now and every interval."""
        self.runner.run(self.service.status, self._first_status, self._status_failed)

    def _first_status(self, status: object) -> None:
        assert isinstance(status, SyncStatus)
        self._set(replace(self._counts(status), enrolled=status.enrolled, shared=status.shared))
        if status.enrolled:
            self._watch.start()
            self.sync_now()

    def _status_failed(self, exc: BaseException) -> None:
        log.error("sync status unreadable: %s", exc)

    def stop(self) -> None:
        """The window closes: no more syncs, and the commit hook is taken off the database."""
        self._timer.stop()
        self._watch.stop()
        self._unwatch()
        self._unwatch = lambda: None

    def _changed_here(self) -> None:
        """A local edit was committed: sync soon, unless backing off or stopped."""
        if not self._local_change.is_set():
            return
        if self.state.stopped or self.failures:
            return  # the back-off timer (or the user) decides when to try again
        self._local_change.clear()
        if self.state.running:
            self._again = True
        else:
            self.sync_now()

    @property
    def scheduled(self) -> bool:
        return self._timer.isActive()

    def next_delay_ms(self) -> int:
        return self._timer.interval()

    def sync_now(self) -> None:
        if not self.state.enrolled:
            return
        if self.state.running:
            self._again = True
            return
        self._timer.stop()
        self._again = False
        self._local_change.clear()  # this run sends them; edits made during it set it again
        self._set(replace(self.state, running=True))
        self.runner.run(self._work, self._done, self._crashed)

    def resume(self) -> None:
        """After the cause of a stop was fixed (e.g. re-enrolled): try again."""
        self._set(replace(self.state, stopped=""))
        self.failures = 0
        self.start()

    # --- in the worker thread: no Qt here ---------------------------------------------
    def _work(self) -> _Outcome:
        thread = threading.current_thread().name
        try:
            report = self.service.sync_once()
        except SyncError as exc:
            return _Outcome(self.service.status(), error=exc, thread=thread)
        return _Outcome(self.service.status(), report=report, thread=thread)

    # --- back on the GUI thread -------------------------------------------------------
    def _counts(self, status: SyncStatus) -> SyncState:
        return replace(
            self.state, waiting=status.waiting, attention=status.conflicts + status.rejected
        )

    def _done(self, outcome: object) -> None:
        assert isinstance(outcome, _Outcome)
        self.last_thread = outcome.thread
        state = replace(self._counts(outcome.status), running=False)
        if outcome.error is None:
            self.failures = 0
            now = self.service.ctx.clock()
            self._set(
                replace(
                    state, online=True, last_success=now, retry_in=0, error="", local_error=False
                )
            )
            self._schedule(self.interval_ms)
            if outcome.report is not None and outcome.report.from_others:
                self.arrived.emit(outcome.report.from_others)
            return
        exc = outcome.error
        if exc.code in STOPPING:
            log.warning("background sync stopped: %s (%s)", exc.message_en, exc.code)
            first = not self.state.stopped
            self._set(replace(state, online=exc.code != "offline", stopped=exc.message_zh,
                              error=exc.message_zh, retry_in=0, local_error=False))  # fmt: skip
            if first:
                self.stopped.emit(exc.message_zh)
            return
        self.failures += 1
        delay = BACKOFF_SECONDS[min(self.failures, len(BACKOFF_SECONDS)) - 1]
        log.info("sync failed (%s): %s; next try in %d s", exc.code, exc.message_en, delay)
        self._set(replace(state, online=exc.code != "offline", error=exc.message_zh,
                          retry_in=delay, local_error=False))  # fmt: skip
        self._schedule(delay * 1000)

    def _crashed(self, exc: BaseException) -> None:
        """Not a sync error (a bug, a database problem): logged, retried with back-off."""
        log.error("background sync crashed", exc_info=exc)
        self.failures += 1
        delay = BACKOFF_SECONDS[min(self.failures, len(BACKOFF_SECONDS)) - 1]
        # in Chinese, the cause named where a person can act on it (the disk full...)
        self._set(replace(self.state, running=False, error=failures.plain_zh(exc),
                          retry_in=delay, local_error=True))  # fmt: skip
        self._schedule(delay * 1000)

    def _schedule(self, delay_ms: int) -> None:
        if self._again:
            delay_ms = 0
            self._again = False
        self._timer.start(delay_ms)

    def _set(self, state: SyncState) -> None:
        self.state = state
        self.changed.emit()

    def refresh_counts(self) -> None:
        """After a local change or a resolved conflict: re-read the counts (in the runner)."""
        self.runner.run(
            self.service.status,
            lambda s: self._set(self._counts(s)) if isinstance(s, SyncStatus) else None,
            self._status_failed,
        )
