"""The Markdown reader: pipe tables, markup removal, fragments split at page breaks merged again."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xxgk.document import Document, GridCell, Table
from xxgk.readers.markdown import read_markdown
from xxgk.readers.text import read_text, split_lines

FIXTURES = Path(__file__).parent / "fixtures" / "text"

T3_HEADER = [
    ["（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）", "", "", "申请人情况", "", "", "", "", "", ""],
    ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
    ["", "", "", "", "商业\n企业", "科研\n机构", "社会公益\n组织", "法律服务\n机构", "其他", ""],
]


def load(pattern: str) -> tuple[str, Document]:
    (path,) = FIXTURES.glob(pattern)
    text = path.read_text(encoding="utf-8")
    return text, read_text(text, path.name)


def texts(row: list[GridCell]) -> list[str]:
    return [c.text for c in row]


def grid(table: Table) -> list[list[str]]:
    return [texts(r) for r in table.rows]


def unmark(source: str) -> str:
    """Source text without Markdown markup, whitespace folded: what a span's text must equal."""
    source = re.sub(r"<br\s*/?>|\*\*|__", "", source)
    source = re.sub(r"\\(.)", r"\1", source)
    return re.sub(r"\s+", "", source)


def assert_spans(text: str, doc: Document) -> None:
    lines = split_lines(text)
    pieces = [(p.text, p.source) for p in doc.paragraphs()]
    pieces += [(c.text, c.source) for t in doc.tables() for r in t.rows for c in r]
    for value, src in pieces:
        start, end = src.span
        assert unmark(lines[src.line - 1][start:end]) == re.sub(r"\s+", "", value), (src, value)


def t3_rule_h1(table: Table) -> None:
    rows = {next(c.text for c in reversed(r[:3]) if c.text): [int(c.text) for c in r[3:]]
            for r in table.rows[3:]}
    new, carried = rows["一、本年新收政府信息公开申请数量"], rows["二、上年结转政府信息公开申请数量"]
    total, forward = rows["（七）总计"], rows["四、结转下年度继续办理"]
    assert all(new[c] + carried[c] == total[c] + forward[c] for c in range(7))
    assert all(v[6] == sum(v[:6]) for v in rows.values())


# --- fixtures ---------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, t3_rows", [("markdown_2019_*", 26), ("markdown_2021_*", 28)])
def test_fixture_table_3_merged_across_page(pattern: str, t3_rows: int) -> None:
    text, doc = load(pattern)
    assert doc.form == "markdown"
    assert_spans(text, doc)
    t2, t3, t4 = doc.tables()
    assert all(t.blanks_reliable for t in (t2, t3, t4))
    rows = grid(t3)
    assert len(rows) == t3_rows
    assert rows[:3] == T3_HEADER
    assert sum(1 for r in rows if r == T3_HEADER[1]) == 1  # the repeated header rows are gone
    items = [r[2] for r in rows if r[2][:1].isdigit() and r[1] in ("", "（三）不予公开")][:8]
    assert [i[0] for i in items] == list("12345678")  # rows run on without a gap at the page break
    t3_rule_h1(t3)
    assert len(t4.rows) == 4 and len(t4.rows[-1]) == 15


def test_fixture_2019_table_2_merged_without_repeated_header() -> None:
    _, doc = load("markdown_2019_*")
    t2 = doc.tables()[0]
    assert len(t2.rows) == 18
    assert [r[0] for r in grid(t2) if r[0].startswith("第二十条")] == [
        "第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项"]
    assert texts(t2.rows[10]) == ["行政处罚", "486", "增 21", "1357"]
    assert texts(t2.rows[-1]) == ["政府集中采购", "26", "1123.57万元", ""]


