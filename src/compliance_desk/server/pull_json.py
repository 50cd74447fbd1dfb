"""A pull page written by PostgreSQL: the JSON of the changes, made in one statement.

The same page as ``pull.pull`` builds in Python (the entries after the cursor, each row once
at its first place, the current row), but PostgreSQL writes the JSON text and the server
passes it on as bytes: no Python object per row or per value.  The text decodes to exactly
what ``sync.codec.encode_row`` gives (tests/test_sync_pull_page.py compares them on rows with
every column type):

- uuid, text, integers, booleans, null, dates (ISO, as ``row_to_json`` writes them), JSON
  columns (their stored JSON, embedded);
- timestamps with zone: UTC, ``YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`` as Python's
  ``isoformat`` writes them (microseconds in six digits, left out when zero), by ``to_char``:
  ``row_to_json`` would write the session's zone and trim trailing zeros.

One change a line (the array's elements joined by ",\n": still one JSON value for any client),
so that a client may parse a large page in pieces (sync/pull_wire.py) rather than in one call
that holds the interpreter's lock for tens of milliseconds.

Only the columns this server's schema declares are written (a column the database has and the
metadata does not stays out of the page, as ``select(tbl)`` leaves it out).

The stored form (``stored=True``, asked for by ``form=stored``: sync/pull_stored.py) writes each
change as ``[seq, table, [values]]``, the values in the table's column order and in the text
SQLite holds for them (ids as 32 hex digits, timestamps ``YYYY-MM-DD HH:MM:SS.ffffff`` in UTC,
dates ISO, booleans 1/0; every other column as above), and the column names once per table.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, Table

from compliance_desk.persistence.models import Base, UtcDateTime
from compliance_desk.sync import pull_stored


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column(tbl: Table, name: str) -> str:
    column = tbl.c[name]
    ref = "t." + _quote(name)
    if isinstance(column.type, UtcDateTime):
        # with six digits of fraction, which a whole second leaves out (the only '.' in it):
        # one to_char, not a comparison of the value truncated and a to_char in a CASE
        utc = f"({ref} AT TIME ZONE 'UTC')"
        return f"""replace(to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'), '.000000+', '+')"""
    return ref


def _stored(tbl: Table, name: str) -> str:
    """A column's value as SQLite stores it (pull_stored.kind), or as ``_column`` writes it."""
    ref = "t." + _quote(name)
    kind = pull_stored.kind(tbl.c[name])
    if kind == "hex":
        return f"replace({ref}::text, '-', '')"  # PostgreSQL writes a uuid in lower case
    if kind == "stamp":
        return f"to_char({ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
    if kind == "date":
        return f"to_char({ref}, 'YYYY-MM-DD')"
    if kind == "bool":
        return f"{ref}::int"
    return _column(tbl, name)


WIDEST = 100  # json_build_array's most arguments: a wider table is sent in today's form


def _stored_json(tbl: Table) -> str:
    """The expression of a change in the stored form."""
    values = ", ".join(_stored(tbl, c.name) for c in tbl.columns)
    return f"json_build_array(f.seq, f.table_name, json_build_array({values}))"


def _row_json(tbl: Table) -> str:
    """The SELECT list of a subquery whose ``row_to_json`` is the row's wire form."""
    return ", ".join(f"{_column(tbl, c.name)} AS {_quote(c.name)}" for c in tbl.columns)


def _entries(centre_id: uuid.UUID | None, upto: bool = False) -> str:
    """The change-log entries after the cursor, at most limit + 1 (as pull.changes_query);
    ``upto``: none after %(last)s either (the page's second statement, see pull_page)."""
    bound = "seq > %(after)s" + (" AND seq <= %(last)s" if upto else "")
    if centre_id is None:
        return (
            f"SELECT seq, table_name, row_id FROM sync_change WHERE {bound} "
            "ORDER BY seq LIMIT %(more)s"
        )
    walk = (
        "(SELECT seq, table_name, row_id FROM sync_change WHERE {match} AND "
        + bound
        + " ORDER BY seq LIMIT %(more)s)"
    )
    both = " UNION ALL ".join(
        (walk.format(match="centre_id = %(centre)s"), walk.format(match="centre_id IS NULL"))
    )
    return f"SELECT seq, table_name, row_id FROM ({both}) w ORDER BY seq LIMIT %(more)s"


def _prelude(centre_id: uuid.UUID | None, upto: bool = False) -> str:
    return (
        f"WITH e AS ({_entries(centre_id, upto)}), "
        "p AS (SELECT seq, table_name, row_id FROM e ORDER BY seq LIMIT %(limit)s), "
        "f AS (SELECT table_name, row_id, min(seq) AS seq FROM p GROUP BY table_name, row_id) "
    )


def pull_page(
    connection: Connection,
    after: int,
    limit: int,
    centre_id: uuid.UUID | None = None,
    stored: bool = False,
) -> tuple[bytes, int, bool, dict[str, list[str]] | None]:
    """(the JSON array of the page's changes, the page's last seq, whether more follow, the
    column names of each table the page holds when it is in the stored form, else None)."""
    raw: Any = connection.connection.dbapi_connection
    params: dict[str, Any] = {"after": after, "limit": limit, "more": limit + 1,
                              "centre": centre_id}  # fmt: skip
    prelude = _prelude(centre_id)
    if stored and any(len(t.columns) > WIDEST for t in Base.metadata.tables.values()):
        stored = False  # none is (27 at most); the page says which form it is (server/pull.py)
    with raw.cursor() as cursor:
        cursor.execute(
            prelude + "SELECT (SELECT count(*) FROM e), (SELECT max(seq) FROM p), "
            "(SELECT array_agg(DISTINCT table_name) FROM p)",
            params,
        )
        total, last, tables = cursor.fetchone()
        columns: dict[str, list[str]] | None = {} if stored else None
        if not total:
            return b"[]", after, False, columns
        branches = []
        for name in sorted(tables or ()):
            tbl = Base.metadata.tables.get(name)
            if tbl is None:
                continue  # not a table of this server's schema (the log names only its own)
            literal = name.replace("'", "''")
            if columns is not None:
                columns[name] = [c.name for c in tbl.columns]
                branches.append(
                    f"SELECT f.seq, {_stored_json(tbl)} AS c FROM f "
                    f"JOIN {_quote(name)} t ON t.id = f.row_id WHERE f.table_name = '{literal}'"
                )
                continue
            branches.append(
                "SELECT f.seq, json_build_object('seq', f.seq, 'table', f.table_name, "
                "'id', x.id, 'row', row_to_json(x)) AS c FROM f "
                f"JOIN (SELECT {_row_json(tbl)} FROM {_quote(name)} t) x ON x.id = f.row_id "
                f"WHERE f.table_name = '{literal}'"
            )
        body = b""
        if branches:
            # A second statement sees changes committed since the first (READ COMMITTED): it
            # stops at the first's last seq, so the page holds exactly the entries counted
            # and only rows of the tables listed (a child never without its parent's table).
            params["last"] = last
            # The page's ~10 MB of JSON sorted by seq in memory, not in temporary files (the
            # default 4 MB of work_mem spilled it), for this transaction only.
            cursor.execute("SET LOCAL work_mem = '64MB'")
            cursor.execute(
                _prelude(centre_id, upto=True)
                + "SELECT string_agg(c::text, E',\\n' ORDER BY seq) FROM ("
                + " UNION ALL ".join(branches)
                + ") r",
                params,
            )
            text = cursor.fetchone()[0]
            body = (text or "").encode("utf-8")
    changes = b"[\n" + body + b"\n]" if body else b"[]"
    return changes, int(last), int(total) > limit, columns
