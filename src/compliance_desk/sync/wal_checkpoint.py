"""The write-ahead log copied back into an SQLite file after a big pull, off the sync's path.

A pull runs with SQLite's automatic checkpoints off (sync/replica.py ``pulling``): otherwise
each page's commit copied the log back (~130 ms a page).  What the pull left in the log is
copied back once it is done, by a passive checkpoint: left to SQLite's automatic one, it
would be paid by whichever commit came next (a clerk's save on the window's thread).  That
checkpoint is the file's housekeeping, as PostgreSQL's checkpointer is the server's, not part
of the pull: it runs on a thread of its own, on a connection of its own, after the pull has
committed and answered (a 100,000-row pull: ~200 ms sooner).  A passive checkpoint waits for
no reader or writer; a process that ends (or dies) during it leaves the log to SQLite, which
checkpoints or replays it as any other (nothing committed is lost).  One at a time: a pull
that ends while one runs leaves its few pages to the next.
"""

from __future__ import annotations

import logging
import threading

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

log = logging.getLogger("compliance_desk.sync")

_running = threading.Lock()
_threads: list[tuple[Engine, threading.Thread]] = []


def start(engine: Engine) -> threading.Thread | None:
    """A passive checkpoint of ``engine``'s SQLite file, begun on a thread of its own; None
    when one is running already."""
    if not _running.acquire(blocking=False):
        return None
    thread = threading.Thread(target=_run, args=(engine,), name="wal-checkpoint", daemon=True)
    _threads[:] = [(e, t) for e, t in _threads if t.is_alive()] + [(engine, thread)]
    thread.start()
    return thread


def wait(engine: Engine | None = None, timeout: float | None = None) -> None:
    """Until the checkpoints begun so far (of ``engine``'s file, or of any) have ended: before
    the file is closed (bootstrap.Desk.close), and in tests."""
    for of, thread in list(_threads):
        if engine is None or of is engine:
            thread.join(timeout)


def _run(engine: Engine) -> None:
    try:
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").all()
            connection.commit()
    except SQLAlchemyError as exc:  # the file closed or gone: SQLite checkpoints it later
        log.info("checkpoint after a pull not done: %s", exc)
    finally:
        _running.release()
