"""The HTML reader (xxgk.readers.html) on report pages as Word and government portals publish them.

Fixtures: tests/fixtures/html/ (written by make_fixtures.py there).
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.document import Document, GridCell, Paragraph, Source, Table
from xxgk.errors import ReadError
from xxgk.readers.encoding import EMPTY
from xxgk.readers.html import NO_TEXT, NOT_HTML, TRUNCATED, read_html

FIXTURES = Path(__file__).parent / "fixtures" / "html"
ALL = ["word_2019.html", "portal_2021_gbk.html", "layout_nested_gbk.html", "traditional.html",
       "bom_utf8.html"]


@functools.lru_cache(maxsize=None)
def load(name: str) -> Document:
    return read_html((FIXTURES / name).read_bytes(), name)


def html(body: str, head: str = "") -> bytes:
    return f"<html><head><meta charset=\"utf-8\">{head}</head><body>\n{body}\n</body></html>".encode()


def texts(doc: Document) -> list[str]:
    return [p.text for p in doc.paragraphs()]


def cell(table: Table, r: int, c: int) -> tuple[str, bool]:
    return table.rows[r][c].text, table.rows[r][c].spanned


def source_lines(name: str, encoding: str) -> list[str]:
    return (FIXTURES / name).read_bytes().decode(encoding).splitlines()


def line_of(lines: list[str], needle: str) -> int:
    """1-based number of the only line containing `needle`."""
    found = [k + 1 for k, line in enumerate(lines) if needle in line]
    assert len(found) == 1, (needle, found)
    return found[0]


# --- all fixtures ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ALL)
def test_grids_are_rectangular_and_spanned_copies_repeat_their_origin(name: str) -> None:
    doc = load(name)
    assert doc.form == "html" and doc.name == name
    assert len(doc.tables()) == 3 or name == "bom_utf8.html"
    for table in doc.tables():
        width = len(table.rows[0])
        assert all(len(row) == width for row in table.rows)
        origins = {(c.source, c.text) for row in table.rows for c in row if not c.spanned}
        for row in table.rows:
            for c in row:
                assert c.source.path and c.source.line
                if c.spanned:
                    assert (c.source, c.text) in origins
                # Never a grid cell holding a whole table or article.
                assert len(c.text) < 100


@pytest.mark.parametrize("name", ALL)
def test_paragraphs_carry_element_sources(name: str) -> None:
    for p in load(name).paragraphs():
        assert p.source.path.startswith("/html/body") and p.source.line
        assert p.text == p.text.strip() and "\xa0" not in p.text and "  " not in p.text
        assert "\n" not in p.text


@pytest.mark.parametrize("name", ALL)
def test_report_headings_in_reading_order(name: str) -> None:
    doc = load(name)
    heads = [t for t in texts(doc) if t[:2] in ("一、", "二、", "三、", "四、", "五、", "六、")]
    assert heads == sorted(heads, key=lambda t: "一二三四五六".index(t[0]))
    assert heads[0].startswith("一、")


# --- Word export, 2019 edition -----------------------------------------------------------------

def test_word_meta() -> None:
    doc = load("word_2019.html")
    assert doc.title == "云溪县工业信息化和科技局2019年政府信息公开工作年度报告"
    assert doc.meta["encoding"] == "utf-8"
    assert "script" not in doc.meta and "published" not in doc.meta


def test_word_paragraphs() -> None:
    doc = load("word_2019.html")
    paras = texts(doc)
    # The title is wrapped in the source between 信 and 息: no space may appear there.
    assert paras[0] == "云溪县工业信息化和科技局2019年政府信息公开工作年度报告"
    assert "一、总体情况" in paras and "六、其他需要报告的事项" in paras
    assert any("坚持以贯彻落实《条例》为主线，以服务民生" in t for t in paras)
    # A Word list: its number is in a downlevel-revealed conditional comment and &nbsp; runs.
    assert "1. 加强组织领导，明确专人负责政府信息公开工作。" in paras
    # A smart-tag date.
    assert paras[-1] == "2020年1月20日"
    text = doc.text()
    for junk in ("mso-", "Font Definitions", "Administrator", "supportLists", "MsoNormal"):
        assert junk not in text


def test_word_paragraph_sources_point_at_their_element() -> None:
    doc = load("word_2019.html")
    lines = source_lines("word_2019.html", "utf-8")
    heading = next(p for p in doc.paragraphs() if p.text == "三、收到和处理政府信息公开申请情况")
    # The <span> holding the text may start a line before it (Word wraps inside tags).
    assert line_of(lines, "三、收到和处理政府信息公开申请情况") - heading.source.line in (0, 1)
    assert heading.source.path.startswith("/html/body/div[1]/p[")


def test_word_table2_merged_value_columns() -> None:
    t2 = load("word_2019.html").tables()[0]
    assert len(t2.rows) == 18 and len(t2.rows[0]) == 4
    assert cell(t2, 0, 0) == ("第二十条第（一）项", False)
    assert cell(t2, 0, 3) == ("第二十条第（一）项", True)
    assert [c.text for c in t2.rows[6]] == ["行政许可", "12", "减 2", "356"]
    # (八): 本年增/减 spans the last two columns in this template.
    assert cell(t2, 13, 2) == ("本年增/减", False) and cell(t2, 13, 3) == ("本年增/减", True)
    assert cell(t2, 17, 2) == ("36.5万元", False) and cell(t2, 17, 3) == ("36.5万元", True)


def test_word_table3_official_layout() -> None:
    t3 = load("word_2019.html").tables()[1]
    # 3 header rows + 一、二 + 20 result rows + 四: the height=0 spacer row is gone.
    assert len(t3.rows) == 26 and len(t3.rows[0]) == 10
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert cell(t3, 0, 0) == (note, False)
    for r, c in [(0, 1), (0, 2), (1, 0), (1, 2), (2, 0), (2, 2)]:
        assert cell(t3, r, c) == (note, True)
    assert cell(t3, 0, 3) == ("申请人情况", False)
    assert all(cell(t3, 0, c) == ("申请人情况", True) for c in range(4, 10))
    assert cell(t3, 1, 3) == ("自然人", False) and cell(t3, 2, 3) == ("自然人", True)
    assert cell(t3, 1, 4) == ("法人或其他组织", False)
    assert all(cell(t3, 1, c) == ("法人或其他组织", True) for c in range(5, 9))
    assert cell(t3, 1, 9) == ("总计", False) and cell(t3, 2, 9) == ("总计", True)
    assert [c.text for c in t3.rows[2][4:9]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert [c.text for c in t3.rows[3]] == ["一、本年新收政府信息公开申请数量"] * 3 + ["3", "1", "0", "0", "0", "0", "4"]
    # 三、本年度办理结果: a vertical header over 20 rows.
    assert cell(t3, 5, 0) == ("三、本年度办理结果", False)
    assert all(cell(t3, r, 0) == ("三、本年度办理结果", True) for r in range(6, 25))
    assert cell(t3, 25, 0) == ("四、结转下年度继续办理", False)
    # （三）不予公开 over its 8 rows, then （四）.
    assert cell(t3, 7, 1) == ("（三）不予公开", False) and cell(t3, 7, 2) == ("1.属于国家秘密", False)
    assert all(cell(t3, r, 1) == ("（三）不予公开", True) for r in range(8, 15))
    assert cell(t3, 15, 1) == ("（四）无法提供", False)
    assert cell(t3, 23, 1) == ("（六）其他处理", False) and cell(t3, 23, 2) == ("（六）其他处理", True)
    assert [c.text for c in t3.rows[24][1:]] == ["（七）总计", "（七）总计", "3", "1", "0", "0", "0", "0", "4"]
    # A blank printed cell (&nbsp;) is an empty, unspanned cell.
    assert t3.rows[20][2].text == "3.要求提供公开出版物" and cell(t3, 20, 6) == ("", False)


def test_word_table3_cell_sources() -> None:
    t3 = load("word_2019.html").tables()[1]
    origin, copy = t3.rows[5][0], t3.rows[24][0]
    assert copy.source == origin.source
    assert origin.source.path == "/html/body/div[1]/div[2]/table[1]/tr[6]/td[1]"
    assert t3.rows[3][3].source.path == "/html/body/div[1]/div[2]/table[1]/tr[4]/td[2]"
    assert t3.source.path == "/html/body/div[1]/div[2]/table[1]"
    # lxml (libxml2) gives the line where the start tag ends; Word spreads <td ...> over lines.
    lines = source_lines("word_2019.html", "utf-8")
    line = origin.source.line
    assert lines[line - 1].rstrip().endswith("'>")
    assert any(lines[k].lstrip().startswith("<td rowspan=20") for k in range(line - 6, line))


def test_word_table4() -> None:
    t4 = load("word_2019.html").tables()[2]
    assert len(t4.rows) == 4 and len(t4.rows[0]) == 15
    assert cell(t4, 0, 0) == ("行政复议", False) and cell(t4, 0, 5) == ("行政诉讼", False)
    assert cell(t4, 2, 0) == ("结果维持", True) and cell(t4, 2, 5) == ("结果维持", False)
    assert cell(t4, 1, 10) == ("复议后起诉", False) and cell(t4, 1, 14) == ("复议后起诉", True)
    assert [c.text for c in t4.rows[3][:5]] == ["0", "1", "0", "0", "1"]


# --- portal page, 2021 edition, GBK ------------------------------------------------------------

def test_portal_encoding_and_meta() -> None:
    doc = load("portal_2021_gbk.html")
    assert doc.meta["encoding"] == "gb18030"
    assert doc.meta["published"] == "2022-01-20 10:00"
    assert doc.meta["site"] == "云溪县人民政府"
    assert doc.title == "云溪县自然资源局2021年政府信息公开工作年度报告_政府信息公开年报_云溪县人民政府"
    assert "script" not in doc.meta


def test_portal_article_only() -> None:
    doc = load("portal_2021_gbk.html")
    paras = texts(doc)
    assert paras[0] == "云溪县自然资源局2021年政府信息公开工作年度报告"
    assert paras[1].startswith("发布时间：2022-01-20 10:00 来源：云溪县自然资源局")
    assert "（三）政府信息管理" in paras and paras[-1] == "2022年1月20日"
    text = doc.text()
    for chrome in ("今天是", "无障碍", "请输入关键字", "全站", "搜索", "政务动态", "当前位置", "首页",
                   "索引号", "发布机构", "分享到", "打印本页", "关闭窗口", "相关链接", "2020年政府信息公开",
                   "主办单位", "版权所有", "网站地图", "toLocaleDateString", "TRS_Editor", "index:430000"):
        assert chrome not in text, chrome


def test_portal_tables_2021_edition() -> None:
    t2, t3, t4 = load("portal_2021_gbk.html").tables()
    assert len(t2.rows) == 14 and len(t2.rows[0]) == 4
    assert cell(t2, 5, 1) == ("本年处理决定数量", False) and cell(t2, 5, 3) == ("本年处理决定数量", True)
    assert cell(t2, 6, 1) == ("1523", False) and cell(t2, 6, 2) == ("1523", True)
    assert cell(t2, 13, 0) == ("行政事业性收费", False) and cell(t2, 13, 1) == ("12.35", False)
    assert len(t3.rows) == 28 and len(t3.rows[0]) == 10
    assert all(cell(t3, r, 0)[1] for r in range(6, 27)) and not t3.rows[5][0].spanned
    # A header printed as two editor paragraphs keeps its line break.
    assert cell(t3, 7, 1) == ("（三）\n不予公开", False) and cell(t3, 14, 1) == ("（三）\n不予公开", True)
    assert cell(t3, 23, 1) == ("（六）其他处理", False) and cell(t3, 25, 2) == ("3.其他", False)
    assert cell(t3, 24, 1) == ("（六）其他处理", True)
    assert [c.text for c in t3.rows[26][3:]] == ["25", "2", "0", "1", "1", "0", "29"]
    assert [c.text for c in t3.rows[27][3:]] == ["2", "1", "0", "0", "0", "0", "3"]
    assert [c.text for c in t4.rows[3][:10]] == ["1", "0", "0", "1", "2", "0", "1", "0", "0", "1"]


def test_portal_sources_are_exact_lines() -> None:
    doc = load("portal_2021_gbk.html")
    lines = source_lines("portal_2021_gbk.html", "gbk")
    para = next(p for p in doc.paragraphs() if p.text == "（四）平台建设")
    assert para.source.line == line_of(lines, "（四）平台建设")
    t2 = doc.tables()[0]
    assert t2.rows[6][1].source.line == line_of(lines, ">1523<")
    assert t2.rows[6][1].source.path.endswith("/table[1]/tbody[1]/tr[7]/td[2]")


# --- old table-layout CMS, data tables nested in a layout cell, GBK undeclared ------------------

def test_layout_page_encoding_and_meta() -> None:
    doc = load("layout_nested_gbk.html")
    assert doc.meta["encoding"] == "gb18030"  # no declaration at all: decided by content
    assert doc.meta["published"] == "2021-01-25"


def test_layout_page_blocks_in_reading_order() -> None:
    doc = load("layout_nested_gbk.html")
    kinds = ["T" if isinstance(b, Table) else b.text for b in doc.blocks]
    assert kinds[:3] == ["云溪县商务局2020年政府信息公开工作年度报告", "发布日期：2021-01-25 点击数：128",
                         "本报告根据《中华人民共和国政府信息公开条例》要求编制，数据统计期限自２０２０年１月１日起至"
                         "２０２０年１２月３１日止。"]
    # <br>-separated lines are paragraphs of their own; tables sit between their headings.
    i = kinds.index("二、主动公开政府信息情况")
    assert kinds[i + 1:i + 4] == ["T", "三、收到和处理政府信息公开申请情况", "T"]
    assert kinds[i + 4:i + 6] == ["四、政府信息公开行政复议、行政诉讼情况", "T"]
    assert kinds[-2:] == ["六、其他需要报告的事项", "无。"]
    text = doc.text()
    for chrome in ("您现在的位置", "栏目导航", "通知公告", "机构概况", "打印本页", "版权所有", "技术支持"):
        assert chrome not in text, chrome


def test_layout_page_inner_tables_are_grids() -> None:
    t2, t3, t4 = load("layout_nested_gbk.html").tables()
    assert t2.source.path == "/html/body/table[2]/tr[1]/td[2]/table[2]/tr[3]/td[1]/table[1]"
    # Full-width digits are kept as printed.
    assert [c.text for c in t2.rows[10]] == ["行政处罚", "９", "增 ２", "１３"]
    # The 2019 (八)/(九) blocks printed with a blank fourth cell.
    assert cell(t2, 14, 3) == ("", False) and cell(t2, 17, 2) == ("１２.６", False)
    # A vertical header typed one character per line.
    assert cell(t3, 5, 0) == ("\n".join("三、本年度办理结果"), False)
    assert cell(t3, 6, 0)[1] and len(t3.rows) == 26
    assert [c.text for c in t3.rows[3][3:]] == ["５", "１", "０", "０", "０", "０", "６"]
    assert len(t4.rows) == 4 and t4.rows[3][14].text == "０"


# --- Traditional Chinese, BOM --------------------------------------------------------------------

def test_traditional_page() -> None:
    doc = load("traditional.html")
    assert doc.meta["script"] == "traditional" and doc.meta["encoding"] == "utf-8"
    paras = texts(doc)
    assert paras[0] == "云溪縣文化旅遊局2021年政府信息公開工作年度報告"
    assert paras[1] == "發佈時間：2022-01-28"
    assert "一、總體情況" in paras  # kept as printed
    t2 = doc.tables()[0]
    assert cell(t2, 1, 1) == ("本年制發件數", False)
    text = doc.text()
    for chrome in ("首頁", "互動交流", "›", "相關報告", "版權所有", "2020年政府信息"):
        assert chrome not in text, chrome


def test_bom_page_despite_gb2312_declaration() -> None:
    doc = load("bom_utf8.html")
    assert doc.meta["encoding"] == "utf-8"
    assert texts(doc)[0] == "云溪县档案馆2021年政府信息公开工作年度报告"
    assert "\ufeff" not in doc.text() and doc.title == "云溪县档案馆2021年政府信息公开工作年度报告"
    (t4,) = doc.tables()
    assert len(t4.rows) == 4 and len(t4.rows[0]) == 15


# --- markup cases --------------------------------------------------------------------------------

def test_layout_table_cell_text_around_a_data_table() -> None:
    data = html("""<table width="100%"><tr><td>
      <p>一、总体情况</p>前言文字<br>第二行
      <table border=1><tr><td>行政复议</td><td colspan=2>行政诉讼</td></tr>
        <tr><td>1</td><td>2</td><td>3</td></tr></table>
      结尾文字</td></tr></table>""")
    doc = read_html(data, "t.html")
    kinds = [b.text if isinstance(b, Paragraph) else [[c.text for c in r] for r in b.rows] for b in doc.blocks]
    assert kinds == ["一、总体情况", "前言文字", "第二行",
                     [["行政复议", "行政诉讼", "行政诉讼"], ["1", "2", "3"]], "结尾文字"]


def test_spacer_rows_dropped_but_blank_printed_rows_kept() -> None:
    data = html("""<p>四、政府信息公开行政复议、行政诉讼情况</p><table border=1>
      <tr><td>结果维持</td><td>总计</td></tr>
      <tr><td>&nbsp;</td><td><p>&nbsp;</p></td></tr>
      <tr><td></td><td></td></tr>
      <tr height=0><td width=40 style='border:none'></td><td width=40 style='border:none'></td></tr>
      <tr style="height:0pt"><td>&nbsp;</td><td></td></tr>
      <tr><td style='border:none'></td><td style='border:none'></td></tr>
    </table>""")
    (table,) = read_html(data, "t.html").tables()
    assert [[c.text for c in row] for row in table.rows] == [["结果维持", "总计"], ["", ""], ["", ""]]


def test_spans_are_clipped_and_tolerant() -> None:
    data = html("""<p>三、收到和处理政府信息公开申请情况</p><table>
      <tr><td rowspan="9">a</td><td colspan="2px">b</td><td colspan=x>c</td></tr>
      <tr><td>d</td><td rowspan=0>e</td></tr>
      <tr><td>f</td></tr>
    </table>""")
    (table,) = read_html(data, "t.html").tables()
    grid = [[(c.text, c.spanned) for c in row] for row in table.rows]
    assert grid == [
        [("a", False), ("b", False), ("b", True), ("c", False)],
        [("a", True), ("d", False), ("e", False), ("", False)],
        [("a", True), ("f", False), ("e", True), ("", False)],
    ]


def test_hidden_cells_and_elements_are_not_text() -> None:
    data = html("""<div class="content"><p>一、总体情况</p><p hidden>隐藏一</p>
      <span style="DISPLAY: none">隐藏二</span><noscript>请启用脚本</noscript>
      <table border=1><tr><td>规章</td><td style="display:none">隐藏三</td><td>0</td></tr>
      <tr><td>行政规范性文件</td><td>1</td></tr></table></div>""")
    doc = read_html(data, "t.html")
    assert "隐藏" not in doc.text() and "脚本" not in doc.text()
    assert [[c.text for c in row] for row in doc.tables()[0].rows] == [["规章", "0"], ["行政规范性文件", "1"]]


def test_aspnet_form_wrapping_the_page_is_not_chrome() -> None:
    data = html("""<form id="form1" method="post" action="./show.aspx?id=3"><input type=hidden name="__VIEWSTATE" value="x">
      <div class="nav"><a href="/">首页</a></div>
      <div id="zoom"><p>一、总体情况</p><p>本年度主动公开信息20条。</p><p>五、存在的主要问题及改进情况</p></div>
      </form><footer>版权所有</footer>""")
    assert texts(read_html(data, "t.html")) == ["一、总体情况", "本年度主动公开信息20条。", "五、存在的主要问题及改进情况"]


def test_chrome_inside_the_article_is_dropped() -> None:
    data = html("""<article><header><h1>某局2021年政府信息公开工作年度报告</h1></header>
      <p>一、总体情况</p><nav>上一篇 下一篇</nav><p>二、主动公开政府信息情况</p>
      <form><select><option>年份</option></select><button>查询</button></form>
      <p>【打印本页】 【关闭窗口】</p><p>字号：大 中 小</p><p>中</p></article>""")
    assert texts(read_html(data, "t.html")) == ["某局2021年政府信息公开工作年度报告", "一、总体情况",
                                               "二、主动公开政府信息情况", "中"]


def test_page_without_report_markers_keeps_its_main_text() -> None:
    data = html("""<div class="top"><a href="/">首页</a> <a href="/a">新闻</a> <a href="/b">公告</a></div>
      <div class="main"><div class="crumb">首页 &gt; 通知</div>
        <div class="body"><p>关于做好春节期间安全生产工作的通知。</p><p>各单位要高度重视，认真落实安全生产责任制，
        切实加强值班值守，确保节日期间安全稳定。</p><p>请各单位于1月20日前报送排查情况。</p></div></div>
      <div class="foot">版权所有 某某市人民政府</div>""")
    paras = texts(read_html(data, "t.html"))
    assert paras[0] == "关于做好春节期间安全生产工作的通知。" and len(paras) == 3
    assert "各单位要高度重视，认真落实安全生产责任制，切实加强值班值守" in paras[1]


def test_pre_lines_and_caption() -> None:
    data = html("""<div><p>一、总体情况</p><pre>第一行
