"""PostgreSQL for the sync benchmark: a cluster kept under /tmp between runs (the 1,000,000-appeal
server database takes minutes to build), or a throw-away one (``--quick``).

The tests' helper (tests/pg_server.py) always starts from an empty cluster; this one reuses the
data directory when it exists, with the same settings (loopback, fsync off, as ``postgres``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

from tests import pg_server
from tests.pg_server import PgServer

CLUSTER = Path(os.environ.get("COMPLIANCE_DESK_SYNC_BENCH_PG", "/tmp/cd-sync-bench-pg"))


class KeptServer(PgServer):
    """A cluster whose data outlives the run: stopping it keeps the directory."""

    def stop(self) -> None:
        subprocess.run(
            [*self.as_user, pg_server._bin("pg_ctl"), "-D", str(self.root / "data"),
             "-m", "fast", "stop"],
            capture_output=True,
        )  # fmt: skip


def kept(root: Path = CLUSTER) -> PgServer:
    """Start the cached cluster, creating it first if needed."""
    as_user: list[str] = []
    data = root / "data"
    if not (data / "PG_VERSION").exists():
        shutil.rmtree(root, ignore_errors=True)
        root.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        if os.geteuid() == 0:
            as_user = ["runuser", "-u", "postgres", "--"]
        subprocess.run(
            [*as_user, pg_server._bin("initdb"), "-D", str(data), "-U", "postgres", "-A",
             "trust", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, capture_output=True,
        )  # fmt: skip
    elif os.geteuid() == 0:
        as_user = ["runuser", "-u", "postgres", "--"]
    if _running(data):  # another run of the benchmark (or its build) has it: share it
        port = int((data / "postmaster.pid").read_text().splitlines()[3])  # its fourth line
        server: PgServer = SharedServer(root, port, as_user)
        _wait(server)
        return server
    port = pg_server._free_port()
    subprocess.run(
        [*as_user, pg_server._bin("pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w",
         "-o", f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off "
         "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
         "-c shared_buffers=256MB -c max_wal_size=4GB", "start"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = KeptServer(root, port, as_user)
    _wait(server)
    return server


class SharedServer(PgServer):
    """The cluster another process started: left running for it."""

    def stop(self) -> None:
        pass


def throwaway() -> PgServer:
    return pg_server.start()


def _running(data: Path) -> bool:
    pid_file = data / "postmaster.pid"
    if not pid_file.exists():
        return False
    try:
        os.kill(int(pid_file.read_text().split()[0]), 0)
    except (OSError, ValueError):
        return False
    return True


def _wait(server: PgServer) -> None:
    import socket

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", server.port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    server.stop()
    raise RuntimeError("PostgreSQL did not start")


def create_database(server: PgServer, name: str, template: str | None = None) -> str:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))
    return server.url(name)


def has_database(server: PgServer, name: str) -> bool:
    import psycopg

    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True
    ) as c:
        return (
            c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            is not None
        )
