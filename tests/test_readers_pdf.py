"""The PDF reader (xxgk.readers.pdf) on born-digital reports and on PDFs it must refuse.

Fixtures: tests/fixtures/pdf/ (written by make_fixtures.py there: LibreOffice prints synthetic
reports; small hand-written PDFs pin down geometry). Coordinates in `Source.bbox` are points from
the top-left corner of the page as displayed; the hand-written PDFs place text at known baselines
(PDF user space, y up, page height 842), so top = 842 − baseline − ascent.
"""

from __future__ import annotations

import functools
import io
import json
import random
import re
import sys
import time
from pathlib import Path

import pypdfium2 as pdfium
import pytest

import fixture_builders

from xxgk.document import Document, GridCell, Paragraph, Table
from xxgk.errors import NotAReport, ReadError
from xxgk.parse import parse_document
from xxgk.readers.pdf import (CORRUPT, EMPTY, ENCRYPTED, GARBAGE, NO_TEXT, NOT_PDF, SCANNED,
                              TOO_MANY_PAGES, TRUNCATED, read_pdf)

FIXTURES = Path(__file__).parent / "fixtures" / "pdf"
REPORTS = ["ruled_2019.pdf", "ruled_2021.pdf", "plain_2019.pdf", "rotated_2021.pdf", "header_repeated_2019.pdf"]
PAGE_H = 842.0


MAKE = fixture_builders.load("pdf")


