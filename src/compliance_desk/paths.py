"""Where the project's non-Python files live, and where user data goes.

The Alembic scripts live in the top-level ``db/`` folder and the translations in
``resources/``; both sit next to ``src/`` in a checkout or an editable install.  A bundled
build (installer issue) sets COMPLIANCE_DESK_HOME to the folder that holds them.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir

from compliance_desk import APP_NAME


def project_home() -> Path:
    env = os.environ.get("COMPLIANCE_DESK_HOME")
    if env:
        return Path(env)
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
