"""The sync benchmark's data: server databases of 10,000 and 1,000,000 appeals, laptops, backlogs.

Server databases are built once in the kept cluster (bench/sync_pg.py): the demo's 10,000
appeals by its bulk path, then, for the million, 99 copies of them by ``INSERT .. SELECT`` in
PostgreSQL (ids derived with md5, numbers suffixed), never through the ORM.  Every appeal and
timeline row gets its change-log entry and an idempotency record as if it had been pushed, so
that the change log and ``sync_operation`` are as large as a real server's of that size.

A backlog is made on a laptop through the capture path the app uses (bulk statements on a
session): new enterprises and visits to them, each with its audit entry, so one backlog of N
operations is N/10 enterprises, 4N/10 visits and N/2 audit entries.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from sqlalchemy import insert, select, text

from bench import sync_pg
from compliance_desk.bootstrap import Desk, open_desk
from compliance_desk.persistence.models import Appeal, AppealEvent, Enterprise, Visit, table_of
from compliance_desk.persistence.sync_models import SyncOutbox
from compliance_desk.services import demo_data
from compliance_desk.sync import replica
from tests.pg_server import PgServer

BASE_APPEALS = 10_000
MARK = "bench.complete"


def _say(message: str) -> None:
    print(f"  [{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def server_database(server: PgServer, appeals: int, base: int = BASE_APPEALS) -> str:
    """A server database holding ``appeals`` appeals (``base`` or a multiple), built once."""
    name = f"appeals_{appeals}"
    if sync_pg.has_database(server, name) and _complete(server.url(name)):
        return server.url(name)
    if appeals == base:
        return _build_base(server, name, base)
    server_database(server, base, base)
    started = time.perf_counter()
    url = sync_pg.create_database(server, name, template=f"appeals_{base}")
    copies = appeals // base
    desk = open_desk(url)
    try:
        with desk.ctx.engine.begin() as c:  # the template's mark: not complete until the end
            c.execute(text("DELETE FROM local_setting WHERE key = :k"), {"k": MARK})
        with desk.ctx.engine.begin() as c:
            for k in range(1, copies):
                c.execute(text(_copy_sql("appeal", k)))
                c.execute(text(_copy_sql("appeal_event", k)))
                if k % 10 == 0:
                    _say(f"appeals: {k + 1} x {base}")
        _log_everything(desk)
        with desk.ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
        _mark(desk)
    finally:
        desk.close()
    _say(f"server database {name} built in {time.perf_counter() - started:.0f} s")
    return url


def _build_base(server: PgServer, name: str, appeals: int) -> str:
    started = time.perf_counter()
    url = sync_pg.create_database(server, name)
    desk = open_desk(url)
    try:
        demo_data.load_demo(desk.ctx, "small", appeals=0)  # users, 200 enterprises
        demo_data.load_demo_appeals(desk.ctx, appeals)
        _log_everything(desk)
        with desk.ctx.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as c:
            c.execute(text("VACUUM ANALYZE"))
        _mark(desk)
    finally:
        desk.close()
    _say(f"server database {name} built in {time.perf_counter() - started:.0f} s")
    return url


def _copy_sql(table: str, k: int) -> str:
    """Copy number ``k`` of the base rows of ``table`` under derived ids."""
    tbl = table_of(Appeal) if table == "appeal" else table_of(AppealEvent)
    names, values = [], []
    for column in tbl.columns:
        names.append(f'"{column.name}"')
        if column.name in ("id", "appeal_id"):
            values.append(f"md5({column.name}::text || '/{k}')::uuid")
        elif column.name == "number":
            values.append(f"number || '/{k}'")
        elif column.name == "forward_id":
            values.append(
                "CASE WHEN forward_id = '' THEN '' ELSE md5(split_part(forward_id, ':', 1) "
                f"|| '/{k}')::text || ':' || split_part(forward_id, ':', 2) END"
            )
        else:
            values.append(f'"{column.name}"')
    where = (
        "number NOT LIKE '%/%'"
        if table == "appeal"
        else ("appeal_id IN (SELECT id FROM appeal WHERE number NOT LIKE '%/%')")
    )
    return (
        f"INSERT INTO {table} ({', '.join(names)}) SELECT {', '.join(values)} FROM {table} "
        f"WHERE {where}"
    )


def _log_everything(desk: Desk) -> None:
    """Change-log entries and idempotency records for the rows written in bulk."""
    with desk.ctx.engine.begin() as c:
        device = uuid.uuid4()
        for table in ("enterprise", "appeal", "appeal_event"):
            c.execute(
                text(f"""
                INSERT INTO sync_change (seq, table_name, row_id)
                SELECT (SELECT value FROM sync_counter WHERE name = 'change')
                       + row_number() OVER (ORDER BY t.id), '{table}', t.id
                FROM {table} t
                WHERE NOT EXISTS (SELECT 1 FROM sync_change s WHERE s.row_id = t.id)""")
            )
            c.execute(
                text(
                    "UPDATE sync_counter SET value = (SELECT coalesce(max(seq), 0) FROM sync_change)"
                    " WHERE name = 'change'"
                )
            )
            c.execute(
                text(f"""
                INSERT INTO sync_operation (op_id, device_id, payload_hash, result, received_at)
                SELECT md5(t.id::text || '/op')::uuid, '{device}', repeat('0', 64),
                       '{{"status": "applied"}}', now()
                FROM {table} t
                ON CONFLICT DO NOTHING""")
            )


def _complete(url: str) -> bool:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as c:
            found = c.execute(
                text("SELECT value FROM local_setting WHERE key = :k"), {"k": MARK}
            ).first()
            return found is not None
    except Exception:  # noqa: BLE001 - a half-built database: build it again
        return False
    finally:
        engine.dispose()


def _mark(desk: Desk) -> None:
    with desk.ctx.engine.begin() as c:
        c.execute(text("INSERT INTO local_setting (key, value) VALUES (:k, 'yes')"), {"k": MARK})


def counts(url: str) -> dict[str, int]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return {
                t: int(c.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0)
                for t in ("appeal", "appeal_event", "sync_change", "sync_operation")
            }
    finally:
        engine.dispose()


# --- laptops ---------------------------------------------------------------------------------
BIG_LAPTOP = Path("/tmp/cd-sync-bench-laptop-1m.sqlite3")


def big_laptop_file() -> Path:
    """A copy of the appeal-log benchmark's 1,000,000-appeal SQLite file (built if missing)."""
    if not BIG_LAPTOP.with_suffix(".complete").exists():
        from bench.appeal_db import PATH, appeal_database

        appeal_database()
        _say(f"copying {PATH} to {BIG_LAPTOP}")
        shutil.copyfile(PATH, BIG_LAPTOP)
        BIG_LAPTOP.with_suffix(".complete").write_text("copied\n")
    return BIG_LAPTOP


