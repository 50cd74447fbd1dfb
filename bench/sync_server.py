"""The real sync server for the benchmark: ``compliance-desk server`` in its own process, on
loopback, on a database the benchmark chose; and a laptop (a SQLite file) enrolled with it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

import httpx

from compliance_desk.bootstrap import Desk, open_desk
from compliance_desk.sync.client import SyncService
from tests import pg_server


class ServerProcess:
    def __init__(self, db_url: str, log: Path) -> None:
        self.port = pg_server._free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._log = log.open("ab")
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "compliance_desk", "server", "--db", db_url,
             "--port", str(self.port)],
            stdout=self._log, stderr=subprocess.STDOUT, env=env,
        )  # fmt: skip
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the sync server stopped at start-up: see {log}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the sync server did not answer: see {log}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(
        self, _t: type[BaseException] | None, _e: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.stop()


def laptop(
    path: Path, server: ServerProcess, name: str, centre: str | None = None
) -> tuple[Desk, SyncService]:
    """A desk on ``path`` enrolled with ``server`` by the demo administrator, for ``centre``
    (a centre's code) or, None, for every centre."""
    desk = open_desk(f"sqlite:///{path}")
    service = SyncService(desk.ctx)
    service.enrol(server.url, "admin", "Admin2026", name, centre)
    return desk, service
