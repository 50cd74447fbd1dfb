"""Runs the Alembic migrations in db/ on SQLite and PostgreSQL alike.

A SQLite file at an older revision is copied first (persistence/backup.py).  Alembic itself
is imported only when the schema needs work: a desk that opens an up-to-date
database reads one row of alembic_version and compares it with SCHEMA_HEAD (a test keeps
that constant equal to the newest migration).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from compliance_desk.domain.errors import DomainError
from compliance_desk.paths import migrations_dir
from compliance_desk.persistence.backup import backup_before_migrating, sqlite_file

if TYPE_CHECKING:
    from alembic.config import Config

SCHEMA_HEAD = "0021"
KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0010",
    "0011",
    "0014",
    "0015",
    "0016",
    "0017",
    "0018",
    "0019",
    "0020",
    "0021",
)  # in order; a test keeps it equal to db/versions

# The local search index (SQLite only) is derived data that the migrations create by hand.
DERIVED_TABLES = ("enterprise_fts", "enterprise_gram", "local_appeal_text")


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Autogenerate compares the models only; the derived search tables are not modelled."""
    return not (type_ == "table" and name is not None and name.startswith(DERIVED_TABLES))


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != SCHEMA_HEAD


def ensure_current(engine: Engine) -> None:
    current = current_revision(engine)
    if current is not None and current not in KNOWN_REVISIONS:
        # Another desk runs a newer release: refuse plainly rather than touch its schema.
        raise DomainError(
            f"数据库版本（{current}）比本程序新，请先把合规服务台升级到最新版本；数据未作任何改动",
            f"database at unknown revision {current}; this build knows up to {SCHEMA_HEAD}",
        )
    if current != SCHEMA_HEAD:
        if current is not None and sqlite_file(engine) is not None:
            # An existing desk's file (an upgrade of the program): keep it as it was first.
            backup_before_migrating(engine, current)
        upgrade(engine)
