"""Capture: every change to a synced table is recorded in the transaction that makes it (rule 2).

Why session events and not database triggers: the capture needs what only the application
knows (the table's sync policy, which fields are derived projections, the workflow command a
timeline row carries, the user and device), and triggers would have to be regenerated in two
SQL dialects by every later migration that adds a column.  Why not explicit calls in the unit
of work: a service that forgot the call would lose changes silently.  So the hooks sit on the
session factory every service uses (``persistence.uow.session_factory``):

- ORM writes (the unit of work): ``before_flush`` records the field diffs of changed rows with
  the row version they were based on (while the old values are still known); ``after_flush``
  records inserted rows with every column filled in, inserts before updates (a row changed to
  point at a new row must not reach the server first).
- Bulk statements (``session.execute(update(Model)...)`` / ``insert(Model)``): ``do_orm_execute``
  stamps them as the unit of work would (row version, who, when, device), writes their audit
  entries, and records one operation per affected row from the rows read before and after.
  A bulk DELETE of a synced table is refused, as hard deletes are.
- Core statements on a session's raw connection bypass all of this; nothing in the code base
  writes synced tables that way, and nothing may.

Where the record goes depends on the database.  On a replica (SQLite: a desk or a laptop) it is
an outbox row, pushed later.  On the primary (PostgreSQL, the one source of truth) there is
nothing to push: the change goes straight into the change log with a sequence number taken
from a single-row counter under its row lock at commit time, so that sequence order equals
commit order (rule 7).  This is also what the sync server's merge uses, so a desk connected to
PostgreSQL directly, the server's own writes and pushed operations share one change log.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import Connection, Table, event, func, insert, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker
from sqlalchemy.orm.base import NO_VALUE

from compliance_desk.domain.ids import new_id
from compliance_desk.persistence.models import AuditEntry, Base, Synced
from compliance_desk.persistence.sync_models import SyncCounter, SyncOutbox
from compliance_desk.sync import codec, scope
from compliance_desk.sync.commands import FAMILIES
from compliance_desk.sync.policy import TablePolicy, policy

# session.info keys
APPLYING = "sync_applying"  # rows written by the sync itself (pulled rows, merged pushes)
SEEDING = "sync_seeding"  # seeded rows: the same ids and values on every installation
_CHANGES = "sync_changes"  # primary: (table, row id, op id) waiting for sequence numbers
_UPDATES = "sync_pending_updates"  # replica: update operations found before the flush
# primary: what decides the centre of rows the server's bulk push inserted (scope.deciding),
# (table, id) -> values, usable while nothing else was noted in the transaction (_OTHER)
_ROWS = "sync_inserted_rows"
_OTHER = "sync_other_changes"

_TABLE_ORDER = {t.name: n for n, t in enumerate(Base.metadata.sorted_tables)}


@dataclass
class Operation:
    """One captured change, as stored in the outbox and sent to the server."""

    table: str
    row_id: uuid.UUID
    kind: str  # insert | update | delete | restore
    payload: dict[str, Any]
    base_version: int | None = None
    command: str | None = None
    user_id: uuid.UUID | None = None
    device_id: uuid.UUID | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    id: uuid.UUID = field(default_factory=new_id)


def is_primary(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def command_name(pol: TablePolicy, row: dict[str, Any]) -> str | None:
    """A timeline row's command, e.g. ``appeal.forward`` (rule 3)."""
    if pol.command is None:
        return None
    return f"{pol.command}.{row.get(FAMILIES[pol.command].action_key)}"


def install(factory: sessionmaker[Session]) -> None:
    event.listen(factory, "before_flush", _before_flush)
    event.listen(factory, "after_flush", _after_flush)
    event.listen(factory, "do_orm_execute", _on_execute)
    event.listen(factory, "before_commit", _before_commit)
    event.listen(factory, "after_soft_rollback", _forget)
    event.listen(factory, "after_commit", _forget_after_commit)


def _skip(session: Session) -> bool:
    if session.info.get(APPLYING):
        return True
    return bool(session.info.get(SEEDING)) and not is_primary(session)


def _who(session: Session) -> tuple[uuid.UUID | None, uuid.UUID | None, datetime]:
    actor = session.info.get("actor")
    clock = session.info.get("clock")
    now = clock() if clock is not None else datetime.now(UTC)
    return getattr(actor, "user_id", None), getattr(actor, "device_id", None), now


