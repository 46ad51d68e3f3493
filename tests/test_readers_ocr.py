"""Scanned reports read by OCR (xxgk.readers.ocr, scan, image, ocr_review).

Fixtures (tests/fixtures/scan/make_fixtures.py): the official-layout DOCX reports of both editions
printed to PDF by LibreOffice (committed), rasterised at test time by pdftoppm at 150 dpi into
image-only PDFs, as agencies scan them; a variant turned by 1–2° with grain and speckle; single
pages as PNG and JPEG, pages as a multi-page TIFF. Parsed cells are scored against the reports'
truth (the same comparison as shared/tools/score.py: numbers to 1e-6, null only equals null).
"""

from __future__ import annotations

import functools
import io
import json
import re
import shutil
import sys
import time
from pathlib import Path

import pytest

import fixture_builders

from xxgk import rules
from xxgk.document import Document
from xxgk.errors import ReadError
from xxgk.model import Cell, Report
from xxgk.parse import parse_document
from xxgk.readers import ocr_engine, read_bytes
from xxgk.readers.pdf import SCANNED

FIXTURES = Path(__file__).parent / "fixtures"
SCANS = FIXTURES / "scan"
needs_ocr = pytest.mark.skipif(not ocr_engine.available(), reason="OCR is the optional extra xxgk[ocr]")
needs_poppler = pytest.mark.skipif(shutil.which("pdftoppm") is None,
                                   reason="pdftoppm (poppler-utils) is installed by .ci/run")


@functools.lru_cache(maxsize=None)
def make() -> object:
    return fixture_builders.load("scan")


@functools.lru_cache(maxsize=None)
def scan_pdf(edition: str) -> bytes:
    """The scanned report of `edition` (an image-only PDF at 150 dpi)."""
    return make().scan_pdf((SCANS / f"report_{edition}.pdf").read_bytes())


@functools.lru_cache(maxsize=None)
def pages(edition: str) -> list:
    return make().page_images(scan_pdf(edition))


@functools.lru_cache(maxsize=None)
def parsed(kind: str, edition: str) -> tuple[Document, Report]:
    """The scan of `edition` read and parsed: "scan" (the image-only PDF) or "skewed" (its pages
    turned by 1.2–1.5° with grain and speckle, as a multi-page TIFF)."""
    if kind == "scan":
        data, name = scan_pdf(edition), f"scan_{edition}.pdf"
    else:
        turned = [make().skewed_noisy(p, 1.5 if k % 2 else -1.2, k) for k, p in enumerate(pages(edition))]
        data, name = make().encode(turned, "TIFF"), f"skewed_{edition}.tif"
    doc = read_bytes(data, name)
    return doc, parse_document(doc)


def truth(edition: str) -> dict:
    return json.loads((SCANS / f"report_{edition}.truth.json").read_text(encoding="utf-8"))


def same(got: object, want: object) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return abs(float(got) - float(want)) < 1e-6  # type: ignore[arg-type]


def strict_share(report: Report, expected: dict) -> tuple[float, dict]:
    wrong = {k: (v, report.cells[k].value if k in report.cells else "<missing>")
             for k, v in expected["cells"].items()
             if k not in report.cells or not same(report.cells[k].value, v)}
    return 1 - len(wrong) / len(expected["cells"]), wrong


# --- whole reports ---------------------------------------------------------------------------

@needs_ocr
@needs_poppler
@pytest.mark.parametrize("edition", ["2019", "2021"])
def test_scanned_report_parses_to_its_truth(edition: str) -> None:
    doc, report = parsed("scan", edition)
    want = truth(edition)
    assert doc.form == "pdf-ocr" and doc.meta["ocr_pages"] == ",".join(str(k + 1) for k in range(len(pages(edition))))
    assert (report.edition, report.year, report.agency) == (want["edition"], want["year"], want["agency"])
    share, wrong = strict_share(report, want)
    assert share >= 0.98, wrong
    assert wrong == {}  # measured: every cell of both editions
    assert [s.heading is not None for s in report.sections] == [True] * 6


@needs_ocr
@needs_poppler
def test_skewed_noisy_multipage_tiff_is_levelled_and_read() -> None:
    doc, report = parsed("skewed", "2019")
    assert doc.form == "tiff" and doc.meta["ocr_pages"] == "1,2,3,4"
    turned = [float(item.split(":")[1]) for item in doc.meta["ocr_deskew"].split()]
    # Each page levelled by its own angle (PIL turns counter-clockwise, the reader back).
    assert turned == pytest.approx([1.2, -1.5, 1.2, -1.5], abs=0.1)
    want = truth("2019")
    share, wrong = strict_share(report, want)
    assert share >= 0.98, wrong
    assert (report.edition, report.year, report.agency) == (want["edition"], want["year"], want["agency"])


