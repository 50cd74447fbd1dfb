"""Search as you type over 100,000 enterprises, against a plain LIKE scan in the same run.

    .venv/bin/python -m bench.search_bench

Queries are what a clerk types: growing prefixes of real names (崧, 崧厦, 崧厦蓝 ...), pinyin
initials and full pinyin, credit-code prefixes and phone fragments of enterprises in the
database.  Targets (issue 2): p95 under 20 ms, and at least 50x faster than the LIKE scan.
"""

from __future__ import annotations

import random
import sys
import time

from sqlalchemy import text

from bench.common import open_large, percentile
from compliance_desk.services.enterprises import normalise_query

LIKE_SCAN = text(
    "SELECT id FROM enterprise WHERE deleted_at IS NULL AND ("
    "name LIKE :q OR name_pinyin LIKE :q OR name_initials LIKE :q "
    "OR uscc LIKE :q OR contact_phone_digits LIKE :q)"
)


def queries(desk, user, count: int, seed: int = 7) -> list[str]:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    with desk.ctx.engine.connect() as c:
        rows = c.execute(
            text(
                "SELECT name, name_pinyin, name_initials, uscc, contact_phone_digits FROM enterprise"
            )
        ).all()
    out: list[str] = []
    while len(out) < count:
        name, pinyin, initials, code, phone = rng.choice(rows)
        kind = rng.random()
        if kind < 0.45:  # typing the name, keystroke by keystroke
            start = rng.choice([0, 2, 4])
            out += [name[start : start + n] for n in range(1, 5)]
        elif kind < 0.65:
            out += [initials[:n] for n in range(2, 5)]
        elif kind < 0.8:
            out += [pinyin[:n] for n in range(3, 9, 2)]
        elif kind < 0.9:
            out += [code[:n] for n in (10, 14, 18)]
        else:
            out += [phone[-n:] for n in (4, 6, 8)]
    return [q for q in out[:count] if q]


def main() -> int:
    desk = open_large()
    user = desk.auth.login("clerk", "Clerk2026")
    total = desk.enterprises.count(user)
    qs = queries(desk, user, 600)
    for q in qs[:20]:  # warm the page cache for both contenders alike
        desk.enterprises.search(user, q)
    ours: list[float] = []
    for q in qs:
        t = time.perf_counter()
        desk.enterprises.search(user, q, limit=50)
        ours.append((time.perf_counter() - t) * 1000)
    baseline: list[float] = []
    with desk.ctx.engine.connect() as c:
        for q in qs[:150]:
            t = time.perf_counter()
            c.execute(LIKE_SCAN, {"q": f"%{normalise_query(q)}%"}).all()
            baseline.append((time.perf_counter() - t) * 1000)
    sample = ours[:150]
    ratio = sum(baseline) / sum(sample)
    p95 = percentile(ours, 95)
    print(f"enterprises: {total}, queries: {len(qs)} (baseline on the first {len(baseline)})")
    print(
        f"search (ids + rows of the first 50): p50 {percentile(ours, 50):.2f} ms, p95 {p95:.2f} ms, max {max(ours):.2f} ms"
    )
    print(
        f"LIKE '%text%' scan: p50 {percentile(baseline, 50):.2f} ms, p95 {percentile(baseline, 95):.2f} ms"
    )
    print(f"ratio (mean LIKE / mean search, same queries): {ratio:.1f}x")
    ok = p95 < 20 and ratio >= 50
    print("targets (p95 < 20 ms, >= 50x):", "met" if ok else "NOT met")
    desk.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
