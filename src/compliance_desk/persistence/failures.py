"""An unexpected failure of the database or its disk, said in plain Chinese.

A DomainError carries its own Chinese message; anything else (the disk full, the database file
locked by another program, read-only or damaged, a bug) used to reach the person as Python's
English text: the status bar's tooltip after a background sync, the one line a script prints.
``plain_zh`` names the cause where it is one a person can act on, and otherwise says that
details are in the log; the English text and the traceback go to the log as before.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator

from compliance_desk.domain.errors import DomainError

# (words in the English message of the error or of one it wraps, what the person reads)
_CAUSES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("database or disk is full", "no space left on device", "disk is full"),
     "磁盘空间已满，数据库无法写入；请清理磁盘空间后重试。已保存的数据不受影响"),
    (("database is locked", "database is busy", "database table is locked"),
     "数据库正被其他程序占用，请稍后再试；如果一直如此，请关闭其他打开该数据库的程序"),
    (("readonly database", "read-only file system", "permission denied"),
     "数据库不可写入（只读或没有权限），请联系管理员"),
    (("file is not a database", "database disk image is malformed"),
     "数据库文件无法识别（不是本程序的数据库，或已损坏）；请检查数据库文件，或联系管理员"),
    (("disk i/o error",), "磁盘读写出错；请联系管理员（详情已记入日志）"),
)  # fmt: skip
UNEXPECTED = "发生意外错误，详情已记入日志；已保存的数据不受影响"


def plain_zh(exc: BaseException) -> str:
    """What to tell the person about ``exc`` (its own message for a DomainError)."""
    if isinstance(exc, DomainError):
        return exc.message_zh
    for link in _chain(exc):
        if isinstance(link, OSError) and link.errno == errno.ENOSPC:
            return _CAUSES[0][1]
        if isinstance(getattr(link, "orig", None), BaseException):
            continue  # a SQLAlchemy error: its text holds the statement; the driver's is read
        text = str(link).lower()
        for words, message in _CAUSES:
            if any(w in text for w in words):
                return message
    return UNEXPECTED


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, the driver's error a SQLAlchemy error wraps (``orig``), its causes."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        link = todo.pop(0)
        if id(link) in seen:
            continue
        seen.add(id(link))
        yield link
        for nxt in (getattr(link, "orig", None), link.__cause__, link.__context__):
            if isinstance(nxt, BaseException):
                todo.append(nxt)
