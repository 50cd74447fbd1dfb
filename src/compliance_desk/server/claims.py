"""A run's operation ids claimed at once (server/bulk.py, server/bulk_updates.py): a few
statements for thousands of ids, their result NULL ("applied", server/operations.py)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.exc import DBAPIError

from compliance_desk.persistence.dialect import among, insert_for
from compliance_desk.persistence.sync_models import SyncOperation


def claim(
    connection: Connection,
    device_id: uuid.UUID,
    keys: list[str],
    digests: list[str],
    now: datetime,
) -> set[str]:
    """Claim the run's ids (``keys``: str(op.id)) as applied (a NULL result: see
    server/operations.py); returns those claimed, as keys (the others were claimed before:
    replays).  On PostgreSQL the ids claimed already are looked up in one statement and the
    others inserted by one INSERT .. SELECT from arrays, without ON CONFLICT (its speculative
    insertion cost PostgreSQL twice as much CPU as the look-up and a plain insert): an id
    that another push claims at the same time makes the insert fail, and the run goes the
    one-by-one way, which waits for that claim and answers as a replay (rule 6).

    Most runs claim only new ids: they are first inserted without the look-up, in a
    savepoint; an id claimed before (a page sent again after its answer was lost) fails that
    insert, and the run then claims as above."""
    if connection.dialect.name == "postgresql":
        if keys and _inserted(connection, device_id, keys, digests, now):
            return set(keys)
        taken = {
            r[0]
            for r in connection.exec_driver_sql(
                "SELECT op_id::text FROM sync_operation "
                "WHERE op_id IN (SELECT unnest(%(ids)s::uuid[]))",
                {"ids": "{" + ",".join(keys) + "}"},
            ).all()
        }
        pairs = [(k, d) for k, d in zip(keys, digests, strict=True) if k not in taken]
        if pairs:
            new, sums = [k for k, _d in pairs], [d for _k, d in pairs]
            connection.exec_driver_sql(_INSERT, _params(device_id, new, sums, now))
        return {k for k, _d in pairs}
    claim = (
        insert_for(connection)(SyncOperation)
        .on_conflict_do_nothing(index_elements=[SyncOperation.op_id])
        .returning(SyncOperation.op_id)
    )
    rows = [
        {"op_id": uuid.UUID(key), "device_id": device_id, "payload_hash": digest,
         "result": None, "received_at": now}
        for key, digest in zip(keys, digests, strict=True)
    ]  # fmt: skip
    return {str(i) for i in connection.execute(claim, rows).scalars()}


def _inserted(
    connection: Connection, device_id: uuid.UUID, keys: list[str], digests: list[str], now: datetime
) -> bool:
    """The ids claimed by ``_INSERT`` in a savepoint; False, the savepoint undone, when one of
    them was claimed before."""
    import psycopg

    raw: Any = connection.connection.dbapi_connection
    if raw.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS:
        return False  # not inside the push's transaction: psycopg's would commit on its own
    try:
        with raw.transaction(), raw.cursor() as cursor:
            cursor.execute(_INSERT, _params(device_id, keys, digests, now))
    except psycopg.errors.UniqueViolation:
        return False
    except psycopg.Error as exc:  # as SQLAlchemy's own statements raise it (sets.copy_text)
        raise DBAPIError.instance(_INSERT, None, exc, psycopg.Error) from exc
    return True


_INSERT = (
    "INSERT INTO sync_operation (op_id, device_id, payload_hash, result, received_at) "
    "SELECT u.op_id, %(device)s, u.digest, NULL, %(now)s "
    "FROM unnest(%(ids)s::uuid[], %(digests)s::text[]) AS u(op_id, digest)"
)


def _params(device_id: uuid.UUID, keys: list[str], digests: list[str], now: datetime) -> Any:
    return {"device": device_id, "now": now,
            # array literals: the driver's array adapter costs microseconds per element
            "ids": "{" + ",".join(keys) + "}", "digests": "{" + ",".join(digests) + "}"}  # fmt: skip


def records(connection: Connection, op_ids: list[uuid.UUID]) -> dict[str, Any]:
    """The records (op_id, payload_hash, result) of ids claimed before, by id as text: what
    their replays are answered from (operations.answer_replay)."""
    return {
        str(r.op_id): r
        for r in connection.execute(
            select(SyncOperation.op_id, SyncOperation.payload_hash, SyncOperation.result)
            .where(among(connection, SyncOperation.op_id, op_ids))
        )
    }  # fmt: skip
