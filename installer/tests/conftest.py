"""The installer's checks: the bundle and the .deb that ./installer/build.sh made.

Run after the build, as CI does:  ./installer/build.sh && .venv/bin/python -m pytest installer/tests
(COMPLIANCE_DESK_DIST names another folder holding compliance-desk/ and the .deb).
"""

from __future__ import annotations

import os
import subprocess
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("COMPLIANCE_DESK_DIST", ROOT / "dist"))
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


@pytest.fixture(scope="session")
def bundle() -> Path:
    exe = DIST / "compliance-desk" / "compliance-desk"
    if not exe.exists():
        pytest.fail(f"no bundle at {exe}: run ./installer/build.sh first")
    return exe


@pytest.fixture(scope="session")
def deb() -> Path:
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    path = DIST / f"compliance-desk_{VERSION}_{arch}.deb"
    if not path.exists():
        pytest.fail(f"no package at {path}: run ./installer/build.sh first")
    return path


def user_env(home: Path, **extra: str) -> dict[str, str]:
    """A user who never ran the desk, on a machine with no Python of ours on the path."""
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
    }
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        env[var] = str(home / var.lower())
    env.update(extra)
    return env


@pytest.fixture
def home(tmp_path: Path) -> Path:
    path = tmp_path / "home"
    path.mkdir()
    return path


def run(
    exe: Path, *args: str, env: dict[str, str], timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(exe), *args], capture_output=True, text=True, env=env, cwd="/", timeout=timeout
    )
