"""What makes bundles fast must not change what is printed: the QR encoder, the font caches."""

from __future__ import annotations

import io
import os
import random
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
import qrcode
from qrcode import constants, util
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.ttfonts import TTFontFile
from reportlab.pdfgen.canvas import Canvas

from compliance_desk.documents import fonts as fonts_mod
from compliance_desk.documents.pdfobjects import compact_last_page
from compliance_desk.documents.qr import draw_qr
from compliance_desk.documents.qrencode import encode
from compliance_desk.documents.subset import make_subset


def test_the_fast_qr_encoder_draws_the_same_code_as_the_qrcode_package() -> None:
    rng = random.Random(5)
    versions = set()
    for length in [*range(1, 330, 7), 201, 202, 213, 330]:
        text = bytes(rng.randrange(33, 127) for _ in range(length))
        reference = qrcode.QRCode(
            border=0, error_correction=constants.ERROR_CORRECT_M, mask_pattern=2
        )
        reference.add_data(util.QRData(text, mode=util.MODE_8BIT_BYTE))
        reference.make(fit=True)
        versions.add(reference.version)
        matrix = reference.get_matrix()
        size, modules = encode(text)
        assert size == len(matrix), length
        assert modules == bytes(1 if dark else 0 for row in matrix for dark in row), length
    assert {1, 9, 10, 13} <= versions, versions  # both widths of the length field


def _tables(font: bytes) -> dict[str, bytes]:
    count = struct.unpack_from(">H", font, 4)[0]
    out = {}
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sLLL", font, 12 + 16 * i)
        out[tag.decode("latin-1")] = font[offset : offset + length]
    return out


@pytest.mark.parametrize("font", [fonts_mod.UMING, fonts_mod.WQY, fonts_mod.UKAI])
def test_cached_subsets_hold_the_glyphs_reportlab_would_embed(font: fonts_mod.FontFile) -> None:
    if not Path(font.path).exists():
        pytest.skip(f"{font.path} is not installed")
    face = TTFontFile(font.path, subfontIndex=font.index)
    text = "喆堃镕昇珺玥虞市监合建〔2026〕12号，。ABCabc123（）《》"
    codes = [ord(c) for c in text]
    ours, theirs = _tables(make_subset(face, codes)), _tables(face.makeSubset(codes))
    assert set(ours) == set(theirs)
    for tag in theirs:
        if tag == "name":  # ours keeps records 0-7 only: no licence text in every subset
            continue
        if tag == "head":  # its checksum adjustment covers the whole file, name table included
            assert ours[tag][:8] + ours[tag][12:] == theirs[tag][:8] + theirs[tag][12:]
            continue
        assert ours[tag] == theirs[tag], tag
    names = ours["name"]
    assert len(names) <= len(theirs["name"])
    assert struct.unpack_from(">H", names, 2)[0] > 0  # family, full and PostScript names kept


def test_a_font_replaced_on_disk_is_read_again(tmp_path: Path) -> None:
    source = Path(fonts_mod.WQY.path)
    if not source.exists():
        pytest.skip("wqy-microhei is not installed")
    copy = tmp_path / "body.ttc"
    shutil.copy(source, copy)
    first = fonts_mod.chain("fangsong", {"fangsong": str(copy)})
    assert fonts_mod.chain("fangsong", {"fangsong": str(copy)}) is first  # cached
    os.utime(copy, (copy.stat().st_atime, copy.stat().st_mtime + 10))
    assert fonts_mod.chain("fangsong", {"fangsong": str(copy)}) is not first


