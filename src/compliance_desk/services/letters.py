"""Letters at the desk: draft, preview, approve (number + signature + frozen PDF), correct, void,
verify, and print the 三书同达 bundle.  Rendering itself is documents.render (pure)."""

from __future__ import annotations

import hashlib
import logging
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from compliance_desk.domain.appeal_workflow import AppealState
from compliance_desk.domain.errors import ConcurrentEdit, DomainError, NotFound
from compliance_desk.domain.ids import seed_id
from compliance_desk.domain.letters import LetterStatus
from compliance_desk.domain.local_time import local_date
from compliance_desk.domain.roles import Permission
from compliance_desk.domain.text import to_halfwidth
from compliance_desk.lazy import lazy
from compliance_desk.persistence.letter_models import DocumentNumber, LetterTemplate
from compliance_desk.persistence.letter_models import Letter as LetterRow
from compliance_desk.persistence.models import Appeal, AppUser, Department, Enterprise
from compliance_desk.services import number_leases, numbering, signing_keys
from compliance_desk.services.context import CurrentUser, ServiceContext

# The letters' machinery (reportlab, Jinja, cryptography) loads when a letter is first made.
signing = lazy("compliance_desk.documents.signing")
_kinds = lazy("compliance_desk.documents.kinds")
_render = lazy("compliance_desk.documents.render")
_templates = lazy("compliance_desk.documents.templates")
_fields = lazy("compliance_desk.documents.fields")
if TYPE_CHECKING:
    from compliance_desk.documents.render import Prepared
    from compliance_desk.documents.signing import Reference

log = logging.getLogger("compliance_desk.letters")


# What a new letter takes from its department's last letter (``prefill``).
AUTHORITY_FIELDS = ("authority", "contact_phone", "review_authority", "court")


@dataclass(frozen=True)
class LetterView:
    id: uuid.UUID
    kind: str
    kind_title: str
    status: LetterStatus
    number: str | None
    enterprise_id: uuid.UUID | None
    enterprise_name: str
    case_id: uuid.UUID | None
    data: dict[str, Any]
    template_version: int
    created_at: datetime
    approved_at: datetime | None
    approved_by: str
    corrects_id: uuid.UUID | None
    void_reason: str
    row_version: int
    department_id: uuid.UUID | None = None  # the issuing department (its number series)


@dataclass(frozen=True)
class NumberView:
    number: str
    kind_title: str
    status: str  # 已签发 / 已作废
    void_reason: str
    enterprise_name: str
    issued_at: datetime


@dataclass(frozen=True)
class TemplateView:
    kind: str
    version: int
    body: str
    note: str
    created_at: datetime


@dataclass(frozen=True)
class Verification:
    genuine: bool
    message: str  # what to tell the person holding the paper, in Chinese
    letter: LetterView | None = None


SERVICE_FIELDS = ("number", "corrects")  # given by approval, never typed in


def _user_data(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in SERVICE_FIELDS}


def _jsonable(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _jsonable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_jsonable(v) for v in data]
    if isinstance(data, date):
        return data.isoformat()
    return data


SHIPPED = "随系统安装的初始版本"
UPGRADED = "随系统升级更新的措辞"


