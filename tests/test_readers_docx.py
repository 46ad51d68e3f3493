"""The DOCX reader (xxgk.readers.docx) and its ZIP guard (xxgk.readers.zipsafe).

Fixtures: tests/fixtures/docx/ (written by make_fixtures.py there, which also holds the
`render_docx` builder the property test uses). Small documents are built here from
WordprocessingML snippets, so each markup feature is tested on its own.
"""

from __future__ import annotations

import functools
import io
import json
import random
import re
import struct
import time
import zipfile
from pathlib import Path

import docx
import pytest

import fixture_builders
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk import synth
from xxgk.document import Document, Paragraph, Table
from xxgk.errors import ReadError
from xxgk.model import Report
from xxgk.parse import parse_document
from xxgk.readers import zipsafe
from xxgk.readers.docx import (ENCRYPTED, LEGACY_DOC, NO_TEXT, NOT_DOCX, NOT_WORDML, OLE_OTHER,
                               _format_number, read_docx)
from xxgk.readers.encoding import EMPTY

FIXTURES = Path(__file__).parent / "fixtures" / "docx"
ALL = ["official_2019.docx", "official_2021.docx", "split_t3_2021.docx",
       "textbox_numbered_2019.docx", "nested_layout_2021.docx"]


builder = fixture_builders.load("docx")


@functools.lru_cache(maxsize=None)
def load(name: str) -> Document:
    return read_docx((FIXTURES / name).read_bytes(), name)


def truth(name: str) -> dict:
    return json.loads((FIXTURES / name.replace(".docx", ".truth.json")).read_text(encoding="utf-8"))


def wrong_cells(report: Report, want: dict) -> list[tuple[str, object, object]]:
    out = []
    for key, value in want["cells"].items():
        got = report.cells[key].value if key in report.cells else "<absent>"
        if not (got == value or (isinstance(got, (int, float)) and isinstance(value, (int, float))
                                 and abs(got - value) < 1e-6)):
            out.append((key, value, got))
    return out


# --- building small documents ------------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = (f'xmlns:w="{W}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
      'xmlns:v="urn:schemas-microsoft-com:vml" '
      'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')
CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                 'package/2006/content-types"><Default Extension="rels" ContentType="application/'
                 'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
                 'ContentType="application/xml"/></Types>')


def rels(*targets: tuple[str, str]) -> str:
    items = "".join(f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/'
                    f'2006/relationships/{kind}" Target="{target}"/>'
                    for i, (kind, target) in enumerate(targets, 1))
    return ('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats'
            f'.org/package/2006/relationships">{items}</Relationships>')


