"""The retention's prune, run at every handshake, reads an index (not every retained row)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from compliance_desk.bootstrap import open_desk
from compliance_desk.sync import resend


def test_prune_looks_up_old_acknowledgements_by_index(tmp_path: Path) -> None:
    desk = open_desk(f"sqlite:///{tmp_path / 'laptop.sqlite3'}")
    seen: list[tuple[str, Any]] = []

    def remember(conn: Any, cursor: Any, statement: str, params: Any, *_a: Any) -> None:
        if "sync_outbox" in statement and statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(desk.ctx.engine, "before_cursor_execute", remember)
    try:
        with desk.ctx.factory() as session:
            assert resend.prune(session, datetime.now(UTC)) == 0
            statement, params = seen[-1]
            plan = " ".join(
                str(row[-1])
                for row in session.connection().exec_driver_sql(
                    "EXPLAIN QUERY PLAN " + statement, params
                )
            )
        assert "ix_sync_outbox_acked" in plan, plan
    finally:
        event.remove(desk.ctx.engine, "before_cursor_execute", remember)
        desk.close()
