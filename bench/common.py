"""Shared by the benchmarks: the 100,000-enterprise database, built once and reused."""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from compliance_desk.bootstrap import Desk, open_desk
from compliance_desk.services.demo_data import load_demo

DEFAULT = Path(
    os.environ.get("COMPLIANCE_DESK_BENCH_DB", "/tmp/compliance-desk-bench-100k.sqlite3")
)


def may_build(path: Path) -> None:
    """A database file with no ".complete" marker beside it is rebuilt from scratch; refuse to
    throw away a file someone put there (a copy, a migrated benchmark database) unless asked."""
    if path.exists() and not os.environ.get("COMPLIANCE_DESK_BENCH_REBUILD"):
        raise SystemExit(
            f"{path} exists but has no {path.with_suffix('.complete').name} beside it (a build "
            "was interrupted, or the file is not a benchmark database): set "
            "COMPLIANCE_DESK_BENCH_REBUILD=1 to rebuild it, or create the marker to use it as it is"
        )


def large_database(path: Path = DEFAULT) -> str:
    """The URL of a database holding the `large` demo (100,000 enterprises)."""
    url = f"sqlite:///{path}"
    marker = path.with_suffix(".complete")
    if not marker.exists():
        may_build(path)
        started = time.perf_counter()
        desk = open_desk(url)
        load_demo(desk.ctx, "large", appeals=0)  # the appeal benchmarks build their own
        desk.close()
        marker.write_text(f"built in {time.perf_counter() - started:.0f}s\n")
    return url


def empty_database(path: Path) -> str:
    url = f"sqlite:///{path}"
    desk = open_desk(url)
    desk.close()
    return url


def open_large() -> Desk:
    return open_desk(large_database())


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values)
