"""The search-as-you-type index of enterprises.

On SQLite (every desk and laptop) two derived, local tables serve it:
- ``enterprise_fts``: FTS5 with the trigram tokenizer, for queries of 3+ characters
  (any substring of the name, its pinyin or initials, the phone digits; credit-code
  prefixes use the enterprise table's own B-tree index);
- ``enterprise_gram``: the 1- and 2-character grams of the name and the initials, for the
  first keystrokes (崧, 崧厦, sx), which trigrams cannot serve.
Both are keyed by ``docid``, a 63-bit number derived from the enterprise's UUID, and are
kept current by the unit of work's flush hook, in the same transaction as the change.
On PostgreSQL the service falls back to LIKE over the enterprise columns.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from compliance_desk.domain.phone import digits_only


@dataclass(frozen=True)
class IndexDoc:
    id: uuid.UUID
    name: str
    pinyin: str
    initials: str
    phone: str
    live: bool


def docid(enterprise_id: uuid.UUID) -> int:
    digest = hashlib.blake2b(enterprise_id.bytes, digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


def short_grams(*fields: str) -> set[str]:
    grams: set[str] = set()
    for value in fields:
        value = value.lower()
        grams.update(value)
        grams.update(value[i : i + 2] for i in range(len(value) - 1))
    grams.discard(" ")
    return grams


def update(connection: Connection, docs: Iterable[IndexDoc], fresh: bool = False) -> None:
    """(Re)index ``docs``; ``fresh`` says they were never indexed, so nothing to remove first."""
    docs = list(docs)
    if not docs:
        return
    if not fresh:
        _remove(connection, [docid(d.id) for d in docs])
    # In ascending rowid order: FTS5 writes its pending terms out as a new segment whenever a
    # rowid lower than the last one comes (docids are hashes, so about every other document
    # of a pulled page, and the merges after); in order, a page is one segment (2.5x faster).
    live = sorted(((docid(d.id), d) for d in docs if d.live), key=lambda pair: pair[0])
    if not live:
        return
    connection.exec_driver_sql(
        "INSERT INTO enterprise_fts (rowid, eid, name, pinyin, initials, phone) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(n, d.id.hex, d.name, d.pinyin, d.initials, digits_only(d.phone)) for n, d in live],
    )
    # Tens of grams a document, hundreds of thousands for a pulled backlog: plain tuples to
    # the driver (half the time of named parameters through SQLAlchemy).
    connection.exec_driver_sql(
        "INSERT OR IGNORE INTO enterprise_gram (gram, docid) VALUES (?, ?)",
        [(gram, n) for n, d in live for gram in short_grams(d.name, d.initials)],
    )


def _remove(connection: Connection, docids: list[int]) -> None:
    """Drop documents; their grams are recomputed from the indexed text (no docid index)."""
    for d in docids:
        old = connection.execute(
            text("SELECT name, initials FROM enterprise_fts WHERE rowid = :d"), {"d": d}
        ).first()
        if old is None:
            continue
        connection.execute(
            text("DELETE FROM enterprise_gram WHERE gram = :g AND docid = :d"),
            [{"g": g, "d": d} for g in short_grams(old[0], old[1])],
        )
        connection.execute(text("DELETE FROM enterprise_fts WHERE rowid = :d"), {"d": d})


def _fts_phrase(query: str) -> str:
    return '"' + query.replace('"', '""') + '"'


@dataclass(frozen=True)
class Scope:
    """Filters applied inside the index query, so the cut to ``limit`` comes after them."""

    centre_id: uuid.UUID | None = None
    industry_id: uuid.UUID | None = None
    compliant_only: bool = False

    def sql(self) -> tuple[str, dict[str, object]]:
        clauses: list[str] = []
        params: dict[str, object] = {}
        if self.centre_id is not None:
            clauses.append("e.centre_id = :centre")
            params["centre"] = self.centre_id.hex
        if self.industry_id is not None:
            clauses.append("e.industry_id = :industry")
            params["industry"] = self.industry_id.hex
        if self.compliant_only:
            clauses.append("e.on_compliant_list = 1")
        if not clauses:
            return "", params
        # enterprise.id is the UUID's 32 hex digits on SQLite, as the index's eid is
        return " JOIN enterprise e ON e.id = enterprise_fts.eid WHERE " + " AND ".join(
            clauses
        ), params


@dataclass(frozen=True)
class Hit:
    id: uuid.UUID
    name: str
    pinyin: str
    initials: str


def search_ids(
    connection: Connection, query: str, limit: int, scope: Scope | None = None
) -> list[uuid.UUID]:
    return [hit.id for hit in search(connection, query, limit, scope)]


def search(connection: Connection, query: str, limit: int, scope: Scope | None = None) -> list[Hit]:
    """Ids of live enterprises whose name, pinyin, initials or phone contain ``query``.

    ``query`` is already lower-cased and trimmed.  Digits search the phone only (a name
    rarely holds digits, and every code shares its first trigrams, which would make the
    trigram index walk every row); credit-code prefixes are the service's B-tree lookup.
    """
    join, params = (scope or Scope()).sql()
    if len(query) >= 3:
        columns = "phone" if query.isdigit() else "{name pinyin initials}"
        # FTS5 takes MATCH on its own table name, not an alias
        sql = (
            "SELECT enterprise_fts.eid, enterprise_fts.name, enterprise_fts.pinyin, "
            "enterprise_fts.initials FROM enterprise_fts" + join
        )
        sql += (" AND " if join else " WHERE ") + "enterprise_fts MATCH :q LIMIT :n"
        rows: Sequence[tuple[str, str, str, str]] = connection.execute(
            text(sql), {**params, "q": f"{columns} : {_fts_phrase(query)}", "n": limit}
        ).all()
    else:
        sql = (
            "SELECT enterprise_fts.eid, enterprise_fts.name, enterprise_fts.pinyin, "
            "enterprise_fts.initials FROM enterprise_gram g "
            "JOIN enterprise_fts ON enterprise_fts.rowid = g.docid"
        )
        sql += join.replace(" WHERE ", " AND ", 1) if join else ""
        sql += " WHERE g.gram = :q LIMIT :n"
        rows = connection.execute(text(sql), {**params, "q": query, "n": limit}).all()
    return [Hit(uuid.UUID(hex=r[0]), r[1], r[2], r[3]) for r in rows]


def rebuild(connection: Connection, docs: Iterable[IndexDoc]) -> None:
    connection.execute(text("DELETE FROM enterprise_fts"))
    connection.execute(text("DELETE FROM enterprise_gram"))
    update(connection, docs, fresh=True)
