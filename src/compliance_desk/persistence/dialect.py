"""What differs between the two databases in the few statements written for both by hand."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, Uuid, bindparam, cast, func, select
from sqlalchemy.dialects import postgresql, sqlite


def _name(bind: Any) -> str:
    dialect = getattr(bind, "dialect", None) or bind.get_bind().dialect
    return str(dialect.name)


def insert_for(bind: Any) -> Any:
    """The dialect's INSERT, which knows ON CONFLICT (SQLite and PostgreSQL); ``bind``: a
    Connection, Engine or Session."""
    return postgresql.insert if _name(bind) == "postgresql" else sqlite.insert


def among(bind: Any, column: Any, values: Sequence[Any]) -> ColumnElement[bool]:
    """``column IN values``.  On PostgreSQL one array parameter: the driver parses a statement
    with thousands of parameters for milliseconds, and every length is a new statement to it;
    an array is one statement whatever the count.  The array is unnested into a set
    (``IN (SELECT unnest(...))``), not compared by ``= ANY(...)``: a table filled in the
    same transaction (a push) still has the planner's estimate of a small one, and a
    sequential scan filtered by ``= ANY`` compares every row with every element (seconds for
    a page of a few thousand ids); a set is hashed or looked up by the index."""
    if _name(bind) == "postgresql":
        if isinstance(column.type, Uuid) and all(isinstance(v, uuid.UUID) for v in values):
            # An array literal: the driver's array adapter costs microseconds per element (and
            # str(uuid) four times what .hex does; PostgreSQL reads 32 hex digits as a uuid).
            literal = bindparam(None, "{" + ",".join([v.hex for v in values]) + "}", type_=String)
            array: Any = cast(literal, postgresql.ARRAY(column.type))
        else:
            array = bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        return column.in_(select(func.unnest(array)).scalar_subquery())  # type: ignore[no-any-return]
    return column.in_(list(values))  # type: ignore[no-any-return]
