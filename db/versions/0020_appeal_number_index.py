"""ix_appeal_number: every appeal's number, deleted ones too; letters by department, by date.

The unique index of numbers is of live appeals only (uq_appeal_number_live), so a question
about a number that does not say "live" read the whole table: a new appeal's number checked
against every number ever given (services/appeals.py), a receipt's QR code verified
(services/letters.py).  On a desk or the shared database with a million appeals, each was a
scan of the table.  A new letter's authority and telephone are those of its department's
last letter (services/letters.py, prefill), a new draft's department that of the last letter of
its kind (usual_department), and the letters page lists the newest live letters: each read
every letter too.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 15:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_appeal_number", "appeal", ["number"])
    op.create_index("ix_letter_department", "letter", ["department_id", "created_at"])
    live = sa.text("deleted_at IS NULL")
    op.create_index("ix_letter_created", "letter", ["created_at"], sqlite_where=live,
                    postgresql_where=live)  # fmt: skip
    op.create_index("ix_letter_kind", "letter", ["kind", "created_at"], sqlite_where=live,
                    postgresql_where=live)  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_letter_kind", table_name="letter")
    op.drop_index("ix_letter_created", table_name="letter")
    op.drop_index("ix_letter_department", table_name="letter")
    op.drop_index("ix_appeal_number", table_name="appeal")
