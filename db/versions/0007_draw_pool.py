"""the draw keeps its pool, team size, day and the enterprises it left out

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inspection_draw", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pool_enterprises", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("pool_inspectors", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("team_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("as_of", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("left_out", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inspection_draw", schema=None) as batch_op:
        batch_op.drop_column("left_out")
        batch_op.drop_column("as_of")
        batch_op.drop_column("team_size")
        batch_op.drop_column("pool_inspectors")
        batch_op.drop_column("pool_enterprises")
