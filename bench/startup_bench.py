"""Cold start on 100,000 enterprises vs a bare PySide6 QMainWindow, in the same run.

    .venv/bin/python -m bench.startup_bench [--runs 7]

Each start is a fresh process (offscreen platform), alternating app and bare; medians are
compared.  Two figures for the app: until its main window is on screen and interactive (its
sign-in, where the pages will be, taking input), and until the register's first page is
painted in it after a robot signs in at once (which waits for the data layer's import, the
database and the argon2 check).  Target (issue 2): within 1.5x of the bare start.
"""

from __future__ import annotations

import argparse
import compileall
import os
import subprocess
import sys
import time
from pathlib import Path

import compliance_desk
from bench.common import large_database, median

TYPING_MS = 2500  # a person typing a password


def start(mode: str, url: str, typing_ms: int = 0) -> list[float]:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen")}
    t0 = time.time()
    out = subprocess.run(
        [sys.executable, "-m", "bench.startup_child", mode, repr(t0), url, str(typing_ms)],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    return [float(x) for x in out.stdout.split()]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = large_database()
    # As installed (pip, the .deb and the bundle all ship compiled bytecode): a checkout run
    # with PYTHONDONTWRITEBYTECODE=1 would otherwise compile the whole app at every start.
    compileall.compile_dir(str(Path(compliance_desk.__file__).parent), quiet=1)
    start("app", url)  # warm the OS file cache for both
    start("bare", url)
    bare_ms: list[float] = []
    shown_ms: list[float] = []
    window_ms: list[float] = []
    after_ok_ms: list[float] = []
    for _ in range(args.runs):
        bare_ms.extend(start("bare", url))
        shown, window, _ = start("app", url)
        shown_ms.append(shown)
        window_ms.append(window)
        after_ok_ms.append(start("app", url, TYPING_MS)[2])
    bare = median(bare_ms)
    to_shown = median(shown_ms) / bare
    to_window = median(window_ms) / bare
    print(
        f"bare QMainWindow shown:                 median {bare:.0f} ms  {sorted(round(x) for x in bare_ms)}"
    )
    print(
        f"app, main window with its sign-in up:   median {median(shown_ms):.0f} ms  ({to_shown:.2f}x)"
    )
    print(
        f"app, signed in, 100,000 register shown: median {median(window_ms):.0f} ms  ({to_window:.2f}x)"
    )
    print(
        f"app, a person typing for {TYPING_MS / 1000:.1f} s: Enter to the register shown: "
        f"median {median(after_ok_ms):.0f} ms"
    )
    print(
        f"interactive main window within 1.5x: {'met' if to_shown <= 1.5 else 'NOT met'} "
        f"(a robot signing in at once sees the register at {to_window:.1f}x)"
    )
    return 0 if to_shown <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
