"""The built-in official calendar (chinesecalendar), read into the domain's YearTable."""

from __future__ import annotations

from datetime import date, timedelta
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
    """The year as chinesecalendar knows it, or None for a year it does not cover."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return None
    holidays: dict[date, str] = {}
    workdays: set[date] = set()
    d = date(year, 1, 1)
    while d.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
        working = chinese_calendar.is_workday(d)
        if on_holiday and name is not None and not working:
            holidays[d] = HOLIDAY_NAMES.get(str(name), str(name))
        elif working and d.weekday() >= 5:
            workdays.add(d)
        d += timedelta(days=1)
    return YearTable(year, holidays, frozenset(workdays))
