"""The write-ahead log copied back into an SQLite file after a big pull, off the sync's path.

A pull runs with SQLite's automatic checkpoints off (sync/replica.py ``pulling``): otherwise
each page's commit copied the log back (~130 ms a page).  What the pull left in the log is
copied back once it is done, by a passive checkpoint: left to SQLite's automatic one, it
would be paid by whichever commit came next (a clerk's save on the window's thread).  That
checkpoint is the file's housekeeping, as PostgreSQL's checkpointer is the server's, not part
of the pull: it runs on a thread of its own, on a connection of its own, after the pull has
committed and answered (a 100,000-row pull: ~200 ms sooner).  A passive checkpoint waits for
no reader or writer; a process that ends (or dies) during it leaves the log to SQLite, which
checkpoints or replays it as any other (nothing committed is lost).  One at a time for a
file: a pull that ends while its file's runs has it make one more pass.
"""

from __future__ import annotations

import logging
import threading
import weakref

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("compliance_desk.sync")

_lock = threading.Lock()
_running: weakref.WeakKeyDictionary[Engine, threading.Thread] = weakref.WeakKeyDictionary()
_again: weakref.WeakSet[Engine] = weakref.WeakSet()  # a pull ended while its file's ran


def start(engine: Engine) -> threading.Thread | None:
    """A passive checkpoint of ``engine``'s SQLite file, begun on a thread of its own; None
    when one of that file is running already (it then makes one more pass when done, for
    what this pull added), or when no thread could be started (SQLite's own checkpoints
    then copy the log back at a later commit)."""
    with _lock:
        running = _running.get(engine)
        if running is not None and running.is_alive():
            _again.add(engine)
            return None
        thread = threading.Thread(target=_run, args=(engine,), name="wal-checkpoint", daemon=True)
        try:
            thread.start()
        except RuntimeError as exc:  # no thread to be had: left to SQLite
            log.warning("checkpoint after a pull not started: %s", exc)
            return None
        _running[engine] = thread
        return thread


def wait(engine: Engine | None = None, timeout: float | None = None) -> None:
    """Until the checkpoints begun so far (of ``engine``'s file, or of any) have ended: before
    the file is closed (bootstrap.Desk.close), and in tests."""
    with _lock:
        threads = [t for e, t in _running.items() if engine is None or e is engine]
    for thread in threads:
        thread.join(timeout)


def _run(engine: Engine) -> None:
    while True:
        _pass(engine)
        with _lock:
            if engine not in _again:
                _running.pop(engine, None)  # done: the next pull's end starts another
                return
            _again.discard(engine)


def _pass(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()
            connection.commit()
    except SQLAlchemyError as exc:  # the file closed or gone: SQLite checkpoints it later
        log.warning("checkpoint after a pull not done: %s", exc)
