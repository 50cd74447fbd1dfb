"""The national official-document format (GB/T 9704-2012): pages, grid, page numbers, seal area.

A letter is a list of blocks (paragraphs, blank lines, label/value tables, the signature
block).  They are set on the body grid of 22 lines of 28 characters in a 156 x 225 mm type
area (top margin 37 mm, binding margin 28 mm), with 3号 FangSong body text, 2号 小标宋
titles, 黑体 / 楷体 headings, page numbers "— 1 —" in 4号 (odd pages right, even pages left,
one character in), and the signature block kept on the page with the end of the text so a seal
never stands alone on an empty page.  Data in, PDF bytes out: no Qt, no database.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont as _font
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from compliance_desk.documents.fonts import FontChain, chain
from compliance_desk.documents.linebreak import Glyph, Line, break_lines
from compliance_desk.documents.pdfobjects import compact_last_page
from compliance_desk.documents.qr import draw_qr
from compliance_desk.documents.subset import FAST, Deflate

mm = 72 / 25.4  # points per millimetre
PAGE_W, PAGE_H = float(A4[0]), float(A4[1])
TOP, LEFT = 37 * mm, 28 * mm
AREA_W, AREA_H = 156 * mm, 225 * mm
LINES, CHARS = 22, 28
PITCH = AREA_H / LINES  # about 28.95 pt
CELL = AREA_W / CHARS  # about 15.79 pt: 3号 characters set slightly tighter than 16 pt
BODY = 16.0  # 3号
TITLE = 22.0  # 2号
FOLIO = 14.0  # 4号
RED = (0.8, 0.0, 0.0)


@dataclass(frozen=True)
class Span:
    text: str
    role: str = "fangsong"


@dataclass(frozen=True)
class Para:
    spans: tuple[Span, ...]
    size: float = BODY
    indent: int = 2  # first-line indent, in grid characters
    align: str = "justify"  # justify | left | center | right
    right_indent: int = 0
    color: tuple[float, float, float] = (0, 0, 0)
    keep_next: bool = False  # a heading stays on the page with the line after it


@dataclass(frozen=True)
class Blank:
    lines: int = 1


@dataclass(frozen=True)
class Table:
    """Label / value rows in ruled cells (送达回证, 受理回执)."""

    rows: tuple[tuple[str, str], ...]
    label_chars: int = 0  # 0: as wide as the longest label line (at most 9 characters)
    min_lines: int = 1
    tall: frozenset[int] = frozenset()  # rows left empty to fill in by hand: two lines high
    # Rows signed by hand: "年　月　日" at the right of the row's last line, as many lines as
    # the label has (受送达人 / 签名或盖章: two; 送达人签名: one).
    dated: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Signature:
    """发文机关署名 and 成文日期 under the text, with room for the seal pressed over both."""

    authority: str
    date_text: str


Block = Para | Blank | Table | Signature


@dataclass(frozen=True)
class Letter:
    pdf_title: str
    blocks: tuple[Block, ...]
    draft: bool = False
    qr: str | None = None  # the signed reference printed on every page
    verify_code: str = ""  # the short code printed beside it, for typing in
    # Wording that does not change from case to case (the template's own text, the legal
    # values, the authority): its characters take the first places in the embedded font
    # subsets, so those subsets are the same bytes in every such letter (see _fix_subsets).
    fixed_text: str = ""


def para(text: str, role: str = "fangsong", **kw: object) -> Para:
    return Para((Span(text, role),), **kw)  # type: ignore[arg-type]


def body_para(text: str) -> Para:
    """A body paragraph; "一、" headings in 黑体, "（一）" in 楷体 (up to the first 。)."""
    stripped = text.strip()
    role = ""
    if len(stripped) > 1 and stripped[0] in "一二三四五六七八九十" and "、" in stripped[:4]:
        role = "hei"
    elif (
        stripped.startswith("（") and "）" in stripped[:5] and stripped[1] in "一二三四五六七八九十"
    ):
        role = "kai"
    if role:
        head, dot, rest = stripped.partition("。")
        if dot and rest:
            return Para((Span(head + dot, role), Span(rest)))
        return Para((Span(stripped, role),), keep_next=True)
    return Para((Span(stripped),))


# -- layout -------------------------------------------------------------------------------


@dataclass
class _Row:
    """What occupies one or more grid lines: set lines, or a table row, or nothing."""

    slots: int
    lines: list[tuple[Line, float, tuple[float, float, float]]] = field(default_factory=list)
    # A table row: label lines, value lines, the label column's width, and whether the value's
    # last line is set at the right of its cell (a signature's date).
    cells: tuple[list[Line], list[Line], float, bool] | None = None
    group: int = 0  # rows of one group (non-zero) stay on one page
    blank: bool = False
    keep_next: bool = False


class _Fonts:
    def __init__(self, configured: Mapping[str, str] | None) -> None:
        self.configured = configured
        self.chains: dict[str, FontChain] = {}

    def __getitem__(self, role: str) -> FontChain:
        found = self.chains.get(role)
        if found is None:
            found = self.chains[role] = chain(role, self.configured)
        return found

    def glyphs(self, spans: Sequence[Span], size: float) -> list[Glyph]:
        out: list[Glyph] = []
        for span in spans:
            fonts = self[span.role]
            # Glyphs are immutable: one object per character, size and role, kept with the
            # font chain for the process (a chain is rebuilt when a font file changes).
            known = fonts.glyph_objects.setdefault((span.role, size), {})
            get = known.get
            for char in span.text:
                glyph = get(char)
                if glyph is None:
                    if char in "\r\n":
                        continue
                    name, width = fonts.glyph(char, size, span.text)
                    glyph = known[char] = Glyph(char, name, size, width, span.role)
                out.append(glyph)
        return out


def _char_space(size: float) -> float:
    return CELL - BODY if size == BODY else 0.0


_Placed = tuple[Line, float, tuple[float, float, float]]
# Paragraphs set before, by paragraph and the font chains that set it: the template's own
# paragraphs recur in every letter of a kind.  Cleared when full (plain dict operations,
# safe when two threads render at once); a font replaced on disk makes a new chain.
_SET: dict[tuple[Any, ...], tuple[_Placed, ...]] = {}
_SET_SIZE = 2000


def _set_para(p: Para, fonts: _Fonts) -> tuple[_Placed, ...]:
    """The paragraph's lines, each with its x offset from the left edge of the type area."""
    key = (p, *[fonts[span.role] for span in p.spans])
    found = _SET.get(key)
    if found is None:
        found = tuple(_set_new_para(p, fonts))
        if len(_SET) >= _SET_SIZE:
            _SET.clear()
        _SET[key] = found
    return found


