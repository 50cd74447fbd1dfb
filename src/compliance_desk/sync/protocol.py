"""The wire: versions, the operation's canonical form and its fingerprint (SYNC.md rules 6, 10).

HTTP + JSON.  Every call but /health and /v1/enrol carries ``Authorization: Bearer TOKEN``
and ``X-Device-Id``.  Errors are JSON ``{"error": code, "message_zh": ..., "message_en": ...}``.

    POST /v1/enrol      {username, password, device_id, device_name} -> {token, server_epoch}
    POST /v1/handshake  {protocol, app_version, schema_revision, device_id, device_time}
                        -> {protocol, app_version, schema_revision, server_epoch, server_time}
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

PROTOCOL_VERSION = 1
MIN_PROTOCOL = 1
# The oldest desktop schema the server accepts pushes from: the first with the outbox.
MIN_CLIENT_SCHEMA = "0008"
MAX_BATCH = 500

OP_FIELDS = ("id", "table", "row_id", "kind", "base_version", "command", "payload", "user_id", "at")


def canonical(op: dict[str, Any]) -> bytes:
    return json.dumps(
        {k: op.get(k) for k in OP_FIELDS}, sort_keys=True, ensure_ascii=False, separators=(",", ":")
    ).encode("utf-8")


def fingerprint(op: dict[str, Any]) -> str:
    """What an operation id stands for: a replay must carry exactly this."""
    return hashlib.sha256(canonical(op)).hexdigest()
