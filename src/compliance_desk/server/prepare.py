"""Everything a day's inspections need on a laptop, in one answer (``sync prepare --date D``).

The day's inspections in the device's scope, the inspectors on their teams (to sign in
offline), their enterprises and each enterprise's history
(visits, appeals with their timelines, earlier inspections with their items and
rectifications, compliant-list entries, letters with their numbers, attachments' records),
and every row those rows point at (checklists and their items, draws, centres, industries,
departments ...), found by following the foreign keys so that the laptop's database accepts
them whatever it already holds.  Rows come as a pull sends them, parents first; the laptop
applies them without moving its pull cursor (a later pull sends anything newer again).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, Table, select

from compliance_desk.persistence.models import Base
from compliance_desk.sync import codec, scope
from compliance_desk.sync.policy import policy

CHUNK = 500
_ORDER = {t.name: n for n, t in enumerate(Base.metadata.sorted_tables)}
# (table, column naming the enterprise) of an enterprise's history
HISTORY = (
    ("visit", "enterprise_id"),
    ("appeal", "enterprise_id"),
    ("inspection", "enterprise_id"),
    ("rectification", "enterprise_id"),
    ("compliant_list_event", "enterprise_id"),
    ("letter", "enterprise_id"),
)
# (table, column, parent table) of rows that hang from a history row
CHILDREN = (
    ("appeal_event", "appeal_id", "appeal"),
    ("inspection_item", "inspection_id", "inspection"),
    ("document_number", "letter_id", "letter"),
)


def _rows(
    connection: Connection, tbl: Table, column: str, values: list[Any]
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for start in range(0, len(values), CHUNK):
        query = select(tbl).where(tbl.c[column].in_(values[start : start + CHUNK]))
        out.extend(dict(r) for r in connection.execute(query).mappings())
    return out


def day(connection: Connection, on: date, centre_id: uuid.UUID | None) -> dict[str, Any]:
    inspection = codec.table("inspection")
    todays = [
        dict(r)
        for r in connection.execute(
            select(inspection).where(
                inspection.c.planned_on == on, inspection.c.deleted_at.is_(None)
            )
        ).mappings()
    ]
    if centre_id is not None:
        owners = scope.centres(connection, "inspection", [r["id"] for r in todays])
        todays = [r for r in todays if owners.get(r["id"]) in (None, centre_id)]
    found: dict[str, dict[uuid.UUID, dict[str, Any]]] = defaultdict(dict)
    enterprise_ids = sorted({r["enterprise_id"] for r in todays})
    for r in _rows(connection, codec.table("enterprise"), "id", enterprise_ids):
        found["enterprise"][r["id"]] = r
    for table, column in HISTORY:
        for r in _rows(connection, codec.table(table), column, enterprise_ids):
            found[table][r["id"]] = r
    for table, column, parent in CHILDREN:
        for r in _rows(connection, codec.table(table), column, sorted(found[parent])):
            found[table][r["id"]] = r
    # The inspectors on the day's teams, so that they can sign in on the laptop offline.
    team = sorted({uuid.UUID(str(i)) for r in todays for i in (r.get("inspector_ids") or [])})
    for r in _rows(connection, codec.table("app_user"), "id", team):
        found["app_user"][r["id"]] = r
    owned = sorted(found["visit"]) + sorted(found["appeal"])
    for r in _rows(connection, codec.table("attachment"), "owner_id", owned):
        found["attachment"][r["id"]] = r
    _close_over_keys(connection, found)
    changes = [
        {
            "seq": 0,
            "table": table,
            "id": str(row_id),
            "row": codec.encode_row(codec.table(table), row),
        }
        for table in sorted(found, key=lambda t: _ORDER.get(t, 0))
        for row_id, row in found[table].items()
    ]
    return {"date": on.isoformat(), "inspections": len(todays),
            "enterprises": len(enterprise_ids), "changes": changes}  # fmt: skip


def _close_over_keys(
    connection: Connection, found: dict[str, dict[uuid.UUID, dict[str, Any]]]
) -> None:
    """Add every synced row a found row points at, until nothing is missing."""
    todo = list(found)
    while todo:
        table = todo.pop()
        tbl = codec.table(table)
        wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
        for fk in tbl.foreign_keys:
            target = fk.column.table.name
            if not policy(target).synced:
                continue
            for row in found[table].values():
                value = row.get(fk.parent.name)
                if value is not None and value not in found[target]:
                    wanted[target].add(value)
        for target, ids in wanted.items():
            rows = _rows(connection, codec.table(target), "id", sorted(ids))
            for r in rows:
                found[target][r["id"]] = r
            if rows:
                todo.append(target)
