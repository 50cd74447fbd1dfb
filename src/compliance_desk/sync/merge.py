"""The server's merge of one pushed operation into the source of truth (SYNC.md rules 1, 3, 4).

- Plain records merge field by field against the value the edit was based on (the old value
  the device recorded with its base row version): a field the server still holds at that
  base value takes the device's value; a field already equal to it is done; a field changed
  on both sides keeps the server's value and becomes a conflict with both values.
- A tombstoned row does not take updates (update-versus-delete); a delete of a row changed
  since the version it was based on does not happen (delete-versus-update).  Both are
  conflicts; nothing is overwritten silently.
- Append-only rows are a union: inserted if absent.  Timeline rows are commands, judged by
  ``sync.commands`` first.
- A natural key already taken by another live row (the same credit code registered offline on
  two laptops) keeps the incoming row as a tombstone and opens a merge task (``duplicate``):
  nothing is lost, nothing is duplicated, no error.

Every write here is a Core statement on the pushing transaction's connection; the rows'
changes are reported back so the caller logs them under server sequence numbers.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from compliance_desk.domain.ids import new_id
from compliance_desk.persistence.sync_models import CONFLICT_OPEN, SyncConflict
from compliance_desk.sync import codec, sets
from compliance_desk.sync.commands import FAMILIES
from compliance_desk.sync.policy import TablePolicy, policy

KINDS = ("insert", "update", "delete", "restore")


class BadOperation(ValueError):
    """The operation is malformed; it is rejected, never half-applied."""


@dataclass
class Outcome:
    status: str  # applied | conflict | rejected
    reason_zh: str = ""
    reason_en: str = ""
    conflict: dict[str, Any] | None = None
    # rows whose latest state every replica must (re)receive: (table, id)
    touched: list[tuple[str, uuid.UUID]] = field(default_factory=list)

    def as_result(self, op_id: uuid.UUID) -> dict[str, Any]:
        return {
            "op_id": str(op_id),
            "status": self.status,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
            "conflict": self.conflict,
        }


@dataclass(frozen=True)
class Op:
    id: uuid.UUID
    table: str
    row_id: uuid.UUID
    kind: str
    base_version: int | None
    payload: dict[str, Any]
    user_id: uuid.UUID | None
    device_id: uuid.UUID
    at: datetime


def parse(raw: dict[str, Any], device_id: uuid.UUID) -> Op:
    """The wire form (sync.protocol) checked and typed; BadOperation says what is wrong."""
    try:
        table = str(raw["table"])
        kind = str(raw["kind"])
        at = datetime.fromisoformat(str(raw["at"]))
        op = Op(
            id=uuid.UUID(str(raw["id"])),
            table=table,
            row_id=uuid.UUID(str(raw["row_id"])),
            kind=kind,
            base_version=None if raw.get("base_version") is None else int(raw["base_version"]),
            payload=dict(raw["payload"]),
            user_id=uuid.UUID(str(raw["user_id"])) if raw.get("user_id") else None,
            device_id=device_id,
            at=at if at.tzinfo else at.replace(tzinfo=UTC),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise BadOperation(f"malformed operation: {exc}") from exc
    if not policy(table).synced:
        raise BadOperation(f"table {table!r} is not synced")
    if kind not in KINDS:
        raise BadOperation(f"unknown kind {kind!r}")
    key = "row" if kind == "insert" else "changes"
    if not isinstance(op.payload.get(key), dict):
        raise BadOperation(f"{kind} without {key}")
    return op


def apply_op(connection: Connection, op: Op, now: datetime) -> Outcome:
    pol = policy(op.table)
    tbl = codec.table(op.table)
    lock = connection.dialect.name == "postgresql"
    if op.kind == "insert":
        return _insert(connection, op, tbl, pol, now, lock)
    return _update(connection, op, tbl, pol, now, lock)


def _insert(
    connection: Connection, op: Op, tbl: Table, pol: TablePolicy, now: datetime, lock: bool
) -> Outcome:
    row = codec.decode_row(tbl, op.payload["row"])
    if row.get("id") != op.row_id:
        raise BadOperation("insert whose row id differs from the operation's")
    if connection.execute(select(tbl.c.id).where(tbl.c.id == op.row_id)).first() is not None:
        # Created here already (a seeded row, or the same row through another path): the union
        # holds it; the server's copy stands.
        return Outcome("applied", touched=[(op.table, op.row_id)])
    touched: list[tuple[str, uuid.UUID]] = []
    projection: dict[str, Any] = {}
    parent: tuple[str, uuid.UUID] | None = None
    if pol.command is not None:
        context = op.payload.get("context")
        verdict = FAMILIES[pol.command].check(
            connection, row, context if isinstance(context, dict) else {}, lock
        )
        if verdict.parent is not None:
            touched.append(verdict.parent)
        if verdict.status != "applied":
            conflict = None
            if verdict.status == "conflict":
                conflict = _conflict(connection, op, "concurrent_step", {}, None, now,
                                     verdict.reason_zh, verdict.reason_en)  # fmt: skip
            return Outcome(verdict.status, verdict.reason_zh, verdict.reason_en, conflict, touched)
        row = verdict.row
        projection, parent = verdict.projection, verdict.parent
    if "row_version" in tbl.c:
        row["row_version"] = 1
    outcome = Outcome("applied")
    twin = _natural_key_twin(connection, tbl, pol, row, op.row_id)
    if twin is not None:
        row["deleted_at"] = now
        zh = "该企业（同一统一社会信用代码）已由其他设备登记，两条记录待管理员合并；本机新建的记录已暂时停用"
        en = f"{op.table} {op.row_id} duplicates {twin} on {pol.natural_key}: kept as tombstone"
        fields = {k: {"server": codec.encode(tbl.c[k], row[k])} for k in pol.natural_key}
        outcome = Outcome(
            "conflict", zh, en, _conflict(connection, op, "duplicate", fields, twin, now, zh, en)
        )
    connection.execute(insert(tbl).values(row))
    outcome.touched = [(op.table, op.row_id), *touched]
    if parent is not None and projection:
        _set_projection(connection, parent, projection)
    return outcome


def _natural_key_twin(
    connection: Connection, tbl: Table, pol: TablePolicy, row: dict[str, Any], row_id: uuid.UUID
) -> uuid.UUID | None:
    if not pol.natural_key or row.get("deleted_at") is not None:
        return None
    return sets.natural_key_twins(connection, tbl, pol.natural_key, [(row_id, row)]).get(row_id)


def _set_projection(
    connection: Connection, parent: tuple[str, uuid.UUID], values: dict[str, Any]
) -> None:
    tbl = codec.table(parent[0])
    connection.execute(
        update(tbl).where(tbl.c.id == parent[1]).values(row_version=tbl.c.row_version + 1, **values)
    )
    if parent[0] == "appeal":  # desks on the shared database read the log's derived clocks
        from compliance_desk.services import appeal_clocks

        appeal_clocks.refresh(connection, [parent[1]])


def _update(
    connection: Connection, op: Op, tbl: Table, pol: TablePolicy, now: datetime, lock: bool
) -> Outcome:
    if "deleted_at" not in tbl.c:  # an audit entry: only ever added
        return Outcome("rejected", "此类记录只能新增，不能修改或删除，服务器未采用",
                       f"{op.table} rows are append-only: {op.kind} refused")  # fmt: skip
    query = select(tbl).where(tbl.c.id == op.row_id)
    if lock:
        query = query.with_for_update()
    current = connection.execute(query).mappings().first()
    if current is None:
        return Outcome(
            "rejected", "服务器上找不到要修改的记录", f"{op.table} {op.row_id} not on the server"
        )
    changes = _pairs(op, tbl, pol)
    deleted_here = current["deleted_at"] is not None
    touched = [(op.table, op.row_id)]
    if deleted_here and op.kind == "update":
        fields = {
            k: {"base": old, "server": codec.encode(tbl.c[k], current[k]), "device": new}
            for k, (old, new) in changes.items()
        }
        zh = "该记录已在其他设备上删除，本机的修改未生效"
        en = f"update of deleted {op.table} {op.row_id}"
        conflict = _conflict(connection, op, "update_vs_delete", fields, None, now, zh, en)
        return Outcome("conflict", zh, en, conflict, touched)
    if op.kind == "delete" and deleted_here:
        return Outcome("applied", touched=touched)
    version = current.get("row_version")
    if op.kind == "delete" and version is not None and version != op.base_version:
        zh = "该记录在其他设备上已被修改，本机的删除未生效，请核对后再决定是否删除"
        en = f"delete of {op.table} {op.row_id} based on v{op.base_version}, server has v{version}"
        conflict = _conflict(connection, op, "delete_vs_update", {}, None, now, zh, en)
        return Outcome("conflict", zh, en, conflict, touched)
    take, clashes = _three_way(tbl, current, changes)
    values = codec.decode_row(tbl, take)
    twin = None  # a twin matters only to a change of the natural key (one look-up saved a row)
    if any(k in values for k in pol.natural_key):
        twin = _natural_key_twin(connection, tbl, pol, {**current, **values}, op.row_id)
    duplicate = twin is not None
    if duplicate:
        for k in pol.natural_key:
            if k in values:
                clashes[k] = {"base": changes[k][0], "server": codec.encode(tbl.c[k], current[k]),
                              "device": changes[k][1]}  # fmt: skip
                values.pop(k)
    _stamp(tbl, op, values)
    if "row_version" in tbl.c:
        values["row_version"] = tbl.c.row_version + 1
    if values:
        connection.execute(update(tbl).where(tbl.c.id == op.row_id).values(values))
        if op.table == "enterprise" and ("name" in values or "name_pinyin" in values):
            from compliance_desk.services import appeal_clocks  # the log's order and text

            renamed = connection.execute(select(tbl.c.name_pinyin).where(tbl.c.id == op.row_id))
            appeal_clocks.enterprise_renamed(connection, op.row_id, renamed.scalar() or "")
        if op.table == "appeal" and "enterprise_id" in values:  # moved by a duplicate merge
            from compliance_desk.services import appeal_clocks

            appeal_clocks.refresh(connection, [op.row_id])
    if not clashes:
        return Outcome("applied", touched=touched)
    if duplicate:
        zh = "修改后的统一社会信用代码与另一条企业记录相同，该项修改未生效，待管理员合并"
        kind = "duplicate"
    else:
        names = "、".join(clashes)
        zh = f"同一字段（{names}）在其他设备上也被修改，已保留服务器上的值，请核对后选择"
        kind = "field"
    en = f"{op.table} {op.row_id}: both sides changed {sorted(clashes)}"
    conflict = _conflict(connection, op, kind, clashes, twin if duplicate else None, now, zh, en)
    return Outcome("conflict", zh, en, conflict, touched)


def _pairs(op: Op, tbl: Table, pol: TablePolicy) -> dict[str, list[Any]]:
    """An update's changes, field -> [old, new], but for stamps and projections (the server's
    and the commands' to set); BadOperation for a change that is not a pair."""
    changes: dict[str, list[Any]] = {}
    for key, pair in op.payload["changes"].items():
        if key not in tbl.c or key in codec.STAMPS or key in pol.derived:
            continue  # projections come from commands; stamps are the server's to set
        if not isinstance(pair, list) or len(pair) != 2:
            raise BadOperation(f"change of {key} is not [old, new]")
        if key == "id":
            if pair[0] != pair[1]:  # the change log and every replica know a row by its id
                raise BadOperation("change of a row's id")
            continue
        changes[key] = pair
    return changes