第二行</pre><table border=1><caption>表一 主动公开</caption>
      <tr><td>规章</td><td>0</td></tr><tr><td>行政规范性文件</td><td>2</td></tr></table></div>""")
    doc = read_html(data, "t.html")
    assert texts(doc) == ["一、总体情况", "第一行", "第二行", "表一 主动公开"]
    assert isinstance(doc.blocks[-1], Table)


def test_meta_date_variants() -> None:
    for head, expected in [
        ('<meta name="firstpublishedtime" content="2021-01-25-10:15:30">', "2021-01-25-10:15:30"),
        ('<meta name="publishdate" content=" 2020-01-31 ">', "2020-01-31"),
        ('<meta property="article:published_time" content="2022-03-01T08:00:00+08:00">', "2022-03-01T08:00:00+08:00"),
    ]:
        doc = read_html(html("<p>一、总体情况</p>", head), "t.html")
        assert doc.meta["published"] == expected


def test_xml_declared_xhtml() -> None:
    data = ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
            '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html xmlns="http://www.w3.org/1999/xhtml">'
            '<head><title>报告</title></head><body><p>一、总体情况</p>\n<p>正文</p></body></html>').encode()
    doc = read_html(data, "t.xhtml")
    assert texts(doc) == ["一、总体情况", "正文"] and doc.paragraphs()[1].source.line == 4


# --- errors ---------------------------------------------------------------------------------------

def problem(data: bytes) -> str:
    with pytest.raises(ReadError) as err:
        read_html(data, "bad.html")
    assert err.value.name == "bad.html"
    return err.value.problem


def test_errors() -> None:
    assert problem(b"") == EMPTY
    assert problem("一、总体情况\n本年度共收到申请3件。\n".encode()) == NOT_HTML
    assert "PDF" in problem(b"%PDF-1.4\n%\xc7\xec\x8f\xa2\n")
    assert problem(b"<html><head><title>x</title></head><body>  </body></html>") == NO_TEXT
    assert problem(html('<script>var a = "一、总体情况";</script><div style="display:none">隐藏</div>')) == NO_TEXT
    assert problem(b'<!DOCTYPE html><html><head><meta charset="utf-8"><title>\xe6\x8a\xa5\xe5\x91\x8a</title>'
                   b'<script>var x = "') == TRUNCATED
    assert problem(b"<!DOCTYPE html><html><head><meta charset='utf-8'><sty") == TRUNCATED


def test_truncated_page_with_text_is_read() -> None:
    doc = read_html("<html><body><p>一、总体情况</p><table><tr><td>规章</td><td>0</td></tr><tr><td>行政".encode(),
                    "cut.html")
    assert texts(doc)[0] == "一、总体情况"
    assert [[c.text for c in row] for row in doc.tables()[0].rows] == [["规章", "0"], ["行政", ""]]


_TOKENS = st.sampled_from(list("<>/=\"' &;#!-?abdiprtlhyx\n一二总体情况、0１") +
                         ["<table>", "<tr>", "<td rowspan=3>", "<td colspan=99>", "</td>", "<p>", "<br>",
                          "<div>", "</div>", "<!--", "-->", "<![if x]>", "<script>", "<style>", "&nbsp;",
                          "<o:p>", "<?xml ?>", "<td rowspan=0>", "<th colspan=\"2\">"])


@settings(max_examples=120, deadline=None)
@given(st.lists(_TOKENS, max_size=60).map("".join))
def test_any_markup_reads_or_raises_read_error(body: str) -> None:
    try:
        doc = read_html(("<html><body>" + body).encode(), "fuzz.html")
    except ReadError:
        return
    assert doc.blocks
    for table in doc.tables():
        assert len({len(row) for row in table.rows}) == 1
        assert all(isinstance(c, GridCell) for row in table.rows for c in row)


def test_info_table_between_title_and_report_becomes_paragraphs() -> None:
    data = html("""<div class="art"><h2>某局2021年政府信息公开工作年度报告</h2>
      <table class="xxgk"><tr><td>索引号：</td><td>000/2022-1</td><td>发布日期：</td><td>2022-01-20</td></tr>
      <tr><td>标题：</td><td colspan=3>某局2021年政府信息公开工作年度报告</td></tr></table>
      <div id="zoom"><p>一、总体情况</p><table border=1><tr><td>规章</td><td>0</td></tr>
      <tr><td>行政规范性文件</td><td>1</td></tr></table></div></div>""")
    doc = read_html(data, "t.html")
    assert texts(doc) == ["某局2021年政府信息公开工作年度报告", "索引号： 000/2022-1 发布日期： 2022-01-20",
                          "标题： 某局2021年政府信息公开工作年度报告", "一、总体情况"]
    assert len(doc.tables()) == 1 and doc.paragraphs()[1].source.path.endswith("/table[1]/tr[1]/td[1]")


def test_absurd_spans_do_not_explode() -> None:
    rows = "".join("<tr>" + '<td colspan="1000" rowspan="1000">x</td>' * 20 + "</tr>" for _ in range(20))
    doc = read_html(html(f"<p>一、总体情况</p><table>{rows}</table>"), "t.html")
    assert not doc.tables() and "x" in texts(doc)


def test_table_keys_are_their_own_folded_form() -> None:
    """The article choice looks for a table's keys in its printed text before folding it: a key
    printed as it is must then show in the folded text too."""
    from xxgk.readers.html import _TABLE_KEYS
    from xxgk.textnorm import fold

    assert all(fold(k) == k for k in _TABLE_KEYS)


@pytest.mark.parametrize("name", ["word_2019.html", "traditional.html"])
def test_utf8_bytes_and_decoded_text_read_alike(name: str) -> None:
    """UTF-8 pages are parsed from their bytes; with a BOM (or characters to clean) from the
    decoded text. Both give the same blocks and sources."""
    import codecs

    data = (FIXTURES / name).read_bytes()
    plain = read_html(data, name)
    with_bom = read_html(codecs.BOM_UTF8 + data, name)
    with_control = read_html(data.replace(b"</title>", b"\x01</title>", 1), name)

    def shape(doc: Document) -> list:
        return [(b.text, b.source) if isinstance(b, Paragraph)
                else [[(c.text, c.source, c.spanned) for c in row] for row in b.rows]
                for b in doc.blocks]

    assert shape(plain) == shape(with_bom) == shape(with_control)


def test_cell_of_one_paragraph_and_its_variants() -> None:
    """Word's <td><p>…</p></td> is read by a shortcut; text beside the paragraph, structure inside
    it, a hidden or a preformatted paragraph take the general way. Both give a cell's lines."""
    cells = ["<td>前<p>一</p></td>", "<td><p>一</p>后</td>", "<td><p>一<br>二</p></td>",
             "<td><pre>甲\n乙</pre></td>", "<td><p hidden>藏</p></td>", "<td>\n <p>一\n二</p>\n</td>",
             "<td><p></p></td>", "<td><span>三</span></td>", "<td><p>四</p><p>五</p></td>",
             "<td><div><p>六</p></div></td>", "<td><p><a href='#'>七</a></p></td>"]
    rows = "".join(f"<tr><td>标签{i}</td>{c}</tr>" for i, c in enumerate(cells))
    doc = read_html(html(f"<p>一、总体情况</p><table border=1>{rows}</table>"), "t.html")
    assert [row[1].text for row in doc.tables()[0].rows] == [
        "前\n一", "一\n后", "一\n二", "甲\n乙", "", "一二", "", "三", "四\n五", "六", "七"]


