"""Centres, compliance points, industries, departments and chambers: data, edited by admins."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from compliance_desk.domain.errors import DomainError, NotFound, ValidationError
from compliance_desk.domain.ids import seed_id
from compliance_desk.domain.roles import Permission
from compliance_desk.persistence.lease_models import NumberLease
from compliance_desk.persistence.letter_models import DocumentNumber, Letter
from compliance_desk.persistence.models import (
    Centre,
    Chamber,
    CompliancePoint,
    Department,
    Industry,
    Synced,
)
from compliance_desk.services import seed_data
from compliance_desk.services.context import CurrentUser, ServiceContext

KINDS: dict[str, type[Synced]] = {
    "industry": Industry,
    "centre": Centre,
    "compliance_point": CompliancePoint,
    "department": Department,
    "chamber": Chamber,
}
KIND_LABELS = {
    "industry": "产业",
    "centre": "合规中心",
    "compliance_point": "合规点",
    "department": "部门",
    "chamber": "商会 / 行业协会",
}


@dataclass(frozen=True)
class ReferenceItem:
    id: uuid.UUID
    kind: str
    name: str
    parent_id: uuid.UUID | None
    row_version: int
    number_prefix: str = ""  # a department's, in its letters' numbers (虞市监); "": issues none
    address: str = ""  # a centre's, printed on its appeal receipts with its phone
    phone: str = ""


def _name(row: Synced) -> str:
    value = getattr(row, "name")  # noqa: B009 - every reference table has a name
    assert isinstance(value, str)
    return value


def _parent(row: Synced) -> uuid.UUID | None:
    for attr in ("industry_id", "centre_id"):
        value = getattr(row, attr, None)
        if isinstance(value, uuid.UUID):
            return value
    return None


def seed(session: Session) -> bool:
    """Insert the plan's reference data into an empty database. Returns True if it did."""
    if session.scalar(select(func.count()).select_from(Industry)):
        return False
    # Seeded ids are the same on every installation (domain.ids.seed_id): laptops seeded
    # offline and the shared database agree on the plan's reference data.
    industries = {
        code: Industry(id=seed_id("industry", code), code=code, name=name)
        for code, name in seed_data.INDUSTRIES
    }
    session.add_all(industries.values())
    session.flush()
    centres = {
        code: Centre(
            id=seed_id("centre", code),
            code=code,
            name=name,
            industry_id=industries[ind].id,
            address=address,
        )
        for code, name, ind, address in seed_data.CENTRES
    }
    session.add_all(centres.values())
    session.flush()
    session.add_all(
        CompliancePoint(
            id=seed_id("compliance_point", c, n), centre_id=centres[c].id, name=n, address=""
        )
        for c, n in seed_data.COMPLIANCE_POINTS
    )
    session.add_all(
        Department(id=seed_id("department", c), code=c, name=n, number_prefix=p)
        for c, n, p in seed_data.DEPARTMENTS
    )
    session.add_all(
        Chamber(id=seed_id("chamber", n), name=n, industry_id=industries[i].id if i else None)
        for n, i in seed_data.CHAMBERS
    )
    session.flush()
    return True


