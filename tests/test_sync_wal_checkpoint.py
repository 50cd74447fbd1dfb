"""After a pull, SQLite's write-ahead log is copied back into the file by a thread of its own
(sync/wal_checkpoint.py): the pull has answered before it, nothing of it is left in the log
after it, and one runs at a time."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine

from compliance_desk.bootstrap import Desk
from compliance_desk.sync import replica, wal_checkpoint


def _pulled_megabytes(desk: Desk, megabytes: int) -> None:
    """A pull's worth of writes on the pull's own connection: ``megabytes`` into the log."""
    with replica.pulling(desk.ctx.engine) as connection:
        assert connection is not None
        with desk.ctx.factory(bind=connection) as session:
            for n in range(megabytes * 256):
                replica.set_setting(session, f"bulk.{n}", f"{n:04d}" * 1000)  # 4 kB each
            session.commit()


def _file(desk: Desk) -> Path:
    return Path(str(desk.ctx.engine.url.database))


def test_the_log_a_pull_leaves_is_copied_back_after_it_has_answered(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()
    checkpoint = wal_checkpoint._run

    def held(engine: Engine) -> None:
        gate.wait(20)
        checkpoint(engine)

    monkeypatch.setattr(wal_checkpoint, "_run", held)
    before = _file(sqlite_desk).stat().st_size
    _pulled_megabytes(sqlite_desk, 3)
    # The pull is over; its checkpoint waits at the gate: the file has nothing of it yet, the
    # log all of it, and no second checkpoint starts beside the first.
    assert _file(sqlite_desk).stat().st_size - before < 100_000
    log = _file(sqlite_desk).with_name(_file(sqlite_desk).name + "-wal")
    assert log.stat().st_size > 3_000_000
    assert wal_checkpoint.start(sqlite_desk.ctx.engine) is None
    gate.set()
    wal_checkpoint.wait(sqlite_desk.ctx.engine, timeout=20)
    assert _file(sqlite_desk).stat().st_size - before > 3_000_000  # copied back
    with sqlite_desk.ctx.factory() as session:
        assert replica.get_setting(session, "bulk.767") == "0767" * 1000


def test_without_it_the_pulls_log_stays_in_the_log(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check above can fail: with no checkpoint after the pull, the file does not grow."""
    monkeypatch.setattr(wal_checkpoint, "start", lambda engine: None)
    before = _file(sqlite_desk).stat().st_size
    _pulled_megabytes(sqlite_desk, 3)
    wal_checkpoint.wait(sqlite_desk.ctx.engine, timeout=20)
    assert _file(sqlite_desk).stat().st_size - before < 100_000


def test_closing_the_desk_waits_for_its_files_checkpoint(
    sqlite_desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    done = threading.Event()
    checkpoint = wal_checkpoint._run

    def slow(engine: Engine) -> None:
        threading.Event().wait(0.3)
        checkpoint(engine)
        done.set()

    monkeypatch.setattr(wal_checkpoint, "_run", slow)
    _pulled_megabytes(sqlite_desk, 1)
    sqlite_desk.close()
    assert done.is_set()
