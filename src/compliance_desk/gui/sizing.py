"""A window's size, never larger than the screen it opens on.

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