class ReferenceService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def items(self, user: CurrentUser | None, kind: str) -> list[ReferenceItem]:
        model = KINDS[kind]
        with self.ctx.uow(user) as uow:
            rows = uow.session.scalars(
                select(model).where(model.deleted_at.is_(None)).order_by(model.created_at)
            )
            return [
                ReferenceItem(
                    r.id,
                    kind,
                    _name(r),
                    _parent(r),
                    r.row_version,
                    str(getattr(r, "number_prefix", "") or ""),
                    str(getattr(r, "address", "") or ""),
                    str(getattr(r, "phone", "") or ""),
                )  # fmt: skip
                for r in rows
            ]

    def rename(self, user: CurrentUser, kind: str, item_id: uuid.UUID, name: str) -> None:
        user.require(Permission.REFERENCE_EDIT)
        name = name.strip()
        if not name:
            raise ValidationError({"name": "名称不能为空"})
        with self.ctx.uow(user) as uow:
            row = uow.session.get(KINDS[kind], item_id)
            if row is None or row.deleted_at is not None:
                raise NotFound("找不到该项目", f"{kind} {item_id} not found")
            _name_free(uow.session, kind, name, item_id)
            setattr(row, "name", name)  # noqa: B010 - every reference table has a name
            uow.commit()
        self.ctx.invalidate_names()

    def set_contact(
        self, user: CurrentUser, centre_id: uuid.UUID, address: str, phone: str
    ) -> None:
        """A centre's address and telephone, for enterprises' questions: its appeal receipts
        print them (咨询电话).  Empty leaves the receipt without."""
        from compliance_desk.domain.phone import numbers_problem
        from compliance_desk.domain.text import clean_line, unprintable_problem

        user.require(Permission.REFERENCE_EDIT)
        address, phone = clean_line(address), clean_line(phone)
        problems = {}
        if wrong := unprintable_problem("地址", address):
            problems["address"] = wrong
        elif len(address) > 500:
            problems["address"] = f"地址过长（{len(address)} 字，最多 500 字）"
        if len(phone) > 60:
            problems["phone"] = f"电话过长（{len(phone)} 字，最多 60 字）"
        elif phone and (wrong := numbers_problem(phone)):
            problems["phone"] = wrong
        if problems:
            raise ValidationError(problems)
        with self.ctx.uow(user) as uow:
            row = uow.session.get(Centre, centre_id)
            if row is None or row.deleted_at is not None:
                raise NotFound("找不到该合规中心", f"centre {centre_id} not found")
            if (row.address, row.phone) == (address, phone):
                return
            row.address, row.phone = address, phone
            uow.commit()
        self.ctx.invalidate_names()

    def set_number_prefix(self, user: CurrentUser, department_id: uuid.UUID, prefix: str) -> None:
        """The prefix of a department's letter numbers (虞市监): a department added without one
        issued no numbered letter and could not be given one.  Unique among live departments;
        not changed once a number was issued or leased under it (``_numbered``)."""
        user.require(Permission.REFERENCE_EDIT)
        prefix = prefix.strip()
        if not prefix or len(prefix) > 10 or not all(c.isalnum() for c in prefix):
            raise ValidationError(
                {"number_prefix": "文号代字须为 1 至 10 个汉字、字母或数字，如“虞市监”"}
            )
        with self.ctx.uow(user) as uow:
            s = uow.session
            row = s.get(Department, department_id)
            if row is None or row.deleted_at is not None:
                raise NotFound("找不到该部门", f"department {department_id} not found")
            if row.number_prefix == prefix:
                return
            taken = s.scalars(select(Department.name).where(
                Department.number_prefix == prefix, Department.deleted_at.is_(None),
                Department.id != department_id)).first()  # fmt: skip
            if taken is not None:
                raise DomainError(f"文号代字“{prefix}”已由“{taken}”使用",
                                  f"number prefix {prefix} taken by {taken}")  # fmt: skip
            if row.number_prefix and self._numbered(s, department_id, row.number_prefix):
                raise DomainError(
                    f"“{row.name}”已有以“{row.number_prefix}”编号的文书，文号代字不能再改",
                    f"department {department_id}: numbers issued under {row.number_prefix}",
                )
            row.number_prefix = prefix
            uow.commit()
        self.ctx.invalidate_names()

    @staticmethod
    def _numbered(s: Session, department_id: uuid.UUID, prefix: str) -> bool:
        """Whether numbers were issued or leased under ``prefix``: by a letter here, in the
        register, or in a device's lease (a laptop's lease of a series whose prefix changed
        could no longer be voided, and its every sync failed)."""
        from compliance_desk.documents.kinds import KINDS  # (its templates: not at start-up)

        series = [prefix + k.series for k in KINDS.values() if k.series]
        issued = select(Letter.id).where(Letter.department_id == department_id,
                                         Letter.number.is_not(None))  # fmt: skip
        for query in (issued, select(DocumentNumber.id).where(DocumentNumber.prefix.in_(series)),
                      select(NumberLease.id).where(NumberLease.prefix.in_(series))):  # fmt: skip
            if s.scalars(query.limit(1)).first() is not None:
                return True
        return False

    def add(
        self, user: CurrentUser, kind: str, name: str, parent_id: uuid.UUID | None = None
    ) -> ReferenceItem:
        user.require(Permission.REFERENCE_EDIT)
        name = name.strip()
        if not name:
            raise ValidationError({"name": "名称不能为空"})
        if kind not in KINDS:
            raise ValueError(f"unknown reference kind {kind!r}")
        with self.ctx.uow(user) as uow:
            _name_free(uow.session, kind, name)
            if kind == "industry":
                row: Synced = Industry(code=name, name=name)
            elif kind == "centre":
                row = Centre(code=name, name=name, industry_id=parent_id, address="")
            elif kind == "compliance_point":
                if parent_id is None:
                    raise ValidationError({"centre_id": "合规点须属于一个合规中心"})
                row = CompliancePoint(centre_id=parent_id, name=name, address="")
            elif kind == "department":
                row = Department(code=name, name=name, number_prefix="")
            else:
                row = Chamber(name=name, industry_id=parent_id)
            uow.session.add(row)
            uow.commit()
            self.ctx.invalidate_names()
            return ReferenceItem(row.id, kind, name, _parent(row), row.row_version)

    def retire(self, user: CurrentUser, kind: str, item_id: uuid.UUID) -> None:
        user.require(Permission.REFERENCE_EDIT)
        with self.ctx.uow(user) as uow:
            row = uow.session.get(KINDS[kind], item_id)
            if row is None or row.deleted_at is not None:
                raise NotFound("找不到该项目", f"{kind} {item_id} not found")
            assert isinstance(row, Synced)
            row.deleted_at = self.ctx.clock()
            uow.commit()
        self.ctx.invalidate_names()

    def lookup(self, user: CurrentUser | None, kind: str) -> dict[str, uuid.UUID]:
        """Name -> id, for importers that receive names."""
        return {item.name: item.id for item in self.items(user, kind)}


def _name_free(session: Session, kind: str, name: str, but: uuid.UUID | None = None) -> None:
    """Names are how people, ledgers and the importer tell reference items apart: a second
    live item of the same kind and name (a department renamed to another's) is refused."""
    model = KINDS[kind]
    columns = model.__table__.c
    # the name, and the code made from it (industries, centres, departments: code = name)
    found = (columns.name, columns.get("code"))
    lengths = [getattr(c.type, "length", None) for c in found if c is not None]
    limit = min([n for n in lengths if n] or [100])
    if len(name) > limit:
        raise ValidationError({"name": f"名称过长（最多{limit}个字）"})
    if kind == "compliance_point":  # named within their centre: two centres may share one
        return
    named = columns.name  # every reference table has a name
    query = select(model.id).where(named == name, model.deleted_at.is_(None))
    if but is not None:
        query = query.where(model.id != but)
    if session.scalar(query.limit(1)) is not None:
        raise ValidationError({"name": f"已有名为“{name}”的{KIND_LABELS[kind]}"})