# --- ORM writes -------------------------------------------------------------------------
def _before_flush(session: Session, _ctx: Any, _instances: Any) -> None:
    if _skip(session):
        return
    user_id, device_id, now = _who(session)
    for obj in list(session.deleted):
        if policy(obj.__table__.name).synced:
            raise RuntimeError(
                f"hard delete of synced row {type(obj).__name__}: use a tombstone (append-only rows"
                " are never deleted)"
            )
    ops: list[Operation] = session.info.setdefault(_UPDATES, [])
    for obj in list(session.dirty):
        if not isinstance(obj, Base) or not session.is_modified(obj, include_collections=False):
            continue
        tbl: Table = obj.__table__  # type: ignore[assignment]
        pol = policy(tbl.name)
        if not pol.synced or obj in session.new:
            continue
        changes = _diff(session, obj, tbl, pol)
        if not changes:
            continue
        kind = _kind(changes)
        ops.append(
            Operation(
                tbl.name,
                obj.id,  # type: ignore[attr-defined]
                kind,
                {"changes": changes},
                base_version=obj.row_version if isinstance(obj, Synced) else None,
                user_id=user_id,
                device_id=device_id,
                at=now,
            )
        )


def _diff(session: Session, obj: Base, tbl: Table, pol: TablePolicy) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    unknown: list[str] = []
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in codec.STAMPS or key in pol.derived:
            continue
        history = state.attrs[key].history
        if not history.has_changes():
            continue
        column = tbl.c[key]
        new = codec.encode(column, history.added[0] if history.added else None)
        if history.deleted:
            old = codec.encode(column, history.deleted[0])
        elif state.committed_state.get(key, None) is NO_VALUE:
            unknown.append(key)  # set without being loaded: read the stored value below
            old = None
        else:
            old = None
        changes[key] = [old, new]
    if unknown:
        stored = session.execute(
            select(*(tbl.c[k] for k in unknown)).where(tbl.c.id == obj.id)  # type: ignore[attr-defined]
        ).one()
        for key, value in zip(unknown, stored, strict=True):
            changes[key][0] = codec.encode(tbl.c[key], value)
    return {k: v for k, v in changes.items() if v[0] != v[1]}


def _after_flush(session: Session, _ctx: Any) -> None:
    if _skip(session):
        return
    user_id, device_id, now = _who(session)
    inserts: list[Operation] = []
    new = [o for o in session.new if isinstance(o, Base)]
    new.sort(key=lambda o: _TABLE_ORDER.get(getattr(o, "__tablename__", ""), 0))
    for obj in new:
        tbl: Table = obj.__table__  # type: ignore[assignment]
        pol = policy(tbl.name)
        if not pol.synced:
            continue
        row = {c.name: getattr(obj, c.key) for c in tbl.columns}
        payload: dict[str, Any] = {"row": codec.encode_row(tbl, row)}
        if pol.command is not None:
            payload["context"] = FAMILIES[pol.command].context(session.connection(), row)
        inserts.append(
            Operation(
                tbl.name,
                row["id"],
                "insert",
                payload,
                command=command_name(pol, row),
                user_id=user_id,
                device_id=device_id,
                at=now,
            )
        )
    updates: list[Operation] = session.info.pop(_UPDATES, [])
    record(session, inserts + updates)


def record(session: Session, ops: list[Operation]) -> None:
    """Keep ``ops`` in this transaction: outbox rows on a replica, change log on the primary."""
    if not ops:
        return
    if is_primary(session):
        pending: list[tuple[str, Any, Any]] = session.info.setdefault(_CHANGES, [])
        pending.extend((op.table, op.row_id, None) for op in ops)
        session.info[_OTHER] = True
        return
    connection = session.connection()
    # The flush that produced these operations holds SQLite's write lock: no other writer can
    # take a position between this read and the insert.
    last = connection.execute(select(func.coalesce(func.max(SyncOutbox.position), 0))).scalar()
    connection.execute(
        insert(SyncOutbox),
        [
            {
                "id": op.id,
                "position": int(last or 0) + n,
                "table_name": op.table,
                "row_id": op.row_id,
                "kind": op.kind,
                "base_version": op.base_version,
                "command": op.command,
                "payload": op.payload,
                "user_id": op.user_id,
                "device_id": op.device_id,
                "at": op.at,
                "status": "pending",
                "attempts": 0,
                "last_error": "",
                "envelope": envelope(op),
            }
            for n, op in enumerate(ops, start=1)
        ],
    )


