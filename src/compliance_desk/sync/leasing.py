"""The client's part of leased number blocks: void what lapsed, top up what runs low.

Each sync (``SyncService.sync_once``, which the command line and the window's timer call):
1. before anything goes out, the unused rest of every lease that expired or whose year ended is
   voided here, with the reason, so the voided numbers reach the server in this sync's push and
   the register on this machine says so even when the line is down;
2. after the pull, every series this device needs is topped up when fewer than half a block
   is left (or what is left expires within a day).

A device needs the series it was told to keep (``sync --lease 虞市监合建``, kept in this
database), the series of its draft letters, and the series it holds leases for.  A request
carries an id chosen here and kept until the answer is stored, so a request repeated after a
lost answer gets the same block back (server/leases.py).
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
from sqlalchemy import select

from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.ids import new_id
from compliance_desk.domain.local_time import local_date
from compliance_desk.persistence.lease_models import NumberLease
from compliance_desk.persistence.letter_models import Letter
from compliance_desk.persistence.models import Department
from compliance_desk.services import number_leases
from compliance_desk.services.context import ServiceContext
from compliance_desk.sync import replica

if TYPE_CHECKING:
    from compliance_desk.sync.client import SyncService

log = logging.getLogger("compliance_desk.sync")

SERIES_KEY = "numbers.lease_series"  # JSON list of series this device always keeps
SIZE_KEY = "numbers.lease_size"
DAYS_KEY = "numbers.lease_days"
PENDING_KEY = "numbers.lease_requests"  # requests sent, answer not yet stored
SETTINGS = (SERIES_KEY, SIZE_KEY, DAYS_KEY, PENDING_KEY)  # read by a sync with its own
DEFAULT_SIZE = 10
DEFAULT_DAYS = 30


def void_lapsed(ctx: ServiceContext) -> int:
    with ctx.uow(None) as uow:
        count = number_leases.void_lapsed(uow.session, ctx.clock())
        uow.commit()
    if count:
        log.info("voided %d unused leased numbers (lease expired or year ended)", count)
    return count


def keep_series(ctx: ServiceContext, series: list[str]) -> list[str]:
    """Add series this device always keeps a lease for; returns them all."""
    with ctx.factory() as session:
        known = number_leases.series_kinds(session)
        for s in series:
            if s not in known:
                raise DomainError(f"没有文号前缀为“{s}”的文书种类（例如：虞市监合建）",
                                  f"unknown series {s!r}")  # fmt: skip
        kept = json.loads(replica.get_setting(session, SERIES_KEY) or "[]")
        kept = sorted(set(kept) | set(series))
        replica.set_setting(session, SERIES_KEY, json.dumps(kept, ensure_ascii=False))
        session.commit()
        return list(kept)


def needed(
    ctx: ServiceContext, now: datetime, known: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """New lease requests for the series running low (not yet sent).  ``known``: the settings
    as the sync read them (replica.settings), so they are not read again one by one."""
    from compliance_desk.documents.kinds import KINDS

    year = local_date(now).year
    with ctx.factory() as session:
        if known is None:
            known = replica.settings(session, SETTINGS)
        size = int(known.get(SIZE_KEY) or DEFAULT_SIZE)
        days = int(known.get(DAYS_KEY) or DEFAULT_DAYS)
        wanted = {(s, year) for s in json.loads(known.get(SERIES_KEY) or "[]")}
        drafts = session.execute(
            select(Letter.kind, Letter.data, Department.number_prefix)
            .join(Department, Department.id == Letter.department_id)
            .where(Letter.status == "draft", Letter.deleted_at.is_(None))
        )
        for kind, data, prefix in drafts:
            series = KINDS[kind].series if kind in KINDS else None
            if series is None or not prefix:
                continue
            try:
                draft_year = int(str((data or {}).get("date", ""))[:4])
            except ValueError:
                draft_year = year
            if draft_year in (year, year + 1):
                wanted.add((prefix + series, draft_year))
        leases = list(session.scalars(select(NumberLease).where(NumberLease.closed_at.is_(None))))
        for lease in leases:
            if lease.year >= year:
                wanted.add((lease.prefix, lease.year))
    soon = now + timedelta(days=1)
    requests = []
    for series, y in sorted(wanted):
        left = sum(
            lease.last_seq - lease.next_seq + 1
            for lease in leases
            if (lease.prefix, lease.year) == (series, y) and lease.expires_at > soon
        )
        if left < max(1, (size + 1) // 2):
            requests.append({"id": str(new_id()), "series": series, "year": y,
                             "count": size, "days": days})  # fmt: skip
    return requests


def refill(
    service: SyncService, client: httpx.Client, token: str, known: dict[str, str] | None = None
) -> int:
    """Top up the leases; returns how many numbers this device received.  ``known``: the
    settings as the sync read them at its start."""
    ctx = service.ctx
    if known is None:
        with ctx.factory() as session:
            known = replica.settings(session, SETTINGS)
    pending = json.loads(known.get(PENDING_KEY) or "[]")
    if not pending:
        pending = needed(ctx, ctx.clock(), known)
        if not pending:
            return 0
        with ctx.factory() as session:  # kept before sending: a lost answer is asked again
            replica.set_setting(session, PENDING_KEY, json.dumps(pending, ensure_ascii=False))
            session.commit()
    from compliance_desk.sync.client import SyncError

    try:
        answer = service._call(client, "POST", "/v1/leases", token, {"requests": pending})
    except SyncError as exc:
        if exc.code not in ("unknown_series", "bad_year", "bad_request"):
            raise  # offline, revoked, ...: asked again next time
        # A request the server will never grant (a department gone, a year over): dropped, so
        # the sync itself goes on; the approval will say that no number is left.
        log.warning("lease request refused: %s", exc.message_en)
        with ctx.factory() as session:
            replica.set_setting(session, PENDING_KEY, "[]")
            session.commit()
        return 0
    received = 0
    with ctx.factory() as session:
        for lease in answer.get("leases", []):
            lease_id = uuid.UUID(str(lease["id"]))
            if session.get(NumberLease, lease_id) is not None:
                continue
            first, last = int(lease["first"]), int(lease["last"])
            session.add(
                NumberLease(
                    id=lease_id, device_id=ctx.device_id, prefix=str(lease["series"]),
                    year=int(lease["year"]), first_seq=first, last_seq=last, next_seq=first,
                    granted_at=datetime.fromisoformat(str(lease["granted_at"])),
                    expires_at=datetime.fromisoformat(str(lease["expires_at"])),
                    closed_reason="",
                )
            )  # fmt: skip
            received += last - first + 1
        replica.set_setting(session, PENDING_KEY, "[]")
        session.commit()
    log.info("received %d leased document numbers", received)
    return received
