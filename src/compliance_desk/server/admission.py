"""What the server asks of a pushed operation besides the merge: is it in the device's scope,
and does a document number it carries come from the device's lease.

Called inside the operation's savepoint after the merge, so a refusal (a ``DomainError``)
undoes the operation and nothing else; the device gets the reason.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection

from compliance_desk.domain.errors import DomainError
from compliance_desk.server import leases
from compliance_desk.sync import scope
from compliance_desk.sync.merge import Op, Outcome
from compliance_desk.sync.policy import TablePolicy, policy

NUMBERED = ("document_number", "letter")  # tables whose rows leases.check_pushed checks


def plain(raw: Any, kind: str) -> TablePolicy | None:
    """The table's policy when ``raw`` is an operation of ``kind`` on a synced table without a
    workflow command or a number's lease (checked operation by operation): a candidate for the
    server's bulk paths (server/bulk.py, server/bulk_updates.py); else None."""
    if not isinstance(raw, dict) or raw.get("kind") != kind:
        return None
    table = str(raw.get("table"))
    if table in NUMBERED:
        return None
    pol = policy(table)
    return pol if pol.synced and pol.command is None else None


class OutOfScope(DomainError):
    """A device of one centre changed (or tried to reach) another centre's data."""


def before(connection: Connection, centre_id: uuid.UUID | None, op: Op) -> uuid.UUID | None:
    """The centre of the row an update or delete aims at, as it is before the operation."""
    if centre_id is None or op.kind == "insert":
        return None
    return scope.centres(connection, op.table, [op.row_id]).get(op.row_id)


def check(
    connection: Connection,
    device_id: uuid.UUID,
    centre_id: uuid.UUID | None,
    op: Op,
    outcome: Outcome,
    was: uuid.UUID | None,
) -> None:
    if centre_id is not None:
        strangers = scope.outside(connection, centre_id, [(op.table, op.row_id), *outcome.touched])
        if was is not None and was != centre_id:
            strangers.append((op.table, op.row_id, was))
        if strangers:
            table, row_id, other = strangers[0]
            raise OutOfScope(
                "该记录属于其他中心，本设备只能同步本中心的数据，服务器未采用",
                f"{table} {row_id} belongs to centre {other}, device scoped to {centre_id}",
            )
    if outcome.status == "applied":
        leases.check_pushed(connection, device_id, op)
