"""Document numbers on a desk or laptop that syncs: taken from blocks the server leased to it.

SYNC.md rule 12 asks for server-side numbering online and leased blocks offline.  On a device
enrolled for sync, approval takes every number from a lease, online or not, and the sync keeps
the leases topped up (``SyncService`` refills a series when fewer than a threshold remain).  Why
not call the server from inside an online approval: the approval is one local transaction (the
number, the signature, the frozen PDF, the register row); a number fetched over the network
before it would be lost if that transaction then failed, and an approval would hang on a slow
line.  The server still assigns every number: it hands the block out from its own counter,
under the same lock and unique index as a desk connected to PostgreSQL directly, and checks
every pushed number against the lease it came from.  The price is that numbers are not in
strict time order across desks and that a lease's unused rest is voided (with the reason, in
the register) when it expires or the year ends; front desks take small blocks to keep that rare.

A device that is not enrolled (a stand-alone installation) is its own source of truth and keeps
the local counter (``numbering.allocate``), as does a desk connected to PostgreSQL directly.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.letters import format_number
from compliance_desk.domain.local_time import local_date
from compliance_desk.persistence.lease_models import NumberLease
from compliance_desk.persistence.letter_models import DocumentNumber
from compliance_desk.persistence.models import LocalSetting

ENROLLED_KEY = "sync.token"  # the sync client's key (sync/client.py TOKEN): a device that syncs

REASON_EXPIRED = "租用编号到期未使用，作废（租期至 {until}）"
REASON_YEAR_END = "{year} 年度结束，租用编号未使用，作废"
REASON_REVOKED = "租用本编号的设备已停用（{reason}），未报告使用，作废"


class NoLeasedNumber(DomainError):
    """No leased number is left for the series: the approval is refused, nothing is written."""


@dataclass(frozen=True)
class LeaseView:
    id: uuid.UUID
    prefix: str
    year: int
    first: int
    last: int
    next: int
    expires_at: datetime
    closed_reason: str

    @property
    def remaining(self) -> int:
        return max(0, self.last - self.next + 1)


def uses_leases(session: Session) -> bool:
    """True on an enrolled desk or laptop (SQLite); the primary numbers from its own counter."""
    if session.get_bind().dialect.name == "postgresql":
        return False
    return session.get(LocalSetting, ENROLLED_KEY) is not None


def take(
    session: Session, prefix: str, year: int, kind: str, letter_id: uuid.UUID, now: datetime
) -> DocumentNumber:
    """The next number of an open lease of the series, registered to ``letter_id``.

    One UPDATE .. RETURNING moves the lease on, so two approvals on this machine never read the
    same number; the register's unique index stands behind it."""
    usable = (
        NumberLease.prefix == prefix,
        NumberLease.year == year,
        NumberLease.closed_at.is_(None),
        NumberLease.expires_at > now,
        NumberLease.next_seq <= NumberLease.last_seq,
    )
    lease_id = session.scalar(
        select(NumberLease.id).where(*usable).order_by(NumberLease.first_seq).limit(1)
    )
    seq = None
    if lease_id is not None:
        seq = session.execute(
            update(NumberLease)
            .where(NumberLease.id == lease_id, *usable)
            .values(next_seq=NumberLease.next_seq + 1)
            .returning(NumberLease.next_seq)
        ).scalar()
    if lease_id is None or seq is None:
        raise _refusal(session, prefix, year, now)
    row = DocumentNumber(
        prefix=prefix,
        year=year,
        seq=int(seq) - 1,
        text=format_number(prefix, year, int(seq) - 1),
        kind=kind,
        letter_id=letter_id,
        status="issued",
        void_reason="",
        lease_id=lease_id,
    )
    session.add(row)
    session.flush()
    return row


def _refusal(session: Session, prefix: str, year: int, now: datetime) -> NoLeasedNumber:
    expired = session.scalar(
        select(func.count())
        .select_from(NumberLease)
        .where(
            NumberLease.prefix == prefix,
            NumberLease.year == year,
            NumberLease.expires_at <= now,
            NumberLease.next_seq <= NumberLease.last_seq,
        )
    )
    if expired:
        why_zh, why_en = "本机租用的编号已过期", "the lease has expired"
    else:
        why_zh, why_en = "本机租用的编号已用完", "no leased number left"
    return NoLeasedNumber(
        f"{why_zh}（{prefix}〔{year}〕），请联网同步后再批准；草稿已保留",
        f"{why_en} for {prefix} {year}: sync before approving",
    )


