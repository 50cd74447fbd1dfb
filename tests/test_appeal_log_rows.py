"""The appeal log's rows: an appeal whose timeline does not replay keeps its row, marked, so a
page is never short and the pages after it do not shift."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, insert

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.appeal_workflow import AppealState
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.domain.enterprise import EnterpriseDraft
from compliance_desk.domain.front_desk import AppealDraft
from compliance_desk.domain.ids import new_id
from compliance_desk.persistence.models import AppealEvent
from compliance_desk.services.appeals import LogFilter
from compliance_desk.services.context import CurrentUser

CN = timezone(timedelta(hours=8))


def test_an_appeal_whose_timeline_does_not_replay_is_still_listed_marked(
    desk: Desk, clerk: CurrentUser, admin: CurrentUser, clock
) -> None:  # type: ignore[no-untyped-def]
    e = desk.enterprises.create(clerk, EnterpriseDraft(name="崧厦伞业", uscc="91330604QU4AX6JM2M"))
    opened = []
    for n, title in enumerate(("甲", "乙", "丙", "丁")):
        clock.now = datetime(2026, 3, 2, 9 + n, tzinfo=CN)
        opened.append(
            desk.appeals.open_appeal(clerk, AppealDraft(e.id, title, AppealTier.GENERAL, clock.now))
        )
    good_a, refused, no_accept, good_b = opened
    with desk.ctx.factory() as s, s.begin():  # written around the service (a bad sync, a tool)
        s.execute(
            insert(AppealEvent),
            [dict(id=new_id(), appeal_id=refused.id, seq=2, action="close", on=clock.now.date(),
                  at=clock.now, user_id=admin.id, role="clerk", text="", department_ids=[],
                  forward_id="", participants="", rating=5)],
        )  # fmt: skip
    with desk.ctx.engine.begin() as c:  # below the ORM (its sync capture refuses deletes)
        c.execute(delete(AppealEvent).where(AppealEvent.appeal_id == no_accept.id))
    log = desk.appeal_log
    ids = log.ids(clerk, LogFilter())  # newest first
    assert ids == [good_b.id, no_accept.id, refused.id, good_a.id]
    rows = log.rows(clerk, ids)
    assert [r.id for r in rows] == ids  # none left out
    shown = {r.id: r for r in rows}
    assert shown[good_a.id].timeline_ok and shown[good_b.id].timeline_ok
    # the refused close: marked, its clock as far as the timeline replays (accepted, general)
    bad = shown[refused.id]
    assert not bad.timeline_ok and bad.state is AppealState.ACCEPTED
    assert bad.due == shown[good_a.id].due is not None and bad.title == "乙"
    # no accept step at all: the row's own tier and state, no clock
    none = shown[no_accept.id]
    assert not none.timeline_ok and none.due is None and none.working_days_left is None
    assert none.tier is AppealTier.GENERAL and none.state is AppealState.ACCEPTED
    # pages by offset cover every appeal once, whatever their timelines
    pages = [r.id for n in (0, 2) for r in log.page(clerk, LogFilter(), n, 2)]
    assert pages == ids


def test_overdue_and_due_soon_newest_first_are_the_plain_querys_rows(desk: Desk, clock) -> None:  # type: ignore[no-untyped-def]
    """The overdue and due-soon filters in receipt order read the receipt copied into the
    clocks (their own index): the same rows as the filter in another order, in the order of
    the appeals' own receipt (then id), both ways, on SQLite and PostgreSQL."""
    from compliance_desk.services.demo_data import load_demo

    load_demo(desk.ctx, "small")
    clerk = desk.auth.login("clerk", "Clerk2026")
    clock.now = datetime(2026, 3, 6, 10, tzinfo=CN)
    log = desk.appeal_log
    everyone = {r.id: r for r in log.page(clerk, LogFilter(), 0, 1000)}
    overdue = {i for i, r in everyone.items() if r.overdue}
    assert overdue
    for base in (LogFilter(overdue_only=True), LogFilter(due_within=3, open_only=True)):
        plain = set(log.ids(clerk, LogFilter(**{**base.__dict__, "sort": "number"})))
        assert plain and log.count(clerk, base) == len(plain)
        if base.overdue_only:
            assert plain == overdue
        for descending in (True, False):
            flt = LogFilter(**{**base.__dict__, "sort": "received", "descending": descending})
            expected = sorted(plain, key=lambda i: (everyone[i].received_at, i), reverse=descending)
            assert log.ids(clerk, flt) == expected
            paged = [r.id for n in range(0, len(plain), 7) for r in log.page(clerk, flt, n, 7)]
            assert paged == expected
