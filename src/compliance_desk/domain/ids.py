"""Client-generated, time-ordered identities (UUIDv7), as SYNC.md rule 1 requires."""

from __future__ import annotations

import uuid

import uuid6


def new_id() -> uuid.UUID:
    # uuid6 returns its own UUID subclass; normalise to the stdlib type for SQLAlchemy.
    return uuid.UUID(bytes=uuid6.uuid7().bytes)


# Rows every installation seeds (the plan's centres, departments, templates, checklists) get
# the same id everywhere, so that laptops seeded offline and the server agree on them.
_SEED_NAMESPACE = uuid.UUID("0f4d1c9e-5a33-4b8e-9a55-3c1e2f6b7d10")


def seed_id(*parts: str) -> uuid.UUID:
    """A deterministic id for a seeded row, from its table and natural key."""
    return uuid.uuid5(_SEED_NAMESPACE, "/".join(parts))
