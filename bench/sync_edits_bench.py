"""Edits pushed: what a laptop's changes to existing records cost the server.

A laptop edits the contact person of every enterprise it holds and pushes (each edit is an
update and its audit entry), two ways:
- all in one go, as an import of the ledger edits them: the updates come as a run, then their
  audit entries;
- one at a time, as a clerk edits them in the register: each update followed by its audit
  entry.
The server takes both in bulk (server/bulk_updates.py, and bulk._mixed for a run of inserts and
edits); before the ninth session each edit went one by one (push._one: its claim, a savepoint,
the row read under lock, the field-level merge, the update, its result).

Baseline, the same run and server: the same number of single-row UPDATEs of the enterprise
table, one statement and one round trip each, in one transaction (what the rows would cost with
no sync at all).  No target in the issue; the figures are kept in bench/README.md.

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
from compliance_desk.bootstrap import Desk
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


def _edit(desk: Desk, person: str, at_once: bool) -> int:
    """Every enterprise's contact person set to ``person``: in one transaction, or each in
    its own (as a clerk saves them one by one); how many."""
    with desk.ctx.factory() as s:
        ids = list(s.scalars(select(Enterprise.id)))
    for chunk in [ids] if at_once else [[i] for i in ids]:
        with desk.ctx.uow(None) as uow:
            for e in uow.session.scalars(select(Enterprise).where(Enterprise.id.in_(chunk))):
                e.contact_person = person
            uow.commit()
    return len(ids)


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
                per_op: dict[str, list[float]] = {"in one go": [], "one at a time": []}
                base: list[float] = []
                for n in range(args.rounds):
                    for how, times in per_op.items():
                        held = _edit(desk, f"赵六{n}{how}", how == "in one go")
                        started = time.perf_counter()
                        result = service.sync_once(pull=False)
                        elapsed = time.perf_counter() - started
                        assert result.rejected == 0 and result.pushed == 2 * held, result
                        times.append(elapsed / held)
                        print(f"  round {n + 1}, {how}: {held} edits (and their audit entries) "
                              f"pushed in {elapsed:.2f} s", file=sys.stderr)  # fmt: skip
                    base.append(_baseline(url, held))
                desk.close()
    finally:
        pg.stop()
    raw = statistics.median(base)
    print(f"a bare single-row UPDATE: {raw * 1000:.2f} ms")
    for how, times in per_op.items():
        edit = statistics.median(times)
        print(f"an edit pushed, {how}: {edit * 1000:.2f} ms (with its audit entry), "
              f"{edit / raw:.1f}x the bare UPDATE")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
