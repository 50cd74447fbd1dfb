"""Memory of the enterprise table scrolled over 100,000 rows vs the same window on an empty database.

    .venv/bin/python -m bench.memory_bench

Target (issue 2): growth under 30 MB; the paged model never loads all rows.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import empty_database, large_database
from compliance_desk.bootstrap import open_desk
from compliance_desk.services.demo_data import ensure_demo_users


def measure(url: str) -> tuple[int, int]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    out = subprocess.run(
        [sys.executable, "-m", "bench.memory_child", url],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    rows, kib = out.stdout.split()
    return int(rows), int(kib)


def main() -> int:
    large = large_database()
    with tempfile.TemporaryDirectory() as tmp:
        empty = empty_database(Path(tmp) / "empty.sqlite3")
        desk = open_desk(empty)
        ensure_demo_users(desk.ctx)
        desk.close()
        rows0, base = measure(empty)
        rows1, full = measure(large)
    growth_mb = (full - base) / 1024
    print(f"empty database: {rows0} rows, resident {base / 1024:.1f} MB")
    print(f"large database: {rows1} rows scrolled top to bottom, resident {full / 1024:.1f} MB")
    print(f"growth: {growth_mb:.1f} MB (target < 30 MB: {'met' if growth_mb < 30 else 'NOT met'})")
    return 0 if growth_mb < 30 else 1


if __name__ == "__main__":
    sys.exit(main())