def envelope(op: Operation) -> str:
    """The operation's wire form (replica.wire) up to its payload: ``'{"id":..,"payload":'``.

    Written once here, in the transaction of the change, so that the push reads a page as
    plain text (sync/outbox_page.py) instead of SQLite writing every operation's JSON at each
    read (44 us an operation).  The payload comes last, so the stored payload text follows as
    it is; the server parses the object, so the key order changes nothing it sees."""
    head = orjson.dumps({
        "id": str(op.id), "table": op.table, "row_id": str(op.row_id), "kind": op.kind,
        "base_version": op.base_version, "command": op.command,
        "user_id": str(op.user_id) if op.user_id else None,
        "at": op.at.astimezone(UTC).isoformat(),
    })  # fmt: skip
    return head[:-1].decode() + ',"payload":'


def note_change(
    session: Session, table: str, row_id: uuid.UUID | str, op_id: uuid.UUID | str | None = None
) -> None:
    """The primary: ``row_id`` changed (or must be re-sent) in this transaction.  Ids may come
    as their canonical text (str(uuid)): the server's bulk push holds them so already."""
    session.info.setdefault(_CHANGES, []).append((table, row_id, op_id))
    session.info[_OTHER] = True


def note_changes(
    session: Session,
    changes: list[tuple[str, str, str | None]],
    inserted: dict[tuple[str, str], tuple[Any, ...]] | None = None,
) -> None:
    """Many ``note_change`` at once: (table, str(row id), str(op id) or None).  ``inserted``:
    the rows among them that were inserted just now, (table, id) -> their ``scope.deciding``
    values as text, so that their centres need no query when they are numbered; they hold
    only while every change of the transaction is noted so (a change noted otherwise may
    have moved a row to another centre, and then every centre is read by SQL)."""
    session.info.setdefault(_CHANGES, []).extend(changes)
    if inserted is None:
        session.info[_OTHER] = True
    else:
        session.info.setdefault(_ROWS, {}).update(inserted)


def _before_commit(session: Session) -> None:
    # Also fired when a savepoint is released: the numbers are handed out once, at the end of
    # the whole transaction (numbering at every savepoint cost the server's push two
    # statements per operation and took the counter's lock earlier than needed).
    if is_primary(session) and not session.in_nested_transaction():
        settle(session)


def settle(session: Session) -> None:
    """The primary: number this transaction's changes now (the counter stays locked until it
    ends).  Commit calls it; a caller may call it earlier to hold the order before commit."""
    session.flush()  # the last changes are captured before the sequence is handed out
    pending: list[tuple[str, Any, Any]] = session.info.pop(_CHANGES, [])
    inserted = session.info.pop(_ROWS, None)
    if session.info.pop(_OTHER, False):
        inserted = None
    unique = _unique(pending)
    if unique:
        assign_sequence(session, unique, inserted)


def _unique(pending: list[tuple[str, Any, Any]]) -> list[tuple[str, str, str | None]]:
    """Each row's first change (ids as text): a page's bulk run's, all text and each row once,
    are taken as they are."""
    if pending:
        _tables, rows, ops = zip(*pending, strict=True)
        if set(map(type, rows)) <= {str} and set(map(type, ops)) <= {str, type(None)}:
            if len(set(zip(_tables, rows, strict=True))) == len(pending):
                return pending
    seen: set[tuple[str, str]] = set()
    unique: list[tuple[str, str, str | None]] = []
    for table, row_id, op_id in pending:
        key = (table, row_id if type(row_id) is str else str(row_id))
        if key not in seen:
            seen.add(key)
            op = op_id if op_id is None or type(op_id) is str else str(op_id)
            unique.append((table, key[1], op))
    return unique


def assign_sequence(
    session: Session,
    changes: list[tuple[str, str, str | None]],
    inserted: dict[tuple[str, str], tuple[Any, ...]] | None = None,
) -> None:
    """Take ``len(changes)`` numbers from the counter and log the changes under them:
    (table, row id, op id or None), ids as canonical text.

    The UPDATE locks the counter row until this transaction ends, so a later transaction
    gets higher numbers only after this one has committed (or rolled back, returning them):
    a reader that sees number n has already been able to see every number below it.

    One INSERT .. SELECT from three arrays, numbered in their order, each entry stamped with
    its row's centre by PostgreSQL (sync/scope.py's ``centre_sql``, the same rules as
    ``scope.centres``), so that a centre's pull reads an index; no Python step per entry
    beyond joining the arrays' text.  Rows inserted by the server's bulk push (``inserted``:
    see ``note_changes``) have their centres found here instead (scope.centres_known: a
    subquery per entry cost PostgreSQL 15 us an entry), before the counter is locked.
    """
    connection = session.connection()
    with scope.by_primary_key(connection):  # its hops by index, no JIT
        _numbered(connection, changes, inserted)


