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
from contextlib import AbstractContextManager

from compliance_desk.sync.nesting import Shared

SYNC_INTERVAL = 0.001  # seconds


def _shorter() -> float:
    previous = sys.getswitchinterval()
    sys.setswitchinterval(min(previous, SYNC_INTERVAL))
    return previous


_turns = Shared(_shorter, sys.setswitchinterval)


def short_turns() -> AbstractContextManager[None]:
    return _turns.held()
