"""Font subsets for embedding, made fast: glyphs read once, subsets deflated once.

reportlab builds each subset (up to 256 characters) by seeking through the 10-20 MB glyph
table character by character, copies the font's whole name table into it (22 KB of licence
text in AR PL UMing, in every subset of every document), and deflates every subset of every
document.  Here each glyph's bytes and components are read once per process (fonts.py keys
its font cache on path and mtime), the name table keeps the records that identify the font
(copyright, family, style, unique id, full name, version, PostScript name, trademark: IDs
0-7), and a subset's deflated bytes are kept by what it holds: gbt9704 numbers the fixed
wording first, so the subsets that hold it are the same in every letter of a kind and are
made once; only the case's own characters (names, facts) are subset and deflated per document.
The subset is otherwise the one reportlab makes: same tables, same glyph order and cmap.
"""

from __future__ import annotations

import functools
import os
import threading
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from struct import pack, unpack_from
from typing import Any

from reportlab.pdfbase.ttfonts import SUBSETN, TTFont, TTFontFace, TTFontMaker, makeToUnicodeCMap

from compliance_desk.documents.pdfobjects import Raw, name, number, stream

# zlib levels.  What changes from letter to letter (the case's own characters, the pages'
# contents) is deflated fast: level 1 takes a third of the time of reportlab's 6 (the default)
# for about 12% more bytes.  What repeats (a subset met a second time: the fixed wording's) is
# deflated again at 9, once per process.
FAST, SMALL = 1, 9
_KEPT_NAMES = frozenset(range(8))
_COMPOSITE_MORE, _WORDS, _SCALE, _XY_SCALE, _TWO_BY_TWO = 0x20, 0x01, 0x08, 0x40, 0x80


def short_name_table(table: bytes) -> bytes:
    """The name table with only records 0-7 (format 0); the table unchanged if unreadable."""
    try:
        fmt, count, storage = unpack_from(">HHH", table, 0)
        if fmt != 0:
            return table
        records: list[bytes] = []
        strings = bytearray()
        seen: dict[bytes, int] = {}
        for i in range(count):
            platform, encoding, language, name_id, length, offset = unpack_from(
                ">6H", table, 6 + 12 * i
            )
            if name_id not in _KEPT_NAMES:
                continue
            text = table[storage + offset : storage + offset + length]
            if len(text) != length:
                return table
            at = seen.get(text)
            if at is None:
                at = seen[text] = len(strings)
                strings += text
            records.append(pack(">6H", platform, encoding, language, name_id, length, at))
    except Exception:  # a malformed table is copied as it is, as reportlab would
        return table
    head = pack(">HHH", 0, len(records), 6 + 12 * len(records))
    return head + b"".join(records) + bytes(strings)


class _Glyphs:
    """Per face: each glyph's bytes and the glyphs it is composed of, read once."""

    def __init__(self, face: TTFontFace) -> None:
        self.face = face
        self.glyf = face.get_table("glyf")
        self.pos: list[int] = face.glyphPos
        self.cache: dict[int, tuple[bytes, tuple[tuple[int, int], ...]]] = {}
        self.name = short_name_table(face.get_table("name"))
        self.copied = {}
        for tag in ("OS/2", "cvt ", "fpgm", "prep"):
            try:
                self.copied[tag] = face.get_table(tag)
            except KeyError:
                pass
        self.post = b"\x00\x03\x00\x00" + face.get_table("post")[4:16] + b"\x00" * 16

    def glyph(self, index: int) -> tuple[bytes, tuple[tuple[int, int], ...]]:
        """The glyph's bytes and its components as (offset of the index in the bytes, index)."""
        found = self.cache.get(index)
        if found is None:
            start, end = self.pos[index], self.pos[index + 1]
            data = self.glyf[start:end]
            parts: list[tuple[int, int]] = []
            if len(data) > 2 and unpack_from(">h", data, 0)[0] < 0:
                at, flags = 10, _COMPOSITE_MORE
                while flags & _COMPOSITE_MORE:
                    flags, component = unpack_from(">HH", data, at)
                    parts.append((at + 2, component))
                    at += 4 + (4 if flags & _WORDS else 2)
                    if flags & _SCALE:
                        at += 2
                    elif flags & _XY_SCALE:
                        at += 4
                    elif flags & _TWO_BY_TWO:
                        at += 8
            found = self.cache[index] = (data, tuple(parts))
        return found


def _glyphs(face: TTFontFace) -> _Glyphs:
    found: _Glyphs | None = face.__dict__.get("_cd_glyphs")
    if found is None:
        found = face.__dict__["_cd_glyphs"] = _Glyphs(face)
    return found