def _numbered(
    connection: Connection,
    changes: list[tuple[str, str, str | None]],
    inserted: dict[tuple[str, str], tuple[Any, ...]] | None,
) -> None:
    """``assign_sequence``'s statements: the centres, the numbers, the entries."""
    known = None if inserted is None else scope.centres_known(connection, changes, inserted)
    top = connection.execute(
        update(SyncCounter)
        .where(SyncCounter.name == "change")
        .values(value=SyncCounter.value + len(changes))
        .returning(SyncCounter.value)
    ).scalar_one()
    first = int(top) - len(changes) + 1
    _log(connection, changes, first, known)


def _log(
    connection: Connection,
    changes: list[tuple[str, str, str | None]],
    first: int,
    known: list[str | None] | None,
) -> None:
    """The change log's entries from ``first`` on, each stamped with its centre: ``known``
    (scope.centres_known), or, None, found by PostgreSQL (scope.centre_sql per table)."""
    tables, rows, ops = zip(*changes, strict=True)
    arrays = {  # array literals: the driver's array adapter costs microseconds per element
        "t": "{" + ",".join(tables) + "}",
        "r": "{" + ",".join(rows) + "}",
        "o": "{" + ",".join([o or "NULL" for o in ops]) + "}",
    }
    if known is not None:
        arrays["c"] = "{" + ",".join([c or "NULL" for c in known]) + "}"
        centre, extra, named = "u.c", ", %(c)s::uuid[]", ", c"
    else:
        named_tables = sorted(set(tables))
        for t in named_tables:  # names go into the statement's text: table names only
            codec.table(t)
        branches = " ".join(f"WHEN '{t}' THEN {scope.centre_sql(t, 'u.r')}" for t in named_tables)
        centre, extra, named = f"CASE u.t {branches} END", "", ""
    connection.exec_driver_sql(
        "INSERT INTO sync_change (seq, table_name, row_id, op_id, centre_id) "
        f"SELECT %(first)s + u.n - 1, u.t, u.r, u.o, {centre} "
        f"FROM unnest(%(t)s::text[], %(r)s::uuid[], %(o)s::uuid[]{extra}) "
        f"WITH ORDINALITY AS u(t, r, o{named}, n)",
        {"first": first, **arrays},
    )


def _forget(session: Session, previous: Any) -> None:
    if getattr(previous, "parent", None) is None:  # the whole transaction, not a savepoint
        session.info.pop(_CHANGES, None)
        session.info.pop(_ROWS, None)
        session.info.pop(_OTHER, None)
    session.info.pop(_UPDATES, None)


def _forget_after_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a released savepoint: numbered at the end
        session.info.pop(_CHANGES, None)
        session.info.pop(_ROWS, None)
        session.info.pop(_OTHER, None)
    session.info.pop(_UPDATES, None)


# --- bulk statements -----------------------------------------------------------------------
def _on_execute(state: ORMExecuteState) -> Any:
    if not (state.is_update or state.is_delete or state.is_insert):
        return None
    session = state.session
    if session.info.get(APPLYING):
        return None
    tbl = getattr(state.statement, "table", None)
    if not isinstance(tbl, Table) or not policy(tbl.name).synced:
        return None
    if state.is_delete:
        raise RuntimeError(f"bulk DELETE on synced table {tbl.name}: use tombstones")
    user_id, device_id, now = _who(session)
    stamped = "row_version" in tbl.c
    if state.is_insert:
        return _bulk_insert(state, tbl, stamped, user_id, device_id, now)
    return _bulk_update(state, tbl, stamped, user_id, device_id, now)


def _bulk_insert(
    state: ORMExecuteState,
    tbl: Table,
    stamped: bool,
    user_id: uuid.UUID | None,
    device_id: uuid.UUID | None,
    now: datetime,
) -> Any:
    params: Any = state.parameters
    rows: list[dict[str, Any]] = [
        dict(p) for p in (params if isinstance(params, list) else [params or {}])
    ]
    for row in rows:
        row.setdefault("id", new_id())
        if stamped:
            row.update(row_version=1, updated_at=now, updated_by=user_id, device_id=device_id)
            row.setdefault("created_at", now)
            row.setdefault("created_by", user_id)
    result = state.invoke_statement(params=rows if isinstance(params, list) else rows[0])
    ids = [r["id"] for r in rows]
    _capture_rows(state.session, tbl, ids, None, user_id, device_id, now)
    return result


