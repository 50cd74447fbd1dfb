"""The search-as-you-type index of enterprises.

On SQLite (every desk and laptop) two derived, local tables serve it:
- ``enterprise_fts``: FTS5 with the trigram tokenizer, for queries of 3+ characters
  (any substring of the name, its pinyin or initials, the phone digits; credit-code
  prefixes use the enterprise table's own B-tree index);
- ``enterprise_gram``: the 1- and 2-character grams of the name and the initials, for the
  first keystrokes (崧, 崧厦, sx), which trigrams cannot serve.  An FTS5 table too (contentless,
  no positions, the ``ascii`` tokenizer), one row a document whose text is its grams as
  tokens (``gram_text``): FTS5 files a document's ~50 grams in one go, about a quarter of the
  time of the ~50 B-tree rows a document the gram table held before (migration 0016).
Both are keyed by ``docid``, a 63-bit number derived from the enterprise's UUID, and are
kept current by the unit of work's flush hook, in the same transaction as the change.
On PostgreSQL the service falls back to LIKE over the enterprise columns.
"""

from __future__ import annotations

import hashlib
import operator
import re
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, text

from compliance_desk.domain.phone import digits_only
from compliance_desk.domain.text import to_halfwidth


@dataclass(frozen=True)
class IndexDoc:
    id: uuid.UUID
    name: str
    pinyin: str
    initials: str
    phone: str
    live: bool


def docid(enterprise_id: uuid.UUID) -> int:
    return _docid(enterprise_id.bytes)


def _docid(id_bytes: bytes) -> int:
    digest = hashlib.blake2b(id_bytes, digest_size=8).digest()
    return int.from_bytes(digest, "big") & 0x7FFF_FFFF_FFFF_FFFF


def short_grams(*fields: str) -> set[str]:
    grams: set[str] = set()
    for value in fields:
        grams.update(_grams(value.lower()))
    grams.discard(" ")
    return grams


# A gram as one token of the ``ascii`` tokenizer, for which every non-ASCII character is part of
# a token and ASCII letters and digits are too (folded to lower case), the rest separators:
# ASCII characters move to the private-use code points U+E000..U+E07F, and a character already
# in U+E000..U+E080 is written after U+E080 (an escape), so that distinct grams stay distinct.
_TOKEN = {i: chr(0xE000 + i) for i in range(128)} | {
    i: "\ue080" + chr(i) for i in range(0xE000, 0xE081)
}


def gram_token(gram: str) -> str:
    return gram.translate(_TOKEN)


def pairs(value: str) -> map[str]:
    """The two-character grams of ``value``."""
    return map(operator.add, value, value[1:])


def gram_text(name: str, initials: str) -> str:
    """A document's row of ``enterprise_gram``: its short grams as tokens, in a fixed order
    (the same text deletes it again: a contentless table is told what it held)."""
    lower_name, lower_initials = name.lower(), initials.lower()
    if lower_initials.isascii() and _PLAIN_NAME.fullmatch(lower_name):
        # The common document (a Chinese name, ASCII initials), ~3x faster: the name's grams
        # are their own tokens; the initials, translated whole (one character each), give
        # their grams' tokens in the grams' order; and every ASCII gram sorts before the name's.
        ascii_tokens = _grams(lower_initials.translate(_TOKEN))
        ascii_tokens.discard(_SPACE)
        return " ".join(sorted(ascii_tokens) + sorted(_grams(lower_name)))
    return " ".join([g.translate(_TOKEN) for g in sorted(short_grams(name, initials))])


_PLAIN_NAME = re.compile("[^\x00-\x7f\ue000-\ue080]*")  # no character _TOKEN changes
_SPACE = " ".translate(_TOKEN)


def _grams(value: str) -> set[str]:
    grams = set(value)
    grams.update(pairs(value))
    return grams


def update(connection: Connection, docs: Iterable[IndexDoc], fresh: bool = False) -> None:
    """(Re)index ``docs``; ``fresh`` says they were never indexed, so nothing to remove first."""
    docs = list(docs)
    if not docs:
        return
    if not fresh:
        _remove(connection, [docid(d.id) for d in docs])
    insert_rows(connection, [doc_rows(d) for d in docs if d.live])


DocRows = tuple[int, tuple[str, str, str, str, str], str]


def doc_rows(doc: IndexDoc) -> DocRows:
    """A live document's docid, its FTS row's values after the rowid, and its grams' text: pure
    work, which a pull does for the next page while this one is written."""
    return hex_doc_rows(doc.id.hex, doc.name, doc.pinyin, doc.initials, doc.phone)


def hex_doc_rows(hex_id: str, name: str, pinyin: str, initials: str, phone: str) -> DocRows:
    """``doc_rows`` of a live document whose id is given as SQLite stores it (32 lower-case
    hex digits): no UUID object made (a pull's read-ahead)."""
    name = to_halfwidth(name)  # as the query is (（绍兴） and (绍兴) find each other)
    fts = (hex_id, name, pinyin, initials, digits_only(phone))
    return _docid(bytes.fromhex(hex_id)), fts, gram_text(name, initials)


