"""An error as the server's log may keep it.

A failed statement's text quotes the rows it was given: PostgreSQL's DETAIL and CONTEXT lines
(``COPY visit, line 5, column visitor_phone: "138…"``, a whole malformed line) and
SQLAlchemy's ``[parameters: …]``, i.e. names, phone numbers and descriptions.  The log keeps the
error's kind and PostgreSQL's primary message, which names columns and types, not values.
"""

from __future__ import annotations


def safe(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    primary = getattr(getattr(orig, "diag", None), "message_primary", None)
    if orig is not None:
        return f"{type(exc).__name__} ({type(orig).__name__}): {primary or 'no message'}"
    lines = str(exc).splitlines()
    return f"{type(exc).__name__}: {lines[0][:200]}" if lines else type(exc).__name__
