"""The plain-text reader (DOCX-extracted, PDF-extracted, web-copied) and the reader entry point."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk import readers
from xxgk.document import Document, GridCell, Paragraph, Table
from xxgk.errors import ReadError
from xxgk.readers.text import clean, is_footer, read_text, split_lines

FIXTURES = Path(__file__).parent / "fixtures" / "text"
SEEDS = sorted(FIXTURES.glob("seed_*.txt"))


def load(pattern: str) -> tuple[str, Document]:
    (path,) = FIXTURES.glob(pattern)
    text = path.read_text(encoding="utf-8")
    return text, read_text(text, path.name)


def texts(row: list[GridCell]) -> list[str]:
    return [c.text for c in row]


def row_starting(table: Table, *labels: str) -> list[GridCell]:
    """The first row whose leading cells are `labels`."""
    n = len(labels)
    return next(r for r in table.rows if texts(r)[:n] == list(labels))


def assert_provenance(text: str, doc: Document) -> None:
    """Every paragraph and cell points at its own text: the span slices it out of its line."""
    lines = split_lines(text)
    pieces: list[tuple[str, object]] = [(p.text, p.source) for p in doc.paragraphs()]
    pieces += [(c.text, c.source) for t in doc.tables() for r in t.rows for c in r]
    for value, src in pieces:
        start, end = src.span
        line = lines[src.line - 1]
        assert 0 <= start <= end <= len(line)
        assert clean(line[start:end]) == value.split("\n")[0], (src, value)


def t3_numbers(table: Table) -> dict[str, list[int]]:
    """Table 3 rows by their last label: the trailing seven cells as numbers (blank = 0)."""
    out: dict[str, list[int]] = {}
    for row in table.rows:
        labels = [c.text for c in row[:-7] if c.text]
        values = [c.text for c in row[-7:]]
        if labels and all(v == "" or v.isdigit() for v in values) and any(values):
            out[labels[-1].replace("\n", "")] = [int(v) if v else 0 for v in values]
    return out


def assert_t3_rules(table: Table) -> None:
    """H1 and H2 hold on the grid as read: nothing shifted, nothing lost."""
    rows = t3_numbers(table)
    new, carried = rows["一、本年新收政府信息公开申请数量"], rows["二、上年结转政府信息公开申请数量"]
    total, forward = rows["（七）总计"], rows["四、结转下年度继续办理"]
    for c in range(7):
        assert new[c] + carried[c] == total[c] + forward[c]
    for label, values in rows.items():
        assert values[6] in (0, sum(values[:6])), label


# --- seeds ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:8])
def test_seed_forms_and_provenance(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    doc = read_text(text, path.name)
    assert doc.form == ("pdf-text" if path.name.startswith("seed_004") else "docx-text")
    assert doc.title is None
    assert len(doc.tables()) == 3
    if doc.form == "docx-text":
        assert all(t.blanks_reliable for t in doc.tables())
    else:  # tables 2 and 3 lost cells (rows of uneven width); table 4 prints 15 fields a row
        assert [t.blanks_reliable for t in doc.tables()] == [False, False, True]
    assert_provenance(text, doc)
    assert not any("bookmark" in p.text for p in doc.paragraphs())


def test_seed_001_vertical_headers_and_title_lines() -> None:
    text, doc = load("seed_001_*.txt")
    t2, t3, t4 = doc.tables()
    row = t3.rows[6]
    assert texts(row) == ["三、\n本\n年\n度\n办\n理\n结\n果", "（一）予以公开"] + ["0"] * 7
    assert row[0].source.line == 127 and text.split("\n")[126][slice(*row[0].source.span)] == "三、"
    assert texts(t3.rows[2])[:2] == ["", "自\n然\n人"]
    assert texts(row_starting(t3, "", "（三）\n不予\n公开")) == ["", "（三）\n不予\n公开", "1.属于国家秘密"] + ["0"] * 7
    assert texts(t4.rows[2])[:5] == ["结\n果\n维\n持", "结\n果\n纠\n正", "其\n他\n结\n果", "尚\n未\n审\n结", "总\n计"]
    assert texts(t2.rows[0]) == ["主动公开政府信息情况"]
    # an empty header cell (本年增/减 lost) is an empty cell, not a missing one
    header = row_starting(t2, "信息内容", "上一年项目数量")
    assert texts(header) == ["信息内容", "上一年项目数量", "", "处理决定数量"]
    assert header[2].source.line == 32 and header[2].source.span == (1, 1)
    assert texts(row_starting(t2, "政府集中采购")) == ["政府集中采购", "2", "1.77万元"]
    paras = [p.text for p in doc.paragraphs()]
    assert paras[:3] == ["方正县工业信息科技局2020年政府信息", "公开工作年度报告", "一、政府信息公开总体情况"]
    assert "4、 政府信息公开被申请行政复议、提起行政诉讼情况" in paras
    assert paras[-2:] == ["方正县工业信息科技局", "2021年1月20日"]


def test_seed_002_blank_and_padded_cells() -> None:
    text, doc = load("seed_002_*.txt")
    t2, t3, _ = doc.tables()
    assert texts(row_starting(t2, "其他对外管理服务事项")) == ["其他对外管理服务事项", "", "", ""]
    assert texts(row_starting(t2, "信息内容", "本年新\n制作数量")) == [
        "信息内容", "本年新\n制作数量", "本年新\n公开数量", "对外公开总数量"]
    regulations = row_starting(t2, "规章")
    assert texts(regulations) == ["规章", "0", "0", "0"]
    assert regulations[1].source.line == 19 and regulations[1].source.span == (3, 4)  # after \u3000\u3000
    assert texts(row_starting(t3, "二、上年结转政府信息公开申请数量")) == [
        "二、上年结转政府信息公开申请数量", "", "", "", "", "", "", "0"]
    assert texts(row_starting(t3, "一、本年新收政府信息公开申请数量")) == [
        "一、本年新收政府信息公开申请数量", "12", "3", "—", "—", "—", "—", "15"]
    assert texts(row_starting(t3, "四、结转下年度继续办理"))[1:] == [""] * 7
    assert doc.paragraphs()[0].text == "2019年度政府信息公开工作报告"
    assert doc.paragraphs()[0].source.span == (1, 17)


def test_seed_000_space_line_continues_a_cell() -> None:
    _, doc = load("seed_000_*.txt")
    t2 = doc.tables()[0]
    assert texts(t2.rows[1]) == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert len(t2.rows) == 18  # the five 第二十条 blocks are one table
    assert doc.paragraphs()[0].text == "一、总体情况"
    assert doc.paragraphs()[-1].text.startswith("4、丰富信息公开形式")


def test_seed_003_nbsp_lines_are_blank() -> None:
    _, doc = load("seed_003_*.txt")
    paras = [p.text for p in doc.paragraphs()]
    assert "" not in paras and "\xa0" not in paras
    assert paras[:3] == ["鹤岗市商务局2019年", "政府信息公开工作年度报告", "一、总体情况"]
    assert "五、存在问题及改进措施" in paras
    assert [len(t.rows) for t in doc.tables()] == [18, 26, 4]


def test_seed_004_pdf_rows() -> None:
    text, doc = load("seed_004_*.txt")
    t2, t3, t4 = doc.tables()
    assert not t2.blanks_reliable and not t3.blanks_reliable
    assert t4.blanks_reliable and {len(r) for r in t4.rows} == {15}  # every cell kept in place
    assert texts(t2.rows[0]) == ["第二十条第（一）项", "", "", ""]
    assert texts(t2.rows[-1]) == ["政府集中采购", "97", "1.8 亿元"]  # after a blank line
    assert not any("--" in c.text for r in t2.rows for c in r)  # the rule line is dropped
    assert texts(row_starting(t2, "行政许可")) == ["行政许可", "469", "减 232", "31668"]
    lost = row_starting(t3, "", "供")
    assert texts(lost)[:3] == ["", "供", "2. 没有现成信息需要另行制作"] and lost[0].source.line == 69
    assert texts(row_starting(t3, "(七) 总计")) == ["(七) 总计", "", "", "", "", "9", "0", "0", "0", "0", "", "", ""]
    assert t3.source.line == 52 and len(t3.rows) == 26
    assert texts(t4.rows[-1]) == ["1", "0", "0", "0", "1"] + ["0"] * 10
    assert "桦川县人民政府 2020 年政府 信息公开工作年度报告" == doc.paragraphs()[0].text


# --- fixtures in each layout ------------------------------------------------------------------

@pytest.mark.parametrize("pattern", ["docx_2019_*", "docx_2021_*"])
def test_docx_fixtures(pattern: str) -> None:
    text, doc = load(pattern)
    assert doc.form == "docx-text"
    assert_provenance(text, doc)
    t2, t3, t4 = doc.tables()
    assert all(t.blanks_reliable for t in (t2, t3, t4))
    assert texts(t3.rows[5])[:2] == ["三、\n本\n年\n度\n办\n理\n结\n果", "（一）予以公开"]
    assert texts(t4.rows[1])[0] == "结\n果\n维\n持"
    assert len(t4.rows[2]) == 15 and len(t4.rows[3]) == 15
    assert_t3_rules(t3)
    assert not any("bookmark" in p.text for p in doc.paragraphs())


def test_docx_2019_fixture_details() -> None:
    _, doc = load("docx_2019_*")
    t2, t3, _ = doc.tables()
    assert texts(t2.rows[1]) == ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]
    assert texts(row_starting(t2, "行政处罚")) == ["行政处罚", "112", "减 6", "87"]
    other = row_starting(t3, "", "（六）\n其他\n处理")
    assert texts(other)[2:] == [""] * 7  # nbsp-only cells are blank cells
    assert texts(t3.rows[1])[0] == ""  # "\t " is an empty cell
    assert len(t3.rows) == 26
    assert "四、政府信息公开行政复议、行政诉讼情况" in [p.text for p in doc.paragraphs()]


def test_docx_2021_fixture_other_processing_rows() -> None:
    _, doc = load("docx_2021_*")
    t2, t3, _ = doc.tables()
    assert texts(t2.rows[1]) == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert texts(row_starting(t2, "行政规范性文件")) == ["行政规范性文件", "4", "2", "36"]
    assert texts(row_starting(t2, "行政事业性收费")) == ["行政事业性收费", "0"]
    assert len(t3.rows) == 28
    other = [texts(r)[:3] for r in t3.rows if any(c.text.startswith(("1.申请人", "2.申请人", "3.其他")) for c in r)]
    assert other == [["", "（六）\n其他\n处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"],
                     ["", "", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"],
                     ["", "", "3.其他"]]


@pytest.mark.parametrize("pattern", ["web_2019_*", "web_2021_*"])
def test_web_fixtures_are_paragraphs(pattern: str) -> None:
    text, doc = load(pattern)
    assert doc.form == "web-text"
    assert doc.tables() == []
    assert_provenance(text, doc)
    assert len(doc.paragraphs()) == sum(1 for line in split_lines(text) if line.strip())


def test_web_run_together_rows_kept_verbatim() -> None:
    _, doc = load("web_2021_*")
    paras = {p.text: p for p in doc.paragraphs()}
    assert "行政规范性文件128450" in paras
    assert "一、本年新收政府信息公开申请数量9000009" in paras
    assert "行政处罚 214" in paras
    assert "000000000000000" in paras
    assert paras["行政规范性文件128450"].source.span == (0, 13)
    _, doc19 = load("web_2019_*")
    assert "其他对外管理服务事项 7 增1 1024" in [p.text for p in doc19.paragraphs()]


def test_pdf_2021_fixture_across_page_breaks() -> None:
    text, doc = load("pdf_2021_*")
    assert doc.form == "pdf-text"
    assert_provenance(text, doc)
    paras = [p.text for p in doc.paragraphs()]
    assert paras.count("常州市武进区交通运输局 2021 年政府信息公开工作年度报告") == 1  # running headers dropped
    assert not any("页" in t and "共" in t for t in paras)
    t2, t3, t4 = doc.tables()
    assert texts(t2.rows[2]) == ["", "件数", "件数", "件数"]
    assert texts(row_starting(t2, "行政处罚")) == ["行政处罚", "1209", "", ""]  # after the page break
    assert ["供"] in [texts(r) for r in t3.rows]  # a label fragment stays in the table
    assert texts(t3.rows[-1])[0] == "四、结转下年度继续办理"
    assert not any("\x0c" in c.text or "常州市" in c.text for r in t3.rows for c in r)
    assert texts(t4.rows[-1]) == ["1", "0", "0", "0", "1"] + ["0"] * 10


# --- page furniture and line handling ---------------------------------------------------------

@pytest.mark.parametrize("line", ["— 3 —", "- 3 -", "－12－", "第3页", "第 3 页 共 9 页", "第3页/共9页",
                                  "共 9 页 第 3 页", "3 / 9", "Page 3 of 9", "**— 3 —**"])
def test_footer_lines(line: str) -> None:
    assert is_footer(line)


@pytest.mark.parametrize("line", ["3", "一、总体情况", "第二十条第（一）项", "—", "9 / 3", "2021年1月20日", "- 3"])
def test_not_footer_lines(line: str) -> None:
    assert not is_footer(line)


def test_footers_and_isolated_page_numbers_dropped() -> None:
    text = "一、总体情况\n\n全年收到申请5件。\n\n— 1 —\n\n2\n\n二、主动公开政府信息情况\n第 3 页 共 9 页\n"
    doc = read_text(text, "x.txt")
    assert [p.text for p in doc.paragraphs()] == ["一、总体情况", "全年收到申请5件。", "二、主动公开政府信息情况"]


def test_numbers_printed_one_per_line_are_not_page_numbers() -> None:
    text = "规章\n\n3\n\n3\n\n27\n"
    doc = read_text(text, "x.txt")
    assert [p.text for p in doc.paragraphs()] == ["规章", "3", "3", "27"]


def test_docx_table_ends_at_heading_after_blank_line() -> None:
    text = "二、主动公开政府信息情况\n\t规章\n\t0\n\t \n\n\t规范性文件\n\t1\n\t\n\n\n三、收到和处理政府信息公开申请情况\n"
    doc = read_text(text, "x.txt")
    assert doc.form == "docx-text"
    (table,) = doc.tables()
    assert [texts(r) for r in table.rows] == [["规章", "0", ""], ["规范性文件", "1", ""]]
    assert [p.text for p in doc.paragraphs()] == ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况"]


def test_inline_bookmark_and_form_feed() -> None:
    text = "[bookmark: _GoBack]五、存在的主要问题\n\x0c六、其他需要报告的事项\n无\x0c其他\n"
    doc = read_text(text, "x.txt")
    paras = doc.paragraphs()
    assert [p.text for p in paras] == ["五、存在的主要问题", "六、其他需要报告的事项", "无其他"]
    assert paras[0].source.span == (19, 28) and paras[1].source.span == (1, 12)


def test_crlf_line_numbers() -> None:
    text = "标题\r\n\r\n\t规章\r\n\t0\r\n"
    doc = read_text(text, "x.txt")
    (table,) = doc.tables()
    assert table.rows[0][1].source.line == 4 and table.rows[0][1].text == "0"


def test_pdf_table_continues_across_footer_and_header() -> None:
    text = ("某某局2021年政府信息公开工作年度报告\n\n规章\t0\t0\t0\n\n— 2 —\n\n\x0c某某局2021年政府信息公开工作年度报告\n"
            "行政规范性文件\t2\t1\t17\n\n五、存在的主要问题及改进情况\n")
    doc = read_text(text, "x.txt")
    (table,) = doc.tables()
    assert [texts(r) for r in table.rows] == [["规章", "0", "0", "0"], ["行政规范性文件", "2", "1", "17"]]
    assert [p.text for p in doc.paragraphs()] == ["某某局2021年政府信息公开工作年度报告", "五、存在的主要问题及改进情况"]


def test_regions_of_both_tab_forms_in_one_text() -> None:
    text = ("二、主动公开政府信息情况\n\t规章\n\t0\n\n\t规范性文件\n\t3\n\n\n"
            "四、政府信息公开行政复议、行政诉讼情况\n\t\t\t\n1\t0\t\t0\t1\n")
    doc = read_text(text, "x.txt")
    docx, pdf = doc.tables()
    assert docx.blanks_reliable and [texts(r) for r in docx.rows] == [["规章", "0"], ["规范性文件", "3"]]
    assert not pdf.blanks_reliable and [texts(r) for r in pdf.rows] == [["1", "0", "", "0", "1"]]
    assert doc.form == "docx-text"


def test_dash_lines() -> None:
    doc = read_text("行政事业性收费\n——\n--------\t----\n\t\t\n", "x.txt")
    assert [p.text for p in doc.paragraphs()] == ["行政事业性收费", "——"]  # a null mark stays
    assert doc.tables() == []  # rules and bare tabs carry nothing


_ALPHABET = st.sampled_from(list("规章件数0123456789一、（）|-— \t\xa0\u3000\x0c*#") + ["\n", "\n\n", "[bookmark: _GoBack]"])


@settings(max_examples=150, deadline=None)
@given(st.lists(_ALPHABET, max_size=80).map("".join))
def test_any_text_reads_with_valid_provenance(text: str) -> None:
    doc = read_text(text, "random.txt")
    lines = split_lines(text)
    for block in doc.blocks:
        cells = [(b.text, b.source) for b in [block]] if isinstance(block, Paragraph) else [
            (c.text, c.source) for r in block.rows for c in r]
        for value, src in cells:
            start, end = src.span
            assert 0 <= start <= end <= len(lines[src.line - 1])
            if doc.form != "markdown":
                assert clean(lines[src.line - 1][start:end]) == value.split("\n")[0]


# --- entry points -----------------------------------------------------------------------------

def test_read_path_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError) as err:
        readers.read_path(tmp_path / "nope.txt")
    assert "nope.txt" in str(err.value) and "不存在" in str(err.value) and "\n" not in str(err.value)


def test_read_path_directory(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="目录"):
        readers.read_path(tmp_path)


def test_read_path_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes("一、总体情况\n".encode() * 10)
    monkeypatch.setattr(readers, "MAX_BYTES", 50)
    with pytest.raises(ReadError, match="过大"):
        readers.read_path(path)
    with pytest.raises(ReadError, match="过大"):
        readers.read_bytes(path.read_bytes(), "big.txt")


def test_read_path_text_file() -> None:
    (path,) = FIXTURES.glob("seed_001_*.txt")
    doc = readers.read_path(path)
    assert doc.form == "docx-text" and doc.name == str(path)
    assert doc.meta["encoding"] == "utf-8"
    assert len(doc.tables()) == 3


def test_read_bytes_gbk_web_text() -> None:
    (path,) = FIXTURES.glob("web_2021_*.txt")
    doc = readers.read_bytes(path.read_text(encoding="utf-8").encode("gb18030"), "web.txt")
    assert doc.form == "web-text"
    assert "行政规范性文件128450" in [p.text for p in doc.paragraphs()]


def test_read_bytes_empty_is_read_error() -> None:
    with pytest.raises(ReadError):
        readers.read_bytes(b"", "empty.txt")


def test_read_bytes_dispatches_html(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("xxgk.readers.html")
    fake.read_html = lambda data, name: Document(name=name, form="html-stub")  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "xxgk.readers.html", fake)
    page = "<html><head><title>年报</title></head><body><p>一、总体情况</p></body></html>".encode()
    assert readers.read_bytes(page, "a.html").form == "html-stub"
    assert readers.read_bytes("一、总体情况\n".encode(), "a.txt").form == "web-text"


def test_pdf_tab_rows_of_one_width_keep_their_blanks() -> None:
    """A table extractor that keeps every cell in place (pdfplumber: one field per grid column,
    empty for blank and merged cells) prints every row with as many fields: its blanks are blank
    cells, not lost ones, and its columns line up with the header's."""
    rows = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t\t\t申请人情况\t\t\t\t\t\t",
            "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计",
            "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t",
            "一、本年新收政府信息公开申请数量\t\t\t12\t3\t\t\t\t\t15"]
    doc = read_text("三、收到和处理政府信息公开申请情况\n" + "\n".join(rows) + "\n", "plumber.txt")
    (table,) = doc.tables()
    assert table.blanks_reliable and table.columns_aligned
    uneven = read_text("三、收到和处理政府信息公开申请情况\n" + "\n".join(rows + ["（七）总计\t\t9\t0\t0"]) + "\n",
                       "lost.txt")
    assert not uneven.tables()[0].blanks_reliable



