"""PDF → Document: born-digital reports read from their text layer (pdfium, via pypdfium2), scanned
pages by OCR.

Each page is read by `pdf_page.extract` (glyph runs and ruling lines, in the frame of the text's
own direction) and laid out by `pdf_layout`: ruled grids become `Table`s with merged cells
expanded (`columns_aligned`, `blanks_reliable`), whitespace-aligned rows become `Table`s whose
blanks and columns are not trusted, and the remaining lines become `Paragraph`s (a wrapped line
joins its paragraph; a first-line indent, a short line, a gap or a size change ends it). Every
block and cell has `Source(page=N, bbox=(x0, top, x1, bottom))`: points from the top-left corner
of the page as a viewer shows it (/Rotate applied).

Page furniture is dropped: page numbers ("— 3 —", "第3页 共5页", "3/5") in the top or bottom
margin, and lines repeated at the same place in the margins of several pages (a running title).
A table continued on the next page is another `Table` (with its repeated header rows, if printed).

Pages that cannot be read as text are never passed on as text: a page of private-use or unmapped
glyphs (a font whose ToUnicode map is broken or missing) and an image-only page (scanned) are
read by OCR when the `xxgk[ocr]` extra is installed (`ocr`: rendered at the scan's own
resolution, the same layout applied to the recognised text; `doc.meta["ocr_pages"]`, and the
document is an `OcrDocument` whose cells get a confidence). Without OCR they are left out and
listed in `doc.meta["unreadable_pages"]` ("3,4"); when no page is readable the file is refused,
naming `pip install 'xxgk[ocr]'`. Refused as well, each with one clear `ReadError`: data that is
not a PDF, a truncated or corrupt PDF, an encrypted one (a password is needed to open it; an
owner password that only restricts copying or printing is no obstacle), more than
`ocr.MAX_OCR_PAGES` pages to OCR, and a PDF of more than MAX_PAGES pages — no annual report is
that long, so such a file is refused outright rather than read in part.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..document import Block, Document, Paragraph, Source, Table
from ..errors import ReadError
from .pdf_layout import (RuledTable, TextLine, claim_runs, grid_table, grids, join_lines, text_lines,
                         whitespace_tables)
from .pdf_page import PageContent, PageTooDense, View, extract
from .pdf_split import Placed, join_split_rows

MAX_PAGES = 200
MAX_GLYPHS_TOTAL = 1_000_000

EMPTY = "文件为空 / the file is empty"
NOT_PDF = "不是 PDF 文件 / not a PDF file"
TOO_LARGE = "文件过大（{size} 字节，上限 {mb} MB）/ file too large ({size} bytes, limit {mb} MB)"
TRUNCATED = "PDF 文件不完整（被截断）/ truncated PDF file"
CORRUPT = "PDF 文件已损坏，无法打开 / corrupt PDF file, cannot be opened"
ENCRYPTED = "PDF 已加密，需要密码才能打开 / encrypted PDF: a password is required to open it"
SECURITY = "PDF 使用了不支持的加密方式 / the PDF uses an unsupported security handler"
NO_PAGES = "PDF 没有页面 / the PDF has no pages"
TOO_MANY_PAGES = ("PDF 页数过多（{n} 页，上限 {limit} 页），不是单份年度报告 / "
                  "too many pages ({n}, limit {limit}): not a single annual report")
TOO_DENSE = ("PDF 第 {page} 页文字过多（{n} 个字符），不是报告页面 / "
             "page {page} holds {n} characters: not a report page")
TOO_MUCH_TEXT = "PDF 文字过多，不是单份年度报告 / too much text: not a single annual report"
SCANNED = ("扫描件，需要 OCR，但未安装 OCR 组件（pip install 'xxgk[ocr]'）/ a scanned PDF: needs OCR, "
           "which is not installed: pip install 'xxgk[ocr]'")
GARBAGE = ("PDF 的文字无法解码（字体缺少正确的 Unicode 映射），需要 OCR，但未安装 OCR 组件（pip install "
           "'xxgk[ocr]'）/ the PDF's text cannot be decoded (fonts without a correct Unicode map): needs "
           "OCR, which is not installed: pip install 'xxgk[ocr]'")
NO_TEXT = "PDF 中没有文字 / the PDF contains no text"

_HEADER = re.compile(rb"(?:^|[\r\n])%PDF-\d")
_EOF_WINDOW = 4096  # "%%EOF" must end the file, give or take trailing junk some producers add
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－‒―_~·•\s]*\d{1,4}[-—–－‒―_~·•\s]*"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/／]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*[/／]\s*\d{1,4}"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)$", re.I)
_MARGIN = 0.12  # share of the page height at the top and bottom where furniture is printed
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十\d]{1,3}[）)]"
                       r"|\d{1,2}\s*[、.．](?!\d))")


def read_pdf(data: bytes, name: str) -> Document:
    """Read a PDF report into a `Document` (form "pdf", or "pdf-ocr" when every page was read by
    OCR); see the module docstring for what is refused with a `ReadError` and what is marked in
    `doc.meta`."""
    _check_bytes(data, name)
    pdf = _open(data, name)
    try:
        count = len(pdf)
        if count == 0:
            raise ReadError(name, NO_PAGES)
        if count > MAX_PAGES:
            raise ReadError(name, TOO_MANY_PAGES.format(n=count, limit=MAX_PAGES))
        pages = _pages(pdf, count, name)
        title = _meta_title(pdf)
        status = {p.number: _status(p) for p in pages}
        unreadable = [n for n, s in status.items() if s in ("scanned", "garbage")]
        scans = None
        if unreadable:
            from . import ocr

            if ocr.available():
                scans = ocr.read_pdf_pages(pdf, unreadable, name)
    finally:
        pdf.close()
    if scans is not None:
        from .ocr import ocr_document

        by_number = {s.content.number: s.content for s in scans}
        merged = [by_number.get(p.number, p) for p in pages if p.number in by_number or status[p.number] == "text"]
        doc = ocr_document(merged, scans, name, title, "pdf-ocr" if len(scans) == count else "pdf")
        doc.meta["pages"] = str(count)
        return doc
    return _document(pages, status, name, title)


def layout_document(pages: list[PageContent], name: str, title: str | None, form: str,
                    doc: Document | None = None) -> Document:
    """Readable pages (from the text layer or OCR) laid out into the blocks of a `Document`."""
    layouts = [lay for p in pages for lay in _layout(p)]
    _drop_furniture(layouts)
    if doc is None:
        doc = Document(name=name, form=form, title=title)
    doc.blocks = _blocks(layouts)
    return doc


def _check_bytes(data: bytes, name: str) -> None:
    from . import MAX_BYTES  # the readers' bound, also for callers that come here directly

    if not data:
        raise ReadError(name, EMPTY)
    if len(data) > MAX_BYTES:
        raise ReadError(name, TOO_LARGE.format(size=len(data), mb=MAX_BYTES // (1024 * 1024)))
    # The header may follow some junk (a download's stray bytes) but starts a line.
    if _HEADER.search(data, 0, 1024) is None:
        raise ReadError(name, NOT_PDF)
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise ReadError(name, TRUNCATED)


def _open(data: bytes, name: str) -> pdfium.PdfDocument:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        code = getattr(err, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReadError(name, ENCRYPTED) from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadError(name, SECURITY) from None
        raise ReadError(name, CORRUPT) from None


def _pages(pdf: pdfium.PdfDocument, count: int, name: str) -> list[PageContent]:
    out: list[PageContent] = []
    total = 0
    for i in range(count):
        page = pdfium_c.FPDF_LoadPage(pdf, i)  # a raw page, closed here (see `extract`)
        if not page:
            raise ReadError(name, CORRUPT)
        try:
            content = extract(page, i + 1)
        except PageTooDense as err:
            raise ReadError(name, TOO_DENSE.format(page=i + 1, n=err.args[0])) from None
        finally:
            pdfium_c.FPDF_ClosePage(page)
        total += content.glyphs
        if total > MAX_GLYPHS_TOTAL:
            raise ReadError(name, TOO_MUCH_TEXT)
        out.append(content)
    return out


def _meta_title(pdf: pdfium.PdfDocument) -> str | None:
    try:
        title = pdf.get_metadata_value("Title").strip()  # not the whole dict: one key is read
    except pdfium.PdfiumError:
        return None
    return title or None


# --------------------------------------------------------------------------- pages

def _status(page: PageContent) -> str:
    """"text", "blank", "scanned" (an image of a page: no text, or a few words stamped on it) or
    "garbage" (text without a usable Unicode map)."""
    if page.bad_glyphs >= 5 and (page.bad_glyphs >= 0.1 * page.glyphs or page.bad_glyphs >= 50):
        return "garbage"
    readable = page.glyphs - page.bad_glyphs
    if page.image_area >= 0.5 and readable < 20 or readable == 0 and page.image_area >= 0.3:
        return "scanned"
    return "text" if readable > 0 else "blank"


@dataclass
class _Layout:
    """One view of one page: free text lines and ruled tables, in the view's frame."""

    page: PageContent
    view: View
    lines: list[TextLine]
    tables: list[RuledTable] = field(default_factory=list)


