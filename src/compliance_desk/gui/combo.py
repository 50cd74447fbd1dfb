"""Reading enums back from combo boxes: Qt hands a StrEnum back as a plain str."""

from __future__ import annotations

from enum import StrEnum
from typing import TypeVar

from PySide6.QtWidgets import QComboBox

E = TypeVar("E", bound=StrEnum)


def enum_of(combo: QComboBox, kind: type[E]) -> E | None:
    data = combo.currentData()
    if data is None or data == "":
        return None
    try:
        return kind(data)
    except ValueError:
        return None
