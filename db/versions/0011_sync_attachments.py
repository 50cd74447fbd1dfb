"""sync attachments and re-sending: the server's blob store (sync_blob, sync_blob_chunk), the
replica's files still to download (sync_blob_wanted), and when an outbox operation was
acknowledged (kept a while so a server restored from a backup can be sent it again).

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-29 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_blob",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("received", sa.BigInteger(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_sync_blob")),
    )
    op.create_table(
        "sync_blob_chunk",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("offset", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256", "offset", name=op.f("pk_sync_blob_chunk")),
    )
    op.create_table(
        "sync_blob_wanted",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("wanted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_sync_blob_wanted")),
    )
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acked_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_sync_outbox_acked", ["status", "acked_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sync_outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_outbox_acked")
        batch_op.drop_column("acked_at")
    op.drop_table("sync_blob_wanted")
    op.drop_table("sync_blob_chunk")
    op.drop_table("sync_blob")