def package(parts: dict[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, content in parts.items():
            zf.writestr(member, content)
    return out.getvalue()


def make(body: str, numbering: str | None = None, styles: str | None = None,
         document: str | None = None) -> bytes:
    """A minimal DOCX whose body is `body` (WordprocessingML), with optional numbering/styles."""
    parts: dict[str, str | bytes] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": rels(("officeDocument", "word/document.xml")),
        "word/document.xml": document or f'<w:document {NS}><w:body>{body}</w:body></w:document>',
    }
    if numbering is not None:
        parts["word/numbering.xml"] = f"<w:numbering {NS}>{numbering}</w:numbering>"
    if styles is not None:
        parts["word/styles.xml"] = f"<w:styles {NS}>{styles}</w:styles>"
    return package(parts)


def read(body: str, **kw: str) -> Document:
    return read_docx(make(body, **kw), "t.docx")


def p(*runs: str, ppr: str = "") -> str:
    return f"<w:p><w:pPr>{ppr}</w:pPr>{''.join(runs)}</w:p>"


def r(text: str, rpr: str = "") -> str:
    return f'<w:r><w:rPr>{rpr}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'


def texts(doc: Document) -> list[str]:
    return [b.text for b in doc.paragraphs()]


def problem(data: bytes) -> str:
    with pytest.raises(ReadError) as err:
        read_docx(data, "bad.docx")
    assert str(err.value).startswith("bad.docx: ")
    return err.value.problem


# --- fixtures: grids, order, sources --------------------------------------------------------------

def table_with(doc: Document, marker: str, k: int = 0) -> Table:
    found = [t for t in doc.tables() if any(marker in c.text for row in t.rows for c in row)]
    return found[k]


def row_of(table: Table, marker: str) -> int:
    return next(i for i, row in enumerate(table.rows) if any(marker in c.text for c in row))


def at(table: Table, r_: int, c: int) -> tuple[str, bool]:
    return table.rows[r_][c].text, table.rows[r_][c].spanned


@pytest.mark.parametrize("name", ALL)
def test_grids_are_rectangular_and_spanned_copies_repeat_their_origin(name: str) -> None:
    doc = load(name)
    assert doc.form == "docx" and doc.name == name
    for table in doc.tables():
        assert table.columns_aligned and table.blanks_reliable
        width = len(table.rows[0])
        origins = {c.source.path: c.text for row in table.rows for c in row if not c.spanned}
        for row in table.rows:
            assert len(row) == width
            for cell in row:
                if cell.spanned:
                    assert origins[cell.source.path] == cell.text


@pytest.mark.parametrize("name", ["official_2019.docx", "official_2021.docx"])
def test_table3_official_merges(name: str) -> None:
    t3 = table_with(load(name), "申请人情况")
    h = row_of(t3, "申请人情况")
    corner = t3.rows[h][0].text
    assert "勾稽关系" in corner and not t3.rows[h][0].spanned
    # corner: 3 rows × 3 columns; 申请人情况 over the 7 applicant columns
    assert all(at(t3, h + dr, dc) == (corner, (dr, dc) != (0, 0)) for dr in range(3) for dc in range(3))
    assert [at(t3, h, c) for c in range(3, 10)] == [("申请人情况", c > 3) for c in range(3, 10)]
    person = t3.rows[h + 1][3].text
    assert person.replace("\n", "") == "自然人" and at(t3, h + 2, 3) == (person, True)
    assert [at(t3, h + 1, c) for c in range(4, 9)] == [("法人或其他组织", c > 4) for c in range(4, 9)]
    assert at(t3, h + 1, 9) == ("总计", False) and at(t3, h + 2, 9) == ("总计", True)
    assert at(t3, h + 2, 4) == ("商业企业", False)
    # 三、本年度办理结果: one cell down column 0 from （一） to （七）
    first, last = row_of(t3, "予以公开"), len(t3.rows) - 2  # （一） … （七）, then 四
    group = t3.rows[first][0].text
    assert group.replace("\n", "") == "三、本年度办理结果" and not t3.rows[first][0].spanned
    assert all(at(t3, k, 0) == (group, True) for k in range(first + 1, last + 1))
    assert "结转下年度" in t3.rows[last + 1][0].text and not t3.rows[last + 1][0].spanned
    # （三）不予公开 over its 8 items, the items in column 2
    withheld = row_of(t3, "不予公开")
    assert at(t3, withheld, 1) == ("（三）不予公开", False)
    assert all(at(t3, withheld + k, 1) == ("（三）不予公开", True) for k in range(1, 8))
    assert [t3.rows[withheld + k][2].text[0] for k in range(8)] == [str(k) for k in range(1, 9)]
    assert all(t3.rows[withheld + k][2].text[1] in ".．、" for k in range(8))
    assert "（四）无法提供" == t3.rows[withheld + 8][1].text


def test_vertical_headers_are_one_character_per_line_or_plain_text() -> None:
    chars = table_with(load("official_2019.docx"), "申请人情况")
    assert chars.rows[row_of(chars, "予以公开")][0].text == "三、\n本\n年\n度\n办\n理\n结\n果"
    assert chars.rows[row_of(chars, "法人或其他组织")][3].text == "自\n然\n人"
    direction = table_with(load("official_2021.docx"), "申请人情况")
    assert direction.rows[row_of(direction, "予以公开")][0].text == "三、本年度办理结果"


@pytest.mark.parametrize("name", ["official_2019.docx", "official_2021.docx"])
def test_table4_header_tree(name: str) -> None:
    t4 = table_with(load(name), "复议后起诉")
    h = row_of(t4, "行政诉讼")
    assert [at(t4, h, c) for c in range(15)] == \
        [("行政复议", c != 0) for c in range(5)] + [("行政诉讼", c != 5) for c in range(5, 15)]
    assert [at(t4, h + 1, c)[0] for c in (5, 9, 10, 14)] == ["未经复议直接起诉"] * 2 + ["复议后起诉"] * 2
    assert at(t4, h + 1, 0)[0].replace("\n", "") == "结果维持" and at(t4, h + 2, 0)[1]
    assert at(t4, h + 2, 5)[0].replace("\n", "") == "结果维持" and not at(t4, h + 2, 5)[1]
    assert all(c.text.strip() == "" or c.text.isdigit() or c.text in "—/-"
               for c in t4.rows[h + 3])


@pytest.mark.parametrize("name", ["official_2019.docx", "official_2021.docx"])
def test_paragraphs_and_tables_in_document_order_with_sources(name: str) -> None:
    doc = load(name)
    want = truth(name)
    first = doc.blocks[0]
    assert isinstance(first, Paragraph) and first.source.path == "paragraph[1]"
    assert want["agency"] in first.text or str(want["year"]) in first.text
    kinds = ["T" if isinstance(b, Table) else b.text[:2] for b in doc.blocks]
    heads = [k for k in kinds if k in ("一、", "二、", "三、", "四、", "4、", "五、", "T")]
    assert heads[:2] == ["一、", "二、"] and heads[2] == "T" and heads[3] == "三、" and heads[4] == "T"
    assert heads[5] in ("四、", "4、") and heads[6] == "T" and heads[7] == "五、"
    assert [t.source.path for t in doc.tables()] == ["table[1]", "table[2]", "table[3]"]
    numbers = [int(b.source.path[len("paragraph["):-1]) for b in doc.paragraphs()]
    assert numbers == sorted(numbers) and all(b.source.line is None for b in doc.paragraphs())
    t3 = doc.tables()[1]
    h = row_of(t3, "本年新收")
    assert t3.rows[h][3].source.path == f"table[2]/row[{h + 1}]/cell[4]"
    assert t3.rows[h][9].source.path == f"table[2]/row[{h + 1}]/cell[10]"
    assert t3.rows[h][1].source.path == f"table[2]/row[{h + 1}]/cell[1]"  # the label's copy


def test_split_table3_stays_two_tables_with_repeated_header() -> None:
    doc = load("split_t3_2021.docx")
    parts = [t for t in doc.tables() if any("申请人情况" in c.text for row in t.rows for c in row)]
    assert len(parts) == 2 and len(doc.tables()) == 4
    second = parts[1]
    assert "勾稽关系" in second.rows[0][0].text and second.rows[1][3].text == "自然人"
    # The merged group labels stayed in the first part (as Word leaves them when splitting).
    assert at(second, 3, 0) == ("", False) and at(second, 3, 1) == ("", False)
    assert at(second, 4, 0) == ("", True)
    assert second.rows[3][2].text.startswith("7.")


def test_text_box_numbering_revisions_fields_and_links() -> None:
    doc = load("textbox_numbered_2019.docx")
    want = truth("textbox_numbered_2019.docx")
    title = doc.blocks[0]
    assert isinstance(title, Paragraph) and title.source.path == "paragraph[1]/textbox[1]/paragraph[1]"
    assert f"{want['year']}年" in title.text and str(want["year"] - 1) not in title.text
    assert sum(1 for t in texts(doc) if t == title.text) == 1  # not also from the VML fallback
    all_text = doc.text()
    assert "内部审核稿" not in all_text  # hidden text
    assert "DATE" not in all_text  # a field's code, not its result
    assert "年" in texts(doc)[-1] and texts(doc)[-1].endswith("日")
    xml = zipfile.ZipFile(FIXTURES / "textbox_numbered_2019.docx").read("word/document.xml").decode()
    assert xml.count("<w:hyperlink") >= 2 and "<w:del " in xml and "<w:instrText" in xml
    seed, edition, _ = builder.FIXTURES["textbox_numbered_2019.docx"]
    report = synth.random_report(random.Random(seed), edition, zero_share=0.0)
    lines = {t.split("\t")[-1] for t in texts(doc)}  # numbered headings: "一、\t" + text
    for section in report.sections:  # narrative with hyperlinks inside is read in full
        assert all(line in lines or line[3:] in lines for line in section.text.split("\n") if line)
    # Numbered headings: the label with its suffix, restarted at 五 after a hand-typed "4、".
    unlabelled = {re.sub(r"^(.、)[\t ]?", r"\1", t) for t in texts(doc)} | set(texts(doc))
    headings = [s.heading for s in report.sections if s.heading]
    assert "4、" in headings[3] and all(h in unlabelled for h in headings)
    assert "<w:numPr>" in xml and "五、" not in xml and "三、" not in xml.split("申请人情况")[0]
    t3 = table_with(doc, "申请人情况")
    withheld = row_of(t3, "不予公开")
    assert [t3.rows[withheld + k][2].text[:2] for k in range(8)] == [f"{k}." for k in range(1, 9)]


def test_layout_frame_is_read_as_the_document_and_nested_tables_as_tables() -> None:
    doc = load("nested_layout_2021.docx")
    assert len(doc.tables()) == 3
    assert [t.source.path for t in doc.tables()] == \
        [f"table[1]/row[1]/cell[1]/table[{k}]" for k in (1, 2, 3)]
    assert all(b.source.path.startswith("table[1]/row[1]/cell[1]/paragraph[")
               for b in doc.paragraphs()[1:])
    assert any(t.startswith("一、") for t in texts(doc))
    # Numbered overview subheadings ("（一）" … "（五）") restart under 一、.
    subs = [t for t in texts(doc) if re.match(r"^（[一二三四五]）", t) and len(t) <= 16]
    assert subs and [t[1] for t in subs] == list("一二三四五")[:len(subs)]
    assert not any("总体情况" in c.text for t in doc.tables() for row in t.rows for c in row)


# --- fixtures: end to end -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_parse_reproduces_the_truth(name: str) -> None:
    report = parse_document(load(name))
    want = truth(name)
    assert wrong_cells(report, want) == []
    assert (report.edition, report.year, report.agency) == (want["edition"], want["year"], want["agency"])


@pytest.mark.parametrize("name", ALL)
def test_fixtures_are_small_and_regenerate_identically(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    assert len(data) < 60_000
    built, want = builder.build(name)
    assert want == truth(name)

    def members(archive: bytes) -> dict[str, bytes]:  # compressed bytes may vary with zlib
        with zipfile.ZipFile(io.BytesIO(archive)) as zf:
            return {info.filename: zf.read(info) for info in zf.infolist()}

    assert members(built) == members(data)


def test_read_and_parse_speed() -> None:
    datas = [(FIXTURES / n).read_bytes() for n in ALL]
    start = time.perf_counter()
    for data in datas:
        parse_document(read_docx(data, "x.docx"))
    per_report = (time.perf_counter() - start) / len(datas)
    assert per_report < 0.5, per_report


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), edition=st.sampled_from(["2019", "2021"]))
def test_random_reports_rendered_as_docx_parse_back_exactly(seed: int, edition: str) -> None:
    report = synth.random_report(random.Random(seed), edition)
    data = builder.render_docx(report, random.Random(seed))
    parsed = parse_document(read_docx(data, "r.docx"))
    want = synth.truth_json(report)
    assert wrong_cells(parsed, want) == []
    assert (parsed.edition, parsed.year, parsed.agency) == (edition, report.year, report.agency)


