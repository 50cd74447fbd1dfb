"""The enterprise search index holds names with full-width ASCII folded to half-width, as the
search box folds what is typed: a name written 上虞（绍兴）伞业 was not found by （绍兴） (typed
（ and folded to ( ), nor by (绍兴).  SQLite only (the search index is local): the indexed
names that change are re-indexed, their short grams with them.

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 02:20:00
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def _reindex(pairs: list[tuple[int, str, str, str]]) -> None:
    """(rowid, indexed name, new name, initials): the name and its grams replaced."""
    from compliance_desk.persistence.search_index import gram_text

    connection = op.get_bind()
    for rowid, old, new, initials in pairs:
        connection.exec_driver_sql(
            "INSERT INTO enterprise_gram (enterprise_gram, rowid, grams) VALUES ('delete', ?, ?)",
            (rowid, gram_text(old, initials)),
        )
        connection.exec_driver_sql(
            "UPDATE enterprise_fts SET name = ? WHERE rowid = ?", (new, rowid)
        )
        connection.exec_driver_sql(
            "INSERT INTO enterprise_gram (rowid, grams) VALUES (?, ?)",
            (rowid, gram_text(new, initials)),
        )


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    from compliance_desk.domain.text import to_halfwidth

    docs = op.get_bind().exec_driver_sql("SELECT rowid, name, initials FROM enterprise_fts").all()
    _reindex(
        [(n, name, to_halfwidth(name), ini) for n, name, ini in docs if to_halfwidth(name) != name]
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    docs = (
        op.get_bind()
        .exec_driver_sql(
            "SELECT f.rowid, f.name, e.name, f.initials FROM enterprise_fts f "
            "JOIN enterprise e ON e.id = f.eid WHERE e.name <> f.name"
        )
        .all()
    )
    _reindex([(n, indexed, name, ini) for n, indexed, name, ini in docs])
