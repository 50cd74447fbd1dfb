"""A copy of the SQLite file taken before its schema is migrated (an upgrade of the desk).

A migration that fails halfway is rolled back by its transaction, but a migration that
succeeds and turns out wrong, or a new release that has to be rolled back, needs the file as
it was.  The copy sits next to the database, named by time and the revision it holds, e.g.
``compliance-desk.backup-20261129T101500-rev0004.sqlite3``.  It is made with SQLite's online
backup API (consistent even in WAL mode) into a ``.part`` file renamed when complete, so a
backup that exists is whole.  PostgreSQL is the shared server's: its administrator backs it
up (pg_dump) before upgrading the desks.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from compliance_desk.domain.errors import DomainError

log = logging.getLogger("compliance_desk.persistence.backup")


def sqlite_file(engine: Engine) -> Path | None:
    """The database file of a SQLite engine; None for memory databases and PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return None
    database = engine.url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def backup_name(database: Path, revision: str, when: datetime) -> Path:
    stamp = when.strftime("%Y%m%dT%H%M%S")
    return database.with_name(f"{database.stem}.backup-{stamp}-rev{revision}{database.suffix}")


def backup_before_migrating(engine: Engine, revision: str, when: datetime | None = None) -> Path:
    """Copy the SQLite file at ``revision``; DomainError (and no copy) if that fails."""
    database = sqlite_file(engine)
    assert database is not None
    target = backup_name(database, revision, when or datetime.now())
    n = 1
    while target.exists():  # two upgrades within a second keep both copies
        target = target.with_name(f"{target.stem}-{n}{target.suffix}")
        n += 1
    part = target.with_name(target.name + ".part")
    try:
        with engine.connect() as connection:
            source = connection.connection.driver_connection
            assert isinstance(source, sqlite3.Connection)
            copy = sqlite3.connect(part)
            try:
                source.backup(copy)
            finally:
                copy.close()
        part.replace(target)
    except (OSError, sqlite3.Error) as exc:
        part.unlink(missing_ok=True)
        raise DomainError(
            f"升级数据库前无法备份 {database}（{exc}）：数据库未作任何改动，"
            "请检查磁盘空间和文件夹权限后重新启动",
            f"cannot back up {database} before migrating: {exc}",
        ) from exc
    log.info("backed up %s (revision %s) to %s before migrating", database, revision, target)
    return target