def _set_new_para(p: Para, fonts: _Fonts) -> list[_Placed]:
    cell = CELL if p.size == BODY else p.size
    width = AREA_W - p.right_indent * cell
    first = width - p.indent * cell
    glyphs = fonts.glyphs(p.spans, p.size)
    lines = break_lines(glyphs, first, width, _char_space(p.size), justify=p.align == "justify")
    placed = []
    for i, line in enumerate(lines):
        x = p.indent * cell if i == 0 else 0.0
        if p.align == "center":
            x = (width - line.natural) / 2
        elif p.align == "right":
            x = width - line.natural
        placed.append((line, x, p.color))
    return placed


def _set_table(t: Table, fonts: _Fonts) -> list[_Row]:
    pad = 0.5 * CELL
    longest = max((len(part) for label, _ in t.rows for part in label.split("\n")), default=4)
    label_w = (t.label_chars or min(longest, 8) + 1) * CELL
    value_w = AREA_W - label_w - 2 * pad
    rows = []
    cs = _char_space(BODY)
    for index, (label, value) in enumerate(t.rows):
        label_lines: list[Line] = []
        for part in label.split("\n"):
            g = fonts.glyphs([Span(part, "hei")], BODY)
            label_lines += break_lines(g, label_w - 2 * pad, label_w - 2 * pad, cs, False)
        value_lines: list[Line] = []
        for part in value.split("\n") if value else [""]:
            g = fonts.glyphs([Span(part)], BODY)
            value_lines += break_lines(g, value_w - pad, value_w - pad, cs, False)
        least = 2 if index in t.tall and index not in t.dated else t.min_lines
        if index in t.dated:
            # The date goes on the label's last line; the lines above stay empty for the hand.
            date = break_lines(fonts.glyphs([Span(DATE_BLANK)], BODY), value_w, value_w, cs, False)
            written = value_lines if value else []
            above = max(len(label_lines) - 1, len(written))
            value_lines = written + [Line((), 0.0, 0.0)] * (above - len(written)) + date
        # A cell taller than a page continues in a row of its own on the next page.
        chunk = LINES - 4
        for start in range(0, max(len(value_lines), 1), chunk):
            values = value_lines[start : start + chunk]
            labels = label_lines if start == 0 else _continued(fonts, label_w - 2 * pad, cs)
            slots = max(len(labels), len(values), least)
            rows.append(_Row(slots, cells=(labels, values, label_w, index in t.dated)))
    return rows


