"""Runs the Alembic migrations in db/ on SQLite and PostgreSQL alike."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from compliance_desk.paths import migrations_dir


# The local search index (SQLite only) is derived data that the migrations create by hand.
DERIVED_TABLES = ("enterprise_fts", "enterprise_gram")


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Autogenerate compares the models only; the derived search tables are not modelled."""
    return not (type_ == "table" and name is not None and name.startswith(DERIVED_TABLES))


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config()
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()
