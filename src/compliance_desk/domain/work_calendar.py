"""The official PRC working-day calendar: holidays and make-up working days (调休).

A year's data comes from an administrator's table when there is one (the State Council
publishes next year's schedule each November, before the libraries know it), otherwise from
the built-in table (chinesecalendar), otherwise from weekends alone, and then every answer
about that year is marked *provisional*.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date

from compliance_desk.domain.errors import DomainError

WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class DayInfo:
    day: date
    workday: bool
    known: bool  # False: the year has no official data; weekends alone decided
    note: str  # 春节假期, 调休上班, 周六, ... ("" for an ordinary working day)

    @property
    def label(self) -> str:
        text = f"{self.day.isoformat()}（周{WEEKDAYS[self.day.weekday()]}）"
        return f"{text} {self.note}" if self.note else text


@dataclass(frozen=True)
class YearTable:
    """One year's official schedule: holidays (with names) and make-up working days."""

    year: int
    holidays: Mapping[date, str] = field(default_factory=dict)
    workdays: frozenset[date] = frozenset()

    def day(self, d: date) -> DayInfo:
        if d in self.holidays:
            return DayInfo(d, False, True, f"{self.holidays[d] or '法定节假日'}假期")
        if d in self.workdays:
            return DayInfo(d, True, True, "调休上班")
        if d.weekday() >= 5:
            return DayInfo(d, False, True, f"周{WEEKDAYS[d.weekday()]}休息")
        return DayInfo(d, True, True, "")


BuiltIn = Callable[[int], YearTable | None]

# The statutory holidays that fall on the same date every year (全国年节及纪念日放假办法 art. 2):
# a year without its official calendar yet still has them (2027-01-01 was counted a working
# day).  Festivals of the lunar calendar and the bridging days come with the year's schedule.
FIXED_HOLIDAYS = {(1, 1): "元旦", (5, 1): "劳动节", (10, 1): "国庆节", (10, 2): "国庆节",
                  (10, 3): "国庆节"}  # fmt: skip


class WorkCalendar:
    """Answers 'is this a working day, and why' from the year tables it is given."""

    def __init__(self, tables: Mapping[int, YearTable], built_in: BuiltIn | None = None) -> None:
        self._tables = dict(tables)
        self._built_in = built_in
        self._cache: dict[int, YearTable | None] = {}
        self._workday_cache: dict[int, list[int]] = {}
        self._workday_sets: dict[int, set[int]] = {}

    def table(self, year: int) -> YearTable | None:
        if year in self._tables:
            return self._tables[year]
        if year not in self._cache:
            self._cache[year] = self._built_in(year) if self._built_in else None
        return self._cache[year]

    def knows(self, year: int) -> bool:
        return self.table(year) is not None

    def day(self, d: date) -> DayInfo:
        table = self.table(d.year)
        if table is not None:
            return table.day(d)
        fixed = FIXED_HOLIDAYS.get((d.month, d.day))
        if fixed:  # on its date every year, whatever the State Council's schedule adds
            return DayInfo(d, False, False, f"{fixed}（{d.year}年日历未发布，暂按法定节日）")
        if d.weekday() >= 5:
            return DayInfo(d, False, False, f"周{WEEKDAYS[d.weekday()]}休息（{d.year}年暂按周末）")
        return DayInfo(d, True, False, f"{d.year}年暂定工作日")

    def is_workday(self, d: date) -> bool:
        return self.day(d).workday

    # --- fast counting (no explanation): the appeal log computes thousands of these ---------
    def _workdays(self, year: int) -> list[int]:
        """Ordinals of the year's working days, sorted; computed once per year."""
        cached = self._workday_cache.get(year)
        if cached is None:
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            cached = [o for o in range(first, last + 1) if self.day(date.fromordinal(o)).workday]
            self._workday_cache[year] = cached
        return cached

    def fast_is_workday(self, d: date) -> bool:
        """is_workday without building a DayInfo: a set look-up in the year's cached table."""
        year = d.year
        found = self._workday_sets.get(year)
        if found is None:
            found = self._workday_sets[year] = set(self._workdays(year))
        return d.toordinal() in found

    def nth_workday_after(self, d: date, n: int) -> date:
        """The n-th working day after ``d`` (n >= 1), by bisecting the years' working days."""
        year, remaining = d.year, n
        days = self._workdays(year)
        pos = bisect_right(days, d.toordinal())
        while remaining > len(days) - pos:
            remaining -= len(days) - pos
            year += 1
            days, pos = self._workdays(year), 0
        return date.fromordinal(days[pos + remaining - 1])

    def workdays_in(self, first: date, last: date) -> int:
        """Working days from ``first`` to ``last``, both included (0 when last < first)."""
        total = 0
        for year in range(first.year, last.year + 1):
            days = self._workdays(year)
            lo = bisect_left(days, max(first, date(year, 1, 1)).toordinal())
            hi = bisect_right(days, min(last, date(year, 12, 31)).toordinal())
            total += max(0, hi - lo)
        return total


