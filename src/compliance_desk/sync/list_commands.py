"""The compliant-enterprise list's events travel as commands (sync/commands.py's second family).

An enterprise's ``on_compliant_list`` is a projection of its list events (joined, flagged,
left: services/compliant_list.py), so it is derived in the enterprise's sync policy: no device
sends it as a field, and the server sets it from the events it holds.  Before, a desk's flag
travelled as a plain field: an older desktop's edit could put an enterprise on the register's
list with no event, and two devices' events pushed out of order left whichever flag came last.

Events are dated facts: concurrent ones commute (never a conflict); the projection is the
latest by date, then by when recorded, then by id (the order services/compliant_list.py reads).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, select

from compliance_desk.persistence.inspection_models import CompliantListEvent
from compliance_desk.persistence.models import Enterprise
from compliance_desk.services.compliant_list import EVENT_LABELS, LISTED

if TYPE_CHECKING:
    from compliance_desk.sync.commands import Verdict


STEPS = {"joined": "列入合规企业名单", "left": "移出合规企业名单", "flagged": "名单待复核"}


def _order(row: Mapping[str, Any]) -> tuple[Any, ...]:
    return (row["on"], row["created_at"], row["id"])


class CompliantListCommands:
    parent_table = "enterprise"
    parent_key = "enterprise_id"
    action_key = "event"
    # A pulled enterprise holds the server's projection already: not counted again per row.
    reproject_on_parent = False
    events: Table = CompliantListEvent.__table__  # type: ignore[assignment]
    enterprises: Table = Enterprise.__table__  # type: ignore[assignment]

    def label(self, action: str) -> str:
        return STEPS.get(action, action)

    def context(self, connection: Connection, row: dict[str, Any]) -> dict[str, Any]:
        return {}  # dated facts: nothing the device knew decides whether one applies

    def _latest(self, connection: Connection, enterprise_id: Any) -> Mapping[str, Any] | None:
        e = self.events
        found = (
            connection.execute(
                select(e.c.event, e.c.on, e.c.created_at, e.c.id)
                .where(e.c.enterprise_id == enterprise_id, e.c.deleted_at.is_(None))
                .order_by(e.c.on.desc(), e.c.created_at.desc(), e.c.id.desc())
                .limit(1)
            )
            .mappings()
            .first()
        )
        return None if found is None else dict(found)

    def check(
        self, connection: Connection, row: dict[str, Any], context: dict[str, Any], lock: bool
    ) -> Verdict:
        from compliance_desk.sync.commands import Verdict, parent_held  # (it imports this module)

        enterprise_id = row["enterprise_id"]
        if not parent_held(connection, self.enterprises, enterprise_id, lock):
            return Verdict(
                "rejected", "找不到该企业，名单记录未生效", f"enterprise {enterprise_id} not found"
            )
        event = row.get("event")
        if event not in EVENT_LABELS:
            return Verdict(
                "rejected",
                f"名单记录的类型“{event}”无法识别，未生效",
                f"compliant list event {event!r} unknown",
                parent=("enterprise", enterprise_id),
            )
        latest = self._latest(connection, enterprise_id)
        if row.get("deleted_at") is None and (latest is None or _order(row) > _order(latest)):
            latest = row
        projection = {} if latest is None else {"on_compliant_list": latest["event"] in LISTED}
        return Verdict(
            "applied", row=row, parent=("enterprise", enterprise_id), projection=projection
        )

    def project(self, connection: Connection, parent_id: uuid.UUID) -> dict[str, Any]:
        """The flag as this database's events give it (none: the flag is left as it is)."""
        latest = self._latest(connection, parent_id)
        return {} if latest is None else {"on_compliant_list": latest["event"] in LISTED}
