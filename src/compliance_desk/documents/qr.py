"""QR codes drawn into PDFs as one small 1-bit image (reused on every page that shows it)."""

from __future__ import annotations

from functools import lru_cache

import qrcode
from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas


@lru_cache(maxsize=64)
def _image(data: str) -> ImageReader:
    # A fixed mask: choosing the "best" of eight costs 80 % of the time and buys nothing a
    # scanner notices at this size.
    code = qrcode.QRCode(
        border=0, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=2
    )
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    size = len(matrix)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in matrix for dark in row])
    return ImageReader(image)


def draw_qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code of ``data`` with its lower-left corner at (x, y), ``size`` points square."""
    c.drawImage(_image(data), x, y, size, size)