# --- runs and paragraphs --------------------------------------------------------------------------

def test_visible_text_of_runs() -> None:
    body = p(
        r("甲"),
        '<w:hyperlink w:anchor="x">' + r("链接") + "</w:hyperlink>",
        '<w:smartTag w:uri="u" w:element="date">' + r("智能") + "</w:smartTag>",
        '<w:fldSimple w:instr=" PAGE ">' + r("7") + "</w:fldSimple>",
        '<w:ins w:id="1" w:author="a">' + r("插入") + "</w:ins>",
        '<w:del w:id="2" w:author="a"><w:r><w:delText>删除</w:delText></w:r></w:del>',
        '<w:moveFrom w:id="3" w:author="a">' + r("移出") + "</w:moveFrom>",
        '<w:moveTo w:id="4" w:author="a">' + r("移入") + "</w:moveTo>",
        r("隐藏", "<w:vanish/>"), r("可见", '<w:vanish w:val="0"/>'),
        '<w:r><w:t>a</w:t><w:tab/><w:t>b</w:t><w:noBreakHyphen/><w:t>c</w:t><w:softHyphen/>'
        '<w:sym w:font="Symbol" w:char="F0B7"/><w:sym w:font="Arial" w:char="00B0"/></w:r>',
        '<w:sdt><w:sdtPr><w:alias w:val="控件"/></w:sdtPr><w:sdtContent>' + r("控件") +
        "</w:sdtContent></w:sdt>",
        '<w:r><w:ruby><w:rubyPr/><w:rt><w:r><w:t>pīn</w:t></w:r></w:rt>'
        '<w:rubyBase><w:r><w:t>拼</w:t></w:r></w:rubyBase></w:ruby></w:r>',
        "<w:bookmarkStart w:id=\"0\" w:name=\"_GoBack\"/><w:bookmarkEnd w:id=\"0\"/>",
        '<w:r><mc:AlternateContent><mc:Choice Requires="w14"><w:t>新</w:t></mc:Choice>'
        "<mc:Fallback><w:t>旧</w:t></mc:Fallback></mc:AlternateContent>"
        '<w:sym w:char="110000"/><w:sym w:char="zz"/></w:r>',
    )
    assert texts(read(body)) == ["甲链接智能7插入移入可见a\tb-c°控件拼新"]


