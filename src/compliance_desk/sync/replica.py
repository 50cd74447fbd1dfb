"""The replica's side of a sync, in local transactions: what to send, what the server answered,
and the pulled rows applied with the cursor advanced in the same transaction (rule 7).

Pulled rows are the server's truth.  A row this machine still has operations waiting for is
rebased: the server's row, then the waiting changes on top, so an edit made offline stays on
screen until the server has answered for it.  A pulled row whose natural key (credit code) is
held here by another live row that the server has not confirmed puts the local one aside as a
tombstone; the server does the same with it when it arrives, and opens the merge task.
Timeline rows the server refused are taken out of the local timeline (their operations stay
in the outbox with the reason, for the user); the projection of their parent is recomputed.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import (
    Connection,
    Engine,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    tuple_,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from compliance_desk.persistence import search_index
from compliance_desk.persistence.dialect import among
from compliance_desk.persistence.models import LocalSetting
from compliance_desk.persistence.sync_models import SyncConflict, SyncOutbox
from compliance_desk.sync import (
    codec,
    gc_pause,
    pull_ahead,
    pull_bulk,
    pull_stored,
    sets,
    wal_checkpoint,
)
from compliance_desk.sync.blob_refs import BLOB_COLUMNS
from compliance_desk.sync.commands import FAMILIES
from compliance_desk.sync.policy import policy

CURSOR = "sync.cursor"
# table -> the command families whose parent it is (their projection follows a pulled row)
_PARENT_OF: dict[str, tuple[str, ...]] = {}
for _name, _family in FAMILIES.items():
    if _family.reproject_on_parent:
        _PARENT_OF[_family.parent_table] = (*_PARENT_OF.get(_family.parent_table, ()), _name)


def get_setting(session: Session, key: str) -> str | None:
    row = session.get(LocalSetting, key)
    return None if row is None else row.value


def settings(session: Session, keys: Iterable[str]) -> dict[str, str]:
    """Several settings in one statement (a sync reads about ten of them)."""
    rows = session.execute(
        select(LocalSetting.key, LocalSetting.value).where(LocalSetting.key.in_(list(keys)))
    )
    return {key: value for key, value in rows}


def set_setting(session: Session, key: str, value: str) -> None:
    row = session.get(LocalSetting, key)
    if row is None:
        session.add(LocalSetting(key=key, value=value))
    else:
        row.value = value


def wire(o: SyncOutbox) -> dict[str, Any]:
    return {
        "id": str(o.id),
        "table": o.table_name,
        "row_id": str(o.row_id),
        "kind": o.kind,
        "base_version": o.base_version,
        "command": o.command,
        "payload": o.payload,
        "user_id": str(o.user_id) if o.user_id else None,
        "at": o.at.astimezone(UTC).isoformat(),
    }


def waiting_wire(session: Session, limit: int) -> list[dict[str, Any]]:
    """The next ``limit`` waiting operations in wire form, read as plain rows (no ORM objects:
    a page of a large backlog is read and sent without building an object per operation).

    The payload is passed on as the JSON text it is stored as (``orjson.Fragment``: not parsed
    here to be written again for the request), except where it may name a file, which the
    upload looks for (sync/blob_refs.py).  The server reads the same values either way."""
    tbl: Table = SyncOutbox.__table__  # type: ignore[assignment]
    rows = session.connection().execute(
        select(tbl.c.id, tbl.c.table_name, tbl.c.row_id, tbl.c.kind, tbl.c.base_version,
               tbl.c.command, type_coerce(tbl.c.payload, Text).label("payload"), tbl.c.user_id,
               tbl.c.at)
        .where(tbl.c.status == "pending").order_by(tbl.c.position).limit(limit)
    )  # fmt: skip
    out = []
    for r in rows:
        payload: Any
        if r.table_name in BLOB_COLUMNS or r.payload is None:
            payload = None if r.payload is None else json.loads(r.payload)
        else:
            payload = orjson.Fragment(r.payload)
        out.append({
            "id": str(r.id), "table": r.table_name, "row_id": str(r.row_id), "kind": r.kind,
            "base_version": r.base_version, "command": r.command, "payload": payload,
            "user_id": str(r.user_id) if r.user_id else None,
            "at": r.at.astimezone(UTC).isoformat(),
        })  # fmt: skip
    return out


def waiting(session: Session, limit: int) -> list[SyncOutbox]:
    return list(
        session.scalars(
            select(SyncOutbox)
            .where(SyncOutbox.status == "pending")
            .order_by(SyncOutbox.position)
            .limit(limit)
        )
    )


def record_results(
    session: Session,
    sent: list[uuid.UUID],
    results: list[dict[str, Any]],
    now: datetime | None = None,
) -> dict[str, int]:
    """The server's answers to the operations ``sent``, in one local transaction; returns how
    many of each status.  Applied operations are done (the server's rows come back by the
    pull): marked so in one statement per page and kept a while, to be sent again to a server
    restored from a backup (sync/resend.py); only the others are loaded, to keep the answer."""
    counts = {"applied": 0, "conflict": 0, "rejected": 0}
    known = {str(i): i for i in sent}
    done: set[uuid.UUID] = set()
    answered: list[tuple[uuid.UUID, dict[str, Any]]] = []
    for result in results:
        op_id = known.get(str(result.get("op_id")))
        if op_id is None:
            continue
        if str(result.get("status")) == "applied":
            done.add(op_id)
            counts["applied"] += 1
        else:
            answered.append((op_id, result))
    connection = session.connection()
    outbox: Table = SyncOutbox.__table__  # type: ignore[assignment]
    ids = sorted(done)
    acked = now or datetime.now(UTC)
    for start in range(0, len(ids), 500):
        connection.execute(
            update(outbox)
            .where(outbox.c.id.in_(ids[start : start + 500]))
            .values(status="done", result=None, acked_at=acked)
        )
    loaded = {
        o.id: o
        for o in session.scalars(
            select(SyncOutbox).where(SyncOutbox.id.in_([i for i, _ in answered]))
        )
    } if answered else {}  # fmt: skip
    parents: set[tuple[str, uuid.UUID]] = set()
    for op_id, result in answered:
        op = loaded.get(op_id)
        if op is None or op_id in done:
            continue
        status = str(result.get("status"))
        op.status = "conflict" if status == "conflict" else "rejected"
        op.result = result
        op.attempts += 1  # counted with the answer (sync/outbox_page.py)
        counts[op.status] += 1
        conflict = result.get("conflict")
        if isinstance(conflict, dict):
            tbl: Table = SyncConflict.__table__  # type: ignore[assignment]
            values = codec.decode_row(tbl, conflict)
            if session.get(SyncConflict, values["id"]) is None:
                connection.execute(insert(tbl).values(values))
        pol = policy(op.table_name)
        if op.kind == "insert" and pol.command is not None:
            # The server's timeline does not hold this step: neither may ours.
            family = FAMILIES[pol.command]
            tbl = codec.table(op.table_name)
            parent_id = uuid.UUID(str(op.payload["row"][family.parent_key]))
            connection.execute(delete(tbl).where(tbl.c.id == op.row_id))
            parents.add((pol.command, parent_id))
    _project(connection, parents)
    return counts


@contextmanager
def pulling(engine: Engine) -> Iterator[Connection | None]:
    """One connection for a pull's pages (None: not SQLite, any connection will do).

    A commit that leaves SQLite's write-ahead log longer than its auto-checkpoint threshold
    (1,000 pages) copies the log back into the database there and then: with pages of 10,000
    rows that was every page's commit (~130 ms each).  On this connection the automatic
    checkpoints are off for the pull, and one passive checkpoint follows its last page, on a
    thread of its own (sync/wal_checkpoint.py); the setting is the connection's own (not
    stored in the file), restored however the pull ends, and a process killed mid-pull leaves
    a longer log, which SQLite replays or checkpoints like any other (nothing of a committed
    page is lost, nothing uncommitted kept).  A pull that wrote nothing (the usual sync with
    nothing to do, every few seconds) added nothing to the log: no thread for it."""
    if engine.dialect.name != "sqlite":
        yield None
        return
    wrote = True  # not known (the connection never opened): as if it had
    try:
        with engine.connect() as connection:
            before = connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar()
            connection.exec_driver_sql("PRAGMA wal_autocheckpoint = 0")
            connection.commit()
            driver: Any = connection.connection.dbapi_connection
            changed = getattr(driver, "total_changes", None)  # rows written on it, ever
            try:
                yield connection
            finally:
                try:  # (a connection the failure closed raises here: then as if it wrote)
                    wrote = changed is None or driver.total_changes != changed
                except Exception:  # noqa: BLE001 - the pull's own error, if any, stays its own
                    wrote = True
                try:
                    connection.rollback()  # a page's transaction a failure left open
                except BaseException:
                    connection.invalidate()  # not back to the pool with its checkpoints off
                    raise
                connection.exec_driver_sql(f"PRAGMA wal_autocheckpoint = {int(before or 1000)}")
                connection.commit()
    finally:
        if wrote:
            wal_checkpoint.start(engine)  # raises nothing: a pull's own error stays its own


def apply_pulled(
    session: Session, changes: Iterable[dict[str, Any]], last_seq: int,
    prepared: pull_ahead.Prepared | None = None,
) -> int:  # fmt: skip
    """Apply one pulled batch and move the cursor, atomically; returns the rows applied.
    ``prepared``: what the read-ahead thread made of ``changes`` (sync/pull_ahead.py)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        driver = connection.connection.dbapi_connection
        if driver is not None and not getattr(driver, "in_transaction", True):
            # The write lock before the page's look-ups (what is held, pending, twinned): the
            # driver begins only at the first write, and an edit saved in between was written
            # over by the server's row (on screen until its operation came back).
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        # Parents may arrive after children within one batch: check the keys at commit.
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")
    now = datetime.now(UTC)
    parents: set[tuple[str, uuid.UUID]] = set()
    count = 0
    changes = list(changes)
    if prepared is None or len(prepared.forms) != len(changes):
        prepared = pull_ahead.Prepared([None] * len(changes), [None] * len(changes))
    # where each table's changes are (one pass over the page, or none: the read-ahead's)
    tables = prepared.tables if prepared.tables is not None else _positions(changes)
    synced = {t: policy(t).synced for t in tables}
    forms, docs, keys = prepared.forms, prepared.docs, prepared.keys
    if not all(synced.values()):  # a table not synced here (a newer server's): left aside
        kept = [i for i, c in enumerate(changes) if synced[str(c["table"])]]
        changes = [changes[i] for i in kept]
        forms = [forms[i] for i in kept]
        docs = [docs[i] for i in kept]
        keys = None if keys is None else [keys[i] for i in kept]
        tables = _positions(changes)
        values = None if prepared.values is None else [prepared.values[i] for i in kept]
        prepared = pull_ahead.Prepared(forms, docs, keys, tables, values, prepared.plans)
    # ids as SQLite stores them (no UUID objects), of the rows kept only: a table left aside
    # may have ids of another form
    if keys is None:
        keys = [_hex(c["id"]) for c in changes]
    rebased = {
        i.hex
        for i in session.scalars(
            select(SyncOutbox.row_id).where(
                SyncOutbox.status == "pending", SyncOutbox.kind != "insert"
            )  # fmt: skip
        )
    }
    present = _present(connection, {t: [keys[i] for i in at] for t, at in tables.items()})
    twinned = _twinned(connection, changes, keys, tables, prepared)
    stored = _stored(connection, present)
    gc_pause.checkpoint()  # the page's rows here, read for comparison: out of full collections
    plain = _PlainInserts(connection)
    # SQLite: the common case goes from the wire to the driver (sync/pull_bulk.py).
    raw = pull_bulk.RawInserts(connection) if connection.dialect.name == "sqlite" else None
    bulk = raw is not None and _all_new(tables, keys, forms, present, rebased, twinned)
    if raw is not None and bulk:
        # The common page of a backlog: every row new here, nothing to rebase, set aside or
        # make room for, every row's values made ahead: added a table at a time, no per-row
        # decisions (what the loop below would decide for each of them).
        for table, at in tables.items():
            wires = [changes[i]["row"] for i in at]
            made: list[Any] = [forms[i] for i in at]  # none is None (_all_new)
            raw.extend(codec.table(table), wires, made, [docs[i] for i in at])
            for name in _PARENT_OF.get(table, ()):
                parents.update((name, uuid.UUID(hex=keys[i])) for i in at)
        count = len(changes)
    one_by_one = [] if bulk else enumerate(zip(changes, keys, forms, docs, strict=True))
    for i, (change, key, form, doc) in one_by_one:
        table = str(change["table"])
        pol = policy(table)
        tbl = codec.table(table)
        exists = (table, key) in present
        special = key in rebased or key in twinned
        if raw is not None and not exists and pol.command is None and not special:
            if raw.add(
                tbl, change["row"], form, doc
            ):  # nothing to rebase, set aside or make room for
                for name in _PARENT_OF.get(table, ()):
                    parents.add((name, uuid.UUID(hex=key)))
                count += 1
                continue
        # a stored page's row (sync/pull_stored.py): its wire row made for the merge paths
        row = codec.decode_row(tbl, pull_stored.wire_of(change, prepared, i))
        for name in _PARENT_OF.get(table, ()):
            parents.add((name, row["id"]))
        if not exists and pol.command is None and not special:
            plain.add(tbl, row)  # nothing to rebase, set aside or make room for: in bulk
            count += 1
            continue
        if exists and pol.command is None and not special:
            here = stored.get((table, key))
            if here is not None and all(here.get(k) == v for k, v in row.items()):
                count += 1  # the row here is the server's already (often this device's own,
                continue  # come back after its push): nothing to write
        # what came before this row is written before it, as one by one
        if raw is not None:
            raw.flush()
        plain.flush()
        if key in rebased:
            _rebase(session, tbl, row)
        if pol.natural_key and row.get("deleted_at") is None:
            _set_aside_twins(connection, tbl, pol.natural_key, row, now)
        if pol.command is not None:
            family = FAMILIES[pol.command]
            _make_room(connection, tbl, family.parent_key, row)
            parents.add((pol.command, row[family.parent_key]))
        if exists:
            connection.execute(update(tbl).where(tbl.c.id == row["id"]).values(row))
        else:
            connection.execute(insert(tbl).values(row))
        if table == "enterprise" and connection.dialect.name == "sqlite":
            search_index.update(connection, [_index_doc(row)], fresh=not exists)
        if table == "enterprise" and exists:  # the appeal log sorts by the enterprise's name
            from compliance_desk.services import appeal_clocks

            appeal_clocks.enterprise_renamed(connection, row["id"], row.get("name_pinyin", ""))
        count += 1
    if raw is not None:
        raw.flush()
    plain.flush()
    _project(connection, parents)
    set_setting(session, CURSOR, str(last_seq))
    return count


