"""Shorter GIL turns while a sync runs beside the window's event loop.

A sync in the task runner has two busy threads (the worker applying a page, the helper
fetching and parsing the next) and the event loop needs the GIL at every tick.  A thread
waiting for the GIL asks the holder to let go only after the switch interval (5 ms by
default), and the GIL then goes to any waiter: with three threads the event loop could lose
several turns in a row (gaps of 50-130 ms in bench/sync_bench.py's stall run, no collection
among them).  A 1 ms interval while a sync runs makes each lost turn short.  Nested or
concurrent syncs share one setting; the previous interval comes back when the last ends.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SYNC_INTERVAL = 0.001  # seconds

_lock = threading.Lock()
_depth = 0
_previous = 0.0


@contextmanager
def short_turns() -> Iterator[None]:
    global _depth, _previous
    with _lock:
        if _depth == 0:
            _previous = sys.getswitchinterval()
            sys.setswitchinterval(min(_previous, SYNC_INTERVAL))
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                sys.setswitchinterval(_previous)
