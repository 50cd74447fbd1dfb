"""1,000,000 deadline computations (issue 3: under 5 s, calendar look-ups cached).

    .venv/bin/python -m bench.deadline_bench [--count 1000000]

The log computes deadlines without their explanations, by bisecting each year's cached
working days; the explained counting (what the clerk reads) walks day by day.  Both run on
the same random receipts here; the explained one on a 20,000 sample, scaled.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, timedelta

from compliance_desk.domain.deadlines import AppealTier, tier_deadline
from compliance_desk.domain.work_calendar import WorkCalendar
from compliance_desk.services.calendar_source import built_in_year


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1_000_000)
    args = parser.parse_args()
    calendar = WorkCalendar({}, built_in_year)
    rng = random.Random(3)
    tiers = list(AppealTier)
    cases = [
        (tiers[rng.randrange(4)], date(2025, 1, 1) + timedelta(days=rng.randrange(700)))
        for _ in range(args.count)
    ]
    started = time.perf_counter()
    for tier, received in cases:
        tier_deadline(calendar, tier, received, explain=False)
    fast = time.perf_counter() - started
    sample = cases[:20_000]
    started = time.perf_counter()
    for tier, received in sample:
        tier_deadline(calendar, tier, received)
    slow = (time.perf_counter() - started) * len(cases) / len(sample)
    print(
        f"{len(cases):,} deadlines: {fast:.2f} s (explained counting, scaled: {slow:.1f} s; {slow / fast:.0f}x)"
    )
    ok = fast < 5 * len(cases) / 1_000_000
    print("target (1,000,000 under 5 s):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
