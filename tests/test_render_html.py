"""The HTML writer: a page to paste into a portal CMS — semantic tables in the official layout,
accessible headers, nothing external, nothing executable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from xxgk.load import load_report
from xxgk.readers.html import read_html
from xxgk.render.html import render_html
from xxgk.render.layout import table_layout

FIXTURE = Path(__file__).parent / "fixtures" / "render" / "jiamusi_2022.json"


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(load_report(FIXTURE))


def test_no_scripts_no_external_assets(page: str) -> None:
    tree = lxml_html.fromstring(page)
    assert not tree.xpath("//script | //iframe | //object | //embed | //link | //img")
    assert not re.search(r"\bon[a-z]+\s*=", page)  # no event handlers
    assert not re.search(r"(?:src|href)\s*=", page)
    assert "url(" not in page and "@import" not in page


def test_document_outline(page: str) -> None:
    tree = lxml_html.fromstring(page)
    assert tree.get("lang") == "zh-CN"
    assert tree.xpath("string(//h1)") == "佳木斯市人民政府2022年政府信息公开工作年度报告"
    assert [h.text for h in tree.xpath("//h2")] == [
        "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    assert tree.xpath("//h3")[0].text == "（一）主动公开"
    assert tree.xpath("string(//p[@class='signature']/time/@datetime)") == "2023-03-13"


def test_tables_semantic_with_spans_and_header_references(page: str) -> None:
    tree = lxml_html.fromstring(page)
    tables = tree.xpath("//table")
    assert len(tables) == 3
    t3 = tables[1]
    assert len(t3.xpath("thead/tr")) == 3 and t3.get("aria-label").startswith("表三")
    assert t3.xpath("string(thead/tr[1]/td[1]/@rowspan)") == "3"
    assert t3.xpath("string(thead/tr[1]/th[1]/@colspan)") == "7"
    layout = table_layout("2021", "t3")
    spans = [(c.get("rowspan", "1"), c.get("colspan", "1")) for c in t3.xpath(".//th | .//td")]
    assert spans == [(str(c.rowspan), str(c.colspan)) for row in layout.rows for c in row]
    ids = {e.get("id"): e.text_content() for e in tree.xpath("//*[@id]")}
    cell = t3.xpath("tbody/tr[1]/td[1]")[0]  # 一、本年新收 · 自然人
    assert [ids[i] for i in cell.get("headers").split()] == [
        "申请人情况", "自然人", "一、本年新收政府信息公开申请数量"]
    assert all(th.get("scope") in ("col", "colgroup", "row", "rowgroup") for th in tree.xpath("//th"))
    assert len(tables[0].xpath("tbody")) == 4  # one body per 第二十条 block (2021: four)


def test_reads_back_as_aligned_grids(page: str) -> None:
    doc = read_html(page.encode("utf-8"), "r.html")
    assert [len(t.rows[0]) for t in doc.tables()] == [4, 10, 15]
