"""Chinese fonts for printing: resolved, embedded, and checked character by character.

reportlab embeds TrueType outlines only (TTF, or one face of a TTC).  A character missing from
a font would silently vanish from a letter, so every run of text is split by which font has
each character, falling back along the family's chain, and printing is refused when no font
has a character.  Resolution order: the configured path, then the system's fonts by family.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from compliance_desk.documents import subset
from compliance_desk.domain.errors import DomainError

log = logging.getLogger("compliance_desk.documents.fonts")


@dataclass(frozen=True)
class FontFile:
    path: str
    index: int = 0  # the face inside a .ttc


UMING = FontFile("/usr/share/fonts/truetype/arphic/uming.ttc", 0)  # AR PL UMing CN
UKAI = FontFile("/usr/share/fonts/truetype/arphic/ukai.ttc", 0)  # AR PL UKai CN
WQY = FontFile("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0)

# Faces known to embed, by role; the first one present wins, the rest are per-character
# fallbacks.  Every chain ends with the bundled font (resources/fonts, Apache-2.0).
SYSTEM_FONTS: dict[str, list[FontFile]] = {
    "song": [UMING, FontFile("C:/Windows/Fonts/simsun.ttc", 0), WQY],
    "fangsong": [FontFile("C:/Windows/Fonts/simfang.ttf", 0), UMING, WQY],
    "hei": [FontFile("C:/Windows/Fonts/simhei.ttf", 0), WQY, UMING],
    "kai": [FontFile("C:/Windows/Fonts/simkai.ttf", 0), UKAI, UMING, WQY],
    # 小标宋 for titles: FZ XiaoBiaoSong where installed, else a heavy face.
    "title": [
        FontFile("C:/Windows/Fonts/FZXBSJW.TTF", 0),
        FontFile("C:/Windows/Fonts/simhei.ttf", 0),
        WQY,
        UMING,
    ],
}
ROLES = tuple(SYSTEM_FONTS)


@cache
def bundled_font() -> FontFile:
    from compliance_desk.paths import resources_dir

    return FontFile(str(resources_dir() / "fonts" / "DroidSansFallbackFull.ttf"), 0)


class MissingCharacter(DomainError):
    def __init__(self, char: str, text: str) -> None:
        super().__init__(
            f"无法打印：字符“{char}”（U+{ord(char):04X}）在所有可用字体中都没有，"
            "请管理员在设置中指定包含该字的字体，以免文书缺字",
            f"no font covers U+{ord(char):04X} in {text[:40]!r}",
        )
        self.char = char


@dataclass(frozen=True)
class Font:
    name: str  # as registered with reportlab
    covers: frozenset[int]


def _mtime(path: str) -> float:
    try:
        return os.stat(path).st_mtime
    except OSError:
        return -1.0


@cache
def _load(path: str, index: int, mtime: float) -> Font | None:
    """The font, parsed once per process and file version (``mtime``: a font replaced on
    disk while the desk runs is read again)."""
    if mtime < 0:
        return None
    name = f"{Path(path).stem}-{index}"
    try:
        font = TTFont(name, path, subfontIndex=index)
    except (TTFError, OSError) as exc:
        log.warning("font %s#%d cannot be embedded: %s", path, index, exc)
        return None
    # Subsetting copies whole tables (a CJK font's glyf is 10-20 MB) for every subset of every
    # document; the tables never change, so each is copied once per process.
    font.face.get_table = cache(font.face.get_table)
    subset.speed_up(font)
    pdfmetrics.registerFont(font)
    return Font(name, frozenset(font.face.charToGlyph))


class FontChain:
    """The fonts of one role (song, fangsong, hei), in fallback order."""

    def __init__(self, fonts: list[Font]) -> None:
        if not fonts:
            raise DomainError(
                "找不到可嵌入的中文字体：请安装 fonts-arphic-uming 或 fonts-wqy-microhei，"
                "或在设置中指定字体文件",
                "no embeddable CJK font",
            )
        self.fonts = fonts
        self._glyphs: dict[tuple[str, float], tuple[str, float]] = {}
        # For the layout (gbt9704): its glyph objects by (role, size), then character.
        self.glyph_objects: dict[tuple[str, float], dict[str, Any]] = {}

    def glyph(self, char: str, size: float, text: str = "") -> tuple[str, float]:
        """(font name, advance width) of one character; MissingCharacter if no font has it."""
        key = (char, size)
        found = self._glyphs.get(key)
        if found is None:
            name = self.font_for(char, text or char)
            found = (name, pdfmetrics.stringWidth(char, name, size))
            self._glyphs[key] = found
        return found

    @property
    def primary(self) -> str:
        return self.fonts[0].name

    def font_for(self, char: str, text: str) -> str:
        code = ord(char)
        if char in "\n\r\t " or code < 0x20:
            return self.primary
        for font in self.fonts:
            if code in font.covers:
                return font.name
        raise MissingCharacter(char, text)

    def runs(self, text: str) -> Iterator[tuple[str, str]]:
        """(font name, text) pieces, each printable in its font; MissingCharacter otherwise."""
        current, start = "", 0
        for i, char in enumerate(text):
            name = self.font_for(char, text)
            if name != current:
                if i > start:
                    yield current, text[start:i]
                current, start = name, i
        if start < len(text):
            yield current, text[start:]

    def width(self, text: str, size: float) -> float:
        return float(
            sum(pdfmetrics.stringWidth(piece, name, size) for name, piece in self.runs(text))
        )


@cache
def _chain(files: tuple[tuple[str, int, float], ...]) -> FontChain:
    fonts = [f for f in (_load(*key) for key in files) if f]
    return FontChain(list({f.name: f for f in fonts}.values()))


def chain(
    role: str, configured: Mapping[str, str] | None = None, *, cached: bool = True
) -> FontChain:
    """The font chain for ``role``; a configured "path" or "path#index" comes first.

    Chains, fonts and their glyph caches are kept per process, keyed on each font file's
    path, face and modification time."""
    files = [*SYSTEM_FONTS[role], bundled_font()]
    if configured and configured.get(role):
        raw = configured[role]
        path, _, index = raw.partition("#")
        files.insert(0, FontFile(path, int(index or 0)))
    key = tuple((ff.path, ff.index, _mtime(ff.path)) for ff in files)
    return _chain(key) if cached else _chain.__wrapped__(key)
