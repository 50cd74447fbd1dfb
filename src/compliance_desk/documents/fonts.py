"""Chinese fonts for printing: resolved, embedded, and checked character by character.

reportlab embeds TrueType outlines only (TTF, or one face of a TTC).  A character missing from
a font would silently vanish from a letter, so every run of text is split by which font has
each character, falling back along the family's chain, and printing is refused when no font
has a character.  Resolution order: the configured path, then the system's fonts by family.
"""

from __future__ import annotations

import hashlib
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
    family: str = ""  # as the font file names it ("AR PL UMing CN", "FangSong")
    path: str = ""


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
    # the file's own name, and a mark of where it is: a copy of a system font chosen from
    # another folder is another font (by name alone the system's replaced it)
    where = hashlib.blake2b(str(Path(path).resolve()).encode(), digest_size=3).hexdigest()
    name = f"{Path(path).stem}-{index}-{where}"
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
    family = font.face.familyName
    if isinstance(family, bytes):
        family = family.decode("utf-8", "replace")
    return Font(name, frozenset(font.face.charToGlyph), str(family), path)


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


# What each role sets (GB/T 9704) and the words a family of that style has in its name.
ROLE_USES: dict[str, tuple[str, str]] = {
    "fangsong": ("仿宋", "正文"),
    "title": ("小标宋", "发文机关、标题"),
    "hei": ("黑体", "一级标题、表格栏目"),
    "kai": ("楷体", "二级标题"),
    "song": ("宋体", "页码"),
}
_STYLE_WORDS: dict[str, tuple[str, ...]] = {
    "fangsong": ("fangsong", "fang song", "仿宋"),
    "title": ("xiaobiaosong", "xiao biao song", "小标宋", "xbs"),
    "hei": ("hei", "黑"),
    "kai": ("kai", "楷"),
    "song": ("song", "ming", "宋", "明"),
}


@dataclass(frozen=True)
class RoleFont:
    role: str
    family: str  # of the font that sets the role's text (the chain's first)
    path: str
    chosen: bool  # set on this computer (settings.pdf_fonts) rather than found
    proper: bool  # of the style the format asks for, or chosen by hand

    @property
    def style(self) -> str:
        return ROLE_USES[self.role][0]


def role_fonts(configured: Mapping[str, str] | None = None) -> list[RoleFont]:
    """The font each role prints in here, and whether it is of the asked-for style (on a
    Linux desk without Windows' fonts the body is set in a Ming face, not 仿宋)."""
    out = []
    for role in ROLE_USES:
        first = chain(role, configured).fonts[0]
        chosen = bool(configured and configured.get(role)) and (
            first.path == configured[role].partition("#")[0]  # type: ignore[index]
        )
        family = first.family.lower()
        proper = chosen or any(word in family for word in _STYLE_WORDS[role])
        out.append(RoleFont(role, first.family, first.path, chosen, proper))
    return out


def check_file(role: str, path: str) -> None:
    """DomainError unless ``path`` (or "path#face") is a font this desk can embed."""
    if role not in ROLE_USES:
        raise DomainError(f"没有这种字体用途：{role}", f"no font role {role!r}")
    file_name = path.partition("#")[0]
    found = chain(role, {role: path}, cached=False).fonts[0]
    if found.path != file_name:
        raise DomainError(
            f"无法使用字体文件 {path}：文件不存在，或不是可嵌入文书的 TrueType 字体"
            "（OpenType/CFF 字体如 Noto CJK 不能嵌入）",
            f"font {path} cannot be embedded",
        )
