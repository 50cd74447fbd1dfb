"""Background work off the GUI thread, results delivered back to it on the GUI thread.

One executor for the whole app; each task opens its own unit of work (sessions never cross
threads).  Long tasks get a ``Progress`` handle they call with (done, total); it returns
False once the user pressed Cancel.  Tests can make the runner synchronous.

Workers never touch Qt: they put results on a queue that a timer on the GUI thread drains
while tasks are pending.  Emitting a signal from a Python worker thread corrupts reference
counts in PySide6 6.12 (each emit drops a reference to True/False or None; after a few
thousand tasks the process aborts with "deallocating True or False"; see
tests/test_gui_support.py), so no signal crosses threads here.
"""

from __future__ import annotations

import logging
import queue
import threading
import weakref
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer

log = logging.getLogger("compliance_desk.gui.tasks")


class CancelToken:
    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


class TaskRunner(QObject):
    POLL_MS = 10  # how often the GUI thread looks for finished work while any is pending

    def __init__(self, synchronous: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="desk-task")
        self._results: queue.SimpleQueue[tuple[Callable[[], None], bool]] = queue.SimpleQueue()
        self._pending = 0  # tasks submitted and not yet delivered (GUI thread only)
        self._closed = False
        self._tokens: weakref.WeakSet[CancelToken] = weakref.WeakSet()  # cancelled at shutdown
        self._timer = QTimer(self)
        self._timer.setInterval(self.POLL_MS)
        self._timer.timeout.connect(self._drain)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        if self.synchronous:
            try:
                result = work()
            except BaseException as exc:  # noqa: BLE001 - handed to on_error
                on_error(exc)
                return
            on_done(result)
            return

        def finished(f: Future[Any]) -> None:  # in the worker: no Qt here
            if f.cancelled():  # the app is closing
                self._results.put((lambda: None, True))
                return
            error = f.exception()
            if error is not None:
                self._results.put((lambda: on_error(error), True))
            else:
                value = f.result()
                self._results.put((lambda: on_done(value), True))

        if self._closed:  # the app is closing: a late result asking for more work gets none
            log.debug("task not started: the runner is shut down")
            return
        self._pending += 1
        if not self._timer.isActive():
            self._timer.start()
        self._executor.submit(work).add_done_callback(finished)

    def progress_reporter(
        self, token: CancelToken, on_progress: Callable[[int, int], None]
    ) -> Callable[[int, int], bool]:
        """A (done, total) -> keep-going callable that is safe to call from the worker thread."""

        def report(done: int, total: int) -> bool:
            if self.synchronous:
                on_progress(done, total)
            else:
                self._results.put((lambda: on_progress(done, total), False))
            return not token.cancelled

        return report

    def _drain(self) -> None:
        """On the GUI thread: deliver what the workers finished, in order."""
        while True:
            try:
                deliver, final = self._results.get_nowait()
            except queue.Empty:
                break
            if final:
                self._pending -= 1
            try:
                deliver()
            except RuntimeError as exc:
                if not _widget_gone(exc):
                    raise
                log.debug("a task finished after its page was closed: %s", exc)
        if self._pending <= 0:
            self._timer.stop()

    def token(self) -> CancelToken:
        """A cancel token for a task that can stop early; shutdown cancels it, so closing the
        app does not wait for that task to run to its end."""
        token = CancelToken()
        self._tokens.add(token)
        return token

    def shutdown(self) -> None:
        self._closed = True
        for token in list(self._tokens):
            token.cancel()
        self._executor.shutdown(wait=True, cancel_futures=True)


def _widget_gone(exc: RuntimeError) -> bool:
    """The result arrived for a widget Qt has already deleted (its window was closed)."""
    return "already deleted" in str(exc)


class Superseded(Exception):
    """Work not started because a newer request of its kind came first."""


class Latest:
    """Requests of one kind where only the newest counts (a preview, a verification).

    Each ``run`` supersedes the ones before it: their results and errors are dropped when
    they arrive, and one not started yet is not started at all.  Work already running is
    left to finish (renderers and queries cannot be stopped halfway); nothing it returns is
    shown.  ``busy`` is true from a request until its answer (or a newer one's) arrives."""

    def __init__(self, runner: TaskRunner) -> None:
        self.runner = runner
        self._serial = 0  # written on the GUI thread only; workers only read it
        self.busy = False

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._serial += 1
        serial = self._serial
        self.busy = True

        def guarded() -> Any:  # in the worker
            if serial != self._serial:
                raise Superseded
            return work()

        def done(value: Any) -> None:
            if serial == self._serial:
                self.busy = False
                on_done(value)

        def failed(exc: BaseException) -> None:
            if serial == self._serial:
                self.busy = False
                on_error(exc)

        self.runner.run(guarded, done, failed)
