"""Sync in the window: background runs, the status bar's states, the conflicts view.

Real widgets offscreen, the real server app on a real PostgreSQL, SQLite laptops (sync_support).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from compliance_desk.bootstrap import Desk
from compliance_desk.gui import i18n
from compliance_desk.gui.conflicts_page import ConflictsPage
from compliance_desk.gui.main_window import MainWindow
from compliance_desk.gui.tasks import TaskRunner
from compliance_desk.server import devices
from compliance_desk.services.demo_data import load_demo
from tests.sync_support import Laptop, Rig
from tests.test_sync import create, draft, edit, outbox

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module", autouse=True)
def chinese(qapp: QApplication) -> Iterator[None]:
    keep = i18n.install(qapp)
    yield
    del keep


def window_for(qtbot, laptop: Laptop, runner: TaskRunner | None = None) -> MainWindow:  # type: ignore[no-untyped-def]
    w = MainWindow(
        laptop.desk, laptop.user(), runner or TaskRunner(synchronous=True), sync_service=laptop.sync
    )
    qtbot.addWidget(w)
    w.show()
    return w


def test_a_device_not_enrolled_says_so_and_has_no_timer(qtbot, sqlite_desk: Desk) -> None:  # type: ignore[no-untyped-def]
    load_demo(sqlite_desk.ctx, "small")
    user = sqlite_desk.auth.login("clerk", "Clerk2026")
    w = MainWindow(sqlite_desk, user, TaskRunner(synchronous=True))
    qtbot.addWidget(w)
    assert w.sync_label.text() == "同步：未登记同步（仅本机数据）"
    assert not w.background_sync.scheduled and w.conflicts_page is None
    assert not w.sync_status.conflicts_button.isVisibleTo(w)
    w.sync_now_action.trigger()
    assert "未登记同步" in w.statusBar().currentMessage()


@pytest.mark.postgres
def test_status_bar_online_waiting_offline_with_back_off_then_online_again(qtbot, rig: Rig) -> None:  # type: ignore[no-untyped-def]
    a = rig.laptop("a")
    a.sync.sync_once()  # the users arrive: someone can sign in on the laptop
    w = window_for(qtbot, a)
    bar = w.sync_status
    assert w.background_sync.state.online is True
    assert bar.state_label.text().startswith("同步：在线，最近同步 ")
    assert bar.waiting_label.text() == "待同步：0"
    assert w.background_sync.next_delay_ms() == 10_000 and w.background_sync.scheduled
    assert w.conflicts_page is not None  # enrolled: the conflicts view is in the navigation

    create(a)  # a local change, then the line goes down
    a.wire.down = True
    w.sync_now_action.trigger()
    state = w.background_sync.state
    assert state.online is False and state.waiting >= 1
    assert bar.waiting_label.text() == f"待同步：{state.waiting}"
    assert "离线" in bar.state_label.text() and "5 秒后重试" in bar.state_label.text()
    assert w.background_sync.next_delay_ms() == 5_000
    delays = []
    for _ in range(4):
        w.background_sync.sync_now()
        delays.append(w.background_sync.next_delay_ms())
    assert delays == [10_000, 30_000, 60_000, 60_000]  # capped
    assert "无法连接同步服务器" in bar.state_label.toolTip()

    a.wire.down = False
    w.sync_now_action.trigger()
    assert w.background_sync.state.online is True and bar.waiting_label.text() == "待同步：0"
    assert w.background_sync.next_delay_ms() == 10_000  # back-off reset
    assert outbox(a, "pending") == []


@pytest.mark.postgres
def test_an_edit_is_sent_within_seconds_not_at_the_next_interval(qtbot, rig: Rig) -> None:  # type: ignore[no-untyped-def]
    a = rig.laptop("a")
    a.sync.sync_once()
    runs: list[int] = []
    sync_once = a.sync.sync_once

    def counted():  # type: ignore[no-untyped-def]
        runs.append(1)
        return sync_once()

    a.sync.sync_once = counted  # type: ignore[method-assign]
    w = window_for(qtbot, a)
    assert w.background_sync.next_delay_ms() == 10_000 and len(runs) == 1
    e = create(a)  # committed through the service, as the enterprise page does
    qtbot.waitUntil(lambda: e.id in rig.server_enterprises(), timeout=4_000)
    assert w.sync_status.waiting_label.text() == "待同步：0" and len(runs) == 2
    qtbot.wait(1_500)  # the sync's own writes (answers, pulled rows) do not start another
    assert len(runs) == 2


@pytest.mark.postgres
def test_a_revoked_device_stops_syncing_says_so_once_and_keeps_its_data(qtbot, rig: Rig) -> None:  # type: ignore[no-untyped-def]
    a = rig.laptop("a")
    a.sync.sync_once()
    w = window_for(qtbot, a)
    e = create(a)
    with rig.server_desk.ctx.factory() as s:
        devices.revoke(s, a.desk.ctx.device_id, "笔记本遗失", rig.clock())
        s.commit()
    said: list[str] = []
    w.background_sync.stopped.connect(said.append)
    w.background_sync.sync_now()
    assert not w.background_sync.scheduled  # no more tries every 10 s
    text = w.sync_label.text()
    assert text.startswith("同步已停止：") and "停用" in text and "本机数据仍完整保存" in text
    w.background_sync.sync_now()  # pressed again: told again in the bar, not a new notice
    assert len(said) == 1 and "停用" in said[0]
    assert e.id in a.enterprises() and len(outbox(a, "pending")) > 0


@pytest.mark.postgres
def test_the_sync_runs_in_a_worker_and_the_window_keeps_responding(qtbot, rig: Rig) -> None:  # type: ignore[no-untyped-def]
    a = rig.laptop("a")
    a.sync.sync_once()
    for n in range(30):
        create(a, f"崧厦第{n}伞业有限公司", _code(n))
    runner = TaskRunner()
    slow = a.wire.handle_request

    def slow_line(request):  # type: ignore[no-untyped-def]
        time.sleep(0.15)  # a slow network: the whole sync takes about a second
        return slow(request)

    a.wire.handle_request = slow_line  # type: ignore[method-assign]
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    started = time.perf_counter()
    w = window_for(qtbot, a, runner)
    qtbot.waitUntil(lambda: w.background_sync.state.last_success is not None, timeout=60_000)
    took = time.perf_counter() - started
    timer.stop()
    runner.shutdown()
    assert w.background_sync.last_thread.startswith("desk-task")
    assert w.background_sync.last_thread != threading.current_thread().name
    gaps = [b - a_ for a_, b in zip(ticks, ticks[1:], strict=False)]
    assert took > 0.3 and len(ticks) > took / 0.1  # the event loop ran all along
    assert max(gaps) < 0.25, f"the event loop stalled {max(gaps):.3f} s during the sync"
    assert rig.server_enterprises().keys() >= {e for e in a.enterprises()}


def _code(n: int) -> str:
    from stdnum.cn import uscc

    body = f"91330604MA2J{n:05d}"
    return body + uscc.calc_check_digit(body)


@pytest.mark.postgres
def test_the_conflicts_view_resolves_a_real_conflict_between_two_laptops(
    qtbot, rig: Rig, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    e = create(a)
    a.sync.sync_once()
    b.sync.sync_once()
    clerk = a.user("clerk")  # the front desk on a, the administrator on the laptop b
    current = a.desk.enterprises.get(clerk, e.id)
    a.desk.enterprises.update(
        clerk, e.id, draft(current, address="上虞区崧厦街道人民西路1号"), current.row_version
    )
    rig.clock.now += timedelta(minutes=7)
    edit(b, e, address="上虞区崧厦街道人民西路18号")
    a.sync.sync_once()
    w = window_for(qtbot, b)  # starts with a sync: the conflict arrives
    button = w.sync_status.conflicts_button
    assert button.isVisibleTo(w) and button.text() == "冲突待处理：1"
    button.click()
    page = w.conflicts_page
    assert isinstance(page, ConflictsPage) and w.pages.currentWidget() is page
    assert page.list.count() == 1 and page.title.text() == f"企业档案：{e.name}"
    mine = page.findChild(type(page.title), "mine_address")
    theirs = page.findChild(type(page.title), "theirs_address")
    assert mine is not None and mine.text() == "上虞区崧厦街道人民西路18号"
    assert theirs is not None and theirs.text() == "上虞区崧厦街道人民西路1号"
    texts = _texts(page)
    assert "企业地址" in texts and "2026-03-02 17:37" in texts and "2026-03-02 17:30" in texts
    assert "陈晓燕" in texts and "王建国" in texts  # who made each side
    w.resize(1280, 760)
    qtbot.wait(50)  # let the layouts settle before the picture
    shot = Path(os.environ.get("CD_CONFLICT_SCREENSHOT") or tmp_path / "conflicts.png")
    assert w.grab().save(str(shot))

    page.buttons["mine"].click()  # keep mine: written locally, synced at once
    assert page.list.count() == 0 and not button.isVisibleTo(w)
    assert rig.server_enterprises()[e.id]["address"] == "上虞区崧厦街道人民西路18号"
    a.sync.sync_once()
    assert a.enterprises() == b.enterprises() == rig.server_enterprises()


def _texts(page: ConflictsPage) -> str:
    from PySide6.QtWidgets import QLabel

    return "\n".join(label.text() for label in page.findChildren(QLabel) if label.isVisibleTo(page))


@pytest.mark.postgres
def test_another_desks_work_appears_in_the_open_list_keeping_the_selection(  # type: ignore[no-untyped-def]
    qtbot, rig: Rig
) -> None:
    import random

    from compliance_desk.services.demo_data import _uscc
    from tests.test_sync_server import _appeal

    a, b = rig.laptop("a"), rig.laptop("b")
    a.sync.sync_once()
    b.sync.sync_once()
    mine = create(a)
    appeal = _appeal(a, mine.id, rig.clock)
    a.sync.sync_once()
    w = window_for(qtbot, a)
    page, log_page = w.enterprise_page, w.log_page
    assert log_page is not None
    w.show_page(page)
    page.table.selectRow(page.model.row_of(mine.id))
    log_page.refresh(select=appeal)
    assert log_page.model.rowCount() == 1
    reloads: list[str] = []
    log_reload = log_page.reload
    log_page.reload = lambda: (reloads.append("log"), log_reload())  # type: ignore[method-assign]

    theirs = create(b, name="上虞区某某游戏科技有限公司", uscc=_uscc(random.Random(7)))
    _appeal(b, theirs.id, rig.clock)
    b.sync.sync_once()
    assert page.model.row_of(theirs.id) < 0  # not here yet
    w.sync_now_action.trigger()  # the background sync brings b's work
    assert page.model.row_of(theirs.id) >= 0  # the list in view shows it at once
    assert page.selected() is not None and page.selected().id == mine.id  # selection kept
    assert reloads == []  # the hidden log waits until it is shown
    w.show_page(log_page)
    assert reloads == ["log"] and log_page.model.rowCount() == 2
    assert log_page.current is not None and log_page.current.id == appeal  # its record kept

    w.sync_now_action.trigger()  # nothing new: nothing read again
    w.show_page(page)
    w.show_page(log_page)
    assert reloads == ["log"]
    edit(a, mine, notes="本机的修改")  # this desk's own edit goes up and comes back: no reload
    w.sync_now_action.trigger()
    assert w.background_sync.state.waiting == 0 and reloads == ["log"]
    w.refresh_action.trigger()  # F5 reads the list in view again
    assert reloads == ["log", "log"]


@pytest.mark.postgres
def test_a_desk_on_the_shared_database_shows_a_devices_conflict_without_deciding_it(  # type: ignore[no-untyped-def]
    qtbot, rig: Rig
) -> None:
    """The server's copy of a laptop's conflict, on a desk working straight on PostgreSQL: both
    values with the laptop's name on its side, no buttons to decide, and why."""
    from compliance_desk.sync.client import SyncService
    from tests.test_sync_conflicts import field_conflict

    _a, b, _e = field_conflict(rig)  # b's address lost to a's
    desk = Laptop(rig.server_desk, b.wire, SyncService(rig.server_desk.ctx), "desk")
    w = window_for(qtbot, desk)
    w.sync_status.conflicts_button.click()
    page = w.conflicts_page
    assert isinstance(page, ConflictsPage) and w.pages.currentWidget() is page
    assert page.list.count() == 1
    page.list.setCurrentRow(0)
    texts = _texts(page)
    assert "设备“b”上的修改" in texts and "须在该设备上处理" in texts
    assert page.buttons == {} and page.edits == {}
    assert w.sync_label.text() == "同步：无需同步（本机直接使用共享数据库）"
    assert w.sync_status.conflicts_button.text() == "各设备的冲突：1"
    w.sync_now_action.trigger()
    assert w.statusBar().currentMessage() == "本机直接使用共享数据库，无需同步。"
    mine = page.findChild(type(page.title), "mine_address")
    assert mine is not None and mine.text() == "崧厦街道二号"
    shot = os.environ.get("CD_DESK_CONFLICT_SCREENSHOT")  # to look at it
    if shot:
        w.resize(1280, 760)
        qtbot.wait(50)
        assert w.grab().save(shot)


