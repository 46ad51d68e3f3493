"""The fillable workbook: sheets in the official layout, formulas for the totals (only where they
reproduce the report), data validation, the H1 alert, and a workbook filled in and read back."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

import consistent
from xxgk import editions
from xxgk.draft import draft
from xxgk.load import load_report
from xxgk.model import Cell
from xxgk.parse import parse_document
from xxgk.readers import read_bytes
from xxgk.render.layout import table_layout
from xxgk.render.xlsx import TABLE_TOP, render_xlsx

ROOT = Path(__file__).parent
FIXTURE = ROOT / "fixtures" / "render" / "jiamusi_2022.json"
BROKEN = ROOT / "fixtures" / "cli" / "broken_total_2020.json"


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def address(edition: str, key: str) -> str:
    table = key.split(".")[0]
    r, c = table_layout(edition, table).locate(key)  # type: ignore[arg-type]
    return f"{openpyxl.utils.get_column_letter(c + 1)}{r + TABLE_TOP}"


def sheet_of(key: str) -> str:
    return {"t2": "表二", "t3": "表三", "t4": "表四"}[key.split(".")[0]]


@pytest.fixture(scope="module")
def wb() -> openpyxl.Workbook:
    return workbook(render_xlsx(load_report(FIXTURE)))


def test_sheets_and_narrative_with_links(wb: openpyxl.Workbook) -> None:
    assert wb.sheetnames == ["正文", "表二", "表三", "表四"]
    rows = [(c.value, c.hyperlink.location if c.hyperlink else None) for (c,) in wb["正文"].iter_rows(max_col=1)]
    texts = [t for t, _ in rows]
    assert texts[0] == "佳木斯市人民政府2022年政府信息公开工作年度报告"
    assert [t for t in texts if t and t[1:2] == "、"][:6] == [s.heading for s in editions.get("2021").sections]
    assert [loc for _, loc in rows if loc] == ["'表二'!A1", "'表三'!A1", "'表四'!A1"]
    assert texts[-2:] == ["佳木斯市人民政府", "2023年3月13日"]


def test_table_sheets_merge_as_the_template(wb: openpyxl.Workbook) -> None:
    for name, table in (("表二", "t2"), ("表三", "t3"), ("表四", "t4")):
        layout = table_layout("2021", table)
        merged = {str(r) for r in wb[name].merged_cells.ranges}
        spans = sum(1 for row in layout.rows for c in row if c.rowspan > 1 or c.colspan > 1)
        assert len(merged) == spans + 1, name  # and the title row across the table
    ws = wb["表三"]
    assert ws["A1"].value == "收到和处理政府信息公开申请情况"
    assert ws["A2"].value.startswith("（本列数据的勾稽关系为") and "A2:C4" in {str(r) for r in ws.merged_cells.ranges}
    assert ws[address("2021", "t3.new_received.natural_person")].value == 1389


def test_totals_are_formulas(wb: openpyxl.Workbook) -> None:
    ws = wb["表三"]
    row_total = ws[address("2021", "t3.granted.total")].value
    first, last = address("2021", "t3.granted.natural_person"), address("2021", "t3.granted.other_org")
    assert row_total == f'=IF(COUNT({first}:{last})=0,"",SUM({first}:{last}))'
    col_total = ws[address("2021", "t3.total_processed.commercial")].value
    top, bottom = address("2021", "t3.granted.commercial"), address("2021", "t3.other_other.commercial")
    assert col_total == f'=IF(COUNT({top}:{bottom})=0,"",SUM({top}:{bottom}))'
    t4 = wb["表四"][address("2021", "t4.review.total")].value
    assert t4.startswith("=IF(COUNT(A5:D5)=0")
    # data cells hold numbers, never formulas
    assert ws[address("2021", "t3.carried_forward.natural_person")].value == 76


def test_a_printed_total_that_differs_from_its_parts_stays_printed() -> None:
    report = load_report(BROKEN)
    ws = workbook(render_xlsx(report))["表三"]
    cell = ws[address(report.edition, "t3.total_processed.total")]
    assert cell.value == 5 == report.value("t3.total_processed.total")
    report.cells["t3.granted.total"] = Cell(None)  # blank total, parts filled: "not filled"
    ws = workbook(render_xlsx(report))["表三"]
    assert ws[address(report.edition, "t3.granted.total")].value is None


def test_data_validation_per_kind_and_none_on_formulas() -> None:
    wb = workbook(render_xlsx(load_report(ROOT / "fixtures" / "docx" / "official_2019.truth.json")))
    rules = {}
    for name in ("表二", "表三", "表四"):
        for dv in wb[name].data_validations.dataValidation:
            rules[(name, dv.type, dv.operator, dv.formula1)] = str(dv.sqref)
    signed = rules[("表二", "whole", "between", "-100000000")]
    assert address("2019", "t2.art20_5.licensing.delta_items") in signed.split()
    money = rules[("表二", "decimal", "greaterThanOrEqual", "0")]
    assert money.split() == [address("2019", "t2.art20_9.central_procurement.proc_amount")]
    counts = rules[("表三", "whole", "greaterThanOrEqual", "0")].split()
    assert address("2019", "t3.granted.natural_person") in counts
    assert address("2019", "t3.granted.total") not in counts  # a formula


def test_h1_alert_on_the_carried_forward_row(wb: openpyxl.Workbook) -> None:
    rules = wb["表三"].conditional_formatting
    ranges = {str(cf.sqref): [r.formula for r in cf.rules] for cf in rules}
    target = address("2021", "t3.carried_forward.total")
    assert target in ranges
    formula = ranges[target][0][0]
    assert address("2021", "t3.new_received.total") in formula and "ABS" in formula


def test_a_filled_skeleton_reads_back_with_its_totals_computed() -> None:
    """The workflow: draft → workbook → the official fills the detail cells (saved by a program,
    so the formulas carry no results) → xxgk reads it, evaluating the total formulas."""
    last = load_report(FIXTURE)
    skeleton = draft(last, 2023).report
    data = render_xlsx(skeleton)
    truth = consistent.random_report("2021", random.Random(7))
    free = set(consistent.free_keys("2021")) - {k for k in truth.cells if ".carried_over." in k}
    book = workbook(data)
    for key in sorted(free):
        book[sheet_of(key)][address("2021", key)] = truth.value(key)
    out = io.BytesIO()
    book.save(out)
    report = parse_document(read_bytes(out.getvalue(), "filled.xlsx"))
    assert report.year == 2023 and report.agency == last.agency and report.edition == "2021"
    for key in free:
        assert report.value(key) == truth.value(key), key
    # the totals come from the workbook's formulas, carried-over figures from last year
    for c in editions.get("2021").t3_columns:
        assert report.value(f"t3.carried_over.{c.key}") == last.value(f"t3.carried_forward.{c.key}")
        outcomes = [r.key for r in editions.get("2021").rows_in_group("results") if r.key != "total_processed"]
        assert report.value(f"t3.total_processed.{c.key}") == sum(report.value(f"t3.{r}.{c.key}") or 0 for r in outcomes)
    assert report.value("t4.review.total") == sum(truth.value(f"t4.review.{p}") or 0
                                                  for p in ("upheld", "corrected", "other", "pending"))


def _calc_available(tmp: Path) -> bool:
    """LibreOffice with its spreadsheet component (a CSV converts to XLSX)."""
    if shutil.which("soffice") is None:
        return False
    (tmp / "probe.csv").write_text("1,2\n", encoding="utf-8")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(tmp / "probe"), str(tmp / "probe.csv")],
                   capture_output=True, timeout=180)
    return (tmp / "probe" / "probe.xlsx").exists()


def test_libreoffice_opens_the_workbook_and_its_save_reads_back(tmp_path: Path) -> None:
    if not _calc_available(tmp_path):
        pytest.skip("LibreOffice Calc is not installed here")
    report = load_report(FIXTURE)
    src = tmp_path / "report.xlsx"
    src.write_bytes(render_xlsx(report))
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
                    "--headless", "--convert-to", "xlsx", "--outdir", str(tmp_path / "saved"),
                    str(src)], capture_output=True, timeout=180)
    saved = tmp_path / "saved" / "report.xlsx"
    assert saved.exists()
    cached = openpyxl.load_workbook(saved, data_only=True)["表三"]
    assert cached[address("2021", "t3.new_received.total")].value == 1456  # computed by Calc
    back = parse_document(read_bytes(saved.read_bytes(), "saved.xlsx"))
    assert [k for k in report.spec.cell_keys() if report.value(k) != back.value(k)] == []
