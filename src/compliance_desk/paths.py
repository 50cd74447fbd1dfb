"""Where the project's non-Python files live, and where user data goes.

The Alembic scripts live in the top-level ``db/`` folder and the translations in
``resources/``; both sit next to ``src/`` in a checkout or an editable install.  The bundle
that installer/ builds (PyInstaller, onedir) carries them in its ``_internal`` folder, which
the bootloader names in ``sys._MEIPASS``.  COMPLIANCE_DESK_HOME, when set, wins over both.
"""

from __future__ import annotations

import os
import sys
from functools import cache
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

from compliance_desk import APP_NAME


def is_frozen() -> bool:
    """True inside the PyInstaller bundle (no Python installed, no source tree)."""
    return bool(getattr(sys, "frozen", False)) and hasattr(sys, "_MEIPASS")


def project_home() -> Path:
    env = os.environ.get("COMPLIANCE_DESK_HOME")
    if env:
        return Path(env)
    if is_frozen():
        return Path(getattr(sys, "_MEIPASS"))  # noqa: B009 - only the bootloader sets it
    return _checkout()


@cache
def _checkout() -> Path:
    """The folder holding src/ (resolving it is a few system calls: letters ask per letter)."""
    return Path(__file__).resolve().parents[2]


def migrations_dir() -> Path:
    return project_home() / "db"


def resources_dir() -> Path:
    return project_home() / "resources"


def data_dir() -> Path:
    path = Path(user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    path = Path(user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    return f"sqlite:///{data_dir() / 'compliance-desk.sqlite3'}"


def resolve_database_url(cli_value: str | None) -> str:
    """--db wins, then COMPLIANCE_DESK_DB, then the SQLite file under the user data dir."""
    if cli_value:
        return cli_value
    env = os.environ.get("COMPLIANCE_DESK_DB")
    if env:
        return env
    return default_database_url()