# --- the administrator's calendar file --------------------------------------------


def parse_year_file(text: str) -> YearTable:
    """{"year": 2027, "holidays": [...], "workdays": [...]} -> YearTable, or a Chinese reason.

    A holiday is a date string or {"date": ..., "name": ...}.  Refused: a date given twice,
    a day both holiday and working day, a date outside the year, a make-up working day that is
    not a weekend day, a holiday that is not a real date.
    """
    try:
        data = json.loads(text)
    except ValueError as exc:  # (where, in Chinese: json's own message is English)
        at = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else None
        where = f"（第 {at[0]} 行第 {at[1]} 列附近）" if at else ""
        raise DomainError(
            f"日历文件不是有效的 JSON 格式{where}，请检查括号、引号和逗号",
            f"calendar file: bad JSON: {exc}",
        ) from exc
    if not isinstance(data, dict) or not isinstance(data.get("year"), int):
        raise DomainError('日历文件须包含整数年份 "year"', "calendar file: no integer year")
    year = data["year"]
    if not 2000 <= year <= 2100:
        raise DomainError(f"年份 {year} 不在 2000—2100 之间", f"calendar file: year {year}")
    holidays: dict[date, str] = {}
    workdays: set[date] = set()
    seen: dict[date, str] = {}

    def parse(raw: object, kind: str) -> tuple[date, str]:
        name = ""
        if isinstance(raw, dict):
            name = str(raw.get("name", ""))
            raw = raw.get("date")
        if not isinstance(raw, str):
            raise DomainError(
                f"{kind}中有无法识别的日期：{raw!r}", f"calendar file: bad {kind} {raw!r}"
            )
        try:
            d = date.fromisoformat(raw)
        except ValueError:
            raise DomainError(
                f"{kind}中有无效日期“{raw}”（应写作 {year}-01-01）", f"bad date {raw}"
            ) from None
        if d.year != year:
            raise DomainError(
                f"{kind}中的日期 {raw} 不属于 {year} 年", f"date {raw} outside {year}"
            )
        if d in seen:
            both = seen[d] != kind
            raise DomainError(
                f"日期 {raw} 同时列为节假日和调休工作日"
                if both
                else f"{kind}中日期 {raw} 重复出现",
                f"date {raw} listed twice",
            )
        seen[d] = kind
        return d, name

    for key, kind in (("holidays", "节假日"), ("workdays", "调休工作日")):
        if not isinstance(data.get(key, []), list):
            raise DomainError(
                f'日历文件的 "{key}"（{kind}）须是日期的列表，如 ["{year}-01-01"]',
                f"calendar file: {key} is not a list",
            )
    for raw in data.get("holidays", []):
        d, name = parse(raw, "节假日")
        holidays[d] = name
    for raw in data.get("workdays", []):
        d, _ = parse(raw, "调休工作日")
        if d.weekday() < 5:
            raise DomainError(
                f"调休工作日 {d.isoformat()} 是周{WEEKDAYS[d.weekday()]}，本来就是工作日",
                f"workday {d} is not a weekend day",
            )
        workdays.add(d)
    if not holidays:
        raise DomainError(
            f"{year} 年的日历没有任何节假日，请检查文件", "calendar file: no holidays"
        )
    return YearTable(year, holidays, frozenset(workdays))


def year_to_json(table: YearTable) -> str:
    return json.dumps(
        {
            "year": table.year,
            "holidays": [
                {"date": d.isoformat(), "name": n} for d, n in sorted(table.holidays.items())
            ],
            "workdays": [d.isoformat() for d in sorted(table.workdays)],
        },
        ensure_ascii=False,
        indent=1,
    )