def _layout(page: PageContent) -> list[_Layout]:
    out = []
    for view in page.views:
        runs = view.runs
        tables = []
        for grid in grids(view):
            cells, runs = claim_runs(grid, runs)
            ruled = grid_table(grid, cells, page, view)
            if ruled is not None:
                tables.append(ruled)
        out.append(_Layout(page, view, text_lines(runs), tables))
    return out


def _document(pages: list[PageContent], status: dict[int, str], name: str, title: str | None) -> Document:
    readable = [p for p in pages if status[p.number] == "text"]
    if not readable:
        kinds = set(status.values())
        raise ReadError(name, SCANNED if "scanned" in kinds else GARBAGE if "garbage" in kinds else NO_TEXT)
    doc = layout_document(readable, name, title, "pdf")
    doc.meta["pages"] = str(len(pages))
    unreadable = [str(n) for n, s in status.items() if s in ("scanned", "garbage")]
    if unreadable:
        doc.meta["unreadable_pages"] = ",".join(unreadable)
    return doc


# --------------------------------------------------------------------------- furniture

def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def _drop_furniture(layouts: list[_Layout]) -> None:
    """Remove page numbers and running headers/footers from the margins of each page."""
    candidates: list[tuple[_Layout, TextLine, str]] = []
    for lay in layouts:
        height = lay.view.frame.height
        first_table = min((t.top for t in lay.tables), default=float("inf"))
        last_table = max((t.bottom for t in lay.tables), default=float("-inf"))
        for ln in lay.lines:
            if ln.bottom <= _MARGIN * height and ln.bottom <= first_table:
                candidates.append((lay, ln, "top"))
            elif ln.top >= (1 - _MARGIN) * height and ln.top >= last_table:
                candidates.append((lay, ln, "bottom"))
    dropped: set[int] = set()
    by_key: dict[tuple[str, str], list[tuple[_Layout, TextLine]]] = {}
    for lay, ln, zone in candidates:
        if _PAGE_NUMBER.match(ln.text.strip()):
            dropped.add(id(ln))
        by_key.setdefault((zone, _furniture_key(ln.text)), []).append((lay, ln))
    for group in by_key.values():
        for lay, ln in group:
            if any(other.page.number != lay.page.number and abs(o.top - ln.top) <= 4
                   and abs(o.em - ln.em) <= 0.15 * ln.em for other, o in group):
                dropped.add(id(ln))
    for lay in layouts:
        lay.lines = [ln for ln in lay.lines if id(ln) not in dropped]


