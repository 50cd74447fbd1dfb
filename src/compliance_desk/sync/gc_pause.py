"""Keep the collector's full passes off the objects that were alive before a sync began.

A sync in the window's task runner shares the interpreter with the event loop.  A full
(generation 2) collection runs in whichever thread allocates, holding the GIL for as long as it
takes to walk every tracked object of the process: with the window open that was 150 ms and
more, in the middle of a pull (the 736 ms stall of bench/README.md).  A sync allocates enough
to trigger several.  ``gc.freeze()`` moves the objects alive now out of the collector's sight,
so a collection during the sync walks only what the sync made; ``gc.unfreeze()`` at the end
gives them back (nothing leaks: a cycle left from before is collected after).  Nested or
concurrent syncs share one freeze.  ``checkpoint()`` after each page freezes what the sync
has kept so far too (what a page leaves behind stays out of the next pages' collections).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_depth = 0


@contextmanager
def frozen() -> Iterator[None]:
    global _depth
    with _lock:
        if _depth == 0:
            gc.freeze()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                gc.unfreeze()


def checkpoint() -> None:
    """Inside ``frozen()``: freeze what is alive now as well (a page's leftovers)."""
    with _lock:
        if _depth > 0:
            gc.freeze()


_off = 0
_was_enabled = False


@contextmanager
def collector_off() -> Iterator[None]:
    """No cyclic collections at all while inside (the server's push of a large page: its
    million short-lived objects made the collector walk them again and again, a third of the
    push's time).  Objects are still freed by their reference counts; cycles made meanwhile
    are collected after.  Nested or concurrent uses share one pause; the collector is turned
    back on only if it was on when the first began."""
    global _off, _was_enabled
    with _lock:
        if _off == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _off += 1
    try:
        yield
    finally:
        with _lock:
            _off -= 1
            if _off == 0 and _was_enabled:
                gc.enable()
