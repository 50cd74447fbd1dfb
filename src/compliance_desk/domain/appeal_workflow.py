"""The appeal's workflow: one state machine for the UI, the services and the sync server.

The plan's route: enterprise -> chamber -> compliance centre -> department(s) -> chamber ->
enterprise.  Simple appeals are answered by the centre's staff; general ones go to the
departments (each forward with its own clock); major ones to the monthly compliance parlour
(合规会客厅); especially complex ones to the district leader in charge.  Every step is an
event in the appeal's timeline; the state and the clocks are derived from those events.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from compliance_desk.domain.deadlines import (
    FORWARD_PERIOD,
    AppealTier,
    Deadline,
    Pause,
    Unit,
    count_deadline,
    tier_deadline,
    working_days_between,
)
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.roles import Role
from compliance_desk.domain.work_calendar import WorkCalendar


class AppealState(StrEnum):
    ACCEPTED = "accepted"
    FORWARDED = "forwarded"
    IN_PARLOUR = "in_parlour"
    ESCALATED = "escalated"
    ANSWERED = "answered"
    REPLIED = "replied"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    AppealState.ACCEPTED: "已受理",
    AppealState.FORWARDED: "已转办",
    AppealState.IN_PARLOUR: "会客厅会商",
    AppealState.ESCALATED: "已报分管领导",
    AppealState.ANSWERED: "已答复",
    AppealState.REPLIED: "已反馈企业",
    AppealState.CLOSED: "已办结",
}


class Action(StrEnum):
    ACCEPT = "accept"
    FORWARD = "forward"
    DEPARTMENT_ANSWER = "department_answer"
    RELAY_CHAMBER = "relay_chamber"
    SCHEDULE_PARLOUR = "schedule_parlour"
    PARLOUR_OUTCOME = "parlour_outcome"
    ESCALATE = "escalate"
    ANSWER = "answer"
    REPLY = "reply"
    CLOSE = "close"
    REOPEN = "reopen"
    RAISE_TIER = "raise_tier"
    PAUSE = "pause"
    RESUME = "resume"
    NOTE = "note"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.ACCEPT: "受理",
    Action.FORWARD: "转办部门",
    Action.DEPARTMENT_ANSWER: "部门答复",
    Action.RELAY_CHAMBER: "经商会转达",
    Action.SCHEDULE_PARLOUR: "提交合规会客厅",
    Action.PARLOUR_OUTCOME: "会客厅会商结果",
    Action.ESCALATE: "报分管领导",
    Action.ANSWER: "答复",
    Action.REPLY: "反馈企业",
    Action.CLOSE: "办结",
    Action.REOPEN: "重新打开",
    Action.RAISE_TIER: "提升等级",
    Action.PAUSE: "暂停计时",
    Action.RESUME: "恢复计时",
    Action.NOTE: "备注",
}

ACTORS = frozenset({Role.CLERK, Role.LEGAL_ADVISER, Role.ADMINISTRATOR})
# Steps that change nothing but the record: concurrent ones commute (sync/commands.py), and
# they may be dated before the last step (a note written down afterwards).
ANNOTATIONS = frozenset({Action.NOTE, Action.RELAY_CHAMBER})
OPEN = frozenset(AppealState) - {AppealState.CLOSED}


@dataclass(frozen=True)
class Forward:
    id: str  # the id of the forward event
    department_id: str
    on: date
    answered_on: date | None = None


@dataclass(frozen=True)
class AppealStatus:
    """What the timeline adds up to: the state machine's state."""

    state: AppealState
    tier: AppealTier
    clock_start: date  # receipt, or the day of the last tier change or reopening
    clock_event: str  # 受理 / 升级 / 重新打开
    paused_since: date | None = None
    paused_reason: str = ""
    pauses: tuple[tuple[date, date, str], ...] = ()
    forwards: tuple[Forward, ...] = ()
    parlour_date: date | None = None
    # The day the result reached the enterprise (反馈企业): the plan's periods are for that
    # ("…形成结果反馈企业"), so the clock stops there; a reopening starts a new one.
    replied_on: date | None = None
    # The last step that moved the appeal (not a note or a relay): a step is never dated
    # before it, so the timeline reads in the order things happened.
    last_on: date | None = None
    last_action: str = ""

    @property
    def clock_running(self) -> bool:
        """Whether the clock still runs: not yet replied to the enterprise (nor closed)."""
        return self.replied_on is None and self.state is not AppealState.CLOSED

    @property
    def open_forwards(self) -> list[Forward]:
        return [f for f in self.forwards if f.answered_on is None]