def test_complex_fields_print_their_result_not_their_code() -> None:
    begin, sep, end = ('<w:r><w:fldChar w:fldCharType="%s"/></w:r>' % k
                       for k in ("begin", "separate", "end"))
    nested = (begin + '<w:r><w:instrText> IF </w:instrText></w:r>' + begin +
              '<w:r><w:instrText> DATE </w:instrText></w:r>' + sep + r("内层") + end +
              '<w:r><w:instrText> = 1 </w:instrText></w:r>' + sep + r("结果") + end)
    no_result = begin + '<w:r><w:instrText> TC "x" </w:instrText></w:r>' + end
    doc = read(p(r("前"), nested, r("后")) + p(no_result, r("仍在")) + p(r("尾"), end))
    assert texts(doc) == ["前结果后", "仍在", "尾"]


def test_line_breaks_split_paragraphs_with_one_source() -> None:
    doc = read(p(r("第一行"), "<w:r><w:br/><w:t>第二行</w:t><w:cr/><w:t>第三行</w:t>"
                 '<w:br w:type="page"/></w:r>') + p() + p(r("  　 "), r("下一段")))
    assert texts(doc) == ["第一行", "第二行", "第三行", "下一段"]
    assert [b.source.path for b in doc.paragraphs()] == ["paragraph[1]"] * 3 + ["paragraph[3]"]


def test_content_controls_and_custom_xml_at_block_level_are_transparent() -> None:
    body = (p(r("一")) + '<w:sdt><w:sdtPr/><w:sdtContent>' + p(r("二")) + "</w:sdtContent></w:sdt>"
            + '<w:customXml w:element="x">' + p(r("三")) + "</w:customXml>"
            + '<mc:AlternateContent><mc:Choice Requires="w14">' + p(r("四")) + "</mc:Choice>"
            + "<mc:Fallback>" + p(r("四旧")) + "</mc:Fallback></mc:AlternateContent>")
    doc = read(body)
    assert texts(doc) == ["一", "二", "三", "四"]
    assert [b.source.path for b in doc.paragraphs()] == [f"paragraph[{k}]" for k in range(1, 5)]


def text_box(*paras: str) -> str:
    inner = "".join(paras)
    return ('<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx>'
            f'<w:txbxContent>{inner}</w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>'
            f'<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>{inner}</w:txbxContent>'
            '</v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>')


def test_text_boxes_follow_their_anchor_once() -> None:
    vml_only = '<w:r><w:pict><v:shape><v:textbox><w:txbxContent>' + p(r("旧框")) + \
        "</w:txbxContent></v:textbox></v:shape></w:pict></w:r>"
    doc = read(p(r("锚"), text_box(p(r("框一")), p(r("框二"))), r("后")) + p(vml_only))
    assert texts(doc) == ["锚后", "框一", "框二", "旧框"]
    assert [b.source.path for b in doc.paragraphs()] == [
        "paragraph[1]", "paragraph[1]/textbox[1]/paragraph[1]", "paragraph[1]/textbox[1]/paragraph[2]",
        "paragraph[2]/textbox[1]/paragraph[1]"]