@pytest.fixture
def without_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages that need OCR as without the `xxgk[ocr]` extra (tests/test_readers_ocr.py reads them
    with it): left out, or refused when no page has text."""
    from xxgk.readers import ocr_engine

    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    monkeypatch.setattr(ocr_engine, "_ENGINE", None)


@functools.lru_cache(maxsize=None)
def load(name: str) -> Document:
    return read_pdf((FIXTURES / name).read_bytes(), name)


def tables_with(doc: Document, text: str) -> list[Table]:
    return [t for t in doc.tables() if any(text in c.text for row in t.rows for c in row)]


def row_with(table: Table, text: str) -> list[GridCell]:
    return next(row for row in table.rows if any(c.text == text for c in row))


def inside(inner: tuple[float, ...], outer: tuple[float, ...], slack: float = 0.6) -> bool:
    return (inner[0] >= outer[0] - slack and inner[1] >= outer[1] - slack
            and inner[2] <= outer[2] + slack and inner[3] <= outer[3] + slack)


# --- end to end ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", REPORTS)
def test_report_parses_to_its_truth(name: str) -> None:
    doc = load(name)
    assert doc.form == "pdf" and doc.name == name
    report = parse_document(doc)
    truth = json.loads((FIXTURES / name.replace(".pdf", ".truth.json")).read_text(encoding="utf-8"))
    assert (report.edition, report.year, report.agency) == (truth["edition"], truth["year"], truth["agency"])
    wrong = {}
    for key, value in truth["cells"].items():
        got = report.cells[key].value
        same = got == value if value is None or got is None else abs(got - value) < 1e-9
        if not same:
            wrong[key] = (value, got)
    assert wrong == {}
    assert not [f.rule for f in report.findings if f.rule.startswith("R")]


# --- ruled grids ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["ruled_2019.pdf", "ruled_2021.pdf", "rotated_2021.pdf"])
def test_ruled_tables_are_aligned_rectangles_with_spanned_copies(name: str) -> None:
    doc = load(name)
    assert len(doc.tables()) >= 4  # tables 2 and 4, table 3 over two pages (or 2 over two pages)
    for table in doc.tables():
        assert table.columns_aligned and table.blanks_reliable
        width = len(table.rows[0])
        assert all(len(row) == width for row in table.rows)
        page_box = table.source.bbox
        assert table.source.page is not None and page_box is not None
        for row in table.rows:
            for cell in row:
                assert cell.source.page == table.source.page
                assert cell.source.bbox is not None and inside(cell.source.bbox, page_box)
        # A copy repeats the text and the source of the merged cell it continues.
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row):
                if cell.spanned:
                    left = row[c - 1] if c else None
                    above = table.rows[r - 1][c] if r else None
                    assert any(o is not None and o.text == cell.text and o.source == cell.source
                               for o in (left, above))


def test_table3_header_and_merged_labels_line_up() -> None:
    first, rest = tables_with(load("ruled_2019.pdf"), "勾稽关系")
    assert (first.source.page, rest.source.page) == (2, 3)  # continued, header repeated
    head = first.rows[0]
    corner = next(c for c in head if "勾稽关系" in c.text)
    applicants = [c for c in head if c.text == "申请人情况"]
    assert len(applicants) == 7 and not applicants[0].spanned and all(c.spanned for c in applicants[1:])
    columns = [c.text for c in first.rows[2][3:]]
    assert columns == ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    new = row_with(first, "一、本年新收政府信息公开申请数量")
    assert [c.spanned for c in new[:3]] == [False, True, True]  # the label spans three columns
    assert [c.text for c in new[3:]] == ["2", "0", "0", "0", "0", "0", "2"]
    # 三、本年度办理结果 spans the outcome rows; its copies sit in column 0 below it.
    group_rows = [row for row in first.rows if row[0].text == "三、本年度办理结果"]
    assert not group_rows[0][0].spanned and all(row[0].spanned for row in group_rows[1:])
    assert len(group_rows) == 12
    assert corner.source.bbox is not None and corner.source.bbox[0] == pytest.approx(56.7, abs=0.5)
    assert rest.rows[0][0].text == corner.text and rest.rows[3][2].text == "3.申请内容不明确"


def test_table_continued_without_header_starts_with_data_rows() -> None:
    doc = load("ruled_2021.pdf")
    parts = tables_with(doc, "本年新收政府信息公开申请数量") + tables_with(doc, "结转下年度继续办理")
    first, second = parts[0], parts[-1]
    assert second.source.page == first.source.page + 1
    head = [c.text for c in second.rows[0]]
    assert not any("申请人情况" in t for t in head)
    # The group cell (三、本年度办理结果) continues from the previous page, blank; the row is whole.
    assert head[:3] == ["", "（三）不予公开", "1．属于国家秘密"] and len(head[3:]) == 7
    assert second.rows[1][0].spanned and second.rows[1][1].spanned
    assert second.source.bbox is not None and second.source.bbox[1] < 80  # at the top of its page


# --- geometry of hand-written PDFs ---------------------------------------------------------------

def test_glyph_by_glyph_numbers_stay_whole_in_grid_and_whitespace_rows() -> None:
    doc = load("glyphs.pdf")
    ruled, plain = doc.tables()
    assert [[c.text for c in row] for row in ruled.rows] == [list(r) for r in MAKE.GLYPH_ROWS]
    assert [[c.text for c in row] for row in plain.rows] == [list(r) for r in MAKE.PLAIN_ROWS]
    xs, ys = MAKE.GLYPH_TABLE["x"], MAKE.GLYPH_TABLE["y"]
    assert ruled.source.bbox == pytest.approx((xs[0], PAGE_H - ys[0], xs[-1], PAGE_H - ys[-1]), abs=0.3)
    assert ruled.rows[1][2].source.bbox == pytest.approx((xs[2], PAGE_H - ys[1], xs[3], PAGE_H - ys[2]), abs=0.3)
    assert ruled.rows[2][1].source.page == 1
    assert ruled.columns_aligned and ruled.blanks_reliable
    assert not plain.columns_aligned and not plain.blanks_reliable
    # "1024" in the whitespace row's neighbour column: its cell box starts where its glyphs do.
    assert plain.rows[0][2].source.bbox[0] == pytest.approx(xs[2] + 4, abs=0.3)


def _digits_pdf(rows: list[list[str]], tracking: float, size: float) -> bytes:
    pdf = MAKE.RawPdf()
    helv = MAKE.helvetica(pdf)
    rng = random.Random(5)
    ops: list[str] = []
    for r, row in enumerate(rows):
        for c, number in enumerate(row):
            ops += MAKE._digits(72 + 90 * c, 760 - 2.2 * size * r, number, size, tracking, rng)
    return pdf.build([("".join(ops).replace("/F2", "/F1").encode(), {"F1": helv})])


@pytest.mark.parametrize("tracking", [0.0, 0.05, 0.12])
def test_random_numbers_drawn_glyph_by_glyph_read_back_exactly(tracking: float) -> None:
    rng = random.Random(int(tracking * 100))
    rows = [[str(rng.choice([rng.randint(0, 9), rng.randint(10, 99), rng.randint(100, 99999)]))
             for _ in range(5)] for _ in range(12)]
    size = 9.0
    doc = read_pdf(_digits_pdf(rows, tracking * size, size), "digits.pdf")
    (table,) = doc.tables()
    assert [[c.text for c in row] for row in table.rows] == rows


def test_running_header_page_numbers_and_paragraph_over_the_page_break() -> None:
    doc = load("layout.pdf")
    texts = [p.text for p in doc.paragraphs()]
    assert texts[0] == MAKE.LAYOUT_TITLE  # the title stays; the running header with its text goes
    assert sum(MAKE.LAYOUT_TITLE in t for t in texts) == 1
    assert not any("—" in t or re.search(r"第\d页", t) for t in texts)  # "— 1 —", "第2页 共2页"
    assert texts[1] == "一、总体情况"  # printed twice for bold, read once
    assert MAKE.LAYOUT_PARA in texts  # wrapped lines and the page break joined
    assert "二、主动公开政府信息情况" in texts  # a numbered heading is not joined to the paragraph
    assert "截至日" in texts  # a Kangxi radical (U+2F47) read as the character it stands for
    assert "此页侧排的说明文字" in texts  # text printed at 90° read along its baseline
    assert not any("内部资料" in t or "内" == t for t in texts)  # the 45° watermark is not text


def test_paragraph_sources_are_boxes_on_the_displayed_page() -> None:
    doc = load("layout.pdf")
    para = next(p for p in doc.paragraphs() if p.text == MAKE.LAYOUT_PARA)
    assert para.source.page == 1
    size, left = MAKE.LAYOUT_SIZE, MAKE.LAYOUT_LEFT
    ascent, descent = 0.88 * size, 0.12 * size  # the font descriptor's Ascent/Descent
    x0, top, x1, bottom = para.source.bbox
    assert x0 == pytest.approx(left, abs=0.1)
    assert x1 == pytest.approx(left + MAKE.LAYOUT_CHARS * size, abs=1.0)
    assert top == pytest.approx(PAGE_H - 660 - ascent, abs=0.2)
    # pdfium's loose box goes a little below the descriptor's descent (its own font metrics).
    assert bottom == pytest.approx(PAGE_H - (660 - 2 * MAKE.LAYOUT_PITCH) + descent, abs=1.0)
    note = next(p for p in doc.paragraphs() if p.text == "此页侧排的说明文字")
    nx0, ntop, nx1, nbottom = note.source.bbox  # vertical text: a tall, narrow box
    assert nx1 - nx0 == pytest.approx(10, abs=0.5) and nbottom - ntop == pytest.approx(90, abs=0.5)
    assert nbottom == pytest.approx(PAGE_H - 300, abs=0.2)


# --- rotated pages -------------------------------------------------------------------------------

def test_rotated_pages_read_along_the_text_with_boxes_as_displayed() -> None:
    data = (FIXTURES / "rotated_2021.pdf").read_bytes()
    pdf = pdfium.PdfDocument(data)
    assert [pdf[i].get_rotation() for i in range(len(pdf))] == [0, 90, 270]
    pdf.close()
    doc = load("rotated_2021.pdf")
    (t3,) = tables_with(doc, "一、本年新收政府信息公开申请数量")
    assert t3.source.page == 2
    x0, top, x1, bottom = t3.source.bbox
    assert 0 <= x0 < x1 <= 595.5 and 0 <= top < bottom <= 842  # the page as shown: portrait
    assert bottom - top > x1 - x0  # table 3 is taller than wide, as displayed
    assert "一、本年新收政府信息公开申请数量" in [c.text for c in t3.rows[3]]
    heading = next(p for p in doc.paragraphs() if p.text == "五、存在的主要问题及改进情况")
    assert heading.source.page == 3
    hx0, htop, hx1, hbottom = heading.source.bbox
    assert hbottom - htop > 5 * (hx1 - hx0)  # /Rotate 270 alone: the line runs up the screen
    assert hx1 <= 842 and hbottom <= 595.5


# --- furniture, restricted and unreadable pages --------------------------------------------------

@pytest.mark.parametrize("name", REPORTS)
def test_page_furniture_is_removed(name: str) -> None:
    doc = load(name)
    texts = [p.text for p in doc.paragraphs()]
    assert not any(re.fullmatch(r"—\s*\d+\s*—", t) for t in texts)
    title = texts[0]
    assert "年度报告" in title or "工作报告" in title
    assert texts.count(title) == 1  # the header repeating it on every page is gone


def test_copy_restricted_pdf_is_read() -> None:
    data = (FIXTURES / "ruled_2021.pdf").read_bytes()
    assert b"/Encrypt" in data  # owner password only: opens without one
    assert load("ruled_2021.pdf").tables()


def test_unreadable_pages_are_marked_and_left_out(without_ocr: None) -> None:
    doc = read_pdf((FIXTURES / "garbage.pdf").read_bytes(), "garbage.pdf")
    assert doc.meta["unreadable_pages"] == "2,3"
    text = doc.text()
    assert "本机关二〇二一年度政府信息公开工作情况说明如下。" in text
    assert not re.search("[\ue000-\uf8ff\u0100-\u017f]", text)
    assert all(b.source.page == 1 for b in doc.blocks)


def test_not_a_report_is_read_then_refused_by_the_parser() -> None:
    doc = load("notice.pdf")
    assert isinstance(doc.blocks[0], Paragraph) and "安全生产检查" in doc.blocks[0].text
    with pytest.raises(NotAReport):
        parse_document(doc)


# --- bad input -----------------------------------------------------------------------------------

def _blank_pdf() -> bytes:
    pdf = pdfium.PdfDocument.new()
    pdf.new_page(595, 842)
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def _fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


BAD = [
    ("empty", lambda: b"", EMPTY),
    ("text", lambda: "一、总体情况\n本年度…".encode(), NOT_PDF),
    ("html", lambda: b"<html><body>%PDF-1.7</body></html>" + b" " * 2000, NOT_PDF),
    ("truncated", lambda: _fixture("truncated.pdf"), TRUNCATED),
    ("cut at the end", lambda: _fixture("ruled_2019.pdf")[:-5000], TRUNCATED),
    ("corrupt", lambda: b"%PDF-1.7\n" + random.Random(1).randbytes(5000) + b"\n%%EOF\n", CORRUPT),
    ("encrypted", lambda: _fixture("encrypted.pdf"), ENCRYPTED),
    ("scan", lambda: _fixture("scan.pdf"), SCANNED),
    ("garbage", lambda: _fixture("garbage_all.pdf"), GARBAGE),
    ("blank", _blank_pdf, NO_TEXT),
    ("201 pages", lambda: _fixture("many_pages.pdf"), TOO_MANY_PAGES.format(n=201, limit=200)),
]


@pytest.mark.parametrize(("case", "make", "problem"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_one_clear_read_error(case: str, make, problem: str, without_ocr: None) -> None:
    data = make()
    start = time.perf_counter()
    with pytest.raises(ReadError) as info:
        read_pdf(data, f"{case}.pdf")
    assert time.perf_counter() - start < 3.0
    assert info.value.problem == problem
    assert str(info.value).startswith(f"{case}.pdf: ")
    chinese, _, english = problem.rpartition("/ ")  # "中文 / English"
    assert re.search(r"[\u4e00-\u9fff]", chinese) and re.fullmatch(r"[\x20-\x7e]+", english)


def test_encrypted_fixture_opens_with_its_password() -> None:
    pdf = pdfium.PdfDocument(_fixture("encrypted.pdf"), password=MAKE.PASSWORD)
    assert "安全生产检查" in pdf[0].get_textpage().get_text_range().replace(" ", "")
    pdf.close()


def test_cells_drawn_as_stroked_rectangles_inside_a_form_xobject() -> None:
    """Borders as one stroked rectangle per cell (some producers), the whole table in a form
    XObject placed by its /Matrix: merged cells come from where no rectangle edge divides them."""
    pdf = MAKE.RawPdf()
    song = MAKE.song_font(pdf)
    xs, widths, bottoms = [0, 100, 180, 260], [100, 80, 80, 80], [60, 40, 20]  # form space, y up
    ops = ["0.5 w 0 60 340 20 re S\n"]  # the header: one cell over all four columns
    ops += [f"{xs[c]} {bottoms[r]} {widths[c]} 20 re S\n" for r in (1, 2) for c in range(4)]
    rows = [["申请人情况"], ["行政许可", "10", "0", "205"], ["行政处罚", "7", "1024", "3"]]
    ops.append(MAKE.cjk_line("F1", 9, 140, 66, rows[0][0]))
    for r in (1, 2):
        for c, text in enumerate(rows[r]):
            ops.append(MAKE.cjk_line("F1", 9, xs[c] + 4, bottoms[r] + 6, text))
    form = pdf.form("".join(ops).encode(), (0, 0, 340, 80), (1, 0, 0, 1, 100, 600), {"F1": song})
    data = pdf.build([(b"q /T1 Do Q\n", {"F1": song})], xobjects={"T1": form})
    (table,) = read_pdf(data, "form.pdf").tables()
    assert [[c.text for c in row] for row in table.rows] == [["申请人情况"] * 4, rows[1], rows[2]]
    assert [c.spanned for c in table.rows[0]] == [False, True, True, True]
    # Form (0, 20)–(340, 80) lands at page (100, 620)–(440, 680): top-left origin below.
    assert table.source.bbox == pytest.approx((100, PAGE_H - 680, 440, PAGE_H - 620), abs=0.6)
    assert table.rows[2][2].source.bbox == pytest.approx((280, PAGE_H - 640, 360, PAGE_H - 620), abs=0.6)


def test_an_image_only_page_among_text_pages_is_marked_unreadable(without_ocr: None) -> None:
    merged = pdfium.PdfDocument.new()
    for name in ("layout.pdf", "scan.pdf"):
        merged.import_pages(pdfium.PdfDocument(_fixture(name)))
    buf = io.BytesIO()
    merged.save(buf)
    doc = read_pdf(buf.getvalue(), "mixed.pdf")
    assert doc.meta["unreadable_pages"] == "3" and doc.meta["pages"] == "3"
    assert MAKE.LAYOUT_PARA in [p.text for p in doc.paragraphs()]


def test_raw_text_range_is_pypdfium2s_text() -> None:
    """The reader loads raw pages and text pages (no pypdfium2 page objects) and reads their text
    with `pdf_ffi.text_range`: it must be the text pypdfium2's `get_text_range()` gives, on every
    page of every fixture (Kangxi radicals, broken Unicode maps, rotated and scanned pages)."""
    import pypdfium2.raw as pdfium_c

    from xxgk.readers import pdf_ffi as ffi

    pages = 0
    for path in sorted(FIXTURES.glob("*.pdf")):
        try:
            pdf = pdfium.PdfDocument(path.read_bytes())
        except pdfium.PdfiumError:
            continue  # encrypted, truncated: refused before any page is read
        try:
            for index in range(len(pdf)):
                textpage = pdf[index].get_textpage()
                n = pdfium_c.FPDFText_CountChars(textpage.raw)
                if n > 0:
                    assert ffi.text_range(textpage.raw, n) == textpage.get_text_range(), (path.name, index)
                    pages += 1
        finally:
            pdf.close()
    assert pages >= 20


def test_untyped_pdfium_calls_read_what_the_typed_bindings_read() -> None:
    """pdf_ffi declares the per-glyph and per-object entry points without argument types and
    unpacks their out-parameters by layout: the values must be those pypdfium2's typed bindings
    give (a changed struct layout or signature would otherwise shift every box silently)."""
    import ctypes

    import pypdfium2.raw as pdfium_c

    from xxgk.readers import pdf_ffi as ffi

    pdf = pdfium.PdfDocument((FIXTURES / "rotated_2021.pdf").read_bytes())
    try:
        checked = paths = 0
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            handle = ffi.handle(textpage.raw)
            rect, rect_out = ffi.out(pdfium_c.FS_RECTF)
            matrix, matrix_out = ffi.out(pdfium_c.FS_MATRIX)
            typed_rect, typed_matrix = pdfium_c.FS_RECTF(), pdfium_c.FS_MATRIX()
            for k in range(0, pdfium_c.FPDFText_CountChars(textpage.raw), 7):
                assert ffi.text_loose_box(handle, k, rect_out) == \
                    pdfium_c.FPDFText_GetLooseCharBox(textpage.raw, k, typed_rect)
                assert ffi.RECT(rect) == (typed_rect.left, typed_rect.top, typed_rect.right, typed_rect.bottom)
                ffi.text_matrix(handle, k, matrix_out)
                pdfium_c.FPDFText_GetMatrix(textpage.raw, k, typed_matrix)
                assert ffi.MATRIX(matrix) == tuple(getattr(typed_matrix, f) for f in "abcdef")
                assert ffi.text_map_error(handle, k) == pdfium_c.FPDFText_HasUnicodeMapError(textpage.raw, k)
                checked += 1
            textpage.close()
            page_handle = ffi.handle(page.raw)
            floats, floats_out = ffi.out_array(ctypes.c_float, 4)
            typed = [ctypes.c_float() for _ in range(4)]
            for i in range(pdfium_c.FPDFPage_CountObjects(page.raw)):
                obj, typed_obj = ffi.page_object(page_handle, i), pdfium_c.FPDFPage_GetObject(page.raw, i)
                assert obj.value == ctypes.cast(typed_obj, ctypes.c_void_p).value
                kind = ffi.object_type(obj)
                assert kind == pdfium_c.FPDFPageObj_GetType(typed_obj)
                if kind != pdfium_c.FPDF_PAGEOBJ_PATH:
                    continue
                paths += 1
                assert ffi.path_count_segments(obj) == pdfium_c.FPDFPath_CountSegments(typed_obj)
                ffi.object_bounds(obj, *floats_out)
                pdfium_c.FPDFPageObj_GetBounds(typed_obj, *typed)
                assert ffi.RECT(floats) == tuple(f.value for f in typed)
            page.close()
    finally:
        pdf.close()
    assert checked > 100 and paths > 10
