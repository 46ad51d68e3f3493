"""P5 and P6: table-2 figures that cannot be right as printed."""

from __future__ import annotations

import re

from .. import values as cellvalues
from ..editions import Edition, per_edition
from ..model import Cell, Finding
from .context import Context
from .labels import cell_zh, num, plain

# Above this a procurement total or fee amount (in 万元, i.e. 1000亿元) is a unit slip, not a budget.
IMPLAUSIBLE_WAN = 10_000_000
_HEADER_UNIT = re.compile(r"单位[:：]\s*(亿元|万元|千元|元)")
_RAW_UNIT = re.compile(r"(亿元|万元|千元|元)\s*$")


def published_totals(ctx: Context) -> list[Finding]:
    """P5 (2019 edition): 对外公开总数量 ≥ 本年新公开数量 for 规章 and 规范性文件."""
    r = ctx.report
    out = []
    for row in ("regulations", "normative_docs"):
        new_key, total_key = f"t2.art20_1.{row}.new_published", f"t2.art20_1.{row}.total_published"
        new, total = r.value(new_key), r.value(total_key)
        if new is None or ctx.status(total_key) == "missing" or new <= (total or 0):
            continue
        blank_zh = "（总数空白，按0计）" if total is None else ""
        blank_en = " (blank total counted as 0)" if total is None else ""
        out.append(Finding(
            "P5", "warning", [total_key, new_key],
            f"{cell_zh(r.edition, total_key)}为{num(total or 0)}，少于本年新公开数量{num(new)}"
            f"{blank_zh}；对外公开总数量应包含本年新公开的文件。",
            f"{total_key} is {num(total or 0)}, less than the {num(new)} newly published this "
            f"year{blank_en}; the total should include them.",
            plain(new), plain(total or 0)))
    return out


def units(ctx: Context) -> list[Finding]:
    """P6: amounts in 万元, printed in the header's unit, and of a plausible size."""
    r = ctx.report
    out: list[Finding] = []
    for key, header_unit in _money_cells(r.spec):
        cell = r.cells.get(key)
        if cell is None or cell.value is None:
            continue
        out += _unit_findings(r.edition, key, cell, header_unit)
    return out


@per_edition
def _money_cells(ed: Edition) -> list[tuple[str, str | None]]:
    """The edition's amount cells, in order, with the unit their column header prints."""
    cells = []
    for key, spec in ed.cells.items():
        if spec.kind == "money":
            header = _HEADER_UNIT.search(spec.label)
            cells.append((key, header.group(1) if header else None))
    return cells


def _unit_findings(ed: str, key: str, cell: Cell, header_unit: str | None) -> list[Finding]:
    name, v = cell_zh(ed, key), cell.value
    assert v is not None
    if cell.unit not in (None, "万元"):
        return [Finding("P6", "warning", [key],
                        f"{name}的单位记为“{cell.unit}”，金额应统一折算为万元。",
                        f"{key} is recorded in {cell.unit}; amounts must be in 万元.",
                        "万元", cell.unit)]
    out = []
    read = _reread(cell.raw, header_unit)
    if read is not None and abs(read - v) > 1e-6 * max(1.0, abs(v)):
        out.append(Finding("P6", "warning", [key],
                           f"{name}印为“{cell.raw}”，折合{num(read)}万元，但记录为{num(v)}万元，单位不一致。",
                           f"{key} is printed \"{cell.raw}\" ({num(read)} 万元) but recorded as "
                           f"{num(v)} 万元.", plain(read), plain(v)))
    printed_unit = _RAW_UNIT.search(cell.raw or "")
    if header_unit and printed_unit and printed_unit.group(1) != header_unit:
        out.append(Finding("P6", "warning", [key],
                           f"{name}的表头单位为{header_unit}，但填报“{cell.raw}”使用了"
                           f"{printed_unit.group(1)}，请按表头单位填报。",
                           f"{key}: the column header says {header_unit} but the cell prints "
                           f"\"{cell.raw}\" in {printed_unit.group(1)}.",
                           header_unit, printed_unit.group(1)))
    if v > IMPLAUSIBLE_WAN:
        out.append(Finding("P6", "warning", [key],
                           f"{name}为{num(v)}万元（超过1000亿元），数额不合常理，请核对单位。",
                           f"{key} is {num(v)} 万元 (over 100 billion yuan): check the unit.",
                           None, plain(v)))
    return out


def _reread(raw: str | None, header_unit: str | None) -> float | None:
    """The printed text read again as an amount in 万元, or None if it is not an amount."""
    if not raw:
        return None
    try:
        value = cellvalues.parse(raw, "money", header_unit).value
    except cellvalues.Unreadable:
        return None
    return None if value is None else float(value)
