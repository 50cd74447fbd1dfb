"""The appeal state machine: legal paths, refused steps with Chinese reasons, derived clocks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance_desk.domain.appeal_workflow import (
    Action,
    AppealState,
    Step,
    allowed,
    appeal_deadline,
    apply,
    forward_deadline,
    replay,
    reply_late,
)
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.roles import Role
from compliance_desk.domain.work_calendar import WorkCalendar
from compliance_desk.services.calendar_source import built_in_year

CAL = WorkCalendar({}, built_in_year)


@contextmanager
def refused(words: str) -> Iterator[None]:
    """The step is refused, and the Chinese reason says ``words``."""
    with pytest.raises(DomainError) as info:
        yield
    assert words in info.value.message_zh, info.value.message_zh


D = date.fromisoformat
CLERK = Role.CLERK


def accepted(tier: AppealTier = AppealTier.GENERAL, on: str = "2026-03-02"):  # type: ignore[no-untyped-def]
    return apply(None, Step(Action.ACCEPT, D(on), new_tier=tier), CLERK)


def test_general_appeal_forwarded_to_two_departments_then_replied_and_closed() -> None:
    s = accepted()
    s = apply(
        s,
        Step(Action.FORWARD, D("2026-03-03"), department_ids=("tax", "market"), event_id="e1"),
        CLERK,
    )
    assert s.state is AppealState.FORWARDED and len(s.open_forwards) == 2
    assert forward_deadline(CAL, s.forwards[0]).due == D("2026-03-17")
    s = apply(
        s, Step(Action.DEPARTMENT_ANSWER, D("2026-03-05"), "已答复", forward_id="e1:0"), CLERK
    )
    assert s.state is AppealState.FORWARDED  # one department still owes its answer
    assert Action.REPLY not in allowed(s, CLERK)
    s = apply(
        s, Step(Action.DEPARTMENT_ANSWER, D("2026-03-06"), "已答复", forward_id="e1:1"), CLERK
    )
    assert s.state is AppealState.ANSWERED
    s = apply(s, Step(Action.REPLY, D("2026-03-09"), "经商会反馈企业"), CLERK)
    s = apply(s, Step(Action.CLOSE, D("2026-03-09"), rating=5), CLERK)
    assert s.state is AppealState.CLOSED
    assert allowed(s, CLERK) == [Action.REOPEN]


def test_closing_without_a_reply_is_refused() -> None:
    s = apply(accepted(AppealTier.SIMPLE), Step(Action.ANSWER, D("2026-03-02"), "当场解答"), CLERK)
    with refused("尚未反馈企业，不能办结"):
        apply(s, Step(Action.CLOSE, D("2026-03-02"), rating=4), CLERK)


def test_a_tier_can_be_raised_not_lowered_and_the_clock_restarts() -> None:
    s = accepted(AppealTier.GENERAL, "2026-03-02")
    assert appeal_deadline(CAL, s).due == D("2026-03-16")
    with refused("只能提升"):
        apply(s, Step(Action.RAISE_TIER, D("2026-03-03"), "x", new_tier=AppealTier.SIMPLE), CLERK)
    s = apply(
        s,
        Step(Action.RAISE_TIER, D("2026-03-04"), "涉及多个部门", new_tier=AppealTier.MAJOR),
        CLERK,
    )
    deadline = appeal_deadline(CAL, s)
    assert deadline.due == D("2026-03-24") and "升级日 2026-03-04 不计入" in deadline.explanation


def test_major_appeals_go_to_the_parlour_complex_ones_to_the_leader() -> None:
    major = accepted(AppealTier.MAJOR)
    assert Action.ESCALATE not in allowed(major, CLERK)
    with refused("会商日期"):
        apply(major, Step(Action.SCHEDULE_PARLOUR, D("2026-03-03")), CLERK)
    s = apply(
        major, Step(Action.SCHEDULE_PARLOUR, D("2026-03-03"), meeting_date=D("2026-03-20")), CLERK
    )
    assert s.state is AppealState.IN_PARLOUR and s.parlour_date == D("2026-03-20")
    s = apply(s, Step(Action.PARLOUR_OUTCOME, D("2026-03-20"), "会商一致意见"), CLERK)
    assert s.state is AppealState.ANSWERED
    complex_ = accepted(AppealTier.COMPLEX)
    assert Action.SCHEDULE_PARLOUR not in allowed(complex_, CLERK)
    s = apply(complex_, Step(Action.ESCALATE, D("2026-03-03")), CLERK)
    assert s.state is AppealState.ESCALATED and Action.ANSWER in allowed(s, CLERK)


def test_pause_and_resume_move_the_deadline() -> None:
    s = accepted(AppealTier.GENERAL, "2026-03-02")
    s = apply(s, Step(Action.PAUSE, D("2026-03-04"), "等待企业补充材料"), CLERK)
    assert appeal_deadline(CAL, s).due is None
    s = apply(s, Step(Action.RESUME, D("2026-03-09")), CLERK)
    deadline = appeal_deadline(CAL, s)
    assert deadline.due == D("2026-03-19") and "等待企业补充材料" in deadline.explanation


def test_reopen_restarts_the_clock_and_needs_a_reason() -> None:
    s = apply(accepted(AppealTier.SIMPLE), Step(Action.ANSWER, D("2026-03-02"), "答复"), CLERK)
    s = apply(s, Step(Action.REPLY, D("2026-03-02"), "已告知"), CLERK)
    s = apply(s, Step(Action.CLOSE, D("2026-03-02"), rating=2), CLERK)
    with refused("原因"):
        apply(s, Step(Action.REOPEN, D("2026-03-05")), CLERK)
    s = apply(s, Step(Action.REOPEN, D("2026-03-05"), "企业不满意"), CLERK)
    assert s.state is AppealState.ACCEPTED and appeal_deadline(CAL, s).due == D("2026-03-06")


def test_inspectors_cannot_act_on_appeals() -> None:
    assert allowed(accepted(), Role.INSPECTOR) == []
    with refused("无权"):
        apply(accepted(), Step(Action.NOTE, D("2026-03-03"), "x"), Role.INSPECTOR)


def test_simple_appeals_are_not_forwarded() -> None:
    with refused("提升等级"):
        apply(
            accepted(AppealTier.SIMPLE),
            Step(Action.FORWARD, D("2026-03-03"), department_ids=("tax",)),
            CLERK,
        )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([a for a in Action if a is not Action.ACCEPT]), max_size=25),
    st.sampled_from(list(AppealTier)),
)
def test_any_sequence_of_steps_only_makes_legal_transitions(
    actions: list[Action], tier: AppealTier
) -> None:
    """Whatever the user clicks: a step is either applied or refused; allowed() never lies."""
    s = accepted(tier)
    day = D("2026-03-02")
    for n, action in enumerate(actions):
        step = Step(
            action,
            day,
            "内容",
            department_ids=("tax",),
            forward_id=s.open_forwards[0].id if s.open_forwards else "",
            new_tier=AppealTier.COMPLEX,
            rating=3,
            meeting_date=day,
            event_id=f"e{n}",
        )
        may = action in allowed(s, CLERK)
        try:
            s = apply(s, step, CLERK, fresh=True)  # (what the user clicks is a step taken now)
        except DomainError:
            assert not may
        else:
            assert may
        if s.state is AppealState.CLOSED:
            assert Action.CLOSE not in allowed(s, CLERK)


def test_replay_rebuilds_the_status_from_the_timeline() -> None:
    steps = [
        (Step(Action.ACCEPT, D("2026-03-02"), new_tier=AppealTier.GENERAL), CLERK),
        (Step(Action.FORWARD, D("2026-03-03"), department_ids=("tax",), event_id="f"), CLERK),
        (Step(Action.DEPARTMENT_ANSWER, D("2026-03-05"), "好", forward_id="f:0"), CLERK),
    ]
    assert replay(steps).state is AppealState.ANSWERED


def test_a_late_department_answer_never_moves_the_appeal_back() -> None:
    s = accepted(AppealTier.COMPLEX)
    s = apply(s, Step(Action.FORWARD, D("2026-03-03"), department_ids=("d1",), event_id="f"), CLERK)
    s = apply(s, Step(Action.ESCALATE, D("2026-03-04")), CLERK)
    s = apply(s, Step(Action.ANSWER, D("2026-03-10"), "领导协调结果"), CLERK)
    s = apply(s, Step(Action.REPLY, D("2026-03-11"), "已反馈"), CLERK)
    s = apply(
        s, Step(Action.DEPARTMENT_ANSWER, D("2026-03-12"), "迟到的答复", forward_id="f:0"), CLERK
    )
    assert s.state is AppealState.REPLIED and Action.CLOSE in allowed(s, CLERK)
    assert s.forwards[0].answered_on == D("2026-03-12")


def test_reopening_starts_a_clean_clock() -> None:
    s = accepted(AppealTier.GENERAL, "2026-03-02")
    s = apply(s, Step(Action.PAUSE, D("2026-03-04"), "补材料"), CLERK)
    s = apply(s, Step(Action.ANSWER, D("2026-03-05"), "答复"), CLERK)
    s = apply(s, Step(Action.REPLY, D("2026-03-05"), "反馈"), CLERK)
    s = apply(s, Step(Action.CLOSE, D("2026-03-05"), rating=3), CLERK)  # closed while paused
    s = apply(s, Step(Action.REOPEN, D("2026-04-01"), "企业再次反映"), CLERK)
    assert s.paused_since is None and s.pauses == ()
    assert appeal_deadline(CAL, s).due == D("2026-04-16")  # ten working days from 04-01, no pause


def test_step_dates_must_follow_the_steps_they_depend_on() -> None:
    s = accepted(AppealTier.GENERAL, "2026-03-02")
    s = apply(s, Step(Action.FORWARD, D("2026-03-05"), department_ids=("d1",), event_id="f"), CLERK)
    with refused("不能早于转办日期"):
        apply(s, Step(Action.DEPARTMENT_ANSWER, D("2026-03-04"), "答复", forward_id="f:0"), CLERK)
    p = apply(s, Step(Action.PAUSE, D("2026-03-06"), "补材料"), CLERK)
    with refused("不能早于暂停日期"):
        apply(p, Step(Action.RESUME, D("2026-03-05")), CLERK)
    p = apply(p, Step(Action.RESUME, D("2026-03-10")), CLERK)
    with refused("不能早于上次恢复计时"):
        apply(p, Step(Action.PAUSE, D("2026-03-09"), "又补材料"), CLERK)


# The legal moves, written out independently of the state machine's own code.
EXPECTED = {
    (AppealState.ACCEPTED, Action.ANSWER): AppealState.ANSWERED,
    (AppealState.ANSWERED, Action.REPLY): AppealState.REPLIED,
    (AppealState.REPLIED, Action.CLOSE): AppealState.CLOSED,
    (AppealState.CLOSED, Action.REOPEN): AppealState.ACCEPTED,
    (AppealState.ACCEPTED, Action.FORWARD): AppealState.FORWARDED,
    (AppealState.ACCEPTED, Action.ESCALATE): AppealState.ESCALATED,
    (AppealState.ESCALATED, Action.ANSWER): AppealState.ANSWERED,
    (AppealState.ACCEPTED, Action.SCHEDULE_PARLOUR): AppealState.IN_PARLOUR,
    (AppealState.IN_PARLOUR, Action.PARLOUR_OUTCOME): AppealState.ANSWERED,
}


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from([a for a in Action if a is not Action.ACCEPT]), max_size=25),
    st.sampled_from(list(AppealTier)),
)
def test_every_state_change_is_one_the_plan_allows(actions: list[Action], tier: AppealTier) -> None:
    s = accepted(tier)
    day = D("2026-03-02")
    for n, action in enumerate(actions):
        step = Step(action, day, "内容", department_ids=("tax",),
                    forward_id=s.open_forwards[0].id if s.open_forwards else "",
                    new_tier=AppealTier.COMPLEX, rating=3, meeting_date=day, event_id=f"e{n}")  # fmt: skip
        try:
            after = apply(s, step, CLERK)
        except DomainError:
            continue
        if after.state is not s.state:
            legal = EXPECTED.get((s.state, action))
            if action is Action.FORWARD:
                legal = AppealState.FORWARDED
            if action is Action.DEPARTMENT_ANSWER:
                legal = AppealState.ANSWERED if s.state is AppealState.FORWARDED else None
            if action in (Action.SCHEDULE_PARLOUR, Action.ESCALATE, Action.ANSWER):
                legal = EXPECTED.get((AppealState.ACCEPTED if s.state in (AppealState.FORWARDED, AppealState.ANSWERED, AppealState.IN_PARLOUR) else s.state, action), legal)  # fmt: skip
            assert after.state is legal, (s.state, action, after.state)
        s = after


def test_the_clock_stops_when_the_result_reaches_the_enterprise() -> None:
    """The plan's periods run to the result's reply to the enterprise (反馈企业), not to the
    closing: a reply in time stays in time however late the appeal is closed; a late one says
    by how many working days, counted over the National Day holiday."""
    s = accepted(AppealTier.GENERAL, "2026-09-28")
    assert s.clock_running and s.replied_on is None
    s = apply(s, Step(Action.ANSWER, D("2026-10-12"), "答复"), CLERK)
    assert appeal_deadline(CAL, s).due == D("2026-10-16")  # over 10-01..10-07, 10-10 worked
    on_time = apply(s, Step(Action.REPLY, D("2026-10-16"), "反馈"), CLERK)
    assert not on_time.clock_running and on_time.replied_on == D("2026-10-16")
    assert reply_late(on_time, appeal_deadline(CAL, on_time)) is False
    assert appeal_deadline(CAL, on_time).steps[-1] == "2026-10-16 反馈企业，计时结束：按期反馈"
    closed = apply(on_time, Step(Action.CLOSE, D("2026-11-20"), rating=4), CLERK)
    assert reply_late(closed, appeal_deadline(CAL, closed)) is False  # the close is not timed
    late = apply(s, Step(Action.REPLY, D("2026-10-20"), "反馈"), CLERK)
    assert reply_late(late, appeal_deadline(CAL, late)) is True
    assert appeal_deadline(CAL, late).steps[-1].endswith("：超期2个工作日反馈")
    assert appeal_deadline(CAL, late).steps[0] == "一般性问题：10个工作日内反馈企业"
    weekend = apply(s, Step(Action.REPLY, D("2026-10-17"), "反馈"), CLERK)  # a Saturday
    assert appeal_deadline(CAL, weekend).steps[-1].endswith("：超期1日反馈")
    reopened = apply(
        apply(late, Step(Action.CLOSE, D("2026-10-21"), rating=2), CLERK),
        Step(Action.REOPEN, D("2026-10-26"), "企业再次反映"),
        CLERK,
    )
    assert reopened.clock_running and reopened.replied_on is None
    assert reply_late(reopened, appeal_deadline(CAL, reopened)) is None
    major = apply(
        accepted(AppealTier.MAJOR, "2026-03-02"),
        Step(Action.ANSWER, D("2026-03-03"), "结果"),
        CLERK,
    )
    major = apply(major, Step(Action.REPLY, D("2026-03-25"), "反馈"), CLERK)
    assert appeal_deadline(CAL, major).due == D("2026-03-23")  # day 20, 03-22, a Sunday
    assert appeal_deadline(CAL, major).steps[-1].endswith("：超期2日反馈")


def test_steps_are_dated_in_the_order_they_happened() -> None:
    """Each step that moves the appeal is dated no earlier than the one before (a reply cannot
    precede the answer it carries, a close its reply); departments' answers may come in any
    order, each after its own forward; notes may be written down afterwards."""
    s = accepted(AppealTier.GENERAL, "2026-10-08")
    s = apply(s, Step(Action.FORWARD, D("2026-10-08"), department_ids=("d1", "d2"), event_id="f"), CLERK, fresh=True)  # fmt: skip
    s = apply(
        s,
        Step(Action.DEPARTMENT_ANSWER, D("2026-10-16"), "答", forward_id="f:1"),
        CLERK,
        fresh=True,
    )
    s = apply(
        s,
        Step(Action.DEPARTMENT_ANSWER, D("2026-10-15"), "答", forward_id="f:0"),
        CLERK,
        fresh=True,
    )
    assert s.state is AppealState.ANSWERED
    with refused("操作日期不能早于上一步（部门答复，2026-10-16）"):
        apply(s, Step(Action.REPLY, D("2026-10-02"), "反馈"), CLERK, fresh=True)
    noted = apply(s, Step(Action.NOTE, D("2026-10-09"), "补记：电话催办"), CLERK, fresh=True)
    assert noted.last_on == D("2026-10-16")  # a note moves nothing
    s = apply(noted, Step(Action.REPLY, D("2026-10-19"), "反馈"), CLERK, fresh=True)
    with refused("操作日期不能早于上一步（反馈企业，2026-10-19）"):
        apply(s, Step(Action.CLOSE, D("2026-10-01"), rating=4), CLERK, fresh=True)


def test_a_replied_appeals_clock_cannot_be_paused_or_restarted() -> None:
    """The clock stopped at the reply: a pause (even backdated) would turn a late reply into
    one in time; a tier raise would start a new clock on an answered appeal."""
    s = accepted(AppealTier.SIMPLE, "2026-09-30")
    s = apply(s, Step(Action.ANSWER, D("2026-11-19"), "答"), CLERK, fresh=True)
    s = apply(s, Step(Action.REPLY, D("2026-11-19"), "复"), CLERK, fresh=True)
    assert reply_late(s, appeal_deadline(CAL, s)) is True
    for step in (
        Step(Action.PAUSE, D("2026-11-19"), "补材料"),
        Step(Action.PAUSE, D("2026-10-01"), "补材料"),
        Step(Action.RAISE_TIER, D("2026-11-19"), "复杂", new_tier=AppealTier.GENERAL),
    ):
        with refused("已反馈企业，计时已结束"):
            apply(s, step, CLERK, fresh=True)
        assert step.action not in allowed(s, CLERK)


def test_a_parlours_dates_follow_the_appeal_and_the_meeting() -> None:
    s = accepted(AppealTier.MAJOR, "2026-03-02")
    with refused("会商日期不能早于诉求的受理日期"):
        apply(s, Step(Action.SCHEDULE_PARLOUR, D("2026-03-03"), meeting_date=D("2026-02-20")), CLERK, fresh=True)  # fmt: skip
    s = apply(s, Step(Action.SCHEDULE_PARLOUR, D("2026-03-03"), meeting_date=D("2026-03-12")), CLERK, fresh=True)  # fmt: skip
    with refused("会商结果的日期不能早于会商日期（2026-03-12）"):
        apply(s, Step(Action.PARLOUR_OUTCOME, D("2026-03-10"), "结果"), CLERK, fresh=True)
    assert (
        apply(s, Step(Action.PARLOUR_OUTCOME, D("2026-03-12"), "结果"), CLERK, fresh=True).state
        is AppealState.ANSWERED
    )


def test_a_timeline_recorded_before_the_date_rules_still_replays() -> None:
    """Stored steps are replayed as they were recorded: a timeline with a pause dated before
    the answer (or a pause after the reply) from before these rules still adds up, so its
    appeal is not stuck and a closed one is not shown open; only a new step meets the rules."""
    legacy = [
        (Step(Action.ACCEPT, D("2026-03-02"), new_tier=AppealTier.GENERAL), CLERK),
        (Step(Action.ANSWER, D("2026-03-10"), "答"), CLERK),
        (Step(Action.PAUSE, D("2026-03-05"), "补材料"), CLERK),
        (Step(Action.RESUME, D("2026-03-06")), CLERK),
        (Step(Action.REPLY, D("2026-03-11"), "复"), CLERK),
        (Step(Action.PAUSE, D("2026-03-12"), "又补材料"), CLERK),
        (Step(Action.CLOSE, D("2026-03-13"), rating=4), CLERK),
    ]
    status = replay(legacy)
    assert status.state is AppealState.CLOSED and not status.clock_running
    with refused("操作日期不能早于上一步（办结，2026-03-13）"):
        apply(status, Step(Action.REOPEN, D("2026-03-12"), "再次反映"), CLERK, fresh=True)
    assert apply(status, Step(Action.REOPEN, D("2026-03-12"), "再次反映"), CLERK).clock_running


def test_an_earlier_dated_department_answer_leaves_the_last_step_as_it_was() -> None:
    s = accepted(AppealTier.GENERAL, "2026-10-08")
    s = apply(s, Step(Action.FORWARD, D("2026-10-08"), department_ids=("a", "b"), event_id="f"), CLERK, fresh=True)  # fmt: skip
    s = apply(s, Step(Action.DEPARTMENT_ANSWER, D("2026-10-16"), "答", forward_id="f:1"), CLERK, fresh=True)  # fmt: skip
    s = apply(s, Step(Action.DEPARTMENT_ANSWER, D("2026-10-12"), "答", forward_id="f:0"), CLERK, fresh=True)  # fmt: skip
    assert (s.last_on, s.last_action) == (D("2026-10-16"), "部门答复")
    with refused("上一步（部门答复，2026-10-16）"):
        apply(s, Step(Action.REPLY, D("2026-10-13"), "复"), CLERK, fresh=True)
