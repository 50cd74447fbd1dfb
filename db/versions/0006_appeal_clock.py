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


LIVE = sa.text("deleted_at IS NULL")
OLD_INDEXES = {  # as 0001 made them
    "ix_appeal_received": ["received_at"],
    "ix_appeal_state": ["state", "received_at"],
    "ix_appeal_centre": ["centre_id", "received_at"],
}
LOG_INDEXES = (
    ("ix_appeal_received", ["received_at", "id"]),
    ("ix_appeal_state", ["state", "received_at"]),
    ("ix_appeal_centre", ["centre_id", "received_at"]),
    ("ix_appeal_tier", ["tier", "state", "received_at"]),
    ("ix_appeal_title", ["title", "id"]),
)


def upgrade() -> None:
    op.create_table(
        "local_appeal_clock",
        sa.Column("appeal_id", sa.Uuid(), nullable=False),
        sa.Column("is_open", sa.Boolean(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("tier_rank", sa.Integer(), nullable=False),
        sa.Column("state_rank", sa.Integer(), nullable=False),
        sa.Column("enterprise_key", sa.String(length=1000), nullable=False),
        sa.PrimaryKeyConstraint("appeal_id", name=op.f("pk_local_appeal_clock")),
    )
    op.create_index(
        "ix_local_appeal_clock_open_due", "local_appeal_clock", ["is_open", "due", "appeal_id"]
    )
    op.create_index("ix_local_appeal_clock_due", "local_appeal_clock", ["due", "appeal_id"])
    op.create_index("ix_local_appeal_clock_tier", "local_appeal_clock", ["tier_rank", "appeal_id"])
    op.create_index(
        "ix_local_appeal_clock_state", "local_appeal_clock", ["state_rank", "appeal_id"]
    )
    op.create_index(
        "ix_local_appeal_clock_enterprise", "local_appeal_clock", ["enterprise_key", "appeal_id"]
    )
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
    if op.get_bind().dialect.name == "sqlite":
        # The log's text filter (see services/appeal_text.py): one character per token.
        op.execute(
            "CREATE VIRTUAL TABLE local_appeal_text USING fts5("
            "number, title, enterprise, tokenize='unicode61')"
        )
    live = {"sqlite_where": LIVE, "postgresql_where": LIVE}
    with op.batch_alter_table("appeal") as batch:
        for name, columns in LOG_INDEXES:
            if name in OLD_INDEXES:
                batch.drop_index(name)
            batch.create_index(name, columns, **live)


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS local_appeal_text")
    with op.batch_alter_table("appeal") as batch:
        for name, _columns in LOG_INDEXES:
            batch.drop_index(name)
            if name in OLD_INDEXES:
                batch.create_index(name, OLD_INDEXES[name])
    op.drop_index("ix_local_appeal_department_dept", table_name="local_appeal_department")
    op.drop_table("local_appeal_department")
    op.drop_index("ix_local_appeal_clock_enterprise", table_name="local_appeal_clock")
    op.drop_index("ix_local_appeal_clock_state", table_name="local_appeal_clock")
    op.drop_index("ix_local_appeal_clock_tier", table_name="local_appeal_clock")
    op.drop_index("ix_local_appeal_clock_due", table_name="local_appeal_clock")
    op.drop_index("ix_local_appeal_clock_open_due", table_name="local_appeal_clock")
    op.drop_table("local_appeal_clock")
