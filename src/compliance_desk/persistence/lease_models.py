"""Leased blocks of document numbers (SYNC.md rule 12).  Not itself synced (policy "local").

On the shared database a row is a grant: this device may issue ``first_seq``..``last_seq`` of the
series until ``expires_at``; the server checks every pushed number against it.  On a desk or a
laptop the same table holds the leases this device received, with ``next_seq``, the next number
it will give out; the number and the register row are written in the approval's transaction.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from compliance_desk.persistence.models import Base, UtcDateTime


class NumberLease(Base):
    __tablename__ = "number_lease"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    prefix: Mapped[str] = mapped_column(String(40), nullable=False)  # e.g. 虞市监合建
    year: Mapped[int] = mapped_column(nullable=False)
    first_seq: Mapped[int] = mapped_column(nullable=False)
    last_seq: Mapped[int] = mapped_column(nullable=False)
    next_seq: Mapped[int] = mapped_column(nullable=False)  # on the device: the next to give out
    granted_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    # Set when the unused rest has been voided (on the device) or the lease given up.
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    closed_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")

    __table_args__ = (
        Index("ix_number_lease_series", "prefix", "year", "closed_at"),
        Index("ix_number_lease_device", "device_id", "closed_at"),
    )