class LetterService:
    def __init__(self, ctx: ServiceContext, keys: signing_keys.KeyStore) -> None:
        self.ctx = ctx
        self.keys = keys
        self._key_published = False
        # Per-role font files from this machine's settings ("fangsong": "C:/…/simfang.ttf"),
        # tried before the system's fonts; set by the app and the CLI at start.
        self.fonts: dict[str, str] = {}
        # Bundles are printed on both sides (GB/T 9704: odd pages' numbers right, even left):
        # each letter starts on a front side, a blank back added after an odd page count
        # (else the advice letter's "— 1 —" was printed on the back of the decision's last page).
        self.duplex = True
        # Keys trusted here besides the published ones, with who holds them (the command
        # line's own key on this machine): key id -> (public key, holder).
        self.extra_keys: dict[str, tuple[bytes, str]] = {}

    # -- templates ------------------------------------------------------------------------

    @staticmethod
    def seed_templates(session: Session) -> bool:
        """Version 1 of every kind's wording, from resources/templates, on a new database; on
        an older one, the wording this release ships as a new version of each kind whose
        latest is still shipped wording (an administrator's own wording is left as it is).
        Ids and versions are the same on every device of a release: seeded, nothing to send."""
        from compliance_desk.paths import resources_dir

        latest: dict[str, LetterTemplate] = {}
        for row in session.scalars(select(LetterTemplate).order_by(LetterTemplate.version)):
            latest[row.kind] = row
        changed = False
        # One file per kind (resources/templates/KIND.txt): read without loading the renderer.
        for path in sorted((resources_dir() / "templates").glob("*.txt")):
            kind, body = path.stem, path.read_text(encoding="utf-8")
            last = latest.get(kind)
            if last is None:
                session.add(LetterTemplate(id=seed_id("letter_template", kind, "1"), kind=kind,
                                           version=1, body=body, note=SHIPPED))  # fmt: skip
                changed = True
            elif last.body != body and last.note in (SHIPPED, UPGRADED) and last.created_by is None:
                new_id = seed_id("letter_template", kind, hashlib.sha256(body.encode()).hexdigest())
                if session.get(LetterTemplate, new_id) is None:  # (never back to an older one)
                    session.add(LetterTemplate(id=new_id, kind=kind, version=last.version + 1,
                                               body=body, note=UPGRADED))  # fmt: skip
                    log.info("letter template %s v%d: this release's wording", kind,
                             last.version + 1)  # fmt: skip
                    changed = True
        return changed

    def _template(self, session: Session, code: str, version: int | None = None) -> LetterTemplate:
        query = select(LetterTemplate).where(
            LetterTemplate.kind == code, LetterTemplate.deleted_at.is_(None)
        )
        if version is not None:
            query = query.where(LetterTemplate.version == version)
        row = session.scalars(query.order_by(LetterTemplate.version.desc()).limit(1)).first()
        if row is None:
            raise NotFound(
                f"找不到{_kinds.kind(code).title}的模板", f"no template {code} v{version}"
            )
        return row

    def templates(self, user: CurrentUser, code: str) -> list[TemplateView]:
        user.require(Permission.LETTER_VIEW)
        with self.ctx.uow(user) as uow:
            rows = uow.session.scalars(
                select(LetterTemplate)
                .where(LetterTemplate.kind == code)
                .order_by(LetterTemplate.version.desc())
            )
            return [TemplateView(r.kind, r.version, r.body, r.note, r.created_at) for r in rows]

    def preview_template(self, code: str, body: str) -> bytes:
        """The kind's sample letter in ``body``'s wording, as a draft: the editor's preview."""
        k = _kinds.kind(code)
        _templates.check(body, code, 0)
        prepared = _render.prepare(_render.LetterRequest(code, k.sample(), body, 0, draft=True))
        # what the shipped wording prints of the sample is what the law asks of the letter
        shipped = _render.prepare(_render.LetterRequest(code, k.sample(), None, 0, draft=True))
        baseline = set(_kinds.missing_content(k, shipped.data, shipped.letter))
        missing = [m for m in _kinds.missing_content(k, prepared.data, prepared.letter)
                   if m not in baseline]  # fmt: skip
        if missing:  # the letter this wording would print lacks what the law asks of it
            raise DomainError(
                f"模板缺少{k.title}必须载明的内容：{'、'.join(missing)}；请保留相应的字段后再保存",
                f"template {code} leaves out {missing}",
            )
        pdf: bytes = _render.render_prepared([prepared], self._fonts())
        return pdf

    def save_template(self, user: CurrentUser, code: str, body: str, note: str) -> TemplateView:
        """A new version; letters already printed keep the version that produced them."""
        user.require(Permission.TEMPLATE_EDIT)
        self.preview_template(code, body)  # refuses wording that does not render
        with self.ctx.uow(user) as uow:
            current = self._template(uow.session, code)
            if current.body == body:
                raise DomainError("模板内容没有变化", f"template {code} unchanged")
            row = LetterTemplate(kind=code, version=current.version + 1, body=body, note=note)
            uow.session.add(row)
            try:
                uow.commit()
            except IntegrityError as exc:
                raise ConcurrentEdit(
                    "另一位管理员刚保存了该模板的新版本，请刷新后在新版本上修改",
                    f"template {code} v{row.version} saved concurrently",
                ) from exc
            log.info("template %s v%d saved by %s", code, row.version, user.username)
            return TemplateView(row.kind, row.version, row.body, row.note, row.created_at)

    # -- drafts ---------------------------------------------------------------------------

    def issuing_departments(self, user: CurrentUser) -> list[tuple[uuid.UUID, str, str]]:
        """(id, name, number prefix) of the departments that issue numbered letters."""
        user.require(Permission.LETTER_VIEW)
        with self.ctx.uow(user) as uow:
            rows = uow.session.execute(
                select(Department.id, Department.name, Department.number_prefix)
                .where(Department.deleted_at.is_(None), Department.number_prefix != "")
                .order_by(Department.created_at)
            )
            return [(i, n, p) for i, n, p in rows]

    def usual_department(self, user: CurrentUser, kind: str) -> uuid.UUID | None:
        """The department that issued the newest letter of ``kind`` (a new draft's default)."""
        user.require(Permission.LETTER_VIEW)
        with self.ctx.uow(user) as uow:
            return uow.session.scalars(
                select(LetterRow.department_id)
                .where(
                    LetterRow.deleted_at.is_(None),
                    LetterRow.kind == kind,
                    LetterRow.department_id.is_not(None),
                )  # fmt: skip
                .order_by(LetterRow.created_at.desc())
                .limit(1)
            ).first()

    def prefill(
        self,
        user: CurrentUser,
        enterprise_id: uuid.UUID | None,
        department_id: uuid.UUID | None,
        kind: str | None = None,
    ) -> dict[str, Any]:
        """A new letter's data as far as the desk knows it: today's date (China's), the party
        from the register, the authority and telephone as the department's last letter had
        them; an advice letter's rectification deadline the shortest the law allows from today
        (it was today, which the letter's own check refuses)."""
        user.require(Permission.LETTER_VIEW)
        today = local_date(self.ctx.clock())
        data: dict[str, Any] = {"date": today.isoformat()}
        if kind is not None and "rectification_deadline" in {
            f.name for f in _kinds.kind(kind).fields
        }:
            from compliance_desk.documents import legal_values
            from compliance_desk.domain.inspections import add_months

            months = legal_values.load().context(today)["rectification_min_months"]
            data["rectification_deadline"] = add_months(today, months).isoformat()
        with self.ctx.uow(user) as uow:
            s = uow.session
            if enterprise_id is not None:
                e = s.get(Enterprise, enterprise_id)
                if e is not None:
                    data["party"] = {"name": e.name, "uscc": e.uscc, "address": e.address,
                                     "legal_representative": e.legal_representative}  # fmt: skip
            if department_id is not None:
                last = s.scalars(
                    select(LetterRow.data)
                    .where(LetterRow.department_id == department_id)
                    .order_by(LetterRow.created_at.desc())
                    .limit(1)
                ).first()
                for key in AUTHORITY_FIELDS:
                    if last and last.get(key):
                        data[key] = last[key]
        return data

    def draft(
        self,
        user: CurrentUser,
        code: str,
        data: dict[str, Any],
        *,
        enterprise_id: uuid.UUID | None = None,
        department_id: uuid.UUID | None = None,
        case_id: uuid.UUID | None = None,
        corrects_id: uuid.UUID | None = None,
    ) -> LetterView:
        """Save a draft.  Incomplete data is allowed (it is checked at preview and approval)."""
        user.require(Permission.LETTER_DRAFT)
        _kinds.kind(code)
        with self.ctx.uow(user) as uow:
            if department_id is not None:
                self._issuing(uow.session, department_id)
            template = self._template(uow.session, code)
            enterprise_id = _party_enterprise(uow.session, data, enterprise_id)
            row = LetterRow(
                kind=code,
                status=LetterStatus.DRAFT.value,
                enterprise_id=enterprise_id,
                department_id=department_id,
                case_id=case_id,
                data=_jsonable(_user_data(data)),
                template_version=template.version,
                corrects_id=corrects_id,
                void_reason="",
            )
            uow.session.add(row)
            uow.commit()
            return self._view(uow.session, row)

    def update_draft(
        self,
        user: CurrentUser,
        letter_id: uuid.UUID,
        data: dict[str, Any],
        row_version: int,
        department_id: uuid.UUID | None = None,
    ) -> LetterView:
        """Save a draft's data; ``department_id``: the issuing department chosen again (its
        number series), None: as it was."""
        user.require(Permission.LETTER_DRAFT)
        with self.ctx.uow(user) as uow:
            row = self._row(uow.session, letter_id)
            self._must_be_draft(row)
            uow.expect_version(row, row_version)
            if department_id is not None and department_id != row.department_id:
                self._issuing(uow.session, department_id)
                row.department_id = department_id
            row.data = _jsonable(_user_data(data))
            # the party chosen again from the register: the letter is linked to it (the
            # list was flagged for the first enterprise, the letter addressed to another)
            row.enterprise_id = _party_enterprise(uow.session, data, row.enterprise_id)
            row.template_version = self._template(uow.session, row.kind).version
            uow.commit()
            return self._view(uow.session, row)

    def letter(self, user: CurrentUser, letter_id: uuid.UUID) -> LetterView:
        user.require(Permission.LETTER_VIEW)
        with self.ctx.uow(user) as uow:
            return self._view(uow.session, self._row(uow.session, letter_id))

    def letters(
        self, user: CurrentUser, case_id: uuid.UUID | None = None, limit: int = 500
    ) -> list[LetterView]:
        user.require(Permission.LETTER_VIEW)
        with self.ctx.uow(user) as uow:
            query = select(LetterRow).where(LetterRow.deleted_at.is_(None))
            if case_id is not None:
                query = query.where(LetterRow.case_id == case_id)
            rows = uow.session.scalars(query.order_by(LetterRow.created_at.desc()).limit(limit))
            return [self._view(uow.session, r) for r in rows]

    def pdf(self, user: CurrentUser, letter_id: uuid.UUID) -> bytes:
        """A draft rendered now (watermarked); an issued letter exactly as it was issued."""
        user.require(Permission.LETTER_VIEW)
        with self.ctx.uow(user) as uow:
            row = self._row(uow.session, letter_id)
            if row.status == LetterStatus.DRAFT:
                template = self._template(uow.session, row.kind, row.template_version)
                request = _render.LetterRequest(
                    row.kind, row.data, template.body, template.version, True
                )
                pdf: bytes = _render.render_prepared([_render.prepare(request)], self._fonts())
                return pdf
            return self._stored_pdf(row)

    # -- approval -------------------------------------------------------------------------

    def approve(self, user: CurrentUser, letter_id: uuid.UUID, row_version: int) -> LetterView:
        """Number, sign and freeze the letter; its PDF of record is stored with its hash."""
        user.require(Permission.LETTER_APPROVE)
        private = self.keys.private_key()
        self._publish_key(user)
        with self.ctx.uow(user) as uow:
            s = uow.session
            row = self._row(s, letter_id)
            self._must_be_draft(row)
            uow.expect_version(row, row_version)
            k = _kinds.kind(row.kind)
            template = self._template(s, row.kind, row.template_version)
            _kinds.check_data(k, row.data)  # complete before a number is spent
            if problems := _kinds.issue_checks(row.data, local_date(self.ctx.clock())):
                raise _fields.LetterDataError(problems)
            if row.kind == "credit_repair_notice":
                _cited_decision(s, row.data)
            data = dict(row.data)
            if k.series is not None:
                prefix = self._prefix(s, row) + k.series
                year = date.fromisoformat(data["date"]).year
                if number_leases.uses_leases(s):  # a device that syncs: from its lease
                    number = number_leases.take(s, prefix, year, row.kind, row.id,
                                                self.ctx.clock())  # fmt: skip
                else:
                    number = numbering.allocate(s, prefix, year, row.kind, row.id)
                data["number"] = number.text
                row.number = number.text
            if row.corrects_id is not None:
                old = self._row(s, row.corrects_id)
                if old.status != LetterStatus.ISSUED:
                    raise DomainError(
                        f"原文书 {old.number} {LetterStatus(old.status).label}，不能再以此更正",
                        f"correction of {old.id} which is {old.status}",
                    )
                data["corrects"] = old.number or ""
                old.status = LetterStatus.SUPERSEDED.value
            request = _render.LetterRequest(row.kind, data, template.body, template.version)
            prepared = _render.prepare(request, private)
            pdf = _render.render_prepared([prepared], self._fonts())
            sha, _size = self.ctx.blobs().put_bytes(pdf)
            row.data = _jsonable(prepared.data)
            row.legal = _jsonable(prepared.legal_context)
            row.status = LetterStatus.ISSUED.value
            row.approved_by, row.approved_at = user.id, self.ctx.clock()
            row.content_hash = prepared.reference.content_hash if prepared.reference else None
            row.qr_text = prepared.qr_text
            row.pdf_sha256 = sha
            if row.kind == "penalty_decision":
                self._penalty_recorded(s, row, prepared.data)
            uow.commit()
            log.info("letter %s issued as %s by %s", row.id, row.number, user.username)
            return self._view(s, row)

    def correct(self, user: CurrentUser, letter_id: uuid.UUID) -> LetterView:
        """A new draft with the same data that, once approved, replaces the issued letter;
        the correction already drafted, if there is one (pressing 更正 again made a second)."""
        user.require(Permission.LETTER_DRAFT)
        with self.ctx.uow(user) as uow:
            old = self._row(uow.session, letter_id)
            if old.status != LetterStatus.ISSUED:
                raise DomainError("只有已签发的文书可以更正", "only issued letters are corrected")
            drafted = uow.session.scalars(select(LetterRow).where(
                LetterRow.corrects_id == old.id, LetterRow.status == LetterStatus.DRAFT.value,
                LetterRow.deleted_at.is_(None))).first()  # fmt: skip
            if drafted is not None:
                return self._view(uow.session, drafted)
            data = {k: v for k, v in old.data.items() if k not in ("number", "corrects")}
            case_id, enterprise_id, department_id = (
                old.case_id,
                old.enterprise_id,
                old.department_id,
            )
        return self.draft(user, old.kind, data, enterprise_id=enterprise_id,
                          department_id=department_id, case_id=case_id, corrects_id=old.id)  # fmt: skip

    def void(self, user: CurrentUser, letter_id: uuid.UUID, reason: str) -> LetterView:
        """Withdraw an issued letter; its number stays in the register as voided, never reused."""
        user.require(Permission.LETTER_APPROVE)
        if not reason.strip():
            raise DomainError("作废文书必须写明理由", "void without a reason")
        from compliance_desk.services import compliant_list

        with self.ctx.uow(user) as uow:
            row = self._row(uow.session, letter_id)
            if row.status == LetterStatus.VOIDED:  # (its reason stays the one given then)
                raise DomainError(f"该文书已作废（{row.void_reason}）", f"letter {row.id} voided")
            row.void_reason = reason.strip()  # a draft's too: kept with the deleted draft
            if row.status == LetterStatus.DRAFT:
                row.deleted_at = self.ctx.clock()
            else:
                was_issued = row.status == LetterStatus.ISSUED
                row.status = LetterStatus.VOIDED.value
                for number in uow.session.scalars(
                    select(DocumentNumber).where(DocumentNumber.letter_id == row.id)
                ):
                    number.status, number.void_reason = "voided", reason.strip()
                if was_issued and row.kind == "penalty_decision":
                    compliant_list.on_penalty_voided(
                        uow.session, row.id, local_date(self.ctx.clock()), row.number or ""
                    )
            uow.commit()
            return self._view(uow.session, row)

    def numbers(self, user: CurrentUser, year: int | None = None) -> list[NumberView]:
        """The register of numbers, newest first, voided ones with their reason."""
        user.require(Permission.LETTER_VIEW)
        with self.ctx.uow(user) as uow:
            query = (
                select(DocumentNumber, LetterRow.data, LetterRow.status)
                .outerjoin(LetterRow, LetterRow.id == DocumentNumber.letter_id)
                .order_by(DocumentNumber.prefix, DocumentNumber.year.desc(),
                          DocumentNumber.seq.desc())
            )  # fmt: skip
            if year is not None:
                query = query.where(DocumentNumber.year == year)
            out = []
            for number, data, letter_status in uow.session.execute(query):
                party = (data or {}).get("party") or {}
                shown = "已签发"
                if number.status == "voided":
                    shown = "已作废"
                elif letter_status == LetterStatus.SUPERSEDED:  # a correction replaced it
                    shown = LetterStatus.SUPERSEDED.label
                out.append(NumberView(number.text, _kinds.kind(number.kind).title, shown,
                                      number.void_reason, party.get("name", ""),
                                      number.created_at))  # fmt: skip
            return out

    # -- verification ---------------------------------------------------------------------

    def verify(self, code: str) -> Verification:
        """A scanned QR text: genuine (and the letter on record), or plainly not."""
        with self.ctx.uow(None) as uow:
            s = uow.session
            keys = self._trusted_keys(s)
            try:
                ref = signing.verify(code, keys)
            except signing.Forged as exc:
                return Verification(False, exc.message_zh)
            row = s.scalars(select(LetterRow).where(LetterRow.number == ref.number)).first()
            if row is not None:
                return self._compare(s, row, ref)
            appeal = s.execute(
                select(Appeal.number, Appeal.state, Enterprise.name, Enterprise.uscc)
                .join(Enterprise, Enterprise.id == Appeal.enterprise_id)
                .where(Appeal.number == ref.number)
            ).first()
            if appeal is not None:
                state = AppealState(appeal.state).label
                said = (
                    f"真实有效：诉求受理回执 {appeal.number}，{appeal.name}；当前办理状态：{state}"
                )
                if appeal.uscc != ref.enterprise:  # signed as printed: the register changed since
                    said += (f"。回执上的统一社会信用代码 {ref.enterprise} 其后已在企业档案中更正为"
                             f" {appeal.uscc}")  # fmt: skip
                return Verification(True, said)
            if ref.key_id in self.extra_keys:
                holder = self.extra_keys[ref.key_id][1]
                return Verification(
                    True,
                    f"签名有效：{ref.number}（{ref.on.isoformat()}），由{holder}生成，"
                    "未经本系统审批登记",
                )
            return Verification(
                True,
                f"签名有效：{ref.number}（{ref.on.isoformat()}）。但本机没有这份文书的签发记录"
                "（可能尚未同步）；请联网同步后再核对内容",
            )

    def verify_typed(self, number: str, code: str) -> Verification:
        """The number and the 16-character code printed beside the QR, typed in by hand."""
        wanted = to_halfwidth(code).strip().upper().replace(" ", "").replace("-", "")
        number = typed_number(number)
        with self.ctx.uow(None) as uow:
            s = uow.session
            row = s.scalars(select(LetterRow).where(LetterRow.number == number)).first()
            if row is None or not row.qr_text:
                return Verification(False, f"本系统没有签发过文号为“{number}”的文书，"
                                           "该文书可能是伪造的")  # fmt: skip
            ref = signing.parse(row.qr_text)
            if ref.short_code.replace("-", "") != wanted:
                return Verification(False, "核验码与该文号的存档不符：文书可能被伪造或篡改")
            return self._compare(s, row, ref)

    def _compare(self, s: Session, row: LetterRow, ref: Reference) -> Verification:
        view = self._view(s, row)
        try:
            stored = signing.content_hash(
                row.kind,
                _kinds.check_data(_kinds.kind(row.kind), row.data, rules=False),
                row.template_version,
                row.legal,
            )
        except DomainError:
            stored = ""
        if stored != ref.content_hash or row.content_hash != ref.content_hash:
            return Verification(
                False, "签名有效，但与本机存档的内容不符：存档或纸质文书可能被改动，请核查", view
            )
        if row.status == LetterStatus.VOIDED:
            return Verification(False, f"该文书已作废（{row.void_reason}）", view)
        if row.status == LetterStatus.SUPERSEDED:
            return Verification(False, "该文书已被更正，请以更正后的文书为准", view)
        party = row.data.get("party", {}).get("name", "")
        return Verification(True, f"真实有效：{view.kind_title} {row.number}，{party}", view)

    # -- bundles --------------------------------------------------------------------------

    def _case_letters(self, s: Session, case_id: uuid.UUID) -> list[LetterRow]:
        """The case's three issued letters in bundle order, checked to belong together."""
        issued: dict[str, list[LetterRow]] = {}
        for r in s.scalars(
            select(LetterRow).where(
                LetterRow.case_id == case_id,
                LetterRow.status == LetterStatus.ISSUED.value,
                LetterRow.deleted_at.is_(None),
            )
        ):
            issued.setdefault(r.kind, []).append(r)
        missing = [_kinds.KINDS[k].title for k in _kinds.kinds_in_bundle() if k not in issued]
        if missing:
            raise DomainError(f"三书同达还缺已签发的：{'、'.join(missing)}",
                              f"bundle {case_id} incomplete: {missing}")  # fmt: skip
        doubled = [_kinds.KINDS[k].title for k in _kinds.kinds_in_bundle() if len(issued[k]) > 1]
        if doubled:
            raise DomainError(f"同一案件中有两份已签发的{'、'.join(doubled)}，请先作废多余的一份",
                              f"bundle {case_id} has duplicates: {doubled}")  # fmt: skip
        rows = [issued[k][0] for k in _kinds.kinds_in_bundle()]
        penalty, _advice, credit = rows
        problems = []
        if len({r.data["party"]["uscc"] for r in rows}) != 1:
            problems.append("三份文书的当事人（统一社会信用代码）不一致")
        if credit.data.get("penalty_number") != penalty.number:
            problems.append(f"信用修复告知书引用的处罚决定书文号（{credit.data.get('penalty_number')}）"
                            f"与本案处罚决定书（{penalty.number}）不一致")  # fmt: skip
        if credit.data.get("penalty_date") != penalty.data.get("date"):
            problems.append("信用修复告知书中的处罚决定日期与本案处罚决定书不一致")
        if problems:
            raise DomainError(
                "三书不能同达：" + "；".join(problems), f"bundle {case_id}: {problems}"
            )
        keys = self._trusted_keys(s)
        for r in rows:
            try:
                signing.verify(r.qr_text or "", keys)
            except signing.Forged as exc:
                raise DomainError(f"{r.number} 的签名核验失败，已停止打印：{exc.message_zh}",
                                  f"bundle {case_id}: {r.number} signature") from exc  # fmt: skip
        return rows

    def bundle_warnings(self, user: CurrentUser, case_id: uuid.UUID) -> list[str]:
        """What the legal adviser should know before serving the bundle (in Chinese)."""
        user.require(Permission.LETTER_VIEW)
        with self.ctx.uow(user) as uow:
            penalty = self._case_letters(uow.session, case_id)[0]
        decided = date.fromisoformat(penalty.data["date"])
        late = (local_date(self.ctx.clock()) - decided).days  # China's day, not UTC's
        if late > 7:
            return [f"处罚决定书作出已 {late} 日：《中华人民共和国行政处罚法》第六十一条要求"
                    "当场交付或在七日内送达，请在送达回证备注中说明"]  # fmt: skip
        return []

    def bundle(
        self, user: CurrentUser, case_id: uuid.UUID, method: str = "", place: str = ""
    ) -> bytes:
        """三书同达: the penalty decision, the advice letter and the credit repair notice as
        issued, then a service receipt listing them, as one PDF for one print job.  The
        receipt is set in the desk's current wording of it; ``method`` not given, it offers
        every way of service to tick when served, and the servers sign by hand.

        The letters are set again from their frozen data, template version, legal values and
        the QR text given at issue (its signature checked, and the data against its hash), so
        the fonts are embedded once per bundle."""
        prepared = self._bundle_prepared(user, case_id, method, place)
        bundle: bytes = _render.render_prepared(prepared, self._fonts(), duplex=self.duplex)
        return bundle

    def _bundle_prepared(
        self, user: CurrentUser, case_id: uuid.UUID, method: str = "", place: str = ""
    ) -> list[Prepared]:
        """The bundle's four letters checked and laid out, not yet drawn."""
        user.require(Permission.LETTER_VIEW)
        with self.ctx.uow(user) as uow:
            s = uow.session
            rows = self._case_letters(s, case_id)
            requests = [
                _render.LetterRequest(
                    r.kind,
                    r.data,
                    self._template(s, r.kind, r.template_version).body,
                    r.template_version,
                    signed=r.qr_text,
                    legal_context=r.legal,
                )  # fmt: skip
                for r in rows
            ]
            wording = self._template(s, "service_receipt")
        first = rows[0].data
        receipt = {
            "authority": first["authority"],
            "date": self.ctx.clock().date().isoformat(),
            "party": first["party"],
            "documents": [{"title": _kinds.KINDS[r.kind].title, "number": r.number} for r in rows],
            "place": place or first["party"].get("address", ""),
            "method": method,
        }
        requests.append(
            _render.LetterRequest("service_receipt", receipt, wording.body, wording.version)
        )
        return [_render.prepare(r) for r in requests]

    def bundles(
        self,
        user: CurrentUser,
        case_ids: Sequence[uuid.UUID],
        progress: Callable[[int, int], bool] | None = None,
    ) -> tuple[bytes, list[str]]:
        """Many bundles as one PDF, in the order given, each font embedded once for all.

        ``progress(done, total)`` counts two steps per case (checked, then drawn), and
        returning False cancels.  Returns the PDF and the problems of the cases left out
        (not silently dropped)."""
        total = 2 * len(case_ids)

        def report(done: int) -> None:
            if progress is not None and not progress(done, total):
                raise DomainError("已取消批量打印", "batch printing cancelled")

        prepared: list[Prepared] = []
        ends: dict[int, int] = {}  # index of a bundle's last letter -> bundles drawn with it
        problems = []
        for done, case_id in enumerate(case_ids):
            report(done)
            try:
                prepared += self._bundle_prepared(user, case_id)
            except DomainError as exc:
                problems.append(exc.message_zh)
                continue
            ends[len(prepared) - 1] = len(ends) + 1
        report(len(case_ids))
        if not prepared:
            raise DomainError(
                "所选案件都不能三书同达：" + "；".join(problems),
                f"batch of {len(case_ids)} bundles: none printable",
            )

        def drawn(index: int) -> None:
            if index in ends:
                report(len(case_ids) + ends[index])

        pdf: bytes = _render.render_prepared(
            prepared, self._fonts(), duplex=self.duplex, drawn=drawn
        )
        if progress is not None:
            progress(total, total)
        return pdf, problems

    # -- helpers --------------------------------------------------------------------------

    def _penalty_recorded(self, s: Session, row: LetterRow, data: dict[str, Any]) -> None:
        """A penalty takes the enterprise off the compliant list or flags it (a setting)."""
        from compliance_desk.services import compliant_list

        enterprise_id = _party_enterprise(s, data, row.enterprise_id)
        if enterprise_id is not None:
            compliant_list.on_penalty(s, enterprise_id, data["date"], row.number or "", row.id)

    def _trusted_keys(self, s: Session) -> dict[str, bytes]:
        """The desks' published keys, and this machine's own until it is published (a revoked
        key is trusted by no one, this machine included)."""
        keys = signing_keys.public_keys(s)
        own = self.keys.key_id()
        if own not in keys and not signing_keys.is_known(s, own):
            keys[own] = self.keys.public_key()
        for kid, (public, _holder) in self.extra_keys.items():
            keys.setdefault(kid, public)
        return keys

    def _publish_key(self, user: CurrentUser) -> None:
        """Put this machine's public key in the database (once), so every desk can verify."""
        if self._key_published:
            return
        with self.ctx.uow(user) as uow:
            signing_keys.register(uow.session, self.keys, user.display_name)
            try:
                uow.commit()
            except IntegrityError:  # another window of this machine published it just now
                pass
        self._key_published = True

    def _fonts(self) -> dict[str, str] | None:
        return self.fonts or None

    def _stored_pdf(self, row: LetterRow) -> bytes:
        if not row.pdf_sha256:
            raise DomainError("该文书没有存档 PDF", f"letter {row.id} has no stored PDF")
        path = self.ctx.blobs().path(row.pdf_sha256)
        if not path.exists():
            raise DomainError("本机尚未同步到该文书的存档 PDF", f"blob {row.pdf_sha256} missing")
        pdf = path.read_bytes()
        if hashlib.sha256(pdf).hexdigest() != row.pdf_sha256:
            raise DomainError("存档 PDF 已损坏（哈希不符），请从服务器重新同步",
                              f"blob {row.pdf_sha256} corrupt")  # fmt: skip
        return pdf

    @staticmethod
    def _issuing(s: Session, department_id: uuid.UUID) -> None:
        """A department a draft may be given: live, with a number code."""
        department = s.get(Department, department_id)
        if department is None or department.deleted_at is not None or not department.number_prefix:
            raise DomainError("该部门不能签发编号文书（已停用或未设文号代字）",
                              f"department {department_id} issues no numbered letters")  # fmt: skip

    def _prefix(self, s: Session, row: LetterRow) -> str:
        department = s.get(Department, row.department_id) if row.department_id else None
        if department is None or not department.number_prefix:
            raise DomainError("请先为文书选择发文部门（并在基础数据中设置该部门的文号代字）",
                              f"letter {row.id} has no numbering department")  # fmt: skip
        return department.number_prefix

    @staticmethod
    def _must_be_draft(row: LetterRow) -> None:
        if row.status != LetterStatus.DRAFT:
            raise DomainError("已签发的文书不能修改；如有错误请更正（生成新文书）",
                              f"letter {row.id} is {row.status}")  # fmt: skip

    def _row(self, s: Session, letter_id: uuid.UUID) -> LetterRow:
        row = s.get(LetterRow, letter_id)
        if row is None or row.deleted_at is not None:
            raise NotFound("找不到该文书", f"letter {letter_id} not found")
        return row

    def _view(self, s: Session, row: LetterRow) -> LetterView:
        name = row.data.get("party", {}).get("name", "") if isinstance(row.data, dict) else ""
        if row.enterprise_id is not None:
            name = s.scalar(select(Enterprise.name).where(Enterprise.id == row.enterprise_id)) or (
                name
            )
        approver: str | None = None
        if row.approved_by is not None:
            approver = s.scalar(select(AppUser.display_name).where(AppUser.id == row.approved_by))
        return LetterView(
            id=row.id,
            kind=row.kind,
            kind_title=_kinds.kind(row.kind).title,
            status=LetterStatus(row.status),
            number=row.number,
            enterprise_id=row.enterprise_id,
            enterprise_name=name,
            case_id=row.case_id,
            data=dict(row.data),
            template_version=row.template_version,
            created_at=row.created_at,
            approved_at=row.approved_at,
            approved_by=approver or "",
            corrects_id=row.corrects_id,
            void_reason=row.void_reason,
            row_version=row.row_version,
            department_id=row.department_id,
        )