def test_fixture_paragraph_markup_and_page_furniture() -> None:
    _, doc = load("markdown_2021_*")
    paras = [p.text for p in doc.paragraphs()]
    title = "嘉兴市南湖区人民政府2022年政府信息公开工作年度报告"
    assert paras[0] == title and paras.count(title) == 1  # running page headers dropped
    assert "一、总体情况" in paras and "（一）主动公开" in paras
    assert not any(p.startswith("#") or "**" in p or "—" in p for p in paras)
    assert any("主动公开政府信息12863条" in p for p in paras)
    first = doc.paragraphs()[0]
    assert first.source.line == 1 and first.source.span == (2, 2 + len(title))
    t2 = doc.tables()[0]
    assert texts(t2.rows[1]) == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert texts(t2.rows[-1]) == ["行政事业性收费", "364.82", "", ""]


def test_fixture_escapes_and_page_number() -> None:
    _, doc = load("markdown_2019_*")
    paras = [p.text for p in doc.paragraphs()]
    assert "1. 严格落实公开前保密审查制度；2. 建立政府信息公开属性动态调整机制。" in paras
    assert "2" not in paras  # a bare page number between paragraphs
    assert "（四）平台建设和监督保障" in paras


# --- merging rules ----------------------------------------------------------------------------

HEAD = "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"


def test_merge_after_blank_lines_only() -> None:
    doc = read_markdown(HEAD + "| 规章 | 0 | 0 | 0 |\n\n\n| 行政规范性文件 | 2 | 1 | 17 |\n|---|---|---|---|\n", "a.md")
    (table,) = doc.tables()
    assert grid(table)[1:] == [["规章", "0", "0", "0"], ["行政规范性文件", "2", "1", "17"]]


@pytest.mark.parametrize("footer", ["— 3 —", "- 3 -", "第3页", "第 3 页 共 9 页", "3"])
def test_merge_after_footer_and_repeated_header(footer: str) -> None:
    text = HEAD + "| 规章 | 0 | 0 | 0 |\n\n" + footer + "\n\n某某市人民政府办公室\n\n" + HEAD + "| 行政规范性文件 | 2 | 1 | 17 |\n"
    doc = read_text(text, "a.txt")
    assert doc.form == "markdown"
    (table,) = doc.tables()
    assert grid(table) == [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
                           ["规章", "0", "0", "0"], ["行政规范性文件", "2", "1", "17"]]
    assert doc.paragraphs() == []  # the footer and the page header are dropped


def test_no_merge_across_section_heading() -> None:
    text = HEAD + "| 规章 | 0 | 0 | 0 |\n\n## 三、收到和处理政府信息公开申请情况\n\n" + HEAD + "| 规章 | 0 | 0 | 0 |\n"
    doc = read_markdown(text, "a.md")
    assert len(doc.tables()) == 2
    assert [p.text for p in doc.paragraphs()] == ["三、收到和处理政府信息公开申请情况"]
    assert len(doc.tables()[1].rows) == 2  # a separate table keeps its own header


def test_no_merge_with_different_column_count() -> None:
    text = HEAD + "| 规章 | 0 | 0 | 0 |\n\n| 结果维持 | 结果纠正 |\n|---|---|\n| 0 | 0 |\n"
    assert len(read_markdown(text, "a.md").tables()) == 2


def test_no_merge_across_content_paragraph() -> None:
    text = HEAD + "| 规章 | 0 | 0 | 0 |\n\n单位：件\n\n" + HEAD + "| 规章 | 0 | 0 | 0 |\n"
    doc = read_markdown(text, "a.md")
    assert len(doc.tables()) == 2 and [p.text for p in doc.paragraphs()] == ["单位：件"]


def test_data_rows_equal_to_nothing_in_header_are_kept() -> None:
    text = HEAD + "| 规章 | 0 | 0 | 0 |\n\n— 2 —\n\n| 规章 | 0 | 0 | 0 |\n|---|---|---|---|\n"
    (table,) = read_markdown(text, "a.md").tables()
    assert len(table.rows) == 3  # a row with numbers is data even if repeated


# --- cells and paragraphs ---------------------------------------------------------------------

