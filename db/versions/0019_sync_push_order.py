"""sync_push_order: the last page each device pushed with a token, so that a device may send its
next page before the last is answered and still have them applied in order
(server/push_order.py).

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sync_push_order",
        sa.Column("device_id", sa.Uuid(), nullable=False),
        sa.Column("page", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("device_id", name=op.f("pk_sync_push_order")),
    )


def downgrade() -> None:
    op.drop_table("sync_push_order")
