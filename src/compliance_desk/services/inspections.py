"""综合查一次 at the desk and on site: checklists, the random draw, planning with the once-a-year
guard, walking the checklist offline, sign-off, corrections, and the advice letter."""

from __future__ import annotations

import json
import logging
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from compliance_desk.domain import inspections as rules
from compliance_desk.domain.errors import DomainError, NotFound, ValidationError
from compliance_desk.domain.front_desk import ManagementArea
from compliance_desk.domain.ids import seed_id
from compliance_desk.domain.inspections import InspectionStatus, ItemResult, RiskLevel
from compliance_desk.domain.roles import Permission, allows
from compliance_desk.persistence.inspection_models import (
    Checklist,
    ChecklistItem,
    Inspection,
    InspectionDraw,
    InspectionItem,
    Rectification,
)
from compliance_desk.persistence.models import Attachment, Enterprise, Industry
from compliance_desk.services import compliant_list, inspection_draw, no_penalty
from compliance_desk.services.context import CurrentUser, ServiceContext
from compliance_desk.services.inspection_draw import DrawAudit, DrawView

if TYPE_CHECKING:
    from compliance_desk.services.photo_import import FolderImport

log = logging.getLogger("compliance_desk.inspections")


@dataclass(frozen=True)
class ChecklistView:
    id: uuid.UUID
    industry_id: uuid.UUID | None
    version: int
    title: str
    items: list[tuple[uuid.UUID, str, str, str, str]]  # id, code, area label, text, basis


@dataclass(frozen=True)
class ItemView:
    id: uuid.UUID  # the inspection item
    code: str
    area: str
    text: str
    result: ItemResult | None
    risk: RiskLevel | None
    description: str
    legal_basis: str
    photos: int
    row_version: int
    exemption_id: uuid.UUID | None = None  # matched to the minor-violation exemption list


@dataclass(frozen=True)
class InspectionView:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    enterprise_name: str
    planned_on: date
    status: InspectionStatus
    checklist_version: int
    representative: str
    override_reason: str
    items: list[ItemView]
    corrects_id: uuid.UUID | None
    row_version: int
    cancel_reason: str = ""

    @property
    def findings(self) -> list[ItemView]:
        return [i for i in self.items if i.result == ItemResult.FINDING]


@dataclass(frozen=True)
class InspectionRow:
    id: uuid.UUID
    planned_on: date
    enterprise_name: str
    status: InspectionStatus
    answered: int
    items: int
    findings: int