@dataclass(frozen=True)
class Step:
    """A command: what the user asks the appeal to do."""

    action: Action
    on: date
    text: str = ""
    department_ids: tuple[str, ...] = ()
    forward_id: str = ""
    new_tier: AppealTier | None = None
    rating: int | None = None
    meeting_date: date | None = None
    participants: str = ""
    event_id: str = ""  # set by the caller: the id under which this step is recorded


def refuse(zh: str, en: str) -> DomainError:
    return DomainError(zh, en)


def allowed(status: AppealStatus, role: Role) -> list[Action]:
    """The actions the UI should enable for this role, in this state."""
    if role not in ACTORS:
        return []
    return [
        a
        for a in Action
        if a is not Action.ACCEPT
        and _why_not(status, a) is None
        and _after_reply(status, a) is None
    ]


def _after_reply(s: AppealStatus, action: Action) -> str | None:
    """A new step the reply ruled out: the clock stopped there (a pause, even backdated,
    would turn a late reply into one in time; a raised tier would start a new clock)."""
    if action in (Action.PAUSE, Action.RESUME, Action.RAISE_TIER) and s.replied_on is not None:
        return "已反馈企业，计时已结束；如需继续处理，请办结后重新打开"
    return None


def _fresh_refusal(s: AppealStatus, step: Step) -> str | None:
    """The rules for a step being taken now, not for the stored steps a timeline replays (a
    timeline recorded before them must still replay: its appeal would be stuck otherwise)."""
    action = step.action
    if (why := _after_reply(s, action)) is not None:
        return why
    ordered = action not in ANNOTATIONS and action is not Action.DEPARTMENT_ANSWER
    if ordered and s.last_on is not None and step.on < s.last_on:
        return f"操作日期不能早于上一步（{s.last_action}，{s.last_on.isoformat()}）"
    if (
        action is Action.SCHEDULE_PARLOUR
        and step.meeting_date
        and step.meeting_date < s.clock_start
    ):
        return "会商日期不能早于诉求的受理日期"
    if action is Action.PARLOUR_OUTCOME and s.parlour_date and step.on < s.parlour_date:
        return f"会商结果的日期不能早于会商日期（{s.parlour_date.isoformat()}）"
    return None


def _why_not(s: AppealStatus, action: Action) -> str | None:
    st, tier = s.state, s.tier
    if action is Action.REOPEN:
        return None if st is AppealState.CLOSED else "只有已办结的诉求可以重新打开"
    if st is AppealState.CLOSED:
        return "诉求已办结，如需继续处理请先重新打开"
    if action is Action.NOTE or action is Action.RELAY_CHAMBER:
        return None
    if action is Action.PAUSE:
        return "计时已暂停" if s.paused_since else None
    if action is Action.RESUME:
        return None if s.paused_since else "计时未暂停"
    if action is Action.RAISE_TIER:
        return "已是最高等级（特别疑难复杂）" if tier is AppealTier.COMPLEX else None
    if action is Action.FORWARD:
        if tier is AppealTier.SIMPLE:
            return "简易诉求由中心工作人员直接答复；如需转办部门，请先提升等级"
        if st not in (AppealState.ACCEPTED, AppealState.FORWARDED, AppealState.ANSWERED):
            return f"当前状态（{st.label}）不能转办"
        return None
    if action is Action.DEPARTMENT_ANSWER:
        return None if s.open_forwards else "没有待答复的转办"
    if action is Action.SCHEDULE_PARLOUR:
        if tier is not AppealTier.MAJOR:
            return "只有重大涉法问题提交合规会客厅会商"
        if st not in (AppealState.ACCEPTED, AppealState.FORWARDED, AppealState.ANSWERED):
            return f"当前状态（{st.label}）不能提交会客厅"
        return None
    if action is Action.PARLOUR_OUTCOME:
        return None if st is AppealState.IN_PARLOUR else "诉求未提交合规会客厅"
    if action is Action.ESCALATE:
        if tier is not AppealTier.COMPLEX:
            return "只有特别疑难复杂问题报分管领导"
        if st in (AppealState.ESCALATED, AppealState.REPLIED):
            return f"当前状态（{st.label}）不能报分管领导"
        return None
    if action is Action.ANSWER:
        if st in (AppealState.ACCEPTED, AppealState.ESCALATED):
            return None
        if st is AppealState.FORWARDED and not s.open_forwards:
            return None
        return f"当前状态（{st.label}）不能登记答复"
    if action is Action.REPLY:
        return None if st is AppealState.ANSWERED else "尚未答复，不能反馈企业"
    if action is Action.CLOSE:
        return None if st is AppealState.REPLIED else "尚未反馈企业，不能办结"
    return None


