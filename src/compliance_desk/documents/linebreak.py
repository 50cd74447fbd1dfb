"""Chinese line breaking (避头尾) on the 28-character grid of GB/T 9704.

reportlab's ``wordWrap='CJK'`` lets a line start with ，。 or end with （《, which official text
must not do.  Lines here are broken character by character: a character that may not start a
line pulls the one before it down, an opening bracket at a line end moves down with what it
opens, and a run of Latin letters or digits (2026, GB/T) stays whole.  Full lines are
justified so the right edge stays straight after a character was pulled down.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import groupby

NO_START = frozenset("，。、；：！？）》」』”’…—·〕】〉,.;:!?)]}%")
NO_END = frozenset("（《「『“‘〔【〈([{")


@dataclass(frozen=True)
class Glyph:
    char: str
    font: str
    size: float
    width: float
    role: str


@dataclass(frozen=True)
class Line:
    glyphs: tuple[Glyph, ...]
    char_space: float  # added after every glyph (negative tightens to the grid pitch)
    natural: float  # the width as set, char_space included between glyphs

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)

    @cached_property
    def runs(self) -> tuple[tuple[str, float, str], ...]:
        """(font, size, text) of each run of glyphs set in one font and size, for drawing
        (worked out once a line: a paragraph's lines are kept while its wording recurs)."""
        out: list[tuple[str, float, str]] = []
        for (font, size), glyphs in groupby(self.glyphs, lambda g: (g.font, g.size)):
            out.append((font, size, "".join(g.char for g in glyphs)))
        return tuple(out)


def _wordish(char: str) -> bool:
    return char.isascii() and (char.isalnum() or char in "/-_.%")


def _break_at(glyphs: Sequence[Glyph], start: int, overflow: int) -> int:
    """Where the line that starts at ``start`` ends, given that glyph ``overflow`` did not fit.

    The rules are applied until none moves the break (each moves it back only, so this ends):
    避头 (the next line may not start with closing punctuation), 避尾 (this line may not end
    with an opening bracket), and a run of Latin letters or digits stays whole."""
    chars = [g.char for g in glyphs]
    b = overflow
    moved = True
    while moved:
        moved = False
        while b > start + 1 and chars[b] in NO_START:
            b, moved = b - 1, True
        while b > start + 1 and chars[b - 1] in NO_END:
            b, moved = b - 1, True
        if b < len(chars) and _wordish(chars[b]) and _wordish(chars[b - 1]):
            w = b
            while w > start and _wordish(chars[w - 1]):
                w -= 1
            if start < w < b:
                b, moved = w, True
    return b


def _line(glyphs: Sequence[Glyph], char_space: float, width: float, justify: bool) -> Line:
    n = len(glyphs)
    glyph_sum = sum(g.width for g in glyphs)
    natural = glyph_sum + max(n - 1, 0) * char_space
    space = char_space
    if justify and n > 1 and natural < width:
        space = (width - glyph_sum) / (n - 1)
        natural = width
    return Line(tuple(glyphs), space, natural)


def break_lines(
    glyphs: Sequence[Glyph],
    first_width: float,
    width: float,
    char_space: float,
    justify: bool = True,
) -> list[Line]:
    """Lines of at most ``first_width`` (the first) and ``width`` (the rest) points."""
    lines: list[Line] = []
    start, n = 0, len(glyphs)
    if n == 0:
        return [Line((), char_space, 0.0)]
    while start < n:
        limit = first_width if not lines else width
        # On the grid a glyph may be a little wider than its cell (16 pt in a 15.79 pt cell):
        # the last one on a line may reach that far past the edge.
        slack = max(0.0, -char_space) + 0.01
        used = 0.0
        i = start
        while i < n:
            step = glyphs[i].width + (char_space if i > start else 0.0)
            if used + step > limit + slack and i > start:
                break
            used += step
            i += 1
        if i >= n:
            lines.append(_line(glyphs[start:], char_space, limit, justify=False))
            break
        end = _break_at(glyphs, start, i)
        lines.append(_line(glyphs[start:end], char_space, limit, justify))
        start = end
        while start < n - 1 and glyphs[start].char == " ":  # no line starts with a space
            start += 1
    return lines