def test_control_characters_of_a_gbk_page_are_removed() -> None:
    """Control bytes are found in the page's bytes (GBK's two-byte characters never hold one)."""
    page = ("<html><head><meta charset=gbk></head><body><p>一、总体情况</p>"
            "<table border=1><tr><td>规章\x07</td><td>1\x1f2</td></tr><tr><td>行政规范性文件</td>"
            "<td>3</td></tr></table></body></html>").encode("gbk")
    doc = read_html(page, "t.html")
    assert doc.meta["encoding"] == "gb18030"
    assert [[c.text for c in row] for row in doc.tables()[0].rows] == [["规章", "12"], ["行政规范性文件", "3"]]


_MIXED = "".join(sorted(set("開關處請據機構監護實與國類復審結維糾於為來報書條項數發廢現規範許強費員"
                            "开关处请据机构监护实与国类复审结维纠于为来报书条项数发废现规范许强费员"
                            "政府信息公开年度报告 0123４５６，。、（）ABC\n\t")))


@given(st.text(alphabet=_MIXED, max_size=300))
@settings(max_examples=200, deadline=None)
def test_traditional_count_is_the_positions_simplify_changes(text: str) -> None:
    """The Traditional-page test counts `traditional_chars` instead of comparing the text with
    its `simplify`d form: the same number."""
    from xxgk.textnorm import simplify, traditional_chars

    changing = traditional_chars()
    assert sum(ch in changing for ch in text) == sum(a != b for a, b in zip(text, simplify(text)))
    assert len(simplify(text)) == len(text)


