"""Scanned reports: page images → `Document`, read by OCR (`ocr_engine`, `scan`) and laid out by the
PDF reader's layout, so a scan gives the same tables and paragraphs as the born-digital file.

Used for image-only PDF pages and pages whose fonts have no usable Unicode map (`pdf.read_pdf`),
and for PNG/JPEG/TIFF images (`image.read_image`). The document is an `OcrDocument`: it keeps
every recognised character with its box and probability, and `review` (called by the parser on
the finished report) gives each cell read from a scan its confidence, lets the table's equations
repair digits the recogniser was unsure of, and flags unsure cells the equations cannot confirm
(`ocr_review`).

Bounds: at most MAX_OCR_PAGES pages are recognised (a report is a few pages; a longer scan is
refused before any work), each page at most `scan.MAX_PIXELS` pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import Document
from ..errors import ReadError
from . import ocr_engine

if TYPE_CHECKING:
    import numpy as np

    from ..model import Report
    from .pdf_page import PageContent
    from .scan import OcrGlyph, ScanPage

MAX_OCR_PAGES = 40
RENDER_DPI = 200  # pages drawn as text (broken fonts) are rendered at this resolution
MIN_DPI, MAX_DPI = 100, 300  # a page image is read at its own resolution (pixel for pixel) within these

TOO_MANY_SCANNED = ("需要 OCR 的页面过多（{n} 页，上限 {limit} 页），不是单份年度报告 / "
                    "too many pages need OCR ({n}, limit {limit}): not a single annual report")
PAGE_TOO_BUSY = ("第 {page} 页的文字区域过多（{n} 处），不是报告页面 / page {page} holds {n} text "
                 "regions: not a report page")


@dataclass
class OcrDocument(Document):
    """A document (partly) read by OCR: the recognised characters of each OCR'd page."""

    glyphs: dict[int, list["OcrGlyph"]] = field(default_factory=dict)

    def review(self, report: "Report") -> None:
        """Confidence per cell, repair and flags (see `ocr_review`)."""
        from .ocr_review import review

        review(report, self.glyphs)


def available() -> bool:
    """Is OCR installed (the `xxgk[ocr]` extra)?"""
    return ocr_engine.available()


def ocr_document(pages: list["PageContent"], scans: list["ScanPage"], name: str, title: str | None,
                 form: str) -> OcrDocument:
    """Lay out `pages` (text-layer pages and OCR'd ones, in page order) into an `OcrDocument`."""
    from .pdf import layout_document

    doc = OcrDocument(name=name, form=form, title=title)
    layout_document(pages, name, title, form, doc)
    doc.glyphs = {s.content.number: s.glyphs for s in scans}
    doc.meta["ocr_pages"] = ",".join(str(s.content.number) for s in scans)
    skews = [f"{s.content.number}:{s.skew:+.2f}" for s in scans if s.skew]
    if skews:
        doc.meta["ocr_deskew"] = " ".join(skews)
    turned = [f"{s.content.number}:{s.turned}" for s in scans if s.turned]
    if turned:
        doc.meta["ocr_turned"] = " ".join(turned)
    return doc


def read_images(images: list[tuple["np.ndarray", float]], name: str, form: str) -> OcrDocument:
    """Page images (grey or colour arrays with their resolution in dpi) → `OcrDocument`."""
    eng = ocr_engine.engine(name)
    from .scan import read_page, to_gray

    if len(images) > MAX_OCR_PAGES:
        raise ReadError(name, TOO_MANY_SCANNED.format(n=len(images), limit=MAX_OCR_PAGES))
    scans = [_read(read_page, to_gray(img), k + 1, dpi, eng, name) for k, (img, dpi) in enumerate(images)]
    return ocr_document([s.content for s in scans], scans, name, None, form)


def read_pdf_pages(pdf: pdfium.PdfDocument, numbers: list[int], name: str) -> list["ScanPage"]:
    """OCR the given pages (1-based) of an open PDF, each rendered at its image's resolution."""
    if len(numbers) > MAX_OCR_PAGES:
        raise ReadError(name, TOO_MANY_SCANNED.format(n=len(numbers), limit=MAX_OCR_PAGES))
    eng = ocr_engine.engine(name)
    from .scan import read_page

    out = []
    for number in numbers:
        page = pdf[number - 1]
        try:
            dpi = _page_dpi(page)
            gray = page.render(scale=dpi / 72, grayscale=True, may_draw_forms=False).to_numpy()
        finally:
            page.close()
        if gray.ndim == 3:
            gray = gray[:, :, 0]
        out.append(_read(read_page, gray, number, dpi, eng, name))
    return out


def _read(read_page, gray: "np.ndarray", number: int, dpi: float, eng, name: str) -> "ScanPage":
    from .scan import TooManyRegions

    try:
        return read_page(gray, number, dpi, eng)
    except TooManyRegions as err:
        raise ReadError(name, PAGE_TOO_BUSY.format(page=number, n=err.args[0])) from None


def _page_dpi(page: pdfium.PdfPage) -> float:
    """The resolution of the largest image on the page (a scan's own), within [MIN_DPI,
    MAX_DPI]; RENDER_DPI for a page without images (text whose fonts cannot be decoded)."""
    best_area, dpi = 0.0, float(RENDER_DPI)
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=2):
        try:
            px_w, px_h = obj.get_px_size()
            left, bottom, right, top = obj.get_bounds()
        except pdfium.PdfiumError:
            continue
        area = (right - left) * (top - bottom)
        if area > best_area and right - left > 1 and top - bottom > 1:
            # Pixels per inch whichever way the image is turned on the page.
            best_area, dpi = area, (px_w * px_h / (area / 72 / 72)) ** 0.5
    return float(min(MAX_DPI, max(MIN_DPI, dpi)))


__all__ = ["MAX_OCR_PAGES", "OcrDocument", "available", "ocr_document", "read_images", "read_pdf_pages"]
