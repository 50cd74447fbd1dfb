"""A device's conflicts that its people resolved, closed in the server's copy as well.

The server keeps each conflict it answers a device with (sync/merge.py), and that device keeps
it too; a person resolves it there (services/sync_conflicts.py), with an ordinary change that
the device pushes.  Without more, the server's copy stayed open for ever, and a desk working
on the shared PostgreSQL, which lists the server's copies, showed conflicts long settled.  The
device now reports the ids it resolved (``POST /v1/conflicts/closed``, at its next sync, once
its push has sent everything waiting, the resolutions' own changes among it); the server closes those of that device's conflicts still open and no other (a
device cannot close another's).  Reporting an id again, or one that is not the device's,
changes nothing: the device forgets the ids once answered.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from compliance_desk.domain.errors import DomainError
from compliance_desk.persistence.sync_models import (
    CONFLICT_OPEN,
    CONFLICT_RESOLVED,
    SyncConflict,
)
from compliance_desk.sync.protocol import MAX_CLOSE


def ids_of(body: dict[str, Any]) -> list[uuid.UUID]:
    """The request's ids; DomainError when it is not a list of at most MAX_CLOSE ids."""
    ids = body.get("ids")
    if not isinstance(ids, list) or len(ids) > MAX_CLOSE or not all(type(i) is str for i in ids):
        raise DomainError("冲突编号列表格式不正确", f"ids is not a list of at most {MAX_CLOSE} ids")
    try:
        return [uuid.UUID(i) for i in ids]
    except ValueError as exc:
        raise DomainError("冲突编号格式不正确", f"not a UUID: {exc}") from exc


def close(session: Session, device_id: uuid.UUID, ids: list[uuid.UUID]) -> int:
    """Close ``device_id``'s open conflicts among ``ids``; how many were open."""
    if not ids:
        return 0
    result = session.execute(
        update(SyncConflict)
        .where(
            SyncConflict.id.in_(ids),
            SyncConflict.device_id == device_id,
            SyncConflict.status == CONFLICT_OPEN,
        )
        .values(status=CONFLICT_RESOLVED)
    )
    return int(getattr(result, "rowcount", 0) or 0)