def apply(status: AppealStatus | None, step: Step, role: Role, fresh: bool = False) -> AppealStatus:
    """The status after ``step``, or DomainError with the reason in Chinese.  ``fresh``: a
    step being taken now (the desk's, or one the server receives), held to the rules that
    came after steps were first recorded (``_fresh_refusal``); replays leave it False."""
    if role not in ACTORS:
        raise refuse("当前角色无权处理诉求", f"role {role} may not act on appeals")
    if step.action is Action.ACCEPT:
        if status is not None:
            raise refuse("诉求已受理", "appeal already accepted")
        if step.new_tier is None:
            raise refuse("受理时须选择诉求等级", "accept without tier")
        return AppealStatus(
            AppealState.ACCEPTED,
            step.new_tier,
            step.on,
            "受理",
            last_on=step.on,
            last_action="受理",
        )
    if status is None:
        raise refuse("诉求尚未受理", "appeal not accepted")
    reason = _why_not(status, step.action)
    if reason is not None:
        raise refuse(reason, f"{step.action} refused in state {status.state}")
    if step.action is Action.RESUME and status.paused_since and step.on < status.paused_since:
        raise refuse("恢复计时的日期不能早于暂停日期", "resume dated before its pause")
    last_resume = status.pauses[-1][1] if status.pauses else None
    if step.action is Action.PAUSE and last_resume is not None and step.on < last_resume:
        raise refuse("暂停日期不能早于上次恢复计时的日期", "pause overlapping an earlier pause")
    moves = step.action not in ANNOTATIONS
    # (a department's answer may arrive, and be dated, before another department's: checked
    # against its own forward below; notes and relays may be written down afterwards)
    if fresh and (why := _fresh_refusal(status, step)) is not None:
        raise refuse(why, f"{step.action} refused as a new step: dates or the reply")
    if step.on < status.clock_start and step.action is not Action.NOTE:
        raise refuse(
            f"操作日期早于诉求的{status.clock_event}日期",
            f"{step.action} dated before the clock start",
        )
    new = _applied(status, step)
    if not moves or (status.last_on is not None and step.on < status.last_on):
        return new  # (an earlier-dated department answer: the last step stays the last)
    return replace(new, last_on=step.on, last_action=step.action.label)


def _applied(status: AppealStatus, step: Step) -> AppealStatus:
    """``apply``'s change of state, the checks common to every step passed."""
    a = step.action
    if a is Action.FORWARD:
        if not step.department_ids:
            raise refuse("请选择至少一个转办部门", "forward without departments")
        new = tuple(
            Forward(f"{step.event_id}:{i}", dept, step.on)
            for i, dept in enumerate(step.department_ids)
        )
        return replace(status, state=AppealState.FORWARDED, forwards=status.forwards + new)
    if a is Action.DEPARTMENT_ANSWER:
        target = next((f for f in status.open_forwards if f.id == step.forward_id), None)
        if target is None:
            raise refuse("找不到该转办或已答复", f"forward {step.forward_id} not open")
        if not step.text.strip():
            raise refuse("请填写部门答复内容", "department answer without text")
        if step.on < target.on:
            raise refuse(
                "部门答复日期不能早于转办日期", "department answer dated before its forward"
            )
        forwards = tuple(
            replace(f, answered_on=step.on) if f.id == target.id else f for f in status.forwards
        )
        if status.state is not AppealState.FORWARDED:
            # A late answer after the appeal moved on (parlour, escalation, reply) is recorded;
            # it never moves the appeal back.
            return replace(status, forwards=forwards)
        still_open = any(f.answered_on is None for f in forwards)
        return replace(
            status,
            forwards=forwards,
            state=AppealState.FORWARDED if still_open else AppealState.ANSWERED,
        )
    if a is Action.SCHEDULE_PARLOUR:
        if step.meeting_date is None:
            raise refuse("请填写会客厅会商日期", "parlour without meeting date")
        return replace(status, state=AppealState.IN_PARLOUR, parlour_date=step.meeting_date)
    if a is Action.PARLOUR_OUTCOME:
        if not step.text.strip():
            raise refuse("请填写会商结果", "parlour outcome without text")
        return replace(status, state=AppealState.ANSWERED)
    if a is Action.ESCALATE:
        return replace(status, state=AppealState.ESCALATED)
    if a is Action.ANSWER:
        if not step.text.strip():
            raise refuse("请填写答复内容", "answer without text")
        return replace(status, state=AppealState.ANSWERED)
    if a is Action.REPLY:
        if not step.text.strip():
            raise refuse("请填写反馈企业的内容", "reply without text")
        return replace(status, state=AppealState.REPLIED, replied_on=step.on)
    if a is Action.CLOSE:
        if step.rating is None or not 1 <= step.rating <= 5:
            raise refuse("办结时须记录企业满意度（1—5分）", "close without rating 1..5")
        return replace(status, state=AppealState.CLOSED)
    if a is Action.REOPEN:
        if not step.text.strip():
            raise refuse("重新打开须说明原因", "reopen without reason")
        return replace(
            status,
            state=AppealState.ACCEPTED,
            clock_start=step.on,
            clock_event="重新打开",
            forwards=(),
            pauses=(),  # the new clock starts clean, like a tier raise
            paused_since=None,
            paused_reason="",
            replied_on=None,
        )
    if a is Action.RAISE_TIER:
        if step.new_tier is None or step.new_tier.rank <= status.tier.rank:
            raise refuse("诉求等级只能提升，不能降低", "tier may only be raised")
        if not step.text.strip():
            raise refuse("提升等级须说明原因", "raise tier without reason")
        return replace(
            status, tier=step.new_tier, clock_start=step.on, clock_event="升级", pauses=()
        )
    if a is Action.PAUSE:
        if not step.text.strip():
            raise refuse("暂停计时须说明原因", "pause without reason")
        return replace(status, paused_since=step.on, paused_reason=step.text.strip())
    if a is Action.RESUME:
        assert status.paused_since is not None
        pause = (status.paused_since, step.on, status.paused_reason)
        return replace(status, paused_since=None, paused_reason="", pauses=status.pauses + (pause,))
    return status  # NOTE, RELAY_CHAMBER: recorded in the timeline, no change of state


