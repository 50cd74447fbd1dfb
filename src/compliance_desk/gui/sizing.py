"""A window's size, never larger than the screen it opens on.

The main window at its first start takes most of the screen (``first_size``; at the 1280 x 760
it had, the appeal log's columns did not all fit beside the record).

The letter dialog (760 x 820) and the print preview (820 x 960) were designed on a large
screen; on a 1366 x 768 laptop their buttons were below the screen's edge.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

MARGIN = 40  # the title bar and a little room around


def resize_within_screen(widget: QWidget, width: int, height: int) -> None:
    """``widget`` at ``width`` x ``height``, or at most the available screen less a margin."""
    screen = widget.screen() or QGuiApplication.primaryScreen()
    if screen is not None:
        room = screen.availableGeometry()
        width = min(width, room.width() - MARGIN)
        height = min(height, room.height() - MARGIN)
    widget.resize(width, height)


def first_size() -> tuple[int, int]:
    """The main window's size at its first start: most of the screen, within 1600 x 1000,
    never more than the screen less a margin (a 1366 x 768 laptop).  Off screen (the tests):
    1280 x 760."""
    screen = QGuiApplication.primaryScreen()
    if screen is None or QGuiApplication.platformName() == "offscreen":
        return 1280, 760
    room = screen.availableGeometry()
    width = max(min(1280, room.width()), min(1600, int(room.width() * 0.92)))
    height = max(min(760, room.height() - MARGIN), min(1000, int(room.height() * 0.92)))
    return width, height
