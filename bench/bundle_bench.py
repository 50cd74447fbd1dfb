"""The installer's bundle against the app run from source, in the same run, and its sizes.

    ./installer/build.sh && .venv/bin/python -m bench.bundle_bench [--runs 7]

Each start is a fresh process (offscreen platform), alternating source and bundle, on the same
database (the small demo, made once in a temporary home); medians are compared.  Two starts:
``--version`` (process start-up and the command line, no Qt) and ``--smoke-test`` as the clerk
until the robot reports the main window (Qt, translations, the database, the argon2 check, the
first pages, and the robot's fixed 300 ms wait for the window to settle).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import median

ROOT = Path(__file__).resolve().parents[1]
SOURCE = [sys.executable, "-m", "compliance_desk"]
BUNDLE = ROOT / "dist" / "compliance-desk" / "compliance-desk"


def timed(command: list[str], env: dict[str, str], until: str | None = None) -> float:
    """ms from spawn until the process printed ``until`` (or exited when None)."""
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
        assert process.stdout is not None
        for line in process.stdout:
            if until is not None and until in line:
                elapsed = time.perf_counter() - started
                process.stdout.read()
                break
        else:
            elapsed = time.perf_counter() - started
        if process.wait() != 0:
            raise SystemExit(f"{command} failed")
    return elapsed * 1000


def size_mb(path: Path) -> float:
    if path.is_file():
        return path.stat().st_size / 1e6
    # PyInstaller links some libraries under two names: count each file once, as du does.
    files = (p for p in path.rglob("*") if p.is_file() and not p.is_symlink())
    return sum(p.stat().st_size for p in files) / 1e6


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not BUNDLE.exists():
        print(f"no bundle at {BUNDLE}: run ./installer/build.sh first", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": tmp}
        for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            env[var] = f"{tmp}/{var.lower()}"
        env.pop("COMPLIANCE_DESK_DB", None)
        subprocess.run([*SOURCE, "demo"], env=env, check=True, capture_output=True)
        subprocess.run([sys.executable, "-m", "compliance_desk.gui.i18n_build"], env=env,
                       check=True, capture_output=True)  # fmt: skip
        smoke = ["--smoke-test", "--user", "clerk", "--password", "Clerk2026"]
        starts: dict[str, list[float]] = {k: [] for k in ("sv", "bv", "sw", "bw")}
        for command in ([*SOURCE, *smoke], [str(BUNDLE), *smoke]):  # warm the file cache
            timed(command, env, "smoke test: ok")
        for _ in range(args.runs):
            starts["sv"].append(timed([*SOURCE, "--version"], env))
            starts["bv"].append(timed([str(BUNDLE), "--version"], env))
            starts["sw"].append(timed([*SOURCE, *smoke], env, "smoke test: ok"))
            starts["bw"].append(timed([str(BUNDLE), *smoke], env, "smoke test: ok"))
    m = {k: median(v) for k, v in starts.items()}
    print(
        f"--version, from source:        median {m['sv']:.0f} ms  {sorted(round(x) for x in starts['sv'])}"
    )
    print(
        f"--version, bundle:             median {m['bv']:.0f} ms  ({m['bv'] / m['sv']:.2f}x)  {sorted(round(x) for x in starts['bv'])}"
    )
    print(
        f"main window, from source:      median {m['sw']:.0f} ms  {sorted(round(x) for x in starts['sw'])}"
    )
    print(
        f"main window, bundle:           median {m['bw']:.0f} ms  ({m['bw'] / m['sw']:.2f}x)  {sorted(round(x) for x in starts['bw'])}"
    )
    print(f"bundle dist/compliance-desk:   {size_mb(BUNDLE.parent):.0f} MB")
    for deb in sorted((ROOT / "dist").glob("compliance-desk_*.deb")):
        print(f"package {deb.name}: {size_mb(deb):.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
