"""The appeal log's derived clocks: rewritten with every step, moved by a calendar import,
reconciled at start, and the log's SQL filters agreeing with the clocks shown on screen."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, insert, select, update

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.appeal_workflow import Action, Step
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.errors import DomainError
from compliance_desk.domain.front_desk import AppealDraft
from compliance_desk.domain.ids import new_id
from compliance_desk.persistence.models import (
    AppealEvent,
    LocalAppealClock,
    LocalAppealDepartment,
    LocalSetting,
)
from compliance_desk.services import appeal_clocks
from compliance_desk.services.appeals import LogFilter
from compliance_desk.services.context import CurrentUser

D = date.fromisoformat
CN = timezone(timedelta(hours=8))


def _at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=CN)


def _clock(desk: Desk, appeal_id: uuid.UUID) -> LocalAppealClock | None:
    with desk.ctx.factory() as s:
        return s.get(LocalAppealClock, appeal_id)


@pytest.fixture
def enterprise(desk: Desk, clerk: CurrentUser):  # type: ignore[no-untyped-def]
    return desk.enterprises.create(
        clerk, EnterpriseDraft(name="崧厦蓝天伞业有限公司", uscc="91330604QU4AX6JM2M")
    )


def test_every_step_rewrites_the_clock_in_its_own_transaction(
    desk: Desk, clerk: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.now = _at("2026-02-13", 9)
    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "劳动合同", AppealTier.GENERAL, clock.now)
    )
    c = _clock(desk, appeal.id)
    assert c is not None and c.is_open and c.due == D("2026-03-05") and c.seq == 1
    clock.now = _at("2026-02-24")
    desk.appeals.act(clerk, appeal.id, Step(Action.PAUSE, D("2026-02-24"), "等企业补材料"))
    c = _clock(desk, appeal.id)
    assert c is not None and c.due == date.max and c.seq == 2  # paused: no deadline, sorts last
    clock.now = _at("2026-03-02")
    desk.appeals.act(clerk, appeal.id, Step(Action.RESUME, D("2026-03-02"), "材料已补"))
    c = _clock(desk, appeal.id)
    # paused 02-24..02-28 (the make-up Saturday included): five working days added to 03-05
    assert c is not None and c.due == D("2026-03-12")
    assert desk.appeals.detail(clerk, appeal.id).deadline.due == c.due
    with pytest.raises(DomainError):  # closing without a reply: refused, clock untouched
        desk.appeals.act(clerk, appeal.id, Step(Action.CLOSE, D("2026-03-02"), rating=5))
    assert (c2 := _clock(desk, appeal.id)) is not None and c2.seq == 3 and c2.is_open
    for step in (Step(Action.ANSWER, D("2026-03-02"), "答"), Step(Action.REPLY, D("2026-03-02"), "复"),
                 Step(Action.CLOSE, D("2026-03-02"), rating=5)):  # fmt: skip
        desk.appeals.act(clerk, appeal.id, step)
    c = _clock(desk, appeal.id)
    assert c is not None and not c.is_open and c.seq == 6
    assert desk.appeal_log.count(clerk, LogFilter(open_only=True)) == 0


def test_an_imported_calendar_moves_the_overdue_list(
    desk: Desk, admin: CurrentUser, clerk: CurrentUser, enterprise, clock
) -> None:  # type: ignore[no-untyped-def]
    clock.now = _at("2026-12-24")
    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(enterprise.id, "年末的一般问题", AppealTier.GENERAL, clock.now)
    )
    c = _clock(desk, appeal.id)
    # 2027 has no official calendar yet: weekends and 元旦 only, provisional
    assert c is not None and c.due == D("2027-01-08") and c.provisional
    clock.now = _at("2027-01-09")
    overdue = LogFilter(overdue_only=True)
    assert desk.appeal_log.ids(clerk, overdue) == [appeal.id]
    desk.calendars.import_year(
        admin, '{"year": 2027, "holidays": ["2027-01-01", "2027-01-04"], "workdays": []}'
    )
    c = _clock(desk, appeal.id)
    assert c is not None and c.due == D("2027-01-11") and not c.provisional
    assert desk.appeal_log.ids(clerk, overdue) == []  # two holidays: due on 01-11 now
    assert desk.appeal_log.ids(clerk, LogFilter(due_within=1)) == [appeal.id]
    [row] = desk.appeal_log.page(clerk, LogFilter(), 0, 10)
    assert row.due == D("2027-01-11") and row.working_days_left == 1  # 01-11 only


def test_reconcile_counts_what_was_written_around_the_hook(sqlite_desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.services.demo_data import ensure_demo_users

    desk = sqlite_desk
    admin = ensure_demo_users(desk.ctx)
    clerk = desk.auth.login("clerk", "Clerk2026")
    e = desk.enterprises.create(clerk, EnterpriseDraft(name="崧厦伞业", uscc="91330604QU4AX6JM2M"))
    clock.now = _at("2026-03-02")
    a = desk.appeals.open_appeal(clerk, AppealDraft(e.id, "甲", AppealTier.SIMPLE, clock.now))
    b = desk.appeals.open_appeal(clerk, AppealDraft(e.id, "乙", AppealTier.MAJOR, clock.now))
    today = D("2026-03-02")
    assert appeal_clocks.reconcile(desk.ctx.factory, today) == 2  # no calendar recorded yet
    assert appeal_clocks.reconcile(desk.ctx.factory, today) == 0  # nothing to do
    # A bulk statement (or sync) adds a step and loses a clock: the hook never saw them.
    with desk.ctx.factory() as s, s.begin():
        s.execute(delete(LocalAppealClock).where(LocalAppealClock.appeal_id == a.id))
        s.execute(
            insert(AppealEvent),
            [dict(id=new_id(), appeal_id=b.id, seq=2, action="pause", on=today, at=clock.now,
                  user_id=admin.id, role="clerk", text="等材料", department_ids=[], forward_id="",
                  participants="")],
        )  # fmt: skip
    assert _clock(desk, a.id) is None
    with desk.ctx.engine.connect() as connection:
        assert not appeal_clocks.caught_up(connection)  # the quick check sees both
    assert appeal_clocks.reconcile(desk.ctx.factory, today) == 2
    with desk.ctx.engine.connect() as connection:
        assert appeal_clocks.caught_up(connection)
    ca, cb = _clock(desk, a.id), _clock(desk, b.id)
    assert ca is not None and ca.due == D("2026-03-03")
    assert cb is not None and cb.due == date.max and cb.seq == 2
    # The built-in calendar of 2026 changes (a new chinesecalendar): its clocks are counted again.
    with desk.ctx.factory() as s, s.begin():
        s.execute(
            update(LocalAppealClock)
            .where(LocalAppealClock.appeal_id == a.id)
            .values(due=D("2030-01-01"))
        )
        raw = s.scalar(
            select(LocalSetting.value).where(LocalSetting.key == appeal_clocks.FINGERPRINT_KEY)
        )
        assert raw is not None and '"2026"' in raw
        s.execute(
            update(LocalSetting)
            .where(LocalSetting.key == appeal_clocks.FINGERPRINT_KEY)
            .values(value=raw.replace('"2026": "', '"2026": "x'))
        )
    assert appeal_clocks.reconcile(desk.ctx.factory, today) >= 1
    ca = _clock(desk, a.id)
    assert ca is not None and ca.due == D("2026-03-03")


def test_a_desk_upgraded_to_the_reply_rule_counts_its_old_clocks_again(
    sqlite_desk: Desk, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Clocks counted by an older release ran on after the reply to the enterprise (and so
    listed a replied appeal as overdue); the first start after the upgrade counts them again."""
    from compliance_desk.services.demo_data import ensure_demo_users

    desk = sqlite_desk
    ensure_demo_users(desk.ctx)
    clerk = desk.auth.login("clerk", "Clerk2026")
    e = desk.enterprises.create(clerk, EnterpriseDraft(name="崧厦伞业", uscc="91330604QU4AX6JM2M"))
    clock.now = _at("2026-03-02")
    a = desk.appeals.open_appeal(clerk, AppealDraft(e.id, "甲", AppealTier.SIMPLE, clock.now))
    for step in (Step(Action.ANSWER, D("2026-03-02"), "答"), Step(Action.REPLY, D("2026-03-02"), "复")):  # fmt: skip
        desk.appeals.act(clerk, a.id, step)
    today = D("2026-03-10")
    # As the older release left it: its rules in the fingerprints, the replied clock running.
    monkeypatch.setattr(appeal_clocks, "RULES", 1)
    appeal_clocks.reconcile(desk.ctx.factory, today)
    with desk.ctx.factory() as s, s.begin():
        s.execute(
            update(LocalAppealClock).where(LocalAppealClock.appeal_id == a.id).values(is_open=True)
        )
    clock.now = _at("2026-03-10")
    overdue = LogFilter(overdue_only=True)
    assert desk.appeal_log.ids(clerk, overdue) == [a.id]
    assert appeal_clocks.reconcile(desk.ctx.factory, today) == 0  # same rules: nothing to do
    monkeypatch.setattr(appeal_clocks, "RULES", 2)
    assert appeal_clocks.reconcile(desk.ctx.factory, today) == 1
    assert desk.appeal_log.ids(clerk, overdue) == []
    c = _clock(desk, a.id)
    assert c is not None and not c.is_open and c.due == D("2026-03-03")
    assert appeal_clocks.reconcile(desk.ctx.factory, today) == 0


