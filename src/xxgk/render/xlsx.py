"""A fillable workbook in the official layout: a sheet of the narrative and one sheet per table.

- **正文**: the title, the six section headings and the narrative, one paragraph per row (column
  A); under 二, 三 and 四 a row links to the table's sheet. Readers of the workbook
  (`xxgk.readers.xlsx`) put each table where its link is, so the narrative and the tables read
  back in the order of the report. Rows may be added or removed freely.
- **表二 / 表三 / 表四**: the table's title across its width, then the table with the template's
  merged cells (`table_layout`), borders, wrapped labels, vertical group labels, frozen headers.
- Data cells hold numbers (null cells are empty) with data validation: counts non-negative whole
  numbers, 本年增/减 whole numbers of either sign, 万元 amounts non-negative decimals; each with an
  input message and a Chinese error message.
- Totals (the 总计 column, the （七）总计 row, the 总计 of each 表四 group: the equations H2–H6) are
  formulas, `=IF(COUNT(parts)=0,"",SUM(parts))` (blank while nothing is filled), shaded grey —
  wherever the formula gives exactly the value the report holds; a printed total that differs
  from its parts stays the printed number (the report is reproduced, not corrected).
- H1 (the corner rule) is a conditional format: a 四、结转下年度继续办理 cell turns red while
  一 + 二 ≠ （七） + 四 in its column.
"""

from __future__ import annotations

import datetime as dt
import io
import math

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.worksheet import Worksheet

from .. import editions, rules
from ..model import Number, Report
from .content import TableBlock, blocks, title_of
from .layout import TABLE_NUMBERS, TableLayout

NARRATIVE_SHEET = "正文"
NARRATIVE_WIDTH = 100  # column A, in Excel character units (about 45 Chinese characters)
CHARS_PER_LINE = 45
LINE_HEIGHT = 18  # pt, for 12 pt text
TABLE_TOP = 2  # the table starts on row 2, under its title row

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
_ALERT_FILL = PatternFill("solid", fgColor="FFC7CE")
_FONT = "仿宋_GB2312"
_TABLE_FONT = "宋体"
_FONTS = {"title": Font(name="方正小标宋简体", size=18),
          "heading": Font(name="黑体", size=14),
          "subheading": Font(name="楷体_GB2312", size=12, bold=True),
          "paragraph": Font(name=_FONT, size=12),
          "signature": Font(name=_FONT, size=12),
          "date": Font(name=_FONT, size=12)}
_LINK_FONT = Font(name=_FONT, size=12, color="0563C1", underline="single")

# Column widths per table (Excel character units).
_WIDTHS = {"t2": [30.0, 16.0, 16.0, 16.0], "t4": [8.0] * 15}
_T3_LABELS = [5.0, 14.0, 34.0]
_T3_VALUE = 9.0

NOTE = ("填写说明：白色格填写数字（件数为非负整数，本年增/减可为负数，金额单位万元可有小数），不适用或为零的"
        "可填0或留空；灰色格为公式，按勾稽关系自动合计；表三“四、结转下年度继续办理”一行变红表示该列"
        "第一项加第二项之和不等于第三项加第四项之和。正文每行一段，可增删行；“见工作表”一行标明表格的"
        "位置，请保留。")


def _sheet_name(layout: TableLayout) -> str:
    return TABLE_NUMBERS[layout.table]


# --------------------------------------------------------------------------- narrative

def _narrative(ws: Worksheet, report: Report) -> None:
    ws.column_dimensions["A"].width = NARRATIVE_WIDTH
    row = 0
    for block in blocks(report, keep_null_marks=False):
        row += 1
        cell = ws.cell(row, 1)
        if isinstance(block, TableBlock):
            sheet = _sheet_name(block.layout)
            cell.value = f"（见工作表“{sheet}”：{block.layout.title}）"
            cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{sheet}'!A1",
                                       display=cell.value)
            cell.font = _LINK_FONT
            cell.alignment = Alignment(indent=2)
            continue
        cell.value = block.text
        cell.font = _FONTS[block.kind]
        if block.kind == "title":
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            ws.row_dimensions[row].height = 48
            cell.comment = Comment(NOTE, "xxgk", width=360, height=160)
        elif block.kind in ("signature", "date"):
            cell.alignment = Alignment(horizontal="right")
        else:
            cell.alignment = Alignment(wrap_text=True, vertical="top",
                                       indent=2 if block.kind != "heading" else 0)
            lines = max(1, math.ceil(len(block.text) / CHARS_PER_LINE))
            if lines > 1:
                ws.row_dimensions[row].height = lines * LINE_HEIGHT