@pytest.mark.postgres
def test_a_failure_on_this_computer_is_named_in_chinese_not_blamed_on_the_server(  # type: ignore[no-untyped-def]
    qtbot, rig: Rig, tmp_path: Path
) -> None:
    """A sync that fails here (the disk full: a real SQLite error) says so in the status bar
    in Chinese, red, and retries; it said "server problem" with Python's English in the
    tooltip."""
    from tests.test_failures import disk_full

    a = rig.laptop("a")
    a.sync.sync_once()
    w = window_for(qtbot, a)
    bar = w.sync_status
    full = disk_full(tmp_path)
    real = a.sync.sync_once

    def fails() -> object:
        raise full

    a.sync.sync_once = fails  # type: ignore[method-assign]
    w.sync_now_action.trigger()
    text = bar.state_label.text()
    assert text.startswith("同步：磁盘空间已满") and "5 秒后重试" in text, text
    assert "服务器" not in text and "disk" not in text and "disk" not in bar.state_label.toolTip()
    assert "b00020" in bar.state_label.styleSheet()
    assert w.background_sync.next_delay_ms() == 5_000
    a.sync.sync_once = real  # type: ignore[method-assign]
    w.sync_now_action.trigger()
    assert bar.state_label.text().startswith("同步：在线") and bar.state_label.toolTip() == ""