def make_subset(face: TTFontFace, subset: Sequence[int]) -> bytes:
    """The TrueType subset of ``subset`` (character codes in subset order), as reportlab's
    TTFontFile.makeSubset makes it, but from cached glyphs and with the short name table."""
    glyphs = _glyphs(face)
    char_to_glyph = face.charToGlyph
    glyph_map = [0]  # new index -> old index
    glyph_set = {0: 0}  # old index -> new index
    code_to_glyph = []
    for code in subset:
        old = char_to_glyph.get(code, 0)
        new = glyph_set.get(old)
        if new is None:
            new = glyph_set[old] = len(glyph_map)
            glyph_map.append(old)
        code_to_glyph.append(new)
    n = 0
    while n < len(glyph_map):  # components of composite glyphs come along
        for _at, component in glyphs.glyph(glyph_map[n])[1]:
            if component not in glyph_set:
                glyph_set[component] = len(glyph_map)
                glyph_map.append(component)
        n += 1

    out = TTFontMaker()
    out.add("name", glyphs.name)
    for tag, table in glyphs.copied.items():
        out.add(tag, table)
    out.add("post", glyphs.post)

    hmetrics = face.hmetrics
    hmtx: list[int] = []
    for old in glyph_map:
        aw, lsb = hmetrics[old]
        hmtx += (int(aw), int(lsb))
    n = len(hmtx) - 2
    while n and hmtx[n] == hmtx[n - 2]:
        n -= 2
    n += 2
    hmtx = hmtx[:n] + hmtx[n + 1 :: 2]
    out.add("hmtx", pack(f">{len(hmtx)}H", *hmtx))
    hhea = bytearray(face.get_table("hhea"))
    hhea[34:36] = pack(">H", n >> 1)
    out.add("hhea", bytes(hhea))
    maxp = bytearray(face.get_table("maxp"))
    maxp[4:6] = pack(">H", len(glyph_map))
    out.add("maxp", bytes(maxp))
    count = len(subset)
    cmap = [0, 1, 1, 0, 0, 12, 6, 10 + count * 2, 0, 0, count, *code_to_glyph]
    out.add("cmap", pack(f">{len(cmap)}H", *cmap))

    pieces: list[bytes] = []
    offsets: list[int] = []
    pos = 0
    for old in glyph_map:
        offsets.append(pos)
        data, parts = glyphs.glyph(old)
        if parts:
            fixed = bytearray(data)
            for at, component in parts:
                fixed[at : at + 2] = pack(">H", glyph_set[component])
            data = bytes(fixed)
        pieces.append(data)
        pos += len(data)
        if pos % 4:
            pieces.append(b"\0" * (4 - pos % 4))
            pos += 4 - pos % 4
    offsets.append(pos)
    out.add("glyf", b"".join(pieces))
    if (pos + 1) >> 1 > 0xFFFF:
        loc_format, loca = 1, pack(f">{len(offsets)}L", *offsets)
    else:
        loc_format, loca = 0, pack(f">{len(offsets)}H", *(o >> 1 for o in offsets))
    out.add("loca", loca)
    head = bytearray(face.get_table("head"))
    head[50:52] = pack(">H", loc_format)
    out.add("head", bytes(head))
    stream: bytes = out.makeStream()
    return stream


