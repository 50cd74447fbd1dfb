"""What every service needs: the database, the clock, this device, and the signed-in user."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from compliance_desk.domain.roles import Permission, Role, require
from compliance_desk.persistence.blob_store import BlobStore
from compliance_desk.persistence.uow import Actor, Clock, UnitOfWork

ACTIVE_RECHECK = 5.0  # seconds a signed-in user's account is taken as still enabled


@dataclass(frozen=True)
class CurrentUser:
    id: uuid.UUID
    username: str
    display_name: str
    role: Role
    centre_id: uuid.UUID | None

    def require(self, permission: Permission) -> None:
        require(self.role, permission)


@dataclass
class ServiceContext:
    engine: Engine
    factory: sessionmaker[Session]
    clock: Clock
    device_id: uuid.UUID
    database_label: str
    # Tests pass a cheap hasher; production uses argon2-cffi's recommended parameters.
    hasher: PasswordHasher = field(default_factory=PasswordHasher)

    # Names of industries, centres and chambers, shown on every table row; reference data
    # changes rarely, so the table reads them at most every few seconds (writes invalidate).
    names_cache: tuple[float, dict[Any, tuple[uuid.UUID | None, str]]] | None = None
    # Where attachments are stored (content-addressed); None: beside the database file.
    blob_root: Path | None = None
    # Where this machine's private signing key lives; None: the user's data folder.
    key_dir: Path | None = None

    def blobs(self) -> BlobStore:
        if self.blob_root is None:
            database = self.engine.url.database
            if self.engine.dialect.name == "sqlite" and database and database != ":memory:":
                self.blob_root = Path(database).parent / "attachments"
            else:
                from compliance_desk.paths import data_dir

                self.blob_root = data_dir() / "attachments"
        return BlobStore(self.blob_root)

    def key_folder(self) -> Path:
        if self.key_dir is None:
            from compliance_desk.paths import data_dir

            self.key_dir = data_dir() / "keys"
        return self.key_dir

    # When each signed-in user was last seen active (still_active).
    active_seen: dict[uuid.UUID, float] = field(default_factory=dict)

    def invalidate_names(self) -> None:
        self.names_cache = None

    def uow(self, user: CurrentUser | None) -> UnitOfWork:
        if user is not None:
            self.still_active(user)
        return UnitOfWork(
            self.factory, Actor(user.id if user else None, self.device_id), self.clock
        )

    def still_active(self, user: CurrentUser) -> None:
        """PermissionDenied once the account is disabled or deleted (an administrator's
        decision reaches a session already signed in; it worked on until it signed out).
        Read at most every ACTIVE_RECHECK seconds per user."""
        now = time.monotonic()
        seen = self.active_seen.get(user.id)
        if seen is not None and now - seen < ACTIVE_RECHECK:
            return
        from sqlalchemy import select

        from compliance_desk.domain.errors import PermissionDenied
        from compliance_desk.persistence.models import AppUser

        with self.factory() as s:
            row = s.execute(
                select(AppUser.active, AppUser.deleted_at).where(AppUser.id == user.id)
            ).first()
        if row is not None and (not row.active or row.deleted_at is not None):
            self.active_seen.pop(user.id, None)
            raise PermissionDenied("您的账户已被停用，请联系管理员；本机数据未受影响",
                                   f"user {user.username} is disabled")  # fmt: skip
        self.active_seen[user.id] = now

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"
