"""The schema, sync-ready from the first table (SYNC.md rules 1, 4, 5).

Every synced table carries: a client-generated UUIDv7 key, a row version (optimistic
locking, and the base of a three-way merge), created/updated at and by, the device of the
last write, and a tombstone (deleted_at) instead of a hard delete.  No autoincrement
identity anywhere.  Tables whose name starts with ``local_`` never leave the machine.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, cast

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column
from sqlalchemy.types import TypeDecorator

from compliance_desk.domain.ids import new_id

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite would otherwise hand back naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime}


# keyword arguments of an Index over live rows only, on both databases
LIVE: dict[str, Any] = {
    "sqlite_where": text("deleted_at IS NULL"),
    "postgresql_where": text("deleted_at IS NULL"),
}


def table_of(model: type[Base]) -> Table:
    """A mapped class's Table, typed as one (``__table__`` is typed as a FromClause)."""
    return cast(Table, model.__table__)


class Synced(Base):
    """Columns every synced row carries; filled by the unit of work, never by hand."""

    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    row_version: Mapped[int] = mapped_column(nullable=False, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    updated_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    deleted_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    deleted_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        # The row version doubles as SQLAlchemy's optimistic lock: a stale edit fails.
        return {"version_id_col": cls.__table__.c.row_version}


class Industry(Synced):
    __tablename__ = "industry"
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)


class Centre(Synced):
    __tablename__ = "centre"
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    industry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("industry.id"))
    address: Mapped[str] = mapped_column(String(500), default="")
    # for enterprises' questions: printed on the appeal receipt (咨询电话)
    phone: Mapped[str] = mapped_column(String(60), default="", server_default="")


class CompliancePoint(Synced):
    __tablename__ = "compliance_point"
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("centre.id"), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    address: Mapped[str] = mapped_column(String(500), default="")


class Department(Synced):
    __tablename__ = "department"
    code: Mapped[str] = mapped_column(String(40), nullable=False)
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    # The short form used in document numbers, e.g. 虞市监 in 虞市监合建〔2026〕12号.
    number_prefix: Mapped[str] = mapped_column(String(20), default="")


class Chamber(Synced):
    __tablename__ = "chamber"
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    industry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("industry.id"))


class AppUser(Synced):
    __tablename__ = "app_user"
    username: Mapped[str] = mapped_column(String(60), nullable=False)
    display_name: Mapped[str] = mapped_column(String(60), nullable=False)
    role: Mapped[str] = mapped_column(String(30), nullable=False)
    password_hash: Mapped[str] = mapped_column(String(200), nullable=False)
    centre_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("centre.id"))
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)

    __table_args__ = (
        Index(
            "uq_app_user_username_live",
            "username",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class Enterprise(Synced):
    __tablename__ = "enterprise"
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    name_key: Mapped[str] = mapped_column(String(200), nullable=False)
    name_pinyin: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    name_initials: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    uscc: Mapped[str] = mapped_column(String(18), nullable=False)
    industry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("industry.id"))
    centre_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("centre.id"))
    chamber_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("chamber.id"))
    address: Mapped[str] = mapped_column(String(500), default="")
    legal_representative: Mapped[str] = mapped_column(String(500), default="")
    contact_person: Mapped[str] = mapped_column(String(500), default="")
    contact_phone: Mapped[str] = mapped_column(String(60), default="")
    contact_phone_digits: Mapped[str] = mapped_column(String(60), default="")
    size: Mapped[str | None] = mapped_column(String(20))
    settled_on: Mapped[date | None] = mapped_column(Date)
    on_compliant_list: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_model: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        # Natural key unique among live rows; SYNC.md: on the server, a clash from two
        # offline laptops becomes a merge task rather than an error.
        Index(
            "uq_enterprise_uscc_live",
            "uscc",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # The register's default order, covering the id: listing 100,000 ids reads the index only.
        Index(
            "ix_enterprise_live_order",
            "name_pinyin",
            "id",
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        Index("ix_enterprise_name_key", "name_key"),
        Index("ix_enterprise_centre", "centre_id"),
    )


class AuditEntry(Base):
    """Append-only record of each change: what, who, when, from which device (a union in sync)."""

    __tablename__ = "audit_entry"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    table_name: Mapped[str] = mapped_column(String(60), nullable=False)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    __table_args__ = (Index("ix_audit_entry_row", "table_name", "row_id"),)


class LocalSetting(Base):
    """Facts about this installation (its device id, ...); never synced."""

    __tablename__ = "local_setting"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, nullable=False)