def test_headers_and_footers_are_not_read() -> None:
    data = package({
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": rels(("officeDocument", "word/document.xml")),
        "word/_rels/document.xml.rels": rels(("header", "header1.xml"), ("footer", "footer1.xml")),
        "word/document.xml": f'<w:document {NS}><w:body>{p(r("正文"))}</w:body></w:document>',
        "word/header1.xml": f'<w:hdr {NS}>{p(r("页眉"))}</w:hdr>',
        "word/footer1.xml": f'<w:ftr {NS}>{p(r("— 1 —"))}</w:ftr>',
    })
    assert texts(read_docx(data, "t.docx")) == ["正文"]


# --- numbering ------------------------------------------------------------------------------------

def lvl(ilvl: int, fmt: str, text: str, suff: str | None = None, start: int = 1,
        extra: str = "") -> str:
    suffix = f'<w:suff w:val="{suff}"/>' if suff else ""
    return (f'<w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>{suffix}'
            f'<w:lvlText w:val="{text}"/>{extra}</w:lvl>')


def num(num_id: int, abstract: int, overrides: str = "") -> str:
    return f'<w:num w:numId="{num_id}"><w:abstractNumId w:val="{abstract}"/>{overrides}</w:num>'


def numbered(text: str, num_id: int, ilvl: int = 0) -> str:
    return p(r(text), ppr=f'<w:numPr><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>')


def test_list_labels_reproduced_with_restarts_and_levels() -> None:
    numbering = (
        '<w:abstractNum w:abstractNumId="1">'
        + lvl(0, "chineseCounting", "%1、", "nothing") + lvl(1, "chineseCounting", "（%2）", "nothing")
        + lvl(2, "decimal", "%3.") + "</w:abstractNum>"
        + '<w:abstractNum w:abstractNumId="2">' + lvl(0, "decimal", "%1.", "space") + "</w:abstractNum>"
        + '<w:abstractNum w:abstractNumId="3">' + lvl(0, "bullet", "\uf0b7") + "</w:abstractNum>"
        + '<w:abstractNum w:abstractNumId="4">' + lvl(0, "decimal", "%1.")
        + lvl(1, "decimal", "%1.%2", "nothing", extra='<w:isLgl/>') + "</w:abstractNum>"
        + num(1, 1) + num(2, 2) + num(3, 2, '<w:lvlOverride w:ilvl="0"><w:startOverride w:val="1"/>'
                                          "</w:lvlOverride>")
        + num(4, 3) + num(5, 1) + num(6, 4)
    )
    body = (numbered("总体情况", 1) + numbered("主动公开", 1, 1) + numbered("依申请公开", 1, 1)
            + numbered("细目", 1, 2) + numbered("主动公开情况", 1)
            + numbered("再起", 1, 1)
            + numbered("甲", 2) + numbered("乙", 2) + numbered("重新", 3) + numbered("点", 4)
            + numbered("共享", 5)  # another num of abstract 1: the same list continues
            + numbered("法", 6) + numbered("条", 6, 1))
    assert texts(read(body, numbering=numbering)) == [
        "一、总体情况", "（一）主动公开", "（二）依申请公开", "1.\t细目", "二、主动公开情况", "（一）再起",
        "1. 甲", "2. 乙", "1. 重新", "点", "三、共享", "1.\t法", "1.1条"]


def test_levels_restart_as_w_lvl_restart_says() -> None:
    numbering = ('<w:abstractNum w:abstractNumId="1">' + lvl(0, "chineseCounting", "%1、", "nothing")
                 + lvl(1, "decimal", "%2)", "nothing", extra='<w:lvlRestart w:val="0"/>')
                 + lvl(2, "decimal", "%3.", "nothing", extra='<w:lvlRestart w:val="1"/>')
                 + "</w:abstractNum>" + num(1, 1))
    body = (numbered("甲", 1, 1) + numbered("子", 1, 2) + numbered("乙", 1)
            + numbered("丙", 1, 1) + numbered("丑", 1, 2))
    # Level 1 never restarts; level 2 restarts only when level 0 is used, not after level 1.
    assert texts(read(body, numbering=numbering)) == ["1)甲", "1.子", "一、乙", "2)丙", "1.丑"]
    body = numbered("子", 1, 2) + numbered("甲", 1, 1) + numbered("丑", 1, 2)
    assert texts(read(body, numbering=numbering)) == ["1.子", "1)甲", "2.丑"]