DATE_BLANK = "年　　月　　日"  # a date written in by hand


def _continued(fonts: _Fonts, width: float, cs: float) -> list[Line]:
    return break_lines(fonts.glyphs([Span("（续）", "hei")], BODY), width, width, cs, False)


def _rows(blocks: Sequence[Block], fonts: _Fonts) -> list[_Row]:
    rows: list[_Row] = []
    group = 0
    for block in blocks:
        if isinstance(block, Blank):
            rows += [_Row(1, blank=True) for _ in range(block.lines)]
        elif isinstance(block, Para):
            rows += [_Row(1, [placed]) for placed in _set_para(block, fonts)]
            rows[-1].keep_next = block.keep_next
        elif isinstance(block, Table):
            for row in _set_table(block, fonts):
                group += 1
                row.group = group
                rows.append(row)
        elif isinstance(block, Signature):
            group += 1
            # The last two lines of text travel with the signature: no seal on an empty page.
            text_rows = [r for r in rows[-4:] if not r.blank]
            for r in text_rows[-2:]:
                r.group = group
            date = Para((Span(block.date_text),), align="right", right_indent=4, indent=0)
            date_rows = _set_para(date, fonts)
            date_line, date_x, _ = date_rows[0]
            centre = date_x + date_line.natural / 2
            name = Para((Span(block.authority),), align="left", indent=0)
            name_rows = _set_para(name, fonts)
            seal: list[_Row] = [_Row(1, blank=True, group=group) for _ in range(2)]
            for line, _x, color in name_rows:
                x = max(0.0, min(centre - line.natural / 2, AREA_W - line.natural))
                seal.append(_Row(1, [(line, x, color)], group=group))
            seal.append(_Row(1, [date_rows[0]], group=group))
            seal.append(_Row(1, blank=True))
            rows += seal
    return rows


def _paginate(rows: list[_Row]) -> list[list[_Row]]:
    pages: list[list[_Row]] = [[]]
    used = 0
    i = 0
    while i < len(rows):
        row = rows[i]
        need = row.slots
        if row.group:
            j = i
            need = 0
            while j < len(rows) and rows[j].group == row.group:
                need += rows[j].slots
                j += 1
            if need > LINES:  # a group taller than a page is set row by row
                need = row.slots
        elif row.keep_next and i + 1 < len(rows):
            need += rows[i + 1].slots
        if used + need > LINES and used > 0:
            pages.append([])
            used = 0
            if row.blank:  # no blank lines at the top of a page
                i += 1
                continue
        pages[-1].append(row)
        used += row.slots
        i += 1
    return [p for p in pages if p] or [[]]


# -- drawing ------------------------------------------------------------------------------


def _baseline(slot: int, size: float) -> float:
    slot_top = PAGE_H - TOP - slot * PITCH
    return slot_top - (PITCH - size) / 2 - size * 0.86


