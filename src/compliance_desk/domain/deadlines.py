"""The four response clocks and how each deadline is counted (民法典 art. 201, 203).

- The day of the event (receipt, forward, tier change) is not counted; counting starts the
  next day, and a period ends at 24:00 of its last day.
- Working-day periods count official working days (make-up days in, holidays out).
- Calendar-day periods whose last day is a rest day end on the next working day.
- A pause extends the deadline by the working days it covered; while a pause is open there
  is no due date.
- Every deadline carries the steps of its counting, in Chinese, to show the clerk; and is
  provisional when a day it depends on lies in a year without official calendar data.
Deadlines are always derived from the events and the calendar, never stored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import NamedTuple

from compliance_desk.domain.work_calendar import DayInfo, WorkCalendar

ONE_DAY = timedelta(days=1)


class Unit(StrEnum):
    WORKING_DAYS = "working_days"
    DAYS = "days"


class AppealTier(StrEnum):
    SIMPLE = "simple"
    GENERAL = "general"
    MAJOR = "major"
    COMPLEX = "complex"

    @property
    def label(self) -> str:
        return TIER_LABELS[self]

    @property
    def period(self) -> tuple[int, Unit]:
        return TIER_PERIODS[self]

    @property
    def rank(self) -> int:
        return list(AppealTier).index(self)


TIER_LABELS = {
    AppealTier.SIMPLE: "简易诉求",
    AppealTier.GENERAL: "一般性问题",
    AppealTier.MAJOR: "重大涉法问题",
    AppealTier.COMPLEX: "特别疑难复杂问题",
}
TIER_PERIODS = {
    AppealTier.SIMPLE: (1, Unit.WORKING_DAYS),
    AppealTier.GENERAL: (10, Unit.WORKING_DAYS),
    AppealTier.MAJOR: (20, Unit.DAYS),
    AppealTier.COMPLEX: (30, Unit.DAYS),
}
FORWARD_PERIOD = (10, Unit.WORKING_DAYS)  # each department's answer


@dataclass(frozen=True)
class Pause:
    start: date  # the clock stops from this day (inclusive)
    end: date | None  # and runs again from this day; None: still paused
    reason: str


class Deadline(NamedTuple):
    """A tuple, not a dataclass: the log builds hundreds of thousands of them."""

    due: date | None  # None while the clock is paused
    provisional: bool
    steps: tuple[str, ...]

    @property
    def explanation(self) -> str:
        return "\n".join(self.steps)

    def overdue_on(self, today: date) -> bool:
        """A period ends at 24:00 of its last day: overdue from the next day on."""
        return self.due is not None and today > self.due


def _period_text(count: int, unit: Unit) -> str:
    return f"{count}个工作日" if unit is Unit.WORKING_DAYS else f"{count}日"


class _Counter:
    def __init__(self, calendar: WorkCalendar) -> None:
        self.calendar = calendar
        self.provisional = False
        self.steps: list[str] = []
        self._skipped: list[DayInfo] = []

    def info(self, d: date) -> DayInfo:
        info = self.calendar.day(d)
        if not info.known:
            self.provisional = True
        return info

    def skip(self, info: DayInfo) -> None:
        self._skipped.append(info)

    def flush(self) -> None:
        if not self._skipped:
            return
        first, last = self._skipped[0], self._skipped[-1]
        notes = "、".join(dict.fromkeys(i.note for i in self._skipped))
        span = (
            first.day.isoformat()
            if first is last
            else f"{first.day.isoformat()} 至 {last.day.isoformat()}"
        )
        self.steps.append(f"  跳过 {span}：{notes}")
        self._skipped.clear()

    def working_days_after(self, start: date, count: int, label: str = "工作日") -> date:
        d, n = start, 0
        while n < count:
            d += ONE_DAY
            info = self.info(d)
            if info.workday:
                n += 1
                self.flush()
                extra = f"（{info.note}）" if info.note else ""
                if n == count or count <= 3 or info.note:
                    self.steps.append(
                        f"  第{n}个{label}：{d.isoformat()}（周{'一二三四五六日'[d.weekday()]}）{extra}"
                    )
            else:
                self.skip(info)
        self.flush()
        return d


def count_deadline(
    calendar: WorkCalendar,
    start: date,
    count: int,
    unit: Unit,
    pauses: Sequence[Pause] = (),
    event: str = "受理",
    explain: bool = True,
) -> Deadline:
    """The deadline and, with ``explain``, the steps of its counting (the log skips them)."""
    if not explain:
        return _fast_deadline(calendar, start, count, unit, pauses)
    c = _Counter(calendar)
    c.steps.append(
        f"{event}日 {start.isoformat()} 不计入，自次日起算，期限为{_period_text(count, unit)}（民法典第二百零一条）"
    )
    if unit is Unit.WORKING_DAYS:
        due = c.working_days_after(start, count)
        c.steps.append(f"期限届满：{due.isoformat()} 24:00")
    else:
        last = start + timedelta(days=count)
        info = c.info(last)
        c.steps.append(f"  第{count}日：{info.label}")
        due = last
        if not info.workday:
            due = last
            while not c.info(due).workday:
                due += ONE_DAY
            c.steps.append(
                f"  末日为休息日，顺延至下一个工作日 {due.isoformat()}（民法典第二百零三条）"
            )
        for d in _days(start + ONE_DAY, last):
            c.info(d)  # any day of the period in an unknown year makes the result provisional
        c.steps.append(f"期限届满：{due.isoformat()} 24:00")
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.start > due:
            continue
        if pause.end is None:
            c.steps.append(
                f"自 {pause.start.isoformat()} 起暂停计时（{pause.reason}），恢复后重新计算期限"
            )
            return Deadline(None, c.provisional, tuple(c.steps))
        # the day the clock started is not counted: a pause from it loses only later days
        first = max(pause.start, start + ONE_DAY)
        lost = [d for d in _days(first, pause.end - ONE_DAY) if c.info(d).workday]
        c.steps.append(
            f"暂停 {pause.start.isoformat()} 至 {pause.end.isoformat()}（{pause.reason}）："
            f"共{len(lost)}个工作日，期限相应顺延"
        )
        if lost:
            due = c.working_days_after(due, len(lost), "顺延工作日")
            c.steps.append(f"期限届满：{due.isoformat()} 24:00")
    if c.provisional:
        c.steps.append(
            "注意：期间涉及尚无官方日历的年份，暂按周末计算，导入该年日历后将自动重新计算"
        )
    return Deadline(due, c.provisional, tuple(c.steps))


def _fast_deadline(
    calendar: WorkCalendar, start: date, count: int, unit: Unit, pauses: Sequence[Pause]
) -> Deadline:
    """Same rules as the explained counting, by bisecting cached working-day tables."""
    if unit is Unit.WORKING_DAYS:
        due = calendar.nth_workday_after(start, count)
    else:
        last = start + timedelta(days=count)
        due = last if calendar.fast_is_workday(last) else calendar.nth_workday_after(last, 1)
    if not pauses:
        return Deadline(due, _unknown_years(calendar, start, due), ())
    for pause in sorted(pauses, key=lambda p: p.start):
        if pause.start > due:
            continue
        if pause.end is None:
            return Deadline(None, _unknown_years(calendar, start, due), ())
        lost = calendar.workdays_in(max(pause.start, start + ONE_DAY), pause.end - ONE_DAY)
        if lost:
            due = calendar.nth_workday_after(due, lost)
    return Deadline(due, _unknown_years(calendar, start, due), ())


_SKIPPED = re.compile(r"\s*跳过 (?P<span>.+?)：(?P<notes>.+)")
_MADE_UP = re.compile(r"\s*第\d+个(?:顺延)?工作日：(?P<day>\S+?)（周.）（调休上班）")
_FIRST = re.compile(
    r"(?P<event>.+?)日 (?P<day>\S+) 不计入，自次日起算，期限为(?P<period>.+?)（民法典第二百零一条）"
)
_MOVED = re.compile(r"\s*末日为休息日，顺延至下一个工作日 (?P<day>\S+)（民法典第二百零三条）")


def brief(steps: Sequence[str]) -> list[str]:
    """The counting as a receipt tells it: the start, the holidays left out and the make-up
    working days counted, pauses; not every ordinary working day and weekend (the steps of
    ``count_deadline`` ran a receipt to a second page)."""
    out = []
    for step in steps:
        if step.startswith("期限届满") or "内反馈企业" in step:
            continue
        if m := _FIRST.fullmatch(step):
            out.append(f"{m['event']}日{m['day']}不计入，自次日起算{m['period']}")
        elif m := _SKIPPED.fullmatch(step):
            notes = [n for n in m["notes"].split("、") if "休息" not in n]  # weekends go unsaid
            if notes:
                out.append(f"{m['span'].replace(' 至 ', '至')}{'、'.join(notes)}不计")
        elif m := _MADE_UP.match(step):
            out.append(f"{m['day']}调休上班计入")
        elif m := _MOVED.fullmatch(step):
            out.append(f"末日为休息日，顺延至{m['day']}")
        elif not step.lstrip().startswith("第"):
            out.append(step.strip())
    return out


def _unknown_years(calendar: WorkCalendar, start: date, end: date) -> bool:
    if start.year == end.year:
        return not calendar.knows(start.year)
    return any(not calendar.knows(y) for y in range(start.year, end.year + 1))


def tier_deadline(
    calendar: WorkCalendar,
    tier: AppealTier,
    start: date,
    pauses: Sequence[Pause] = (),
    event: str = "受理",
    explain: bool = True,
) -> Deadline:
    count, unit = TIER_PERIODS[tier]
    if not explain:
        return _fast_deadline(calendar, start, count, unit, pauses)
    deadline = count_deadline(calendar, start, count, unit, pauses, event)
    head = f"{tier.label}：{_period_text(count, unit)}内反馈企业"
    return Deadline(deadline.due, deadline.provisional, (head, *deadline.steps))


def working_days_between(calendar: WorkCalendar, start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    return calendar.workdays_in(start + ONE_DAY, end)


def _days(first: date, last: date) -> list[date]:
    out = []
    d = first
    while d <= last:
        out.append(d)
        d += ONE_DAY
    return out
