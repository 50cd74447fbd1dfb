"""The appeal log page's table and its background work: a row whose timeline does not replay,
a page arriving after the rows changed, and closing while the start-up check still runs."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import delete, func, select

from compliance_desk.bootstrap import Desk
from compliance_desk.domain.appeal_workflow import AppealState
from compliance_desk.domain.deadlines import AppealTier
from compliance_desk.gui import i18n
from compliance_desk.gui.appeal_log_page import UNREADABLE, AppealLogModel, AppealLogPage
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.persistence.models import LocalAppealClock
from compliance_desk.services import appeal_clocks
from compliance_desk.services.appeals import LogRow
from compliance_desk.services.demo_data import load_demo

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module", autouse=True)
def chinese(qapp: QApplication) -> Iterator[None]:
    keep = i18n.install(qapp)
    yield
    del keep


def _row(i: uuid.UUID, title: str = "诉求", timeline_ok: bool = True) -> LogRow:
    return LogRow(i, i.hex[:8], "企业", title, AppealTier.SIMPLE, AppealState.ACCEPTED,
                  datetime(2026, 3, 2, tzinfo=UTC), None, False, False, None,
                  timeline_ok=timeline_ok)  # fmt: skip


def test_a_row_whose_timeline_does_not_replay_is_shown_marked(qtbot) -> None:  # type: ignore[no-untyped-def]
    good, bad = uuid.uuid4(), uuid.uuid4()
    model = AppealLogModel()
    model.set_result(2, [_row(good), _row(bad, timeline_ok=False)])
    assert model.data(model.index(1, 2)) == "诉求"  # the row is there, with its own text
    assert model.data(model.index(1, 7)) == "记录待核对"
    assert model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole) == UNREADABLE
    assert "无法核对" in model.data(model.index(1, 3), Qt.ItemDataRole.ToolTipRole)
    assert model.data(model.index(0, 7)) == ""
    assert model.data(model.index(0, 0), Qt.ItemDataRole.BackgroundRole) is None


def test_a_page_on_its_way_when_the_rows_change_is_ignored_and_asked_again(qtbot) -> None:  # type: ignore[no-untyped-def]
    ids = [uuid.uuid4() for _ in range(1000)]
    titles = {"now": "旧标题"}

    def fetch(offset: int, limit: int) -> list[LogRow]:
        return [_row(i, titles["now"]) for i in ids[offset : offset + limit]]

    waiting: list[tuple[Any, ...]] = []
    model = AppealLogModel()
    model.set_fetch(fetch)
    model.set_loader(lambda work, done, failed: waiting.append((work, done, failed)))
    model.set_result(1000, fetch(0, 100))
    assert model.data(model.index(500, 2)) is None and len(waiting) == 1  # on its way
    work, done, _failed = waiting.pop()
    early = work()  # read before the edit
    titles["now"] = "新标题"
    model.invalidate()  # an edit: every row may have changed
    done(early)  # the late page from before the edit arrives
    assert model.data(model.index(500, 2)) is None  # not shown: asked again instead
    assert len(waiting) == 1
    work, done, _failed = waiting.pop()
    done(work())
    assert model.data(model.index(500, 2)) == "新标题"


def test_closing_stops_the_start_up_check_instead_of_waiting_for_it(
    qtbot, sqlite_desk: Desk, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    load_demo(sqlite_desk.ctx, "small")
    user = sqlite_desk.auth.login("clerk", "Clerk2026")
    with sqlite_desk.ctx.engine.begin() as c:  # clocks lost (an older version, a bulk load)
        c.execute(delete(LocalAppealClock))
    # a slow disk: each batch of clocks takes a while (60 batches, about 6 s in all)
    started = threading.Event()
    refresh = appeal_clocks.refresh

    def slow_refresh(*args: Any, **kwargs: Any) -> int:
        started.set()
        time.sleep(0.1)
        return refresh(*args, **kwargs)

    monkeypatch.setattr(appeal_clocks, "CHUNK", 5)
    monkeypatch.setattr(appeal_clocks, "refresh", slow_refresh)
    runner = TaskRunner()
    page = AppealLogPage(sqlite_desk, user, runner)
    qtbot.addWidget(page)
    page.refresh()
    qtbot.waitUntil(lambda: page._shown_generation == page._generation)  # noqa: SLF001
    assert started.wait(10)  # the check is running, after the first page
    t0 = time.perf_counter()
    runner.shutdown()  # what closing the app does
    assert time.perf_counter() - t0 < 1.5
    with sqlite_desk.ctx.factory() as s:
        kept = s.scalar(select(func.count()).select_from(LocalAppealClock))
    assert kept is not None and 0 < kept < 300  # whole batches kept, the rest left for later
    # the next start finishes the job
    monkeypatch.setattr(appeal_clocks, "refresh", refresh)
    assert sqlite_desk.appeal_log.reconcile() >= 300 - kept
    with sqlite_desk.ctx.engine.connect() as connection:
        assert appeal_clocks.caught_up(connection)


def test_the_count_arrives_after_the_first_page_with_the_apps_runner(
    qtbot, sqlite_desk: Desk
) -> None:  # type: ignore[no-untyped-def]
    """The figure beside the filter is counted once the first page is shown (it may come
    later than the page, never instead of it): the table then holds every row."""
    load_demo(sqlite_desk.ctx, "small")
    user = sqlite_desk.auth.login("clerk", "Clerk2026")
    runner = TaskRunner()
    page = AppealLogPage(sqlite_desk, user, runner)
    qtbot.addWidget(page)
    page.state.setCurrentIndex(1)  # all states: more than a page
    expected = sqlite_desk.appeal_log.count(user, page.current_filter())
    assert expected > page.model.PAGE
    qtbot.waitUntil(lambda: page.model.rowCount() == expected, timeout=10000)
    assert str(expected) in page.count.text()
    runner.shutdown()