def _font_objects(pdf: bytes) -> dict[str, dict[str, object]]:
    """Each font of the PDF by BaseFont: its entries, its descriptor's, its ToUnicode map."""
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    out: dict[str, dict[str, object]] = {}
    for font in reader.pages[0]["/Resources"]["/Font"].values():
        font = font.get_object()
        if font["/Subtype"] != "/TrueType":  # the canvas's initial Helvetica
            continue
        entries: dict[str, object] = {k: font[k] for k in font if k not in FONT_REFS}
        descriptor = font["/FontDescriptor"].get_object()
        entries |= {"descriptor:" + k: descriptor[k] for k in descriptor if k != "/FontFile2"}
        entries["tounicode"] = font["/ToUnicode"].get_object().get_data()
        entries["fontfile"] = descriptor["/FontFile2"].get_object().get_data()[:4]
        out[str(font["/BaseFont"])] = entries
    return out


FONT_REFS = {"/FontDescriptor", "/ToUnicode"}


# Two documents drawn with one font, as a script run in a fresh interpreter: reportlab keeps
# the first font registered for a face (by face name) for the whole process.
_DRAW = """
import io, sys
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from compliance_desk.documents.subset import speed_up
path, fast, compressed, text = sys.argv[1], sys.argv[2] == "1", int(sys.argv[3]), sys.argv[4]
font = TTFont("Body", path, subfontIndex=0)
if fast:
    speed_up(font)
pdfmetrics.registerFont(font)
for _ in range(2):  # the second document takes the objects made for the first
    buffer = io.BytesIO()
    c = Canvas(buffer, pageCompression=compressed)
    c.setFont("Body", 12)
    c.drawString(50, 700, text)
    c.showPage()
    c.save()
sys.stdout.buffer.write(buffer.getvalue())
"""


@pytest.mark.parametrize("compressed", [0, 1])
def test_font_objects_written_once_are_the_ones_reportlab_writes(compressed: int) -> None:
    path = fonts_mod.UMING.path
    if not Path(path).exists():
        pytest.skip(f"{path} is not installed")
    text = "喆堃镕昇珺玥虞市监合建〔2026〕12号，。ABCabc123（）《》" + "".join(
        chr(c)
        for c in range(0x4E00, 0x4E00 + 300)  # two subsets
    )
    pdfs = [
        subprocess.run(
            [sys.executable, "-c", _DRAW, path, fast, str(compressed), text],
            capture_output=True,
            check=True,
        ).stdout
        for fast in ("0", "1")
    ]
    stock, ours = (_font_objects(pdf) for pdf in pdfs)
    assert len(stock) == 2
    assert ours == stock


def _page(page: pypdf.PageObject) -> dict[str, object]:
    """What a page says, references followed: its entries, resources and decoded contents."""
    resources = page["/Resources"]
    return {
        **{k: page[k] for k in page if k not in ("/Contents", "/Parent", "/Resources")},
        "parent": page["/Parent"]["/Type"],
        "resources": sorted(resources),
        "fonts": sorted(resources["/Font"]),
        "procsets": list(resources["/ProcSet"]),
        "images": {k: v.get_object().get_data() for k, v in resources.get("/XObject", {}).items()},
        "contents": page.get_contents().get_data(),  # type: ignore[union-attr]
    }


@pytest.mark.parametrize("images", [False, True])
def test_pages_written_as_bytes_are_the_pages_reportlab_writes(images: bool) -> None:
    def document(compact: bool) -> pypdf.PdfReader:
        buffer = io.BytesIO()
        c = Canvas(buffer, pagesize=A4)
        for n in range(3):
            c.drawString(100, 700, f"page {n}")
            if images and n:
                draw_qr(c, f"CDV1|page {n}", 100, 100, 56.7)
            c.showPage()
            if compact:
                compact_last_page(c, 1)
        c.save()
        return pypdf.PdfReader(io.BytesIO(buffer.getvalue()), strict=True)

    stock, ours = document(False), document(True)
    assert len(ours.pages) == len(stock.pages) == 3
    for theirs, mine in zip(stock.pages, ours.pages, strict=True):
        assert _page(mine) == _page(theirs)
    assert bool(_page(ours.pages[1])["images"]) == images