def test_numbering_from_paragraph_styles() -> None:
    numbering = ('<w:abstractNum w:abstractNumId="1">' + lvl(0, "chineseCounting", "%1、", "nothing",
                                                            extra='<w:pStyle w:val="H1"/>')
                 + lvl(1, "chineseCounting", "（%2）", "nothing", extra='<w:pStyle w:val="H2"/>')
                 + "</w:abstractNum>" + num(7, 1))
    styles = ('<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>'
              '<w:style w:type="paragraph" w:styleId="H1"><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr>'
              '</w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="H2"><w:pPr><w:numPr><w:numId w:val="7"/></w:numPr>'
              '</w:pPr></w:style>'
              '<w:style w:type="paragraph" w:styleId="H1x"><w:basedOn w:val="H1"/></w:style>')
    body = (p(r("总体情况"), ppr='<w:pStyle w:val="H1"/>') + p(r("平台"), ppr='<w:pStyle w:val="H2"/>')
            + p(r("主动公开"), ppr='<w:pStyle w:val="H1x"/>')
            + p(r("不编号"), ppr='<w:pStyle w:val="H1"/><w:numPr><w:numId w:val="0"/></w:numPr>')
            + p(r("正文")))
    assert texts(read(body, numbering=numbering, styles=styles)) == [
        "一、总体情况", "（一）平台", "二、主动公开", "不编号", "正文"]


def test_python_docx_list_styles() -> None:
    document = docx.Document()
    for text in ("甲", "乙"):
        document.add_paragraph(text, style="List Number")
    document.add_paragraph("项", style="List Bullet")
    out = io.BytesIO()
    document.save(out)
    assert texts(read_docx(out.getvalue(), "t.docx")) == ["1.\t甲", "2.\t乙", "项"]


@pytest.mark.parametrize(("n", "fmt", "want"), [
    (1, "chineseCounting", "一"), (10, "chineseCounting", "十"), (11, "chineseCounting", "十一"),
    (20, "chineseCountingThousand", "二十"), (105, "chineseCountingThousand", "一百零五"),
    (1200, "chineseCountingThousand", "一千二百"), (1010, "chineseCountingThousand", "一千零一十"),
    (3, "chineseLegalSimplified", "叁"), (10, "ideographDigital", "一〇"),
    (7, "decimal", "7"), (7, "decimalZero", "07"), (12, "decimalFullWidth", "１２"),
    (3, "decimalEnclosedCircle", "③"), (27, "lowerLetter", "aa"), (2, "upperLetter", "B"),
    (4, "lowerRoman", "iv"), (1994, "upperRoman", "MCMXCIV"), (1, "bullet", None),
    (1, "ganada", None),
])
def test_number_formats(n: int, fmt: str, want: str | None) -> None:
    assert _format_number(n, fmt) == want


# --- tables ---------------------------------------------------------------------------------------

def tc(text: str = "", props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(r(text)) if text else '<w:p/>'}</w:tc>"


def tbl(rows: list[str], cols: int, props: str = "") -> str:
    grid = "".join('<w:gridCol w:w="1000"/>' for _ in range(cols))
    body = "".join(f"<w:tr><w:trPr>{tr_pr}</w:trPr>{cells}</w:tr>" for tr_pr, cells in rows)
    return f"<w:tbl><w:tblPr>{props}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{body}</w:tbl>"


def grid(table: Table) -> list[list[str]]:
    return [[c.text + ("*" if c.spanned else "") for c in row] for row in table.rows]


def test_spans_merges_and_grid_padding() -> None:
    rows = [
        ("", tc("A", '<w:gridSpan w:val="2"/><w:vMerge w:val="restart"/>') + tc("B") + tc("C")),
        ("", tc("", '<w:gridSpan w:val="2"/><w:vMerge/>') + tc("D", '<w:vMerge w:val="restart"/>')
         + tc("E")),
        ('<w:gridBefore w:val="1"/>', tc("F") + tc("", "<w:vMerge/>") + tc("G")),
        ('<w:gridAfter w:val="2"/>', tc("H") + tc("I")),
        ("", tc("J") + tc("K", '<w:hMerge w:val="restart"/>') + tc("", "<w:hMerge/>")),
        ("", tc("L") + tc("", "<w:vMerge/>")),  # continues nothing: its own (empty) cell
        ("<w:del w:id=\"9\" w:author=\"a\"/>", tc("删") + tc("行")),
    ]
    doc = read(tbl(rows, 4))
    (table,) = doc.tables()
    assert grid(table) == [["A", "A*", "B", "C"], ["A*", "A*", "D", "E"], ["", "F", "D*", "G"],
                           ["H", "I", "", ""], ["J", "K", "K*", ""], ["L", "", "", ""]]
    assert table.rows[1][1].source.path == "table[1]/row[1]/cell[1]"
    assert table.rows[2][2].source.path == "table[1]/row[2]/cell[3]"
    assert table.rows[2][0].source.path == "table[1]/row[3]/cell[1]"
    assert table.source.path == "table[1]" and table.columns_aligned and table.blanks_reliable


def test_rows_wider_than_the_declared_grid_widen_it() -> None:
    doc = read(tbl([("", tc("a") + tc("b") + tc("c")), ("", tc("d", '<w:gridSpan w:val="9999"/>'))], 2))
    (table,) = doc.tables()
    assert len(table.rows[0]) == 64 and table.rows[1][63].text == "d"
    assert grid(table)[0][:4] == ["a", "b", "c", ""]