# --------------------------------------------------------------------------- blocks

@dataclass
class _Edges:
    """Where full text lines start and end in a page frame of a given width, and how far apart
    the lines of one paragraph are, by font size."""

    left: float
    right: float
    pitch: dict[int, float] = field(default_factory=dict)


def _line_pitches(layouts: list[_Layout]) -> dict[int, float]:
    """Per font size (rounded), the distance between the tops of two lines of one paragraph: the
    lower quartile of consecutive lines' distances (paragraph spacing only widens some)."""
    found: dict[int, list[float]] = {}
    for lay in layouts:
        for a, b in zip(lay.lines, lay.lines[1:]):
            step = b.top - a.top
            if abs(a.em - b.em) <= 0.1 * a.em and 0.9 * a.em <= step <= 3.5 * a.em:
                found.setdefault(round(a.em), []).append(step)
    return {size: sorted(steps)[len(steps) // 4] for size, steps in found.items()}


def _edges(layouts: list[_Layout]) -> dict[int, _Edges]:
    pitches = _line_pitches(layouts)
    by_width: dict[int, list[TextLine]] = {}
    for lay in layouts:
        by_width.setdefault(round(lay.view.frame.width), []).extend(
            ln for ln in lay.lines if len(ln.text) >= 8)
    out = {}
    for width, lines in by_width.items():
        if not lines:
            continue
        xs0 = sorted(ln.x0 for ln in lines)
        xs1 = sorted(ln.x1 for ln in lines)
        out[width] = _Edges(xs0[len(xs0) // 10], xs1[(len(xs1) * 9) // 10], pitches)
    return out


_TOP_KIND = operator.itemgetter(0, 1)  # blocks by top, a table before a line at the same top


@dataclass
class _Para:
    lay: _Layout
    lines: list[TextLine]
    own: int = 1  # how many of the first lines are on `lay` (the rest carried over a page break)


def _body_bottoms(layouts: list[_Layout]) -> dict[int, float]:
    """Per page height (rounded), the lowest content of any such page: the bottom margin."""
    out: dict[int, float] = {}
    for lay in layouts:
        key = round(lay.view.frame.height)
        low = max([ln.bottom for ln in lay.lines] + [t.bottom for t in lay.tables], default=0.0)
        out[key] = max(out.get(key, 0.0), low)
    return out


def _blocks(layouts: list[_Layout]) -> list[Block]:
    edges = _edges(layouts)
    bottoms = _body_bottoms(layouts)
    placed: dict[int, Placed] = {}
    blocks: list[Block] = []
    para: _Para | None = None

    def close() -> None:
        nonlocal para
        if para is not None:
            blocks.append(_paragraph(para))
        para = None

    for lay in layouts:
        frame = lay.view.frame
        for ruled in lay.tables:
            placed[id(ruled.table)] = Placed(ruled, lay.page.number, frame.rot, round(frame.width),
                                             bottoms[round(frame.height)])
        barriers = [t.top for t in lay.tables]
        ws_tables, lines = whitespace_tables(lay.lines, barriers, lay.page, lay.view)
        items: list[tuple[float, int, TextLine | Table]] = [(t.top, 0, t.table) for t in lay.tables]
        items += [(t, 0, table) for t, table in ws_tables]
        items += [(ln.top, 1, ln) for ln in lines]
        items.sort(key=_TOP_KIND)
        edge = edges.get(round(lay.view.frame.width))
        for _, _, item in items:
            if isinstance(item, Table):
                close()
                blocks.append(item)
            elif para is not None and edge is not None and _continues(para, lay, item, edge):
                para.lines.append(item)
                if lay is para.lay:
                    para.own += 1
            else:
                close()
                para = _Para(lay, [item])
    close()
    return join_split_rows(blocks, placed)


def _continues(para: _Para, lay: _Layout, line: TextLine, edge: _Edges) -> bool:
    """Does `line` carry on the paragraph (a wrapped line), also across a page break?"""
    last = para.lines[-1]
    if abs(line.em - last.em) > 0.15 * last.em:
        return False
    same_view = para.lay is lay
    if not same_view and lay.page.number != para.lay.page.number + 1:
        return False
    if same_view:
        pitch = edge.pitch.get(round(last.em))
        step = line.top - last.top
        if pitch is None and line.top - last.bottom > 0.9 * last.em:
            return False
        if pitch is not None and not 0.5 * pitch <= step <= 1.2 * pitch:
            return False
    if last.x1 < edge.right - 1.5 * last.em:  # the last line stopped short: the paragraph ended
        return False
    if line.x0 > edge.left + 0.9 * line.em:  # indented: a new paragraph
        return False
    return _NUMBERED.match(line.text) is None  # a numbered heading starts its own paragraph


def _paragraph(para: _Para) -> Paragraph:
    lines = para.lines
    text = join_lines([ln.text for ln in lines])
    first = lines[0]
    x0, top, x1, bottom = first.x0, first.top, first.x1, first.bottom
    for ln in lines[1:para.own]:  # min() and max() of the lines on the page, written out
        if ln.x0 < x0:
            x0 = ln.x0
        if ln.top < top:
            top = ln.top
        if ln.x1 > x1:
            x1 = ln.x1
        if ln.bottom > bottom:
            bottom = ln.bottom
    box = (x0, top, x1, bottom)
    page = para.lay.page
    return Paragraph(text=text, source=Source(page=page.number, bbox=page.display_bbox(para.lay.view.frame, box)))


__all__ = ["MAX_PAGES", "read_pdf"]
