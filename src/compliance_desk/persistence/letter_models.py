"""Tables of the official letters: templates, letters, the register of numbers, signing keys."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from compliance_desk.persistence.models import LIVE, Base, Synced, UtcDateTime


class LetterTemplate(Synced):
    """One version of a kind's wording; a new version is a new row, old ones stay for the record."""

    __tablename__ = "letter_template"
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    version: Mapped[int] = mapped_column(nullable=False)
    body: Mapped[str] = mapped_column(Text, nullable=False)
    note: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (Index("uq_letter_template_version", "kind", "version", unique=True),)


class SigningKey(Synced):
    """A desk's public key; the private half never leaves the machine that made it."""

    __tablename__ = "signing_key"
    key_id: Mapped[str] = mapped_column(String(24), nullable=False)
    public_key: Mapped[str] = mapped_column(String(100), nullable=False)  # base64 of 32 bytes
    holder: Mapped[str] = mapped_column(String(200), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (Index("uq_signing_key_id", "key_id", unique=True),)


class NumberCounter(Base):
    """The next sequence number of a series and year. Server-authoritative: never synced down
    as a last-writer-wins row; offline laptops take leased blocks (SYNC.md rule 12)."""

    __tablename__ = "number_counter"
    prefix: Mapped[str] = mapped_column(String(40), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    next_seq: Mapped[int] = mapped_column(nullable=False)


class DocumentNumber(Synced):
    """The register of numbers: every number given out, and what became of it."""

    __tablename__ = "document_number"
    prefix: Mapped[str] = mapped_column(String(40), nullable=False)
    year: Mapped[int] = mapped_column(nullable=False)
    seq: Mapped[int] = mapped_column(nullable=False)
    text: Mapped[str] = mapped_column(String(80), nullable=False)
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    letter_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # issued | voided
    void_reason: Mapped[str] = mapped_column(Text, default="")
    lease_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # set when from a leased block

    __table_args__ = (
        # The database-level guarantee: one number, one letter, whatever the desks do at once.
        Index("uq_document_number", "prefix", "year", "seq", unique=True),
        Index("ix_document_number_text", "text"),
    )


class Letter(Synced):
    """A letter: a draft until approved, then frozen with its number, signature and PDF."""

    __tablename__ = "letter"
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # see domain LetterStatus
    enterprise_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("enterprise.id"))
    appeal_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("appeal.id"))
    department_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("department.id"))
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # groups a 三书同达 bundle
    data: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    template_version: Mapped[int] = mapped_column(nullable=False)
    # The legal values printed (time limits, credit periods) as in force on the letter's date,
    # frozen at issue so a reprint says what the original said.
    legal: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    number: Mapped[str | None] = mapped_column(String(80))
    approved_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    content_hash: Mapped[str | None] = mapped_column(String(40))
    qr_text: Mapped[str | None] = mapped_column(Text)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("letter.id"))
    void_reason: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index(
            "uq_letter_number",
            "number",
            unique=True,
            sqlite_where=text("number IS NOT NULL"),
            postgresql_where=text("number IS NOT NULL"),
        ),
        Index("ix_letter_case", "case_id"),
        Index("ix_letter_enterprise", "enterprise_id"),
        # a new letter's authority and telephone: its department's last letter's (prefill)
        Index("ix_letter_department", "department_id", "created_at"),
        # the letters page: the newest live letters first
        Index("ix_letter_created", "created_at", **LIVE),
        # a new draft's department: the last letter of its kind's (usual_department)
        Index("ix_letter_kind", "kind", "created_at", **LIVE),
        # the drafts waiting for approval: each sync leases numbers for their series
        Index("ix_letter_status", "status"),
    )