class _Codes:
    """One font's character codes in one document, numbered as reportlab numbers them.

    reportlab gives a document's characters codes as it meets them, 256 to a subset (the
    fixed wording's first, see _fix_subsets).  A line's text becomes its PDF strings through
    two translation tables (character to code byte, character to subset) built from
    reportlab's numbering, instead of a Python step per character; characters new to the
    document are first numbered by reportlab itself, in the order they come."""

    def __init__(self, font: Any, doc: Any) -> None:
        self.font = font
        self.doc = doc
        self.known: set[str] = set()
        self.byte: dict[int, str] = {}
        self.subset: dict[int, str] = {}

    def pieces(self, text: str) -> list[tuple[int, str]]:
        """(subset, codes as latin-1 text) pieces of ``text``, as font.splitString's."""
        if not self.known.issuperset(text) and not self.learn(text):
            # A character the font lacks (code 0) or a no-break space: reportlab's own way.
            return [
                (subset, codes.decode("latin-1"))
                for subset, codes in self.font.splitString(text, self.doc)
            ]
        codes = text.translate(self.byte)
        subsets = text.translate(self.subset)
        if subsets.count(subsets[0]) == len(subsets):
            return [(ord(subsets[0]), codes)]
        out = []
        n, start = len(subsets), 0
        while start < n:  # runs of one subset
            subset = subsets[start]
            end = n - len(subsets[start:].lstrip(subset))
            out.append((ord(subset), codes[start:end]))
            start = end
        return out

    def copy(self, doc: Any) -> _Codes:
        """The same tables for another document numbered the same way."""
        other = _Codes(self.font, doc)
        other.known, other.byte, other.subset = set(self.known), dict(self.byte), dict(self.subset)
        return other

    def learn(self, text: str) -> bool:
        """Put ``text``'s characters in the tables, numbering those new to the document;
        False if one has no code (the font lacks it)."""
        state = self.font.state.get(self.doc)
        if state is None:
            self.font.splitString("", self.doc)  # the numbering, started as reportlab starts it
            state = self.font.state[self.doc]
        assigned = state.assignments
        known = self.known
        unknown = [ch for ch in dict.fromkeys(text) if ch not in known]  # in order of coming
        new = "".join(ch for ch in unknown if ord(ch) not in assigned)
        if new:
            self.font.splitString(new, self.doc)
        complete = True
        for char in unknown:
            code = assigned.get(ord(char))
            if code is None:
                complete = False
                continue
            self.byte[ord(char)] = chr(code & 0xFF)
            self.subset[ord(char)] = chr(code >> 8)
            self.known.add(char)
        return complete


def _codes(c: Canvas, font_name: str) -> _Codes:
    """The font's code tables in the canvas's document."""
    codes: dict[str, _Codes] = c.__dict__.setdefault("_cd_codes", {})
    found = codes.get(font_name)
    if found is None:
        found = codes[font_name] = _Codes(_font(font_name), c._doc)
    return found


def _number_text(c: Canvas, laid_out: Sequence[tuple[Letter, list[list[_Row]]]]) -> None:
    """Number the letters' characters not numbered yet, in the order they are drawn, one
    call per font for the whole document instead of one per line that brings a new one."""
    texts: dict[str, list[str]] = {}
    for _letter, pages in laid_out:
        for page in pages:
            for row in page:
                lines = [line for line, _x, _color in row.lines]
                if row.cells is not None:
                    lines += row.cells[0] + row.cells[1]
                for line in lines:
                    for font_name, _size, text in line.runs:
                        texts.setdefault(font_name, []).append(text)
    for font_name, parts in texts.items():
        _codes(c, font_name).learn("".join(parts))


def _draw_line(c: Canvas, line: Line, x: float, y: float, color: tuple[float, ...]) -> None:
    """One line as one PDF text object, written straight into the page's content stream.

    What reportlab's text object writes for the same calls (BT, Tm, Tc, rg, then Tf and Tj per
    font subset, Tc reset, ET), without its per-run bookkeeping, which was a fifth of a
    bundle's time.  Uses the canvas's content list and document (stable in reportlab 4-5)."""
    runs = line.runs
    if not runs:
        return
    doc = c._doc
    names: dict[tuple[str, int], str] = c.__dict__.setdefault("_cd_subset_names", {})
    escape = c._escape
    ops = [f"BT 1 0 0 1 {fp_str(x, y)} Tm {fp_str(line.char_space)} Tc {fp_str(*color)} rg"]
    for font_name, size, text in runs:
        codes = _codes(c, font_name)
        size_text = fp_str(size)
        for subset, piece in codes.pieces(text):
            key = (font_name, subset)
            name = names.get(key)
            if name is None:
                name = names[key] = codes.font.getSubsetInternalName(subset, doc)
            ops.append(f"{name} {size_text} Tf ({escape(piece)}) Tj")
    ops.append("0 Tc ET")  # Tc outlives the text object in the PDF graphics state
    c._code.append(" ".join(ops))