def set_cursor(desk: Desk, seq: int) -> None:
    """This replica has everything up to ``seq`` (it synced before)."""
    with desk.ctx.factory() as session:
        replica.set_setting(session, replica.CURSOR, str(seq))
        session.commit()


def server_top(url: str) -> int:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as c:
            return int(c.execute(text("SELECT max(seq) FROM sync_change")).scalar() or 0)
    finally:
        engine.dispose()


def make_backlog(desk: Desk, operations: int, seed: int, centre: str | None = None) -> int:
    """About ``operations`` operations waiting in the outbox; returns how many there are.
    ``centre`` (a centre's code): every new enterprise is that centre's, as on the laptop of
    an inspector of that centre; None: the demo's mix of both."""
    ctx = desk.ctx
    # No local users: a laptop gets its users from the server, and demo users made here would
    # be twins of the server's (merge tasks), not the plain backlog this measures.
    admin: Any = SimpleNamespace(id=None)
    with desk.ctx.factory() as session:
        before = session.scalar(select(SyncOutbox.position).order_by(SyncOutbox.position.desc()))
    enterprises = max(1, operations // 10)
    refs = demo_data._refs(ctx)
    drafts = demo_data.enterprise_drafts(enterprises, seed, refs)
    if centre is not None:
        drafts = [dataclasses.replace(d, centre_id=refs[f"{centre}_centre"]) for d in drafts]
    for start in range(0, len(drafts), 2000):
        demo_data._bulk_enterprises(ctx, admin, drafts[start : start + 2000])
    with ctx.uow(None) as uow:
        codes = {d.uscc for d in drafts}
        made = [
            (i, c)
            for i, c, u in uow.session.execute(
                select(Enterprise.id, Enterprise.centre_id, Enterprise.uscc)
            )
            if u in codes
        ]
    rng = random.Random(seed)
    now = ctx.clock()
    visits = operations // 2 - enterprises
    rows: list[dict[str, Any]] = []
    for n in range(visits):
        enterprise_id, centre_id = made[n % len(made)]
        rows.append(
            {
                "enterprise_id": enterprise_id,
                "centre_id": centre_id,
                "visited_at": now - timedelta(minutes=rng.randrange(100_000)),
                "visitor_name": "张三",
                "visitor_phone": f"138{rng.randrange(10**8):08d}",
                "channel": "walk_in",
                "subject_area": "other",
                "description": "来访登记（同步基准）",
            }
        )
    for start in range(0, len(rows), 2000):
        with ctx.uow(None) as uow:
            uow.session.execute(insert(Visit), rows[start : start + 2000])
            uow.commit()
    with desk.ctx.factory() as session:
        after = session.scalar(select(SyncOutbox.position).order_by(SyncOutbox.position.desc()))
    return int(after or 0) - int(before or 0)


def interleave(desk: Desk) -> None:
    """The backlog's outbox in a clerk's order: each record followed by its audit entry (its
    bulk statements leave each table's operations together, a page a few runs of one table)."""
    with desk.ctx.engine.begin() as c:
        waiting = c.execute(
            text(
                "SELECT position, table_name, row_id, json_extract(payload, '$.row.row_id') "
                "FROM sync_outbox WHERE status = 'pending' ORDER BY position"
            )
        ).all()
        audits: dict[str, list[int]] = {}
        for position, table, _row, audited in waiting:
            if table == "audit_entry" and audited:
                audits.setdefault(str(audited).replace("-", ""), []).append(position)
        order: list[int] = []
        for position, table, row, _audited in waiting:
            if table != "audit_entry":
                order.append(position)
                order.extend(audits.pop(str(row).replace("-", ""), []))
        order.extend(sorted(p for ps in audits.values() for p in ps))
        assert len(order) == len(waiting)
        c.execute(text("UPDATE sync_outbox SET position = -position WHERE status = 'pending'"))
        first = waiting[0][0]
        c.execute(
            text("UPDATE sync_outbox SET position = :new WHERE position = :old"),
            [{"new": first + n, "old": -old} for n, old in enumerate(order)],
        )
