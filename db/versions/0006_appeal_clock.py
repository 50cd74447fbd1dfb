"""appeal log at scale: the derived, local clock and forward tables

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "local_appeal_clock",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("appeal_id", name=op.f("pk_local_appeal_clock")),
    )
    op.create_index("ix_local_appeal_clock_open_due", "local_appeal_clock", ["is_open", "due"])
    op.create_index("ix_local_appeal_clock_due", "local_appeal_clock", ["due"])
    op.create_table(
        "local_appeal_department",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("department_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint(
            "appeal_id", "department_id", name=op.f("pk_local_appeal_department")
        ),
    )
    op.create_index(
        "ix_local_appeal_department_dept",
        "local_appeal_department",
        ["department_id", "appeal_id"],
    )
    # Existing appeals get their clocks when the app next starts (AppealClocks.reconcile).


def downgrade() -> None:
    op.drop_index("ix_local_appeal_department_dept", table_name="local_appeal_department")
    op.drop_table("local_appeal_department")
    op.drop_index("ix_local_appeal_clock_due", table_name="local_appeal_clock")
    op.drop_index("ix_local_appeal_clock_open_due", table_name="local_appeal_clock")
    op.drop_table("local_appeal_clock")
