"""Fixtures: real SQLite files and a real PostgreSQL server, both migrated by Alembic."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from argon2 import PasswordHasher

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_DATA_HOME", "/tmp/compliance-desk-test-data")
os.environ.setdefault("XDG_CONFIG_HOME", "/tmp/compliance-desk-test-config")

from sqlalchemy import create_engine, text  # noqa: E402

from compliance_desk.bootstrap import Desk, open_desk  # noqa: E402
from compliance_desk.persistence import migrate  # noqa: E402
from compliance_desk.services.context import CurrentUser  # noqa: E402
from compliance_desk.services.demo_data import ensure_demo_users  # noqa: E402
from tests import pg_server  # noqa: E402

if TYPE_CHECKING:
    from tests.sync_support import Rig

# Copies of ../shared/data/ledgers: the spreadsheets as the desk receives them.
LEDGERS = Path(__file__).resolve().parent / "data" / "ledgers"


# Real argon2, with parameters cheap enough for hundreds of logins in a test run.
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


class FixedClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def pg() -> Iterator[pg_server.PgServer]:
    server = pg_server.start()
    admin = create_engine(server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text("CREATE DATABASE template_cd"))
    engine = create_engine(server.url("template_cd"))
    migrate.upgrade(engine)
    engine.dispose()
    admin.dispose()
    yield server
    server.stop()


_counter = itertools.count()


@pytest.fixture
def pg_url(pg: pg_server.PgServer) -> Iterator[str]:
    name = f"t{os.getpid()}_{next(_counter)}"
    admin = create_engine(pg.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}" TEMPLATE template_cd'))
    yield pg.url(name)
    with admin.connect() as c:
        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'desk.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return str(request.getfixturevalue("sqlite_url"))
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 3, 2, 9, 30, tzinfo=UTC))


@pytest.fixture
def desk(db_url: str, clock: FixedClock) -> Iterator[Desk]:
    d = open_desk(db_url, clock=clock, hasher=FAST_HASHER)
    yield d
    d.close()


@pytest.fixture
def sqlite_desk(sqlite_url: str, clock: FixedClock) -> Iterator[Desk]:
    d = open_desk(sqlite_url, clock=clock, hasher=FAST_HASHER)
    yield d
    d.close()


@pytest.fixture
def admin(desk: Desk) -> CurrentUser:
    return ensure_demo_users(desk.ctx)


@pytest.fixture
def clerk(desk: Desk, admin: CurrentUser) -> CurrentUser:
    return desk.auth.login("clerk", "Clerk2026")


@pytest.fixture
def inspector(desk: Desk, admin: CurrentUser) -> CurrentUser:
    return desk.auth.login("inspector", "Inspector2026")


@pytest.fixture
def rig(pg_url: str, tmp_path: Path, clock: FixedClock) -> Iterator[Rig]:
    """Laptops and the real sync server on a real PostgreSQL (tests/sync_support.py)."""
    from tests.sync_support import make_rig  # it imports this module

    r = make_rig(pg_url, tmp_path, clock)
    yield r
    r.close()
