"""After a pull, SQLite's write-ahead log is copied back into the file by a thread of its own
(sync/wal_checkpoint.py): the pull has answered before it, nothing of it is left in the log
after it, one runs at a time for a file (a pull that ends meanwhile has it make one more pass),
and one file's does not hold back another's."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from compliance_desk.bootstrap import Desk, open_desk
from compliance_desk.sync import replica, wal_checkpoint
from tests.conftest import FAST_HASHER, FixedClock

MB = 1_000_000


def _pulled_megabytes(desk: Desk, megabytes: int, tag: str = "bulk") -> None:
    """A pull's worth of writes on the pull's own connection: ``megabytes`` into the log."""
    with replica.pulling(desk.ctx.engine) as connection:
        assert connection is not None
        with desk.ctx.factory(bind=connection) as session:
            for n in range(megabytes * 256):
                replica.set_setting(session, f"{tag}.{n}", f"{n:04d}" * 1000)  # 4 kB each
            session.commit()


def _size(desk: Desk) -> int:
    return Path(str(desk.ctx.engine.url.database)).stat().st_size


def _around_each_pass(
    monkeypatch: pytest.MonkeyPatch,
    before: Callable[[], object] = lambda: None,
    after: Callable[[], object] = lambda: None,
) -> list[int]:
    """Each checkpoint pass with ``before`` and ``after`` it; the passes done, counted."""
    passes = [0]
    real = wal_checkpoint._pass

    def wrapped(engine: Engine) -> None:
        before()
        real(engine)
        passes[0] += 1
        after()

    monkeypatch.setattr(wal_checkpoint, "_pass", wrapped)
    return passes


def _held_after_each_pass(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[int]]:
    """Each checkpoint pass done, then held until the gate opens; the passes counted."""
    gate = threading.Event()
    return gate, _around_each_pass(monkeypatch, after=lambda: gate.wait(20))


def _until(done: Callable[[], bool]) -> None:
    """Until ``done()`` (a checkpoint thread's progress), for at most 10 s."""
    for _ in range(200):
        if done():
            return
        threading.Event().wait(0.05)


@pytest.fixture
def other_desk(tmp_path: Path, clock: FixedClock) -> Iterator[Desk]:
    d = open_desk(f"sqlite:///{tmp_path / 'other.sqlite3'}", clock=clock, hasher=FAST_HASHER)
    yield d
    d.close()


def test_the_log_a_pull_leaves_is_copied_back_after_it_has_answered(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    _around_each_pass(monkeypatch, before=lambda: gate.wait(20))
    before = _size(sqlite_desk)
    _pulled_megabytes(sqlite_desk, 3)
    # The pull is over; its checkpoint waits at the gate: the file has nothing of it yet, the
    # log all of it.
    assert _size(sqlite_desk) - before < 100_000
    log = Path(str(sqlite_desk.ctx.engine.url.database) + "-wal")
    assert log.stat().st_size > 3 * MB
    gate.set()
    wal_checkpoint.wait(sqlite_desk.ctx.engine, timeout=20)
    assert _size(sqlite_desk) - before > 3 * MB  # copied back
    with sqlite_desk.ctx.factory() as session:
        assert replica.get_setting(session, "bulk.767") == "0767" * 1000


def test_without_it_the_pulls_log_stays_in_the_log(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: with no checkpoint after the pull, the file does not grow."""
    monkeypatch.setattr(wal_checkpoint, "start", lambda engine: None)
    before = _size(sqlite_desk)
    _pulled_megabytes(sqlite_desk, 3)
    wal_checkpoint.wait(sqlite_desk.ctx.engine, timeout=20)
    assert _size(sqlite_desk) - before < 100_000


def test_a_pull_that_ends_during_its_files_checkpoint_has_it_make_one_more_pass(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate, passes = _held_after_each_pass(monkeypatch)
    before = _size(sqlite_desk)
    _pulled_megabytes(sqlite_desk, 3, "first")
    _until(lambda: passes[0] > 0)  # the first pass done: the first pull's log is in the file
    assert passes[0] == 1 and _size(sqlite_desk) - before > 3 * MB
    middle = _size(sqlite_desk)
    _pulled_megabytes(sqlite_desk, 3, "second")  # ends while the first checkpoint runs
    assert _size(sqlite_desk) - middle < 100_000
    gate.set()
    wal_checkpoint.wait(sqlite_desk.ctx.engine, timeout=20)
    assert passes[0] == 2 and _size(sqlite_desk) - middle > 3 * MB


def test_one_files_checkpoint_does_not_hold_back_anothers(
    sqlite_desk: Desk, other_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate, passes = _held_after_each_pass(monkeypatch)
    try:
        _pulled_megabytes(sqlite_desk, 1)  # its checkpoint held at the gate
        before = _size(other_desk)
        _pulled_megabytes(other_desk, 3)
        _until(lambda: passes[0] == 2)
        assert passes[0] == 2 and _size(other_desk) - before > 3 * MB  # the first still held
    finally:
        gate.set()


def test_closing_the_desk_waits_for_its_files_checkpoint(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = threading.Event()
    _around_each_pass(monkeypatch, before=lambda: threading.Event().wait(0.3), after=done.set)
    _pulled_megabytes(sqlite_desk, 1)
    sqlite_desk.close()
    assert done.is_set()


def test_a_thread_that_cannot_start_leaves_the_pull_as_it_was(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No thread to be had: the pull ends as before (its own error, if any, stays its own) and
    the next pull's checkpoint starts (nothing left held)."""

    tried: list[str] = []

    def refused(self: threading.Thread) -> None:
        tried.append(self.name)
        raise RuntimeError("can't start new thread")

    with monkeypatch.context() as m:
        m.setattr(threading.Thread, "start", refused)
        with pytest.raises(ValueError, match="the server went away"):
            with replica.pulling(sqlite_desk.ctx.engine) as connection:
                assert connection is not None
                with sqlite_desk.ctx.factory(bind=connection) as session:
                    replica.set_setting(session, "half", "a page's first row")
                    session.flush()
                raise ValueError("the server went away")
    assert tried == ["wal-checkpoint"]
    before = _size(sqlite_desk)
    _pulled_megabytes(sqlite_desk, 3)
    wal_checkpoint.wait(sqlite_desk.ctx.engine, timeout=20)
    assert _size(sqlite_desk) - before > 3 * MB


def test_a_pull_that_wrote_nothing_starts_no_checkpoint(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The usual sync, with nothing to pull (every few seconds), leaves nothing in the log: no
    thread for it; a pull that wrote starts one."""
    started: list[Engine] = []
    real = wal_checkpoint.start
    monkeypatch.setattr(wal_checkpoint, "start", lambda e: started.append(e) or real(e))
    with replica.pulling(sqlite_desk.ctx.engine) as connection:
        assert connection is not None
        with sqlite_desk.ctx.factory(bind=connection) as session:
            replica.get_setting(session, "sync.cursor")  # read, as a pull with nothing to do
            session.commit()
    assert started == []
    _pulled_megabytes(sqlite_desk, 1)
    assert started == [sqlite_desk.ctx.engine]
