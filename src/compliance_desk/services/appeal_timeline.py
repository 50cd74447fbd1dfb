"""An appeal's timeline, read back into the domain's state machine.

Shared by the front desk (acting, reading) and the log's derived clocks, which read the
events as plain rows inside a flush: anything with the event's columns as attributes will do.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol

from compliance_desk.domain.appeal_workflow import Action, AppealStatus, Step, apply
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.roles import Role

log = logging.getLogger("compliance_desk.appeals")


class EventLike(Protocol):
    """The columns of ``appeal_event`` that make a step (an ORM object or a Core row)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def appeal_id(self) -> uuid.UUID: ...
    @property
    def seq(self) -> int: ...
    @property
    def action(self) -> str: ...
    @property
    def on(self) -> date: ...
    @property
    def at(self) -> datetime: ...
    @property
    def role(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def department_ids(self) -> list[str]: ...
    @property
    def forward_id(self) -> str: ...
    @property
    def new_tier(self) -> str | None: ...
    @property
    def rating(self) -> int | None: ...
    @property
    def meeting_date(self) -> date | None: ...
    @property
    def participants(self) -> str: ...


def step_of(e: EventLike) -> Step:
    return Step(
        Action(e.action),
        e.on,
        e.text or "",
        department_ids=tuple(e.department_ids or ()),
        forward_id=e.forward_id or "",
        new_tier=AppealTier(e.new_tier) if e.new_tier else None,
        rating=e.rating,
        meeting_date=e.meeting_date,
        participants=e.participants or "",
        event_id=str(e.id),
    )


def replay_events(events: Sequence[EventLike], strict: bool) -> AppealStatus:
    """The status a timeline adds up to.  Reading (strict=False) shows what replays and logs
    the rest, so one bad timeline never makes the log unreadable; acting refuses instead."""
    status: AppealStatus | None = None
    for event in events:
        try:
            status = apply(status, step_of(event), Role(event.role))
        except DomainError as exc:
            if strict:
                raise DomainError(
                    "该诉求的办理记录无法核对，请联系管理员处理后再继续",
                    f"appeal {event.appeal_id} timeline fails at seq {event.seq}: {exc.message_en}",
                ) from exc
            log.warning(
                "appeal %s timeline fails at seq %s: %s", event.appeal_id, event.seq, exc.message_en
            )
            break
    if status is None:
        raise DomainError("诉求没有受理记录", "appeal has no accept event")
    return status