def test_cell_paragraphs_are_lines_and_text_boxes_join_them() -> None:
    cell = ("<w:tc><w:tcPr/>" + p(r("三、")) + p(r("本")) + p() + p(r("年"), "<w:r><w:br/></w:r>", r("度"))
            + p(r("框前"), text_box(p(r("框内")))) + "</w:tc>")
    doc = read(tbl([("", cell + tc("1"))], 2) + p(r("后")))
    assert grid(doc.tables()[0]) == [["三、\n本\n年\n度\n框前\n框内", "1"]]
    assert texts(doc) == ["后"] and doc.paragraphs()[0].source.path == "paragraph[1]"


def test_nested_table_follows_the_outer_table_and_the_cell_keeps_its_text() -> None:
    inner = tbl([("", tc("内1") + tc("内2")), ("", tc("内3") + tc("内4"))], 2)
    outer_cell = "<w:tc><w:tcPr/>" + p(r("说明")) + inner + p(r("附注")) + "</w:tc>"
    body = tbl([("", tc("甲") + tc("乙")), ("", tc("丙") + outer_cell)], 2) + tbl(
        [("", tc("x") + tc("y")), ("", tc("z") + tc("w"))], 2)
    doc = read(body)
    outer, nested, last = doc.tables()
    assert grid(outer) == [["甲", "乙"], ["丙", "说明\n附注"]]
    assert grid(nested) == [["内1", "内2"], ["内3", "内4"]]
    assert nested.source.path == "table[1]/row[2]/cell[2]/table[1]"
    assert nested.rows[1][0].source.path == "table[1]/row[2]/cell[2]/table[1]/row[2]/cell[1]"
    assert last.source.path == "table[2]"


def test_layout_tables_are_read_as_text() -> None:
    prose = "政府信息公开工作" * 30
    frame = tbl([("", "<w:tc><w:tcPr/>" + p(r("一、总体情况")) + tbl(
        [("", tc("a") + tc("b")), ("", tc("1") + tc("2"))], 2) + p(r("二、主动公开")) + "</w:tc>")], 1)
    two_cols = tbl([("", tc(prose) + tc(""))], 2)
    data_with_note = tbl([("", tc("a") + tc("b"))] * 4 + [("", tc(prose, '<w:gridSpan w:val="2"/>'))], 2)
    doc = read(frame + two_cols + data_with_note)
    assert [b.text if isinstance(b, Paragraph) else grid(b) for b in doc.blocks] == [
        "一、总体情况", [["a", "b"], ["1", "2"]], "二、主动公开", prose,
        [["a", "b"]] * 4 + [[prose, prose + "*"]]]
    assert doc.blocks[0].source.path == "table[1]/row[1]/cell[1]/paragraph[1]"
    assert doc.blocks[3].source.path == "table[2]/row[1]/cell[1]/paragraph[1]"


def test_python_docx_merged_table() -> None:
    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    table.cell(0, 0).merge(table.cell(1, 1)).text = "角"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "申请人情况"
    table.cell(1, 2).text = "自然人"
    table.cell(2, 3).text = "9"
    out = io.BytesIO()
    document.save(out)
    (t,) = read_docx(out.getvalue(), "t.docx").tables()
    assert grid(t) == [["角", "角*", "申请人情况", "申请人情况*"], ["角*", "角*", "自然人", ""],
                       ["", "", "", "9"]]


# --- package variants -----------------------------------------------------------------------------

def test_main_part_found_through_relationships_and_strict_namespace() -> None:
    strict = NS.replace(W, "http://purl.oclc.org/ooxml/wordprocessingml/main")
    data = package({
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": rels(("officeDocument", "/word/main.xml"), ("metadata/core-properties",
                                                                  "docProps/core.xml")),
        "word/main.xml": f'<w:document {strict}><w:body>{p(r("严格"))}</w:body></w:document>',
        "docProps/core.xml": '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/'
                             '2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/">'
                             "<dc:title>某局2020年政府信息公开工作年度报告</dc:title></cp:coreProperties>",
    })
    doc = read_docx(data, "t.docx")
    assert texts(doc) == ["严格"] and doc.title == "某局2020年政府信息公开工作年度报告"


def test_backslash_member_names() -> None:
    data = package({"[Content_Types].xml": CONTENT_TYPES,
                    "word\\document.xml": f'<w:document {NS}><w:body>{p(r("反斜杠"))}</w:body></w:document>'})
    assert texts(read_docx(data, "t.docx")) == ["反斜杠"]


# --- bad input ------------------------------------------------------------------------------------

def test_empty_and_not_a_zip() -> None:
    assert problem(b"") == EMPTY
    assert problem(b"just some text, not a zip") == zipsafe.NOT_ZIP
    assert problem(b"%PDF-1.7\n...") == zipsafe.NOT_ZIP


