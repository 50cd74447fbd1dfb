"""Which columns name a blob (a file in the content-addressed store) and how to find the
hashes an operation or a pulled row refers to.  Shared by the client and the server: a row
that names a blob travels only once the server holds the blob (SYNC.md rule 11).

A new table whose rows name a file joins by a line here; a test keeps every mapped column
called ``sha256`` or ``*_sha256`` declared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

BLOB_COLUMNS: dict[str, tuple[str, ...]] = {
    "attachment": ("sha256",),  # scans and photos of visits, appeals and inspection items
    "letter": ("pdf_sha256",),  # an issued letter's PDF of record
}

_HEX64 = re.compile(r"[0-9a-f]{64}")


def is_hash(value: object) -> bool:
    return isinstance(value, str) and _HEX64.fullmatch(value) is not None


def of_op(op: dict[str, Any]) -> set[str]:
    """The blobs an operation (wire form) makes a row name: inserted rows and changed fields."""
    columns = BLOB_COLUMNS.get(str(op.get("table")), ())
    payload = op.get("payload")
    if not columns or not isinstance(payload, dict):
        return set()
    found: set[str] = set()
    row = payload.get("row")
    if isinstance(row, dict):
        found.update(str(row[c]) for c in columns if is_hash(row.get(c)))
    changes = payload.get("changes")
    if isinstance(changes, dict):
        for c in columns:
            pair = changes.get(c)
            if isinstance(pair, list | tuple) and len(pair) == 2 and is_hash(pair[1]):
                found.add(str(pair[1]))
    return found


def of_ops(ops: Iterable[dict[str, Any]]) -> set[str]:
    found: set[str] = set()
    for op in ops:
        found |= of_op(op)
    return found


def of_rows(changes: Iterable[dict[str, Any]]) -> set[str]:
    """The blobs pulled rows name (the pull's wire form: {table, id, row})."""
    found: set[str] = set()
    for change in changes:
        row = change.get("row")
        if not isinstance(row, dict):
            continue
        for c in BLOB_COLUMNS.get(str(change.get("table")), ()):
            if is_hash(row.get(c)):
                found.add(str(row[c]))
    return found
