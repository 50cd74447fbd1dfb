"""Set-based reads and writes shared by the server's bulk push and the replica's bulk pull.

Each answers for a whole page in a statement or two per table, and gives the same answer as
the one-row question the per-operation path asks (merge._natural_key_twin, merge._insert's
"present already"), so a row goes the fast way only when the slow way would have done the
same with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import JSON, Connection, Table, and_, insert, select
from sqlalchemy.exc import DBAPIError

from compliance_desk.persistence.dialect import among
from compliance_desk.sync import codec

CHUNK = 5000  # ids per statement (SQLite's limit on parameters is 32,766)


def present(
    connection: Connection, by_table: Mapping[str, Sequence[uuid.UUID]]
) -> set[tuple[str, uuid.UUID]]:
    """Which of these rows the database holds, one statement per table (and CHUNK ids)."""
    found: set[tuple[str, uuid.UUID]] = set()
    for table, ids in by_table.items():
        tbl = codec.table(table)
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            query = select(tbl.c.id).where(among(connection, tbl.c.id, chunk))
            found.update((table, i) for i in connection.execute(query).scalars().all())
    return found


def present_text(
    connection: Connection, by_table: Mapping[str, Sequence[str]]
) -> set[tuple[str, str]]:
    """``present`` for ids in canonical text (str(uuid)), answered in that text: on PostgreSQL
    one array literal per table and CHUNK ids, no UUID object per id."""
    if connection.dialect.name != "postgresql":
        found = present(connection, {t: [uuid.UUID(i) for i in ids] for t, ids in by_table.items()})
        return {(t, str(i)) for t, i in found}
    out: set[tuple[str, str]] = set()
    for table, ids in by_table.items():
        codec.table(table)  # a table's name goes into the statement: known tables only
        for start in range(0, len(ids), CHUNK):
            literal = "{" + ",".join(ids[start : start + CHUNK]) + "}"
            query = f'SELECT id::text FROM "{table}" WHERE id IN (SELECT unnest(%(ids)s::uuid[]))'
            rows = connection.exec_driver_sql(query, {"ids": literal}).all()
            out.update((table, r[0]) for r in rows)
    return out


def natural_key_twins(
    connection: Connection,
    tbl: Table,
    key: Sequence[str],
    rows: Sequence[tuple[uuid.UUID, Mapping[str, Any]]],
) -> dict[uuid.UUID, uuid.UUID]:
    """For live new rows (id, decoded row): the live row of another id holding the same natural
    key, if any, as inserting them one after the other would find it (of two rows of ``rows``
    with one key, the second's twin is the first)."""
    twins: dict[uuid.UUID, uuid.UUID] = {}
    by_value: dict[tuple[Any, ...], uuid.UUID] = {}
    for row_id, row in rows:
        value = tuple(row.get(k) for k in key)
        other = by_value.setdefault(value, row_id)
        if other != row_id:
            twins[row_id] = other
    if len(key) == 1 and all(v[0] is not None for v in by_value):
        values = [v[0] for v in by_value]
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            query = select(tbl.c.id, tbl.c[key[0]]).where(
                among(connection, tbl.c[key[0]], chunk), tbl.c.deleted_at.is_(None)
            )
            for found_id, value in connection.execute(query).all():
                mine = by_value.get((value,))
                if mine is not None and mine != found_id:
                    twins.setdefault(mine, found_id)
    else:  # a key of several columns, or a missing value (= NULL matches NULL): row by row
        for value, row_id in by_value.items():
            match = and_(*(tbl.c[k] == v for k, v in zip(key, value, strict=True)))
            found = connection.execute(
                select(tbl.c.id).where(match, tbl.c.deleted_at.is_(None), tbl.c.id != row_id)
            ).first()
            if found is not None:
                twins.setdefault(row_id, found[0])
    return twins


class JsonText(str):
    """A JSON column's value already written as JSON text (COPYed as it is)."""


def insert_rows(
    connection: Connection, tbl: Table, rows: Sequence[dict[str, Any]], as_text: bool = False
) -> None:
    """New rows, decoded (codec.decode_row).  On PostgreSQL rows that name every column go in
    by COPY (the database's own bulk load: no statement per row to bind and parse); the rest,
    and SQLite, by one executemany per set of columns (an older client may send fewer, and
    the columns' Python defaults fill them).  ``as_text``: the rows may hold timestamps,
    dates and JSON as their text (the server's bulk push, server/bulk.py): COPY takes them
    so, a statement gets them decoded."""
    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(frozenset(row), []).append(row)
    every = frozenset(c.name for c in tbl.columns)
    for columns, group in groups.items():
        if connection.dialect.name == "postgresql" and columns == every:
            _copy(connection, tbl, group)
        else:
            connection.execute(insert(tbl), [_decoded(tbl, r) for r in group] if as_text else group)


def _decoded(tbl: Table, row: dict[str, Any]) -> dict[str, Any]:
    out = codec.decode_row(tbl, row)
    for name, value in out.items():
        if type(value) is JsonText:
            out[name] = orjson.loads(str(value))  # orjson reads no str subclass
    return out


def _copy(connection: Connection, tbl: Table, rows: Sequence[dict[str, Any]]) -> None:
    import psycopg
    from psycopg.types.json import Json

    names = [c.name for c in tbl.columns]
    # A JSON column stores None as JSON null unless it says none_as_null (as SQLAlchemy does).
    json_columns = {
        c.name: bool(c.type.none_as_null) for c in tbl.columns if isinstance(c.type, JSON)
    }
    quoted = ", ".join(f'"{n}"' for n in names)
    raw: Any = connection.connection.dbapi_connection
    statement = f'COPY "{tbl.name}" ({quoted}) FROM STDIN'
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([_json(row[n], json_columns[n], Json) if n in json_columns
                                else row[n] for n in names])  # fmt: skip
    except psycopg.Error as exc:  # as SQLAlchemy's own statements raise it (IntegrityError, ..)
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def copy_text(connection: Connection, tbl: Table, data: bytes) -> None:
    """Rows already written as COPY text lines (every column, in the table's order: the
    server's bulk push, server/copy_text.line), COPYed as they are."""
    import psycopg

    quoted = ", ".join(f'"{c.name}"' for c in tbl.columns)
    raw: Any = connection.connection.dbapi_connection
    statement = f'COPY "{tbl.name}" ({quoted}) FROM STDIN'
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(data)
    except psycopg.Error as exc:  # as SQLAlchemy's own statements raise it (IntegrityError, ..)
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


def _json(value: Any, none_as_null: bool, wrap: Any) -> Any:
    if type(value) is JsonText:
        return str(value)
    return None if value is None and none_as_null else wrap(value)
