"""House style, checked with the suite: ruff lint and format, mypy --strict outside gui/."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True)


def test_ruff_lint() -> None:
    result = _run(str(BIN / "ruff"), "check", "src", "tests", "db", "bench", "installer")
    assert result.returncode == 0, result.stdout


def test_ruff_format() -> None:
    result = _run(
        str(BIN / "ruff"), "format", "--check", "src", "tests", "db", "bench", "installer"
    )
    assert result.returncode == 0, result.stdout


def test_mypy_strict() -> None:
    result = _run(str(BIN / "mypy"), "--cache-dir", "/tmp/compliance-desk-mypy")
    assert result.returncode == 0, result.stdout