def test_grid_rows_under_rowspans_colspans_and_paths() -> None:
    """Rows below a label column's rowspan take the positions after it; a cell from above in the
    middle of a row leaves a hole its row's cells go around; a colspan at a row's end; <th>
    cells and a hidden row count in the element paths (rows' paths are made from their parent's)."""
    data = html("""<p>三、收到和处理政府信息公开申请情况</p><table border=1><tbody>
      <tr><th rowspan=3>甲</th><td>1</td><td rowspan=2>2</td><td>3</td></tr>
      <tr style="display:none"><td>藏</td></tr>
      <tr><td>4</td><td>5</td></tr>
      <tr><td>6</td><td colspan=3>7</td></tr>
      <tr><td>8</td><th>9</th><td>10</td><td>11</td></tr>
    </tbody><tr><td>12</td><td>13</td><td>14</td><td colspan="2">15</td></tr></table>""")
    (table,) = read_html(data, "t.html").tables()
    grid = [[(c.text, c.spanned, c.source.path.rsplit("/", 2)[-2:]) for c in row] for row in table.rows]
    assert grid == [
        [("甲", False, ["tr[1]", "th[1]"]), ("1", False, ["tr[1]", "td[1]"]),
         ("2", False, ["tr[1]", "td[2]"]), ("3", False, ["tr[1]", "td[3]"]), ("", False, ["tbody[1]", "tr[1]"])],
        [("甲", True, ["tr[1]", "th[1]"]), ("4", False, ["tr[3]", "td[1]"]),
         ("2", True, ["tr[1]", "td[2]"]), ("5", False, ["tr[3]", "td[2]"]), ("", False, ["tbody[1]", "tr[3]"])],
        [("甲", True, ["tr[1]", "th[1]"]), ("6", False, ["tr[4]", "td[1]"]),
         ("7", False, ["tr[4]", "td[2]"]), ("7", True, ["tr[4]", "td[2]"]), ("7", True, ["tr[4]", "td[2]"])],
        [("8", False, ["tr[5]", "td[1]"]), ("9", False, ["tr[5]", "th[1]"]),
         ("10", False, ["tr[5]", "td[2]"]), ("11", False, ["tr[5]", "td[3]"]), ("", False, ["tbody[1]", "tr[5]"])],
        [("12", False, ["tr[1]", "td[1]"]), ("13", False, ["tr[1]", "td[2]"]),
         ("14", False, ["tr[1]", "td[3]"]), ("15", False, ["tr[1]", "td[4]"]), ("15", True, ["tr[1]", "td[4]"])],
    ]
    assert table.rows[4][0].source.path.endswith("/table[1]/tr[1]/td[1]")
    assert table.rows[0][0].source.path.endswith("/table[1]/tbody[1]/tr[1]/th[1]")


