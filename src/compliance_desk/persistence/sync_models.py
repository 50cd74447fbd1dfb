"""Tables of the sync machinery (SYNC.md).  None of them is itself synced (policy "local").

On every installation (the replicas, SQLite):
- ``sync_outbox``: one row per captured operation, written in the transaction of the change;
- ``sync_conflict``: conflicts and merge tasks the server reported, kept for the user.

On the shared database (the primary, PostgreSQL) the server adds:
- ``sync_change``: the change log pulled by server sequence (equal to commit order);
- ``sync_counter``: the single row that hands out that sequence under a row lock;
- ``sync_operation``: what the server did with each operation id (idempotency, rule 6);
- ``sync_device``: enrolled devices, their hashed tokens, revocation;
- ``sync_push_order``: each device's last page pushed with a token (pages kept in order);
and also writes ``sync_conflict`` rows.  One migration builds all of them on both databases,
so that the schema stays identical; the server-only ones simply stay empty on a laptop.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from compliance_desk.persistence.models import Base, UtcDateTime


class SyncOutbox(Base):
    """An operation waiting for (or answered by) the server; ``id`` is the operation id."""

    __tablename__ = "sync_outbox"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # The order the operations were made in on this machine (never a clock).
    position: Mapped[int] = mapped_column(BigInteger, nullable=False, autoincrement=False)
    table_name: Mapped[str] = mapped_column(String(60), nullable=False)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    kind: Mapped[str] = mapped_column(String(10), nullable=False)  # insert|update|delete|restore
    base_version: Mapped[int | None] = mapped_column(Integer)
    command: Mapped[str | None] = mapped_column(String(60))  # e.g. appeal.forward
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(
        UtcDateTime(), nullable=False
    )  # device time, for the record
    status: Mapped[str] = mapped_column(String(10), nullable=False)  # pending|conflict|rejected
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    last_error: Mapped[str] = mapped_column(Text, nullable=False, default="")
    # When the server applied it (status "done"): kept a while to re-send to a restored server.
    acked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    # The operation's wire JSON up to its payload, written at capture: the push's page is then
    # ``envelope || payload || '}'`` (sync/outbox_page.py).  None: a row written before 0015,
    # or one the server applied (dropped then: 30 days of them are kept, sync/resend.py; one
    # sent again to a restored server is written as before).
    envelope: Mapped[str | None] = mapped_column(Text)

    # Narrow on purpose: a row is rewritten once when its answer comes (done, with when), and
    # every index holding ``status`` or ``acked_at`` moves with it (0015: 2 indexes, was 3).
    __table_args__ = (
        Index("uq_sync_outbox_position", "position", unique=True),
        Index("ix_sync_outbox_status", "status", "position"),
        Index("ix_sync_outbox_row", "row_id"),
        Index(
            "ix_sync_outbox_acked",
            "acked_at",
            sqlite_where=text("acked_at IS NOT NULL"),
            postgresql_where=text("acked_at IS NOT NULL"),
        ),
    )


# sync_conflict.status.  On a device: open, then resolved when a person has decided (here), then
# closed once the server has closed its own copy too (sync/client.py); on the server's own table
# (the copy a desk on PostgreSQL lists): open, then resolved (server/conflicts.py).
CONFLICT_OPEN = "open"
CONFLICT_RESOLVED = "resolved"
CONFLICT_CLOSED = "closed"


class SyncConflict(Base):
    """A conflict or merge task for a person to resolve: both values, who, when."""

    __tablename__ = "sync_conflict"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    # field | update_vs_delete | delete_vs_update | duplicate | concurrent_step
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    table_name: Mapped[str] = mapped_column(String(60), nullable=False)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    other_row_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)  # the duplicate's twin
    op_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    device_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)  # when the edit was made
    detected_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    # {field: {"base": old, "server": kept value, "device": value sent}}
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    reason_zh: Mapped[str] = mapped_column(Text, nullable=False, default="")
    reason_en: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="open")

    __table_args__ = (Index("ix_sync_conflict_open", "status", "detected_at"),)


class SyncChange(Base):
    """The primary's change log: row ``row_id`` of ``table_name`` changed at ``seq``."""

    __tablename__ = "sync_change"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    table_name: Mapped[str] = mapped_column(String(60), nullable=False)
    row_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    op_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # The centre whose devices receive this change (sync/scope.py); None: every device.
    centre_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    # A centre's pull reads its own entries and the shared ones, each in seq order by index.
    __table_args__ = (Index("ix_sync_change_scope", "centre_id", "seq"),)


class SyncCounter(Base):
    """Hands out the change sequence; its row lock makes sequence order equal commit order."""

    __tablename__ = "sync_counter"
    name: Mapped[str] = mapped_column(String(30), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, nullable=False)


class SyncOperation(Base):
    """What the server did with an operation id: a replay gets this result back."""

    __tablename__ = "sync_operation"
    op_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    payload_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    # NULL: "applied" (server/operations.py), as the bulk push stores it
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)


class SyncPushOrder(Base):
    """The last page a device pushed with a token (server/push_order.py): the next page it
    sends before that one is answered names it, and is applied only after it committed."""

    __tablename__ = "sync_push_order"
    device_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    page: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)


class SyncDevice(Base):
    """An enrolled desk or laptop; only the SHA-256 of its token is kept."""

    __tablename__ = "sync_device"
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)  # the device's own id
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    token_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    enrolled_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    enrolled_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    revoked_reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    last_seen_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    app_version: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    # The centre whose data this device syncs; None: every centre (an administrator's device).
    centre_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)

    __table_args__ = (Index("uq_sync_device_token", "token_hash", unique=True),)
