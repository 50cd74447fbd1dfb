"""The server epoch: which life of the shared database the devices talk to (SYNC.md rule 10).

The epoch is stored in the database, so a backup carries it back when restored; what a
restore cannot carry back is the database's physical identity.  At start the server compares
the identity it recorded with the one it finds now: PostgreSQL's cluster id and the timeline
(a point-in-time recovery or a promoted standby starts a new timeline) and the database's oid
(a pg_dump restored into a new database).  When they differ, the database is a restored copy
and may have lost commits: a new epoch begins, remembering where its change log started, and
each device sends again what it had sent (sync/resend.py) and pulls again from that point.

Several copies of the server starting together agree: the check runs under an advisory lock.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from compliance_desk.domain.ids import new_id
from compliance_desk.persistence.sync_models import SyncCounter
from compliance_desk.sync.replica import get_setting, set_setting

log = logging.getLogger("compliance_desk.server")

EPOCH_KEY = "sync.server_epoch"
IDENTITY_KEY = "sync.server_identity"
START_KEY = "sync.epoch_start_seq"
_LOCK = 716_2026


def identity(session: Session) -> str:
    """The database's physical identity ("" where there is none to read: SQLite)."""
    if session.get_bind().dialect.name != "postgresql":
        return ""
    oid = session.scalar(text("SELECT oid FROM pg_database WHERE datname = current_database()"))
    parts = [f"db={oid}"]
    try:
        with session.begin_nested():  # pg_control_* may be denied to a plain role
            system = session.scalar(text("SELECT system_identifier FROM pg_control_system()"))
            timeline = session.scalar(text("SELECT timeline_id FROM pg_control_checkpoint()"))
        parts += [f"cluster={system}", f"timeline={timeline}"]
    except DBAPIError as exc:
        log.warning("cannot read the cluster's identity (%s): the database oid alone is used", exc)
    return ";".join(parts)


def current(session: Session) -> tuple[str, int]:
    """This database's epoch and the change-log number it started at; commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
    found = identity(session)
    epoch, known = get_setting(session, EPOCH_KEY), get_setting(session, IDENTITY_KEY)
    if epoch is None or (known is not None and known != found):
        counter = session.scalar(select(SyncCounter.value).where(SyncCounter.name == "change"))
        start = int(counter or 0)
        if epoch is not None:
            log.warning("database identity changed (%s -> %s): restored from a backup; "
                        "new server epoch from change %d", known, found, start)  # fmt: skip
        epoch = str(new_id())
        set_setting(session, EPOCH_KEY, epoch)
        set_setting(session, START_KEY, str(start))
    set_setting(session, IDENTITY_KEY, found)
    start_seq = int(get_setting(session, START_KEY) or 0)
    session.commit()
    return epoch, start_seq
