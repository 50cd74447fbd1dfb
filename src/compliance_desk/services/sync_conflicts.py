"""What the sync left for a person to decide, and the decisions (SYNC.md rules 3, 4 and 9).

The server keeps its own value when the same field was changed on both sides and tells the
device; the device keeps the conflict (``sync_conflict``) and the operation it sent (status
``conflict`` or ``rejected`` in the outbox).  This module lists them for the conflicts view
and resolves them.  A resolution is an ordinary local change made through the same unit of
work as any edit (so it is captured, audited and synced like one), and the conflict is closed
in that same transaction: a crash leaves either both or neither.

- field conflict: keep mine (the value this device sent), theirs (the server's, already on
  this device since the pull), or an edited value;
- update-versus-delete: accept the deletion, or restore the record with my values;
- delete-versus-update: keep the record, or delete it again now that I have seen the change;
- duplicate credit code (a merge task): choose which of the two records stays; merging the
  records' appeals and visits into one is not done here (the enterprise page shows both);
- a workflow step refused by the server (concurrent_step, or a rejected operation): shown with
  the server's reason and acknowledged; the step can be done again from the appeal log.
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from compliance_desk.domain.enterprise import FIELD_LABELS, EnterpriseDraft, EnterpriseSize
from compliance_desk.domain.errors import DomainError, NotFound, PermissionDenied, ValidationError
from compliance_desk.domain.local_time import local_date
from compliance_desk.domain.roles import Permission
from compliance_desk.persistence.models import AppUser, Base, Enterprise, Synced
from compliance_desk.persistence.sync_models import (
    CONFLICT_OPEN,
    CONFLICT_RESOLVED,
    SyncConflict,
    SyncDevice,
    SyncOutbox,
)
from compliance_desk.services.context import CurrentUser, ServiceContext
from compliance_desk.services.dto import enterprise_view
from compliance_desk.services.enterprises import (
    EnterpriseService,
    apply_draft,
    display_value,
    reference_names,
)
from compliance_desk.sync import codec
from compliance_desk.sync.commands import FAMILIES

RESOLVED = "resolved"  # an outbox operation's status once a person has decided its conflict
ACKNOWLEDGED = "ack"  # a rejected operation the user has seen (kept for the record)

TABLE_LABELS = {
    "enterprise": "企业档案",
    "appeal": "诉求",
    "appeal_event": "诉求办理步骤",
    "visit": "来访登记",
    "letter": "文书",
    "inspection": "现场检查",
    "inspection_item": "检查项",
    "rectification": "整改",
    "app_user": "用户",
    "industry": "产业",
    "centre": "合规中心",
    "compliance_point": "合规点",
    "department": "部门",
    "chamber": "商会",
    "checklist": "检查清单",
    "checklist_item": "检查清单条目",
}
KIND_LABELS = {
    "field": "同一字段两处修改",
    "update_vs_delete": "修改与删除冲突",
    "delete_vs_update": "删除与修改冲突",
    "duplicate": "重复的统一社会信用代码（待合并）",
    "concurrent_step": "办理步骤冲突",
    "rejected": "被服务器拒绝的操作",
}
# Which permission resolving a conflict on each table needs (the edit right on that data).
EDIT_PERMISSION = {
    "enterprise": Permission.ENTERPRISE_EDIT,
    "appeal": Permission.APPEAL_EDIT,
    "appeal_event": Permission.APPEAL_EDIT,
    "visit": Permission.APPEAL_EDIT,
    "letter": Permission.LETTER_DRAFT,
    "inspection": Permission.INSPECTION_EDIT,
    "inspection_item": Permission.INSPECTION_EDIT,
    "rectification": Permission.INSPECTION_EDIT,
    "app_user": Permission.USER_ADMIN,
}
_DRAFT_DEFAULTS = {f.name: f.default for f in dataclasses.fields(EnterpriseDraft)}
_DRAFT_FIELDS = set(_DRAFT_DEFAULTS)


@dataclass(frozen=True)
class FieldClash:
    key: str
    label: str  # the field's name in Chinese
    mine: Any  # wire form (as sent), for the decision
    theirs: Any
    mine_text: str  # for the screen
    theirs_text: str


@dataclass(frozen=True)
class Side:
    who: str
    when: datetime | None


@dataclass(frozen=True)
class RecordBrief:
    id: uuid.UUID
    label: str  # the enterprise's name, the appeal's number and title, ...
    details: str  # credit code, address: what tells two records apart
    deleted: bool


@dataclass(frozen=True)
class ConflictItem:
    """One line of the conflicts view: a conflict, a merge task or a rejected operation."""

    id: uuid.UUID  # the conflict's id, or the operation's for a rejected one
    kind: (
        str  # field | update_vs_delete | delete_vs_update | duplicate | concurrent_step | rejected
    )
    kind_label: str
    table: str
    table_label: str
    record: RecordBrief
    reason_zh: str
    fields: list[FieldClash]
    mine: Side  # this device's edit
    theirs: Side  # the server's current version
    other: RecordBrief | None = None  # a duplicate's twin (the record already on the server)
    action: str = ""  # a refused workflow step, in Chinese
    # The device whose edit lost, when it is not this computer: a desk working on the shared
    # PostgreSQL lists every device's conflicts (the server's copies), which are resolved on
    # the device that holds them (``mine`` is that device's edit, not this desk's).
    device: str | None = None

    @property
    def is_operation(self) -> bool:
        return self.kind == "rejected"


def _model(table: str) -> type[Synced]:
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if getattr(cls, "__tablename__", None) == table and issubclass(cls, Synced):
            return cls
    raise NotFound("找不到该类记录", f"no mapped class for table {table}")


def _label(key: str, table: str) -> str:
    if table == "enterprise":
        return FIELD_LABELS.get(key, key)
    if table == "inspection":  # (signed on one laptop, called off on another: a field clash)
        return _INSPECTION_LABELS.get(key, key)
    return {"title": "标题", "description": "内容", "notes": "备注", "name": "名称"}.get(key, key)


_INSPECTION_LABELS = {"status": "检查状态", "planned_on": "检查日期", "cancel_reason": "取消原因",
                      "representative": "企业到场代表", "override_reason": "破例理由"}  # fmt: skip


def _shown(table: str, key: str, value: object, names: dict[uuid.UUID, str]) -> str:
    """A clashing value as a person reads it: an inspection's status by its label too."""
    if table == "inspection" and key == "status" and isinstance(value, str):
        from compliance_desk.domain.inspections import InspectionStatus

        try:
            return InspectionStatus(value).label
        except ValueError:
            return value
    return display_value(key, value, names)


