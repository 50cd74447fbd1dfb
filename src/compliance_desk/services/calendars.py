"""The working-day calendar in use: the administrator's years over the built-in ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, select

from compliance_desk.domain.deadlines import AppealTier, Deadline, tier_deadline
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.roles import Permission
from compliance_desk.domain.work_calendar import WorkCalendar, YearTable, parse_year_file
from compliance_desk.persistence.models import CalendarYear
from compliance_desk.services.calendar_source import built_in_year
from compliance_desk.services.context import CurrentUser, ServiceContext


@dataclass(frozen=True)
class YearView:
    year: int
    source: str  # 管理员导入 / 内置（chinesecalendar） / 无官方数据
    table: YearTable | None


def _table(year: int, holidays: dict[str, str], workdays: list[str]) -> YearTable:
    """A stored year (ISO dates in JSON) as the domain's table."""
    return YearTable(
        year,
        {date.fromisoformat(d): name for d, name in holidays.items()},
        frozenset(date.fromisoformat(d) for d in workdays),
    )


def calendar_in(connection: Connection) -> WorkCalendar:
    """The calendar as this connection's transaction sees it (the log's clocks are rewritten
    inside a flush, on the flushing connection)."""
    t = CalendarYear.__table__
    rows = connection.execute(
        select(t.c.year, t.c.holidays, t.c.workdays).where(t.c.deleted_at.is_(None))
    )
    tables = {year: _table(year, holidays, workdays) for year, holidays, workdays in rows}
    return WorkCalendar(tables, built_in_year)


class CalendarService:
    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def calendar(self) -> WorkCalendar:
        with self.ctx.uow(None) as uow:
            return calendar_in(uow.session.connection())

    def import_year(self, user: CurrentUser, text: str) -> YearView:
        """Replace what the libraries say for that year; the file is checked whole first."""
        user.require(Permission.CALENDAR_EDIT)
        table = parse_year_file(text)
        holidays = {d.isoformat(): name for d, name in sorted(table.holidays.items())}
        workdays = [d.isoformat() for d in sorted(table.workdays)]
        with self.ctx.uow(user) as uow:
            row = uow.session.scalars(
                select(CalendarYear).where(
                    CalendarYear.year == table.year, CalendarYear.deleted_at.is_(None)
                )
            ).first()
            if row is None:
                row = CalendarYear(year=table.year)
                uow.session.add(row)
            row.holidays = holidays
            row.workdays = workdays
            uow.session.flush()
            # The log's clocks that this year can move are counted again, in this transaction.
            from compliance_desk.services.appeal_clocks import calendar_changed

            calendar_changed(uow.session.connection(), table.year)
            uow.commit()
        return YearView(table.year, "管理员导入", table)

    def year(self, year: int) -> YearView:
        with self.ctx.uow(None) as uow:
            row = uow.session.scalars(
                select(CalendarYear).where(
                    CalendarYear.year == year, CalendarYear.deleted_at.is_(None)
                )
            ).first()
            if row is not None:
                return YearView(year, "管理员导入", _table(row.year, row.holidays, row.workdays))
        table = built_in_year(year)
        if table is not None:
            return YearView(year, "内置（chinesecalendar）", table)
        return YearView(year, "无官方数据（暂按周末计算）", None)

    def due(self, tier: AppealTier, received: date) -> Deadline:
        if received.year < 2000 or received.year > 2100:
            raise DomainError("日期超出支持范围", f"date {received} out of range")
        return tier_deadline(self.calendar(), tier, received)