@pytest.mark.parametrize("style", ["visibility:hidden", "VISIBILITY : Hidden", "mso-hide:all",
                                   "Display:None"])
def test_every_hiding_style_is_found_by_the_byte_scan(style: str) -> None:
    """The page's bytes are searched for "hid" and "display" only: every hiding style (and the
    `hidden` attribute) holds one of them, in any case."""
    data = html(f"""<p>一、总体情况</p><p>本年度主动公开信息20条。</p>
      <p style="{style}">藏起来的话</p><span style='color:red;{style}'>也藏</span>""")
    assert texts(read_html(data, "t.html")) == ["一、总体情况", "本年度主动公开信息20条。"]


# --- Word pages read faster: repeated start tags made bare, tables' inline markup stripped ---


def read_unoptimised(data: bytes, name: str = "t.html") -> Document:
    """The page read without either shortcut (`bare`: repeated start tags without attributes for
    libxml2; `strip`: grid tables without their inline markup): the reference they must equal."""
    from xxgk.readers import html as reader
    from xxgk.readers.encoding import decode

    text, encoding = decode(data, name)
    bad_chars, may_hide = reader._scan_bytes(data, encoding)  # as `read_html` decides them
    return reader._read(text, encoding, name, may_hide, bad_chars, strip=False)


