"""XLSX → Document: sheets as paragraphs and grids, linked sheets in place, merged cells, formulas
(cached results first, else evaluated; never guessed), and bad workbooks."""

from __future__ import annotations

import io
import re
import zipfile

import openpyxl
import pytest
from openpyxl.worksheet.hyperlink import Hyperlink

from xxgk.document import Paragraph, Table
from xxgk.errors import ReadError
from xxgk.parse import parse_document
from xxgk.readers import read_bytes
from xxgk.readers.xlsx import is_workbook, read_xlsx
from xxgk.readers.xlsx_formula import Ref, Unsupported, evaluate


def save(wb: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def link(cell, sheet: str) -> None:
    cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!A1")


def report_workbook(t4_total: str | int = "=SUM(A4:D4)") -> openpyxl.Workbook:
    """A small report: narrative on the first sheet, 表四 on its own sheet, linked in place."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "正文"
    lines = ["某某县统计局2022年政府信息公开工作年度报告", "一、总体情况", "2022年，我局认真落实《条例》。",
             "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
             "见表四", "五、存在的主要问题及改进情况", "六、其他需要报告的事项", "某某县统计局"]
    for i, text in enumerate(lines, start=1):
        ws.cell(i, 1, text)
    link(ws["A7"], "表四")
    ws.cell(len(lines) + 1, 1).value = __import__("datetime").date(2023, 1, 20)
    t4 = wb.create_sheet("表四")
    t4["A1"], t4["F1"] = "行政复议", "行政诉讼"
    t4.merge_cells("A1:E1")
    t4.merge_cells("F1:O1")
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for j, text in enumerate(heads, start=1):
        t4.cell(2, j, text)
        t4.merge_cells(start_row=2, start_column=j, end_row=3, end_column=j)
    t4["F2"], t4["K2"] = "未经复议直接起诉", "复议后起诉"
    t4.merge_cells("F2:J2")
    t4.merge_cells("K2:O2")
    for j, text in enumerate(heads * 2, start=6):
        t4.cell(3, j, text)
    for j in range(1, 16):
        t4.cell(4, j, 0)
    t4["A4"], t4["B4"] = 2, 1
    t4["E4"] = t4_total
    hidden = wb.create_sheet("备注")
    hidden["A1"], hidden["B1"] = "内部备注", 99
    hidden.sheet_state = "hidden"
    return wb


def test_dispatch_and_blocks_in_report_order() -> None:
    data = save(report_workbook())
    assert is_workbook(data)
    doc = read_bytes(data, "r.xlsx")
    assert doc.form == "xlsx"
    kinds = [type(b).__name__ for b in doc.blocks]
    # the link row "见表四" is replaced by the sheet it links to; the hidden sheet is not read
    assert kinds == ["Paragraph"] * 6 + ["Table"] + ["Paragraph"] * 4
    paragraphs = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert "见表四" not in paragraphs and "内部备注" not in paragraphs
    assert paragraphs[-1] == "2023年1月20日"
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.columns_aligned and table.blanks_reliable
    assert [c.text for c in table.rows[0][:6]] == ["行政复议"] * 5 + ["行政诉讼"]
    assert [c.spanned for c in table.rows[0][:6]] == [False, True, True, True, True, False]
    assert table.rows[2][0].spanned and table.rows[2][0].text == "结果维持"
    assert table.rows[3][4].text == "3" and table.rows[3][4].source.path == "表四!E4"


def test_parsed_report_from_a_workbook() -> None:
    report = parse_document(read_xlsx(save(report_workbook()), "r.xlsx"))
    assert (report.agency, report.year) == ("某某县统计局", 2022)
    assert report.published is not None and report.published.isoformat() == "2023-01-20"
    assert [report.value(f"t4.review.{c}") for c in ("upheld", "corrected", "total")] == [2, 1, 3]


def test_a_note_beside_the_narrative_keeps_it_paragraphs() -> None:
    wb = report_workbook()
    wb["正文"]["B3"] = "（待核实）"
    doc = read_xlsx(save(wb), "r.xlsx")
    texts = [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert texts[1:4] == ["一、总体情况", "2022年，我局认真落实《条例》。", "（待核实）"]
    assert parse_document(doc).value("t4.review.total") == 3


def test_unlinked_sheets_follow_at_the_end() -> None:
    wb = report_workbook()
    wb["正文"]["A7"].hyperlink = None
    doc = read_xlsx(save(wb), "r.xlsx")
    assert isinstance(doc.blocks[-1], Table)
    assert any(isinstance(b, Paragraph) and b.text == "见表四" for b in doc.blocks)


def _with_cached(data: bytes, sheet_xml: str, cell: str, value: str) -> bytes:
    """What Excel saves: the formula's last result stored next to it."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == sheet_xml:
                text = body.decode("utf-8")
                text, n = re.subn(rf'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)(<v\s*/>|<v></v>)?',
                                  rf"\g<1>\g<2><v>{value}</v>", text)
                assert n == 1
                body = text.encode("utf-8")
            dst.writestr(info, body)
    return out.getvalue()


def test_formulas_without_results_are_evaluated_and_cached_results_win() -> None:
    data = save(report_workbook())
    report = parse_document(read_xlsx(data, "r.xlsx"))
    assert report.value("t4.review.total") == 3  # evaluated: openpyxl stores no result
    cached = _with_cached(data, "xl/worksheets/sheet2.xml", "E4", "7")
    report = parse_document(read_xlsx(cached, "r.xlsx"))
    assert report.value("t4.review.total") == 7  # what the saving application computed


def test_a_formula_that_cannot_be_evaluated_keeps_its_text_never_a_number() -> None:
    doc = read_xlsx(save(report_workbook("=VLOOKUP(A4,Z1:Z9,1)")), "r.xlsx")
    table = next(b for b in doc.blocks if isinstance(b, Table))
    assert table.rows[3][4].text == "=VLOOKUP(A4,Z1:Z9,1)"


def test_formula_evaluator() -> None:
    cells = {("S", 1, 1): 2.0, ("S", 1, 2): None, ("S", 1, 3): 5.0, ("T", 2, 1): "x",
             ("S", 2, 1): "=A1*2"}

    def lookup(ref: Ref):
        v = cells.get((ref.sheet, ref.row, ref.col))
        if isinstance(v, str) and v.startswith("="):
            return evaluate(v, ref.sheet, lookup)
        return v

    assert evaluate("=SUM(A1:C1)", "S", lookup) == 7
    assert evaluate('=IF(COUNT(B1)=0,"",SUM(B1))', "S", lookup) == ""
    assert evaluate("=N(B1)+N('T'!A2)+A2", "S", lookup) == 4
    assert evaluate("=ABS(A1-C1)>0.5", "S", lookup) is True
    assert evaluate('=T!A2&"y"', "S", lookup) == "xy"
    assert evaluate("=MAX(A1:C1)-MIN(A1,C1)+ROUND(2.345,2)", "S", lookup) == pytest.approx(5.35)
    for bad in ("=FOO(A1)", "=A1/0", "=SUM(A1", '="a"+1', "=A1:C1"):
        with pytest.raises(Unsupported):
            evaluate(bad, "S", lookup)


def test_bad_workbooks_are_one_line_errors() -> None:
    data = save(report_workbook())
    with pytest.raises(ReadError):
        read_bytes(data[: len(data) // 2], "cut.xlsx")
    empty = openpyxl.Workbook()
    with pytest.raises(ReadError, match="没有内容"):
        read_xlsx(save(empty), "empty.xlsx")
    out = io.BytesIO()  # a ZIP with a workbook part that is not XML
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "not xml")
    with pytest.raises(ReadError, match="XLSX"):
        read_bytes(out.getvalue(), "broken.xlsx")