@needs_ocr
@needs_poppler
def test_every_read_cell_has_a_confidence_and_a_page_box() -> None:
    _, report = parsed("scan", "2021")
    read = [c for c in report.cells.values() if c.status == "read" and c.raw]
    assert read and all(c.confidence is not None and 0 < c.confidence <= 1 for c in read)
    assert min(c.confidence for c in read) > 0.5
    for c in read:
        assert c.source is not None and c.source.page is not None and c.source.bbox is not None
        x0, top, x1, bottom = c.source.bbox
        assert 0 <= x0 < x1 <= 612 and 0 <= top < bottom <= 792  # a Letter page, points
    data = json.loads(report.to_json())
    cell = data["cells"]["t3.new_received.total"]
    assert cell["confidence"] == report.cells["t3.new_received.total"].confidence
    blank = [k for k, c in report.cells.items() if c.confidence is None]
    assert all("confidence" not in data["cells"][k] for k in blank)


# --- images ----------------------------------------------------------------------------------

@needs_ocr
@needs_poppler
@pytest.mark.parametrize(("fmt", "edition", "index"), [("PNG", "2021", 2), ("JPEG", "2019", 1)])
def test_a_page_image_gives_the_cells_printed_on_it(fmt: str, edition: str, index: int) -> None:
    data = make().encode([pages(edition)[index]], fmt)
    doc = read_bytes(data, f"page.{fmt.lower()}")
    assert doc.form == fmt.lower() and doc.meta["dpi"] == "150"
    report = parse_document(doc)
    want = truth(edition)["cells"]
    read = {k: c for k, c in report.cells.items() if c.status == "read" and c.source is not None}
    assert len(read) >= 60  # a page of table 3 (or tables 2 and 3)
    assert {k: c.value for k, c in read.items() if not same(c.value, want[k])} == {}
    assert all(c.source.page == 1 for c in read.values())