def _all_new(
    tables: dict[str, list[int]], keys: list[str], forms: list[Any],
    present: set[tuple[str, str]], rebased: set[str], twinned: set[str],
) -> bool:  # fmt: skip
    """Whether every row of a page takes the raw path: none held here, none pending or
    twinned, no timeline step, every row's values made ahead."""
    if present or twinned or not rebased.isdisjoint(keys) or None in forms:
        return False
    return all(policy(t).command is None for t in tables)


def _positions(changes: list[dict[str, Any]]) -> dict[str, list[int]]:
    """Where each table's changes are in a page (pull_ahead.prepare makes the same ahead)."""
    out: dict[str, list[int]] = {}
    for i, change in enumerate(changes):
        out.setdefault(str(change["table"]), []).append(i)
    return out


class _PlainInserts:
    """New rows that need nothing but inserting, written one executemany per table (and per
    set of columns) instead of one statement each; foreign keys are checked at commit."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.rows: dict[tuple[str, frozenset[str]], list[dict[str, Any]]] = {}

    def add(self, tbl: Table, row: dict[str, Any]) -> None:
        self.rows.setdefault((tbl.name, frozenset(row)), []).append(row)

    def flush(self) -> None:
        for (table, _columns), rows in self.rows.items():
            self.connection.execute(insert(codec.table(table)), rows)
            if table == "enterprise" and self.connection.dialect.name == "sqlite":
                search_index.update(self.connection, [_index_doc(r) for r in rows], fresh=True)
        self.rows = {}


def _twinned(
    connection: Connection, changes: list[dict[str, Any]], keys: list[str],
    tables: dict[str, list[int]], made: pull_ahead.Prepared,
) -> set[str]:  # fmt: skip
    """Live pulled rows whose natural key another live row here holds (or another row of the same
    batch): these go one by one, so that the twin is set aside in order.  Ids as ``keys``
    (SQLite's hex); ``tables``: where each table's changes are (``_positions``); ``made``:
    a stored page's values (the key's fields read of them, not the whole wire row)."""
    keyed: dict[str, dict[Any, list[str]]] = {}
    for table, at in tables.items():
        key = policy(table).natural_key
        if not key:
            continue
        wanted = (*key, "deleted_at")
        for i in at:
            row = pull_stored.fields(changes[i], made, i, wanted)
            if row.get("deleted_at") is None:
                value = tuple(row.get(k) for k in key)
                keyed.setdefault(table, {}).setdefault(value, []).append(keys[i])
    out: set[str] = set()
    for table, values in keyed.items():
        tbl = codec.table(table)
        key = policy(table).natural_key
        for ids in values.values():
            if len(ids) > 1:
                out.update(ids)
        singles = [v for v, ids in values.items() if len(ids) == 1]
        for start in range(0, len(singles), 500):
            chunk = singles[start : start + 500]
            if len(key) == 1:
                where = tbl.c[key[0]].in_([v[0] for v in chunk])
            else:
                where = tuple_(*(tbl.c[k] for k in key)).in_(chunk)
            # live rows only, as _set_aside_twins sets aside (and the live key's partial
            # unique index answers: without it, a scan of the table per 500 keys)
            live = tbl.c.deleted_at.is_(None)
            for found in connection.execute(
                select(tbl.c.id, *(tbl.c[k] for k in key)).where(where, live)
            ):
                stored = zip(key, found[1:], strict=True)
                twin = values.get(tuple(codec.encode(tbl.c[k], v) for k, v in stored))
                if twin is not None and twin[0] != found[0].hex:
                    out.add(twin[0])
    return out


_hex = pull_bulk.hex_id


def _present(connection: Connection, wanted: dict[str, list[str]]) -> set[tuple[str, str]]:
    """Which of the pulled rows (hex ids by table) this database has already (as (table, hex
    id)), one query per table and sets.CHUNK ids."""
    if connection.dialect.name != "sqlite":
        by_uuid = {t: [uuid.UUID(hex=k) for k in ks] for t, ks in wanted.items()}
        return {(t, i.hex) for t, i in sets.present(connection, by_uuid)}
    found: set[tuple[str, str]] = set()
    for table, ids in wanted.items():
        codec.table(table)  # a known table (its name goes into the statement)
        for start in range(0, len(ids), sets.CHUNK):
            chunk = ids[start : start + sets.CHUNK]
            marks = ", ".join("?" for _ in chunk)
            query = f'SELECT id FROM "{table}" WHERE id IN ({marks})'
            found.update((table, i) for (i,) in connection.exec_driver_sql(query, tuple(chunk)))
    return found


def _stored(
    connection: Connection, present: set[tuple[str, str]]
) -> dict[tuple[str, str], dict[str, Any]]:
    """The rows here that a pulled batch names, a statement per table (and sets.CHUNK ids)."""
    wanted: dict[str, list[uuid.UUID]] = {}
    for table, key in present:
        wanted.setdefault(table, []).append(uuid.UUID(hex=key))
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for table, ids in wanted.items():
        tbl = codec.table(table)
        for start in range(0, len(ids), sets.CHUNK):
            query = select(tbl).where(among(connection, tbl.c.id, ids[start : start + sets.CHUNK]))
            for r in connection.execute(query).mappings():
                found[(table, r["id"].hex)] = dict(r)
    return found


def _rebase(session: Session, tbl: Table, row: dict[str, Any]) -> None:
    """Changes still waiting for the server, laid over the server's row."""
    waiting_ops = session.scalars(
        select(SyncOutbox)
        .where(
            SyncOutbox.row_id == row["id"],
            SyncOutbox.status == "pending",
            SyncOutbox.kind != "insert",
        )  # fmt: skip
        .order_by(SyncOutbox.position)
    )
    for op in waiting_ops:
        for key, pair in op.payload.get("changes", {}).items():
            if key in tbl.c:
                row[key] = codec.decode(tbl.c[key], pair[1])


