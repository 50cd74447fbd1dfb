"""The enterprise register (企业档案): create, edit, view, soft-delete, search, history."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, String, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from compliance_desk.domain import search_keys
from compliance_desk.domain.duplicates import (
    DuplicateEnterprise,
    ExistingEnterprise,
    SimilarNames,
    core_key,
    near_identical,
)
from compliance_desk.domain.enterprise import FIELD_LABELS, EnterpriseDraft, EnterpriseSize
from compliance_desk.domain.errors import ConcurrentEdit, NotFound
from compliance_desk.domain.phone import digits_only
from compliance_desk.domain.roles import Permission
from compliance_desk.domain.text import name_key, to_halfwidth
from compliance_desk.persistence import search_index
from compliance_desk.persistence.models import (
    AppUser,
    AuditEntry,
    Centre,
    Chamber,
    Enterprise,
    Industry,
)
from compliance_desk.services.context import CurrentUser, ServiceContext
from compliance_desk.services.dto import EnterpriseView, HistoryEntry, enterprise_view
from compliance_desk.services.id_list import IdList

ACTION_LABELS = {"insert": "新建", "update": "修改", "delete": "删除", "restore": "恢复"}


@dataclass(frozen=True)
class DuplicateCheck:
    same_uscc: ExistingEnterprise | None
    similar: list[ExistingEnterprise]


@dataclass(frozen=True)
class Filter:
    text: str = ""
    centre_id: uuid.UUID | None = None
    industry_id: uuid.UUID | None = None
    compliant_only: bool = False
    deleted_only: bool = False  # the tombstones, for an administrator to restore


# What a credit-code prefix looks like: the registration office digit first, no I O Z S V.
_USCC_PREFIX = re.compile(r"[0-9][0-9A-HJ-NP-RTUWXY]{1,17}")

SEARCH_CAP = 1000  # search results listed in the table; the count says when there are more


def reference_names(session: Session) -> dict[uuid.UUID, str]:
    names: dict[uuid.UUID, str] = {}
    for model in (Industry, Centre, Chamber):
        for key, name in session.execute(select(model.id, model.name)):
            names[key] = name
    return names


NAMES_TTL = 5.0

# A row of the register, in EnterpriseView's order; the reference ids come as the driver
# hands them (hex text on SQLite) and are looked up, not parsed (a page: 6 -> ~2 ms).
_PAGE_NAMES = (
    "id", "row_version", "name", "uscc", "industry_id", "centre_id", "chamber_id", "address",
    "legal_representative", "contact_person", "contact_phone", "size", "settled_on",
    "on_compliant_list", "is_model", "notes", "created_at", "updated_at", "deleted_at",
)  # fmt: skip
_PAGE_COLUMNS = tuple(
    type_coerce(Enterprise.__table__.c[n], String)
    if n in ("industry_id", "centre_id", "chamber_id")
    else Enterprise.__table__.c[n]
    for n in _PAGE_NAMES
)  # fmt: skip
_SIZES = {s.value: s for s in EnterpriseSize}
_SQLITE_PAGE = "SELECT {} FROM enterprise WHERE id IN ({{}})".format(", ".join(_PAGE_NAMES))


def _sqlite_page(session: Session, ids: Sequence[uuid.UUID]) -> list[tuple[Any, ...]]:
    """The page's rows straight from SQLite's driver: the statement is fixed text, so none of
    SQLAlchemy's compiling and type processing (10x the query itself for a 50-row page); the
    caller converts the values as the column types would (tested against the ORM path)."""
    raw = session.connection().connection.driver_connection
    assert raw is not None
    sql = _SQLITE_PAGE.format(", ".join("?" * len(ids)))
    return list(raw.execute(sql, [i.hex for i in ids]).fetchall())


_NO_REF: tuple[uuid.UUID | None, str] = (None, "")


def apply_draft(e: Enterprise, d: EnterpriseDraft) -> None:
    e.name = d.name
    e.name_key = name_key(d.name)
    e.name_pinyin = search_keys.pinyin_full(d.name)
    e.name_initials = search_keys.pinyin_initials(d.name)
    e.uscc = d.uscc
    e.industry_id = d.industry_id
    e.centre_id = d.centre_id
    e.chamber_id = d.chamber_id
    e.address = d.address
    e.legal_representative = d.legal_representative
    e.contact_person = d.contact_person
    e.contact_phone = d.contact_phone
    e.contact_phone_digits = digits_only(d.contact_phone)
    e.size = d.size.value if d.size else None
    e.settled_on = d.settled_on
    # on_compliant_list is not the draft's to set: it mirrors the compliant list's events
    # (services/compliant_list.py), which alone change it (the register and the list agreed
    # on nothing once a clerk's tick or a ledger's 是 set the flag without an event); a new
    # enterprise starts off the list
    if e.on_compliant_list is None:
        e.on_compliant_list = False
    e.is_model = d.is_model
    e.notes = d.notes


def search_rank(
    query: str, name: str, pinyin: str, initials: str, code: str
) -> tuple[int, int, str]:
    """Exact code first, then names that start with what was typed, then the rest."""
    lowered = name.lower()
    if code.lower() == query:
        score = 0
    elif lowered.startswith(query) or code.lower().startswith(query):
        score = 1
    elif initials.startswith(query) or pinyin.startswith(query):
        score = 2
    elif query in lowered:
        score = 3
    else:
        score = 4
    return (score, len(name), pinyin)


def _raw_ids(session: Session, stmt: Select[Any]) -> Sequence[uuid.UUID]:
    """The ids as the driver returns them (hex text on SQLite), parsed only when used.

    The rows are read straight from the DBAPI cursor: for 100,000 ids SQLAlchemy's row
    objects would double the time of the query itself.
    """
    result = session.connection().execute(
        stmt.with_only_columns(type_coerce(Enterprise.id, String))
    )
    try:
        return IdList([r[0] for r in result.cursor.fetchall()])
    finally:
        result.close()


# What the search box folds (domain/text.to_halfwidth): full-width ASCII, the ideographic space.
_FULL_WIDTH = "".join(map(chr, range(0xFF01, 0xFF5F))) + "\u3000"


def normalise_query(text: str) -> str:
    """Folded, lower-cased, words one space apart; a number or a code typed in groups
    (138 1234 5678, 9133 0604 ...) as one word."""
    words = to_halfwidth(text).lower().split()
    joined = "".join(words)
    if len(words) > 1 and (joined.isdigit() or _USCC_PREFIX.fullmatch(joined.upper())):
        return joined
    return " ".join(words)


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class EnterpriseService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    # --- reading ---------------------------------------------------------------------
    def get(self, user: CurrentUser, enterprise_id: uuid.UUID) -> EnterpriseView:
        user.require(Permission.ENTERPRISE_VIEW)
        with self.ctx.uow(user) as uow:
            e = uow.session.get(Enterprise, enterprise_id)
            if e is None:
                raise NotFound("找不到该企业档案", f"enterprise {enterprise_id} not found")
            return enterprise_view(e, reference_names(uow.session))

    def count(self, user: CurrentUser) -> int:
        user.require(Permission.ENTERPRISE_VIEW)
        with self.ctx.uow(user) as uow:
            return int(
                uow.session.scalar(
                    select(func.count())
                    .select_from(Enterprise)
                    .where(Enterprise.deleted_at.is_(None))
                )
                or 0
            )

    def search(self, user: CurrentUser, text: str, limit: int = 50) -> list[EnterpriseView]:
        """Search as the desk types: name part, pinyin, initials, USCC prefix, phone."""
        user.require(Permission.ENTERPRISE_VIEW)
        with self.ctx.uow(user) as uow:
            ids = self._ids(uow.session, Filter(text=text), limit)
            return self._rows(uow.session, ids)

    def ids(self, user: CurrentUser, flt: Filter, limit: int | None = None) -> Sequence[uuid.UUID]:
        """Ordered ids for the paged table: searching, filtering and sorting all in SQL."""
        user.require(Permission.ENTERPRISE_VIEW)
        if flt.deleted_only:
            user.require(Permission.ENTERPRISE_DELETE)
        with self.ctx.uow(user) as uow:
            return self._ids(uow.session, flt, limit)

    def _ids(self, session: Session, flt: Filter, limit: int | None) -> Sequence[uuid.UUID]:
        query = normalise_query(flt.text)
        live = Enterprise.deleted_at.is_(None)
        stmt = select(Enterprise.id).where(~live if flt.deleted_only else live)
        if flt.centre_id:
            stmt = stmt.where(Enterprise.centre_id == flt.centre_id)
        if flt.industry_id:
            stmt = stmt.where(Enterprise.industry_id == flt.industry_id)
        if flt.compliant_only:
            stmt = stmt.where(Enterprise.on_compliant_list.is_(True))
        if not query:
            stmt = stmt.order_by(Enterprise.name_pinyin, Enterprise.id)
            return _raw_ids(session, stmt.limit(limit) if limit else stmt)
        use_index = self.ctx.is_sqlite and not flt.deleted_only
        scope = search_index.Scope(flt.centre_id, flt.industry_id, flt.compliant_only)
        return self._search_ids(session, stmt, query, limit or SEARCH_CAP, use_index, scope)

    def _search_ids(
        self,
        session: Session,
        base: Select[Any],
        query: str,
        limit: int,
        use_index: bool,
        scope: search_index.Scope,
    ) -> list[uuid.UUID]:
        """Candidates from the indexes, filtered by ``base``, ranked in Python."""
        code = query.upper()
        looks_like_code = _USCC_PREFIX.fullmatch(code) is not None
        first = query.split(" ", 1)[0]  # several words: ranked by the first
        candidates: list[uuid.UUID] = []
        if looks_like_code:
            # A credit-code prefix: a range on the code's B-tree index, whatever the database.
            candidates += session.scalars(
                select(Enterprise.id)
                .where(
                    Enterprise.deleted_at.is_(None),  # lets the partial unique index serve
                    Enterprise.uscc >= code,
                    Enterprise.uscc < code + "~",
                )
                .order_by(Enterprise.uscc)
                .limit(limit * 2)
            )
        # a long code prefix is no name; digits alone may be a phone number as well
        text_search = not (looks_like_code and len(code) >= 10 and not code.isdigit())
        if text_search and use_index:
            # Enough candidates to rank well; the filters apply inside the index query.
            hits = search_index.search(session.connection(), query, max(limit * 2, 50), scope)
            if not looks_like_code:  # the index holds what ranking needs: no second query
                hits.sort(key=lambda h: search_rank(first, h.name, h.pinyin, h.initials, ""))
                return [h.id for h in hits[:limit]]
            candidates += [h.id for h in hits]
        stmt = base.add_columns(
            Enterprise.name, Enterprise.name_pinyin, Enterprise.name_initials, Enterprise.uscc
        )
        if text_search and not use_index:
            name: Any = Enterprise.name
            if session.get_bind().dialect.name == "postgresql":  # folded as the query is
                name = func.translate(name, _FULL_WIDTH, to_halfwidth(_FULL_WIDTH))
            else:  # SQLite's recycle bin (persistence/db.py gives it the function)
                name = func.halfwidth(name)

            def found(word: str) -> Any:
                like = f"%{_like_escape(word)}%"
                return or_(
                    name.ilike(like, escape="\\"),
                    Enterprise.name_pinyin.like(like, escape="\\"),
                    Enterprise.name_initials.like(like, escape="\\"),
                    and_(
                        Enterprise.contact_phone_digits != "",
                        Enterprise.contact_phone_digits.like(like, escape="\\"),
                    ),
                )

            # Words apart (崧厦 伞业) are each found, in any order.
            every = and_(*[found(word) for word in query.split()])
            stmt = stmt.where(or_(Enterprise.id.in_(candidates), every)).limit(limit * 4)
        elif candidates:
            stmt = stmt.where(Enterprise.id.in_(candidates))
        else:
            return []
        rows = [tuple(r) for r in session.execute(stmt)]
        rows.sort(key=lambda r: search_rank(first, to_halfwidth(r[1]), r[2], r[3], r[4]))
        return [r[0] for r in rows[:limit]]

    def rows(self, user: CurrentUser, ids: Sequence[uuid.UUID]) -> list[EnterpriseView]:
        """The records for one page of the table, in the order of ``ids``."""
        user.require(Permission.ENTERPRISE_VIEW)
        if not ids:
            return []
        with self.ctx.uow(user) as uow:
            return self._rows(uow.session, ids)

    def _rows(self, session: Session, ids: Sequence[uuid.UUID]) -> list[EnterpriseView]:
        if not ids:
            return []
        # Plain tuples, not ORM entities: a page of the table needs no identity map.
        refs = self._cached_refs(session)

        def ref(raw: Any) -> tuple[uuid.UUID | None, str]:
            if raw is None:
                return _NO_REF
            found = refs.get(raw)
            if found is None:  # a reference row newer than the cache
                key = raw if isinstance(raw, uuid.UUID) else uuid.UUID(hex=raw)
                found = refs[raw] = (key, "")
            return found

        views: dict[uuid.UUID, EnterpriseView] = {}
        rows: Iterable[tuple[Any, ...]]
        if session.get_bind().dialect.name == "sqlite":
            rows, by_hex = _sqlite_page(session, ids), {i.hex: i for i in ids}
        else:
            stmt = select(*_PAGE_COLUMNS).where(Enterprise.id.in_(list(ids)))
            rows, by_hex = session.execute(stmt), None
        for (eid, version, name, uscc, industry, centre, chamber, address, legal, person,
             phone, size, settled, listed, model, notes, created, updated, deleted,
             ) in rows:  # fmt: skip
            if by_hex is not None:  # SQLite's own values: text ids, dates and times, 0/1
                eid, settled = by_hex[eid], date.fromisoformat(settled) if settled else None
                created = datetime.fromisoformat(created).replace(tzinfo=UTC)
                updated = datetime.fromisoformat(updated).replace(tzinfo=UTC)
                listed, model = bool(listed), bool(model)
            views[eid] = EnterpriseView(
                eid, version, name, uscc, *ref(industry), *ref(centre), *ref(chamber), address,
                legal, person, phone, _SIZES.get(size) if size else None, settled, listed,
                model, notes, created, updated, deleted is not None,
            )  # fmt: skip
        return [views[i] for i in ids if i in views]

    def _cached_refs(self, session: Session) -> dict[Any, tuple[uuid.UUID | None, str]]:
        """Industry, centre and chamber names by id, as a UUID and as the driver's text."""
        now = time.monotonic()
        cached = self.ctx.names_cache
        if cached is None or now - cached[0] > NAMES_TTL:
            refs: dict[Any, tuple[uuid.UUID | None, str]] = {}
            for key, name in reference_names(session).items():
                refs[key] = refs[key.hex] = (key, name)
            cached = (now, refs)
            self.ctx.names_cache = cached
        return cached[1]

    def check_duplicates(
        self, user: CurrentUser, draft: EnterpriseDraft, exclude_id: uuid.UUID | None = None
    ) -> DuplicateCheck:
        user.require(Permission.ENTERPRISE_VIEW)
        with self.ctx.uow(user) as uow:
            return self._duplicates(uow.session, draft, exclude_id)

    def _duplicates(
        self, session: Session, draft: EnterpriseDraft, exclude_id: uuid.UUID | None
    ) -> DuplicateCheck:
        from compliance_desk.domain import uscc as uscc_rules

        live = Enterprise.deleted_at.is_(None)
        same = None
        code = uscc_rules.normalise(draft.uscc)
        if code:
            hit = session.scalars(select(Enterprise).where(live, Enterprise.uscc == code)).first()
            if hit is not None and hit.id != exclude_id:
                same = ExistingEnterprise(hit.id, hit.name, hit.uscc)
        similar: list[ExistingEnterprise] = []
        core = core_key(draft.name)
        if core:
            stmt = (
                select(Enterprise)
                .where(live, Enterprise.name_key >= core, Enterprise.name_key < core + "\uffff")
                .limit(50)
            )
            for e in session.scalars(stmt):
                if e.id != exclude_id and (same is None or e.id != same.id):
                    if near_identical(e.name, draft.name):
                        similar.append(ExistingEnterprise(e.id, e.name, e.uscc))
        return DuplicateCheck(same, similar)

    # --- writing ---------------------------------------------------------------------
    def create(
        self, user: CurrentUser, draft: EnterpriseDraft, allow_similar: bool = False
    ) -> EnterpriseView:
        user.require(Permission.ENTERPRISE_EDIT)
        clean = draft.validated()
        with self.ctx.uow(user) as uow:
            dup = self._duplicates(uow.session, clean, None)
            if dup.same_uscc:
                raise DuplicateEnterprise(dup.same_uscc)
            if dup.similar and not allow_similar:
                raise SimilarNames(clean.name, dup.similar)
            e = Enterprise()
            apply_draft(e, clean)
            uow.session.add(e)
            uow.commit()
            return enterprise_view(e, reference_names(uow.session))

    def update(
        self,
        user: CurrentUser,
        enterprise_id: uuid.UUID,
        draft: EnterpriseDraft,
        expected_version: int,
        allow_similar: bool = False,
    ) -> EnterpriseView:
        user.require(Permission.ENTERPRISE_EDIT)
        clean = draft.validated()
        with self.ctx.uow(user) as uow:
            e = self._live(uow.session, enterprise_id)
            if e.row_version != expected_version:
                raise ConcurrentEdit(
                    "该企业档案已被他人修改，请重新打开后再编辑",
                    f"enterprise {enterprise_id}: version {e.row_version} != {expected_version}",
                )
            dup = self._duplicates(uow.session, clean, enterprise_id)
            if dup.same_uscc:
                raise DuplicateEnterprise(dup.same_uscc)
            if dup.similar and not allow_similar and name_key(clean.name) != e.name_key:
                raise SimilarNames(clean.name, dup.similar)
            apply_draft(e, clean)
            uow.commit()
            return enterprise_view(e, reference_names(uow.session))

    def delete(self, user: CurrentUser, enterprise_id: uuid.UUID) -> None:
        """A tombstone: the row stays (for sync and for the history), hidden from the register."""
        user.require(Permission.ENTERPRISE_DELETE)
        with self.ctx.uow(user) as uow:
            e = self._live(uow.session, enterprise_id)
            e.deleted_at = self.ctx.clock()
            uow.commit()

    def open_work(self, user: CurrentUser, enterprise_id: uuid.UUID) -> list[str]:
        """What is still under way for the enterprise (said before it is deleted): appeals
        not closed, inspections not signed, rectifications open — in Chinese."""
        from compliance_desk.domain.appeal_workflow import AppealState
        from compliance_desk.domain.inspections import InspectionStatus
        from compliance_desk.persistence.inspection_models import Inspection, Rectification
        from compliance_desk.persistence.models import Appeal

        user.require(Permission.ENTERPRISE_VIEW)
        with self.ctx.uow(user) as uow:
            s = uow.session

            def count(query: Any) -> int:
                return int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)

            appeals = count(select(Appeal.id).where(
                Appeal.enterprise_id == enterprise_id, Appeal.deleted_at.is_(None),
                Appeal.state != AppealState.CLOSED.value))  # fmt: skip
            inspections = count(select(Inspection.id).where(
                Inspection.enterprise_id == enterprise_id, Inspection.deleted_at.is_(None),
                Inspection.status.in_((InspectionStatus.PLANNED.value,
                                       InspectionStatus.IN_PROGRESS.value))))  # fmt: skip
            rectifications = count(select(Rectification.id).where(
                Rectification.enterprise_id == enterprise_id, Rectification.status == "open",
                Rectification.deleted_at.is_(None)))  # fmt: skip
        out = []
        for n, what in ((appeals, "件诉求未办结"), (inspections, "次检查未签字确认"),
                        (rectifications, "项整改未验收")):  # fmt: skip
            if n:
                out.append(f"{n} {what}")
        return out

    def restore(self, user: CurrentUser, enterprise_id: uuid.UUID) -> EnterpriseView:
        """Undo a delete, unless the code has been registered again meanwhile."""
        user.require(Permission.ENTERPRISE_DELETE)
        with self.ctx.uow(user) as uow:
            e = uow.session.get(Enterprise, enterprise_id)
            if e is None or e.deleted_at is None:
                raise NotFound("该企业档案未被删除", f"enterprise {enterprise_id} is not deleted")
            hit = uow.session.scalars(
                select(Enterprise).where(Enterprise.deleted_at.is_(None), Enterprise.uscc == e.uscc)
            ).first()
            if hit is not None:
                raise DuplicateEnterprise(ExistingEnterprise(hit.id, hit.name, hit.uscc))
            e.deleted_at = None
            e.deleted_by = None
            uow.commit()
            return enterprise_view(e, reference_names(uow.session))

    def _live(self, session: Session, enterprise_id: uuid.UUID) -> Enterprise:
        e = session.get(Enterprise, enterprise_id)
        if e is None or e.deleted_at is not None:
            raise NotFound(
                "找不到该企业档案（可能已被删除）", f"enterprise {enterprise_id} not live"
            )
        return e

    def history(self, user: CurrentUser, enterprise_id: uuid.UUID) -> list[HistoryEntry]:
        """What happened to this record; appeals, inspections and letters join as they land."""
        user.require(Permission.ENTERPRISE_VIEW)
        with self.ctx.uow(user) as uow:
            users = {k: v for k, v in uow.session.execute(select(AppUser.id, AppUser.display_name))}
            names = reference_names(uow.session)
            entries = uow.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.table_name == "enterprise", AuditEntry.row_id == enterprise_id)
                .order_by(AuditEntry.at, AuditEntry.id)
            )
            out = []
            for a in entries:
                fields = []
                for key, value in a.changes.items():
                    label = FIELD_LABELS.get(key)
                    if label is None:
                        continue
                    if a.action == "update" and isinstance(value, list):
                        old, new = (display_value(key, v, names) for v in value)
                        fields.append(f"{label}：{old} → {new}")
                    else:
                        fields.append(f"{label}：{display_value(key, value, names)}")
                out.append(
                    HistoryEntry(
                        at=a.at,
                        user_name=users.get(a.user_id, "系统") if a.user_id else "系统",
                        action=ACTION_LABELS.get(a.action, a.action),
                        summary="；".join(fields),
                    )
                )
            return out


def display_value(key: str, value: object, names: dict[uuid.UUID, str]) -> str:
    """A stored field's value as a person reads it (history, conflicts): labels, names, 是/否."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if key == "size" and isinstance(value, str):
        try:
            return EnterpriseSize(value).label
        except ValueError:
            return value
    if key.endswith("_id") and isinstance(value, str):
        try:
            return names.get(uuid.UUID(value), value)
        except ValueError:
            return value
    return str(value)
