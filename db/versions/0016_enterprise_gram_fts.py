"""The enterprise search index's short grams as an FTS5 table (one row a document) instead of
one B-tree row per gram and document: a pulled page of 10,000 enterprises wrote ~490,000 gram
rows; FTS5 files a document's grams in one go (persistence/search_index.py).  SQLite only (the
search index is local); rebuilt from the indexed names and initials, which enterprise_fts holds.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29 22:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

FTS_GRAMS = (
    "CREATE VIRTUAL TABLE enterprise_gram USING fts5("
    "grams, content='', detail=none, tokenize='ascii')"
)
OLD_GRAMS = (
    "CREATE TABLE enterprise_gram (gram TEXT NOT NULL, docid INTEGER NOT NULL, "
    "PRIMARY KEY (gram, docid)) WITHOUT ROWID"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    from compliance_desk.persistence.search_index import gram_text

    connection = op.get_bind()
    op.execute("DROP TABLE IF EXISTS enterprise_gram")
    op.execute(FTS_GRAMS)
    docs = connection.exec_driver_sql(
        "SELECT rowid, name, initials FROM enterprise_fts ORDER BY rowid"
    ).all()
    if docs:
        connection.exec_driver_sql(
            "INSERT INTO enterprise_gram (rowid, grams) VALUES (?, ?)",
            [(n, gram_text(name, initials)) for n, name, initials in docs],
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    from compliance_desk.persistence.search_index import short_grams

    connection = op.get_bind()
    op.execute("DROP TABLE IF EXISTS enterprise_gram")
    op.execute(OLD_GRAMS)
    docs = connection.exec_driver_sql("SELECT rowid, name, initials FROM enterprise_fts").all()
    if docs:
        connection.exec_driver_sql(
            "INSERT OR IGNORE INTO enterprise_gram (gram, docid) VALUES (?, ?)",
            [(g, n) for n, name, initials in docs for g in short_grams(name, initials)],
        )