def void_lapsed(session: Session, now: datetime) -> int:
    """Void the unused rest of every lease that expired or whose year ended; returns how many
    numbers.  The voided numbers enter the register (and the outbox) in this transaction."""
    today = local_date(now)
    leases = session.scalars(
        select(NumberLease).where(
            NumberLease.closed_at.is_(None),
            (NumberLease.expires_at <= now) | (NumberLease.year < today.year),
        )
    ).all()
    voided = 0
    for lease in leases:
        if lease.year < today.year:
            reason = REASON_YEAR_END.format(year=lease.year)
        else:
            reason = REASON_EXPIRED.format(until=local_date(lease.expires_at).isoformat())
        voided += _void(session, lease, range(lease.next_seq, lease.last_seq + 1), reason, now)
    session.flush()
    return voided


def void_revoked(session: Session, device_id: uuid.UUID, reason: str, now: datetime) -> int:
    """On the shared database, when a device is revoked (lost, stolen, retired): every number
    of its open leases that it never reported using is voided with the reason, so the register
    accounts for every number although the device will never sync again.  Returns how many."""
    text = REASON_REVOKED.format(reason=reason.strip() or "未说明原因")
    voided = 0
    for lease in session.scalars(
        select(NumberLease).where(
            NumberLease.device_id == device_id, NumberLease.closed_at.is_(None)
        )
    ).all():
        used = set(
            session.scalars(
                select(DocumentNumber.seq).where(
                    DocumentNumber.prefix == lease.prefix,
                    DocumentNumber.year == lease.year,
                    DocumentNumber.seq.between(lease.first_seq, lease.last_seq),
                )
            )
        )
        seqs = [n for n in range(lease.first_seq, lease.last_seq + 1) if n not in used]
        voided += _void(session, lease, seqs, text, now)
    session.flush()
    return voided


def _void(
    session: Session, lease: NumberLease, seqs: Iterable[int], reason: str, now: datetime
) -> int:
    """Register ``seqs`` of ``lease`` as voided with ``reason`` and close the lease."""
    kind = lease_kind(session, lease.prefix)
    count = 0
    for seq in seqs:
        session.add(
            DocumentNumber(
                prefix=lease.prefix,
                year=lease.year,
                seq=seq,
                text=format_number(lease.prefix, lease.year, seq),
                kind=kind,
                letter_id=None,
                status="voided",
                void_reason=reason,
                lease_id=lease.id,
            )
        )
        count += 1
    lease.next_seq = lease.last_seq + 1
    lease.closed_at = now
    lease.closed_reason = reason
    return count


def lease_kind(session: Session, prefix: str) -> str:
    """The letter kind whose series ``prefix`` is (a voided number still says what it was for)."""
    found = series_kinds(session).get(prefix)
    if found is None:
        raise DomainError(f"没有文号前缀为“{prefix}”的文书种类", f"unknown number series {prefix}")
    return found


def series_kinds(session: Session) -> dict[str, str]:
    """Every numbered series, e.g. 虞市监合建 -> advice_letter: issuing departments x kinds."""
    from compliance_desk.documents.kinds import KINDS
    from compliance_desk.persistence.models import Department

    prefixes = session.scalars(
        select(Department.number_prefix).where(
            Department.deleted_at.is_(None), Department.number_prefix != ""
        )
    ).all()
    return {
        p + k.series: code for p in prefixes for code, k in KINDS.items() if k.series is not None
    }


def leases(session: Session, open_only: bool = True) -> list[LeaseView]:
    query = select(NumberLease).order_by(
        NumberLease.prefix, NumberLease.year, NumberLease.first_seq
    )
    if open_only:
        query = query.where(NumberLease.closed_at.is_(None))
    return [
        LeaseView(
            r.id,
            r.prefix,
            r.year,
            r.first_seq,
            r.last_seq,
            r.next_seq,
            r.expires_at,
            r.closed_reason,
        )  # fmt: skip
        for r in session.scalars(query)
    ]
