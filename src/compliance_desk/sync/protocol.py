"""The wire: versions, the operation's canonical form and its fingerprint (SYNC.md rules 6, 10).

HTTP + JSON.  Every call but /health and /v1/enrol carries ``Authorization: Bearer TOKEN``
and ``X-Device-Id``.  Errors are JSON ``{"error": code, "message_zh": ..., "message_en": ...}``.

    POST /v1/enrol      {username, password, device_id, device_name} -> {token, server_epoch}
    POST /v1/handshake  {protocol, app_version, schema_revision, device_id, device_time,
                        pull_after?} -> {protocol, app_version, schema_revision, server_epoch,
                        server_time, max_push, max_pull, pull_pending?}
                        426 client_too_old / client_too_new, 403 device_revoked
    POST /v1/push       {ops: [op, ...]} -> {results: [{op_id, status, reason_zh, reason_en,
                        conflict}], server_epoch}; status: applied | conflict | rejected |
                        refused (same id, different payload: nothing stored)
    GET  /v1/pull?after=SEQ&limit=N -> {changes: [{seq, table, id, row}], last_seq, more}
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import orjson

PROTOCOL_VERSION = 1
MIN_PROTOCOL = 1
# The oldest desktop schema the server accepts pushes from.  0008 had the outbox; 0021 knows
# an inspection called off (status "cancelled"), which an older desktop pulled and could not
# read: its inspections page failed.  An older desktop is told to upgrade, its data kept.
MIN_CLIENT_SCHEMA = "0021"
# Pages.  Protocol 1 began with pages of at most MAX_BATCH operations or changes; a server
# that takes more says so in its handshake (max_push, max_pull), and a client uses the larger
# pages only when told: fields added, none changed, so old clients and old servers still meet.
# ``pull_after`` in a handshake asks whether a pull would bring anything (``pull_pending``): a
# sync with nothing to push or pull is then one request.  A server that does not answer it
# (an older one) is pulled from as before.
MAX_BATCH = 500
MAX_PUSH = 20000  # what this server accepts in one push (a page of plain inserts is a few MB)
MAX_PULL = 20000  # the most changes this server sends in one pull page (5,000 before)
MAX_CLOSE = 500  # conflict ids a device reports closed in one request (server/conflicts.py)
PUSH_PAGE = 20000  # what this client sends when the server takes it (max_push)
PULL_PAGE = 10000  # what this client asks for when the server gives it (2,000 before)
FIRST_PULL_PAGE = 2000  # the first page of a pull, which nothing overlaps (sync/client.py)
FIRST_PUSH_PAGE = 2000  # the first page of a push, the next each three times larger

OP_FIELDS = ("id", "table", "row_id", "kind", "base_version", "command", "payload", "user_id", "at")


def canonical(op: dict[str, Any]) -> bytes:
    """Sorted keys, no spaces, UTF-8: json.dumps's output, which stored fingerprints were made
    of.  orjson writes the same bytes many times faster for strings, integers, booleans, null,
    lists and objects with string keys; a float (whose exponent it writes differently), an
    integer beyond 64 bits or a key of another type take the json module."""
    return _canonical(op)[0]


def _canonical(op: dict[str, Any]) -> tuple[bytes, bool]:
    """The canonical bytes, and whether every value was plain (orjson wrote them)."""
    fields = {k: op.get(k) for k in OP_FIELDS}
    if _plain(fields):
        try:
            return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS), True
        except orjson.JSONEncodeError:  # a lone surrogate: json says it as it always did
            pass
    text = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8"), False


def _plain(value: Any) -> bool:
    # The common leaves (strings, None, booleans) are judged in the container's own loop: a
    # page of 20,000 operations asked this of about a million values, one call each.
    t = type(value)
    if t is dict:
        for k, v in value.items():
            tv = type(v)
            if type(k) is not str or not (tv is str or v is None or tv is bool or _plain(v)):
                return False
        return True
    if t is list:
        for v in value:
            tv = type(v)
            if not (tv is str or v is None or tv is bool or _plain(v)):
                return False
        return True
    if isinstance(value, str) or value is None or value is True or value is False:
        return True
    if type(value) is int:
        return -(2**63) <= value < 2**64
    if isinstance(value, dict):
        return all(type(k) is str and _plain(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    return False


def plain(value: Any) -> bool:
    """Whether ``value`` is plain JSON (strings, integers of 64 bits, booleans, null, lists,
    objects with string keys): orjson writes it as the json module does."""
    return _plain(value)


def fingerprint_of(op: dict[str, Any], plain: bool) -> str:
    """``fingerprint(op)``; ``plain``: the caller has found every value of the operation plain
    (server/copy_text.prepare walks a pushed row once for its own needs), so the walk is not
    repeated here.  Not plain (or not known to be): as ``fingerprint``."""
    if plain:
        fields = {k: op.get(k) for k in OP_FIELDS}
        try:
            return hashlib.sha256(orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)).hexdigest()
        except orjson.JSONEncodeError:  # a lone surrogate: as fingerprint says it
            pass
    return fingerprint(op)


def fingerprint(op: dict[str, Any]) -> str:
    """What an operation id stands for: a replay must carry exactly this."""
    return hashlib.sha256(canonical(op)).hexdigest()


def fingerprint_plain(op: dict[str, Any]) -> tuple[str, bool]:
    """``fingerprint(op)``, and whether every value in the operation is plain JSON (strings,
    integers of 64 bits, booleans, null, lists, objects): then orjson writes any part of it
    as the json module would read it back (no float, no NaN), which the server's bulk COPY
    uses for JSON columns."""
    data, plain = _canonical(op)
    return hashlib.sha256(data).hexdigest(), plain
