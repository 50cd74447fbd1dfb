"""A pull page's JSON read in pieces.

One ``orjson.loads`` of a page of 10,000 rows takes about 50 ms during which no other thread
runs (the window's event loop waits: the stall target is 50 ms).  The server writes a page one
change a line (server/pull_json.py: ``{"changes":[`` newline, the changes joined by ``,``
newline, newline ``]``, then the other fields), so the page can be parsed a few hundred changes
at a time.  Anything else (an older server's page, an empty one, a line break inside a stored
JSON value that makes a piece not one change) is parsed whole, as before: the result is the
same value either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from compliance_desk.sync import gc_pause

PIECES = 500  # changes per parse (about 2.5 ms on a quiet machine; several times that under load)
_HEAD = b'{"changes":[\n'
_TAIL = b"\n]"
_SEP = b",\n"


def _chunks(content: bytes, start: int, end: int) -> Iterator[tuple[bytes, int]]:
    """The changes between ``start`` and ``end``, PIECES at a time: (a JSON array of them, how
    many there are), found separator by separator (a split of the whole page at once held the
    interpreter's lock for 45 ms under load: bench/sync_bench.py --stall-only)."""
    pos = start
    while pos < end:
        seps: list[int] = []
        at = pos
        while len(seps) < PIECES:
            found = content.find(_SEP, at, end)
            if found < 0:
                break
            seps.append(found)
            at = found + 2
        if len(seps) < PIECES:  # the last changes
            yield b"[" + content[pos:end] + b"]", len(seps) + 1
            return
        yield b"[" + content[pos : seps[-1]] + b"]", PIECES
        pos = seps[-1] + 2
    if pos == end and start < end:  # a separator with no change after it
        raise orjson.JSONDecodeError("a page ends with a separator", "", 0)


def ahead(content: bytes) -> int | None:
    """The cursor of the page after this one, read from this page's tail before the page is
    parsed (a page in the server's lines that says more follow); None: not said, or not a page
    in lines (an older server's: the next page is asked for once this one is read)."""
    end = content.rfind(_TAIL) if content.startswith(_HEAD) else -1
    if end < 0 or content[end + 2 : end + 3] != b",":
        return None
    try:
        rest = orjson.loads(b"{" + content[end + 3 :])
    except orjson.JSONDecodeError:
        return None
    if not isinstance(rest, dict) or rest.get("more") is not True:
        return None
    last = rest.get("last_seq")
    return last if type(last) is int else None


def loads(content: bytes) -> Any:
    if not content.startswith(_HEAD):
        return orjson.loads(content)
    end = content.rfind(_TAIL)
    if end < 0 or content[end + 2 : end + 3] not in (b",", b"}"):
        return orjson.loads(content)
    try:
        rest = orjson.loads(b"{" + content[end + 3 :]) if content[end + 2 : end + 3] == b"," else {}
        changes: list[Any] = []
        for chunk, count in _chunks(content, len(_HEAD), end):
            parsed = orjson.loads(chunk)
            if len(parsed) != count:  # a piece between line breaks was not one change
                return orjson.loads(content)
            changes.extend(parsed)
            # Out of the collector's full passes at once (gc_pause: inside a sync only): a
            # full pass during the parse walked the page parsed so far, 50-80 ms under load.
            gc_pause.checkpoint()
    except orjson.JSONDecodeError:
        return orjson.loads(content)
    if not isinstance(rest, dict) or "changes" in rest:
        return orjson.loads(content)
    return {"changes": changes, **rest}