class _Deflated:
    """Deflated streams by what they hold: a subset repeated in many documents (the fixed
    wording's subsets, see gbt9704._fix_subsets) is made and deflated once per process at
    level SMALL; one met for the first time (a case's own characters, most likely never met
    again) is deflated at FAST."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.items: OrderedDict[tuple[Any, ...], tuple[bytes, int, int]] = OrderedDict()
        # Letters render in the task runner's two workers too (a preview beside a batch):
        # the dictionary's order is changed under the lock; subsets are made outside it.
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...], make: Callable[[], bytes]) -> tuple[bytes, int]:
        """(deflated bytes, length before deflating)."""
        with self.lock:
            found = self.items.get(key)
            if found is not None:
                self.items.move_to_end(key)
        if found is None:
            raw = make()
            found = (zlib.compress(raw, FAST), len(raw), FAST)
        elif found[2] != SMALL:  # met again: it repeats, so it is worth deflating harder
            raw = make()
            found = (zlib.compress(raw, SMALL), len(raw), SMALL)
        else:
            return found[0], found[1]
        with self.lock:
            self.items[key] = found
            self.items.move_to_end(key)
            if len(self.items) > self.size:
                self.items.popitem(last=False)
        return found[0], found[1]


class Deflate:
    """reportlab's FlateDecode stream filter at a chosen zlib level (reportlab's uses 6):
    ``doc.defaultStreamFilters = [Deflate(FAST)]`` for the streams it deflates itself."""

    pdfname = "FlateDecode"

    def __init__(self, level: int) -> None:
        self.level = level

    def encode(self, text: str | bytes) -> bytes:
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, self.level)

    def decode(self, encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


_DEFLATED = _Deflated()


def forget() -> None:
    """Drop the deflated subsets (benchmarks: the first letters after a start)."""
    _DEFLATED.items.clear()


def _stream(doc: Any, key: tuple[Any, ...], make: Callable[[], bytes], length1: bool) -> Raw:
    """A stream object of ``make()``'s bytes, deflated (once per distinct content) when the
    document is compressed; ``length1``: with the /Length1 of a font file."""
    if doc.compression:
        content, raw_length = _DEFLATED.get(key, make)
    else:
        content = make()
        raw_length = len(content)
    return stream(content, doc.compression, b" /Length1 %d" % raw_length if length1 else b"")


# The font and descriptor objects' bytes for subsets met before, by font file and subset
# (the objects themselves are made per document: reportlab marks them as its own).
_Pieces = tuple[tuple[bytes, ...], tuple[str, ...]]
_OBJECTS: dict[tuple[Any, ...], tuple[_Pieces, _Pieces]] = {}


def _font_objects(
    face: TTFontFace,
    mtime: float,
    internal: str,
    base_name: str,
    subset: tuple[int, ...],
    file_ref: str,
) -> tuple[Raw, Raw]:
    """The subset's font dictionary (referring to its ToUnicode map and descriptor) and its
    font descriptor (referring to its font file), as reportlab writes them."""
    key = (face.filename, face.name, mtime, subset, internal, base_name)
    found = _OBJECTS.get(key)
    if found is None:
        found = _OBJECTS[key] = _new_font_objects(face, internal, base_name, subset, file_ref)
        if len(_OBJECTS) > 256:
            _OBJECTS.clear()
    return Raw(*found[0]), Raw(*found[1])


def _new_font_objects(
    face: TTFontFace, internal: str, base_name: str, subset: Sequence[int], file_ref: str
) -> tuple[_Pieces, _Pieces]:
    widths = b" ".join(map(number, map(face.getCharWidth, subset)))
    font = (
        (
            b"<< /BaseFont %s /FirstChar 0 /FontDescriptor " % name(base_name),
            b" /LastChar %d /Name %s /Subtype /TrueType /ToUnicode "
            % (len(subset) - 1, name(internal)),
            b" /Type /Font /Widths [ %s ] >>" % widths,
        ),
        ("fontDescriptor:" + base_name, "toUnicodeCMap:" + base_name),
    )
    flags = (face.flags & ~(1 << 5)) | (1 << 2)  # symbolic, not non-symbolic
    descriptor = (
        (
            b"<< /Ascent %s /CapHeight %s /Descent %s /Flags %d /FontBBox [ %s ] "
            b"/FontFile2 "
            % (
                number(face.ascent),
                number(face.capHeight),
                number(face.descent),
                flags,
                b" ".join(map(number, face.bbox)),
            ),
            b" /FontName %s /ItalicAngle %s /MissingWidth %s /StemV %s "
            b"/Type /FontDescriptor >>"
            % (
                name(base_name),
                number(face.italicAngle),
                number(face.defaultWidth),
                number(face.stemV),
            ),
        ),
        (file_ref,),
    )
    return font, descriptor


def _mtime(face: TTFontFace) -> float:
    try:
        return os.stat(face.filename).st_mtime
    except OSError:
        return -1.0


def add_objects(font: TTFont, doc: Any) -> None:
    """TTFont.addObjects: the document's font, descriptor, font file and ToUnicode objects
    for each subset used, the same objects as reportlab's (tested), formatted and deflated
    once per distinct subset."""
    state = font.state.get(doc) or font._assignState(doc)
    state.frozen = 1
    face = font.face
    mtime = _mtime(face)
    for n, subset in enumerate(state.subsets):
        internal = font.getSubsetInternalName(n, doc)[1:]
        base_name = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
        codes = tuple(subset)
        cmap = _stream(
            doc, ("cmap", base_name, codes), functools.partial(_cmap, base_name, codes), False
        )
        doc.Reference(cmap, "toUnicodeCMap:" + base_name)
        font_file = _stream(
            doc,
            ("font", face.filename, face.name, mtime, codes),
            functools.partial(make_subset, face, codes),
            True,
        )
        file_ref = f"fontFile:{face.filename}({base_name})"
        doc.Reference(font_file, file_ref)
        pdf_font, descriptor = _font_objects(face, mtime, internal, base_name, codes, file_ref)
        doc.Reference(descriptor, "fontDescriptor:" + base_name)
        doc.Reference(pdf_font, internal)
        doc.idToObject["BasicFonts"].dict[internal] = pdf_font
    del font.state[doc]


def _cmap(base_name: str, subset: Sequence[int]) -> bytes:
    text: str = makeToUnicodeCMap(base_name, subset)
    return text.encode("latin-1")


def speed_up(font: TTFont) -> None:
    """Make ``font`` embed its subsets through this module."""
    face = font.face
    face.__dict__["makeSubset"] = lambda subset: make_subset(face, subset)
    font.__dict__["addObjects"] = lambda doc: add_objects(font, doc)
