"""The 1,000,000-appeal database the appeal-log benchmarks share, built once and reused.

It is the benchmarks' 100,000-enterprise database (bench.common) with a million demo appeals
over two years added by the demo's bulk path; about 10 minutes on the CI machine kind.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from bench.common import DEFAULT, large_database, may_build
from compliance_desk.bootstrap import open_desk
from compliance_desk.services.demo_data import load_demo_appeals

APPEALS = 1_000_000
PATH = Path(
    os.environ.get(
        "COMPLIANCE_DESK_BENCH_APPEALS_DB", "/tmp/compliance-desk-bench-1m-appeals.sqlite3"
    )
)


def appeal_database(path: Path = PATH, count: int = APPEALS) -> str:
    url = f"sqlite:///{path}"
    marker = path.with_suffix(".complete")
    if not marker.exists():
        may_build(path)
        large_database()
        started = time.perf_counter()
        path.unlink(missing_ok=True)
        shutil.copyfile(DEFAULT, path)
        desk = open_desk(url)  # migrates the copy to this build's schema
        last = [0.0]

        def progress(done: int, total: int) -> None:
            if time.perf_counter() - last[0] > 30:
                last[0] = time.perf_counter()
                print(f"  appeals {done}/{total}", file=sys.stderr, flush=True)

        load_demo_appeals(desk.ctx, count, progress=progress)
        desk.close()
        marker.write_text(f"built in {time.perf_counter() - started:.0f}s\n")
    return url


if __name__ == "__main__":
    print(appeal_database())
