"""Edits pushed one by one: what a laptop's day of changes to existing records costs the server.

Plain inserts go in bulk (server/bulk.py); an edit of a record goes through the one-by-one path
(push._one: its claim, a savepoint, the row read under lock, the field-level merge, the update).
This measures that path: a laptop edits the contact person of every enterprise it holds, as a
clerk would in the register, and pushes (each edit is an update and its audit entry).

Baseline, the same run and server: the same number of single-row UPDATEs of the enterprise
table, one statement and one round trip each, in one transaction (what the rows would cost with
no sync at all).  No target in the issue; the figure is kept in bench/README.md.

    .venv/bin/python -m bench.sync_edits_bench [--rounds 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from bench import sync_data, sync_pg
from bench.sync_server import ServerProcess, laptop
from compliance_desk.persistence.models import Enterprise


def _baseline(url: str, count: int) -> float:
    """``count`` single-row UPDATEs of enterprise, one round trip each, one transaction."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as c:
        ids = [r[0] for r in c.execute("SELECT id FROM enterprise LIMIT %s", (count,)).fetchall()]
        started = time.perf_counter()
        for n, row_id in enumerate(ids):
            c.execute(
                "UPDATE enterprise SET contact_person = %s, row_version = row_version + 1 "
                "WHERE id = %s",
                (f"基准{n}", row_id),
            )
        c.rollback()
        return (time.perf_counter() - started) / max(1, len(ids))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pg = sync_pg.throwaway()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            sync_data.server_database(pg, 500, 500)
            url = sync_pg.create_database(pg, "edits", template="appeals_500")
            with ServerProcess(url, work / "server.log") as server:
                desk, service = laptop(work / "edits.sqlite3", server, "edits")
                service.sync_once()
                per_op: list[float] = []
                base: list[float] = []
                for n in range(args.rounds):
                    with desk.ctx.uow(None) as uow:
                        held = list(uow.session.scalars(select(Enterprise)))
                        for e in held:
                            e.contact_person = f"赵六{n}"
                        uow.commit()
                    started = time.perf_counter()
                    result = service.sync_once(pull=False)
                    elapsed = time.perf_counter() - started
                    assert result.rejected == 0 and result.pushed == 2 * len(held), result
                    per_op.append(elapsed / len(held))
                    base.append(_baseline(url, len(held)))
                    print(f"  round {n + 1}: {len(held)} edits (and their audit entries) "
                          f"pushed in {elapsed:.2f} s", file=sys.stderr)  # fmt: skip
                desk.close()
    finally:
        pg.stop()
    edit, raw = statistics.median(per_op), statistics.median(base)
    print(f"an edit pushed one by one: {edit * 1000:.2f} ms (with its audit entry); a bare "
          f"single-row UPDATE: {raw * 1000:.2f} ms; ratio {edit / raw:.1f}x")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