def insert_rows(connection: Connection, rows: list[DocRows]) -> None:
    """Index documents never indexed (``doc_rows`` of each)."""
    if not rows:
        return
    # In ascending rowid order: FTS5 writes its pending terms out as a new segment whenever a
    # rowid lower than the last one comes (docids are hashes, so about every other document
    # of a pulled page, and the merges after); in order, a page is one segment (2.5x faster).
    rows = sorted(rows, key=lambda r: r[0])
    connection.exec_driver_sql(
        "INSERT INTO enterprise_fts (rowid, eid, name, pinyin, initials, phone) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(n, *fts) for n, fts, _grams in rows],
    )
    connection.exec_driver_sql(
        "INSERT INTO enterprise_gram (rowid, grams) VALUES (?, ?)",
        [(n, grams) for n, _fts, grams in rows],
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
            text(
                "INSERT INTO enterprise_gram (enterprise_gram, rowid, grams) "
                "VALUES ('delete', :d, :g)"
            ),
            {"g": gram_text(old[0], old[1]), "d": d},
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

    ``query`` is already lower-cased and trimmed.  Digits search the phone and the name (4399
    网络科技), not the pinyin and initials; credit-code prefixes are the service's B-tree
    lookup.
    Words apart (崧厦 伞业) must each be found, in any order.
    """
    join, params = (scope or Scope()).sql()
    words = query.split()
    rows: Sequence[tuple[str, str, str, str]]
    if len(words) > 1:
        rows = _all_words(connection, words, limit, join, params)
    elif len(query) >= 3:
        columns = "{name phone}" if query.isdigit() else "{name pinyin initials}"
        # FTS5 takes MATCH on its own table name, not an alias
        sql = (
            "SELECT enterprise_fts.eid, enterprise_fts.name, enterprise_fts.pinyin, "
            "enterprise_fts.initials FROM enterprise_fts" + join
        )
        sql += (" AND " if join else " WHERE ") + "enterprise_fts MATCH :q LIMIT :n"
        rows = connection.execute(
            text(sql), {**params, "q": f"{columns} : {_fts_phrase(query)}", "n": limit}
        ).all()
    elif query:
        sql = (
            "SELECT enterprise_fts.eid, enterprise_fts.name, enterprise_fts.pinyin, "
            "enterprise_fts.initials FROM enterprise_gram "
            "JOIN enterprise_fts ON enterprise_fts.rowid = enterprise_gram.rowid"
        )
        sql += join.replace(" WHERE ", " AND ", 1) if join else ""
        sql += " WHERE enterprise_gram MATCH :q LIMIT :n"
        token = '"' + gram_token(query) + '"'  # no ASCII in it: no quote to escape
        rows = connection.execute(text(sql), {**params, "q": token, "n": limit}).all()
    else:
        rows = []
    return [Hit(uuid.UUID(hex=r[0]), r[1], r[2], r[3]) for r in rows]


def _all_words(
    connection: Connection, words: list[str], limit: int, join: str, params: dict[str, object]
) -> Sequence[tuple[str, str, str, str]]:
    """Documents holding every word: words of 3+ characters in the trigram index (their
    phrases ANDed), shorter ones in the gram index (their tokens ANDed), both when mixed."""
    long = [w for w in words if len(w) >= 3]
    short = [w for w in words if len(w) < 3]
    where: list[str] = []
    if long:
        where.append("enterprise_fts MATCH :q")
        params = params | {"q": " AND ".join(
            f"{'{name phone}' if w.isdigit() else '{name pinyin initials}'} : {_fts_phrase(w)}"
            for w in long
        )}  # fmt: skip
    source = "enterprise_fts"
    if short:
        source = (
            "enterprise_gram JOIN enterprise_fts ON enterprise_fts.rowid = enterprise_gram.rowid"
        )
        where.append("enterprise_gram MATCH :g")
        params = params | {"g": " AND ".join('"' + gram_token(w) + '"' for w in short)}
    sql = (
        "SELECT enterprise_fts.eid, enterprise_fts.name, enterprise_fts.pinyin, "
        "enterprise_fts.initials FROM " + source + join
    )
    sql += (" AND " if join else " WHERE ") + " AND ".join(where) + " LIMIT :n"
    return connection.execute(text(sql), params | {"n": limit}).all()


def rebuild(connection: Connection, docs: Iterable[IndexDoc]) -> None:
    connection.execute(text("DELETE FROM enterprise_fts"))
    connection.execute(text("INSERT INTO enterprise_gram (enterprise_gram) VALUES ('delete-all')"))
    update(connection, docs, fresh=True)
