"""The built-in official calendar (chinesecalendar), read into the domain's YearTable."""

from __future__ import annotations

from functools import cache

import chinese_calendar

from compliance_desk.domain.work_calendar import YearTable

HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利纪念日",
}


@cache
def built_in_year(year: int) -> YearTable | None:
    """The year as chinesecalendar knows it, or None for a year it does not cover.

    Read from the package's own tables (its per-day functions rescan them on every call:
    ~0.2 ms a day, 70 ms a year, paid by the first deadline a desk shows)."""
    covered = {d.year for d in chinese_calendar.holidays}
    if not covered or not min(covered) <= year <= max(covered):
        return None
    workdays = frozenset(
        d for d in chinese_calendar.workdays if d.year == year and d.weekday() >= 5
    )
    holidays = {
        d: HOLIDAY_NAMES.get(str(name), str(name))
        for d, name in chinese_calendar.holidays.items()
        if d.year == year and d not in chinese_calendar.workdays
    }
    return YearTable(year, holidays, workdays)
