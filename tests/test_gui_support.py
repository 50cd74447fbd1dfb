"""Helpers for GUI tests (no tests here)."""

from __future__ import annotations

import uuid

from compliance_desk.services.dto import EnterpriseView


def fake_view(enterprise_id: uuid.UUID) -> EnterpriseView:
    return EnterpriseView.placeholder(enterprise_id, f"企业{enterprise_id.hex[:6]}", False)


def test_a_result_for_a_closed_window_is_dropped_not_raised(qtbot) -> None:  # type: ignore[no-untyped-def]
    import shiboken6
    from PySide6.QtWidgets import QLabel

    from compliance_desk.gui.tasks import TaskRunner

    runner = TaskRunner()
    label = QLabel()
    shiboken6.delete(label)  # the page was closed before the task finished
    done: list[str] = []
    runner.run(lambda: "late", lambda text: (done.append(text), label.setText(text)), print)
    qtbot.waitUntil(lambda: bool(done) and not runner._timer.isActive(), timeout=3000)

    def broken(_result: object) -> None:
        raise RuntimeError("a real bug")

    with qtbot.captureExceptions() as raised:  # a real bug still surfaces (crash dialog)
        runner.run(lambda: "x", broken, print)
        qtbot.waitUntil(lambda: bool(raised), timeout=3000)
    assert "a real bug" in str(raised[0][1])
    runner.shutdown()
    # the window is closing: a result delivered late that asks for more work gets none
    asked: list[str] = []
    runner.run(lambda: asked.append("ran"), print, print)
    assert asked == [] and runner._pending == 0  # noqa: SLF001


def test_thousands_of_background_tasks_leave_python_intact(qtbot) -> None:  # type: ignore[no-untyped-def]
    """PySide6 6.12 drops a reference to True/None with every signal emitted from a worker
    thread; after a few thousand the process aborted.  The runner emits no such signal: the
    reference counts of the singletons stay put over 5,000 tasks, with progress reports."""
    import gc
    import sys

    from compliance_desk.gui.tasks import CancelToken, TaskRunner

    runner = TaskRunner()
    report = runner.progress_reporter(CancelToken(), lambda done, total: None)
    delivered = [0, 0]  # results that were None, anything else (errors included)

    def count(result: object) -> None:
        delivered[0 if result is None else 1] += 1

    def batch(size: int) -> None:
        for n in range(size):
            runner.run(lambda n=n: report(n, size) and None, count, count)
        total = sum(delivered) + size
        qtbot.waitUntil(lambda: sum(delivered) == total, timeout=30000)
        gc.collect()

    batch(200)  # the executor's threads and the timer are made here
    before = sys.getrefcount(True), sys.getrefcount(None)
    batch(5000)
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert delivered == [5200, 0]
    assert abs(after[0] - before[0]) < 50 and abs(after[1] - before[1]) < 50
    qtbot.waitUntil(lambda: not runner._timer.isActive(), timeout=3000)  # idle: no polling
    runner.shutdown()


def test_the_qt_binding_keeps_reference_counts(qtbot) -> None:  # type: ignore[no-untyped-def]
    """The reason PySide6 is pinned below 6.12: there, each emit() lost a reference to True and
    each processEvents() one to None, and the desk aborted after a working day."""
    import gc
    import sys

    from PySide6.QtCore import QCoreApplication, QObject, Signal

    class Source(QObject):
        fired = Signal(int)

    source, seen = Source(), []
    source.fired.connect(seen.append)
    gc.collect()
    before = sys.getrefcount(True), sys.getrefcount(None)
    for n in range(500):
        source.fired.emit(n)
        QCoreApplication.processEvents()
    gc.collect()
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert len(seen) == 500
    assert abs(after[0] - before[0]) < 50 and abs(after[1] - before[1]) < 50
