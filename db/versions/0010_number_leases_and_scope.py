"""leased blocks of document numbers; the centre of each change and of each device (scoped
pull); indexes for a day's inspections (sync prepare) and for the drafts (lease top-up).

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-29 13:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_lease",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("prefix", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("first_seq", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("next_seq", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_number_lease")),
    )
    with op.batch_alter_table("number_lease", schema=None) as batch_op:
        batch_op.create_index("ix_number_lease_device", ["device_id", "closed_at"], unique=False)
        batch_op.create_index(
            "ix_number_lease_series", ["prefix", "year", "closed_at"], unique=False
        )
    # Changes logged before scoping have no centre: every device receives them, as before.
    with op.batch_alter_table("sync_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centre_id", sa.Uuid(), nullable=True))
        batch_op.create_index("ix_sync_change_scope", ["centre_id", "seq"], unique=False)
    with op.batch_alter_table("sync_device", schema=None) as batch_op:
        batch_op.add_column(sa.Column("centre_id", sa.Uuid(), nullable=True))
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.create_index("ix_inspection_day", ["planned_on"], unique=False)
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.create_index("ix_letter_status", ["status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("letter", schema=None) as batch_op:
        batch_op.drop_index("ix_letter_status")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_index("ix_inspection_day")
    with op.batch_alter_table("sync_device", schema=None) as batch_op:
        batch_op.drop_column("centre_id")
    with op.batch_alter_table("sync_change", schema=None) as batch_op:
        batch_op.drop_index("ix_sync_change_scope")
        batch_op.drop_column("centre_id")
    with op.batch_alter_table("number_lease", schema=None) as batch_op:
        batch_op.drop_index("ix_number_lease_series")
        batch_op.drop_index("ix_number_lease_device")
    op.drop_table("number_lease")