def _draw_table_row(c: Canvas, row: _Row, slot: int) -> None:
    assert row.cells is not None
    labels, values, label_w, dated = row.cells
    pad = 0.5 * CELL
    top = PAGE_H - TOP - slot * PITCH
    bottom = top - row.slots * PITCH
    c.setLineWidth(0.6)
    c.rect(LEFT, bottom, AREA_W, top - bottom)
    c.line(LEFT + label_w, bottom, LEFT + label_w, top)
    for k, line in enumerate(labels):
        _draw_line(c, line, LEFT + pad, _baseline(slot + k, BODY), (0, 0, 0))
    for k, line in enumerate(values):
        x = LEFT + label_w + pad
        if dated and k == len(values) - 1:
            x = LEFT + AREA_W - 2 * pad - line.natural
        _draw_line(c, line, x, _baseline(slot + k, BODY), (0, 0, 0))


def _folio(c: Canvas, fonts: _Fonts, number: int) -> None:
    line = _plain_line(fonts, "song", f"— {number} —", FOLIO)
    y = PAGE_H - TOP - AREA_H - 7 * mm - FOLIO * 0.8
    x = LEFT + AREA_W - FOLIO - line.natural if number % 2 else LEFT + FOLIO
    _draw_line(c, line, x, y, (0, 0, 0))


def _plain_line(fonts: _Fonts, role: str, text: str, size: float) -> Line:
    """``text`` as one line at its fonts' own widths (page numbers, captions), kept while
    it recurs."""
    key = (text, size, role, fonts[role])
    found = _PLAIN.get(key)
    if found is None:
        glyphs = tuple(fonts.glyphs([Span(text, role)], size))
        found = Line(glyphs, 0.0, sum(g.width for g in glyphs))
        if len(_PLAIN) >= 512:
            _PLAIN.clear()
        _PLAIN[key] = found
    return found


_PLAIN: dict[tuple[Any, ...], Line] = {}


def _watermark(c: Canvas, fonts: _Fonts) -> None:
    """草稿 across the page, under the text, and a plain note in the top margin."""
    note = "草稿 · 未经批准，不得作为正式文书送达"
    song = fonts["song"]
    x = LEFT + AREA_W - song.width(note, 10)
    c.setFillColorRGB(0.45, 0.45, 0.45)
    for name, piece in song.runs(note):
        c.setFont(name, 10)
        c.drawString(x, PAGE_H - 20 * mm, piece)
        x += c.stringWidth(piece, name, 10)
    c.setFillColorRGB(0, 0, 0)
    c.saveState()
    c.setFillColorRGB(0.86, 0.86, 0.86)
    c.translate(PAGE_W / 2, PAGE_H / 2)
    c.rotate(40)
    hei = fonts["hei"]
    size = 150.0
    text = "草稿"
    x = -hei.width(text, size) / 2
    for name, piece in hei.runs(text):
        c.setFont(name, size)
        c.drawString(x, -size / 3, piece)
        x += c.stringWidth(piece, name, size)
    c.restoreState()


def _verification(c: Canvas, fonts: _Fonts, letter: Letter, number: int) -> None:
    if not letter.qr:
        return
    size = 20 * mm
    y = 9 * mm
    odd = number % 2 == 1
    x = LEFT if odd else LEFT + AREA_W - size
    draw_qr(c, letter.qr, x, y, size)
    captions = ["扫码核验真伪", f"核验码 {letter.verify_code}" if letter.verify_code else ""]
    for k, caption in enumerate(t for t in captions if t):
        line = _plain_line(fonts, "song", caption, 8)
        cx = x + size + 2 * mm if odd else x - 2 * mm - line.natural
        _draw_line(c, line, cx, y + size - 8 - k * 11, (0, 0, 0))


def _pages(letter: Letter, fonts: _Fonts) -> Iterator[list[_Row]]:
    yield from _paginate(_rows(letter.blocks, fonts))


# What this module draws on every page, whatever the letter says.
PAGE_TEXT = "— 0123456789 —扫码核验真伪核验码草稿 · 未经批准，不得作为正式文书送达（续）"


