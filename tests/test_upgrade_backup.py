"""An upgrade of the desk: an existing SQLite file is copied before its schema is migrated."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from compliance_desk.bootstrap import open_desk
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.errors import DomainError
from compliance_desk.persistence import migrate
from compliance_desk.persistence.db import make_engine
from compliance_desk.services.demo_data import ensure_demo_users
from tests.conftest import FAST_HASHER

SONGXIA = EnterpriseDraft(name="崧厦蓝天伞业有限公司", uscc="91330604QU4AX6JM2M")


def _old_release_database(path: Path, revision: str = "0004") -> str:
    """A desk's file as the release before the newest migration left it, with data in it."""
    url = f"sqlite:///{path}"
    desk = open_desk(url, hasher=FAST_HASHER)
    admin = ensure_demo_users(desk.ctx)
    desk.enterprises.create(admin, SONGXIA)
    desk.close()
    from alembic import command

    engine = make_engine(url)
    cfg = migrate.alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)
    engine.dispose()
    return url


def _revision_and_names(path: Path) -> tuple[str, list[str]]:
    with sqlite3.connect(path) as c:
        revision = c.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        names = [r[0] for r in c.execute("SELECT name FROM enterprise WHERE deleted_at IS NULL")]
    return revision, names


def test_an_old_database_is_backed_up_then_migrated_with_its_data(tmp_path: Path) -> None:
    db = tmp_path / "compliance-desk.sqlite3"
    url = _old_release_database(db)
    assert _revision_and_names(db) == ("0004", ["崧厦蓝天伞业有限公司"])

    desk = open_desk(url, hasher=FAST_HASHER)  # what the new release does on its first start
    try:
        clerk = desk.auth.login("clerk", "Clerk2026")
        assert [e.name for e in desk.enterprises.search(clerk, "崧厦")] == ["崧厦蓝天伞业有限公司"]
    finally:
        desk.close()
    assert _revision_and_names(db) == (migrate.SCHEMA_HEAD, ["崧厦蓝天伞业有限公司"])

    backups = sorted(tmp_path.glob("compliance-desk.backup-*-rev0004.sqlite3"))
    assert len(backups) == 1, sorted(p.name for p in tmp_path.iterdir())
    assert _revision_and_names(backups[0]) == ("0004", ["崧厦蓝天伞业有限公司"])
    assert not list(tmp_path.glob("*.part"))

    open_desk(url, hasher=FAST_HASHER).close()  # already current: no second copy
    assert len(list(tmp_path.glob("*.backup-*"))) == 1


def test_a_new_database_needs_no_backup(tmp_path: Path) -> None:
    open_desk(f"sqlite:///{tmp_path / 'new.sqlite3'}", hasher=FAST_HASHER).close()
    assert sorted(p.name for p in tmp_path.iterdir() if "backup" in p.name) == []


def test_a_failed_backup_stops_the_start_before_migrating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "compliance-desk.sqlite3"
    url = _old_release_database(db)

    def refuse(*_args: object, **_kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("disk full")

    monkeypatch.setattr("compliance_desk.persistence.backup.sqlite3.connect", refuse)
    with pytest.raises(DomainError) as info:
        open_desk(url, hasher=FAST_HASHER)
    assert "升级数据库前无法备份" in info.value.message_zh
    assert "数据库未作任何改动" in info.value.message_zh
    engine = make_engine(url)
    with engine.connect() as c:
        assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0004"
    engine.dispose()
    assert [p.name for p in tmp_path.iterdir() if "backup" in p.name] == []
