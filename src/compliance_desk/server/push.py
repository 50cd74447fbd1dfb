"""A push: a batch of operations applied in one PostgreSQL transaction, each on its own.

Each operation first claims its id in ``sync_operation`` (INSERT .. ON CONFLICT DO NOTHING,
which waits for a concurrent claim of the same id to commit or roll back).  An id already
claimed is a replay: the stored result comes back unchanged, and a different payload under
that id is refused (rule 6).  The merge itself runs in a savepoint, so one rejected
operation leaves no trace and does not stop the others (rule 9).  The changed rows enter the
change log at commit, numbered under the counter's lock (sync/capture.py, rule 7).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import null, select, update
from sqlalchemy.exc import IntegrityError, OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from compliance_desk.domain.errors import DomainError
from compliance_desk.persistence.dialect import insert_for
from compliance_desk.persistence.sync_models import SyncDevice, SyncOperation
from compliance_desk.server import admission, bulk, log_text, operations, push_order
from compliance_desk.sync import capture, merge, protocol

log = logging.getLogger("compliance_desk.server")

Hook = Callable[[], None]


def push(
    factory: sessionmaker[Session],
    device_id: uuid.UUID,
    ops: list[dict[str, Any]],
    now: datetime,
    before_commit: Hook | None = None,
    order: tuple[uuid.UUID | None, uuid.UUID | None] = (None, None),
) -> list[dict[str, Any]]:
    """``order``: the page's token and the one before's (server/push_order.py); a page whose
    page before did not commit raises push_order.OutOfOrder, nothing of it applied."""
    for attempt in range(3):
        try:
            with factory() as session:
                push_order.take(session, device_id, *order, now)
                session.info[capture.APPLYING] = True
                device = session.get(SyncDevice, device_id)
                centre_id = device.centre_id if device is not None else None

                def one(
                    s: Session, d: uuid.UUID, op: Any, at: datetime, c: Any = centre_id
                ) -> dict[str, Any]:
                    return _one(s, d, c, op, at)

                # Runs of plain inserts in bulk (server/bulk.py), a centre's device's checked
                # against its scope as a whole (server/bulk_scope.py).
                results = bulk.apply(session, device_id, ops, now, one, centre_id)
                capture.settle(session)  # numbered; the counter is locked until the commit
                if before_commit is not None:
                    before_commit()
                session.commit()
                return results
        except OperationalError as exc:  # a deadlock between two pushes: try again
            if "deadlock" not in str(exc.orig).lower() or attempt == 2:
                raise
            log.warning("push from %s deadlocked, retrying", device_id)
            time.sleep(0.05 * (attempt + 1))
    raise AssertionError("unreachable")


def _one(
    session: Session,
    device_id: uuid.UUID,
    centre_id: uuid.UUID | None,
    raw: dict[str, Any],
    now: datetime,
) -> dict[str, Any]:
    connection = session.connection()
    try:
        op = merge.parse(raw, device_id)
    except merge.BadOperation as exc:
        return {"op_id": str(raw.get("id")), "status": "rejected",
                "reason_zh": "操作格式不正确，服务器未处理", "reason_en": str(exc),
                "conflict": None}  # fmt: skip
    try:
        digest = protocol.fingerprint(raw)
    except ValueError as exc:  # a lone surrogate ("\ud800" is JSON, not UTF-8): no fingerprint
        log.info("operation %s rejected: text without UTF-8: %s", op.id, exc)
        return {"op_id": str(op.id), "status": "rejected",
                "reason_zh": "操作中含有无法保存的字符，服务器未处理",
                "reason_en": f"text that has no UTF-8 form: {exc}"[:500], "conflict": None}  # fmt: skip
    claimed = connection.execute(
        insert_for(connection)(SyncOperation)
        .values(
            op_id=op.id,
            device_id=device_id,
            payload_hash=digest,
            result=null(),  # "applied" (server/operations.py); anything else is written below
            received_at=now,
        )  # fmt: skip
        .on_conflict_do_nothing(index_elements=[SyncOperation.op_id])
        .returning(SyncOperation.op_id)
    ).first()
    if claimed is None:
        stored = connection.execute(
            select(SyncOperation.payload_hash, SyncOperation.result).where(
                SyncOperation.op_id == op.id
            )
        ).one()
        return operations.answer_replay(op.id, digest, stored)
    try:
        with session.begin_nested():
            # The savepoint is only emitted when the nested transaction's connection is asked
            # for: the connection taken before would run this outside it, and a failed statement
            # (a missing parent row) would abort the whole push instead of this operation.
            connection = session.connection()
            was = admission.before(connection, centre_id, op)
            outcome = merge.apply_op(connection, op, now)
            admission.check(connection, device_id, centre_id, op, outcome, was)
    except (
        merge.BadOperation,
        DomainError,
        IntegrityError,
        StatementError,  # DBAPIError, and a value the driver's processors refuse
        ValueError,
        KeyError,
    ) as exc:
        if isinstance(exc, OperationalError) and "deadlock" in str(exc.orig).lower():
            raise
        log.info("operation %s rejected: %s", op.id, log_text.safe(exc))
        reason = getattr(exc, "message_zh", None) or "数据与服务器上的记录不相容，服务器未采用"
        outcome = merge.Outcome("rejected", reason, f"{type(exc).__name__}: {exc}"[:500])
    for table, row_id in outcome.touched:
        capture.note_change(session, table, row_id, op.id)
    result = outcome.as_result(op.id)
    if result != operations.applied(op.id):  # applied: the claim's NULL says it
        connection.execute(
            update(SyncOperation).where(SyncOperation.op_id == op.id).values(result=result)
        )
    return result
