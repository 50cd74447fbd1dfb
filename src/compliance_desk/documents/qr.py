"""QR codes drawn into PDFs as one small 1-bit image (reused on every page that shows it).

The image is written as a PDF image object of its own: one bit a module, DeviceGray, deflated
once per code.  reportlab's drawImage would take it as an RGB picture (three bytes a module),
hash those bytes again on every page and deflate and ASCII85-encode them per document: about
a millisecond a code, for the same black and white squares.
"""

from __future__ import annotations

import hashlib
import zlib
from functools import lru_cache

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from compliance_desk.documents.qrencode import encode


@lru_cache(maxsize=64)
def _image(data: str) -> tuple[str, int, bytes]:
    """(name, modules a side, the deflated rows): 1 bit a module, 0 dark (DeviceGray)."""
    # A fixed mask (pattern 2): choosing the "best" of eight costs most of the time and buys
    # nothing a scanner notices at this size.
    size, modules = encode(data.encode())
    digits = modules.translate(b"10" + bytes(254))  # 1 dark -> "0", 0 light -> "1"
    width = (size + 7) // 8
    pad = b"0" * (width * 8 - size)
    rows = b"".join(
        int(digits[start : start + size] + pad, 2).to_bytes(width)
        for start in range(0, size * size, size)
    )
    name = "QR" + hashlib.sha1(data.encode()).hexdigest()
    return name, size, zlib.compress(rows, 9)


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code of ``data`` with its lower-left corner at (x, y), ``size`` points square."""
    name, modules, content = _image(data)
    doc = c._doc
    internal = doc.getXObjectName(name)
    if internal not in doc.idToObject:  # once per document; every page refers to it
        image = pdfdoc.PDFStream(
            pdfdoc.PDFDictionary(
                {
                    "Type": pdfdoc.PDFName("XObject"),
                    "Subtype": pdfdoc.PDFName("Image"),
                    "Width": modules,
                    "Height": modules,
                    "ColorSpace": pdfdoc.PDFName("DeviceGray"),
                    "BitsPerComponent": 1,
                    "Filter": pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")]),
                }
            ),
            content,
        )
        doc.Reference(image, internal)
    # What canvas.drawImage writes: the image scaled onto its square, state saved around it.
    c._code.append(f"q 1 0 0 1 {fp_str(x, y)} cm {fp_str(size)} 0 0 {fp_str(size)} 0 0 cm")
    c._code.append(f"/{internal} Do Q")
    c._formsinuse.append(name)
