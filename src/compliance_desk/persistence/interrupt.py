"""Stopping a long SQLite statement from outside: a walk over its budget, a superseded count.

SQLite calls a progress handler every few thousand virtual-machine steps; when the handler
answers "stop", the statement ends with ``interrupted``.  Nothing is written by the statements
this serves (reads), so an interrupted one leaves nothing behind.  On other databases the
statement simply runs to its end (PostgreSQL counts and pages run on the server).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError

STEPS = 4000  # virtual-machine steps between two looks at the stop condition


class Interrupted(Exception):
    """The statement was stopped before its end (over budget, or no longer wanted)."""


@contextmanager
def interruptible(connection: Connection, stop: Callable[[], bool]) -> Iterator[None]:
    """Run the block's statements until ``stop()`` says so; then raise ``Interrupted``."""
    raw: Any = connection.connection.driver_connection
    handler = getattr(raw, "set_progress_handler", None)
    if handler is None:  # not SQLite: nothing to install
        yield
        return
    handler(lambda: 1 if stop() else 0, STEPS)
    try:
        yield
    except OperationalError as exc:
        if "interrupted" in str(exc.orig):
            raise Interrupted(str(exc.orig)) from exc
        raise
    finally:
        handler(None, 0)


def within(seconds: float) -> Callable[[], bool]:
    """A stop condition: true once this thread has computed for ``seconds`` from now.

    Processor time, not the clock on the wall: a statement waiting for the disk or for a
    processor shared with other work is not "over budget" (only one doing too much is)."""
    deadline = time.thread_time() + seconds
    return lambda: time.thread_time() > deadline
