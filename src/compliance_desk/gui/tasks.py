"""Background work off the GUI thread, results delivered back to it by a signal.

One executor for the whole app; each task opens its own unit of work (sessions never cross
threads).  Long tasks get a ``Progress`` handle they call with (done, total); it returns
False once the user pressed Cancel.  Tests can make the runner synchronous.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

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
    _finished = Signal(object, object, object)  # callback, result, error
    _progressed = Signal(object, int, int)

    def __init__(self, synchronous: bool = False, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="desk-task")
        self._finished.connect(self._deliver)
        self._progressed.connect(self._deliver_progress)

    def run(
        self,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        callbacks = (on_done, on_error)
        if self.synchronous:
            try:
                result = work()
            except BaseException as exc:  # noqa: BLE001 - handed to on_error
                on_error(exc)
                return
            on_done(result)
            return
        future: Future[Any] = self._executor.submit(work)
        future.add_done_callback(
            lambda f: self._finished.emit(
                callbacks, None if f.exception() else f.result(), f.exception()
            )
        )

    def progress_reporter(
        self, token: CancelToken, on_progress: Callable[[int, int], None]
    ) -> Callable[[int, int], bool]:
        """A (done, total) -> keep-going callable that is safe to call from the worker thread."""

        def report(done: int, total: int) -> bool:
            if self.synchronous:
                on_progress(done, total)
            else:
                self._progressed.emit(on_progress, done, total)
            return not token.cancelled

        return report

    @Slot(object, object, object)
    def _deliver(self, callbacks: Any, result: Any, error: Any) -> None:
        on_done, on_error = callbacks
        try:
            if error is not None:
                on_error(error)
            else:
                on_done(result)
        except RuntimeError as exc:
            if not _widget_gone(exc):
                raise
            log.debug("a task finished after its page was closed: %s", exc)

    @Slot(object, int, int)
    def _deliver_progress(self, callback: Any, done: int, total: int) -> None:
        try:
            callback(done, total)
        except RuntimeError as exc:
            if not _widget_gone(exc):
                raise

    def shutdown(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def _widget_gone(exc: RuntimeError) -> bool:
    """The result arrived for a widget Qt has already deleted (its window was closed)."""
    return "already deleted" in str(exc)