def _party_enterprise(
    s: Session, data: Mapping[str, Any], current: uuid.UUID | None
) -> uuid.UUID | None:
    """The registered enterprise a letter's party is: the one it is linked to while the
    party's credit code is that enterprise's, else the live one with the party's code, else
    the link as it was (a draft's party not yet filled in)."""
    from compliance_desk.domain import uscc as uscc_rules

    party = data.get("party") if isinstance(data, Mapping) else None
    code = uscc_rules.normalise(str(party.get("uscc") or "")) if isinstance(party, Mapping) else ""
    if not code:
        return current
    if (
        current is not None
        and s.scalar(select(Enterprise.uscc).where(Enterprise.id == current)) == code
    ):
        return current
    found = s.scalar(
        select(Enterprise.id).where(Enterprise.uscc == code, Enterprise.deleted_at.is_(None))
    )
    return found


_YEAR_BRACKETS = re.compile(r"[\[【（(〔［]\s*(\d{4})\s*[\]】）)〕］]")


def typed_number(text: str) -> str:
    """A document number as someone types it from the paper: 〔〕 are hard to type, so [2026],
    【2026】, （2026） and full-width digits are read as 〔2026〕; spaces dropped."""
    folded = re.sub(r"\s+", "", to_halfwidth(text))
    return _YEAR_BRACKETS.sub(lambda m: f"〔{m.group(1)}〕", folded)


