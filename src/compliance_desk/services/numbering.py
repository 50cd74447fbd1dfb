"""Official numbers: per issuing department, series and year; never reused, never on two letters.

The counter is bumped by one atomic statement (INSERT .. ON CONFLICT DO UPDATE .. RETURNING), so
two desks issuing at the same moment on PostgreSQL queue on the counter row and get different
numbers; the unique index on the register (prefix, year, seq) is the guarantee behind it.  A
leased block for an offline laptop (sync issue) is the same statement bumping by the block size.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from compliance_desk.domain.letters import format_number
from compliance_desk.persistence.dialect import insert_for
from compliance_desk.persistence.letter_models import DocumentNumber, NumberCounter


@dataclass(frozen=True)
class Block:
    prefix: str
    year: int
    first: int
    last: int


def reserve(session: Session, prefix: str, year: int, count: int = 1) -> Block:
    """Take ``count`` consecutive sequence numbers of the series; they are never handed out again
    (even if the caller's transaction later fails, the numbers return only with its rollback)."""
    stmt = insert_for(session)(NumberCounter).values(prefix=prefix, year=year, next_seq=1 + count)
    stmt = stmt.on_conflict_do_update(
        index_elements=[NumberCounter.prefix, NumberCounter.year],
        set_={"next_seq": NumberCounter.next_seq + count},
    ).returning(NumberCounter.next_seq)
    after = int(session.execute(stmt).scalar_one())
    return Block(prefix, year, after - count, after - 1)


def allocate(
    session: Session, prefix: str, year: int, kind: str, letter_id: uuid.UUID
) -> DocumentNumber:
    """The next free number of the series, registered to ``letter_id``."""
    while True:
        block = reserve(session, prefix, year)
        taken = session.scalar(
            select(DocumentNumber.id).where(
                DocumentNumber.prefix == prefix,
                DocumentNumber.year == year,
                DocumentNumber.seq == block.first,
            )
        )
        if taken is None:  # a number that came in by sync from a leased block is skipped
            break
    row = DocumentNumber(
        prefix=prefix,
        year=year,
        seq=block.first,
        text=format_number(prefix, year, block.first),
        kind=kind,
        letter_id=letter_id,
        status="issued",
        void_reason="",
    )
    session.add(row)
    session.flush()  # the unique index speaks now, inside the approval's transaction
    return row
