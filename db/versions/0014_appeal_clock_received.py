"""the appeal log's overdue and due-soon filters in their default order (newest first): the
appeal's receipt copied into its derived clock, with an index of the open clocks by receipt
that also holds the deadline; and the appeals' receipt index with their state and tier.

Revision ID: 0014
Revises: 0011
Create Date: 2026-11-29 16:35:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("local_appeal_clock", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("received_at", sa.DateTime(timezone=True), nullable=True))
    # The same stored value as the appeal's (the log orders by it as by the appeal's own).
    op.execute(
        "UPDATE local_appeal_clock SET received_at = (SELECT appeal.received_at FROM appeal"
        " WHERE appeal.id = local_appeal_clock.appeal_id)"
    )
    op.create_index(
        "ix_local_appeal_clock_open_received",
        "local_appeal_clock",
        ["is_open", "received_at", "appeal_id", "due"],
    )
    # The log's walk newest first tests state and tier from the index, not the appeal's row
    # (a department's open appeals 6-9 -> 3-5 ms warm, and no page of the big table read).
    live = sa.text("deleted_at IS NULL")
    op.create_index(
        "ix_appeal_received_state",
        "appeal",
        ["received_at", "id", "state", "tier"],
        sqlite_where=live,
        postgresql_where=live,
    )
    op.drop_index("ix_appeal_received", table_name="appeal")  # its first two columns


def downgrade() -> None:
    live = sa.text("deleted_at IS NULL")
    op.create_index(
        "ix_appeal_received",
        "appeal",
        ["received_at", "id"],
        sqlite_where=live,
        postgresql_where=live,
    )
    op.drop_index("ix_appeal_received_state", table_name="appeal")
    op.drop_index("ix_local_appeal_clock_open_received", table_name="local_appeal_clock")
    with op.batch_alter_table("local_appeal_clock", schema=None) as batch_op:
        batch_op.drop_column("received_at")
