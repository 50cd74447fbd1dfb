"""The four response clocks, counted exactly, across the 2026 holidays and into 2027."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compliance_desk.domain.deadlines import (
    AppealTier,
    Pause,
    Unit,
    count_deadline,
    tier_deadline,
    working_days_between,
)
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.work_calendar import WorkCalendar, YearTable, parse_year_file
from compliance_desk.services.calendar_source import built_in_year

CAL = WorkCalendar({}, built_in_year)
D = date.fromisoformat


def test_the_built_in_2026_calendar_has_its_make_up_days() -> None:
    table = built_in_year(2026)
    assert table is not None
    assert sorted(table.workdays) == [
        D(x)
        for x in (
            "2026-01-04",
            "2026-02-14",
            "2026-02-28",
            "2026-05-09",
            "2026-09-20",
            "2026-10-10",
        )
    ]
    assert table.holidays[D("2026-02-17")] == "春节"
    assert table.holidays[D("2026-10-01")] == "国庆节"
    assert built_in_year(2027) is None  # chinesecalendar 1.11 stops at 2026


@pytest.mark.parametrize("year", [2004, 2015, 2020, 2024, 2025, 2026])
def test_the_built_in_years_say_what_chinesecalendar_says_day_by_day(year: int) -> None:
    import chinese_calendar

    table = built_in_year(year)
    assert table is not None
    cal = WorkCalendar({}, built_in_year)
    d = date(year, 1, 1)
    while d.year == year:
        assert cal.is_workday(d) == chinese_calendar.is_workday(d), d
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
        if d in table.holidays:
            assert on_holiday and name is not None, d
        d += timedelta(days=1)
    assert built_in_year(2003) is None


@pytest.mark.parametrize(
    ("tier", "received", "due"),
    [
        # Friday before the Spring Festival: the make-up Saturday 02-14 is a working day.
        (AppealTier.SIMPLE, "2026-02-13", "2026-02-14"),
        # Saturday 02-14 (a working day) received: next working day is after the holiday.
        (AppealTier.SIMPLE, "2026-02-14", "2026-02-24"),
        # 10 working days across the holiday: 02-14, 02-24..02-28 (Sat make-up), 03-02..03-05.
        (AppealTier.GENERAL, "2026-02-13", "2026-03-05"),
        # 20 days from 02-13 is 03-05 (a Thursday, a working day).
        (AppealTier.MAJOR, "2026-02-13", "2026-03-05"),
        # 30 days from 02-13 is Sunday 03-15: moved to Monday 03-16.
        (AppealTier.COMPLEX, "2026-02-13", "2026-03-16"),
        # National Day: received 09-30; 10-01..10-07 off, 10-08 Thu works, 10-10 Sat make-up.
        (AppealTier.SIMPLE, "2026-09-30", "2026-10-08"),
        (AppealTier.GENERAL, "2026-09-30", "2026-10-20"),
        # 20 days from 09-13 lands on 10-03, inside the holiday: the next working day is 10-08.
        (AppealTier.MAJOR, "2026-09-13", "2026-10-08"),
        # An ordinary Friday: one working day ends on Monday.
        (AppealTier.SIMPLE, "2026-03-06", "2026-03-09"),
    ],
)
def test_deadlines_across_the_2026_holidays(tier: AppealTier, received: str, due: str) -> None:
    deadline = tier_deadline(CAL, tier, D(received))
    assert deadline.due == D(due)
    assert not deadline.provisional


def test_the_explanation_says_which_days_were_skipped_and_why() -> None:
    text = tier_deadline(CAL, AppealTier.GENERAL, D("2026-02-13")).explanation
    assert "受理日 2026-02-13 不计入" in text
    assert "2026-02-14（周六）（调休上班）" in text
    assert "跳过 2026-02-15 至 2026-02-23：春节假期" in text
    assert "期限届满：2026-03-05 24:00" in text
    complex_text = tier_deadline(CAL, AppealTier.COMPLEX, D("2026-02-13")).explanation
    assert "顺延至下一个工作日 2026-03-16" in complex_text and "第二百零三条" in complex_text


def test_a_year_without_calendar_data_is_weekends_and_fixed_holidays_and_provisional() -> None:
    deadline = tier_deadline(CAL, AppealTier.GENERAL, D("2026-12-24"))
    # 12-25, 12-28..31, then 01-04..08: 2027-01-01 (元旦, on its date every year) not counted
    assert deadline.due == D("2027-01-08")
    assert "元旦（2027年日历未发布，暂按法定节日）" in deadline.explanation
    assert deadline.provisional
    assert "暂按周末计算" in deadline.explanation
    inside = tier_deadline(CAL, AppealTier.SIMPLE, D("2026-12-21"))
    assert inside.due == D("2026-12-22") and not inside.provisional


def test_importing_the_next_year_recomputes_and_firms_the_deadline() -> None:
    table = parse_year_file(
        '{"year": 2027, "holidays": ["2027-01-01", "2027-01-02", "2027-01-03"], "workdays": []}'
    )
    cal = WorkCalendar({2027: table}, built_in_year)
    deadline = tier_deadline(cal, AppealTier.GENERAL, D("2026-12-24"))
    assert deadline.due == D("2027-01-08") and not deadline.provisional


def test_an_imported_year_replaces_the_built_in_one() -> None:
    custom = YearTable(2026, {D("2026-03-09"): "测试假日"}, frozenset())
    cal = WorkCalendar({2026: custom}, built_in_year)
    assert not cal.is_workday(D("2026-03-09"))
    assert not cal.is_workday(D("2026-02-14"))  # the built-in make-up day is gone with it
    assert cal.is_workday(D("2026-02-17"))  # and so is the built-in holiday


def test_a_pause_extends_by_the_working_days_it_covered() -> None:
    base = tier_deadline(CAL, AppealTier.GENERAL, D("2026-03-02"))
    assert base.due == D("2026-03-16")
    paused = tier_deadline(
        CAL,
        AppealTier.GENERAL,
        D("2026-03-02"),
        [Pause(D("2026-03-04"), D("2026-03-09"), "等待企业补充材料")],
    )
    assert paused.due == D("2026-03-19")  # Wed, Thu, Fri paused: three working days
    assert "等待企业补充材料" in paused.explanation and "共3个工作日" in paused.explanation
    open_pause = tier_deadline(
        CAL, AppealTier.GENERAL, D("2026-03-02"), [Pause(D("2026-03-04"), None, "补材料")]
    )
    assert open_pause.due is None and "暂停计时" in open_pause.explanation


def test_a_pause_from_the_day_of_acceptance_loses_only_the_days_after_it() -> None:
    """The day an appeal is accepted is never counted: a pause from that day moved the
    deadline by one working day too many (04-07 became 04-08)."""
    for fast in (True, False):
        paused = tier_deadline(CAL, AppealTier.SIMPLE, D("2026-04-03"),
                               [Pause(D("2026-04-03"), D("2026-04-07"), "补材料")],
                               explain=not fast)  # fmt: skip
        assert paused.due == D("2026-04-07")  # 04-04..06 are 清明: nothing of the period lost
        later = tier_deadline(CAL, AppealTier.GENERAL, D("2026-03-02"),
                              [Pause(D("2026-03-02"), D("2026-03-05"), "补材料")],
                              explain=not fast)  # fmt: skip
        assert later.due == D("2026-03-18")  # 03-03, 03-04 lost: two, not three (03-19)


def test_a_receipt_tells_the_counting_in_brief() -> None:
    from compliance_desk.domain.deadlines import brief

    told = brief(tier_deadline(CAL, AppealTier.GENERAL, D("2026-02-13")).steps)
    assert told == ["受理日2026-02-13不计入，自次日起算10个工作日", "2026-02-14调休上班计入",
                    "2026-02-15至2026-02-23春节假期不计", "2026-02-28调休上班计入"]  # fmt: skip
    moved = brief(tier_deadline(CAL, AppealTier.MAJOR, D("2026-09-28")).steps)
    assert moved == ["受理日2026-09-28不计入，自次日起算20日", "末日为休息日，顺延至2026-10-19"]


def test_a_weekend_pause_costs_nothing() -> None:
    paused = tier_deadline(
        CAL, AppealTier.GENERAL, D("2026-03-02"), [Pause(D("2026-03-07"), D("2026-03-09"), "周末")]
    )
    assert paused.due == D("2026-03-16")


def test_tier_change_runs_the_new_clock_from_the_day_of_the_change() -> None:
    raised = tier_deadline(CAL, AppealTier.MAJOR, D("2026-03-04"), event="升级")
    assert raised.due == D("2026-03-24")
    assert (
        raised.explanation.startswith("重大涉法问题")
        and "升级日 2026-03-04 不计入" in raised.explanation
    )


def test_overdue_from_the_day_after_the_last_day() -> None:
    deadline = tier_deadline(CAL, AppealTier.SIMPLE, D("2026-03-06"))
    assert not deadline.overdue_on(D("2026-03-09"))
    assert deadline.overdue_on(D("2026-03-10"))


def test_working_days_between() -> None:
    assert working_days_between(CAL, D("2026-02-13"), D("2026-02-24")) == 2
    assert working_days_between(CAL, D("2026-03-05"), D("2026-03-05")) == 0


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ('{"year": 2027, "holidays": ["2027-01-01", "2027-01-01"]}', "重复"),
        ('{"year": 2027, "holidays": ["2027-02-06"], "workdays": ["2027-02-06"]}', "同时列为"),
        ('{"year": 2027, "holidays": ["2026-12-31"]}', "不属于 2027 年"),
        ('{"year": 2027, "holidays": ["2027-02-30"]}', "无效日期"),
        (
            '{"year": 2027, "holidays": ["2027-01-01"], "workdays": ["2027-01-04"]}',
            "本来就是工作日",
        ),
        ('{"holidays": []}', "年份"),
        ("not json", "JSON"),
        ('{"year": 2027, "holidays": null}', "须是日期的列表"),  # (was a TypeError: a crash)
        ('{"year": 2027, "holidays": ["2027-01-01"], "workdays": "2027-02-06"}', "须是日期的列表"),
        ('{"year": 2027, "holidays": ["2027-01-01",]}', "第 1 行第"),
    ],
)
def test_bad_calendar_files_are_refused_in_chinese(text: str, word: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_year_file(text)
    assert word in info.value.message_zh
    assert "Expecting" not in info.value.message_zh  # json's English stays in the log


# --- properties ----------------------------------------------------------------------

days_2025_2027 = st.dates(min_value=D("2025-01-01"), max_value=D("2026-12-31"))
counts = st.integers(min_value=1, max_value=40)


@settings(max_examples=300, deadline=None)
@given(days_2025_2027, counts, st.sampled_from(list(Unit)))
def test_every_deadline_falls_on_a_working_day_after_the_start(
    start: date, count: int, unit: Unit
) -> None:
    deadline = count_deadline(CAL, start, count, unit)
    assert deadline.due is not None
    assert CAL.is_workday(deadline.due)
    assert deadline.due > start
    if unit is Unit.DAYS:
        assert deadline.due >= start + timedelta(days=count)
    else:
        assert working_days_between(CAL, start, deadline.due) == count


@settings(max_examples=200, deadline=None)
@given(days_2025_2027, counts, st.sampled_from(list(Unit)), st.sets(st.integers(0, 90), max_size=6))
def test_adding_a_holiday_never_makes_a_deadline_earlier(
    start: date, count: int, unit: Unit, offsets: set[int]
) -> None:
    base = count_deadline(CAL, start, count, unit).due
    year = start.year
    table = built_in_year(year)
    assert table is not None and base is not None
    extra = {
        start + timedelta(days=o): "新增假日"
        for o in offsets
        if (start + timedelta(days=o)).year == year
    }
    holidays = {**table.holidays, **extra}
    more = WorkCalendar(
        {year: YearTable(year, holidays, table.workdays - set(extra))}, built_in_year
    )
    later = count_deadline(more, start, count, unit).due
    assert later is not None and later >= base


@settings(max_examples=100, deadline=None)
@given(days_2025_2027, st.integers(0, 20), st.integers(0, 10))
def test_a_pause_never_shortens_a_deadline(start: date, begin: int, length: int) -> None:
    base = tier_deadline(CAL, AppealTier.GENERAL, start).due
    pause = Pause(start + timedelta(days=begin), start + timedelta(days=begin + length), "x")
    paused = tier_deadline(CAL, AppealTier.GENERAL, start, [pause]).due
    assert base is not None and paused is not None and paused >= base


pauses = st.lists(
    st.tuples(st.integers(0, 60), st.one_of(st.none(), st.integers(0, 15))), max_size=3
).map(
    lambda items: [
        Pause(D("2026-01-01") + timedelta(days=a), None if n is None else D("2026-01-01") + timedelta(days=a + n), "x")
        for a, n in items
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(
    st.dates(min_value=D("2025-06-01"), max_value=D("2027-06-30")),
    counts,
    st.sampled_from(list(Unit)),
    pauses,
)
def test_the_fast_count_agrees_with_the_explained_one(
    start: date, count: int, unit: Unit, ps: list[Pause]
) -> None:
    """The log counts without explanations; it must land on exactly the same day."""
    slow = count_deadline(CAL, start, count, unit, ps)
    fast = count_deadline(CAL, start, count, unit, ps, explain=False)
    assert (fast.due, fast.provisional) == (slow.due, slow.provisional)
