"""Cold start to an interactive main window on 100,000 enterprises vs a bare QMainWindow.

    .venv/bin/python -m bench.startup_bench [--runs 7]

Each start is a fresh process (offscreen platform), alternating app and bare; medians compared.
Target (issue 2): within 1.5x of the bare start.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from bench.common import large_database, median


def start(mode: str, url: str) -> float:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "bench.startup_child", mode, repr(t0), url],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = large_database()
    start("app", url)  # warm the OS file cache for both
    start("bare", url)
    app_ms, bare_ms = [], []
    for _ in range(args.runs):
        bare_ms.append(start("bare", url))
        app_ms.append(start("app", url))
    ratio = median(app_ms) / median(bare_ms)
    print(f"bare QMainWindow: median {median(bare_ms):.0f} ms  {sorted(round(x) for x in bare_ms)}")
    print(
        f"Compliance Desk, 100,000 enterprises: median {median(app_ms):.0f} ms  {sorted(round(x) for x in app_ms)}"
    )
    print(f"ratio: {ratio:.2f}x  (target <= 1.5x: {'met' if ratio <= 1.5 else 'NOT met'})")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