def test_the_logs_sql_filters_agree_with_the_clocks_it_shows(sqlite_desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    """Over the demo's 300 appeals and several days: what SQL keeps for 'overdue' and 'due
    within N working days', and its deadline order, equal what the rows derive on screen."""
    from compliance_desk.services.demo_data import load_demo

    desk = sqlite_desk
    load_demo(desk.ctx, "small")
    clerk = desk.auth.login("clerk", "Clerk2026")
    log = desk.appeal_log
    for day in ("2026-03-02", "2026-03-06", "2026-04-03"):  # a Friday before a holiday too
        clock.now = _at(day)
        rows = log.page(clerk, LogFilter(open_only=True), 0, 1000)
        assert len(rows) == log.count(clerk, LogFilter(open_only=True)) > 10
        overdue = {r.id for r in rows if r.overdue}
        assert overdue and set(log.ids(clerk, LogFilter(overdue_only=True))) == overdue
        for n in (0, 1, 3, 10):
            expected = {
                r.id
                for r in rows
                if r.overdue or (r.working_days_left is not None and r.working_days_left <= n)
            }
            assert set(log.ids(clerk, LogFilter(due_within=n))) == expected, (day, n)
        by_due = log.page(clerk, LogFilter(open_only=True, sort="due", descending=False), 0, 1000)
        dues = [r.due or date.max for r in by_due]
        assert dues == sorted(dues)
    with desk.ctx.factory() as s:  # the demo's bulk load wrote each forward's department
        assert s.scalar(select(LocalAppealDepartment.department_id).limit(1)) is not None


def test_the_large_demo_copies_timelines_that_still_replay(
    sqlite_desk: Desk, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Beyond its unique timelines the demo copies them under new ids: every copy replays to
    the clock it was loaded with, and no id or number repeats."""
    from sqlalchemy import func

    from compliance_desk.persistence.models import Appeal
    from compliance_desk.services import demo_data

    desk = sqlite_desk
    demo_data.load_demo(desk.ctx, "small", appeals=0)
    monkeypatch.setattr(demo_data, "UNIQUE_TIMELINES", 50)
    assert demo_data.load_demo_appeals(desk.ctx, 230) == 230  # 4 per timeline, cut at 230
    with desk.ctx.factory() as s:
        assert s.scalar(select(func.count(func.distinct(Appeal.number)))) == 230
        assert s.scalar(select(func.count(func.distinct(AppealEvent.id)))) == s.scalar(
            select(func.count()).select_from(AppealEvent)
        )
        loaded = {
            c.appeal_id: (c.is_open, c.due, c.seq) for c in s.scalars(select(LocalAppealClock))
        }
        forwarded = s.scalar(select(func.count()).select_from(LocalAppealDepartment))
        ids = list(s.scalars(select(Appeal.id)))
    with desk.ctx.engine.begin() as connection:
        assert appeal_clocks.refresh(connection, ids) == 230
    with desk.ctx.factory() as s:
        again = {
            c.appeal_id: (c.is_open, c.due, c.seq) for c in s.scalars(select(LocalAppealClock))
        }
        assert s.scalar(select(func.count()).select_from(LocalAppealDepartment)) == forwarded > 0
    assert again == loaded and len(loaded) == 230


@pytest.mark.parametrize(
    ("walk_at", "common_text", "text_walk_at", "budget"),
    [(0, 0, 0, 60.0), (0, 10**9, 0, 60.0), (10**9, 10**9, 10**9, 60.0), (0, 0, 0, 0.0)],
    ids=["index-walk", "probe-walk", "filter-then-sort", "walk-over-budget"],
)
def test_every_order_pages_through_the_whole_filter_once(
    sqlite_desk: Desk,
    clock,
    monkeypatch,
    walk_at: int,
    common_text: int,
    text_walk_at: int,
    budget: float,
) -> None:  # type: ignore[no-untyped-def]
    """Every way of fetching a page (walking the order's index, testing a common word row by
    row or probing a frequent word's list of matches as it walks, filtering then sorting, a
    walk stopped over its budget and done the other way) gives, for every column and
    direction, pages that cover the filter exactly once, in the order the column shows, and
    the same rows as the text itself says."""
    from compliance_desk.domain.appeal_workflow import AppealState
    from compliance_desk.domain.deadlines import AppealTier as Tier
    from compliance_desk.persistence import interrupt
    from compliance_desk.services import appeals as appeals_module
    from compliance_desk.services.appeals import SORT_KEYS
    from compliance_desk.services.demo_data import load_demo

    monkeypatch.setattr(appeals_module, "WALK_AT", walk_at)
    monkeypatch.setattr(appeals_module, "COMMON_TEXT", common_text)
    monkeypatch.setattr(appeals_module, "TEXT_WALK_AT", text_walk_at)
    monkeypatch.setattr(appeals_module, "WALK_BUDGET", budget)
    monkeypatch.setattr(interrupt, "STEPS", 1 if budget == 0 else interrupt.STEPS)
    desk = sqlite_desk
    load_demo(desk.ctx, "small")
    clerk = desk.auth.login("clerk", "Clerk2026")
    clock.now = _at("2026-03-06")
    log = desk.appeal_log
    tax = desk.reference.lookup(clerk, "department")["税务局"]
    rows = log.page(clerk, LogFilter(), 0, 1000)
    prefix = rows[0].number[:6]
    statements: list[str] = []

    def spy(_c, _cur, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    from sqlalchemy import event

    event.listen(desk.ctx.engine, "before_cursor_execute", spy)
    for query in ("伞", "合同", "劳动合同", prefix, "%"):  # the text filter, against the rows
        expected = {
            r.id
            for r in rows
            if query in r.title
            or query in r.enterprise_name
            or (r.number.startswith(query) if query.isdigit() else query in r.number)
        }
        assert set(log.ids(clerk, LogFilter(text=query))) == expected, query
        assert log.count(clerk, LogFilter(text=query)) == len(expected)
        # with a small filter beside the word (a department's open appeals)
        small = LogFilter(open_only=True, department_id=tax)
        both = set(log.ids(clerk, small)) & expected
        assert set(log.ids(clerk, LogFilter(**{**small.__dict__, "text": query}))) == both
        assert log.count(clerk, LogFilter(**{**small.__dict__, "text": query})) == len(both)
    event.remove(desk.ctx.engine, "before_cursor_execute", spy)
    probed = [s for s in statements if "+appeal.rowid IN" in s]
    assert bool(probed) == (text_walk_at < common_text), probed  # the plan meant was run
    for base in (
        LogFilter(open_only=True),
        LogFilter(),
        LogFilter(department_id=tax),
        LogFilter(overdue_only=True),
        LogFilter(due_within=3),
    ):
        everyone = set(log.ids(clerk, base))
        assert len(everyone) == log.count(clerk, base) > 0
        for key in SORT_KEYS:
            for descending in (False, True):
                flt = LogFilter(**{**base.__dict__, "sort": key, "descending": descending})
                assert log.count(clerk, flt) == len(everyone), (key, descending)
                seen = [r for n in range(0, len(everyone), 7) for r in log.page(clerk, flt, n, 7)]
                assert [r.id for r in seen if r.id not in everyone] == []
                assert len(seen) == len(everyone) == len({r.id for r in seen}), (key, descending)
                shown = {
                    "number": lambda r: r.number,
                    "title": lambda r: r.title,
                    "tier": lambda r: Tier(r.tier).rank,
                    "state": lambda r: list(AppealState).index(r.state),
                    "received": lambda r: r.received_at,
                    "due": lambda r: r.due or date.max,
                    "left": lambda r: r.due or date.max,
                }.get(key)
                if shown is not None:
                    values = [shown(r) for r in seen]
                    assert values == sorted(values, reverse=descending), (key, descending)
    if budget == 0:  # every walk was stopped and done the other way
        assert log._no_walk  # noqa: SLF001


def test_a_renamed_enterprise_moves_its_appeals_in_the_name_order(
    desk: Desk, clerk: CurrentUser, clock
) -> None:  # type: ignore[no-untyped-def]
    from compliance_desk.domain.enterprise import EnterpriseDraft as Draft

    clock.now = _at("2026-03-02")
    a = desk.enterprises.create(clerk, Draft(name="安吉伞业", uscc="91330604QU4AX6JM2M"))
    z = desk.enterprises.create(clerk, Draft(name="仲夏游戏", uscc="91330604MA2BCDEF1M"))
    first = desk.appeals.open_appeal(clerk, AppealDraft(a.id, "甲", AppealTier.SIMPLE, clock.now))
    second = desk.appeals.open_appeal(clerk, AppealDraft(z.id, "乙", AppealTier.SIMPLE, clock.now))
    by_name = LogFilter(sort="enterprise", descending=False)
    assert desk.appeal_log.ids(clerk, by_name) == [first.id, second.id]  # an… before zh…
    current = desk.enterprises.get(clerk, a.id)
    desk.enterprises.update(
        clerk, a.id, Draft(name="祝家伞业", uscc=current.uscc), current.row_version
    )
    assert desk.appeal_log.ids(clerk, by_name) == [second.id, first.id]  # zhong… before zhu…
    # and the text filter finds it by its new name only
    assert desk.appeal_log.ids(clerk, LogFilter(text="祝家")) == [first.id]
    assert desk.appeal_log.ids(clerk, LogFilter(text="安吉")) == []
    # a new name that reads the same in pinyin (华新 / 华鑫) still moves the text filter
    current = desk.enterprises.get(clerk, z.id)
    desk.enterprises.update(
        clerk, z.id, Draft(name="华新游戏", uscc=current.uscc), current.row_version
    )
    current = desk.enterprises.get(clerk, z.id)
    desk.enterprises.update(
        clerk, z.id, Draft(name="华鑫游戏", uscc=current.uscc), current.row_version
    )
    assert desk.appeal_log.ids(clerk, LogFilter(text="华鑫")) == [second.id]
    assert desk.appeal_log.ids(clerk, LogFilter(text="华新")) == []


def test_the_text_index_is_rebuilt_when_the_appeals_were_renumbered(
    sqlite_desk: Desk, clock
) -> None:  # type: ignore[no-untyped-def]
    """The text index is keyed by the appeals' SQLite rowids; a VACUUM may renumber them.
    Reconcile notices (the index's ends no longer name the same appeals) and rebuilds it."""
    from sqlalchemy import text

    from compliance_desk.services.demo_data import load_demo

    desk = sqlite_desk
    load_demo(desk.ctx, "small", appeals=40)
    clerk = desk.auth.login("clerk", "Clerk2026")
    title = desk.appeal_log.page(clerk, LogFilter(), 0, 1)[0].title
    found = set(desk.appeal_log.ids(clerk, LogFilter(text=title)))
    assert found
    with desk.ctx.engine.begin() as c:  # what a VACUUM may do: other rowids for the same rows
        c.execute(text("UPDATE appeal SET rowid = rowid + 1000"))
    assert desk.appeal_log.ids(clerk, LogFilter(text=title)) == []  # the index points nowhere
    appeal_clocks.reconcile(desk.ctx.factory, D("2026-03-02"))
    assert set(desk.appeal_log.ids(clerk, LogFilter(text=title))) == found


def test_a_count_no_longer_wanted_stops_early(sqlite_desk: Desk, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The clerk moved on to another filter: the count still running for the old one ends at
    once (its worker is wanted for the new page); unstopped, it counts to the end."""
    from compliance_desk.persistence import interrupt
    from compliance_desk.services.demo_data import load_demo

    desk = sqlite_desk
    load_demo(desk.ctx, "small")
    clerk = desk.auth.login("clerk", "Clerk2026")
    clock.now = _at("2026-03-06")
    monkeypatch.setattr(interrupt, "STEPS", 10)
    everything = len(desk.appeal_log.ids(clerk, LogFilter()))
    assert desk.appeal_log.count(clerk, LogFilter(), lambda: False) == everything > 100
    with pytest.raises(interrupt.Interrupted):
        desk.appeal_log.count(clerk, LogFilter(), lambda: True)
    # and the desk's connections are fine afterwards
    assert desk.appeal_log.count(clerk, LogFilter()) == everything


def test_two_transactions_rewriting_one_clock_both_succeed(
    desk: Desk, clerk: CurrentUser, clock
) -> None:  # type: ignore[no-untyped-def]
    """On a shared database a step here and a reconcile elsewhere may rewrite one appeal's
    clock at once: the second waits for the first and overwrites; neither fails on the key."""
    import threading

    clock.now = _at("2026-03-02")
    firm = desk.enterprises.create(
        clerk, EnterpriseDraft(name="同时伞业", uscc="91330604QU4AX6JM2M")
    )
    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(firm.id, "两处同时", AppealTier.GENERAL, clock.now)
    )
    engine = desk.ctx.engine
    first = engine.connect()
    first.begin()
    assert appeal_clocks.refresh(first, [appeal.id]) == 1  # holds the clock's row now
    errors: list[BaseException] = []

    def second() -> None:
        try:
            with engine.begin() as connection:
                appeal_clocks.refresh(connection, [appeal.id])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    other = threading.Thread(target=second)
    other.start()
    other.join(0.5)  # PostgreSQL: waiting on the first's row lock; SQLite: waiting to write
    first.commit()
    first.close()
    other.join(30)
    assert not other.is_alive() and errors == []
    found = _clock(desk, appeal.id)
    assert found is not None and found.due == D("2026-03-16")  # 10 working days after 03-02
    with desk.ctx.factory() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(LocalAppealClock)
                .where(LocalAppealClock.appeal_id == appeal.id)
            )
            == 1
        )


def test_digits_find_an_appeal_by_its_numbers_start_on_every_database(
    desk: Desk, clerk: CurrentUser, clock
) -> None:  # type: ignore[no-untyped-def]
    """A clerk typing digits looks for an appeal number: its start, the same on SQLite and on
    PostgreSQL (not digits inside a title or in the middle of a number)."""
    clock.now = _at("2026-03-02")
    firm = desk.enterprises.create(
        clerk, EnterpriseDraft(name="数字伞业", uscc="91330604QU4AX6JM2M")
    )
    a = desk.appeals.open_appeal(
        clerk, AppealDraft(firm.id, "房租问题", AppealTier.SIMPLE, clock.now)
    )
    b = desk.appeals.open_appeal(
        clerk, AppealDraft(firm.id, "编号0302的问题", AppealTier.SIMPLE, clock.now)
    )
    assert a.number.startswith("20260302")
    log = desk.appeal_log
    assert set(log.ids(clerk, LogFilter(text="20260302"))) == {a.id, b.id}
    assert log.ids(clerk, LogFilter(text=a.number)) == [a.id]
    assert log.ids(clerk, LogFilter(text="0302")) == []
    assert log.count(clerk, LogFilter(text="0302")) == 0
    assert log.ids(clerk, LogFilter(text="编号0302")) == [b.id]  # words: anywhere in the title


def test_a_word_whose_walk_ran_over_budget_is_collected_from_then_on(
    sqlite_desk: Desk, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """A common word's walk stopped over its budget: that filter's later pages collect the
    word's matches; never the row-by-row test without the walk (a million full-text look-ups,
    13 s on the bench)."""
    from sqlalchemy import event

    from compliance_desk.persistence import interrupt
    from compliance_desk.services import appeals as appeals_module
    from compliance_desk.services.demo_data import load_demo

    desk = sqlite_desk
    load_demo(desk.ctx, "small")
    clerk = desk.auth.login("clerk", "Clerk2026")
    clock.now = _at("2026-03-06")
    monkeypatch.setattr(appeals_module, "WALK_AT", 0)
    monkeypatch.setattr(appeals_module, "COMMON_TEXT", 0)
    monkeypatch.setattr(appeals_module, "WALK_BUDGET", 0.0)
    monkeypatch.setattr(interrupt, "STEPS", 1)
    flt = LogFilter(text="伞", open_only=True)
    first = desk.appeal_log.ids(clerk, flt, 0, 20)  # walked, stopped, collected
    seen: list[str] = []

    def spy(_c, _cur, statement, *_rest) -> None:  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(desk.ctx.engine, "before_cursor_execute", spy)
    try:
        assert desk.appeal_log.ids(clerk, flt, 0, 20) == first
    finally:
        event.remove(desk.ctx.engine, "before_cursor_execute", spy)
    pages = [s for s in seen if "local_appeal_text" in s]
    assert pages and not any("EXISTS" in s for s in pages), pages


def test_a_clock_is_never_overwritten_by_one_counted_from_an_earlier_step(
    desk: Desk, clerk: CurrentUser, clock
) -> None:  # type: ignore[no-untyped-def]
    """A reconcile that read the timeline before another desk's step committed must not write
    its older clock over the newer one (it waits for the row, then leaves it)."""
    clock.now = _at("2026-03-02")
    firm = desk.enterprises.create(
        clerk, EnterpriseDraft(name="先后伞业", uscc="91330604QU4AX6JM2M")
    )
    appeal = desk.appeals.open_appeal(
        clerk, AppealDraft(firm.id, "先后两步", AppealTier.GENERAL, clock.now)
    )
    current = _clock(desk, appeal.id)
    assert current is not None
    with desk.ctx.engine.begin() as connection:  # as if a later step had been counted already
        connection.execute(
            update(LocalAppealClock)
            .where(LocalAppealClock.appeal_id == appeal.id)
            .values(seq=current.seq + 1, due=D("2026-04-30"))
        )
    with desk.ctx.engine.begin() as connection:
        appeal_clocks.refresh(connection, [appeal.id])  # counted from the earlier timeline
    kept = _clock(desk, appeal.id)
    assert kept is not None and kept.seq == current.seq + 1 and kept.due == D("2026-04-30")


def test_a_calendar_imported_while_reconcile_runs_leaves_no_clock_on_the_old_one(
    desk: Desk, admin: CurrentUser, clerk: CurrentUser, enterprise, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The administrator imports next year's calendar while the start-up check is counting
    clocks chunk by chunk: every clock ends on the new calendar, and the new one is recorded."""
    clock.now = _at("2026-12-24")
    ids = [
        desk.appeals.open_appeal(
            clerk, AppealDraft(enterprise.id, f"年末问题{n}", AppealTier.GENERAL, clock.now)
        ).id
        for n in range(3)
    ]
    with desk.ctx.factory() as s, s.begin():  # lost clocks: the check has three to count
        s.execute(delete(LocalAppealClock).where(LocalAppealClock.appeal_id.in_(ids)))
    chunks = appeal_clocks._chunks
    imported: list[bool] = []

    def one_by_one_with_an_import(todo):  # type: ignore[no-untyped-def]
        for n, appeal_id in enumerate(todo):
            if n == 1 and not imported:  # the first clock is counted and committed: 2027 arrives
                imported.append(True)
                desk.calendars.import_year(
                    admin,
                    '{"year": 2027, "holidays": ["2027-01-01", "2027-01-04"], "workdays": []}',
                )
            yield [appeal_id]

    monkeypatch.setattr(appeal_clocks, "_chunks", one_by_one_with_an_import)
    appeal_clocks.reconcile(desk.ctx.factory, D("2026-12-24"))
    assert imported
    for appeal_id in ids:
        c = _clock(desk, appeal_id)
        assert c is not None and c.due == D("2027-01-11") and not c.provisional
    monkeypatch.setattr(appeal_clocks, "_chunks", chunks)
    with desk.ctx.engine.connect() as connection:  # the new calendar is the one recorded
        assert appeal_clocks.caught_up(connection)
    assert appeal_clocks.reconcile(desk.ctx.factory, D("2026-12-24")) == 0


def test_a_stopped_reconcile_writes_nothing_half_and_the_next_one_finishes(
    sqlite_desk: Desk, clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Closing the app stops the start-up check: a read in progress is interrupted, a batch in
    progress is rolled back, whole batches stay; the next reconcile counts the rest."""
    from compliance_desk.persistence import interrupt
    from compliance_desk.persistence.interrupt import Interrupted
    from compliance_desk.services.demo_data import load_demo

    desk = sqlite_desk
    load_demo(desk.ctx, "small")
    with desk.ctx.engine.begin() as c:
        c.execute(delete(LocalAppealClock))
    today = D("2026-03-02")
    monkeypatch.setattr(interrupt, "STEPS", 1)
    with pytest.raises(Interrupted):  # stopped from the start: in its first read
        appeal_clocks.reconcile(desk.ctx.factory, today, lambda: True)
    with desk.ctx.factory() as s:
        assert s.scalar(select(func.count()).select_from(LocalAppealClock)) == 0
    monkeypatch.setattr(appeal_clocks, "CHUNK", 50)
    batches = {"n": 0}
    refresh = appeal_clocks.refresh

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        batches["n"] += 1
        return refresh(*args, **kwargs)

    monkeypatch.setattr(appeal_clocks, "refresh", counted)
    with pytest.raises(Interrupted):  # stopped in its third batch's statements
        appeal_clocks.reconcile(desk.ctx.factory, today, lambda: batches["n"] >= 3)
    with desk.ctx.factory() as s:
        assert s.scalar(select(func.count()).select_from(LocalAppealClock)) == 100
    assert appeal_clocks.reconcile(desk.ctx.factory, today) >= 200
    with desk.ctx.engine.connect() as connection:
        assert appeal_clocks.caught_up(connection)
