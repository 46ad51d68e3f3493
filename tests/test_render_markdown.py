"""The Markdown writer: headings and pipe tables over the official grid, for review and diffs."""

from __future__ import annotations

from pathlib import Path

from xxgk.load import load_report
from xxgk.model import Cell, Report, Section
from xxgk.parse import parse_document
from xxgk.readers import read_bytes
from xxgk.render.markdown import render_markdown

FIXTURE = Path(__file__).parent / "fixtures" / "render" / "jiamusi_2022.json"


def test_headings_and_tables() -> None:
    text = render_markdown(load_report(FIXTURE))
    lines = text.splitlines()
    assert lines[0] == "# 佳木斯市人民政府2022年政府信息公开工作年度报告"
    assert "## 三、收到和处理政府信息公开申请情况" in lines and "### （一）主动公开" in lines
    t3 = [ln for ln in lines if ln.startswith("| （本列数据")]
    assert len(t3) == 1 and t3[0].count("|") == 11  # ten grid columns
    row = next(ln for ln in lines if ln.startswith("| 一、本年新收"))
    assert row == "| 一、本年新收政府信息公开申请数量 |  |  | 1389 | 34 | 0 | 2 | 15 | 16 | 1456 |"
    assert lines[-2:] == ["", "2023年3月13日"] and lines[-3] == "佳木斯市人民政府"


def test_every_row_has_one_cell_per_column_and_text_is_escaped() -> None:
    report = Report("2019", 2020, "某某县统计局", cells={
        "t2.art20_5.licensing.delta_items": Cell(-3), "t3.new_received.total": Cell(None, "—")},
        sections=[Section("overview", 1, "一、总体情况", "# 不是标题\n| 不是表格 |")])
    text = render_markdown(report)
    assert "\\# 不是标题" in text and "\\| 不是表格 \\|" in text
    assert "| 行政许可 |  | -3 |  |" in text
    tables = [ln for ln in text.splitlines() if ln.startswith("|") and not ln.startswith("|---")]
    widths = {ln.count(" | ") + 1 for ln in tables}
    assert widths == {4, 10, 15}
    assert "| — |" in text  # the null mark the report printed
    back = parse_document(read_bytes(text.encode("utf-8"), "r.md"))
    assert back.section("overview").text == "# 不是标题\n| 不是表格 |"  # type: ignore[union-attr]
    assert back.value("t2.art20_5.licensing.delta_items") == -3