@functools.lru_cache(maxsize=None)
def word_page(i: int) -> str:
    import random

    from xxgk import synth
    from xxgk.readers.encoding import decode

    edition = ("2019", "2021")[i % 2]
    report = synth.random_report(random.Random(f"bare:{i}"), edition)
    rendered = synth.render(report, "html_word", random.Random(f"bare:{i}:html_word"))
    return decode(synth.as_bytes(rendered), "t.html")[0]


CELL_P = "<p class=MsoNormal align=center style='text-align:center'>"
WORD_VARIANTS = {
    "as_exported": lambda s: s,
    # Attributes wrapped over lines (Word wraps at ~80 columns): line numbers must not move.
    "wrapped": lambda s: s.replace("border:solid windowtext 1.0pt;", "border:solid windowtext 1.0pt;\n  ")
                          .replace("align=center style=", "align=center\nstyle="),
    "crlf": lambda s: s.replace("\n", "\r\n"),
    # Tags that must keep their attributes, or whose end libxml2 sees elsewhere.
    "self_closing": lambda s: s.replace(CELL_P, CELL_P[:-1] + "/>"),
    "quoted_gt": lambda s: s.replace(CELL_P, "<p class=MsoNormal title='a>b' style='text-align:center'>"),
    "spacer_style": lambda s: s.replace("valign=center style='", "valign=center style='border:none;"),
    "rowspans": lambda s: s.replace("valign=center", "rowspan=1 valign=center"),
    "hidden_style": lambda s: s.replace(CELL_P, "<p class=MsoNormal style='text-align:center;display:none'>", 40),
    "hidden_by_reference": lambda s: s.replace(CELL_P, "<p class=MsoNormal style='disp&#108;ay:none'>", 40),
    # The repeated tag also as text: a <meta> content, raw text (<xmp>), the <title>.
    "meta_content": lambda s: s.replace("</head>", f'<meta name="SiteName" content="{CELL_P}站点"></head>'),
    "xmp": lambda s: s.replace("</table>", f"</table><xmp>{CELL_P}说明</xmp>", 1),
    "title": lambda s: s.replace("<title>", f"<title>{CELL_P}"),
    # Inline markup that stripping would change: hidden spans, empty spans in spacer-like rows,
    # prose cells (the table is then read as text), markup wrapping blocks and line breaks.
    "hidden_span": lambda s: s.replace(CELL_P, CELL_P + "<span style='display:none'>藏</span>", 9),
    "empty_span_row": lambda s: s.replace("</table>", "<tr><td style='border:none'><span></span></td>"
                                          "<td style='border:none'><font></font></td></tr></table>", 1),
    "prose_cell": lambda s: s.replace(CELL_P, CELL_P + "很长的说明文字" * 40, 1),
    "span_around_blocks": lambda s: s.replace(CELL_P, "<span\nlang=EN-US>" + CELL_P, 9),
    "line_breaks": lambda s: s.replace(CELL_P, CELL_P + "甲<br>乙", 5),
}


