"""ix_appeal_number: every appeal's number, deleted ones too, in an index.

The unique index of numbers is of live appeals only (uq_appeal_number_live), so a question
about a number that does not say "live" read the whole table: a new appeal's number checked
against every number ever given (services/appeals.py), a receipt's QR code verified
(services/letters.py).  On a desk or the shared database with a million appeals, each was a
scan of the table.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 15:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_appeal_number", "appeal", ["number"])


def downgrade() -> None:
    op.drop_index("ix_appeal_number", table_name="appeal")
