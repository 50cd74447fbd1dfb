"""the outbox's wire envelope written at capture (the push reads a page as plain text), and
narrower outbox indexes (a row's ``status`` and ``acked_at`` change once each per push).

Rows already waiting keep no envelope (NULL): the push writes theirs as before
(sync/outbox_page.py), so an outbox that survives this upgrade still pushes, with the same
operations and fingerprints.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_outbox", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("envelope", sa.Text(), nullable=True))
    # Looked up by row only (a row has a handful of operations): status left out, so that
    # marking an operation done does not move it in this index.
    op.drop_index("ix_sync_outbox_row", table_name="sync_outbox")
    op.create_index("ix_sync_outbox_row", "sync_outbox", ["row_id"])
    # Only acknowledged operations are ever looked up by time (resend.prune).
    op.drop_index("ix_sync_outbox_acked", table_name="sync_outbox")
    op.create_index(
        "ix_sync_outbox_acked",
        "sync_outbox",
        ["acked_at"],
        sqlite_where=sa.text("acked_at IS NOT NULL"),
        postgresql_where=sa.text("acked_at IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_sync_outbox_acked", table_name="sync_outbox")
    op.create_index("ix_sync_outbox_acked", "sync_outbox", ["status", "acked_at"])
    op.drop_index("ix_sync_outbox_row", table_name="sync_outbox")
    op.create_index("ix_sync_outbox_row", "sync_outbox", ["row_id", "status"])
    with op.batch_alter_table("sync_outbox", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("envelope")