class CalendarYear(Synced):
    """An administrator's official schedule for one year; replaces the built-in one."""

    __tablename__ = "calendar_year"
    year: Mapped[int] = mapped_column(nullable=False)
    holidays: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    workdays: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)

    __table_args__ = (
        Index(
            "uq_calendar_year_live",
            "year",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class Visit(Synced):
    """A walk-in (or phone, chamber, online) registration at the desk: append-only."""

    __tablename__ = "visit"
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False)
    centre_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("centre.id"))
    visited_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    visitor_name: Mapped[str] = mapped_column(String(60), nullable=False)
    visitor_phone: Mapped[str] = mapped_column(String(60), default="")
    channel: Mapped[str] = mapped_column(String(30), nullable=False)
    subject_area: Mapped[str] = mapped_column(String(30), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_visit_enterprise", "enterprise_id", "visited_at"),)


class Appeal(Synced):
    """诉求. ``tier`` and ``state`` are projections of the timeline, kept for indexed filters;
    deadlines are never stored: they are derived from the timeline and the calendar."""

    __tablename__ = "appeal"
    number: Mapped[str] = mapped_column(String(30), nullable=False)
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False)
    visit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("visit.id"))
    centre_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("centre.id"))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    description: Mapped[str] = mapped_column(Text, default="")
    channel: Mapped[str] = mapped_column(String(30), nullable=False)
    subject_area: Mapped[str] = mapped_column(String(30), nullable=False)
    tier: Mapped[str] = mapped_column(String(20), nullable=False)
    state: Mapped[str] = mapped_column(String(20), nullable=False)

    __table_args__ = (
        Index(
            "uq_appeal_number_live",
            "number",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
        # every number, deleted appeals' too: a new number is checked against them all, and a
        # receipt's QR code is looked up by it (the index above answers only for live ones)
        Index("ix_appeal_number", "number"),
        # The log's filters and sorts over live appeals (partial: counts read the index alone)
        # the log's walk newest first, its state and tier tested without reading the row
        Index("ix_appeal_received_state", "received_at", "id", "state", "tier", **LIVE),
        Index("ix_appeal_state", "state", "received_at", **LIVE),
        Index("ix_appeal_enterprise", "enterprise_id", "received_at"),
        Index("ix_appeal_centre", "centre_id", "received_at", **LIVE),
        Index("ix_appeal_tier", "tier", "state", "received_at", **LIVE),
        Index("ix_appeal_title", "title", "id", **LIVE),
    )


class AppealEvent(Base):
    """One step of an appeal's timeline: who did what, when, and what was said (append-only)."""

    __tablename__ = "appeal_event"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    appeal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("appeal.id"), nullable=False)
    action: Mapped[str] = mapped_column(String(30), nullable=False)
    on: Mapped[date] = mapped_column(Date, nullable=False)  # the day the step counts from
    at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)  # when it was recorded
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    role: Mapped[str] = mapped_column(String(30), nullable=False)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    text: Mapped[str] = mapped_column(Text, default="")
    department_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    forward_id: Mapped[str] = mapped_column(String(80), default="")
    new_tier: Mapped[str | None] = mapped_column(String(20))
    rating: Mapped[int | None] = mapped_column()
    meeting_date: Mapped[date | None] = mapped_column(Date)
    participants: Mapped[str] = mapped_column(Text, default="")
    # The timeline's order: 1, 2, 3 ... per appeal.  Never a device's clock (SYNC.md rule 5);
    # two desks appending the same step at once collide here instead of both committing.
    seq: Mapped[int] = mapped_column(nullable=False)

    __table_args__ = (Index("uq_appeal_event_seq", "appeal_id", "seq", unique=True),)


