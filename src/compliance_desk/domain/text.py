"""Normalising text as it arrives from keyboards and spreadsheets."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


# Full-width ASCII (U+FF01..U+FF5E) to its half-width twin, the ideographic space to a space.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (Ａ, ９, ＿, （) to half-width; CJK characters are left alone."""
    return text.translate(_HALFWIDTH)


# Invisible characters pasted from web pages and Word (zero-width spaces and joiners, the BOM):
# dropped from names and lines like surrounding spaces, so a name that looks like another is it.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def clean_name(text: str) -> str:
    """A company or person name: trimmed, inner runs of spaces removed between CJK characters."""
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE)).strip()
    text = text.replace("\u3000", " ")
    # Chinese names carry no spaces; spaces in Latin parts are collapsed to one.
    text = _SPACES.sub(" ", text)
    return re.sub(r"(?<=[\u3400-\u9fff（）()]) (?=[\u3400-\u9fff（）()])", "", text)


def clean_line(text: str) -> str:
    text = unicodedata.normalize("NFC", text.translate(_INVISIBLE)).replace("\u3000", " ")
    return _SPACES.sub(" ", text).strip()


def name_key(name: str) -> str:
    """The form used to find near-identical names: no spaces or punctuation, brackets unified."""
    text = to_halfwidth(clean_name(name)).lower()
    return "".join(ch for ch in text if ch.isalnum())


# Characters a printed letter cannot carry, refused where they are typed (an appeal titled
# with an emoji saved, then its receipt could not be printed, and the title not be edited):
# control and format characters (zero-width spaces: a name of "\u200b" looked empty but was
# not), private-use and unassigned code points, surrogates, and emoji.
_UNPRINTABLE_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs"})


def unprintable(text: str, multiline: bool = False) -> str:
    """The characters of ``text`` no letter can print, each once ("" when none)."""
    allowed = "\n\r\t" if multiline else ""
    found = []
    for ch in text:
        if ch in allowed or ch in found:
            continue
        code = ord(ch)
        emoji = 0x1F000 <= code <= 0x1FAFF or 0xFE00 <= code <= 0xFE0F
        if emoji or unicodedata.category(ch) in _UNPRINTABLE_CATEGORIES:
            found.append(ch)
    return "".join(found)


def unprintable_problem(label: str, text: str, multiline: bool = False) -> str | None:
    """A Chinese reason when ``text`` holds characters no letter can print."""
    bad = unprintable(text, multiline)
    if not bad:
        return None
    shown = "、".join(f"U+{ord(ch):04X}" if not ch.isprintable() else ch for ch in bad[:5])
    return f"{label}中有无法打印的字符（{shown}），如表情符号或不可见字符，请删除"
