"""Client-generated, time-ordered identities (UUIDv7), as SYNC.md rule 1 requires."""

from __future__ import annotations

import uuid

import uuid6


def new_id() -> uuid.UUID:
    # uuid6 returns its own UUID subclass; normalise to the stdlib type for SQLAlchemy.
    return uuid.UUID(bytes=uuid6.uuid7().bytes)
