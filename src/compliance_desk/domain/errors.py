"""Errors the user is meant to read.

A DomainError carries a message in Simplified Chinese for the screen and an English one for
the log; the GUI shows the first in a message box, the CLI prints it, the log keeps both.
"""

from __future__ import annotations


class DomainError(Exception):
    def __init__(self, message_zh: str, message_en: str | None = None) -> None:
        super().__init__(message_en or message_zh)
        self.message_zh = message_zh
        self.message_en = message_en or message_zh


class ValidationError(DomainError):
    """One or more fields of a record are wrong; ``problems`` maps field -> Chinese reason."""

    def __init__(self, problems: dict[str, str]) -> None:
        self.problems = dict(problems)
        text = "；".join(f"{reason}" for reason in problems.values())
        super().__init__(text, "validation failed: " + ", ".join(problems))


class PermissionDenied(DomainError):
    pass


class NotFound(DomainError):
    pass


class ConcurrentEdit(DomainError):
    """The record changed since the user opened it (row version mismatch)."""
