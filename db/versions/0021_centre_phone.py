"""centre.phone: the centre's telephone for enterprises' questions, printed on the appeal
receipt (咨询电话) with the centre's address; set by an administrator.  inspection.cancel_reason:
why a planned inspection was called off (status "cancelled": kept, not deleted, so the draw's
record still shows what became of each enterprise drawn).

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("centre", recreate="never") as batch:
        batch.add_column(sa.Column("phone", sa.String(60), nullable=False, server_default=""))
    with op.batch_alter_table("inspection", recreate="never") as batch:
        batch.add_column(sa.Column("cancel_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("inspection", recreate="never") as batch:
        batch.drop_column("cancel_reason")
    with op.batch_alter_table("centre", recreate="never") as batch:
        batch.drop_column("phone")