def _fix_subsets(c: Canvas, fonts: _Fonts, letters: Sequence[Letter]) -> None:
    """Give the fixed wording's characters the first codes of the body and page fonts.

    reportlab numbers a document's characters as it meets them (256 to a subset), so a party
    name near the top shifts every later character and no two documents share a subset.
    Numbered first, in a fixed order, the fixed wording fills the same leading subsets in
    every document that has it; subset.py then deflates each such subset once per process.
    The characters of the case itself follow in later subsets."""
    seen: dict[str, None] = dict.fromkeys(PAGE_TEXT)
    for letter in letters:
        seen.update(dict.fromkeys(letter.fixed_text))
    text = "".join(ch for ch in seen if ord(ch) > 0x7F)
    codes: dict[str, _Codes] = c.__dict__.setdefault("_cd_codes", {})
    for name in {fonts["fangsong"].primary, fonts["song"].primary}:
        font = _font(name)
        numbered = _NUMBERED.get((name, text))
        if numbered is None:
            font.splitString(text, c._doc)
            # The case's own characters start a subset of their own (reportlab's numbering
            # state: the next code to give; a multiple of 256 opens a new subset).
            state = font.state[c._doc]
            if state.nextCode % 256:
                state.nextCode += 256 - state.nextCode % 256
            fixed = _Codes(font, c._doc)
            fixed.learn(text)
            numbered = _Numbered(state, fixed)
            if len(_NUMBERED) >= 64:
                _NUMBERED.clear()
            _NUMBERED[(name, text)] = numbered
            codes[name] = fixed.copy(c._doc)
        else:
            codes[name] = numbered.start(font, c._doc)


class _Numbered:
    """A font's numbering right after the fixed wording was numbered, and its code tables:
    the same for every document with that wording, so copied instead of redone."""

    def __init__(self, state: Any, codes: _Codes) -> None:
        self.assignments: dict[int, int] = dict(state.assignments)
        self.subsets = tuple(map(tuple, state.subsets))
        self.next_code: int = state.nextCode
        self.codes = codes

    def start(self, font: Any, doc: Any) -> _Codes:
        """Give ``doc`` this numbering (reportlab's state, as splitString would have left
        it) and return its code tables."""
        state = font.state[doc] = TTFont.State(font._asciiReadable, font)
        state.assignments = dict(self.assignments)
        state.subsets = [list(s) for s in self.subsets]
        state.nextCode = self.next_code
        return self.codes.copy(doc)


_NUMBERED: dict[tuple[str, str], _Numbered] = {}


def render(
    letters: Sequence[Letter],
    configured_fonts: Mapping[str, str] | None = None,
    *,
    title: str = "",
    author: str = "",
    duplex: bool = False,
    drawn: Callable[[int], None] | None = None,
) -> bytes:
    """One PDF holding ``letters`` in order, each numbered from page 1.

    With ``duplex`` each letter starts on a front side (a blank back page is added when a
    letter ends on a front side).  Raises MissingCharacter before anything is drawn.
    ``drawn(i)`` is called when letter ``i`` is drawn (progress; whatever it raises stops
    the rendering and nothing is returned).
    """
    fonts = _Fonts(configured_fonts)
    laid_out = [(letter, list(_pages(letter, fonts))) for letter in letters]  # may raise
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, initialFontName=fonts["fangsong"].primary, pageCompression=1)
    # Page contents deflated at level FAST (reportlab's pages name their own filter at level 6;
    # without it they take the document's default filters; the document stays compressed).
    c._pageCompression = 0
    c._doc.defaultStreamFilters = [Deflate(FAST)]
    _fix_subsets(c, fonts, letters)
    _number_text(c, laid_out)
    c.setTitle(title or (letters[0].pdf_title if letters else ""))
    c.setAuthor(author)
    c.setCreator("Compliance Desk")
    for index, (letter, pages) in enumerate(laid_out):
        for number, page in enumerate(pages, start=1):
            if letter.draft:
                _watermark(c, fonts)
            slot = 0
            for row in page:
                if row.cells is not None:
                    _draw_table_row(c, row, slot)
                for line, x, color in row.lines:
                    size = line.glyphs[0].size if line.glyphs else BODY
                    _draw_line(c, line, LEFT + x, _baseline(slot, size), color)
                slot += row.slots
            _folio(c, fonts, number)
            _verification(c, fonts, letter, number)
            c.showPage()
            compact_last_page(c, FAST)
        if duplex and len(pages) % 2 == 1:
            c.showPage()
            compact_last_page(c, FAST)
        if drawn is not None:
            drawn(index)
    c.save()
    return buffer.getvalue()
