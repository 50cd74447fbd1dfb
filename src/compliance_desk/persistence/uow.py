"""The unit of work: one session, one transaction, and the stamping every write gets.

A flush hook fills the sync columns (who, when, which device, tombstones), writes one
audit entry per changed row in the same transaction, refuses hard deletes of synced rows,
and keeps the local search index current.  Services never set these columns themselves.
The sync capture (sync/capture.py) hooks the same factory: outbox or change log, same
transaction.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any

from sqlalchemy import Engine, event, inspect
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from compliance_desk.domain.errors import ConcurrentEdit, DomainError
from compliance_desk.domain.ids import new_id
from compliance_desk.persistence import search_index
from compliance_desk.persistence.models import AuditEntry, Enterprise, Synced

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Actor:
    """Who is writing: the logged-in user (None for the system itself) on this device."""

    user_id: uuid.UUID | None
    device_id: uuid.UUID | None


SYSTEM = Actor(None, None)


class UnitOfWork:
    def __init__(self, factory: sessionmaker[Session], actor: Actor, clock: Clock) -> None:
        self._factory = factory
        self.actor = actor
        self.clock = clock
        self.session: Session

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.session.info["actor"] = self.actor
        self.session.info["clock"] = self.clock
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None:
                self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        """Commit; a lost race becomes a message the user can act on, not a crash."""
        try:
            self.session.commit()
        except StaleDataError as exc:
            self.session.rollback()
            raise ConcurrentEdit(
                "该记录刚被他人修改，请刷新后再操作", f"stale row version: {exc}"
            ) from exc
        except IntegrityError as exc:
            self.session.rollback()
            if "uq_appeal_event_seq" in str(
                exc.orig
            ) or "appeal_event.appeal_id, appeal_event.seq" in str(exc.orig):
                raise ConcurrentEdit(
                    "该诉求刚被其他工作台处理，请刷新后再操作", f"concurrent appeal step: {exc}"
                ) from exc
            raise
        except OperationalError as exc:
            self.session.rollback()
            if "database is locked" in str(exc.orig):
                raise DomainError(
                    "数据库正忙（另一项操作正在写入），请稍候再试，刚才的内容未保存",
                    f"database locked: {exc}",
                ) from exc
            raise

    def rollback(self) -> None:
        self.session.rollback()

    def expect_version(self, row: Synced, version: int) -> None:
        """The user edited what they saw: refuse if someone changed the row since."""
        if row.row_version != version:
            raise ConcurrentEdit(
                "该记录刚被他人修改，请刷新后再操作",
                f"{row.__tablename__} {row.id}: version {row.row_version} != {version}",
            )


def _jsonable(value: Any) -> Any:
    if isinstance(value, (uuid.UUID, datetime, date)):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    return value


_SKIP = {"row_version", "created_at", "updated_at", "created_by", "updated_by", "device_id"}
_SECRET = {"password_hash"}


def _changes(obj: Synced, new: bool) -> dict[str, Any]:
    state = inspect(obj)
    out: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in _SKIP:
            continue
        history = state.attrs[key].history
        if new:
            value = getattr(obj, key)
            if value is not None and value != "":
                out[key] = "***" if key in _SECRET else _jsonable(value)
        elif history.has_changes():
            old = history.deleted[0] if history.deleted else None
            value = history.added[0] if history.added else None
            if key in _SECRET:
                out[key] = ["***", "***"]
            else:
                out[key] = [_jsonable(old), _jsonable(value)]
    return out


def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    actor: Actor = session.info.get("actor", SYSTEM)
    clock: Clock = session.info.get("clock", utc_now)
    now = clock()
    for obj in list(session.deleted):
        if isinstance(obj, Synced):
            raise RuntimeError(
                f"hard delete of synced row {type(obj).__name__} {obj.id}: use a tombstone"
            )
    for obj in list(session.new):
        if not isinstance(obj, Synced):
            continue
        if obj.id is None:
            obj.id = new_id()
        obj.created_at = obj.created_at or now
        obj.updated_at = now
        obj.created_by = obj.created_by or actor.user_id
        obj.updated_by = actor.user_id
        obj.device_id = actor.device_id
        session.add(_audit(obj, "insert", _changes(obj, new=True), actor, now))
    for obj in list(session.dirty):
        if not isinstance(obj, Synced) or not session.is_modified(obj, include_collections=False):
            continue
        changes = _changes(obj, new=False)
        if not changes:
            continue
        action = "update"
        if "deleted_at" in changes:
            action = "delete" if obj.deleted_at is not None else "restore"
            if obj.deleted_at is not None:
                obj.deleted_by = actor.user_id
        obj.updated_at = now
        obj.updated_by = actor.user_id
        obj.device_id = actor.device_id
        session.add(_audit(obj, action, changes, actor, now))


def _audit(
    obj: Synced, action: str, changes: dict[str, Any], actor: Actor, now: datetime
) -> AuditEntry:
    return AuditEntry(
        at=now,
        user_id=actor.user_id,
        device_id=actor.device_id,
        table_name=obj.__tablename__,
        row_id=obj.id,
        action=action,
        changes=changes,
    )


def _after_flush(session: Session, _ctx: Any) -> None:
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    new = [obj for obj in session.new if isinstance(obj, Enterprise)]
    changed = [obj for obj in session.dirty if isinstance(obj, Enterprise)]
    search_index.update(connection, (index_doc(e) for e in new), fresh=True)
    search_index.update(connection, (index_doc(e) for e in changed))


def index_doc(e: Enterprise) -> search_index.IndexDoc:
    return search_index.IndexDoc(
        id=e.id,
        name=e.name,
        pinyin=e.name_pinyin,
        initials=e.name_initials,
        phone=e.contact_phone,
        live=e.deleted_at is None,
    )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    # After the stamping above: the sync capture records the stamped rows (sync/capture.py).
    from compliance_desk.sync import capture

    capture.install(factory)
    return factory
