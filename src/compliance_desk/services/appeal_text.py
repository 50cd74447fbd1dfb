"""The appeal log's text filter on SQLite: ``local_appeal_text``, an FTS5 index of each
appeal's number, title and enterprise name, one character per token.

A trigram index cannot serve the one- and two-character words clerks type most (伞, 合同), and
``LIKE '%…%'`` reads a million rows; with every character a token, any substring is a phrase
query ("合 同"), served from the index whatever its length.

Rows are keyed by the appeal's own SQLite rowid, so the index's matches are a set of integers
the log probes directly (an appeal table scan checks each row against it for free).  Rowids
are stable except across a VACUUM, which this app never runs; ``consistent`` checks both ends
of the index against the appeals at start and ``reconcile`` rebuilds it if they disagree.  Rows
are written with the appeal's clock (appeal_clocks), so they follow the same transactions: a
step, a pulled timeline, an enterprise's new name, a reconcile.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Connection, Select, literal, literal_column, select, text

from compliance_desk.persistence.models import Appeal, Enterprise

TABLE = "local_appeal_text"
ROWID: Any = literal_column("appeal.rowid")
PROBED_ROWID: Any = literal_column("+appeal.rowid")


def spaced(value: str) -> str:
    """Letters and digits, lower-cased, one per token (punctuation and spaces dropped)."""
    return " ".join(ch for ch in value.lower() if ch.isalnum())


def phrase(query: str) -> str | None:
    """The FTS5 phrase for what the clerk typed, or None when it holds no letter or digit."""
    tokens = spaced(query)
    return f'"{tokens}"' if tokens else None


def rows_of(connection: Connection, appeal_ids: Sequence[uuid.UUID] | None) -> Select[Any]:
    """What the index and the clocks need of these appeals (all: None); the rowid on SQLite."""
    rowid = ROWID if connection.dialect.name == "sqlite" else literal(0)
    stmt = select(
        Appeal.id,
        rowid.label("rowid"),
        Appeal.number,
        Appeal.title,
        Enterprise.name,
        Enterprise.name_pinyin,
        Appeal.received_at,
    ).join(Enterprise, Enterprise.id == Appeal.enterprise_id)
    return stmt if appeal_ids is None else stmt.where(Appeal.id.in_(appeal_ids))


def row(found: Any) -> tuple[int, str, str, str]:
    """A ``rows_of`` row as the index's (rowid, number, title, enterprise name)."""
    return (found.rowid, found.number, found.title, found.name)


def write(connection: Connection, rows: Sequence[tuple[int, str, str, str]]) -> None:
    """(Re)index (rowid, number, title, enterprise name) rows; SQLite only."""
    if not rows or connection.dialect.name != "sqlite":
        return
    remove(connection, [r[0] for r in rows])
    _insert(connection, rows)


def _insert(connection: Connection, rows: Sequence[tuple[int, str, str, str]]) -> None:
    connection.execute(
        text(f"INSERT INTO {TABLE} (rowid, number, title, enterprise) VALUES (:d, :n, :t, :e)"),
        [{"d": d, "n": spaced(n), "t": spaced(t), "e": spaced(e)} for d, n, t, e in rows],
    )


def remove(connection: Connection, rowids: Iterable[int]) -> None:
    if connection.dialect.name != "sqlite":
        return
    params: list[dict[str, Any]] = [{"d": d} for d in rowids]
    if params:
        connection.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :d"), params)


def matching(query: str, probe: bool = False) -> Any:
    """The condition 'the appeal's number, title or enterprise name holds ``query``'.

    ``probe``: the matches are collected once into a list that each appeal's rowid is looked
    up in (SQLite's unary ``+`` keeps the rowid from driving the query): for a walk of the
    order's index, which then reads only the appeals it passes, none of the other matches."""
    found = phrase(query)
    if found is None:
        return literal(False)
    matched: Select[Any] = (
        select(literal_column("rowid"))
        .select_from(text(TABLE))
        .where(text(f"{TABLE} MATCH :text_query").bindparams(text_query=found))
    )
    return (PROBED_ROWID if probe else ROWID).in_(matched)


def matching_each(query: str) -> Any:
    """The same condition tested appeal by appeal (a rowid seek in the index's match list):
    for a word so common (伞) that collecting its matches first costs more than testing the
    rows a page or a small filter actually reads."""
    found = phrase(query)
    if found is None:
        return literal(False)
    return text(
        f"EXISTS (SELECT 1 FROM {TABLE} AS t WHERE t.{TABLE} MATCH :text_each"
        " AND t.rowid = appeal.rowid)"
    ).bindparams(text_each=found)


def common(connection: Connection, query: str, more_than: int) -> bool:
    """Does ``query`` match more than ``more_than`` appeals?  Reads no further than that."""
    return matches(connection, query, more_than + 1) > more_than


def matches(connection: Connection, query: str, up_to: int) -> int:
    """How many appeals ``query`` matches, counted no further than ``up_to`` (0 elsewhere
    than on SQLite)."""
    found = phrase(query)
    if found is None or connection.dialect.name != "sqlite":
        return 0
    counted = connection.execute(
        text(f"SELECT count(*) FROM (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :q LIMIT :n)"),
        {"q": found, "n": up_to},
    ).scalar_one()
    return int(counted)


def consistent(connection: Connection) -> bool:
    """The first and last twenty index rows still name the appeals at their rowids."""
    if connection.dialect.name != "sqlite":
        return True
    for order in ("ASC", "DESC"):
        rows = connection.execute(
            text(
                f"SELECT t.number, a.number FROM (SELECT rowid, number FROM {TABLE} "
                f"ORDER BY rowid {order} LIMIT 20) t LEFT JOIN appeal a ON a.rowid = t.rowid"
            )
        )
        if any(a is None or spaced(a) != t for t, a in rows):
            return False
    return True


def rebuild(connection: Connection) -> int:
    """The whole index again (after a VACUUM renumbered the appeals)."""
    if connection.dialect.name != "sqlite":
        return 0
    connection.execute(text(f"DELETE FROM {TABLE}"))
    rows = [row(r) for r in connection.execute(rows_of(connection, None))]
    for start in range(0, len(rows), 5000):
        _insert(connection, rows[start : start + 5000])
    return len(rows)