@pytest.mark.parametrize("variant", sorted(WORD_VARIANTS))
@pytest.mark.parametrize("i", [0, 1])
def test_word_page_shortcuts_read_as_the_unoptimised_reader(variant: str, i: int) -> None:
    """Every paragraph, cell, `spanned` flag, line, path, title and meta value is the same."""
    import re

    page = WORD_VARIANTS[variant](word_page(i))
    for encoding in ("utf-8", "gb18030"):
        data = re.sub(r"charset=[\w-]+", f"charset={encoding}", page).encode(encoding)
        assert repr(read_html(data, "t.html")) == repr(read_unoptimised(data))


def test_repeated_cell_tags_are_made_bare_with_their_line_breaks() -> None:
    import re

    from xxgk.readers.html import _bare_repeated_tags, _bare_safe

    data = WORD_VARIANTS["wrapped"](word_page(0)).encode("utf-8")  # (charset as declared: unread here)
    bare = _bare_repeated_tags(data)
    assert len(bare) < 0.8 * len(data)  # the cells' <td …> and <p …> lost their attributes
    assert bare.count(b"\n") == data.count(b"\n")
    assert re.search(rb"<td\n+>", bare) and re.search(rb"<p\n+>", bare)
    assert _bare_safe(b"<td width=62 valign=top style='width:46.5pt;border-top:none'>")
    for kept in (b"<td colspan=2 style='x'>", b"<td ROWSPAN=3>", b"<td style='BORDER: none'>",
                 b"<p style='Display:None'>", b"<p hidden class=x>", b"<p style='mso-hide:all'>",
                 b"<p title='a>", b"<p class=x />", b"<td style='height:0'>",
                 b"<p style='disp&#108;ay:none'>", "<td style='border:\u3000none'>".encode(),
                 "<td style='border:\xa0none'>".encode("gb18030"), b"<td class=\x01x>"):
        assert not _bare_safe(kept), kept


