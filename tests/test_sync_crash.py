"""The client process killed at every step of a sync, then restarted (SYNC.md): nothing lost,
nothing doubled.  The real `compliance-desk server` process on a real PostgreSQL; the laptop
syncs with the real command line in a subprocess that ends itself with os._exit at the step
(sync/crashpoints.py: no clean-up, no commit, as a power cut would)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select
from stdnum.cn import uscc

from compliance_desk.bootstrap import Desk, open_desk
from compliance_desk.domain.appeal_workflow import Action, Step
from compliance_desk.persistence.models import Enterprise
from compliance_desk.persistence.sync_models import SyncOutbox
from compliance_desk.sync import attachments, crashpoints
from compliance_desk.sync.client import SyncService
from tests.conftest import FAST_HASHER, FixedClock
from tests.sync_support import Laptop, rows
from tests.test_sync import create, edit
from tests.test_sync_install import server_process  # noqa: F401  (the fixture)
from tests.test_sync_server import _appeal

pytestmark = pytest.mark.postgres

TABLES = ("enterprise", "appeal", "appeal_event", "attachment", "visit")


def _code(n: int) -> str:
    base = f"9133060477{n:07d}"
    return base + uscc.calc_check_digit(base)


def _sync(db: str, home: Path, crash_at: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, XDG_STATE_HOME=str(home / "state"), XDG_DATA_HOME=str(home / "data"))
    env.pop(crashpoints.ENV, None)
    if crash_at:
        env[crashpoints.ENV] = crash_at
    return subprocess.run([sys.executable, "-m", "compliance_desk", "--db", db, "sync"],
                          capture_output=True, text=True, env=env, timeout=180)  # fmt: skip


def _open(db: str) -> Laptop:
    desk = open_desk(db, hasher=FAST_HASHER)
    return Laptop(desk, None, SyncService(desk.ctx), "")  # type: ignore[arg-type]


def _state(desk: Desk) -> dict[str, object]:
    return {t: rows(desk, t) for t in TABLES}


def test_the_client_killed_at_every_step_of_a_sync_loses_and_doubles_nothing(
    server_process: str,  # noqa: F811
    pg_url: str,
    tmp_path: Path,
    clock: FixedClock,
) -> None:
    (tmp_path / "l").mkdir()
    (tmp_path / "p").mkdir()
    laptop_db = f"sqlite:///{tmp_path / 'l' / 'laptop.sqlite3'}"
    other_db = f"sqlite:///{tmp_path / 'p' / 'other.sqlite3'}"
    enrol = subprocess.run(
        [sys.executable, "-m", "compliance_desk", "--db", laptop_db, "--password", "Admin2026",
         "sync", "enrol", "--server", server_process, "--admin", "admin", "--name", "笔记本"],
        capture_output=True, text=True, timeout=120,
        env=dict(os.environ, XDG_STATE_HOME=str(tmp_path / "state")),
    )  # fmt: skip
    assert enrol.returncode == 0, enrol.stderr
    assert _sync(laptop_db, tmp_path).returncode == 0
    other = _open(other_db)
    other.sync.enrol(server_process, "admin", "Admin2026", "另一台")
    other.sync.sync_once()
    made: list[str] = []
    files: dict[str, bytes] = {}
    try:
        for n, step in enumerate(crashpoints.STEPS):
            # the other device makes something for the laptop to pull
            made.append(_code(100 + n))
            create(other, f"崧厦第{n}号伞业有限公司", made[-1])
            other.sync.sync_once()
            # the laptop, offline: a new enterprise edited, an appeal with a step and a scan
            laptop = _open(laptop_db)
            made.append(_code(200 + n))
            e = create(laptop, f"上虞第{n}号游戏有限公司", made[-1])
            edit(laptop, e, address=f"崧厦街道{n}号")
            appeal_id = _appeal(laptop, e.id, clock)
            laptop.desk.appeals.act(laptop.user(), appeal_id,
                                    Step(Action.ANSWER, clock.now.date(), f"答复{n}"))  # fmt: skip
            scan = tmp_path / f"scan{n}.bin"
            scan.write_bytes(os.urandom(attachments.CHUNK + 1000 * (n + 1)))
            view = laptop.desk.appeals.attach(laptop.user(), "appeal", appeal_id, scan)
            files[view.sha256] = scan.read_bytes()
            laptop.desk.close()

            crashed = _sync(laptop_db, tmp_path, crash_at=step)
            assert crashed.returncode == crashpoints.EXIT_CODE, (step, crashed.stderr)
            again = _sync(laptop_db, tmp_path)
            assert again.returncode == 0, (step, again.stderr)
            assert "仍待同步 0 个" in again.stdout, (step, again.stdout)
            other.sync.sync_once()

            laptop = _open(laptop_db)
            try:
                server = open_desk(pg_url, hasher=FAST_HASHER)
                try:
                    assert _state(laptop.desk) == _state(server) == _state(other.desk), step
                    with server.ctx.factory() as s:
                        live = Counter(s.scalars(
                            select(Enterprise.uscc).where(Enterprise.deleted_at.is_(None))))  # fmt: skip
                    assert all(live[code] == 1 for code in made), (step, live)
                finally:
                    server.close()
                with laptop.desk.ctx.factory() as s:
                    statuses = Counter(o.status for o in s.scalars(select(SyncOutbox)))
                assert set(statuses) <= {"done"}, (step, statuses)
                for sha, data in files.items():  # every scan on both devices, intact
                    assert laptop.desk.ctx.blobs().path(sha).read_bytes() == data, step
                    assert other.desk.ctx.blobs().path(sha).read_bytes() == data, step
            finally:
                laptop.desk.close()
    finally:
        other.desk.close()