# --- a browser's copy of a report page ----------------------------------------------------------
@pytest.mark.parametrize("name", ["browser_word_2019", "browser_word_2021", "browser_clean_2021"])
def test_browser_copies_of_report_pages_read_every_cell(name: str) -> None:
    """Chromium's innerText of a page (tests/fixtures/text/make_browser_copies.py): Word pages
    break cells with lone tabs between empty lines; clean pages print merged labels once."""
    from xxgk.load import load_report
    from xxgk.parse import parse_document

    path = FIXTURES / f"{name}.txt"
    text = path.read_text(encoding="utf-8")
    doc = read_text(text, path.name)
    assert doc.form == ("web-copy" if "_word_" in name else "pdf-text")
    t3 = next(t for t in doc.tables() if any("本年新收" in c.text for r in t.rows for c in r))
    assert t3.blanks_reliable  # every cell kept: a blank is a blank, not a lost cell
    assert_provenance(text, doc)
    want = load_report(FIXTURES / f"{name}.truth.json")
    got = parse_document(doc)
    assert [k for k in want.spec.cell_keys() if got.value(k) != want.value(k)] == []


def test_browser_copy_of_a_word_page_splits_rows_from_the_text_around_them() -> None:
    """The last row of a table and the heading after it are one empty line apart, like a cell's
    paragraphs: the heading is a paragraph, not part of the row's last cell."""
    _, doc = load("browser_word_2019.txt")
    t3 = next(t for t in doc.tables() if any("本年新收" in c.text for r in t.rows for c in r))
    assert not any("三、" in c.text and "情况" in c.text for r in t3.rows for c in r)
    assert any(p.text.startswith("三、收到和处理政府信息") for p in doc.paragraphs())
    first = next(r for r in t3.rows if r[0].text.startswith("一、本年新收"))
    assert len(first) == 8 and all(c.text == "" or c.text.isdigit() for c in first[1:])


