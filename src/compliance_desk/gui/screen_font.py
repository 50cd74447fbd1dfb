"""Chinese on screen without a system CJK font: the bundled Droid Sans Fallback, registered
with Qt only when fontconfig (or Windows) offers no Simplified Chinese face.

The .deb depends on a CJK font, but the bare bundle may be copied to a PC without one, and
Qt then draws every Chinese character as a box.  An application font joins Qt's fallback
chain, so the Latin text keeps the system face and only the missing characters use this one.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase

from compliance_desk.paths import resources_dir

log = logging.getLogger("compliance_desk.gui.screen_font")


def ensure_chinese_screen_font() -> str | None:
    """Register the bundled font if no system face writes Simplified Chinese; its family."""
    if QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese):
        return None
    path = resources_dir() / "fonts" / "DroidSansFallbackFull.ttf"
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.error("no Chinese font on this system and %s could not be loaded", path)
        return None
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    log.info("no Chinese font on this system; using the bundled %s", family)
    return family
