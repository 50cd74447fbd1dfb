"""The appeal log's text filter on SQLite: ``local_appeal_text``, an FTS5 index of each
appeal's number, title and enterprise name, one character per token.

A trigram index cannot serve the one- and two-character words clerks type most (伞, 合同), and
``LIKE '%…%'`` reads a million rows; with every character a token, any substring is a phrase
query ("合 同"), served from the index whatever its length.  Rows are keyed by the clock's
``docid`` and written with the appeal's clock (appeal_clocks), so they follow the same
transactions: a step, a pulled timeline, an enterprise's new name, a reconcile.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, text

TABLE = "local_appeal_text"


def docid(appeal_id: uuid.UUID) -> int:
    digest = hashlib.blake2b(appeal_id.bytes, digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


def spaced(value: str) -> str:
    """Letters and digits, lower-cased, one per token (punctuation and spaces dropped)."""
    return " ".join(ch for ch in value.lower() if ch.isalnum())


def phrase(query: str) -> str | None:
    """The FTS5 phrase for what the clerk typed, or None when it holds no letter or digit."""
    tokens = spaced(query)
    return f'"{tokens}"' if tokens else None


def write(connection: Connection, rows: Sequence[tuple[int, str, str, str]]) -> None:
    """(Re)index (docid, number, title, enterprise name) rows; SQLite only."""
    if not rows or connection.dialect.name != "sqlite":
        return
    remove(connection, [r[0] for r in rows])
    connection.execute(
        text(f"INSERT INTO {TABLE} (rowid, number, title, enterprise) VALUES (:d, :n, :t, :e)"),
        [{"d": d, "n": spaced(n), "t": spaced(t), "e": spaced(e)} for d, n, t, e in rows],
    )


def remove(connection: Connection, docids: Iterable[int]) -> None:
    if connection.dialect.name != "sqlite":
        return
    params: list[dict[str, Any]] = [{"d": d} for d in docids]
    if params:
        connection.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :d"), params)
