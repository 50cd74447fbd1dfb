"""The server restored from a backup (SYNC.md rule 10), and device clocks a day off (rule 5).
Real PostgreSQL (pg_dump / pg_restore), the real server app, SQLite laptops."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, func, select, text

from compliance_desk.bootstrap import open_desk
from compliance_desk.persistence.models import Enterprise
from compliance_desk.persistence.sync_models import SyncConflict, SyncOutbox
from compliance_desk.server.app import create_app, server_epoch
from compliance_desk.sync import client as sync_client
from tests import pg_server
from tests.conftest import FAST_HASHER, FixedClock
from tests.sync_support import Rig
from tests.test_sync import create, edit, outbox
from tests.test_sync_property import _code

pytestmark = pytest.mark.postgres


def _libpq(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def test_a_server_restored_from_a_backup_gets_back_what_it_lost_from_the_devices(
    rig: Rig, pg: pg_server.PgServer, pg_url: str, tmp_path: Path
) -> None:
    a, b, puller = rig.laptop("a"), rig.laptop("b"), rig.laptop("c")  # c only ever pulls
    a.sync.sync_once()
    b.sync.sync_once()
    before = create(a, "崧厦备份前伞业有限公司", _code(1))
    a.sync.sync_once()
    b.sync.sync_once()
    backup = tmp_path / "desk.dump"
    subprocess.run([pg_server._bin("pg_dump"), "-Fc", "-f", str(backup), "-d", _libpq(pg_url)],
                   check=True, capture_output=True)  # fmt: skip
    # after the backup: work that the restored server will not have
    lost_a = create(a, "上虞备份后游戏有限公司", _code(2))
    edit(a, before, address="崧厦街道备份后1号")
    a.sync.sync_once()
    lost_b = create(b, "崧厦备份后二号伞业有限公司", _code(3))
    b.sync.sync_once()
    a.sync.sync_once()
    puller.sync.sync_once()
    assert {lost_a.id, lost_b.id} <= set(a.enterprises()) & set(puller.enterprises())
    old_epoch = rig.app.state.sync.epoch
    # a restart without a restore keeps the epoch: nobody re-sends for nothing
    assert server_epoch(rig.server_desk)[0] == old_epoch

    # the disaster: the database is lost and restored from last night's dump
    rig.server_desk.close()
    name = pg_url.rsplit("/", 1)[1]
    admin = create_engine(pg.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    admin.dispose()
    subprocess.run([pg_server._bin("pg_restore"), "-d", _libpq(pg_url), str(backup)],
                   check=True, capture_output=True)  # fmt: skip
    rig.server_desk = open_desk(pg_url, clock=rig.clock, hasher=FAST_HASHER)
    rig.app = create_app(desk=rig.server_desk)
    for laptop in (a, b, puller):
        laptop.wire.inner = httpx.ASGITransport(app=rig.app)
    assert rig.app.state.sync.epoch != old_epoch
    assert lost_a.id not in rig.server_enterprises() and lost_b.id not in rig.server_enterprises()
    assert rig.server_enterprises()[before.id]["address"] == ""

    report_a = a.sync.sync_once()
    assert report_a.resent >= 2 and report_a.rejected == 0 and report_a.conflicts == 0
    report_b = b.sync.sync_once()
    assert report_b.resent >= 1 and report_b.rejected == 0 and report_b.conflicts == 0
    a.sync.sync_once()
    server = rig.server_enterprises()
    assert {lost_a.id, lost_b.id} <= set(server)
    assert server[before.id]["address"] == "崧厦街道备份后1号"
    assert a.enterprises() == b.enterprises() == server
    with rig.server_desk.ctx.factory() as s:
        for code in (_code(1), _code(2), _code(3)):
            assert s.scalar(select(func.count()).where(Enterprise.uscc == code)) == 1
        assert s.scalar(select(func.count()).select_from(SyncConflict)) == 0
    assert outbox(a, "pending") == outbox(b, "pending") == []
    # a second sync re-sends nothing: the epoch is known now
    assert a.sync.sync_once().resent == 0
    # the laptop that only pulls has nothing to re-send, and still converges with the restored
    # server and what was done after the restore
    edit(a, before, notes="恢复后的修改")
    a.sync.sync_once()
    puller.sync.sync_once()
    assert puller.enterprises() == rig.server_enterprises()


def test_acknowledged_operations_are_kept_for_the_retention_then_pruned(rig: Rig) -> None:
    a = rig.laptop("a")
    a.sync.sync_once()
    create(a)
    a.sync.sync_once()
    done = outbox(a, "done")
    assert done and all(o.acked_at is not None for o in done)
    rig.clock.now += sync_client.resend.RETENTION + timedelta(days=1)
    a.sync.sync_once()
    assert outbox(a, "done") == []


def test_clocks_a_day_off_decide_nothing_and_the_skew_is_reported(rig: Rig, tmp_path: Path) -> None:
    ahead = FixedClock(rig.clock.now + timedelta(days=1))
    behind = FixedClock(rig.clock.now - timedelta(days=1))
    a = rig.laptop("ahead", clock=ahead)
    b = rig.laptop("behind", clock=behind)
    for laptop in (a, b):
        laptop.sync.sync_once()
    assert abs(a.sync.sync_once().skew_seconds - 86400) < 1
    assert abs(b.sync.sync_once().skew_seconds + 86400) < 1
    assert b.sync.status().skew_seconds == -86400
    first = create(a, "崧厦时钟一号伞业有限公司", _code(11))
    second = create(b, "崧厦时钟二号伞业有限公司", _code(12))
    for laptop in (a, b, a):
        laptop.sync.sync_once()
    # the same field changed on both: the first to reach the server stands, whatever the
    # clocks say (a last-writer-wins by wall clock would keep the "tomorrow" edit both times)
    edit(b, first, address="慢钟先到")  # written "yesterday", pushed first
    edit(a, first, address="快钟后到")  # written "tomorrow", pushed second
    assert b.sync.sync_once().conflicts == 0
    assert a.sync.sync_once().conflicts == 1
    edit(a, second, address="快钟先到")  # and the other way round
    edit(b, second, address="慢钟后到")
    assert a.sync.sync_once().conflicts == 0
    assert b.sync.sync_once().conflicts == 1
    for laptop in (a, b):
        laptop.sync.sync_once()
    server = rig.server_enterprises()
    assert server[first.id]["address"] == "慢钟先到"
    assert server[second.id]["address"] == "快钟先到"
    assert a.enterprises() == b.enterprises() == server
    with rig.server_desk.ctx.factory() as s:
        conflicts = {c.row_id: c for c in s.scalars(select(SyncConflict))}
    assert conflicts[first.id].fields["address"]["device"] == "快钟后到"
    assert conflicts[second.id].fields["address"]["device"] == "慢钟后到"
    # device time is kept for the record: each operation carries the time its device showed
    with a.desk.ctx.factory() as s:
        [kept] = list(s.scalars(select(SyncOutbox).where(SyncOutbox.status == "conflict")))
    assert kept.at == ahead.now
