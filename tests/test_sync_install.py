"""Sync as installed: policies declared, the outbox through an upgrade, the real server process
and the command line."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy import select

from compliance_desk.bootstrap import open_desk
from compliance_desk.persistence import migrate
from compliance_desk.persistence.db import make_engine
from compliance_desk.persistence.models import Base
from compliance_desk.persistence.sync_models import SyncOutbox
from compliance_desk.sync import policy
from tests.conftest import FAST_HASHER, FixedClock
from tests.sync_support import make_rig
from tests.test_sync import USCC, create, edit, outbox
from tests.test_sync_property import _code


def test_every_table_declares_its_sync_policy() -> None:
    undeclared = sorted(set(Base.metadata.tables) - set(policy.POLICIES))
    assert undeclared == [], f"declare a sync policy for {undeclared} in sync/policy.py"
    assert policy.policy("enterprise").kind is policy.Kind.RECORD
    assert policy.policy("appeal_event").command == "appeal"
    assert policy.policy("audit_entry").kind is policy.Kind.APPEND
    assert policy.policy("appeal_clock").kind is policy.Kind.LOCAL


def test_an_undeclared_table_is_local_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="compliance_desk.sync"):
        assert policy.policy("some_new_cache").kind is policy.Kind.LOCAL
    assert "some_new_cache declares no sync policy" in caplog.text


def test_writes_on_a_laptop_fill_the_outbox_in_their_own_transaction(sqlite_url: str) -> None:
    from compliance_desk.domain.enterprise import EnterpriseDraft
    from compliance_desk.services.demo_data import ensure_demo_users

    desk = open_desk(sqlite_url, hasher=FAST_HASHER)
    try:
        with desk.ctx.factory() as s:
            assert list(s.scalars(select(SyncOutbox))) == []  # seeding sends nothing
        admin = ensure_demo_users(desk.ctx)
        e = desk.enterprises.create(admin, EnterpriseDraft(name="崧厦某某伞业有限公司", uscc=USCC))
        from compliance_desk.persistence.models import Enterprise

        with pytest.raises(RuntimeError):  # a failing transaction leaves no operation behind
            with desk.ctx.uow(admin) as uow:
                row = uow.session.get(Enterprise, e.id)
                assert row is not None
                row.notes = "未提交的修改"
                uow.session.flush()
                assert uow.session.scalars(
                    select(SyncOutbox).where(SyncOutbox.kind == "update")
                ).all()
                raise RuntimeError("the desk crashed before commit")
        with desk.ctx.factory() as s:
            ops = [o for o in s.scalars(select(SyncOutbox)) if o.table_name == "enterprise"]
        assert [(o.kind, o.row_id) for o in ops] == [("insert", e.id)]
        assert ops[0].payload["row"]["uscc"] == USCC and ops[0].status == "pending"
    finally:
        desk.close()


NEXT_RELEASE = '''
"""a later release: a new column, and the outbox table rebuilt by SQLite's batch mode"""
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "HEAD"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("enterprise") as batch:
        batch.add_column(sa.Column("website", sa.String(200), nullable=True))
    with op.batch_alter_table("sync_outbox", recreate="always") as batch:
        batch.add_column(sa.Column("priority", sa.Integer(), nullable=True))


def downgrade() -> None:
    pass