# --------------------------------------------------------------------------- tables

def _widths(layout: TableLayout) -> list[float]:
    if layout.table == "t3":
        depth = layout.width - len(editions.get(layout.edition).t3_columns)
        return (_T3_LABELS[-depth:] if depth <= len(_T3_LABELS) else [14.0] * depth) + \
            [_T3_VALUE] * (layout.width - depth)
    return _WIDTHS.get(layout.table, [12.0] * layout.width)


def _ref(layout: TableLayout, key: str, absolute: bool = False) -> str:
    r, c = layout.locate(key)
    col, row = get_column_letter(c + 1), r + TABLE_TOP
    return f"${col}${row}" if absolute else f"{col}{row}"


def _ranges(layout: TableLayout, keys: tuple[str, ...]) -> str:
    """The cells as one range when they are contiguous in a row or a column ("D5:I5",
    "D7:D24"), else listed ("D7,D9")."""
    pos = sorted(layout.locate(k) for k in keys)

    def a1(p: tuple[int, int]) -> str:
        return f"{get_column_letter(p[1] + 1)}{p[0] + TABLE_TOP}"

    rows, cols = {p[0] for p in pos}, {p[1] for p in pos}
    in_row = len(rows) == 1 and max(cols) - min(cols) + 1 == len(pos)
    in_col = len(cols) == 1 and max(rows) - min(rows) + 1 == len(pos)
    if len(pos) > 1 and (in_row or in_col):
        return f"{a1(pos[0])}:{a1(pos[-1])}"
    return ",".join(a1(p) for p in pos)


def _total_formulas(report: Report, layout: TableLayout) -> dict[str, str]:
    """Total cell key → formula, for the totals whose formula gives the report's value."""
    keys = set(layout.keys())
    out: dict[str, str] = {}
    for eq in rules.equations(report.edition):
        if eq.rule not in ("H2", "H3", "H4", "H5", "H6") or len(eq.plus) != 1:
            continue
        target = eq.plus[0]
        if target in out or target not in keys or not set(eq.minus) <= keys:
            continue
        if _same(_formula_value(report, eq.minus), report.value(target)):
            parts = _ranges(layout, eq.minus)
            out[target] = f'=IF(COUNT({parts})=0,"",SUM({parts}))'
    return out


def _formula_value(report: Report, parts: tuple[str, ...]) -> Number | None:
    values = [report.value(k) for k in parts]
    if all(v is None for v in values):
        return None
    return sum(v or 0 for v in values)


