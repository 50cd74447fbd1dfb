"""The random draw (双随机) over a centre of 5,000 enterprises (issue 4, review: the draw read
each enterprise's compliant-list status with its own query).

    .venv/bin/python -m bench.draw_bench [--enterprises 5000] [--runs 7]

A fresh SQLite file holds one centre with ``--enterprises`` enterprises, a fifth of them on the
compliant list and a tenth of those inspected this year (so the once-a-year guard leaves them
out). Measured in the same run: the draw as the desk does it now (the pool in a fixed number of
queries, then drawing and recording it), and the baseline, the pool read as it was before (one
status query per enterprise) followed by the same drawing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from compliance_desk.bootstrap import open_desk
from compliance_desk.domain import inspections as rules
from compliance_desk.domain.inspections import InspectionStatus
from compliance_desk.domain.roles import Role
from compliance_desk.persistence.inspection_models import (
    Checklist,
    CompliantListEvent,
    Inspection,
)
from compliance_desk.persistence.models import AppUser, Centre, Enterprise
from compliance_desk.services import compliant_list
from compliance_desk.services.demo_data import _refs, ensure_demo_inspectors, enterprise_drafts
from compliance_desk.services.enterprises import apply_draft

TODAY = date(2026, 3, 2)


def _populate(desk, n: int) -> object:  # type: ignore[no-untyped-def]
    admin = desk.auth.login("admin", "Admin2026")
    refs = _refs(desk.ctx)
    drafts = enterprise_drafts(n, 5000, refs)
    with desk.ctx.uow(admin) as uow:
        s = uow.session
        checklist = s.scalars(select(Checklist.id)).first()
        for k, draft in enumerate(drafts):
            e = Enterprise()
            apply_draft(e, draft)
            e.centre_id = refs["umbrella_centre"]  # one big centre
            e.on_compliant_list = False
            s.add(e)
            s.flush()
            if k % 5 == 0:
                s.add(CompliantListEvent(enterprise_id=e.id, on=TODAY - timedelta(days=300),
                                         event="joined", reason="合规体检合格"))  # fmt: skip
                if k % 50 == 0:
                    s.add(Inspection(enterprise_id=e.id, checklist_id=checklist,
                                     planned_on=TODAY - timedelta(days=100),
                                     status=InspectionStatus.SIGNED.value))  # fmt: skip
        uow.commit()
    return refs["umbrella_centre"]


def _baseline(desk, admin, centre, count: int, seed: int) -> rules.Draw:  # type: ignore[no-untyped-def]
    """The draw's pool as it was read before: one compliant-list query per enterprise."""
    with desk.ctx.uow(admin) as uow:
        s = uow.session
        enterprises = s.execute(select(Enterprise.id, Enterprise.name).where(
            Enterprise.centre_id == centre, Enterprise.deleted_at.is_(None))).all()  # fmt: skip
        listed = {e for e, _ in enterprises
                  if compliant_list.status_on(s, e, TODAY) in ("joined", "flagged")}  # fmt: skip
        inspectors = s.execute(select(AppUser.id).where(
            AppUser.role == Role.INSPECTOR.value, AppUser.centre_id == centre)).all()  # fmt: skip
        return rules.draw([rules.Candidate(str(e), e in listed) for e, _ in enterprises],
                          [str(i) for (i,) in inspectors], count, seed, 0.2, 0.05, 2)  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--count", type=int, default=50)
    args = parser.parse_args()
    return 0 if measure(args.enterprises, args.runs, args.count) else 1


def measure(enterprises: int = 5000, runs: int = 7, count: int = 50) -> bool:
    """Prints the figures; True when the draw beats the baseline and its audit matches."""
    args = argparse.Namespace(enterprises=enterprises, runs=runs, count=count)
    with tempfile.TemporaryDirectory() as tmp:
        desk = open_desk(f"sqlite:///{Path(tmp) / 'draw.sqlite3'}",
                         clock=lambda: datetime(2026, 3, 2, 1, 0, tzinfo=UTC))  # fmt: skip
        ensure_demo_inspectors(desk.ctx)
        started = time.perf_counter()
        centre = _populate(desk, args.enterprises)
        print(f"{args.enterprises} enterprises in one centre built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        admin = desk.auth.login("admin", "Admin2026")
        with desk.ctx.factory() as s:
            name = s.get(Centre, centre).name  # type: ignore[union-attr]
        new, old = [], []
        for run in range(args.runs):  # alternating, so both see the same machine load
            started = time.perf_counter()
            drawn = desk.inspections.draw(admin, centre, args.count, seed=run)  # type: ignore[arg-type]
            new.append(time.perf_counter() - started)
            started = time.perf_counter()
            _baseline(desk, admin, centre, args.count, run)
            old.append(time.perf_counter() - started)
        audit = desk.inspections.audit_draw(admin, drawn.id)
        desk.close()
    n_new, n_old = statistics.median(new), statistics.median(old)
    print(
        f"draw of {args.count} from {name}: pool {drawn.pool_size}, "
        f"{len(drawn.left_out)} left out by the once-a-year guard; audit matches: {audit.matches}"
    )
    print(f"draw, pool in one query (recorded, whole service call): median {n_new * 1000:.0f} ms")
    print(f"baseline, one status query per enterprise (same run): median {n_old * 1000:.0f} ms "
          f"({n_old / n_new:.1f}x)")  # fmt: skip
    ok = n_new < n_old and audit.matches
    print("faster than the baseline and auditable:", "yes" if ok else "NO")
    return ok


if __name__ == "__main__":
    sys.exit(main())