def _reason(c: SyncConflict, clashes: list[FieldClash], device: str | None = None) -> str:
    """The server names fields by column; the person reads them by their Chinese labels.
    ``device``: the name of the device whose edit it was, when not this computer's (a desk on
    the shared database), which alone decides it."""
    if c.kind == "field" and clashes:
        names = "、".join(f.label for f in clashes)
        if device is not None:
            return (f"设备“{device}”上对“{names}”的修改与其他设备的修改冲突，服务器暂时保留了"
                    "服务器上的值，由该设备的使用人员比较后决定保留哪一个。")  # fmt: skip
        return f"“{names}”在其他设备上也被修改，服务器暂时保留了那边的值。请比较两边后选择保留哪一个，或改成正确的值。"
    return c.reason_zh


class ConflictService:
    def __init__(self, ctx: ServiceContext, enterprises: EnterpriseService | None = None) -> None:
        self.ctx = ctx
        self.enterprises = enterprises or EnterpriseService(ctx)

    # --- reading ------------------------------------------------------------------------
    def open_items(self, user: CurrentUser) -> list[ConflictItem]:
        """Open conflicts and merge tasks, then rejected operations, oldest first."""
        user.require(Permission.ENTERPRISE_VIEW)  # every role; resolving checks the table's
        with self.ctx.factory() as session:
            users = {k: v for k, v in session.execute(select(AppUser.id, AppUser.display_name))}
            names = reference_names(session)
            items = [
                self._conflict_item(session, c, users, names)
                for c in session.scalars(
                    select(SyncConflict)
                    .where(SyncConflict.status == CONFLICT_OPEN)
                    .order_by(SyncConflict.detected_at, SyncConflict.id)
                )
            ]
            items += [
                self._rejected_item(session, o, users)
                for o in session.scalars(
                    select(SyncOutbox)
                    .where(SyncOutbox.status == "rejected")
                    .order_by(SyncOutbox.position)
                )
            ]
            return items

    def open_count(self) -> int:
        with self.ctx.factory() as session:
            conflicts = session.scalar(
                select(func.count())
                .select_from(SyncConflict)
                .where(SyncConflict.status == CONFLICT_OPEN)
            )
            rejected = session.scalar(
                select(func.count()).select_from(SyncOutbox).where(SyncOutbox.status == "rejected")
            )
            return int(conflicts or 0) + int(rejected or 0)

    def _brief(self, session: Session, table: str, row_id: uuid.UUID | None) -> RecordBrief:
        if row_id is None:
            return RecordBrief(uuid.UUID(int=0), "", "", True)
        try:
            row = session.get(_model(table), row_id)
        except NotFound:
            row = None
        if row is None:
            return RecordBrief(row_id, f"{TABLE_LABELS.get(table, table)} {str(row_id)[:8]}",
                               "本机没有这条记录", True)  # fmt: skip
        if isinstance(row, Enterprise):
            details = f"统一社会信用代码 {row.uscc}"
            if row.address:
                details += f"；{row.address}"
            return RecordBrief(row.id, row.name, details, row.deleted_at is not None)
        parts = [str(getattr(row, k)) for k in ("number", "title", "name") if getattr(row, k, "")]
        label = " ".join(parts) or f"{TABLE_LABELS.get(table, table)} {str(row_id)[:8]}"
        return RecordBrief(row.id, label, "", row.deleted_at is not None)

    def _theirs(self, session: Session, c: SyncConflict, users: dict[uuid.UUID, str]) -> Side:
        try:
            row = session.get(_model(c.table_name), c.other_row_id or c.row_id)
        except NotFound:
            row = None
        if row is None:
            return Side("", None)
        who = users.get(row.updated_by, "") if row.updated_by else ""
        return Side(who or "其他设备", row.updated_at)

    def _conflict_item(
        self,
        session: Session,
        c: SyncConflict,
        users: dict[uuid.UUID, str],
        names: dict[uuid.UUID, str],
    ) -> ConflictItem:
        clashes = [
            FieldClash(
                key,
                _label(key, c.table_name),
                pair.get("device"),
                pair.get("server"),
                _shown(c.table_name, key, pair.get("device"), names),
                _shown(c.table_name, key, pair.get("server"), names),
            )
            for key, pair in sorted(c.fields.items())
            if isinstance(pair, dict)
        ]
        device = self._elsewhere(session, c)
        mine = Side(users.get(c.user_id, "") if c.user_id else (device or "本机"), c.at)
        action = ""
        if c.kind == "concurrent_step":
            action = self._step_label(session, c.op_id)
        return ConflictItem(
            id=c.id,
            kind=c.kind,
            kind_label=KIND_LABELS.get(c.kind, c.kind),
            table=c.table_name,
            table_label=TABLE_LABELS.get(c.table_name, c.table_name),
            record=self._brief(session, c.table_name, c.row_id),
            reason_zh=_reason(c, clashes, device),
            fields=clashes,
            mine=mine,
            theirs=self._theirs(session, c, users),
            other=self._brief(session, c.table_name, c.other_row_id) if c.other_row_id else None,
            action=action,
            device=device,
        )

    def _elsewhere(self, session: Session, c: SyncConflict) -> str | None:
        """The name of the device that holds ``c`` when it is not this computer (None: ours)."""
        if c.device_id is None or c.device_id == self.ctx.device_id:
            return None
        name = session.scalar(select(SyncDevice.name).where(SyncDevice.id == c.device_id))
        return name or "另一台设备"

    def _step_label(self, session: Session, op_id: uuid.UUID) -> str:
        op = session.get(SyncOutbox, op_id)
        if op is None or not op.command:
            return ""
        family, _dot, action = op.command.rpartition(".")
        found = FAMILIES.get(family)
        return found.label(action) if found is not None else action

    def _rejected_item(
        self, session: Session, o: SyncOutbox, users: dict[uuid.UUID, str]
    ) -> ConflictItem:
        result = o.result or {}
        table = o.table_name
        record_id = o.row_id
        family = FAMILIES.get(o.command.rpartition(".")[0]) if o.command else None
        if family is not None:  # a timeline row: show the record it belongs to (the appeal)
            parent = o.payload.get("row", {}).get(family.parent_key)
            if parent:
                table, record_id = family.parent_table, uuid.UUID(str(parent))
        return ConflictItem(
            id=o.id,
            kind="rejected",
            kind_label=KIND_LABELS["rejected"],
            table=o.table_name,
            table_label=TABLE_LABELS.get(table, table),  # the record shown: the appeal
            record=self._brief(session, table, record_id),
            reason_zh=str(result.get("reason_zh") or "服务器拒绝了该操作（未说明原因）"),
            fields=[],
            mine=Side(users.get(o.user_id, "") if o.user_id else "本机", o.at),
            theirs=Side("", None),
            action=self._step_label(session, o.id),
        )

    # --- deciding -----------------------------------------------------------------------
    def _open(self, session: Session, conflict_id: uuid.UUID) -> SyncConflict:
        c = session.get(SyncConflict, conflict_id)
        if c is None or c.status != CONFLICT_OPEN:
            raise NotFound("该冲突已处理或不存在", f"conflict {conflict_id} not open")
        device = self._elsewhere(session, c)
        if device is not None:  # another device's edit: decided there (the server's copy closes)
            raise PermissionDenied(
                f"这是设备“{device}”上的修改与服务器的冲突，请在该设备上处理",
                f"conflict {conflict_id} belongs to device {c.device_id}",
            )
        return c

    def _close(self, session: Session, c: SyncConflict) -> None:
        c.status = CONFLICT_RESOLVED  # reported to the server at the next sync (sync/client.py)
        op = session.get(SyncOutbox, c.op_id)
        if op is not None and op.status == "conflict":
            op.status = RESOLVED

    def _require_edit(self, user: CurrentUser, table: str) -> None:
        user.require(EDIT_PERMISSION.get(table, Permission.REFERENCE_EDIT))

    def resolve_fields(
        self, user: CurrentUser, conflict_id: uuid.UUID, values: dict[str, Any]
    ) -> None:
        """Write ``values`` (field -> value in wire form: mine, theirs or edited) and close.

        Fields whose value already stands are not written again; a field left out keeps what
        the record holds now (the server's value, since the pull)."""
        with self.ctx.uow(user) as uow:
            c = self._open(uow.session, conflict_id)
            self._require_edit(user, c.table_name)
            if c.kind not in ("field", "update_vs_delete"):
                raise DomainError(
                    "这类冲突不能按字段处理", f"conflict {conflict_id} is {c.kind}, not field"
                )
            unknown = set(values) - set(c.fields)
            if unknown:
                raise ValidationError({k: "该字段不在冲突中" for k in unknown})
            self._write(uow.session, user, c, values, restore=c.kind == "update_vs_delete")
            self._close(uow.session, c)
            uow.commit()

    def resolve_mine(self, user: CurrentUser, conflict_id: uuid.UUID) -> None:
        with self.ctx.factory() as session:
            c = self._open(session, conflict_id)
            mine = {k: v.get("device") for k, v in c.fields.items() if isinstance(v, dict)}
        self.resolve_fields(user, conflict_id, mine)

    def resolve_theirs(self, user: CurrentUser, conflict_id: uuid.UUID) -> None:
        """The server's values stand (they are this device's values since the pull): close."""
        with self.ctx.uow(user) as uow:
            c = self._open(uow.session, conflict_id)
            self._require_edit(user, c.table_name)
            self._close(uow.session, c)
            uow.commit()

    def _write(
        self,
        session: Session,
        user: CurrentUser,
        c: SyncConflict,
        values: dict[str, Any],
        restore: bool,
    ) -> None:
        tbl = codec.table(c.table_name)
        row = session.get(_model(c.table_name), c.row_id)
        if row is None:
            raise NotFound("本机找不到该记录", f"{c.table_name} {c.row_id} missing")
        if isinstance(row, Enterprise):
            self._write_enterprise(session, row, values, restore)
            return
        for key, value in values.items():
            setattr(row, key, codec.decode(tbl.c[key], value))
        if restore:
            row.deleted_at = None
            row.deleted_by = None
        session.flush()

    def _write_enterprise(
        self, session: Session, e: Enterprise, values: dict[str, Any], restore: bool
    ) -> None:
        """Through the register's own rules: validation, pinyin keys, duplicate codes."""
        draft = enterprise_view(e, {}).to_draft()
        tbl = codec.table("enterprise")
        changes: dict[str, Any] = {}
        for key, value in values.items():
            if key not in _DRAFT_FIELDS:
                raise ValidationError({key: "该字段不能在此修改"})
            decoded = codec.decode(tbl.c[key], value)
            if key == "size" and decoded:
                decoded = EnterpriseSize(decoded)
            if decoded is None and _DRAFT_DEFAULTS.get(key) == "":
                decoded = ""  # a text field emptied on one side
            changes[key] = decoded
        clean = dataclasses.replace(draft, **changes).validated()
        if restore or "uscc" in changes:
            twin = session.scalars(
                select(Enterprise).where(
                    Enterprise.uscc == clean.uscc,
                    Enterprise.deleted_at.is_(None),
                    Enterprise.id != e.id,
                )
            ).first()
            if twin is not None:
                raise DomainError(
                    f"统一社会信用代码 {clean.uscc} 已由“{twin.name}”使用，不能恢复或改成该代码",
                    f"enterprise {e.id}: uscc taken by {twin.id}",
                )
        apply_draft(e, clean)
        if restore:
            e.deleted_at = None
            e.deleted_by = None
        # the flag mirrors the compliant list's events, whichever side's value was chosen
        from compliance_desk.services import compliant_list

        today = local_date(self.ctx.clock())
        e.on_compliant_list = (
            compliant_list.status_on(session, e.id, today) in compliant_list.LISTED
        )
        session.flush()

    def resolve_delete(self, user: CurrentUser, conflict_id: uuid.UUID, delete: bool) -> None:
        """Update-vs-delete or delete-vs-update: ``delete`` True deletes (or leaves deleted)."""
        with self.ctx.uow(user) as uow:
            c = self._open(uow.session, conflict_id)
            if c.kind not in ("update_vs_delete", "delete_vs_update"):
                raise DomainError("这类冲突不能这样处理", f"conflict {c.id} is {c.kind}")
            if c.kind == "delete_vs_update" and delete:
                user.require(Permission.ENTERPRISE_DELETE if c.table_name == "enterprise"
                             else EDIT_PERMISSION.get(c.table_name, Permission.REFERENCE_EDIT))  # fmt: skip
                row = uow.session.get(_model(c.table_name), c.row_id)
                if row is not None and row.deleted_at is None:
                    row.deleted_at = self.ctx.clock()
            elif c.kind == "update_vs_delete" and not delete:
                self._require_edit(user, c.table_name)
                mine = {k: v.get("device") for k, v in c.fields.items() if isinstance(v, dict)}
                self._write(uow.session, user, c, mine, restore=True)
            else:
                self._require_edit(user, c.table_name)
            self._close(uow.session, c)
            uow.commit()

    def resolve_duplicate(self, user: CurrentUser, conflict_id: uuid.UUID, keep: uuid.UUID) -> None:
        """Choose which of two records with the same credit code stays; the other is deleted,
        and its history moves to the one that stays (see ``_move_history``)."""
        user.require(Permission.ENTERPRISE_DELETE)
        with self.ctx.uow(user) as uow:
            c = self._open(uow.session, conflict_id)
            if c.kind != "duplicate" or c.other_row_id is None:
                raise DomainError("这不是重复记录的合并任务", f"conflict {c.id} is {c.kind}")
            if keep not in (c.row_id, c.other_row_id):
                raise DomainError("只能在这两条记录中选择", f"{keep} not in conflict {c.id}")
            drop = c.other_row_id if keep == c.row_id else c.row_id
            model = _model(c.table_name)
            kept, dropped = uow.session.get(model, keep), uow.session.get(model, drop)
            if kept is None or dropped is None:
                raise NotFound("本机找不到这两条记录之一，请先同步", f"conflict {c.id} rows")
            if dropped.deleted_at is None:
                dropped.deleted_at = self.ctx.clock()
                uow.session.flush()  # the delete goes first: the code is free when it arrives
            if kept.deleted_at is not None:
                kept.deleted_at = None
                kept.deleted_by = None
                uow.session.flush()
            if c.table_name == Enterprise.__tablename__:
                _move_history(uow.session, drop, keep, local_date(self.ctx.clock()))
            self._close(uow.session, c)
            uow.commit()

    def acknowledge(self, user: CurrentUser, item_id: uuid.UUID) -> None:
        """A refused step or a rejected operation has been seen; kept, marked as seen."""
        with self.ctx.uow(user) as uow:
            op = uow.session.get(SyncOutbox, item_id)
            if op is not None and op.status == "rejected":
                op.status = ACKNOWLEDGED
            else:
                c = self._open(uow.session, item_id)
                if c.kind != "concurrent_step":
                    raise DomainError(
                        "该冲突需要选择处理方式", f"conflict {c.id} is {c.kind}: choose"
                    )
                self._close(uow.session, c)
            uow.commit()


