"""Tables of field inspections: checklists, draws, inspections and their items, rectifications,
the compliant-enterprise list, the minor-violation exemption list, and shared policy settings."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from compliance_desk.persistence.models import Synced, UtcDateTime


class PolicySetting(Synced):
    """A setting every desk shares (sampling ratios, default rectification months)."""

    __tablename__ = "policy_setting"
    key: Mapped[str] = mapped_column(String(100), nullable=False)
    value: Mapped[Any] = mapped_column(JSON, nullable=False)

    __table_args__ = (Index("uq_policy_setting_key", "key", unique=True),)


class Checklist(Synced):
    """One version of an industry's checklist; editing makes a new version."""

    __tablename__ = "checklist"
    industry_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("industry.id"))
    version: Mapped[int] = mapped_column(nullable=False)
    title: Mapped[str] = mapped_column(String(200), nullable=False)
    note: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (Index("uq_checklist_version", "industry_id", "version", unique=True),)


class ChecklistItem(Synced):
    __tablename__ = "checklist_item"
    checklist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklist.id"), nullable=False)
    code: Mapped[str] = mapped_column(String(20), nullable=False)  # e.g. 5.2
    area: Mapped[str] = mapped_column(String(30), nullable=False)  # ManagementArea
    text: Mapped[str] = mapped_column(Text, nullable=False)
    legal_basis: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_checklist_item_list", "checklist_id", "code"),)


class InspectionDraw(Synced):
    """A recorded random draw: anyone can redo it from the seed and the same pool."""

    __tablename__ = "inspection_draw"
    centre_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("centre.id"))
    seed: Mapped[int] = mapped_column(nullable=False)
    count: Mapped[int] = mapped_column(nullable=False)
    ratio: Mapped[float] = mapped_column(nullable=False)
    compliant_ratio: Mapped[float] = mapped_column(nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(32), nullable=False)
    enterprise_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    inspector_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    # The pool it drew from, in the order drawn from (None: recorded before pools were kept):
    # [[enterprise id, "listed" | "other"], ...] and [inspector id, ...]; the team size; the
    # day the list and the once-a-year guard were judged on, and who was left out and why.
    pool_enterprises: Mapped[list[list[str]] | None] = mapped_column(JSON)
    pool_inspectors: Mapped[list[str] | None] = mapped_column(JSON)
    team_size: Mapped[int | None] = mapped_column()
    as_of: Mapped[date | None] = mapped_column(Date)
    left_out: Mapped[list[list[str]] | None] = mapped_column(JSON)


class Inspection(Synced):
    """A joint inspection of one enterprise: planned, walked on site, signed (then locked)."""

    __tablename__ = "inspection"
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False)
    draw_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection_draw.id"))
    checklist_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklist.id"), nullable=False)
    planned_on: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    department_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    inspector_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    representative: Mapped[str] = mapped_column(String(100), default="")
    override_reason: Mapped[str] = mapped_column(Text, default="")
    signed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    signed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    corrects_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("inspection.id"))
    cancel_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    __table_args__ = (
        Index("ix_inspection_enterprise", "enterprise_id", "planned_on"),
        Index("ix_inspection_day", "planned_on"),  # a day's inspections (sync prepare)
    )


class InspectionItem(Synced):
    __tablename__ = "inspection_item"
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), nullable=False)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("checklist_item.id"), nullable=False)
    result: Mapped[str | None] = mapped_column(String(20))
    risk: Mapped[str | None] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    exemption_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("exemption_item.id"))

    __table_args__ = (Index("ix_inspection_item", "inspection_id"),)


class Rectification(Synced):
    """整改: the deadline from the advice letter, the evidence, the acceptance and its result."""

    __tablename__ = "rectification"
    inspection_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("inspection.id"), nullable=False)
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False)
    letter_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("letter.id"))
    deadline: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)  # open|accepted|rejected
    evidence_note: Mapped[str] = mapped_column(Text, default="")
    accepted_on: Mapped[date | None] = mapped_column(Date)
    result_note: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (Index("ix_rectification_open", "status", "deadline"),)


class CompliantListEvent(Synced):
    """The compliant-enterprise list as dated events: joined, left, flagged for review."""

    __tablename__ = "compliant_list_event"
    enterprise_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise.id"), nullable=False)
    on: Mapped[date] = mapped_column(Date, nullable=False)
    event: Mapped[str] = mapped_column(String(20), nullable=False)  # joined|left|flagged
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    source_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the inspection, letter, ...

    __table_args__ = (Index("ix_compliant_list_event", "enterprise_id", "on"),)


class ExemptionItem(Synced):
    """轻微违法不予处罚清单: an item, its legal basis and its conditions."""

    __tablename__ = "exemption_item"
    title: Mapped[str] = mapped_column(String(300), nullable=False)
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False)
    conditions: Mapped[str] = mapped_column(Text, nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