def _bulk_update(
    state: ORMExecuteState,
    tbl: Table,
    stamped: bool,
    user_id: uuid.UUID | None,
    device_id: uuid.UUID | None,
    now: datetime,
) -> Any:
    session = state.session
    where = state.statement.whereclause  # type: ignore[attr-defined]
    query = select(tbl)
    if where is not None:
        query = query.where(where)
    if is_primary(session):
        query = query.with_for_update()
    before = {r["id"]: dict(r) for r in session.connection().execute(query).mappings()}
    if not before:
        return state.invoke_statement()
    statement = state.statement.where(tbl.c.id.in_(list(before)))  # type: ignore[attr-defined]
    if stamped:
        statement = statement.values(
            row_version=tbl.c.row_version + 1,
            updated_at=now,
            updated_by=user_id,
            device_id=device_id,
        )
    result = state.invoke_statement(statement=statement)
    _capture_rows(session, tbl, list(before), before, user_id, device_id, now)
    return result


def _capture_rows(
    session: Session,
    tbl: Table,
    ids: list[Any],
    before: dict[Any, dict[str, Any]] | None,
    user_id: uuid.UUID | None,
    device_id: uuid.UUID | None,
    now: datetime,
) -> None:
    """Operations and audit entries for rows a bulk statement wrote, read back as stored."""
    pol = policy(tbl.name)
    connection = session.connection()
    after = {
        r["id"]: dict(r)
        for r in connection.execute(select(tbl).where(tbl.c.id.in_(ids))).mappings()
    }
    ops: list[Operation] = []
    audits: list[dict[str, Any]] = []
    for row_id in ids:
        new = after[row_id]
        if before is None:
            payload: dict[str, Any] = {"row": codec.encode_row(tbl, new)}
            if pol.command is not None:
                payload["context"] = FAMILIES[pol.command].context(connection, new)
            ops.append(
                Operation(
                    tbl.name,
                    row_id,
                    "insert",
                    payload,
                    command=command_name(pol, new),
                    user_id=user_id,
                    device_id=device_id,
                    at=now,
                )  # fmt: skip
            )
            audits.append(
                _audit(tbl, row_id, "insert", codec.encode_row(tbl, new), user_id, device_id, now)
            )
            continue
        old = before[row_id]
        changes = {
            c.name: [codec.encode(c, old[c.name]), codec.encode(c, new[c.name])]
            for c in tbl.columns
            if c.name not in codec.STAMPS and c.name not in pol.derived
            and codec.encode(c, old[c.name]) != codec.encode(c, new[c.name])
        }  # fmt: skip
        if not changes:
            continue
        kind = _kind(changes)
        ops.append(
            Operation(
                tbl.name,
                row_id,
                kind,
                {"changes": changes},
                base_version=old.get("row_version"),
                user_id=user_id,
                device_id=device_id,
                at=now,
            )  # fmt: skip
        )
        audits.append(_audit(tbl, row_id, kind, changes, user_id, device_id, now))
    if audits and tbl.name != AuditEntry.__tablename__:
        audit_table: Table = AuditEntry.__table__  # type: ignore[assignment]
        connection.execute(insert(audit_table), audits)
        for a in audits:
            ops.append(
                Operation(
                    audit_table.name,
                    a["id"],
                    "insert",
                    {"row": codec.encode_row(audit_table, a)},
                    user_id=user_id,
                    device_id=device_id,
                    at=now,
                )  # fmt: skip
            )
    record(session, ops)


def _audit(
    tbl: Table,
    row_id: Any,
    action: str,
    changes: dict[str, Any],
    user_id: uuid.UUID | None,
    device_id: uuid.UUID | None,
    now: datetime,
) -> dict[str, Any]:
    masked = {k: ("***" if k == "password_hash" else v) for k, v in changes.items()}
    return {
        "id": new_id(),
        "at": now,
        "user_id": user_id,
        "device_id": device_id,
        "table_name": tbl.name,
        "row_id": row_id,
        "action": action,
        "changes": masked,
    }


def _kind(changes: dict[str, Any]) -> str:
    """An update, or the tombstone set (delete) or cleared (restore)."""
    if "deleted_at" in changes:
        return "restore" if changes["deleted_at"][1] is None else "delete"
    return "update"
