"""Unexpected failures of this computer's database or disk are said in plain Chinese, with the
cause where a person can act on it (persistence/failures.py): real SQLite errors, made here."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from compliance_desk.domain.errors import DomainError
from compliance_desk.persistence import failures
from tests.test_cli import cli


def disk_full(tmp_path: Path) -> OperationalError:
    """The error SQLite gives when its file may not grow (a disk full, as far as it can tell)."""
    engine = create_engine(f"sqlite:///{tmp_path / 'small.sqlite3'}")
    with engine.begin() as c:
        c.execute(text("CREATE TABLE t (x BLOB)"))
    with pytest.raises(OperationalError) as caught, engine.begin() as c:
        c.execute(text("PRAGMA max_page_count = 3"))
        for _ in range(100):
            c.execute(text("INSERT INTO t VALUES (randomblob(4000))"))
    engine.dispose()
    return caught.value


def test_a_full_disk_a_locked_file_and_a_read_only_one_are_named(tmp_path: Path) -> None:
    assert "磁盘空间已满" in failures.plain_zh(disk_full(tmp_path))
    assert "磁盘空间已满" in failures.plain_zh(OSError(errno.ENOSPC, "No space left on device"))
    path = tmp_path / "held.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError) as locked:
        other.execute("INSERT INTO t VALUES (1)")
    assert "其他程序占用" in failures.plain_zh(locked.value)
    holder.execute("ROLLBACK")
    holder.close()
    other.close()
    reader = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    with pytest.raises(sqlite3.OperationalError) as read_only:
        reader.execute("INSERT INTO t VALUES (1)")
    reader.close()
    assert "不可写入" in failures.plain_zh(read_only.value)


def test_what_is_not_the_computers_fault_is_said_to_be_in_the_log(tmp_path: Path) -> None:
    assert failures.plain_zh(ZeroDivisionError("boom")) == failures.UNEXPECTED
    refused = DomainError("该企业已删除", "enterprise deleted")
    assert failures.plain_zh(refused) == "该企业已删除"
    # A SQLAlchemy error's own text holds its statement and values: a name that happens to
    # say "disk is full" is not taken for the cause (the driver's message is what is read).
    engine = create_engine("sqlite://")
    with pytest.raises(OperationalError) as caught, engine.connect() as c:
        c.execute(text("SELECT * FROM no_such_table WHERE name = :n"), {"n": "disk is full"})
    assert "disk is full" in str(caught.value)
    assert failures.plain_zh(caught.value) == failures.UNEXPECTED
    try:  # a failure while handling another: the first one's cause counts too
        try:
            raise disk_full(tmp_path)
        except OperationalError:
            raise RuntimeError("the rollback failed too") from None
    except RuntimeError as exc:
        assert exc.__context__ is not None
        assert "磁盘空间已满" in failures.plain_zh(exc)


def test_the_command_line_names_a_file_that_is_not_its_database(tmp_path: Path) -> None:
    garbage = tmp_path / "not-a-db.sqlite3"
    garbage.write_bytes(b"\x00\x13 certainly not SQLite " * 200)
    result = cli("init", db=f"sqlite:///{garbage}")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line for a script
    assert lines[0].startswith("错误：数据库文件无法识别") and "file is not a database" in lines[0]
