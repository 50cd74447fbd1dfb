"""The keys a name is found by as the desk types: full pinyin and initials (崧厦 -> songxia, sx)."""

from __future__ import annotations

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Local place names whose reading pypinyin's general dictionary gets wrong (崧厦 is Sōngxià,
# not "songsha"); a desk that searches by the local reading must find them.
_LOCAL_PHRASES = {
    "崧厦": [["sōng"], ["xià"]],
    "长塘": [["cháng"], ["táng"]],
}
load_phrases_dict(_LOCAL_PHRASES)


def pinyin_full(name: str) -> str:
    return "".join(lazy_pinyin(name, errors="ignore")).lower()


def pinyin_initials(name: str) -> str:
    return "".join(
        s[0] for s in lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore") if s
    ).lower()