def test_table_stripped_then_read_as_text_reads_the_page_again() -> None:
    """A table of two rows and columns whose cell holds prose is layout: its paragraphs' lines
    come from the markup stripping would have removed."""
    rows = "".join(f"<tr><td><span\nlang=EN-US>第{k}行</span></td><td><font\nface=x>值{k}</font></td></tr>"
                   for k in range(3))
    data = html(f"""<h2>一、总体情况</h2>
      <table><tr><td><span\nstyle='x'>{"很长的说明文字" * 40}</span></td><td>x</td></tr>{rows}</table>""")
    doc = read_html(data, "t.html")
    assert repr(doc) == repr(read_unoptimised(data))
    assert not doc.tables()


def test_blank_text_before_a_line_and_a_table_inside_a_table() -> None:
    """Blank text and blank inline elements before a line's first letter leave its text and
    source line alone; of two tables side by side, the one holding a table is read as text."""
    data = html("""<p>一、总体情况</p>
<div>
  <span> </span>
  第一段文字<b>加粗</b></div>
<div>\n <a href="#"> </a>\n <a href="#">链接</a>之后</div>
<pre>
  \n  甲行\n\n乙行</pre>
<p>二、主动公开政府信息情况</p>
<table><tr><td>第二十条</td><td>1</td></tr><tr><td>规章</td><td>2</td></tr></table>
<table><tr><td>说明<table><tr><td>本年新收</td><td>3</td></tr><tr><td>上年结转</td><td>4</td></tr></table></td>
<td>外</td></tr><tr><td>行</td><td>列</td></tr></table>""")
    doc = read_html(data, "t.html")
    assert [(p.text, p.source.line) for p in doc.paragraphs()] == [
        ("一、总体情况", 2), ("第一段文字加粗", 5), ("链接之后", 8), ("甲行", 11), ("乙行", 13),
        ("二、主动公开政府信息情况", 14), ("说明", 16), ("外", 17), ("行", 17), ("列", 17)]
    first, inner = doc.tables()
    assert [[c.text for c in row] for row in first.rows] == [["第二十条", "1"], ["规章", "2"]]
    assert [[c.text for c in row] for row in inner.rows] == [["本年新收", "3"], ["上年结转", "4"]]
    assert inner.source.path == "/html/body/table[2]/tr[1]/td[1]/table[1]"


def test_section_heading_markers() -> None:
    from xxgk.readers.html import _is_marker

    for heading in ("⼀、總體情況", "（四）存在的主要问题", "四、存在的主要问题", "2. 主动公开"):
        assert _is_marker(Paragraph(heading, Source(1))), heading
    for other in ("發佈時間：2020-03-06", "政府信息公开工作年度报告", "一年来，我们做了工作"):
        assert not _is_marker(Paragraph(other, Source(1))), other
