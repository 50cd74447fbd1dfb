"""A process-wide setting held while any caller is inside: set when the first enters, put
back when the last leaves (nested or concurrent syncs share one).  ``begin`` returns what
``end`` needs to put it back."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any


class Shared:
    def __init__(self, begin: Callable[[], Any], end: Callable[[Any], None]) -> None:
        self._begin, self._end = begin, end
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: Any = None

    @contextmanager
    def held(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._saved = self._begin()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._end(self._saved)

    def while_held(self, action: Callable[[], None]) -> None:
        """``action`` now, if some caller is inside (and none leaves meanwhile)."""
        with self._lock:
            if self._depth > 0:
                action()
