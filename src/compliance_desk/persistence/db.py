"""Engines for the embedded SQLite file and the shared PostgreSQL, with the same schema."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from compliance_desk.domain.text import to_halfwidth

log = logging.getLogger("compliance_desk.db")


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and route them to psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in {"postgresql", "postgres"}:
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("json_serializer", json_text)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


JSON_OPTIONS = (  # json_text's
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
)


def json_text(value: Any) -> str:
    """A JSON column's stored text on SQLite: orjson's (UTF-8, no spaces), a few times faster
    than ``json.dumps`` and half the bytes of its ``\\u`` escapes for Chinese (a pull of a
    backlog writes tens of thousands of audit entries).  Read back by ``json.loads`` as
    before, and nothing compares the stored text, so rows written before stay as they are.
    What orjson refuses (an integer over 64 bits, a lone surrogate; datetimes and dataclasses,
    which it is told to pass on) goes to ``json.dumps`` as before (``\\u`` escapes: a lone
    surrogate has no UTF-8), so what that refuses still raises ``TypeError``.  Differences
    left: orjson writes a float NaN as null, and takes UUIDs, enums and non-string keys that
    ``json.dumps`` refused (as their text)."""
    try:
        return orjson.dumps(value, option=JSON_OPTIONS).decode("utf-8")
    except TypeError:
        return json.dumps(value, separators=(",", ":"))


WAL_LIMIT = 64 * 1024 * 1024  # bytes the WAL file is cut back to after a checkpoint


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA cache_size=-8000")  # 8 MB of pages: the search index stays warm
    # The WAL file keeps the size of the longest stretch between checkpoints (a pull of a big
    # backlog: hundreds of MB on a laptop's disk) unless it is cut back after one.
    cursor.execute(f"PRAGMA journal_size_limit={WAL_LIMIT}")
    cursor.close()
    # The search box's folding, for the searches that read the enterprise table itself.
    dbapi_connection.create_function("halfwidth", 1, _halfwidth, deterministic=True)


def _halfwidth(value: Any) -> Any:
    return to_halfwidth(value) if isinstance(value, str) else value


def describe(url: str) -> str:
    """The URL without its password, for the status bar and logs."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)
