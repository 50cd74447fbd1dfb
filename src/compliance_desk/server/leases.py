"""The server's side of leased number blocks (SYNC.md rule 12): grants, and the check of every
number a device pushes.

A grant takes ``count`` numbers from the series' counter with the very statement that numbers a
letter approved on the server (``numbering.reserve``), so a block never overlaps another block
or a number the server gave out itself.  The device names each request by an id it keeps until
the answer arrives: a request repeated after a lost answer returns the same lease instead of a
second block nobody would ever void.  A lease ends at its expiry or at the end of its year
(China time), whichever is first.

A pushed register row must come from a lease of the pushing device, within its block; a pushed
letter may carry only a number registered to it.  With the register's unique index
(prefix, year, seq) on PostgreSQL, no number is ever on two letters.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.local_time import CHINA, local_date
from compliance_desk.persistence.lease_models import NumberLease
from compliance_desk.persistence.letter_models import DocumentNumber, Letter
from compliance_desk.server.devices import Refused
from compliance_desk.services import number_leases, numbering
from compliance_desk.sync import codec
from compliance_desk.sync.merge import Op

MAX_COUNT = 200
MAX_DAYS = 366
MAX_REQUESTS = 100
# register fields that never change once a number exists
FIXED = frozenset({"prefix", "year", "seq", "text", "lease_id"})


def year_end(year: int) -> datetime:
    return datetime(year + 1, 1, 1, tzinfo=CHINA)


def _bad(message_en: str) -> Refused:
    return Refused(400, "bad_request", "编号租用请求格式不正确", message_en)


def grant(
    session: Session, device_id: uuid.UUID, requests: Any, now: datetime
) -> list[dict[str, Any]]:
    """Leases for ``[{id, series, year, count, days}]``; the caller commits."""
    if not isinstance(requests, list) or len(requests) > MAX_REQUESTS:
        raise _bad("requests is not a list of at most 100")
    kinds = number_leases.series_kinds(session)
    out = []
    for req in requests:
        try:
            lease_id = uuid.UUID(str(req["id"]))
            series = str(req["series"])
            year, count, days = req["year"], req["count"], req.get("days")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise _bad(f"bad lease request {req!r}: {exc}") from exc
        days = 30 if days is None else days
        # whole numbers as JSON writes them: not a text, a fraction, true, or the Infinity
        # and NaN that the server's fallback JSON reader takes (int() of those overflowed)
        if not all(type(v) is int for v in (year, count, days)):
            raise _bad(f"bad lease request {req!r}: year, count and days must be integers")
        existing = session.get(NumberLease, lease_id)
        if existing is not None:
            if existing.device_id != device_id:
                raise _bad(f"lease id {lease_id} belongs to another device")
            out.append(view(existing))
            continue
        if series not in kinds:
            raise Refused(400, "unknown_series", f"没有文号前缀为“{series}”的文书种类",
                          f"unknown series {series!r}")  # fmt: skip
        if not 1 <= count <= MAX_COUNT or not 1 <= days <= MAX_DAYS:
            raise _bad(f"count {count} / days {days} out of range")
        today = local_date(now)
        if year not in (today.year, today.year + 1):
            raise Refused(400, "bad_year", f"只能租用今年或明年的文号（请求的是 {year} 年）",
                          f"lease for year {year} refused on {today}")  # fmt: skip
        block = numbering.reserve(session, series, year, count)
        lease = NumberLease(
            id=lease_id, device_id=device_id, prefix=series, year=year,
            first_seq=block.first, last_seq=block.last, next_seq=block.first,
            granted_at=now, expires_at=min(now + timedelta(days=days), year_end(year)),
            closed_reason="",
        )  # fmt: skip
        session.add(lease)
        session.flush()
        out.append(view(lease))
    return out


def view(lease: NumberLease) -> dict[str, Any]:
    return {
        "id": str(lease.id),
        "series": lease.prefix,
        "year": lease.year,
        "first": lease.first_seq,
        "last": lease.last_seq,
        "granted_at": lease.granted_at.isoformat(),
        "expires_at": lease.expires_at.isoformat(),
    }


class NumberRefused(DomainError):
    """A pushed number that no lease of the device covers: rejected with this reason."""


def check_pushed(connection: Connection, device_id: uuid.UUID, op: Op) -> None:
    """Raise ``NumberRefused`` for a pushed register row or letter number the device may not
    hold; called inside the operation's savepoint, after the merge."""
    if op.table == "document_number":
        if op.kind != "insert":
            changed = set(op.payload.get("changes", {})) & FIXED
            if changed:
                raise NumberRefused("文号登记中的编号本身不能修改，服务器未采用",
                                    f"register row {op.row_id}: {sorted(changed)} changed")  # fmt: skip
            return
        tbl = codec.table("document_number")
        row = codec.decode_row(tbl, op.payload["row"])
        lease = None
        if row.get("lease_id") is not None:
            lease = connection.execute(
                select(NumberLease).where(NumberLease.id == row["lease_id"])
            ).first()
        if (
            lease is None
            or lease.device_id != device_id
            or lease.prefix != row.get("prefix")
            or lease.year != row.get("year")
            or not lease.first_seq <= int(row.get("seq") or 0) <= lease.last_seq
        ):
            raise NumberRefused(
                f"文号 {row.get('text')} 不在本设备租用的编号段内，服务器未采用；"
                "请联网同步取得编号后重新批准",
                f"number {row.get('text')} ({row.get('lease_id')}) is not in a lease of {device_id}",
            )
        return
    if op.table == "letter":
        if op.kind == "insert":
            number = op.payload["row"].get("number")
        else:
            number = (op.payload.get("changes", {}).get("number") or [None, None])[1]
        if number is None:
            return
        registered = connection.execute(
            select(DocumentNumber.id).where(
                DocumentNumber.text == number, DocumentNumber.letter_id == op.row_id
            )
        ).first()
        if registered is None:
            raise NumberRefused(
                f"文书的文号 {number} 没有登记在这份文书名下，服务器未采用",
                f"letter {op.row_id} carries unregistered number {number}",
            )
        held = connection.execute(
            select(Letter.id).where(Letter.number == number, Letter.id != op.row_id)
        ).first()
        if held is not None:  # the unique index would say so too; this says it in words
            raise NumberRefused(f"文号 {number} 已用于另一份文书，服务器未采用",
                                f"number {number} already on letter {held[0]}")  # fmt: skip
