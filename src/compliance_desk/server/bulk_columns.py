"""A chunk of plain inserts prepared a column at a time (server/bulk_chunks.py), for the usual
chunk: every operation in the form the desktop writes, every row with all its table's columns.

Operation by operation (bulk_chunks.parsed, copy_text.prepare, protocol.fingerprint_of) a
chunk costs about 25 µs an operation of Python: a call per value, a dict per row.  Here each
field of the operations and each column of a table's rows is checked whole: its values joined
and looked at with a stride (every value's character at one place) and a byte translation (which
characters there are), their types gathered in a set, the few distinct timestamps parsed once;
the COPY lines are joined from the columns, the fingerprints hashed by ``map``.  No Python runs
per value but the loops the C library makes.

It takes only what it can prove the per-operation path takes, and gives the same results: the
same decoded rows, COPY lines and fingerprints (tests/test_sync_bulk_columns.py compares them).
Anything else (a UUID in upper case, a timestamp with another offset or without a fraction,
a text that COPY must escape, a float in a JSON value, a table with a natural key, a column of
a kind not listed here) answers None: that table's rows, or the whole chunk, go the per-operation
way, which converts or refuses them as before.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from datetime import date, datetime
from itertools import chain, repeat
from operator import add, itemgetter, methodcaller
from typing import Any, NamedTuple

import orjson
from sqlalchemy import Integer, Table

from compliance_desk.server import copy_text
from compliance_desk.sync import codec, protocol, sets
from compliance_desk.sync.policy import policy

_NONE = type(None)
_HEX = b"0123456789abcdef"
_DIGITS = b"0123456789"
_JSONISH = frozenset((str, int, bool, _NONE, dict, list))
_SCALARS = frozenset((str, int, bool, _NONE))
_FIELDS = frozenset(protocol.OP_FIELDS)


# --- a column's values checked whole ---------------------------------------------------


def _fixed(values: list[Any], width: int, skeleton: bytes, digits: bytes) -> bool:
    """Each value is text of ``width`` ASCII characters which, ``digits`` taken out, leave
    ``skeleton``."""
    if not set(map(type, values)) <= {str} or not set(map(len, values)) <= {width}:
        return False
    try:
        raw = "".join(values).encode("ascii")
    except UnicodeEncodeError:
        return False
    return raw.translate(None, digits) == skeleton * len(values)


def _places(values: list[str], width: int, places: dict[int, str]) -> bool:
    joined = "".join(values)
    n = len(values)
    return all(joined[i::width] == c * n for i, c in places.items())


def uuids(values: list[Any]) -> bool:
    """Lower-case UUIDs with their dashes (str(uuid.UUID(...)): copy_text.CANONICAL_UUID)."""
    return _fixed(values, 36, b"----", _HEX) and _places(
        values, 36, {8: "-", 13: "-", 18: "-", 23: "-"}
    )


_STAMP_AT = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 19: ".", 26: "+", 27: "0", 28: "0",
             29: ":", 30: "0", 31: "0"}  # fmt: skip


_WHOLE_AT = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":", 19: "+", 20: "0", 21: "0", 22: ":",
             23: "0", 24: "0"}  # fmt: skip


def stamps(values: list[Any]) -> bool:
    """``YYYY-MM-DDTHH:MM:SS.ffffff+00:00`` each, or ``YYYY-MM-DDTHH:MM:SS+00:00`` each
    (datetime.isoformat() of a UTC moment, with microseconds or on a whole second), a real
    moment (in UTC already, so within the years a datetime holds: codec.in_range)."""
    if values and type(values[0]) is str and len(values[0]) == 25:
        return _real(values, 25, b"--T::+:", _WHOLE_AT, datetime.fromisoformat)
    return _real(values, 32, b"--T::.+:", _STAMP_AT, datetime.fromisoformat)


def dates(values: list[Any]) -> bool:
    """``YYYY-MM-DD`` each, a real day."""
    return _real(values, 10, b"--", {4: "-", 7: "-"}, date.fromisoformat)


def _real(
    values: list[Any], width: int, skeleton: bytes, places: dict[int, str], parse: Any
) -> bool:
    """Each value of ``width`` digits and separators in their places, and (each distinct value
    parsed once) a real moment or day."""
    if not (_fixed(values, width, skeleton, _DIGITS) and _places(values, width, places)):
        return False
    try:
        list(map(parse, set(values)))
    except ValueError:
        return False
    return True


def plain(values: Sequence[Any]) -> bool:
    """Whether every value is plain JSON as protocol.plain judges it (strings, integers of 64
    bits, booleans, null, lists, objects with string keys), a level of nesting at a time."""
    level: Sequence[Any] = values
    while level:
        types = set(map(type, level))
        if not types <= _JSONISH:
            return False
        deeper: list[Any] = []
        if int in types:
            ints = [v for v in level if type(v) is int]
            if min(ints) < -(2**63) or max(ints) >= 2**64:
                return False
        if dict in types:
            dicts = [v for v in level if type(v) is dict]
            if not set(map(type, chain.from_iterable(dicts))) <= {str}:
                return False
            deeper.extend(chain.from_iterable(map(dict.values, dicts)))
        if list in types:
            deeper.extend(chain.from_iterable(v for v in level if type(v) is list))
        level = deeper
    return True


# --- the operations' own fields --------------------------------------------------------


class Fields(NamedTuple):
    """A chunk's operations' fields, as bulk_chunks.parsed gives them, a list each."""

    ids: list[str]
    tables: list[str]
    row_ids: list[str]
    rows: list[dict[str, Any]]


def fields(raws: list[Any]) -> Fields | None:
    """bulk_chunks.parsed's checks of every operation at once, for operations of exactly the
    protocol's fields, plain (so fingerprinted by ``fingerprints``): canonical ids, no user or
    a canonical one, a timestamp, no base version, no command, a payload of only its row.
    None: not all so (each is then parsed on its own)."""
    if not raws or not set(map(type, raws)) <= {dict}:
        return None
    if not all(
        set(keys) == _FIELDS and len(keys) == len(_FIELDS) for keys in set(map(tuple, raws))
    ):
        return None
    get = itemgetter(*protocol.OP_FIELDS)
    ids, tables, row_ids, kinds, bases, commands, payloads, users, ats = map(
        list, zip(*map(get, raws), strict=True)
    )
    if not set(map(type, bases)) | set(map(type, commands)) <= {_NONE}:
        return None  # (by type: a list or an object there cannot be hashed)
    if not set(map(type, kinds)) <= {str} or set(kinds) != {"insert"}:
        return None
    if not (uuids(ids) and uuids(row_ids) and set(map(type, tables)) <= {str}):
        return None
    given = [u for u in users if u is not None]
    if given and not uuids(given):
        return None
    if not set(map(type, ats)) <= {str}:
        return None
    try:
        list(map(datetime.fromisoformat, set(ats)))
    except ValueError:
        return None
    if not set(map(type, payloads)) <= {dict} or set(map(tuple, payloads)) != {("row",)}:
        return None
    rows = list(map(itemgetter("row"), payloads))
    if not set(map(type, rows)) <= {dict}:
        return None
    return Fields(ids, tables, row_ids, rows)


_SORTED = functools.partial(orjson.dumps, option=orjson.OPT_SORT_KEYS)


def fingerprints(raws: list[dict[str, Any]]) -> list[str] | None:
    """protocol.fingerprint_of of each operation that ``fields`` took and whose row ``rows``
    found plain: its fields are exactly the protocol's, so the operation itself is what is
    hashed.  None: text orjson cannot write (a lone surrogate)."""
    try:
        written = list(map(_SORTED, raws))
    except orjson.JSONEncodeError:
        return None
    return list(map(methodcaller("hexdigest"), map(hashlib.sha256, written)))


# --- a table's rows ----------------------------------------------------------------------


class Rows(NamedTuple):
    """A table's rows as copy_text.prepare makes them: each row's COPY line, each column's
    values decoded, and, for a table with a natural key (whose new rows are looked for
    twins: server/bulk.py), each row decoded (no dict per row otherwise: nothing reads it)."""

    lines: list[str]
    columns: dict[str, Sequence[Any]]
    rows: list[dict[str, Any]] | None


Check = Callable[[list[Any]], bool]


@functools.cache
def _columns(tbl: Table) -> tuple[tuple[str, str, str], ...] | None:
    """Each column: its name, how its values are checked and written, how None is COPYed;
    None when a column is of a kind not taken here (a natural key's values are decoded by
    codec: taken when that is text, which it leaves as it is)."""
    out: list[tuple[str, str, str]] = []
    for name, convert, role, null in copy_text._plan(tbl):
        if role == copy_text._VERSION:
            way = "version"
        elif role == copy_text._JSON_COLUMN:
            way = "json"
        elif role == copy_text._TEXT:
            way = "text"
        elif convert is copy_text._uuid_text:
            way = "uuid"
        elif convert is copy_text._datetime_text:
            way = "stamp"
        elif convert is copy_text._date_text:
            way = "date"
        elif convert is codec._to_bool:
            way = "bool"
        elif convert is None and isinstance(tbl.c[name].type, Integer):
            way = "int"
        else:
            return None
        out.append((name, way, null))
    return tuple(out)


_CHECKS: dict[str, Check] = {"uuid": uuids, "stamp": stamps, "date": dates}


def rows(tbl: Table, given: list[dict[str, Any]]) -> Rows | None:
    """The rows decoded and written as COPY lines, as copy_text.prepare does each (but the
    decoded values a column at a time); None if a row or a value is not one this module takes
    (the rows then go one at a time)."""
    plan = _columns(tbl)
    if plan is None or not given:
        return None
    names = tuple(name for name, _way, _null in plan)
    every, but_version = set(names), set(names) - {"row_version"}
    if not all(set(keys) in (every, but_version) for keys in set(map(tuple, given))):
        return None
    n = len(given)
    decoded: list[Sequence[Any]] = []
    written: list[Sequence[Any]] = []
    texts: list[Any] = []
    for name, way, null in plan:
        if way == "version":
            values = [row.get(name) for row in given]
            if not plain(values):
                return None
            decoded.append([1] * n)
            written.append(["1"] * n)
            continue
        values = list(map(itemgetter(name), given))
        present = [v for v in values if v is not None] if None in values else values
        if way == "json":
            if present and not plain(present):
                return None
            try:  # as copy_text._json_text writes each (a lone surrogate: one at a time)
                dumped = list(map(orjson.dumps, present))
            except orjson.JSONEncodeError:
                return None
            if b"\\" in b"".join(dumped):  # orjson escapes every control character
                return None  # with a backslash, which COPY escapes: one at a time
            made: list[Any] = list(map(sets.JsonText, map(bytes.decode, dumped)))
            if len(present) < n:  # the None in their places
                it = iter(made)
                made = [None if v is None else next(it) for v in values]
            decoded.append(made)
            written.append([null if v is None else v for v in made] if None in values else made)
            continue
        if way == "text":
            if not set(map(type, present)) <= {str}:
                return None
            texts.extend(present)  # all str
        elif way == "bool":
            if not set(map(type, present)) <= {bool}:
                return None
        elif way == "int":
            if not set(map(type, present)) <= {int} or (present and not plain(present)):
                return None
        elif present and not _CHECKS[way](present):
            return None
        decoded.append(values)
        if way == "bool":
            written.append([null if v is None else ("t" if v else "f") for v in values])
        elif way == "int":
            written.append([null if v is None else str(v) for v in values])
        else:
            written.append([null if v is None else v for v in values] if None in values else values)
    if copy_text._SPECIAL.search("".join(texts)) is not None:
        return None  # COPY escapes (or a NUL): written one at a time
    lines = list(map(add, map("\t".join, zip(*written, strict=True)), repeat("\n")))
    rows = None
    if policy(tbl.name).natural_key:
        rows = list(map(dict, map(zip, repeat(names), zip(*decoded, strict=True))))
    return Rows(lines, dict(zip(names, decoded, strict=True)), rows)