class InspectionService:
    def __init__(self, ctx: ServiceContext, letters: Any) -> None:
        self.ctx = ctx
        self.letters = letters  # LetterService: drafts the advice letter

    def today(self) -> date:
        from compliance_desk.domain.local_time import local_date

        return local_date(self.ctx.clock())

    # -- checklists -----------------------------------------------------------------------

    @staticmethod
    def seed_checklists(session: Session) -> bool:
        """Version 1 of each industry's checklist, from resources/checklists."""
        from compliance_desk.paths import resources_dir

        added = False
        for path in sorted((resources_dir() / "checklists").glob("*.json")):
            spec = json.loads(path.read_text(encoding="utf-8"))
            industry = session.scalars(
                select(Industry).where(Industry.code == spec["industry"])
            ).first()
            if industry is None:
                continue
            exists = session.scalar(
                select(Checklist.id).where(Checklist.industry_id == industry.id)
            )
            if exists is not None:
                continue
            checklist = Checklist(id=seed_id("checklist", industry.code, "1"),
                                  industry_id=industry.id, version=1, title=spec["title"],
                                  note="随系统安装的初始版本")  # fmt: skip
            session.add(checklist)
            session.flush()
            _add_items(session, checklist.id, spec["items"], seeded=True)
            added = True
        return added

    def checklist(self, user: CurrentUser, industry_id: uuid.UUID | None) -> ChecklistView:
        user.require(Permission.INSPECTION_VIEW)
        with self.ctx.uow(user) as uow:
            return _checklist_view(uow.session, self._latest(uow.session, industry_id))

    def save_checklist(
        self, user: CurrentUser, industry_id: uuid.UUID | None, items: list[dict[str, str]],
        note: str,
    ) -> ChecklistView:  # fmt: skip
        """A new version; inspections keep the version they were planned with."""
        user.require(Permission.INSPECTION_ADMIN)
        problems = []
        for n, item in enumerate(items, start=1):
            if item.get("area") not in {a.value for a in ManagementArea}:
                problems.append(f"第 {n} 项的管理领域不对")
            if not str(item.get("text", "")).strip():
                problems.append(f"第 {n} 项没有检查内容")
            if not str(item.get("legal_basis", "")).strip():
                problems.append(f"第 {n} 项没有法律依据")
        if not items:
            problems.append("检查清单至少要有一项")
        if not note.strip():
            problems.append("请写明修改说明")
        if problems:
            raise DomainError("检查清单未保存：" + "；".join(problems), f"checklist: {problems}")
        with self.ctx.uow(user) as uow:
            s = uow.session
            current = self._latest(s, industry_id)
            new = Checklist(industry_id=industry_id, version=current.version + 1,
                            title=current.title, note=note.strip())  # fmt: skip
            s.add(new)
            s.flush()
            _add_items(s, new.id, items)
            uow.commit()
            return _checklist_view(s, new)

    def _latest(self, s: Session, industry_id: uuid.UUID | None) -> Checklist:
        query = select(Checklist).where(Checklist.deleted_at.is_(None))
        if industry_id is not None:
            query = query.where(Checklist.industry_id == industry_id)
        row = s.scalars(query.order_by(Checklist.version.desc()).limit(1)).first()
        if row is None:
            raise NotFound("该产业还没有检查清单", f"no checklist for industry {industry_id}")
        return row

    # -- the draw -------------------------------------------------------------------------

    def draw(
        self, user: CurrentUser, centre_id: uuid.UUID, count: int, seed: int | None = None
    ) -> DrawView:
        """双随机: ``count`` enterprises of the centre (the compliant list at a lower ratio, the
        ones the once-a-year guard would refuse left out) and two of the centre's inspectors,
        recorded with the seed and the pool so anyone can redo it."""
        user.require(Permission.INSPECTION_EDIT)
        seed = secrets.randbelow(2**31) if seed is None else seed
        return inspection_draw.draw(self.ctx, user, centre_id, count, seed, self.today())

    def audit_draw(self, user: CurrentUser, draw_id: uuid.UUID) -> DrawAudit:
        """Re-run a recorded draw from its record and say whether the result is the same."""
        user.require(Permission.INSPECTION_VIEW)
        return inspection_draw.audit(self.ctx, user, draw_id)

    # -- planning -------------------------------------------------------------------------

    def plan(
        self,
        user: CurrentUser,
        enterprise_id: uuid.UUID,
        planned_on: date,
        department_ids: list[uuid.UUID],
        inspector_ids: list[uuid.UUID],
        *,
        draw_id: uuid.UUID | None = None,
        override_reason: str = "",
    ) -> InspectionView:
        user.require(Permission.INSPECTION_EDIT)
        self._check_day(planned_on)
        if override_reason.strip() and not allows(user.role, Permission.INSPECTION_ADMIN):
            raise DomainError("只有管理员可以破例安排一年内的第二次检查",
                              "override needs the administrator")  # fmt: skip
        if not department_ids:
            raise DomainError("请选择参加联合检查的部门", "no departments")
        inspector_ids = inspector_ids or [user.id]  # at least the person planning it
        with self.ctx.uow(user) as uow:
            s = uow.session
            enterprise = s.get(Enterprise, enterprise_id)
            if enterprise is None or enterprise.deleted_at is not None:
                raise NotFound("找不到该企业", f"enterprise {enterprise_id}")
            if draw_id is not None:
                self._drawn(s, draw_id, enterprise_id)
            self._not_twice_a_day(s, enterprise_id, planned_on)
            reason = self._guard(s, enterprise_id, planned_on, override_reason)
            checklist = self._latest(s, enterprise.industry_id)
            row = Inspection(
                enterprise_id=enterprise_id, draw_id=draw_id, checklist_id=checklist.id,
                planned_on=planned_on, status=InspectionStatus.PLANNED.value,
                department_ids=[str(d) for d in department_ids],
                inspector_ids=[str(i) for i in inspector_ids], override_reason=reason,
            )  # fmt: skip
            s.add(row)
            s.flush()
            for item_id in s.scalars(
                select(ChecklistItem.id).where(ChecklistItem.checklist_id == checklist.id)
                .order_by(ChecklistItem.created_at)
            ):  # fmt: skip
                s.add(InspectionItem(inspection_id=row.id, item_id=item_id))
            uow.commit()
            if reason:
                log.warning("yearly guard overridden for %s by %s: %s", enterprise_id,
                            user.username, reason)  # fmt: skip
            return self._view(s, row)

    def _guard(
        self, s: Session, enterprise_id: uuid.UUID, day: date, override_reason: str,
        but: uuid.UUID | None = None,
    ) -> str:  # fmt: skip
        """The once-a-year guard for an inspection on ``day`` (``but``: the one moved)."""
        on_list = compliant_list.status_on(s, enterprise_id, day) in ("joined", "flagged")
        last = self._last_inspected(s, enterprise_id, day, but)
        return rules.yearly_guard(on_list, last, day, override_reason)

    def _last_inspected(
        self, s: Session, enterprise_id: uuid.UUID, before: date, but: uuid.UUID | None = None
    ) -> date | None:
        """The latest other comprehensive inspection within a year before or after ``before``:
        planned, under way or signed (a signed correction counts, the inspection it replaced
        does not, nor one called off)."""
        query = select(Inspection.planned_on).where(
            Inspection.enterprise_id == enterprise_id,
            Inspection.deleted_at.is_(None),
            Inspection.status.in_(inspection_draw.COUNTED),
        )
        if but is not None:
            query = query.where(Inspection.id != but)
        near = [d for d in s.scalars(query) if abs((before - d).days) < 366]
        return max(near) if near else None

    @staticmethod
    def _drawn(s: Session, draw_id: uuid.UUID, enterprise_id: uuid.UUID) -> None:
        """An inspection carries a draw's id only for an enterprise that draw chose: one added
        by hand to the plan is planned on its own (the record of the draw stays true)."""
        record = s.get(InspectionDraw, draw_id)
        if record is None or str(enterprise_id) not in record.enterprise_ids:
            raise DomainError("该企业不是本次随机抽取的结果，不能记入本次抽查；请单独安排检查",
                              f"enterprise {enterprise_id} not drawn in {draw_id}")  # fmt: skip

    @staticmethod
    def _not_twice_a_day(
        s: Session, enterprise_id: uuid.UUID, day: date, but: uuid.UUID | None = None
    ) -> None:
        query = select(Inspection.id).where(
            Inspection.enterprise_id == enterprise_id, Inspection.planned_on == day,
            Inspection.deleted_at.is_(None), Inspection.corrects_id.is_(None),
            Inspection.status.in_(inspection_draw.COUNTED),
        )  # fmt: skip
        if but is not None:
            query = query.where(Inspection.id != but)
        if s.scalars(query.limit(1)).first() is not None:
            raise DomainError(f"该企业 {day.isoformat()} 已安排了检查，不能重复安排",
                              f"enterprise {enterprise_id} already inspected on {day}")  # fmt: skip

    def reschedule(
        self, user: CurrentUser, inspection_id: uuid.UUID, day: date, override_reason: str = ""
    ) -> InspectionView:
        """A planned inspection moved to another day (the inspectors go earlier or later): the
        same checks as planning it, itself left out of the once-a-year guard."""
        user.require(Permission.INSPECTION_EDIT)
        self._check_day(day)
        with self.ctx.uow(user) as uow:
            s = uow.session
            row = self._row(s, inspection_id)
            if row.status != InspectionStatus.PLANNED or row.corrects_id is not None:
                raise DomainError("只有尚未开始的计划检查可以改期",
                                  f"inspection {row.id} is {row.status}")  # fmt: skip
            if override_reason.strip() and not allows(user.role, Permission.INSPECTION_ADMIN):
                raise DomainError("只有管理员可以破例安排一年内的第二次检查",
                                  "override needs the administrator")  # fmt: skip
            if row.planned_on == day:
                return self._view(s, row)
            self._not_twice_a_day(s, row.enterprise_id, day, but=row.id)
            reason = self._guard(s, row.enterprise_id, day,
                                 override_reason or row.override_reason, but=row.id)  # fmt: skip
            log.info("inspection %s moved from %s to %s by %s", row.id, row.planned_on, day,
                     user.username)  # fmt: skip
            row.planned_on, row.override_reason = day, reason
            uow.commit()
            return self._view(s, row)

    def cancel(self, user: CurrentUser, inspection_id: uuid.UUID, reason: str) -> InspectionView:
        """Called off before it began (planned by mistake, the enterprise closed): kept with
        its reason, no longer the year's inspection of the enterprise.  Once an answer is
        recorded it is under way: it is signed as found, never called off (findings would go
        with it and the enterprise be inspected again clean)."""
        from compliance_desk.domain.text import clean_line, unprintable_problem

        user.require(Permission.INSPECTION_EDIT)
        reason = clean_line(reason)
        if not reason:
            raise ValidationError({"reason": "请写明取消检查的原因"})
        if wrong := unprintable_problem("取消原因", reason):
            raise ValidationError({"reason": wrong})
        if len(reason) > 500:
            raise ValidationError({"reason": f"取消原因过长（{len(reason)} 字，最多 500 字）"})
        with self.ctx.uow(user) as uow:
            s = uow.session
            row = self._row(s, inspection_id)
            self._must_be_open(row)
            if row.status != InspectionStatus.PLANNED or row.corrects_id is not None:
                raise DomainError("检查已开始记录，不能取消：请如实记录并签字确认",
                                  f"inspection {row.id} is {row.status}: not cancelled")  # fmt: skip
            row.status = InspectionStatus.CANCELLED.value
            row.cancel_reason = reason
            uow.commit()
            log.info("inspection %s cancelled by %s", row.id, user.username)
            return self._view(s, row)

    # -- on site --------------------------------------------------------------------------

    def inspection(self, user: CurrentUser, inspection_id: uuid.UUID) -> InspectionView:
        user.require(Permission.INSPECTION_VIEW)
        with self.ctx.uow(user) as uow:
            return self._view(uow.session, self._row(uow.session, inspection_id))

    def recent(self, user: CurrentUser, limit: int = 500) -> list[InspectionRow]:
        """Inspections, the planned and open first, then the latest."""
        user.require(Permission.INSPECTION_VIEW)
        from sqlalchemy import case, func

        with self.ctx.uow(user) as uow:
            s = uow.session
            counts = (
                select(
                    InspectionItem.inspection_id,
                    func.count().label("n_items"),
                    func.count(InspectionItem.result).label("n_answered"),
                    func.sum(case((InspectionItem.result == ItemResult.FINDING.value, 1),
                                  else_=0)).label("n_findings"),
                )
                .group_by(InspectionItem.inspection_id)
                .subquery()
            )  # fmt: skip
            open_first = case((Inspection.status.in_(("planned", "in_progress")), 0), else_=1)
            rows = s.execute(
                select(Inspection, Enterprise.name, counts.c.n_items, counts.c.n_answered,
                       counts.c.n_findings)
                .join(Enterprise, Enterprise.id == Inspection.enterprise_id)
                .outerjoin(counts, counts.c.inspection_id == Inspection.id)
                .where(Inspection.deleted_at.is_(None))
                .order_by(open_first, Inspection.planned_on.desc())
                .limit(limit)
            )  # fmt: skip
            return [InspectionRow(r.id, r.planned_on, name, InspectionStatus(r.status),
                                  answered or 0, items or 0, int(findings or 0))
                    for r, name, items, answered, findings in rows]  # fmt: skip

    def for_enterprise(self, user: CurrentUser, enterprise_id: uuid.UUID) -> list[InspectionView]:
        user.require(Permission.INSPECTION_VIEW)
        with self.ctx.uow(user) as uow:
            rows = uow.session.scalars(
                select(Inspection).where(Inspection.enterprise_id == enterprise_id,
                                         Inspection.deleted_at.is_(None))
                .order_by(Inspection.planned_on.desc())
            )  # fmt: skip
            return [self._view(uow.session, r) for r in rows]

    def record(
        self,
        user: CurrentUser,
        item_id: uuid.UUID,
        result: ItemResult,
        *,
        risk: RiskLevel | None = None,
        description: str = "",
        legal_basis: str | None = None,
        exemption_id: uuid.UUID | None = None,
    ) -> ItemView:
        """Answer one checklist item (passed, finding, not applicable), offline."""
        user.require(Permission.INSPECTION_EDIT)
        with self.ctx.uow(user) as uow:
            s = uow.session
            item = s.get(InspectionItem, item_id)
            if item is None:
                raise NotFound("找不到该检查项", f"inspection item {item_id}")
            inspection = self._row(s, item.inspection_id)
            self._must_be_open(inspection)
            spec = s.get(ChecklistItem, item.item_id)
            if result == ItemResult.FINDING and exemption_id not in (None, item.exemption_id):
                _check_exemption(s, exemption_id)  # a match made earlier stays as it was
            item.result = result.value
            if result == ItemResult.FINDING:
                item.risk = risk.value if risk else None
                item.description = description.strip()
                item.legal_basis = (legal_basis if legal_basis is not None else
                                    (spec.legal_basis if spec else "")).strip()  # fmt: skip
                item.exemption_id = exemption_id
            else:
                item.risk, item.description, item.exemption_id = None, description.strip(), None
            if inspection.status == InspectionStatus.PLANNED:
                inspection.status = InspectionStatus.IN_PROGRESS.value
            uow.commit()
            return self._item_view(s, item)

    def attach_photo(self, user: CurrentUser, item_id: uuid.UUID, source: Path) -> uuid.UUID:
        """An evidence photo, stored by its content hash; not an image: refused, nothing kept."""
        user.require(Permission.INSPECTION_EDIT)
        from compliance_desk.services.photos import check_image

        media_type = check_image(source)
        with self.ctx.uow(user) as uow:  # refuse before anything is stored
            item = uow.session.get(InspectionItem, item_id)
            if item is None:
                raise NotFound("找不到该检查项", f"inspection item {item_id}")
            self._must_be_open(self._row(uow.session, item.inspection_id))
        sha, size = self.ctx.blobs().put(source)
        with self.ctx.uow(user) as uow:
            s = uow.session
            item = s.get(InspectionItem, item_id)
            if item is None:
                raise NotFound("找不到该检查项", f"inspection item {item_id}")
            self._must_be_open(self._row(s, item.inspection_id))
            # the same picture twice is one piece of evidence (the folder import skips it too)
            twin = s.execute(
                select(ChecklistItem.code)
                .join(InspectionItem, InspectionItem.item_id == ChecklistItem.id)
                .join(Attachment, Attachment.owner_id == InspectionItem.id)
                .where(InspectionItem.inspection_id == item.inspection_id,
                       Attachment.owner_table == "inspection_item", Attachment.sha256 == sha,
                       Attachment.deleted_at.is_(None))
            ).first()  # fmt: skip
            if twin is not None:
                raise DomainError(f"照片“{source.name}”已附在本次检查的第 {twin[0]} 项，未重复添加",
                                  f"photo {sha[:12]} already in the inspection")  # fmt: skip
            row = Attachment(owner_table="inspection_item", owner_id=item_id, sha256=sha,
                             filename=source.name, size=size, media_type=media_type)  # fmt: skip
            s.add(row)
            uow.commit()
            return row.id

    def import_camera_folder(
        self, user: CurrentUser, item_id: uuid.UUID, folder: Path,
        progress: Callable[[int, int], bool] | None = None,
    ) -> FolderImport:  # fmt: skip
        """A camera folder's photos not yet attached to the inspection (by content hash)."""
        from compliance_desk.services import photo_import

        return photo_import.import_folder(self, user, item_id, folder, progress)

    def photos(self, user: CurrentUser, item_id: uuid.UUID) -> list[Path]:
        return [path for _id, path, _name in self.photo_list(user, item_id)]

    def photo_list(
        self, user: CurrentUser, item_id: uuid.UUID
    ) -> list[tuple[uuid.UUID, Path, str]]:
        """(attachment id, stored file, file name as taken) of the item's photos, in order."""
        user.require(Permission.INSPECTION_VIEW)
        with self.ctx.uow(user) as uow:
            rows = uow.session.execute(
                select(Attachment.id, Attachment.sha256, Attachment.filename)
                .where(Attachment.owner_table == "inspection_item",
                       Attachment.owner_id == item_id, Attachment.deleted_at.is_(None))
                .order_by(Attachment.created_at)
            ).all()  # fmt: skip
            return [(i, self.ctx.blobs().path(sha), name) for i, sha, name in rows]

    def remove_photo(self, user: CurrentUser, attachment_id: uuid.UUID) -> None:
        """A photo attached by mistake taken off its item while the inspection is open (kept
        as deleted, as every record is; once signed the evidence stays)."""
        user.require(Permission.INSPECTION_EDIT)
        with self.ctx.uow(user) as uow:
            s = uow.session
            photo = s.get(Attachment, attachment_id)
            if (
                photo is None
                or photo.deleted_at is not None
                or photo.owner_table != "inspection_item"
            ):
                raise NotFound("找不到该照片", f"photo {attachment_id}")
            item = s.get(InspectionItem, photo.owner_id)
            if item is None:
                raise NotFound("找不到该检查项", f"inspection item {photo.owner_id}")
            self._must_be_open(self._row(s, item.inspection_id))
            photo.deleted_at = self.ctx.clock()
            uow.commit()
            log.info("photo %s removed by %s", attachment_id, user.username)

    def sign(
        self, user: CurrentUser, inspection_id: uuid.UUID, representative: str
    ) -> InspectionView:
        """Sign off: every item answered, findings graded and explained; then locked.  With no
        findings the enterprise joins the compliant list."""
        user.require(Permission.INSPECTION_EDIT)
        with self.ctx.uow(user) as uow:
            s = uow.session
            row = self._row(s, inspection_id)
            self._must_be_open(row)
            view = self._view(s, row)
            records = [rules.ItemRecord(i.code, i.text, i.result, i.risk, i.description,
                                        i.legal_basis) for i in view.items]  # fmt: skip
            problems = rules.sign_off_problems(records, representative)
            if row.planned_on > self.today():
                problems.insert(0, f"检查日期（{row.planned_on.isoformat()}）还未到")
            if problems:
                raise DomainError("还不能签字确认：" + "；".join(problems),
                                  f"sign-off refused: {len(problems)} problem(s)")  # fmt: skip
            row.representative = representative.strip()
            row.status = InspectionStatus.SIGNED.value
            row.signed_at, row.signed_by = self.ctx.clock(), user.id
            today = self.today()  # the list changes the day the inspection is signed
            if row.corrects_id is not None:
                old = self._row(s, row.corrects_id)
                old.status = InspectionStatus.SUPERSEDED.value
                joined_by_old = compliant_list.joined_by(s, old.id)
                if joined_by_old and view.findings:
                    compliant_list.record_event(
                        s, row.enterprise_id, today, "left",
                        f"检查更正后发现问题（{row.planned_on.isoformat()} 综合检查）", row.id,
                    )  # fmt: skip
                if not view.findings:  # nothing left to rectify: its rectification ends
                    for rect in s.scalars(select(Rectification).where(
                            Rectification.inspection_id == old.id, Rectification.status == "open",
                            Rectification.deleted_at.is_(None))):  # fmt: skip
                        rect.status = "withdrawn"
                        ended = f"{today.isoformat()} 检查更正后无问题，整改终止"
                        rect.result_note = (rect.result_note + "\n" if rect.result_note
                                            else "") + ended  # fmt: skip
            # (on the list already: the event says it stays; its 列入日期 does not move)
            if not view.findings and not (
                row.corrects_id is not None and compliant_list.joined_by(s, row.corrects_id)
            ):
                compliant_list.record_event(
                    s, row.enterprise_id, today, "joined",
                    f"合规体检合格（{row.planned_on.isoformat()} 综合检查无问题）", row.id,
                )  # fmt: skip
            uow.commit()
            return self._view(s, row)

    def correct(self, user: CurrentUser, inspection_id: uuid.UUID) -> InspectionView:
        """A signed inspection is locked; a correction is a new inspection linked to it, with
        the answers copied, that replaces it once signed."""
        user.require(Permission.INSPECTION_EDIT)
        with self.ctx.uow(user) as uow:
            s = uow.session
            old = self._row(s, inspection_id)
            if old.status != InspectionStatus.SIGNED:
                raise DomainError("只有已签字确认的检查可以更正", "only signed inspections")
            pending = s.scalar(select(Inspection.id).where(
                Inspection.corrects_id == old.id, Inspection.deleted_at.is_(None),
                Inspection.status.in_((InspectionStatus.PLANNED.value,
                                       InspectionStatus.IN_PROGRESS.value))))  # fmt: skip
            if pending is not None:
                raise DomainError("该检查已有一份未签字的更正，请在那份更正上继续",
                                  f"inspection {old.id} already has an open correction")  # fmt: skip
            new = Inspection(
                enterprise_id=old.enterprise_id, draw_id=old.draw_id,
                checklist_id=old.checklist_id, planned_on=old.planned_on,
                status=InspectionStatus.IN_PROGRESS.value, department_ids=old.department_ids,
                inspector_ids=old.inspector_ids, representative=old.representative,
                override_reason=old.override_reason, corrects_id=old.id,
            )  # fmt: skip
            s.add(new)
            s.flush()
            for item in s.scalars(select(InspectionItem).where(
                    InspectionItem.inspection_id == old.id)):  # fmt: skip
                copy = InspectionItem(inspection_id=new.id, item_id=item.item_id,
                                      result=item.result, risk=item.risk,
                                      description=item.description,
                                      legal_basis=item.legal_basis,
                                      exemption_id=item.exemption_id)  # fmt: skip
                s.add(copy)
                s.flush()
                for photo in s.scalars(select(Attachment).where(  # the evidence goes along
                        Attachment.owner_table == "inspection_item",
                        Attachment.owner_id == item.id, Attachment.deleted_at.is_(None))):  # fmt: skip
                    s.add(Attachment(owner_table="inspection_item", owner_id=copy.id,
                                     sha256=photo.sha256, filename=photo.filename,
                                     size=photo.size, media_type=photo.media_type))  # fmt: skip
            uow.commit()
            return self._view(s, new)

    # -- the advice letter and rectification ----------------------------------------------

    def advice_data(self, user: CurrentUser, inspection_id: uuid.UUID) -> dict[str, Any]:
        """The advice letter's data from the signed inspection's findings, the deadline the
        longest default of their risk levels (a setting), never under three months."""
        user.require(Permission.INSPECTION_VIEW)
        from compliance_desk.documents import legal_values

        with self.ctx.uow(user) as uow:
            s = uow.session
            row = self._row(s, inspection_id)
            view = self._view(s, row)
            if row.status != InspectionStatus.SIGNED:
                raise DomainError("检查签字确认后才能出具合规建议书", "inspection not signed")
            if not view.findings:
                raise DomainError("本次检查没有发现问题，无需出具合规建议书", "no findings")
            enterprise = s.get(Enterprise, row.enterprise_id)
            assert enterprise is not None
            months = compliant_list.policy_value(s, "rectification.months")
        issued = self.today()
        minimum = legal_values.load().context(issued)["rectification_min_months"]
        deadline = rules.default_deadline(
            issued, [f.risk for f in view.findings if f.risk], months, minimum
        )
        return {
            "date": issued.isoformat(),
            "party": _party(enterprise),
            "inspection_date": row.planned_on.isoformat(),
            "findings": [
                {"issue": f.description or f.text, "risk_level": f.risk.label if f.risk else "中",
                 "legal_basis": f.legal_basis, "advice": f"对照“{f.text}”的要求整改到位。"}
                for f in view.findings
            ],
            "rectification_deadline": deadline.isoformat(),
        }  # fmt: skip

    def no_penalty_data(
        self, user: CurrentUser, item_id: uuid.UUID, education: str
    ) -> dict[str, Any]:
        """A finding matched to the minor-violation exemption list becomes the data of a
        不予行政处罚决定书, with the education given (art. 33 requires it, so it is required)."""
        user.require(Permission.INSPECTION_VIEW)
        no_penalty.check_education(education)
        with self.ctx.uow(user) as uow:
            s = uow.session
            item = s.get(InspectionItem, item_id)
            if item is None or item.result != ItemResult.FINDING.value:
                raise DomainError("只有“发现问题”的检查项才能适用不予处罚清单", "not a finding")
            if item.exemption_id is None:
                raise DomainError("该问题没有对应不予处罚清单中的事项", "no exemption matched")
            return self._no_penalty(s, self._row(s, item.inspection_id), [item], education)

    def no_penalty_decision_data(
        self, user: CurrentUser, inspection_id: uuid.UUID, education: str
    ) -> dict[str, Any]:
        """The 不予行政处罚决定书 of a signed inspection whose findings all match items of the
        exemption list: one decision naming every finding (a finding that does not match calls
        for the advice letter instead, so it is refused with the items named)."""
        user.require(Permission.INSPECTION_VIEW)
        no_penalty.check_education(education)
        with self.ctx.uow(user) as uow:
            s = uow.session
            row = self._row(s, inspection_id)
            if row.status != InspectionStatus.SIGNED:
                raise DomainError("检查签字确认后才能作出不予处罚决定", "inspection not signed")
            view = self._view(s, row)
            if not view.findings:
                raise DomainError("本次检查没有发现问题，无需作出不予行政处罚决定", "no findings")
            unmatched = [f.code for f in view.findings if f.exemption_id is None]
            if unmatched:
                raise DomainError(
                    f"第 {'、'.join(unmatched)} 项问题没有对应不予处罚清单中的事项，"
                    "不能作出不予行政处罚决定（请在检查记录中对应清单事项，或出具合规建议书）",
                    f"{len(unmatched)} finding(s) without an exemption",
                )
            items = [s.get(InspectionItem, f.id) for f in view.findings]
            return self._no_penalty(s, row, [i for i in items if i is not None], education)

    def _no_penalty(
        self, s: Session, row: Inspection, items: list[InspectionItem], education: str
    ) -> dict[str, Any]:
        from compliance_desk.persistence.inspection_models import ExemptionItem

        if row.status != InspectionStatus.SIGNED:
            raise DomainError("检查签字确认后才能作出不予处罚决定", "inspection not signed")
        enterprise = s.get(Enterprise, row.enterprise_id)
        assert enterprise is not None
        findings = []
        for item in items:
            spec = s.get(ChecklistItem, item.item_id)
            exemption = s.get(ExemptionItem, item.exemption_id)
            assert spec is not None and exemption is not None
            photos = len(s.scalars(select(Attachment.id).where(
                Attachment.owner_table == "inspection_item", Attachment.owner_id == item.id,
                Attachment.deleted_at.is_(None))).all())  # fmt: skip
            findings.append(no_penalty.ExemptFinding(
                item.description or spec.text, item.legal_basis or spec.legal_basis, photos,
                exemption.title, exemption.legal_basis, exemption.conditions))  # fmt: skip
        return no_penalty.decision_data(self.today(), _party(enterprise), row.planned_on,
                                        findings, education)  # fmt: skip

    def start_rectification(
        self, user: CurrentUser, inspection_id: uuid.UUID, deadline: date,
        letter_id: uuid.UUID | None = None,
    ) -> uuid.UUID:  # fmt: skip
        """Open the rectification the advice letter gives (at least three months)."""
        user.require(Permission.INSPECTION_EDIT)
        from compliance_desk.documents import legal_values

        issued = self.today()
        rules.check_deadline(issued, deadline,
                             legal_values.load().context(issued)["rectification_min_months"])  # fmt: skip
        with self.ctx.uow(user) as uow:
            s = uow.session
            row = self._row(s, inspection_id)
            if row.status == InspectionStatus.SUPERSEDED:
                raise DomainError("该检查已被更正，请在更正后的检查上安排整改",
                                  f"inspection {row.id} is superseded")  # fmt: skip
            if row.status != InspectionStatus.SIGNED:
                raise DomainError("检查签字确认后才能安排整改", "inspection not signed")
            running = s.scalars(
                select(Rectification).where(
                    Rectification.inspection_id == row.id,
                    Rectification.status == "open",
                    Rectification.deleted_at.is_(None),
                )
            ).first()
            if running is not None:
                raise DomainError(
                    f"该检查已有整改在进行中（期限 {running.deadline.isoformat()}），不能再次安排",
                    f"inspection {row.id} has rectification {running.id} open",
                )
            rect = Rectification(inspection_id=row.id, enterprise_id=row.enterprise_id,
                                 letter_id=letter_id, deadline=deadline, status="open")  # fmt: skip
            s.add(rect)
            uow.commit()
            return rect.id

    # -- helpers --------------------------------------------------------------------------

    def _check_day(self, day: date) -> None:
        today = self.today()
        if not rules.add_months(today, -24) <= day <= rules.add_months(today, 24):
            raise DomainError(
                f"检查日期（{day.isoformat()}）不合理：应在两年前至两年后之间",
                f"inspection planned on {day}",
            )

    def _row(self, s: Session, inspection_id: uuid.UUID) -> Inspection:
        row = s.get(Inspection, inspection_id)
        if row is None or row.deleted_at is not None:
            raise NotFound("找不到该检查", f"inspection {inspection_id}")
        return row

    @staticmethod
    def _must_be_open(row: Inspection) -> None:
        if row.status == InspectionStatus.CANCELLED:
            raise DomainError(f"该检查已取消（{row.cancel_reason}），不能再修改",
                              f"inspection {row.id} is cancelled")  # fmt: skip
        if row.status in (InspectionStatus.SIGNED, InspectionStatus.SUPERSEDED):
            raise DomainError("该检查已签字确认，不能再修改；如有错误请更正（生成新的检查记录）",
                              f"inspection {row.id} is {row.status}")  # fmt: skip

    def _item_view(self, s: Session, item: InspectionItem) -> ItemView:
        spec = s.get(ChecklistItem, item.item_id)
        assert spec is not None
        photos = len(s.scalars(select(Attachment.id).where(
            Attachment.owner_table == "inspection_item", Attachment.owner_id == item.id,
            Attachment.deleted_at.is_(None))).all())  # fmt: skip
        return ItemView(item.id, spec.code, ManagementArea(spec.area).label, spec.text,
                        ItemResult(item.result) if item.result else None,
                        RiskLevel(item.risk) if item.risk else None, item.description,
                        item.legal_basis, photos, item.row_version, item.exemption_id)  # fmt: skip

    def _view(self, s: Session, row: Inspection) -> InspectionView:
        enterprise = s.get(Enterprise, row.enterprise_id)
        checklist = s.get(Checklist, row.checklist_id)
        specs = {c.id: c for c in s.scalars(select(ChecklistItem).where(
            ChecklistItem.checklist_id == row.checklist_id))}  # fmt: skip
        photo_counts: dict[uuid.UUID, int] = {}
        items = s.scalars(select(InspectionItem).where(InspectionItem.inspection_id == row.id))
        rows = sorted(items, key=lambda i: _code_key(specs[i.item_id].code))
        for owner in s.scalars(select(Attachment.owner_id).where(
                Attachment.owner_table == "inspection_item", Attachment.deleted_at.is_(None),
                Attachment.owner_id.in_([i.id for i in rows] or [uuid.uuid4()]))):  # fmt: skip
            photo_counts[owner] = photo_counts.get(owner, 0) + 1
        views = []
        for item in rows:
            spec = specs[item.item_id]
            views.append(ItemView(item.id, spec.code, ManagementArea(spec.area).label, spec.text,
                                  ItemResult(item.result) if item.result else None,
                                  RiskLevel(item.risk) if item.risk else None, item.description,
                                  item.legal_basis, photo_counts.get(item.id, 0),
                                  item.row_version, item.exemption_id))  # fmt: skip
        return InspectionView(row.id, row.enterprise_id, enterprise.name if enterprise else "",
                              row.planned_on, InspectionStatus(row.status),
                              checklist.version if checklist else 0, row.representative,
                              row.override_reason, views, row.corrects_id,
                              row.row_version, row.cancel_reason)  # fmt: skip


