"""Re-sending to a server restored from a backup (SYNC.md rule 10).

A restored server has lost what it committed after the backup: rows, the change log, and its
record of which operation ids it applied.  The replica keeps every operation the server
acknowledged (status ``done``, with when) for ``RETENTION``, instead of deleting it at once.
When the handshake shows a new server epoch, these go back to ``pending`` in their original
order and are pushed again with their original ids.  That is safe because pushes are
idempotent: an operation the restored server still has (from before the backup) gets its
stored answer back, one it lost is applied again, in the order it was first made.

The pull cursor goes back to where the new epoch's change log started (the handshake says
it): numbers above it were handed out again by the restored server, to other changes.

Why keep operations rather than re-derive them from the rows: an operation holds what a row
cannot (the base version of an edit, the command a workflow step was, who made it on which
device and when), so a replay is merged and judged exactly as the first time.  The cost is
the outbox's size, bounded by the retention, pruned by one indexed DELETE per sync.  A
backup older than the retention can no longer be completed from the devices; the
retention is set well beyond the interval at which the shared database is backed up.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from compliance_desk.persistence.sync_models import (
    CONFLICT_CLOSED,
    CONFLICT_RESOLVED,
    SyncConflict,
    SyncOutbox,
)
from compliance_desk.sync import replica

log = logging.getLogger("compliance_desk.sync")

RETENTION = timedelta(days=30)


def prune(session: Session, now: datetime) -> int:
    """Forget what the server acknowledged more than RETENTION ago (looked for first, so that
    a sync with nothing to do writes nothing here)."""
    # acked_at is set only with status "done" (and cleared when a restore queues them again):
    # the time alone reads the partial index on it; with the status SQLite chose the status
    # index and walked every retained row, 60 ms a handshake after a push of 100,000.
    old = (SyncOutbox.acked_at < now - RETENTION,)
    if session.scalar(select(SyncOutbox.id).where(*old).limit(1)) is None:
        return 0
    result = session.execute(delete(SyncOutbox).where(*old))
    return int(getattr(result, "rowcount", 0) or 0)


def after_new_epoch(session: Session, epoch_start_seq: int | None) -> int:
    """Queue again what the old server acknowledged; returns how many operations."""
    count = int(session.scalar(select(func.count()).where(SyncOutbox.status == "done")) or 0)
    session.execute(
        update(SyncOutbox)
        .where(SyncOutbox.status == "done")
        .values(status="pending", acked_at=None, result=None)
    )
    # The conflicts this device reported resolved: the restored server may hold them open
    # again (server/conflicts.py); reported again at this sync (closing one twice changes nothing).
    session.execute(
        update(SyncConflict)
        .where(SyncConflict.status == CONFLICT_CLOSED)
        .values(status=CONFLICT_RESOLVED)
    )
    cursor = int(replica.get_setting(session, replica.CURSOR) or 0)
    start = cursor if epoch_start_seq is None else min(cursor, epoch_start_seq)
    replica.set_setting(session, replica.CURSOR, str(start))
    log.warning("server restored (new epoch): %d acknowledged operations queued again, "
                "pull cursor %d -> %d", count, cursor, start)  # fmt: skip
    return count
