"""The keys a name is found by as the desk types: full pinyin and initials (崧厦 -> songxia, sx)."""

from __future__ import annotations

from functools import cache
from types import ModuleType

# Local place names whose reading pypinyin's general dictionary gets wrong (崧厦 is Sōngxià,
# not "songsha"); a desk that searches by the local reading must find them.
_LOCAL_PHRASES = {
    "崧厦": [["sōng"], ["xià"]],
    "长塘": [["cháng"], ["táng"]],
}


@cache
def _pypinyin() -> ModuleType:
    """Imported on first use: its dictionaries take a third of a second, which start-up skips."""
    import pypinyin

    pypinyin.load_phrases_dict(_LOCAL_PHRASES)
    return pypinyin


def pinyin_full(name: str) -> str:
    return "".join(_pypinyin().lazy_pinyin(name, errors="ignore")).lower()


def pinyin_initials(name: str) -> str:
    p = _pypinyin()
    return "".join(
        s[0] for s in p.lazy_pinyin(name, style=p.Style.FIRST_LETTER, errors="ignore") if s
    ).lower()
