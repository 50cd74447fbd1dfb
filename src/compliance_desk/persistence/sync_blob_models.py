"""Tables for attachments in sync (SYNC.md rule 11).  None of them is itself synced.

On the shared database (the server):
- ``sync_blob``: one row per content hash being uploaded or stored, with the bytes received;
- ``sync_blob_chunk``: the bytes, in chunks keyed by their offset.  Blobs live in PostgreSQL,
  not on the server's disk, so that the service stays stateless (any copy serves any upload,
  and an interrupted upload resumes on another copy) and a database backup holds them.

On every replica (SQLite):
- ``sync_blob_wanted``: hashes of pulled rows whose file is not here yet, written in the pull's
  transaction so a download that fails (offline, killed) is tried again at the next sync
  without scanning every attachment.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from compliance_desk.persistence.models import Base, UtcDateTime


class SyncBlob(Base):
    __tablename__ = "sync_blob"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)  # as the uploader announced
    received: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    complete: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class SyncBlobChunk(Base):
    __tablename__ = "sync_blob_chunk"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    offset: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)


class SyncBlobWanted(Base):
    __tablename__ = "sync_blob_wanted"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    wanted_at: Mapped[datetime] = mapped_column(UtcDateTime(), nullable=False)
