"""Plain data the GUI and the CLI get back from services (never ORM objects)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row

from compliance_desk.domain.enterprise import EnterpriseDraft, EnterpriseSize
from compliance_desk.persistence.models import Enterprise


@dataclass(frozen=True)
class EnterpriseView:
    id: uuid.UUID
    row_version: int
    name: str
    uscc: str
    industry_id: uuid.UUID | None
    industry_name: str
    centre_id: uuid.UUID | None
    centre_name: str
    chamber_id: uuid.UUID | None
    chamber_name: str
    address: str
    legal_representative: str
    contact_person: str
    contact_phone: str
    size: EnterpriseSize | None
    settled_on: date | None
    on_compliant_list: bool
    is_model: bool
    notes: str
    created_at: datetime
    updated_at: datetime
    deleted: bool

    @classmethod
    def placeholder(cls, enterprise_id: uuid.UUID, name: str, deleted: bool) -> EnterpriseView:
        """A row with nothing but a name: for a record that vanished under an open table."""
        now = datetime.now(UTC)
        return cls(
            id=enterprise_id, row_version=0, name=name, uscc="", industry_id=None,
            industry_name="", centre_id=None, centre_name="", chamber_id=None, chamber_name="",
            address="", legal_representative="", contact_person="", contact_phone="", size=None,
            settled_on=None, on_compliant_list=False, is_model=False, notes="", created_at=now,
            updated_at=now, deleted=deleted,
        )  # fmt: skip

    def to_draft(self) -> EnterpriseDraft:
        return EnterpriseDraft(
            name=self.name,
            uscc=self.uscc,
            industry_id=self.industry_id,
            centre_id=self.centre_id,
            chamber_id=self.chamber_id,
            address=self.address,
            legal_representative=self.legal_representative,
            contact_person=self.contact_person,
            contact_phone=self.contact_phone,
            size=self.size,
            settled_on=self.settled_on,
            on_compliant_list=self.on_compliant_list,
            is_model=self.is_model,
            notes=self.notes,
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "uscc": self.uscc,
            "industry": self.industry_name,
            "centre": self.centre_name,
            "chamber": self.chamber_name,
            "address": self.address,
            "legal_representative": self.legal_representative,
            "contact_person": self.contact_person,
            "contact_phone": self.contact_phone,
            "size": self.size.value if self.size else None,
            "settled_on": self.settled_on.isoformat() if self.settled_on else None,
            "on_compliant_list": self.on_compliant_list,
            "is_model": self.is_model,
            "notes": self.notes,
        }


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    user_name: str
    action: str
    summary: str


def enterprise_view(e: Enterprise | Row[Any], names: dict[uuid.UUID, str]) -> EnterpriseView:
    """From an entity or a plain row of the enterprise table (same attribute names)."""

    def name_of(key: uuid.UUID | None) -> str:
        return names.get(key, "") if key else ""

    return EnterpriseView(
        id=e.id,
        row_version=e.row_version,
        name=e.name,
        uscc=e.uscc,
        industry_id=e.industry_id,
        industry_name=name_of(e.industry_id),
        centre_id=e.centre_id,
        centre_name=name_of(e.centre_id),
        chamber_id=e.chamber_id,
        chamber_name=name_of(e.chamber_id),
        address=e.address,
        legal_representative=e.legal_representative,
        contact_person=e.contact_person,
        contact_phone=e.contact_phone,
        size=EnterpriseSize(e.size) if e.size else None,
        settled_on=e.settled_on,
        on_compliant_list=e.on_compliant_list,
        is_model=e.is_model,
        notes=e.notes,
        created_at=e.created_at,
        updated_at=e.updated_at,
        deleted=e.deleted_at is not None,
    )
