"""The schema: built by the Alembic migrations, identical on SQLite and PostgreSQL, sync-ready."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from compliance_desk.bootstrap import Desk, open_desk
from compliance_desk.persistence import migrate
from compliance_desk.persistence.db import make_engine as create_engine_for
from compliance_desk.persistence.migrate import include_name
from compliance_desk.persistence.models import (
    Base,
    Centre,
    Department,
    Enterprise,
    Industry,
    LocalSetting,
    Synced,
)
from compliance_desk.services.context import CurrentUser

SYNC_COLUMNS = {
    "id",
    "row_version",
    "created_at",
    "created_by",
    "updated_at",
    "updated_by",
    "device_id",
    "deleted_at",
    "deleted_by",
}


def test_migrations_build_exactly_the_models(desk: Desk) -> None:
    with desk.ctx.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": include_name})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []
    assert not migrate.needs_upgrade(desk.ctx.engine)


def test_schema_head_constant_is_the_newest_migration() -> None:
    assert migrate.SCHEMA_HEAD == migrate.head_revision() == migrate.KNOWN_REVISIONS[-1]
    from alembic.script import ScriptDirectory

    walked = [
        r.revision for r in ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()
    ]
    assert tuple(reversed(walked)) == migrate.KNOWN_REVISIONS


def test_a_database_newer_than_the_program_is_refused_plainly(sqlite_url: str) -> None:
    from compliance_desk.domain.errors import DomainError

    open_desk(sqlite_url).close()
    engine = create_engine_for(sqlite_url)
    with engine.begin() as c:
        c.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    engine.dispose()
    with pytest.raises(DomainError) as info:
        open_desk(sqlite_url)
    assert "比本程序新" in info.value.message_zh and "数据未作任何改动" in info.value.message_zh


def test_an_up_to_date_database_opens_without_importing_alembic(sqlite_url: str) -> None:
    import subprocess
    import sys

    open_desk(sqlite_url).close()
    code = (
        "import sys; from compliance_desk.bootstrap import open_desk; "
        f"open_desk({sqlite_url!r}).close(); "
        "print(any(m.startswith('alembic') for m in sys.modules), 'pypinyin' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_every_synced_table_is_sync_ready(desk: Desk) -> None:
    inspector = inspect(desk.ctx.engine)
    synced = [m.__table__.name for m in Synced.__subclasses__()]  # type: ignore[attr-defined]
    assert {
        "enterprise",
        "centre",
        "department",
        "chamber",
        "industry",
        "app_user",
        "compliance_point",
    } <= set(synced)
    for table in synced:
        columns = {c["name"]: c for c in inspector.get_columns(table)}
        assert SYNC_COLUMNS <= set(columns), table
        assert str(columns["id"]["type"]).upper() in {"UUID", "CHAR(32)"}, table
        assert columns["id"].get("autoincrement") is not True, table


def test_no_autoincrement_or_serial_anywhere(desk: Desk) -> None:
    with desk.ctx.engine.connect() as c:
        if desk.ctx.engine.dialect.name == "postgresql":
            assert (
                c.execute(text("SELECT count(*) FROM pg_class WHERE relkind = 'S'")).scalar() == 0
            )
        else:
            ddl = " ".join(r[0] or "" for r in c.execute(text("SELECT sql FROM sqlite_master")))
            assert "AUTOINCREMENT" not in ddl.upper()


def test_reference_data_is_seeded_from_the_plan(desk: Desk) -> None:
    with desk.ctx.uow(None) as uow:
        centres = set(uow.session.scalars(select(Centre.name)))
        departments = set(uow.session.scalars(select(Department.name)))
        industries = set(uow.session.scalars(select(Industry.name)))
    assert centres == {"伞业合规中心", "游戏产业合规中心"}
    assert {
        "市场监管局",
        "税务局",
        "人力社保局",
        "应急管理局",
        "消防大队",
        "法院",
        "检察院",
        "区委依法治区办",
    } <= departments
    assert industries == {"伞业", "游戏产业"}


def test_reopening_keeps_the_device_id_and_does_not_reseed(db_url: str) -> None:
    first = open_desk(db_url)
    device = first.ctx.device_id
    first.close()
    second = open_desk(db_url)
    assert second.ctx.device_id == device
    with second.ctx.uow(None) as uow:
        assert len(uow.session.scalars(select(Industry)).all()) == 2
        assert uow.session.get(LocalSetting, "device_id") is not None
    second.close()


def test_hard_deletes_of_synced_rows_are_refused(desk: Desk, admin: CurrentUser) -> None:
    from compliance_desk.domain.enterprise import EnterpriseDraft

    e = desk.enterprises.create(
        admin, EnterpriseDraft(name="某某伞业有限公司", uscc="91330604QU4AX6JM2M")
    )
    with desk.ctx.uow(admin) as uow:
        row = uow.session.get(Enterprise, e.id)
        uow.session.delete(row)
        with pytest.raises(RuntimeError, match="tombstone"):
            uow.commit()
    assert desk.enterprises.count(admin) == 1


def test_administrator_edits_reference_data(
    desk: Desk, admin: CurrentUser, clerk: CurrentUser
) -> None:
    from compliance_desk.domain.errors import PermissionDenied

    item = desk.reference.add(admin, "chamber", "上虞区制伞行业协会")
    assert "上虞区制伞行业协会" in desk.reference.lookup(admin, "chamber")
    desk.reference.rename(admin, "chamber", item.id, "上虞区伞业行业协会")
    desk.reference.retire(admin, "chamber", item.id)
    assert "上虞区伞业行业协会" not in desk.reference.lookup(admin, "chamber")
    with pytest.raises(PermissionDenied):
        desk.reference.add(clerk, "department", "新部门")
    # Names tell reference items apart (ledgers name chambers, people pick departments by name):
    # a second of the same kind and name, or a rename onto another's, is refused in Chinese.
    from compliance_desk.domain.errors import ValidationError

    market = desk.reference.lookup(admin, "department")["市场监管局"]
    tax = desk.reference.lookup(admin, "department")["税务局"]
    with pytest.raises(ValidationError) as twice:
        desk.reference.add(admin, "department", " 市场监管局 ")
    assert "已有名为“市场监管局”的部门" in twice.value.message_zh
    with pytest.raises(ValidationError):
        desk.reference.rename(admin, "department", tax, "市场监管局")
    desk.reference.rename(admin, "department", market, "市场监管局")  # its own name: fine
    with pytest.raises(ValidationError) as long:
        desk.reference.add(admin, "chamber", "协" * 5000)
    assert "名称过长" in long.value.message_zh
    with pytest.raises(ValidationError) as code:  # a department's code is its name: 40 at most
        desk.reference.add(admin, "department", "部" * 41)
    assert "最多40个字" in code.value.message_zh
    desk.reference.add(admin, "chamber", "上虞区伞业行业协会")  # the retired one's name is free


def test_a_big_transactions_wal_file_is_cut_back_after_the_next_checkpoint(tmp_path: Path) -> None:
    """A pull of a big backlog writes its pages with the automatic checkpoints off: the WAL file
    grows to the whole pull.  After a checkpoint it is cut back (not left at its high-water
    mark on the laptop's disk), and nothing written is lost."""
    import os

    from compliance_desk.persistence.db import WAL_LIMIT

    path = tmp_path / "wal.sqlite3"
    engine = create_engine_for(f"sqlite:///{path}")
    blob = os.urandom(4000)
    with engine.begin() as c:
        c.exec_driver_sql("PRAGMA wal_autocheckpoint=0")  # as replica.pulling does
        c.exec_driver_sql("CREATE TABLE big (n INTEGER PRIMARY KEY, b BLOB)")
        c.exec_driver_sql(
            "INSERT INTO big (b) VALUES (?)", [(blob,)] * (WAL_LIMIT // len(blob) + 2000)
        )
    wal = tmp_path / "wal.sqlite3-wal"
    assert wal.stat().st_size > WAL_LIMIT
    with engine.begin() as c:
        c.exec_driver_sql("PRAGMA wal_autocheckpoint=1000")
        c.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
    with engine.begin() as c:
        c.exec_driver_sql("INSERT INTO big (b) VALUES (x'00')")
    assert wal.stat().st_size <= WAL_LIMIT
    with engine.connect() as c:
        assert c.exec_driver_sql("SELECT count(*) FROM big").scalar() == WAL_LIMIT // 4000 + 2001
    engine.dispose()
