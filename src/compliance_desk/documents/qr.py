"""QR codes drawn into PDFs as one small 1-bit image (reused on every page that shows it)."""

from __future__ import annotations

from functools import lru_cache

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from compliance_desk.documents.qrencode import encode

_GREY = bytes(0 if i else 255 for i in range(256))  # 1 (dark) -> black, 0 -> white


@lru_cache(maxsize=64)
def _image(data: str) -> ImageReader:
    # A fixed mask (pattern 2): choosing the "best" of eight costs most of the time and buys
    # nothing a scanner notices at this size.
    size, modules = encode(data.encode())
    image = Image.frombytes("L", (size, size), modules.translate(_GREY)).convert("1")
    return ImageReader(image)


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code of ``data`` with its lower-left corner at (x, y), ``size`` points square."""
    c.drawImage(_image(data), x, y, size, size)