def _check_exemption(s: Session, exemption_id: uuid.UUID) -> None:
    from compliance_desk.persistence.inspection_models import ExemptionItem

    exemption = s.get(ExemptionItem, exemption_id)
    if exemption is None or not exemption.active or exemption.deleted_at is not None:
        raise DomainError("不予处罚清单中没有该事项（可能已停用），未保存",
                          f"exemption {exemption_id} not active")  # fmt: skip


def _party(enterprise: Enterprise) -> dict[str, str]:
    """The letter's party from the register (an address the register lacks is said so)."""
    return {"name": enterprise.name, "uscc": enterprise.uscc,
            "address": enterprise.address or "（未登记）",
            "legal_representative": enterprise.legal_representative}  # fmt: skip


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(p) for p in code.split(".") if p.isdigit())


def _add_items(
    s: Session, checklist_id: uuid.UUID, items: list[dict[str, str]], seeded: bool = False
) -> None:
    numbers: dict[str, int] = {}
    areas = [a.value for a in ManagementArea]
    for item in items:
        area = item["area"]
        numbers[area] = numbers.get(area, 0) + 1
        code = f"{areas.index(area) + 1}.{numbers[area]}"
        item_id = seed_id("checklist_item", str(checklist_id), code) if seeded else None
        s.add(ChecklistItem(id=item_id, checklist_id=checklist_id, code=code, area=area,
                            text=item["text"].strip(), legal_basis=item["legal_basis"].strip()))  # fmt: skip


def _checklist_view(s: Session, c: Checklist) -> ChecklistView:
    items = sorted(s.scalars(select(ChecklistItem).where(ChecklistItem.checklist_id == c.id)),
                   key=lambda i: _code_key(i.code))  # fmt: skip
    return ChecklistView(c.id, c.industry_id, c.version, c.title,
                         [(i.id, i.code, ManagementArea(i.area).label, i.text, i.legal_basis)
                          for i in items])  # fmt: skip
