"""Print preview of a letter (QtPdf), printing to any installed printer, saving as PDF.

The PDF shown is the PDF printed: pages are rendered by QtPdf at the printer's resolution and
sent as one print job, so a bundle of four letters is one job in the queue, in order.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from compliance_desk.domain.errors import DomainError
from compliance_desk.gui.crash import show_error
from compliance_desk.gui.sizing import resize_within_screen

log = logging.getLogger("compliance_desk.gui.pdf_preview")
PRINT_DPI = 300


def load(pdf: bytes, parent: QWidget | None = None) -> QPdfDocument:
    """A QPdfDocument over ``pdf`` (the buffer is parented to the document, kept alive)."""
    document = QPdfDocument(parent)
    buffer = QBuffer(document)
    buffer.setData(QByteArray(pdf))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    if document.status() != QPdfDocument.Status.Ready:
        raise DomainError("无法显示该 PDF（文件已损坏）", f"QtPdf cannot load: {document.error()}")
    return document


def print_pdf(pdf: bytes, printer: QPrinter, title: str = "") -> int:
    """Print every page of ``pdf`` on ``printer`` as one job; returns the number of pages."""
    document = load(pdf)
    printer.setDocName(title or "合规服务台文书")
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setFullPage(True)
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    painter = QPainter()
    if not painter.begin(printer):
        raise DomainError("打印机无法开始打印，请检查打印机是否可用", "QPainter.begin failed")
    try:
        target = printer.pageLayout().fullRectPixels(printer.resolution())
        # Rendered at no more than 300 dpi (an A4 page at 1200 dpi would be 550 MB of pixels);
        # the painter scales it to the printer's resolution.
        scale = min(1.0, PRINT_DPI / max(printer.resolution(), 1))
        size = QSize(round(target.width() * scale), round(target.height() * scale))
        for page in range(document.pageCount()):
            if page:
                printer.newPage()
            painter.drawImage(target, document.render(page, size))
    finally:
        painter.end()
    log.info("printed %d pages of %s", document.pageCount(), title)
    return document.pageCount()


class PdfPreviewDialog(QDialog):
    """The letter as it will print; Print… and Save as PDF… underneath."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pdf, self.title = pdf, title
        self.setWindowTitle(self.tr("Print preview — %1").replace("%1", title))
        self.document = load(pdf, self)
        self.view = QPdfView(self)
        self.view.setObjectName("pdfView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        pages = QLabel(self.tr("%1 page(s)").replace("%1", str(self.document.pageCount())))
        print_button = QPushButton(self.tr("Print…"))
        print_button.setObjectName("print")
        print_button.clicked.connect(lambda: self.print_dialog())
        save_button = QPushButton(self.tr("Save as PDF…"))
        save_button.setObjectName("savePdf")
        save_button.clicked.connect(lambda: self.save_as())
        close_button = QPushButton(self.tr("Close"))
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(pages)
        buttons.addStretch(1)
        for b in (print_button, save_button, close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(buttons)
        resize_within_screen(self, 820, 960)

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            print_pdf(self.pdf, printer, self.title)

    def save_as(self, path: str | None = None) -> Path | None:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self, self.tr("Save as PDF"), f"{self.title}.pdf", "PDF (*.pdf)"
            )
            if not path:
                return None
        from compliance_desk.services.ledger_files import save_bytes

        target = Path(path)
        try:
            save_bytes(target, self.pdf)
        except DomainError as exc:  # a folder that cannot be written: said, not a crash
            show_error(self, exc)
            return None
        return target
