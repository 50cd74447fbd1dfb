"""A bulk run's scope check, for a device enrolled for one centre (server/bulk.py).

One by one, each operation's rows are judged by ``admission.check`` after its merge: a row
that belongs to another centre refuses the operation.  A run of plain inserts is judged as a
whole once its rows are written, one statement per table (``scope.centre_sql``, the rules of
``scope.centres`` in SQL): if any row of the run belongs to another centre the run is rolled
back and halved, down to the one-by-one path, which refuses exactly those operations with
their reason.  So an inspector's laptop pushes its backlog at the bulk path's speed, and the
outcome is the one the one-by-one path gives.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Connection

from compliance_desk.sync import codec, scope


def strangers(connection: Connection, centre_id: uuid.UUID, by_table: dict[str, list[str]]) -> bool:
    """Whether a row among ``by_table`` (table -> ids as text, written in this transaction)
    belongs to a centre other than ``centre_id`` (rows of no centre are everyone's)."""
    with scope.by_primary_key(connection):
        for table, ids in by_table.items():
            codec.table(table)  # a synced table's name: it goes into the statement's text
            other = connection.exec_driver_sql(
                f"SELECT 1 FROM unnest(%(ids)s::uuid[]) AS u(r) "
                f"WHERE {scope.centre_sql(table, 'u.r')} <> %(centre)s LIMIT 1",
                {"ids": "{" + ",".join(ids) + "}", "centre": centre_id},
            ).first()
            if other is not None:
                return True
    return False