def _move_history(session: Session, drop: uuid.UUID, keep: uuid.UUID, today: date) -> int:
    """The merged-away enterprise's appeals, inspections, rectifications and letters now belong
    to the one that stays (synced as ordinary edits), and its compliant-list history is copied
    to it, so the register's page, the list and the log show one enterprise with all of it.
    Visits stay as they were recorded (facts of who came in; their appeals move).  Returns how
    many rows moved."""
    from compliance_desk.persistence.inspection_models import (
        CompliantListEvent,
        Inspection,
        Rectification,
    )
    from compliance_desk.persistence.letter_models import Letter
    from compliance_desk.persistence.models import Appeal
    from compliance_desk.services import appeal_clocks, compliant_list

    appeals = list(session.scalars(select(Appeal.id).where(Appeal.enterprise_id == drop)))
    moved = 0
    for model in (Appeal, Inspection, Rectification, Letter):
        column = getattr(model, "enterprise_id")  # noqa: B009 - every one of them has it
        for row in session.scalars(select(model).where(column == drop)).all():
            # one by one through the unit of work: captured for sync, audited, versioned
            setattr(row, "enterprise_id", keep)  # noqa: B010
            moved += 1
    session.flush()
    for event in session.scalars(
        select(CompliantListEvent).where(CompliantListEvent.enterprise_id == drop)
    ).all():
        session.add(
            CompliantListEvent(
                enterprise_id=keep, on=event.on, event=event.event, source_id=event.source_id,
                reason=f"{event.reason}（由重复记录合并）" if event.reason else "由重复记录合并",
            )
        )  # fmt: skip
        moved += 1
    session.flush()
    kept = session.get(Enterprise, keep)
    if kept is not None:  # the flag follows the merged history
        kept.on_compliant_list = (
            compliant_list.status_on(session, keep, today) in compliant_list.LISTED
        )
    session.flush()
    appeal_clocks.refresh(session.connection(), appeals)  # the log shows the kept name
    return moved