def _image(fmt: str, text_page: bool) -> bytes:
    """A page of narrative only (the report's first page, no table) or a blank page."""
    from PIL import Image

    page = pages("2021")[0] if text_page else Image.new("L", (1240, 1754), 255)
    if text_page:
        page = page.crop((0, 0, page.width, page.height // 2))  # the title and first paragraphs
    buf = io.BytesIO()
    page.save(buf, fmt)
    return buf.getvalue()


@needs_ocr
@needs_poppler
def test_an_image_without_a_table_is_refused() -> None:
    start = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_bytes(_image("PNG", text_page=True), "notice.png")
    assert "没有表格" in err.value.problem and "no table" in err.value.problem
    assert str(err.value).startswith("notice.png: ")
    assert time.perf_counter() - start < 30


@needs_ocr
def test_a_blank_image_has_no_text() -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(_blank_png(), "blank.png")
    assert "没有可识别的文字" in err.value.problem


def _blank_png(size: tuple[int, int] = (1240, 1754), mode: str = "L") -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new(mode, size, 255 if mode == "L" else 1).save(buf, "PNG")
    return buf.getvalue()


BAD_IMAGES = [
    ("damaged", lambda: _blank_png()[:200], "图片已损坏"),
    ("huge", lambda: _blank_png((7000, 7000), "1"), "图片过大"),
    ("not an image after its signature", lambda: b"\x89PNG\r\n\x1a\n" + b"\0" * 500, "图片已损坏"),
]


@needs_ocr
@pytest.mark.parametrize(("case", "make_data", "problem"), BAD_IMAGES, ids=[b[0] for b in BAD_IMAGES])
def test_bad_images_are_one_clear_error(case: str, make_data, problem: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_bytes(make_data(), "bad.png")
    assert problem in err.value.problem and str(err.value).startswith("bad.png: ")
    assert "\n" not in str(err.value)
    assert time.perf_counter() - start < 5


@needs_ocr
def test_a_tiff_of_too_many_pages_is_refused_before_any_work() -> None:
    from PIL import Image

    frames = [Image.new("L", (200, 280), 255) for _ in range(41)]
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:])
    start = time.perf_counter()
    with pytest.raises(ReadError) as err:
        read_bytes(buf.getvalue(), "batch.tif")
    assert "41" in err.value.problem and "40" in err.value.problem
    assert time.perf_counter() - start < 5


# --- PDFs with pages that need OCR -----------------------------------------------------------

@needs_ocr
def test_pages_with_broken_fonts_are_read_by_ocr() -> None:
    doc = read_bytes((FIXTURES / "pdf" / "garbage.pdf").read_bytes(), "garbage.pdf")
    assert doc.form == "pdf" and doc.meta["ocr_pages"] == "2,3" and "unreadable_pages" not in doc.meta
    text = doc.text()
    assert "本机关二〇二一年度政府信息公开工作情况说明如下。" in text  # page 1, from its text layer
    page2 = "".join(b.text for b in doc.paragraphs() if b.source.page == 2)
    # Page 2's font maps every character to private use; its glyphs are ordinary Chinese.
    assert "主动公开政府信息情况" in page2 and "收到和处理政府信息公开申请" in page2  # cut at the page edge
    assert not re.search("[\ue000-\uf8ff]", text)


# --- OCR not installed -----------------------------------------------------------------------

@pytest.fixture
def without_ocr(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if `xxgk[ocr]` were not installed: onnxruntime cannot be imported."""
    monkeypatch.setitem(sys.modules, "onnxruntime", None)
    monkeypatch.setattr(ocr_engine, "_ENGINE", None)


def test_without_ocr_an_image_names_the_file_and_the_extra(without_ocr: None) -> None:
    with pytest.raises(ReadError) as err:
        read_bytes(_blank_png(), "第3页.png")
    assert err.value.name == "第3页.png"
    assert "pip install 'xxgk[ocr]'" in err.value.problem and "\n" not in str(err.value)


def test_without_ocr_a_scanned_pdf_names_the_extra(without_ocr: None) -> None:
    with pytest.raises(ReadError) as err:
        read_bytes((FIXTURES / "pdf" / "scan.pdf").read_bytes(), "扫描件.pdf")
    assert err.value.problem == SCANNED and "pip install 'xxgk[ocr]'" in SCANNED


# --- the review: confidence, repair, flags ---------------------------------------------------

def _glyph(char: str, x: float, prob: float, alt: str = "", alt_prob: float = 0.0):
    from xxgk.readers.scan import OcrGlyph

    return OcrGlyph(char, (x, 100.0, x + 5, 110.0), prob, alt, alt_prob)


def _report_with(values: dict[str, int]) -> tuple[Report, dict[int, list]]:
    """A 2021 report whose table 4 row 行政复议 was read by OCR, one cell per 30 pt."""
    from xxgk.document import Source

    report = Report(edition="2021")
    glyphs = []
    for k, (key, value) in enumerate(values.items()):
        x = 50.0 + 30 * k
        report.cells[key] = Cell(value, str(value), "件", "read", Source(page=1, bbox=(x - 2, 98.0, x + 25, 112.0)))
        glyphs += [_glyph(ch, x + 6 * j, 0.99) for j, ch in enumerate(str(value))]
    return report, {1: glyphs}


def test_an_unsure_digit_the_rules_contradict_is_repaired_with_the_runner_up() -> None:
    from xxgk.readers.ocr_review import review

    keys = [f"t4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
    report, glyphs = _report_with(dict(zip(keys, [3, 1, 0, 0, 9])))  # printed 8, read 3
    # The 3 was read unsure, the recogniser's second choice an 8 (3 + 1 + 0 + 0 ≠ 9; 8 + 1 = 9).
    glyphs[1][0] = _glyph("3", 50.0, 0.55, "8", 0.41)
    review(report, glyphs)
    cell = report.cells["t4.review.upheld"]
    assert (cell.value, cell.status, cell.rule, cell.raw) == (8, "inferred", "H4", "3")
    assert cell.confidence == 0.55
    assert [f.rule for f in report.findings] == ["R-ocr-repaired"]
    assert rules.failures("2021", {k: c.value for k, c in report.cells.items()}) == []


def test_an_unsure_digit_is_never_changed_to_a_value_the_recogniser_did_not_offer() -> None:
    from xxgk.readers.ocr_review import review

    keys = [f"t4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
    report, glyphs = _report_with(dict(zip(keys, [3, 1, 0, 0, 9])))
    glyphs[1][0] = _glyph("3", 50.0, 0.55, "5", 0.41)  # 5 + 1 ≠ 9: no repair
    review(report, glyphs)
    cell = report.cells["t4.review.upheld"]
    assert (cell.value, cell.status) == (3, "read")
    assert [(f.rule, f.cells) for f in report.findings] == [("R-ocr-unconfirmed", ["t4.review.upheld"])]
    assert "0.55" in report.findings[0].message and "核实" in report.findings[0].message


def test_an_unsure_digit_the_rules_confirm_is_not_flagged() -> None:
    from xxgk.readers.ocr_review import review

    keys = [f"t4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
    report, glyphs = _report_with(dict(zip(keys, [8, 1, 0, 0, 9])))
    glyphs[1][0] = _glyph("8", 50.0, 0.6, "3", 0.39)
    review(report, glyphs)
    assert report.cells["t4.review.upheld"].confidence == 0.6
    assert report.findings == []


def test_a_confident_reading_that_breaks_an_equation_is_left_for_the_checks() -> None:
    """A report's own misprint is not OCR's to mend: confident digits stay as read."""
    from xxgk.readers.ocr_review import review

    keys = [f"t4.review.{c}" for c in ("upheld", "corrected", "other", "pending", "total")]
    report, glyphs = _report_with(dict(zip(keys, [3, 1, 0, 0, 9])))
    review(report, glyphs)
    assert report.cells["t4.review.upheld"].value == 3 and report.findings == []
