"""The DOCX writer: government document conventions, East Asian fonts, the template's merged cells,
and a file LibreOffice opens."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from xxgk.load import load_report
from xxgk.readers.docx import read_docx
from xxgk.render import render_bytes
from xxgk.render.layout import table_layout

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
FIXTURE = Path(__file__).parent / "fixtures" / "render" / "jiamusi_2022.json"
needs_office = pytest.mark.skipif(shutil.which("soffice") is None,
                                  reason="LibreOffice is installed by .ci/run; not on this machine")


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return render_bytes(load_report(FIXTURE), "docx")


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return etree.fromstring(zf.read(name))


def w(attr: str) -> str:
    return f"{{{W}}}{attr}"


def test_a4_page_with_government_margins(docx_bytes: bytes) -> None:
    sect = part(docx_bytes, "word/document.xml").find(".//w:body/w:sectPr", NS)
    size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
    twips = lambda mm: round(mm * 1440 / 25.4)  # noqa: E731
    assert abs(int(size.get(w("w"))) - twips(210)) <= 2 and abs(int(size.get(w("h"))) - twips(297)) <= 2
    for side, mm in (("top", 37), ("bottom", 35), ("left", 28), ("right", 26)):
        assert abs(int(margins.get(w(side))) - twips(mm)) <= 2, side


def test_every_run_names_its_east_asian_font_and_the_defaults_no_theme(docx_bytes: bytes) -> None:
    doc = part(docx_bytes, "word/document.xml")
    runs = doc.findall(".//w:body//w:r", NS)
    texts = [r for r in runs if r.find("w:t", NS) is not None and r.find("w:t", NS).text]
    assert texts
    for run in texts:
        fonts = run.find("w:rPr/w:rFonts", NS)
        assert fonts is not None and fonts.get(w("eastAsia")) and fonts.get(w("ascii")) == "Times New Roman"
    styles = part(docx_bytes, "word/styles.xml")
    defaults = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:rFonts", NS)
    assert defaults.get(w("eastAsia")) == "仿宋_GB2312"
    assert not [a for a in defaults.attrib if "Theme" in a or "theme" in a]
    fonts = part(docx_bytes, "word/fontTable.xml")
    alt = {f.get(w("name")): f.find("w:altName", NS).get(w("val"))
           for f in fonts.findall("w:font", NS) if f.find("w:altName", NS) is not None}
    assert alt["仿宋_GB2312"] == "仿宋" and alt["方正小标宋简体"] and alt["黑体"]


def test_title_headings_and_body_in_their_fonts_and_sizes(docx_bytes: bytes) -> None:
    doc = part(docx_bytes, "word/document.xml")
    body = doc.find("w:body", NS)
    first = body.findall("w:p", NS)
    by_text = {}
    for p in first:
        text = "".join(t.text or "" for t in p.iterfind(".//w:t", NS))
        run = p.find("w:r/w:rPr", NS)
        if text and run is not None:
            by_text.setdefault(text, (run.find("w:rFonts", NS).get(w("eastAsia")),
                                      int(run.find("w:sz", NS).get(w("val"))) / 2))
    assert by_text["佳木斯市人民政府2022年政府信息公开工作年度报告"] == ("方正小标宋简体", 22)
    assert by_text["一、总体情况"] == ("黑体", 16)
    assert by_text["（一）主动公开"] == ("楷体_GB2312", 16)
    body_text = next(t for t in by_text if t.startswith("2022年，在上级"))
    assert by_text[body_text] == ("仿宋_GB2312", 16)
    assert by_text["佳木斯市人民政府"] == ("仿宋_GB2312", 16)  # the signature
    assert by_text["2023年3月13日"] == ("仿宋_GB2312", 16)


def test_tables_carry_the_template_merges(docx_bytes: bytes) -> None:
    tables = part(docx_bytes, "word/document.xml").findall(".//w:body/w:tbl", NS)
    assert len(tables) == 3
    t3 = tables[1]
    spans = [int(g.get(w("val"))) for g in t3.iterfind(".//w:gridSpan", NS)]
    layout = table_layout("2021", "t3")
    expected = [s.cell.colspan for line in layout.grid() for s in line
                if s.col == s.origin_col and s.cell.colspan > 1]
    assert spans == expected
    restarts = t3.findall(".//w:vMerge[@w:val='restart']", NS)
    assert len(restarts) == sum(1 for row in layout.rows for c in row if c.rowspan > 1)
    assert len(t3.findall(".//w:tblHeader", NS)) == 3  # the header rows repeat after a page break


def test_reads_back_as_the_official_grid(docx_bytes: bytes) -> None:
    doc = read_docx(docx_bytes, "r.docx")
    grids = doc.tables()
    assert [len(g.rows[0]) for g in grids] == [4, 10, 15]
    corner = grids[1].rows[0]
    assert corner[0].text.startswith("（本列数据的勾稽关系为") and corner[1].spanned and corner[2].spanned
    assert corner[3].text == "申请人情况" and all(c.spanned for c in corner[4:])


@needs_office
def test_libreoffice_converts_it_to_pdf(docx_bytes: bytes, tmp_path: Path) -> None:
    src = tmp_path / "report.docx"
    src.write_bytes(docx_bytes)
    profile = (tmp_path / "profile").as_uri()
    done = subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                          capture_output=True, timeout=180)
    pdf = tmp_path / "report.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stderr.decode(errors="replace")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and data.count(b"/Type /Page") + data.count(b"/Type/Page") >= 3


def test_fixture_is_a_consistent_2021_report() -> None:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert doc["edition"] == "2021" and doc["year"] == 2022