'''.replace("HEAD", migrate.SCHEMA_HEAD)


@pytest.mark.postgres
def test_operations_waiting_in_the_outbox_survive_an_upgrade(
    pg_url: str, tmp_path: Path, clock: FixedClock
) -> None:
    rig = make_rig(pg_url, tmp_path, clock)
    try:
        a = rig.laptop("a")
        a.sync.sync_once()
        sent = create(a, "崧厦已同步伞业有限公司", _code(7))
        a.sync.sync_once()
        acknowledged = {o.id for o in outbox(a, "done")}  # kept to re-send after a restore
        assert acknowledged
        e = create(a)
        edit(a, e, address="崧厦街道1号")
        scan = tmp_path / "扫描件.pdf"
        scan.write_bytes(os.urandom(300_000))
        from tests.test_sync_server import _appeal

        appeal_id = _appeal(a, e.id, clock)
        sha = a.desk.appeals.attach(a.user(), "appeal", appeal_id, scan).sha256
        waiting = [(o.id, o.kind) for o in outbox(a, "pending")]
        assert len(waiting) >= 6
        a.close()
        rig.laptops.remove(a)
        scripts = tmp_path / "migrations"
        shutil.copytree(migrate.migrations_dir(), scripts)
        (scripts / "versions" / "9999_next.py").write_text(NEXT_RELEASE, encoding="utf-8")
        cfg = migrate.alembic_config()
        cfg.set_main_option("script_location", str(scripts))
        engine = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
        engine.dispose()
        upgraded = open_desk(f"sqlite:///{tmp_path / 'a.sqlite3'}", clock=clock,
                             upgrade=False, hasher=FAST_HASHER)  # fmt: skip
        try:
            from compliance_desk.sync.client import SyncService
            from tests.sync_support import Wire

            with upgraded.ctx.factory() as s:
                after = [(o.id, o.kind) for o in s.scalars(
                    select(SyncOutbox).where(SyncOutbox.status == "pending").order_by(SyncOutbox.position))]  # fmt: skip
            assert after == waiting
            with upgraded.ctx.factory() as s:
                kept = set(s.scalars(select(SyncOutbox.id).where(SyncOutbox.status == "done")))
            assert kept == acknowledged
            upgraded.ctx.blob_root = tmp_path / "a-files"
            wire = Wire(rig.app)
            service = SyncService(
                upgraded.ctx, http=lambda url: httpx.Client(base_url=url, transport=wire)
            )
            report = service.sync_once()
            assert report.pushed == len(waiting) and report.rejected == 0 and report.waiting == 0
            assert rig.server_enterprises()[e.id]["address"] == "崧厦街道1号"
            assert sent.id in rig.server_enterprises()
            from tests.test_sync_attachments import server_blob

            blob, data = server_blob(rig, sha)
            assert blob is not None and blob.complete and data == scan.read_bytes()
        finally:
            upgraded.close()
    finally:
        rig.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server_process(pg_url: str, tmp_path: Path) -> Iterator[str]:
    from compliance_desk.services.demo_data import ensure_demo_users

    desk = open_desk(pg_url, hasher=FAST_HASHER)
    ensure_demo_users(desk.ctx)
    desk.close()
    port = _free_port()
    env = dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "compliance_desk", "server", "--db", pg_url, "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                if httpx.get(url + "/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    f"server did not start: {proc.stdout.read() if proc.stdout else ''}"
                )
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(20)


def _cli(*args: str, env_dir: Path) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ, XDG_STATE_HOME=str(env_dir / "state"), XDG_DATA_HOME=str(env_dir / "data")
    )
    return subprocess.run([sys.executable, "-m", "compliance_desk", *args], capture_output=True,
                          text=True, env=env, timeout=120)  # fmt: skip


@pytest.mark.postgres
def test_the_real_server_process_and_the_command_line(
    server_process: str, pg_url: str, tmp_path: Path
) -> None:
    laptop = f"sqlite:///{tmp_path / 'laptop.sqlite3'}"
    health = httpx.get(server_process + "/health").json()
    assert health["schema_revision"] == migrate.SCHEMA_HEAD
    enrol = _cli("--db", laptop, "--password", "Admin2026", "sync", "enrol", "--server",
                 server_process, "--admin", "admin", "--name", "崧厦前台1", env_dir=tmp_path)  # fmt: skip
    assert enrol.returncode == 0, enrol.stderr
    assert "本设备已登记" in enrol.stdout
    first = _cli("--db", laptop, "sync", env_dir=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "同步完成" in first.stdout
    status = _cli("--db", laptop, "sync", "status", env_dir=tmp_path)
    assert "待同步操作 0 个" in status.stdout and server_process in status.stdout
    devices = _cli("server", "devices", "--db", pg_url, env_dir=tmp_path)
    assert "崧厦前台1" in devices.stdout and "有效" in devices.stdout
    device_id = devices.stdout.split()[0]
    revoked = _cli(
        "server", "revoke", device_id, "--db", pg_url, "--reason", "遗失", env_dir=tmp_path
    )
    assert revoked.returncode == 0, revoked.stderr
    refused = _cli("--db", laptop, "sync", env_dir=tmp_path)
    assert refused.returncode == 1 and "已被管理员停用" in refused.stderr


def test_the_server_refuses_a_sqlite_database_and_makes_no_file(tmp_path: Path) -> None:
    """The server's bulk paths are PostgreSQL's: on a SQLite file it would fail some pushes."""
    target = tmp_path / "shared.sqlite3"
    done = _cli("server", "--db", f"sqlite:///{target}", "--port", "1", env_dir=tmp_path)
    assert done.returncode != 0
    assert "同步服务只能使用 PostgreSQL 数据库" in done.stderr
    assert not target.exists()


def test_the_server_app_refuses_a_desk_on_sqlite(tmp_path: Path) -> None:
    from compliance_desk.bootstrap import open_desk
    from compliance_desk.domain.errors import DomainError
    from compliance_desk.server.app import create_app

    desk = open_desk(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    try:
        with pytest.raises(DomainError) as refused:
            create_app(desk=desk)
        assert "PostgreSQL" in refused.value.message_zh
    finally:
        desk.close()
