"""受理回执: the appeal receipt handed to the enterprise at the desk. Data in, PDF bytes out.

It carries the appeal number, the tier, the deadline (and how it was counted), and a QR code
with the appeal's reference so the enterprise can follow it.  Built on the same font chains
the official letters use, so no character of a company's name can silently disappear.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

import qrcode
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from compliance_desk.documents.fonts import FontChain, chain


@dataclass(frozen=True)
class ReceiptData:
    number: str
    enterprise_name: str
    uscc: str
    title: str
    tier_label: str
    received: str  # 2026年2月13日 09:30
    deadline: date | None
    provisional: bool
    centre_name: str
    desk_phone: str
    explanation: str
    reference: str  # what the QR code carries


def chinese_date(d: date) -> str:
    """2026年3月9日: Arabic numerals, no padding (GB/T 9704)."""
    return f"{d.year}年{d.month}月{d.day}日"


def _draw(c: Canvas, fonts: FontChain, x: float, y: float, text: str, size: float) -> float:
    """Draw ``text`` in runs of the fonts that have each character; returns the end x."""
    for name, piece in fonts.runs(text):
        c.setFont(name, size)
        c.drawString(x, y, piece)
        x += c.stringWidth(piece, name, size)
    return x


def _wrap(fonts: FontChain, text: str, size: float, width: float) -> list[str]:
    """Break into lines that fit ``width``, never starting a line with closing punctuation."""
    no_start = set("，。、；：！？）》”’…】〕")
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for char in paragraph:
            if fonts.width(line + char, size) > width and line:
                if char in no_start:  # 避头: carry characters down until the line may start
                    k = 1
                    while k < len(line) and line[-k] in no_start:
                        k += 1
                    lines.append(line[:-k])
                    line = line[-k:] + char
                    continue
                lines.append(line)
                line = char
            else:
                line += char
        lines.append(line)
    return lines


def _qr(c: Canvas, data: str, x: float, y: float, size: float) -> None:
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    c.setFillColorRGB(0, 0, 0)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                c.rect(x + col * cell, y + size - (row + 1) * cell, cell, cell, stroke=0, fill=1)


class _Page:
    """The cursor down the page; a new page starts when a line would fall below the margin."""

    BOTTOM = 30 * mm

    def __init__(self, canvas: Canvas, top: float) -> None:
        self.canvas, self.top, self.y = canvas, top, top

    def need(self, height: float) -> float:
        if self.y - height < self.BOTTOM:
            self.canvas.showPage()
            self.y = self.top
        return self.y


def render_receipt(data: ReceiptData, configured_fonts: dict[str, str] | None = None) -> bytes:
    song = chain("song", configured_fonts)
    hei = chain("hei", configured_fonts)
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=A4, initialFontName=song.primary, initialFontSize=12)
    c.setTitle(f"受理回执 {data.number}")
    c.setAuthor(data.centre_name)
    width, height = A4
    left, right = 28 * mm, width - 26 * mm
    y = height - 37 * mm
    title = "诉求受理回执"
    _draw(c, hei, (width - hei.width(title, 22)) / 2, y, title, 22)
    y -= 16 * mm
    due = chinese_date(data.deadline) + " 24时" if data.deadline else "计时暂停，恢复后另行告知"
    if data.provisional:
        due += "（暂定：该年度官方日历发布后可能调整）"
    rows = [
        ("受理编号", data.number),
        ("企业名称", data.enterprise_name),
        ("统一社会信用代码", data.uscc),
        ("诉求事项", data.title),
        ("诉求等级", data.tier_label),
        ("受理时间", data.received),
        ("办理期限", due),
        ("受理单位", data.centre_name),
        ("咨询电话", data.desk_phone),
    ]
    label_width = 40 * mm
    _qr(c, data.reference, right - 32 * mm, height - 90 * mm, 32 * mm)
    _draw(c, song, right - 36 * mm, height - 96 * mm, "扫码查询办理进度", 9)
    page = _Page(c, height - 37 * mm)
    page.y = y
    for label, value in rows:
        lines = _wrap(song, value, 14, right - left - label_width - 40 * mm)
        y = page.need(7 * mm)
        _draw(c, hei, left, y, label, 12)
        for line in lines:
            y = page.need(7 * mm)
            _draw(c, song, left + label_width, y, line, 14)
            page.y -= 7 * mm
        page.y -= 3 * mm
    page.y -= 4 * mm
    _draw(c, hei, left, page.need(7 * mm), "期限计算说明", 12)
    page.y -= 7 * mm
    note = (
        "本回执由合规服务台出具。期限依《中华人民共和国民法典》第二百零一条、第二百零三条计算："
        "受理当日不计入，期间最后一日为法定休假日的，以休假日结束的次日为期间的最后一日。"
    )
    for text, gap in ((data.explanation, 6 * mm), (note, 0.0)):
        for line in _wrap(song, text, 10.5, right - left):
            _draw(c, song, left, page.need(5.5 * mm), line, 10.5)
            page.y -= 5.5 * mm
        page.y -= gap
    c.showPage()
    c.save()
    return buffer.getvalue()
