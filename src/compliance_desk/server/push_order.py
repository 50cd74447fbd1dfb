"""Pushed pages kept in their order when a device sends the next before the last is answered.

A client sends its next page while the server still applies the one before (sync/client.py):
the page's upload and parsing then overlap the work on the one before, instead of following
it.  Each such page carries a token (``X-Push-Page``) and names the page before it
(``X-Push-After``).  The push's transaction first locks the device's row here: a page waits
until the transaction of the page before ends, and goes on only if that one committed (the
row holds its token).  Otherwise nothing of it is applied and the device is told
(``OutOfOrder``: 409 ``out_of_order``); it sends the page again at its next sync, after the
one before.  The page before may still be on its way (the two requests travel side by side):
a page waits for it a while (``WAIT``) before it is refused.  A push without these headers (an
older client) takes no lock, as before.
"""

from __future__ import annotations

import time
import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from compliance_desk.domain.errors import DomainError
from compliance_desk.persistence.dialect import insert_for
from compliance_desk.persistence.sync_models import SyncPushOrder

WAIT = 10.0  # seconds a page waits for the page before it to arrive (its work not counted)
POLL = 0.02  # the first pause between looks, doubled up to half a second


class OutOfOrder(DomainError):
    """The page named as the one before was not committed (failed, or never came)."""


def take(
    session: Session,
    device_id: uuid.UUID,
    page: uuid.UUID | None,
    after: uuid.UUID | None,
    now: datetime,
) -> None:
    """In the push's transaction, before anything is applied: wait for the device's page
    before to commit (``after``), and record this one (``page``).  The page before may not
    have reached the server yet (the two requests travel side by side): the lock is let go
    and taken again until it has committed, for at most WAIT seconds."""
    if page is None and after is None:
        return
    waited, pause = 0.0, POLL
    while True:
        held = _locked(session, device_id, now)  # a wait here: the page before is at work
        if after is None or held == after:
            break
        if waited >= WAIT:
            raise OutOfOrder(
                "上一批数据尚未被服务器采用，本批未处理，稍后会按顺序再次发送",
                f"page {after} before this one was not committed (last: {held})",
            )
        session.rollback()  # nothing done yet but the lock: let the page before take it
        time.sleep(pause)
        waited, pause = waited + pause, min(pause * 2, 0.5)
    session.execute(
        update(SyncPushOrder).where(SyncPushOrder.device_id == device_id).values(page=page, at=now)
    )


def _locked(session: Session, device_id: uuid.UUID, now: datetime) -> uuid.UUID | None:
    """The device's last page, its row locked (made first for the device's first page: by one
    push if two race)."""
    locked = select(SyncPushOrder.page).where(SyncPushOrder.device_id == device_id)
    row = session.execute(locked.with_for_update()).first()
    if row is None:
        session.execute(
            insert_for(session)(SyncPushOrder)
            .values(device_id=device_id, page=None, at=now)
            .on_conflict_do_nothing(index_elements=[SyncPushOrder.device_id])
        )
        row = session.execute(locked.with_for_update()).one()
    return row[0]