# --- browser copies of plain tables whose cells hold a <p> or a <br> ----------------------------
UNSEEN = Path(__file__).parent / "fixtures" / "unseen"


def _row(doc: Document, label: str) -> list[GridCell]:
    rows = [r for b in doc.blocks if isinstance(b, Table) for r in b.rows if r and r[0].text == label]
    assert len(rows) == 1, rows
    return rows[0]


def test_browser_copy_of_a_plain_table_reads_a_row_broken_by_a_cell_paragraph() -> None:
    # innerText of <td><p>0</p></td>: "1.信访举报投诉类申请\t0\t\u00a0\t" / "" / "0" / "" / "\t\t0\t0\t\u00a0"
    path = UNSEEN / "webcopy_cell_paragraph_2019.txt"
    text = path.read_text(encoding="utf-8")
    lines = split_lines(text)
    doc = read_text(text, path.name)
    row = _row(doc, "1.信访举报投诉类申请")
    assert [c.text for c in row] == ["1.信访举报投诉类申请", "0", "", "0", "", "0", "0", ""]
    para = row[3].source  # the paragraph's own line, between empty lines
    assert lines[para.line - 1] == "0" and lines[para.line - 2] == "" == lines[para.line]
    assert not any(isinstance(b, Paragraph) and b.text == "0" for b in doc.blocks)
    assert all(b.blanks_reliable for b in doc.blocks if isinstance(b, Table) and _has(b, "1.信访举报投诉类申请"))


