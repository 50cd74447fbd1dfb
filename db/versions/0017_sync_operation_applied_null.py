"""sync_operation.result may be NULL, meaning "applied": the server's bulk push claims a page of
operations without building a result of five fields per operation (server/operations.py says
what a replay of such an operation gets back: the same answer as before).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sync_operation", schema=None) as batch_op:
        batch_op.alter_column("result", existing_type=sa.JSON(), nullable=True)


def downgrade() -> None:
    # The results NULL stood for, written out as the older code stored them.
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE sync_operation SET result = json_build_object('op_id', op_id::text, "
            "'status', 'applied', 'reason_zh', '', 'reason_en', '', 'conflict', NULL) "
            "WHERE result IS NULL"
        )
    else:  # SQLite keeps a uuid as 32 hex digits
        op.execute(
            "UPDATE sync_operation SET result = json_object('op_id', lower(substr(op_id, 1, 8) "
            "|| '-' || substr(op_id, 9, 4) || '-' || substr(op_id, 13, 4) || '-' || "
            "substr(op_id, 17, 4) || '-' || substr(op_id, 21, 12)), 'status', 'applied', "
            "'reason_zh', '', 'reason_en', '', 'conflict', json('null')) "
            "WHERE result IS NULL OR result = 'null'"
        )
    with op.batch_alter_table("sync_operation", schema=None) as batch_op:
        batch_op.alter_column("result", existing_type=sa.JSON(), nullable=False)