class LocalAppealClock(Base):
    """Derived and local: an appeal's overall deadline as its timeline and the calendar give it,
    so the log can filter and sort by it in SQL over a million appeals.

    A cache, never a typed date: it is rewritten in the transaction of every timeline step,
    for the affected appeals whenever the calendar changes, and checked against the timeline
    (``seq``) at start; what the user reads is always recomputed from the timeline.
    """

    __tablename__ = "local_appeal_clock"
    appeal_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The clock runs: not yet replied to the enterprise, nor closed (the "overdue" and "due
    # soon" lists are of running clocks; "open" in the log is by the appeal's state)
    is_open: Mapped[bool] = mapped_column(Boolean, nullable=False)
    due: Mapped[date] = mapped_column(Date, nullable=False)  # 9999-12-31 while paused
    provisional: Mapped[bool] = mapped_column(Boolean, nullable=False)
    seq: Mapped[int] = mapped_column(nullable=False)  # the last timeline step counted
    # The log sorts by tier and by state in the workflow's order: ranks, indexed.
    tier_rank: Mapped[int] = mapped_column(nullable=False)
    state_rank: Mapped[int] = mapped_column(nullable=False)
    enterprise_key: Mapped[str] = mapped_column(String(1000), nullable=False)  # name in pinyin
    # The appeal's receipt, copied: the open appeals newest first with their deadlines in one
    # index, so "overdue" and "due within N days" in the log's default order are a walk that
    # reads only the appeals it keeps (NULL only in clocks written before revision 0014).
    received_at: Mapped[datetime | None] = mapped_column(UtcDateTime())

    __table_args__ = (
        # each ends in the appeal id: the log's order (key, then id) is an index walk
        Index("ix_local_appeal_clock_open_due", "is_open", "due", "appeal_id"),
        Index("ix_local_appeal_clock_open_received", "is_open", "received_at", "appeal_id", "due"),
        Index("ix_local_appeal_clock_due", "due", "appeal_id"),
        Index("ix_local_appeal_clock_tier", "tier_rank", "appeal_id"),
        Index("ix_local_appeal_clock_state", "state_rank", "appeal_id"),
        Index("ix_local_appeal_clock_enterprise", "enterprise_key", "appeal_id"),
    )


class LocalAppealDepartment(Base):
    """Derived and local: the departments an appeal was forwarded to, for the log's filter
    (rewritten with the appeal's clock)."""

    __tablename__ = "local_appeal_department"
    appeal_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    department_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)

    __table_args__ = (Index("ix_local_appeal_department_dept", "department_id", "appeal_id"),)


class Attachment(Synced):
    """A scan or photo attached to a visit or an appeal, stored once by its SHA-256 (append-only)."""

    __tablename__ = "attachment"
    owner_table: Mapped[str] = mapped_column(String(40), nullable=False)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    size: Mapped[int] = mapped_column(nullable=False)
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")

    __table_args__ = (Index("ix_attachment_owner", "owner_table", "owner_id"),)


# The letters' tables live in their own module; importing it here registers them with Base.
from compliance_desk.persistence import inspection_models as _inspection_models  # noqa: E402, F401
from compliance_desk.persistence import lease_models as _lease_models  # noqa: E402, F401
from compliance_desk.persistence import letter_models as _letter_models  # noqa: E402, F401
from compliance_desk.persistence import sync_blob_models as _sync_blob_models  # noqa: E402, F401
from compliance_desk.persistence import sync_models as _sync_models  # noqa: E402, F401