def _has(table: Table, label: str) -> bool:
    return any(r and r[0].text == label for r in table.rows)


def test_browser_copy_of_a_plain_table_reads_a_row_broken_by_a_paragraph_cell_at_its_end() -> None:
    doc = read_text((UNSEEN / "webcopy_cell_paragraph_last_2019.txt").read_text(encoding="utf-8"), "p.txt")
    row = _row(doc, "三、本年度办理结果")
    assert [c.text for c in row][1:] == ["（一）予以公开", "23", "18", "0", "0", "0", "0", "41"]


def test_browser_copy_of_a_plain_table_reads_a_row_broken_by_a_line_break_in_a_cell() -> None:
    # <td>&nbsp;<br></td>: "四、结转下年度继续办理\t0\t0\t\u00a0\t" / "\t\u00a0\t0\t0"
    doc = read_text((UNSEEN / "webcopy_cell_line_break_2021.txt").read_text(encoding="utf-8"), "br.txt")
    row = _row(doc, "四、结转下年度继续办理")
    assert [c.text for c in row] == ["四、结转下年度继续办理", "0", "0", "", "", "", "0", "0"]


def test_a_tab_row_ending_in_a_tab_before_a_heading_is_not_joined_to_it() -> None:
    text = ("申请人情况\t自然人\t法人\t总计\n一、本年新收政府信息公开申请数量\t1\t2\t3\n"
            "二、上年结转政府信息公开申请数量\t0\t0\t\n\n四、结转下年度继续办理\n\n5\n\n"
            "\t0\t0\t0\n")
    doc = read_text(text, "t.txt")
    row = _row(doc, "二、上年结转政府信息公开申请数量")
    assert [c.text for c in row] == ["二、上年结转政府信息公开申请数量", "0", "0", ""]
    assert any(isinstance(b, Paragraph) and b.text == "四、结转下年度继续办理" for b in doc.blocks)