def _same(a: Number | None, b: Number | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9


# Data validation per value kind: (type, operator, formula1, formula2, input message, error).
_RULES = {
    "count": ("whole", "greaterThanOrEqual", "0", None, "件数：非负整数，无则填0或留空",
              "件数应为非负整数。"),
    "signed": ("whole", "between", "-100000000", "100000000", "本年增/减：整数，减少填负数",
               "本年增/减应为整数（减少填负数）。"),
    "money": ("decimal", "greaterThanOrEqual", "0", None, "金额：单位万元，可有小数",
              "金额应为不小于0的数（单位：万元）。"),
}


class _Validations:
    """One data validation per value kind, added to the sheet when its first cell comes (an
    empty validation is invalid in Excel)."""

    def __init__(self, ws: Worksheet):
        self.ws = ws
        self.made: dict[str, DataValidation] = {}

    def add(self, kind: str, coordinate: str) -> None:
        if kind not in self.made:
            typ, op, f1, f2, prompt, error = _RULES[kind]
            v = DataValidation(type=typ, operator=op, formula1=f1, formula2=f2, allow_blank=True,
                               showInputMessage=True, showErrorMessage=True, promptTitle="填写",
                               prompt=prompt, errorTitle="数值不符合要求", error=error)
            self.ws.add_data_validation(v)
            self.made[kind] = v
        self.made[kind].add(coordinate)


def _plain(value: Number | None) -> Number | None:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _table(ws: Worksheet, report: Report, layout: TableLayout) -> None:
    ed = editions.get(report.edition)
    for i, w in enumerate(_widths(layout), start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    title = ws.cell(1, 1, layout.title)
    title.font = Font(name=_TABLE_FONT, size=14, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=layout.width)
    ws.row_dimensions[1].height = 28
    formulas = _total_formulas(report, layout)
    checks = _Validations(ws)
    for line in layout.grid():
        for slot in line:
            cell = ws.cell(slot.row + TABLE_TOP, slot.col + 1)
            cell.border = _BORDER
            if not slot.origin:
                continue
            lc = slot.cell
            if lc.rowspan > 1 or lc.colspan > 1:
                ws.merge_cells(start_row=slot.row + TABLE_TOP, start_column=slot.col + 1,
                               end_row=slot.row + TABLE_TOP + lc.rowspan - 1,
                               end_column=slot.col + lc.colspan)
            if lc.key is None:
                cell.value = lc.text
                cell.font = Font(name=_TABLE_FONT, size=10.5, bold=lc.role in ("caption", "head"))
                horizontal = "left" if lc.role == "label" else "center"
                cell.alignment = Alignment(horizontal=horizontal, vertical="center",
                                           wrap_text=True, text_rotation=255 if lc.vertical else 0)
                if lc.role in ("caption", "head", "corner"):
                    cell.fill = _HEAD_FILL
                continue
            cell.font = Font(name=_TABLE_FONT, size=10.5)
            cell.alignment = Alignment(horizontal="center", vertical="center")
            if lc.key in formulas:
                cell.value = formulas[lc.key]
                cell.fill = _TOTAL_FILL
            else:
                cell.value = _plain(report.value(lc.key))
                checks.add(ed.cells[lc.key].kind, cell.coordinate)
    for r in range(layout.header_rows):
        ws.row_dimensions[r + TABLE_TOP].height = 30 if r < layout.header_rows - 1 else 48
    if layout.table == "t3":
        _h1_alert(ws, report, layout)
        ws.freeze_panes = ws.cell(layout.header_rows + TABLE_TOP,
                                  layout.width - len(ed.t3_columns) + 1)
        for r in range(layout.header_rows, len(layout.rows)):
            ws.row_dimensions[r + TABLE_TOP].height = 30
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if layout.width > 4 else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _h1_alert(ws: Worksheet, report: Report, layout: TableLayout) -> None:
    """Red 四、结转下年度继续办理 cells while H1 fails in their column (N() reads "" as 0)."""
    for eq in rules.equations(report.edition):
        if eq.rule != "H1":
            continue
        target = eq.minus[-1]  # t3.carried_forward.<column>
        plus = "+".join(f"N({_ref(layout, k)})" for k in eq.plus)
        minus = "+".join(f"N({_ref(layout, k)})" for k in eq.minus)
        ws.conditional_formatting.add(_ref(layout, target), FormulaRule(
            formula=[f"ABS(({plus})-({minus}))>0.000001"], fill=_ALERT_FILL))


# --------------------------------------------------------------------------- workbook

def render_xlsx(report: Report) -> bytes:
    wb = Workbook()
    narrative = wb.active
    narrative.title = NARRATIVE_SHEET
    _narrative(narrative, report)
    for block in blocks(report):
        if isinstance(block, TableBlock):
            _table(wb.create_sheet(_sheet_name(block.layout)), report, block.layout)
    props = wb.properties
    props.title = title_of(report)
    props.creator = report.agency or "xxgk"
    props.description = f"xxgk: 表格版本 {report.edition}"
    when = dt.datetime.combine(report.published, dt.time(9)) if report.published else \
        dt.datetime(report.year + 1 if report.year else 2000, 1, 1)
    props.created = props.modified = when
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


__all__ = ["render_xlsx", "NARRATIVE_SHEET"]
