"""A pull: the changes after a cursor, in server sequence order, with the rows as they are now.

A row changed several times in one batch is sent once, at its first place (a parent created
before its child stays before it); its content is the latest.  Sending the current row rather
than the one at that sequence number is safe: any later change has a later number and is sent
again, so a replica that applies batches in order ends with the server's rows.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Any

import orjson
from sqlalchemy import Select, select, union_all
from sqlalchemy.orm import Session

from compliance_desk.persistence.sync_models import SyncChange
from compliance_desk.server import pull_json
from compliance_desk.sync import codec, pull_stored


def changes_query(
    after: int, limit: int, centre_id: uuid.UUID | None = None
) -> Select[int, str, uuid.UUID]:
    """The change-log entries after ``after``, at most ``limit + 1``.  ``centre_id``: those of
    that centre and the shared ones (sync/scope.py); None: every entry."""
    columns = (SyncChange.seq, SyncChange.table_name, SyncChange.row_id)
    if centre_id is None:
        return (
            select(*columns).where(SyncChange.seq > after).order_by(SyncChange.seq).limit(limit + 1)
        )

    # Two walks of the index (centre_id, seq), each stopping after limit + 1 entries, merged:
    # the cost follows the changes sent, not the size of the log (no OR over the index).
    def walk(match: Any) -> Select[int, str, uuid.UUID]:
        return (
            select(*columns)
            .where(match, SyncChange.seq > after)
            .order_by(SyncChange.seq)
            .limit(limit + 1)
        )

    both = union_all(
        walk(SyncChange.centre_id == centre_id), walk(SyncChange.centre_id.is_(None))
    ).subquery()
    return (
        select(both.c.seq, both.c.table_name, both.c.row_id).order_by(both.c.seq).limit(limit + 1)
    )


def pending(session: Session, after: int, centre_id: uuid.UUID | None = None) -> bool:
    """Whether a pull after ``after`` would bring anything (one index probe)."""
    return session.execute(changes_query(after, 0, centre_id)).first() is not None


def pull(
    session: Session, after: int, limit: int, centre_id: uuid.UUID | None = None
) -> dict[str, Any]:
    entries = session.execute(changes_query(after, limit, centre_id)).all()
    more = len(entries) > limit
    entries = entries[:limit]
    first: dict[tuple[str, uuid.UUID], int] = {}
    for seq, table, row_id in entries:
        first.setdefault((table, row_id), seq)
    by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
    for table, row_id in first:
        by_table[table].append(row_id)
    rows: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
    for table in by_table:
        # The ids are those the page's range of the log holds for this table: asked by the
        # range (one short statement) rather than as a list of up to a page of parameters.
        tbl = codec.table(table)
        logged = select(SyncChange.row_id).where(
            SyncChange.seq >= entries[0][0],
            SyncChange.seq <= entries[-1][0],
            SyncChange.table_name == table,
        )
        for r in session.execute(select(tbl).where(tbl.c.id.in_(logged))).mappings():
            rows[(table, r["id"])] = codec.encode_row(tbl, dict(r))
    changes = [
        {"seq": seq, "table": table, "id": str(row_id), "row": rows[(table, row_id)]}
        for (table, row_id), seq in sorted(first.items(), key=lambda kv: kv[1])
        if (table, row_id) in rows
    ]
    last = entries[-1][0] if entries else after
    return {"changes": changes, "last_seq": int(last), "more": more}


def page(
    session: Session,
    after: int,
    limit: int,
    centre_id: uuid.UUID | None = None,
    form: str | None = None,
) -> dict[str, Any]:
    """The page ``pull`` makes; on PostgreSQL written by the database (server/pull_json.py)
    and passed on as JSON text (``changes`` an ``orjson.Fragment``).

    ``form``: the page form the client asked for (the ``form`` query parameter).  ``stored``
    (sync/pull_stored.py) is written by PostgreSQL only, and said so in the answer (``form``,
    ``columns``); any other value, or none, or another database: today's form, unchanged."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return pull(session, after, limit, centre_id)
    changes, last, more, columns = pull_json.pull_page(
        connection, after, limit, centre_id, form == pull_stored.STORED
    )
    answer: dict[str, Any] = {"changes": orjson.Fragment(changes), "last_seq": last, "more": more}
    if columns is not None:
        answer["form"] = pull_stored.STORED
        answer["columns"] = columns
    return answer