def appeal_deadline(calendar: WorkCalendar, status: AppealStatus, explain: bool = True) -> Deadline:
    """The appeal's overall clock: its tier's period from the clock start, less pauses."""
    pauses = [Pause(a, b, why) for a, b, why in status.pauses]
    if status.paused_since is not None:
        pauses.append(Pause(status.paused_since, None, status.paused_reason))
    deadline = tier_deadline(
        calendar, status.tier, status.clock_start, pauses, status.clock_event, explain
    )
    if not explain or status.replied_on is None:
        return deadline
    return deadline._replace(steps=(*deadline.steps, _reply_line(calendar, status, deadline)))


def working_days_used(calendar: WorkCalendar, status: AppealStatus, end: date) -> int:
    """Working days the clock ran from its start up to ``end``: the days it was paused left
    out (the ledger counted them as used)."""
    start = status.clock_start
    used = calendar.workdays_in(start + timedelta(days=1), end)
    spans = [(a, b) for a, b, _why in status.pauses]
    if status.paused_since is not None:
        spans.append((status.paused_since, end + timedelta(days=1)))
    for first, after in spans:  # paused from ``first``, running again on ``after``
        first = max(first, start + timedelta(days=1))
        last = min(after - timedelta(days=1), end)
        if first <= last:
            used -= calendar.workdays_in(first, last)
    return max(used, 0)


def reply_late(status: AppealStatus, deadline: Deadline) -> bool | None:
    """Whether the result reached the enterprise after the deadline; None: not replied yet."""
    if status.replied_on is None:
        return None
    return deadline.due is not None and status.replied_on > deadline.due


def _reply_line(calendar: WorkCalendar, status: AppealStatus, deadline: Deadline) -> str:
    """The explanation's last line: the day the clock stopped, and whether in time."""
    on = status.replied_on
    assert on is not None
    head = f"{on.isoformat()} 反馈企业，计时结束"
    if deadline.due is None:
        return head + "（反馈时计时暂停中）"
    if on <= deadline.due:
        return head + "：按期反馈"
    _count, unit = status.tier.period
    working = working_days_between(calendar, deadline.due, on)
    if unit is Unit.WORKING_DAYS and working > 0:
        late = f"{working}个工作日"
    else:  # a calendar-day period, or a reply on the rest days after the last working day
        late = f"{(on - deadline.due).days}日"
    return head + f"：超期{late}反馈"


def forward_deadline(calendar: WorkCalendar, forward: Forward) -> Deadline:
    """Each department's own clock: 10 working days from the day of the forward."""
    count, unit = FORWARD_PERIOD
    return count_deadline(calendar, forward.on, count, unit, event="转办")


def replay(steps: list[tuple[Step, Role]]) -> AppealStatus:
    """The status a timeline adds up to (the server re-checks synced timelines this way)."""
    status: AppealStatus | None = None
    for step, role in steps:
        status = apply(status, step, role)
    if status is None:
        raise refuse("诉求没有受理记录", "empty timeline")
    return status