def _set_aside_twins(
    connection: Connection, tbl: Table, key: tuple[str, ...], row: dict[str, Any], now: datetime
) -> None:
    # live twins only: the key's unique index is of live rows, and answers this (with "live"
    # left out, the look-up for the search index below read the whole table)
    match = [tbl.c[k] == row.get(k) for k in key]
    match += [tbl.c.deleted_at.is_(None), tbl.c.id != row["id"]]
    indexed = tbl.name == "enterprise" and connection.dialect.name == "sqlite"
    twins = connection.execute(select(tbl).where(*match)).mappings().all() if indexed else []
    connection.execute(update(tbl).where(*match).values(deleted_at=now))
    if twins:  # their search entries no longer live
        search_index.update(connection, [_index_doc({**t, "deleted_at": now}) for t in twins])


def _make_room(connection: Connection, tbl: Table, parent_key: str, row: dict[str, Any]) -> None:
    """A local step waiting at the place the server gave another step moves to the end."""
    if "seq" not in tbl.c:  # a family without numbered places (the list's dated events)
        return
    clash = connection.execute(
        select(tbl.c.id).where(
            tbl.c[parent_key] == row[parent_key], tbl.c.seq == row["seq"], tbl.c.id != row["id"]
        )
    ).first()
    if clash is None:
        return
    top = connection.execute(
        select(func.max(tbl.c.seq)).where(tbl.c[parent_key] == row[parent_key])
    ).scalar()
    connection.execute(update(tbl).where(tbl.c.id == clash[0]).values(seq=int(top or 0) + 1))


def _project(connection: Connection, parents: set[tuple[str, uuid.UUID]]) -> None:
    for name, parent_id in parents:
        family = FAMILIES[name]
        values = family.project(connection, parent_id)
        if values:
            tbl = codec.table(family.parent_table)
            connection.execute(update(tbl).where(tbl.c.id == parent_id).values(values))
    # The appeal log's derived clocks follow the timelines, in this same transaction.
    appeals = sorted(parent_id for name, parent_id in parents if name == "appeal")
    if appeals:
        from compliance_desk.services import appeal_clocks

        appeal_clocks.refresh(connection, appeals)


def _index_doc(row: dict[str, Any]) -> search_index.IndexDoc:
    return search_index.IndexDoc(
        id=row["id"],
        name=row["name"],
        pinyin=row["name_pinyin"],
        initials=row["name_initials"],
        phone=row.get("contact_phone") or "",
        live=row.get("deleted_at") is None,
    )
