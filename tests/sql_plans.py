"""Which tables SQLite reads whole for the statements a piece of work runs (EXPLAIN QUERY PLAN
of each, with its own parameters): a clerk's step that reads every appeal is fast on the
demo's data and slow on a desk that holds a million."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

Recorded = list[tuple[str, Any]]


@contextmanager
def recorded(engine: Engine) -> Iterator[Recorded]:
    """The reads, updates and deletes run on ``engine`` meanwhile, with their parameters."""
    got: Recorded = []

    def note(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, many: bool) -> None:
        if not many and statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            got.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield got
    finally:
        event.remove(engine, "before_cursor_execute", note)


def full_scans(engine: Engine, statements: Recorded, tables: set[str]) -> list[str]:
    """Each plan step that reads one of ``tables`` whole, with its statement.  A walk in an
    index's order under a LIMIT (a page of a list, newest first) stops at the page's end: not
    counted."""
    if engine.dialect.name == "postgresql":
        return _sequential(engine, statements, tables)
    out = []
    with engine.connect() as connection:
        for statement, parameters in statements:
            plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            paged = " LIMIT " in statement.upper()
            for row in plan:
                detail = str(row[3])
                words = detail.replace("SCAN TABLE ", "SCAN ").split()  # (SQLite < 3.36)
                if words[0] != "SCAN" or words[1] not in tables:
                    continue
                if paged and " USING " in detail and "INDEX" in detail:
                    continue
                out.append(f"{detail}: {' '.join(statement.split())}")
    return out


def _sequential(engine: Engine, statements: Recorded, tables: set[str]) -> list[str]:
    """PostgreSQL's: with sequential scans priced out (``enable_seqscan = off``), a plan that
    still reads one of ``tables`` sequentially has no index that could answer it (on the
    tests' few rows the planner would scan them anyway)."""
    out = []
    with engine.connect() as connection:
        connection.exec_driver_sql("SET enable_seqscan = off")
        for statement, parameters in statements:
            lines = connection.exec_driver_sql("EXPLAIN " + statement, parameters).scalars()
            for line in lines:
                words = str(line).replace("->", "").replace("Parallel ", "").split()
                if words[:3] in (["Seq", "Scan", "on"],) and words[3] in tables:
                    out.append(f"{line.strip()}: {' '.join(statement.split())}")
    return out
