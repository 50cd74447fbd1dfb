"""What differs between the two databases in the few statements written for both by hand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects import postgresql, sqlite


def _name(bind: Any) -> str:
    dialect = getattr(bind, "dialect", None) or bind.get_bind().dialect
    return str(dialect.name)


def insert_for(bind: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL); ``bind``: a
    Connection, Engine or Session."""
    return postgresql.insert if _name(bind) == "postgresql" else sqlite.insert


def among(bind: Any, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``.  On PostgreSQL one array parameter (``= ANY(...)``): the driver
    parses a statement with thousands of parameters for milliseconds, and every length is a
    new statement to it; an array is one statement whatever the count."""
    if _name(bind) == "postgresql":
        array = bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        return column == any_(array)  # type: ignore[no-any-return]
    return column.in_(list(values))  # type: ignore[no-any-return]
