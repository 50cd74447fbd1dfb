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


def clean_name(text: str) -> str:
    """A company or person name: trimmed, inner runs of spaces removed between CJK characters."""
    text = unicodedata.normalize("NFC", text).strip()
    text = text.replace("\u3000", " ")
    # Chinese names carry no spaces; spaces in Latin parts are collapsed to one.
    text = _SPACES.sub(" ", text)
    return re.sub(r"(?<=[\u3400-\u9fff（）()]) (?=[\u3400-\u9fff（）()])", "", text)


def clean_line(text: str) -> str:
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text).replace("\u3000", " ")).strip()


def name_key(name: str) -> str:
    """The form used to find near-identical names: no spaces or punctuation, brackets unified."""
    text = to_halfwidth(clean_name(name)).lower()
    return "".join(ch for ch in text if ch.isalnum())