def test_cell_markup() -> None:
    text = "| **总计** | a \\| b | 社会公益<br>组织 | :---: |\n|:---|:---:|---:|---|\n|  | 1\\. 属于 | <br/> | &nbsp;3 |\n"
    doc = read_markdown(text, "a.md")
    (table,) = doc.tables()
    assert grid(table) == [["总计", "a | b", "社会公益\n组织", ":---:"], ["", "1. 属于", "", "3"]]
    cell = table.rows[0][0]
    assert cell.source.line == 1 and text.split("\n")[0][slice(*cell.source.span)] == "总计"
    assert table.rows[1][0].source.span[0] == table.rows[1][0].source.span[1]


def test_pipe_lines_without_separator_are_not_markdown() -> None:
    doc = read_text("首页 | 政务公开 | 年报\n| 规章 | 0 |\n", "a.txt")
    assert doc.form == "web-text" and doc.tables() == []
    assert [p.text for p in doc.paragraphs()] == ["首页 | 政务公开 | 年报", "| 规章 | 0 |"]


def test_markdown_by_name_or_headings() -> None:
    assert read_text("一、总体情况\n", "a.md").form == "markdown"
    doc = read_text("# 某局2021年年度报告\n\n## 一、总体情况\n\n**全年**收到申请3件。\n", "a.txt")
    assert doc.form == "markdown"
    assert [p.text for p in doc.paragraphs()] == ["某局2021年年度报告", "一、总体情况", "全年收到申请3件。"]
    assert doc.paragraphs()[2].source.span == (0, 13)


# --- raw HTML <table> blocks (MinerU writes tables with merged cells so) -------------------------

def test_mineru_html_table_block_is_read_as_a_grid() -> None:
    from xxgk.parse import parse_document

    path = Path(__file__).parent / "fixtures" / "unseen" / "mineru_markdown_title.md"
    text = path.read_text(encoding="utf-8")
    doc = read_markdown(text, path.name)
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert [[c.text for c in r] for r in table.rows] == [
        ["第二十条第（一）项"] * 4,
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"],
        ["行政规范性文件", "3", "1", "12"]]
    assert [c.spanned for c in table.rows[0]] == [False, True, True, True]
    cell = table.rows[3][3]  # "12": its source is its text in the <table> line
    line = split_lines(text)[cell.source.line - 1]
    assert line[slice(*cell.source.span)] == "12" and "<table>" in line
    report = parse_document(doc)
    assert report.title == "长沙县教育局2021年政府信息公开工作年度报告"
    assert (report.agency, report.year, str(report.published)) == ("长沙县教育局", 2021, "2022-01-20")
    assert {k: c.value for k, c in report.cells.items() if k.startswith("t2.art20_1.")} == {
        "t2.art20_1.regulations.issued": 0, "t2.art20_1.regulations.repealed": 0,
        "t2.art20_1.regulations.in_force": 0, "t2.art20_1.normative_docs.issued": 3,
        "t2.art20_1.normative_docs.repealed": 1, "t2.art20_1.normative_docs.in_force": 12}


def test_html_table_block_expands_rowspan_and_colspan_over_lines() -> None:
    text = ("# 某局2021年政府信息公开工作年度报告\n\n"
            "<table>\n<tr><td rowspan=2>申请人情况</td><td colspan=2>法人或其他组织</td></tr>\n"
            "<tr><td>商业企业</td><td>科研机构<br>（含高校）</td></tr>\n"
            "<tr><td>一、本年新收</td><td>&nbsp;</td><td>3</td></tr>\n</table>\n\n正文。\n")
    doc = read_markdown(text, "t.md")
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert [[c.text for c in r] for r in table.rows] == [
        ["申请人情况", "法人或其他组织", "法人或其他组织"],
        ["申请人情况", "商业企业", "科研机构\n（含高校）"],
        ["一、本年新收", "", "3"]]
    assert [[c.spanned for c in r] for r in table.rows] == [
        [False, False, True], [True, False, False], [False, False, False]]
    assert table.rows[2][2].source.line == 6 and table.blanks_reliable and table.columns_aligned
    assert [b.text for b in doc.blocks if not isinstance(b, Table)] == ["某局2021年政府信息公开工作年度报告", "正文。"]