def _cited_decision(s: Session, data: Mapping[str, Any]) -> None:
    """A credit repair notice cites a penalty decision this desk issued: in force, to the same
    party, of the date given (a notice citing a number never issued, or a preset date, was
    issued and told the enterprise how to repair a penalty it never had)."""
    from compliance_desk.domain import uscc as uscc_rules

    number = typed_number(str(data.get("penalty_number") or ""))
    cited = s.scalars(select(LetterRow).where(LetterRow.number == number,
                                              LetterRow.deleted_at.is_(None))).first()  # fmt: skip
    if cited is None or cited.kind != "penalty_decision":
        raise DomainError(f"引用的处罚决定书“{number}”不在本系统的文号登记簿中：请核对文号",
                          f"credit notice cites unknown decision {number!r}")  # fmt: skip
    if cited.status != LetterStatus.ISSUED:
        raise DomainError(f"引用的处罚决定书 {number} {LetterStatus(cited.status).label}，不能引用",
                          f"credit notice cites {number}, {cited.status}")  # fmt: skip
    party = cited.data.get("party") or {}
    own = data.get("party") or {}
    if uscc_rules.normalise(str(party.get("uscc", ""))) != uscc_rules.normalise(
        str(own.get("uscc", ""))
    ):
        raise DomainError(f"引用的处罚决定书 {number} 的当事人不是本告知书的当事人",
                          f"credit notice party differs from {number}'s")  # fmt: skip
    if str(cited.data.get("date")) != str(data.get("penalty_date")):
        raise DomainError(
            f"处罚决定日期应为 {number} 的成文日期（{cited.data.get('date')}），请改正",
            f"credit notice date {data.get('penalty_date')} != {cited.data.get('date')}",
        )