def _three_way(
    tbl: Table, current: Mapping[Any, Any], changes: dict[str, list[Any]]
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """The field-level merge: the new values to take (the server still holds the old one) and
    the clashes (the server holds a third value)."""
    take: dict[str, Any] = {}
    clashes: dict[str, dict[str, Any]] = {}
    for key, (old, new) in changes.items():
        here = codec.encode(tbl.c[key], current[key])
        if here == new:
            continue
        if here == old:
            take[key] = new
        else:
            clashes[key] = {"base": old, "server": here, "device": new}
    return take, clashes


def _stamp(tbl: Table, op: Op, values: dict[str, Any]) -> None:
    """Who changed the row, when, from where (only when a value changes)."""
    if values and "updated_at" in tbl.c:
        values.update(updated_at=op.at, updated_by=op.user_id, device_id=op.device_id)


def plain_update(op: Op, current: Mapping[Any, Any]) -> dict[str, Any] | None:
    """What ``apply_op`` would write for update ``op`` of the row ``current`` (read under lock)
    when the merge has nothing to say: the field values, stamped (the row version is the
    caller's to add), for a server's bulk run (server/bulk_updates.py).  None when it has
    something to say or to do besides: a row deleted here, a clash, a natural key changed (a
    twin to look for), an enterprise renamed (the appeal log's text).  Raises BadOperation or
    ValueError as ``apply_op`` does."""
    tbl = codec.table(op.table)
    pol = policy(op.table)
    if op.kind != "update" or "deleted_at" not in tbl.c or current["deleted_at"] is not None:
        return None
    take, clashes = _three_way(tbl, current, _pairs(op, tbl, pol))
    values = codec.decode_row(tbl, take)
    if clashes or any(k in values for k in pol.natural_key):
        return None
    if op.table == "enterprise" and ("name" in values or "name_pinyin" in values):
        return None
    if op.table == "appeal" and "enterprise_id" in values:
        return None
    _stamp(tbl, op, values)
    return values


def _conflict(
    connection: Connection,
    op: Op,
    kind: str,
    fields: dict[str, Any],
    other: uuid.UUID | None,
    now: datetime,
    zh: str,
    en: str,
) -> dict[str, Any]:
    """Keep the conflict for the people who must resolve it; returned to the device as well."""
    row = {
        "id": new_id(),
        "kind": kind,
        "table_name": op.table,
        "row_id": op.row_id,
        "other_row_id": other,
        "op_id": op.id,
        "device_id": op.device_id,
        "user_id": op.user_id,
        "at": op.at,
        "detected_at": now,
        "fields": fields,
        "reason_zh": zh,
        "reason_en": en,
        "status": CONFLICT_OPEN,
    }
    connection.execute(insert(SyncConflict), [row])
    tbl: Table = SyncConflict.__table__  # type: ignore[assignment]
    return codec.encode_row(tbl, row)