def test_corrupt_and_truncated_zip() -> None:
    data = (FIXTURES / "official_2019.docx").read_bytes()
    assert problem(data[: len(data) // 2]) == zipsafe.CORRUPT
    flipped = bytearray(data)
    at = flipped.find(b"word/document.xml") + len("word/document.xml") + 40  # inside its data
    flipped[at:at + 8] = b"\x00" * 8
    assert problem(bytes(flipped)) == zipsafe.CORRUPT


def test_a_zip_that_is_not_a_docx() -> None:
    xlsx = package({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": "<workbook/>"})
    assert problem(xlsx) == NOT_DOCX
    assert problem(make("", document="<html><body>x</body></html>")) == NOT_WORDML
    assert problem(make("")) == NO_TEXT
    assert problem(make(p() + p(r("  ")))) == NO_TEXT


def ole(*streams: str) -> bytes:
    """Enough of an OLE compound file for the reader to recognise it by its directory names."""
    names = b"".join(s.encode("utf-16-le") + b"\x00\x00" for s in streams)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + names


def test_encrypted_and_legacy_word_files() -> None:
    assert problem(ole("EncryptionInfo", "EncryptedPackage")) == ENCRYPTED
    assert problem(ole("WordDocument", "1Table")) == LEGACY_DOC
    assert problem(ole("Workbook")) == OLE_OTHER


def patch_sizes(data: bytes, member: str, size: int, local: bool = True) -> bytes:
    """Rewrite the uncompressed size the headers announce for `member`."""
    out = bytearray(data)
    central = out.find(b"PK\x01\x02")
    while central >= 0:
        name_len = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46:central + 46 + name_len] == member.encode():
            struct.pack_into("<I", out, central + 24, size)
            if local:
                offset = struct.unpack_from("<I", out, central + 42)[0]
                struct.pack_into("<I", out, offset + 22, size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_zip_bombs_are_refused_from_their_headers() -> None:
    base = make(p(r("正文")))
    claims_huge = patch_sizes(base, "word/document.xml", 300 * 1024 * 1024)
    assert "zip bomb" in problem(claims_huge)
    zeros = package({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"\x00" * (3 << 20)})
    assert "compression ratio" in problem(zeros)
    many = package({f"f{i}.xml": b"" for i in range(zipsafe.MAX_ENTRIES + 1)})
    assert "entries" in problem(many)
    # An end record announcing 60000 entries is refused before zipfile reads the directory.
    announced = bytearray(base)
    end = announced.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", announced, end + 8, 60000, 60000)
    assert "entries" in problem(bytes(announced))


def test_a_lying_header_cannot_make_a_member_inflate_past_it() -> None:
    # The headers say 1000 bytes; the data inflates to 5 MB: reading stops at 1000, CRC fails.
    data = package({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<" * (5 << 20)})
    lying = patch_sizes(data, "word/document.xml", 1000)
    zf = zipsafe.open_zip(lying, "bomb.docx")
    start = time.perf_counter()
    with pytest.raises(ReadError) as err:
        zipsafe.read_member(zf, "word/document.xml", "bomb.docx", 10_000)
    assert err.value.problem == zipsafe.CORRUPT and time.perf_counter() - start < 1


def test_read_member_limits() -> None:
    data = package({"a.xml": b"x" * 5000})
    zf = zipsafe.open_zip(data, "t.zip")
    assert zipsafe.read_member(zf, "a.xml", "t.zip", 5000) == b"x" * 5000
    with pytest.raises(ReadError, match="too large"):
        zipsafe.read_member(zf, "a.xml", "t.zip", 4999)
    with pytest.raises(ReadError, match="missing"):
        zipsafe.read_member(zf, "b.xml", "t.zip", 10)
    encrypted = bytearray(data)
    for sig, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = encrypted.find(sig)
        encrypted[at + flag_at] |= 1
    with pytest.raises(ReadError) as err:
        zipsafe.read_member(zipsafe.open_zip(bytes(encrypted), "t.zip"), "a.xml", "t.zip", 9999)
    assert err.value.problem == zipsafe.ENCRYPTED_ENTRY


def test_xml_entities_are_never_expanded() -> None:
    laughs = "".join(f'<!ENTITY l{k} "{("&l%d;" % (k - 1)) * 10}">' for k in range(1, 10))
    bomb = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "哈哈">{laughs}]>'
            f'<w:document {NS}><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>')
    external = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                f'<w:document {NS}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>')
    for document in (bomb, external):
        start = time.perf_counter()
        assert "DTD" in problem(make("", document=document))
        assert time.perf_counter() - start < 1
    buffer = io.BytesIO(make(p(r("正文"))))
    with zipfile.ZipFile(buffer, "a") as zf:
        zf.writestr("word/numbering.xml", bomb.replace("w:document", "w:numbering"))
    assert "word/numbering.xml" in problem(buffer.getvalue()) and "DTD" in problem(buffer.getvalue())


@settings(max_examples=30, deadline=None)
@given(data=st.data())
def test_damaged_files_are_read_or_refused_never_crash(data: st.DataObject) -> None:
    original = (FIXTURES / "official_2021.docx").read_bytes()
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 20))):
        damaged[data.draw(st.integers(0, len(damaged) - 1))] = data.draw(st.integers(0, 255))
    try:
        doc = read_docx(bytes(damaged), "d.docx")
    except ReadError as err:
        assert err.problem
    else:
        assert doc.blocks


def test_malformed_xml() -> None:
    assert problem(make("", document="<w:document")) == \
        "word/document.xml 不是有效的 XML / word/document.xml is not well-formed XML"


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    depth = 5000
    body = "<w:sdt><w:sdtContent>" * depth + p(r("深")) + "</w:sdtContent></w:sdt>" * depth
    assert problem(make(body)) in ("DOCX 嵌套过深 / DOCX nested too deeply",
                                   "word/document.xml 不是有效的 XML / word/document.xml is not well-formed XML")
