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
from contextlib import AbstractContextManager

from compliance_desk.sync.nesting import Shared

_frozen = Shared(gc.freeze, lambda _saved: gc.unfreeze())


def frozen() -> AbstractContextManager[None]:
    return _frozen.held()


def checkpoint() -> None:
    """Inside ``frozen()``: freeze what is alive now as well (a page's leftovers)."""
    _frozen.while_held(gc.freeze)


def _collector_paused() -> bool:
    was_enabled = gc.isenabled()
    gc.disable()
    return was_enabled


def _collector_back(was_enabled: bool) -> None:
    if was_enabled:
        gc.enable()


_off = Shared(_collector_paused, _collector_back)


def collector_off() -> AbstractContextManager[None]:
    """No cyclic collections at all while inside (the server's push of a large page: its
    million short-lived objects made the collector walk them again and again, a third of the
    push's time).  Objects are still freed by their reference counts; cycles made meanwhile
    are collected after.  Nested or concurrent uses share one pause; the collector is turned
    back on only if it was on when the first began."""
    return _off.held()
