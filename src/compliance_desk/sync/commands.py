"""Workflow steps travel as commands (SYNC.md rule 3): a timeline row IS its command.

The server does not take an appeal's new state from the device: it replays the appeal's
timeline as the server holds it, then asks the domain's state machine (the same code the desk
runs) whether the incoming step is legal there.  Illegal: rejected with the domain's reason.
Legal, but the device appended it after a different last step than the server's (two desks
acted at once): a conflict for the user to look at, unless the step is a mere annotation (a
note, a chamber relay) that commutes with anything.  Accepted steps take the server's next
place in the timeline, and the appeal's projected state and tier are recomputed from it.

A new workflow joins sync by adding a ``CommandFamily`` here and naming it in the table's
policy (sync/policy.py); no other sync code changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Connection, Table, select

from compliance_desk.domain.appeal_workflow import ANNOTATIONS, Action, AppealStatus, Step, apply
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.roles import Role
from compliance_desk.persistence.models import Appeal, AppealEvent


@dataclass(frozen=True)
class Verdict:
    status: str  # applied | conflict | rejected
    reason_zh: str = ""
    reason_en: str = ""
    row: dict[str, Any] = field(default_factory=dict)  # the row to store (renumbered)
    parent: tuple[str, uuid.UUID] | None = None  # the row whose projection changes
    projection: dict[str, Any] = field(default_factory=dict)


class CommandFamily(Protocol):
    parent_table: str  # the row a timeline belongs to, e.g. appeal
    parent_key: str  # the timeline's column naming it, e.g. appeal_id
    action_key: str  # the timeline's column naming the step, e.g. action
    # Whether a parent row pulled from the server has its projection counted again from the
    # timeline here (a step still waiting here changes it); False: the server's stands.
    reproject_on_parent: bool

    def label(self, action: str) -> str:
        """The step's name for people (the conflicts view)."""
        ...

    def context(self, connection: Connection, row: dict[str, Any]) -> dict[str, Any]:
        """What the device knew when it made the step (sent with the operation)."""
        ...

    def check(
        self, connection: Connection, row: dict[str, Any], context: dict[str, Any], lock: bool
    ) -> Verdict:
        """The server's judgement of a timeline row it does not hold yet."""
        ...

    def project(self, connection: Connection, parent_id: uuid.UUID) -> dict[str, Any]:
        """The parent's projected columns from the timeline as this database holds it."""
        ...


def _step(row: Mapping[str, Any]) -> Step:
    return Step(
        Action(row["action"]),
        row["on"],
        row.get("text") or "",
        department_ids=tuple(row.get("department_ids") or ()),
        forward_id=row.get("forward_id") or "",
        new_tier=AppealTier(row["new_tier"]) if row.get("new_tier") else None,
        rating=row.get("rating"),
        meeting_date=row.get("meeting_date"),
        participants=row.get("participants") or "",
        event_id=str(row["id"]),
    )


def parent_held(connection: Connection, parent: Table, parent_id: Any, lock: bool) -> bool:
    """Whether the timeline's parent row is here; ``lock``: held until the transaction ends,
    so one parent's steps are judged one at a time."""
    query = select(parent.c.id).where(parent.c.id == parent_id)
    if lock:
        query = query.with_for_update()
    return connection.execute(query).first() is not None


class AppealCommands:
    parent_table = "appeal"
    parent_key = "appeal_id"
    action_key = "action"
    reproject_on_parent = True
    events: Table = AppealEvent.__table__  # type: ignore[assignment]
    appeals: Table = Appeal.__table__  # type: ignore[assignment]

    def label(self, action: str) -> str:
        try:
            return Action(action).label
        except ValueError:
            return action

    def _timeline(self, connection: Connection, appeal_id: uuid.UUID) -> list[Mapping[str, Any]]:
        e = self.events
        query = select(e).where(e.c.appeal_id == appeal_id).order_by(e.c.seq)
        return [dict(r) for r in connection.execute(query).mappings()]

    def _replay(self, rows: list[Mapping[str, Any]]) -> AppealStatus | None:
        status: AppealStatus | None = None
        for r in rows:
            status = apply(status, _step(r), Role(r["role"]))
        return status

    def context(self, connection: Connection, row: dict[str, Any]) -> dict[str, Any]:
        """The last step made elsewhere that this device had when it made ``row``: anything
        the server holds after it, from another device, was not seen (a concurrent step)."""
        e = self.events
        last = connection.execute(
            select(e.c.id)
            .where(
                e.c.appeal_id == row["appeal_id"],
                e.c.id != row["id"],
                e.c.device_id.is_distinct_from(row.get("device_id")),
            )  # fmt: skip
            .order_by(e.c.seq.desc())
            .limit(1)
        ).scalar()
        return {"known_last": None if last is None else str(last)}

    def check(
        self, connection: Connection, row: dict[str, Any], context: dict[str, Any], lock: bool
    ) -> Verdict:
        appeal_id = row["appeal_id"]
        if not parent_held(connection, self.appeals, appeal_id, lock):
            return Verdict(
                "rejected", "找不到该诉求，本步骤未生效", f"appeal {appeal_id} not found"
            )
        timeline = self._timeline(connection, appeal_id)
        try:
            status = self._replay(timeline)
        except DomainError as exc:
            return Verdict(
                "rejected",
                "服务器上该诉求的办理记录无法核对，请联系管理员",
                f"server timeline of appeal {appeal_id} fails: {exc.message_en}",
            )
        action = Action(row["action"])
        try:
            new = apply(status, _step(row), Role(row["role"]), fresh=True)
        except DomainError as exc:
            return Verdict(
                "rejected",
                f"{action.label}未生效：{exc.message_zh}",
                f"appeal.{action.value} refused on the server: {exc.message_en}",
                parent=("appeal", appeal_id),
            )
        known = str(context.get("known_last") or "")
        ids = [str(r["id"]) for r in timeline]
        after = ids.index(known) + 1 if known in ids else (0 if not known else len(ids))
        unseen = [r for r in timeline[after:] if r["device_id"] != row.get("device_id")]
        if unseen and action not in ANNOTATIONS:
            done = "、".join(Action(r["action"]).label for r in unseen)
            return Verdict(
                "conflict",
                f"该诉求已在其他工作台办理（{done}），本机的“{action.label}”未生效，请核对后重新办理",
                f"appeal.{action.value} concurrent with {[r['action'] for r in unseen]}",
                parent=("appeal", appeal_id),
            )
        last_seq = int(timeline[-1]["seq"]) if timeline else 0
        stored = dict(row, seq=last_seq + 1)
        return Verdict(
            "applied",
            row=stored,
            parent=("appeal", appeal_id),
            projection={"state": new.state.value, "tier": new.tier.value},
        )

    def project(self, connection: Connection, parent_id: uuid.UUID) -> dict[str, Any]:
        """What the local timeline adds up to; a timeline that fails to replay is reported
        by the appeal log itself and left as it is here."""
        status: AppealStatus | None = None
        for r in self._timeline(connection, parent_id):
            try:
                status = apply(status, _step(r), Role(r["role"]))
            except DomainError:
                break
        if status is None:
            return {}
        return {"state": status.state.value, "tier": status.tier.value}


def _families() -> dict[str, CommandFamily]:
    from compliance_desk.sync.list_commands import CompliantListCommands

    return {"appeal": AppealCommands(), "compliant_list": CompliantListCommands()}


FAMILIES: dict[str, CommandFamily] = _families()
