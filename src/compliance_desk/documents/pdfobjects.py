"""PDF objects written as bytes the code makes itself, where reportlab's are known in advance.

reportlab formats every object through its generic machinery (dictionaries sorted and
formatted key by key, names escaped, numbers formatted, references looked up) at every save:
for a letter's pages and font objects that was a fifth of a bundle's time, for dictionaries
that differ from page to page only in the numbers of the objects they refer to.  ``Raw``
holds an object's bytes with those references left open, filled in at save.  The objects
are the ones reportlab writes, key for key (tests compare them).  The documents made here are
never encrypted, so stream bytes are written as they are.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import Any

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas


class Raw(pdfdoc.PDFObject):  # type: ignore[misc]
    """An indirect object's bytes, with references (by reportlab's reference names) between
    its pieces, numbered when the document is saved."""

    __RefOnly__ = 1  # always an object of its own, referred to from elsewhere

    def __init__(self, pieces: Sequence[bytes], refs: Sequence[str] = ()) -> None:
        self.pieces = pieces  # one more than refs: the bytes around each reference
        self.refs = refs

    def format(self, document: Any) -> bytes:
        numbers = document.idToObjectNumberAndVersion
        out = [self.pieces[0]]
        for name, piece in zip(self.refs, self.pieces[1:], strict=True):
            out += (b"%d %d R" % numbers[name], piece)
        return b"".join(out)


def number(value: float) -> bytes:
    text: str = fp_str(value)
    return text.encode()


def name(value: str) -> bytes:
    text: str = pdfdoc.PDFName(value)
    return text.encode("latin-1")


def stream(content: bytes, deflated: bool, extra: bytes = b"") -> Raw:
    """A stream object of ``content`` (already deflated if ``deflated``)."""
    head = b"<< /Filter [ /FlateDecode ] /Length %d" if deflated else b"<< /Length %d"
    return Raw((head % len(content) + extra + b" >>\nstream\n" + content + b"endstream\n",))


_ALL_PROCS = b"/ProcSet [ /PDF /Text /ImageB /ImageC /ImageI ]"
_BASIC_PROCS = b"/ProcSet [ /PDF /Text ]"


def compact_last_page(c: Canvas, level: int) -> None:
    """Write the page just shown (``c.showPage()``) as a Raw object: its content stream
    deflated at zlib ``level``, its dictionary as reportlab's check_format and format make it
    (contents, media box, parent, resources: the fonts, procedure sets and images it uses).
    A page with anything else (annotations, rotation, boxes, transitions, graphics states,
    colour spaces, shadings) is left to reportlab."""
    doc = c._doc
    page = doc.Pages.pages[-1]
    if not isinstance(page, pdfdoc.PDFPage) or page.Contents or page.Resources or not page.stream:
        return
    if any(getattr(page, key, None) for key in _LEFT_TO_REPORTLAB):
        return
    if page.Trans is not None and page.Trans.dict or page._colorsUsed or page._shadingUsed:
        return
    text = page.stream
    data = text.encode("utf8") if isinstance(text, str) else text
    contents = doc.Reference(stream(zlib.compress(data, level), True)).name
    parent = doc.Reference(doc.Pages).name
    box = b"[ 0 0 %s %s ]" % (number(page.pagewidth), number(page.pageheight))
    pieces = [b"<< /Contents ", b" /MediaBox " + box + b" /Parent ", b" /Resources << /Font "]
    refs = [contents, parent, pdfdoc.BasicFonts]
    procs = _ALL_PROCS if page.hasImages else _BASIC_PROCS
    images = sorted(page.XObjects.dict.items()) if page.XObjects else []
    end = b" >> /Rotate 0 /Trans << >> /Type /Page >>"
    if not images:
        pieces.append(b" " + procs + end)
    else:
        pieces.append(b" " + procs + b" /XObject << " + name(images[0][0]) + b" ")
        for i, (_key, ref) in enumerate(images):
            refs.append(ref.name)
            last = i + 1 == len(images)
            pieces.append(b" >>" + end if last else b" " + name(images[i + 1][0]) + b" ")
    raw = Raw(pieces, refs)
    own = page.__InternalName__  # the name the canvas registered the page under
    raw.__InternalName__ = own
    doc.idToObject[own] = raw
    doc.Pages.pages[-1] = raw


_LEFT_TO_REPORTLAB = (
    "Annots",
    "ExtGState",
    "Rotate",
    "CropBox",
    "ArtBox",
    "BleedBox",
    "TrimBox",
    "Dur",
    "Thumb",
    "B",
    "Hid",
    "AA",
    "PieceInfo",
    "LastModified",
    "SeparationInfo",
    "ID",
    "PZ",
)
