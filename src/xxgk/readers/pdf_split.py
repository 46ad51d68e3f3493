"""Table rows a page break cut in two, put back together.

Word and Writer let a row break across pages: its first lines print at the bottom of one page,
the rest at the top of the next (under the repeated header rows, if any). Read page by page, that
is two rows, each incomplete ("2.其他法律" with the numbers, then "行政法规禁止公开" alone). A
ruled table that reaches the bottom margin and the table that opens the next page are checked: the
last row of the first and the first body row of the second are one row when some cell continues
in both and no column holds a number in both (two complete rows would). The joined row replaces
the second part's row (keeping each cell's source where its text begins); the first part loses
its last row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Block, GridCell, Source, Table
from .pdf_layout import RuledTable, join_lines

# pt: a table ending this close to the lowest content of any page reaches the bottom margin (a
# split row's first part ends with the last line that fits: up to a line or two above it).
_MARGIN_SLACK = 24.0
# A printed value: digits with separators, sign, 增/减 and units, or a null mark.
_VALUE = re.compile(r"[增减+\-−]?\s*[\d,，.．]*\d[\d,，.．]*\s*(?:亿元|万元|千元|元|件|个|项|条)?|[—\-–/／]+|无")


@dataclass
class Placed:
    """A ruled table with where it was printed."""

    ruled: RuledTable
    page: int
    rot: int  # text direction of its page view
    width: int  # frame width (rounded): pages laid out alike
    body_bottom: float  # the lowest content of pages of this height


@dataclass
class _Cell:
    """A cell of one row with its horizontal extent (a merged cell once)."""

    x0: float
    x1: float
    cell: GridCell
    continued: bool  # a copy of a cell that began in a row above


def join_split_rows(blocks: list[Block], placed: dict[int, Placed]) -> list[Block]:
    out = list(blocks)
    i = 0
    while i + 1 < len(out):
        first, second = placed.get(id(out[i])), placed.get(id(out[i + 1]))
        if first is not None and second is not None and _continues(first, second) \
                and _join(first, second) and not first.ruled.table.rows:
            del out[i]
            continue
        i += 1
    return out


def _continues(first: Placed, second: Placed) -> bool:
    """The second table opens the page after the one the first closes at its bottom margin."""
    return (second.page == first.page + 1 and (first.rot, first.width) == (second.rot, second.width)
            and first.ruled.bottom >= first.body_bottom - _MARGIN_SLACK)


def _join(first: Placed, second: Placed) -> bool:
    a, b = first.ruled.table, second.ruled.table
    k = _repeated_header(a, b)
    if not a.rows or k >= len(b.rows):
        return False
    last = _cells(a.rows[-1], first.ruled.columns)
    head = _cells(b.rows[k], second.ruled.columns)
    plan: dict[int, GridCell] = {}
    shared = False
    for part in last:
        if part.continued or not part.cell.text:
            continue
        j = _overlapping(part, head)
        if j is None or head[j].continued or j in plan:
            return False  # the rows are laid out differently: not one row's two parts
        other = head[j].cell.text
        if other:
            if _is_value(part.cell.text) or _is_value(other):
                return False  # only text runs on over a page break; a number makes a row whole
            shared = True
        plan[j] = part.cell
    if not shared:
        return False
    for j, part_cell in plan.items():
        old = head[j].cell
        _replace(b, old.source, join_lines([part_cell.text, old.text]), part_cell.source)
    a.rows.pop()
    return True


def _repeated_header(a: Table, b: Table) -> int:
    """How many of b's first rows repeat a's first rows (a header printed again)."""
    k = 0
    while k < len(a.rows) - 1 and k < len(b.rows) and \
            [c.text for c in a.rows[k]] == [c.text for c in b.rows[k]]:
        k += 1
    return k


def _cells(row: list[GridCell], columns: list[tuple[float, float]]) -> list[_Cell]:
    """The row's cells once each: a merged cell's positions in the row are one extent."""
    out: list[_Cell] = []
    for cell, (x0, x1) in zip(row, columns):
        if out and out[-1].cell.source is cell.source:
            out[-1].x1 = x1
        else:
            out.append(_Cell(x0, x1, cell, cell.spanned))
    return out


def _overlapping(part: _Cell, cells: list[_Cell]) -> int | None:
    """The cell of `cells` most overlapping `part` horizontally (more than half of the narrower)."""
    best, best_overlap = None, 0.0
    for j, c in enumerate(cells):
        overlap = min(part.x1, c.x1) - max(part.x0, c.x0)
        if overlap > 0.5 * min(part.x1 - part.x0, c.x1 - c.x0) and overlap > best_overlap:
            best, best_overlap = j, overlap
    return best


def _is_value(text: str) -> bool:
    return _VALUE.fullmatch(text.strip()) is not None


def _replace(table: Table, old: Source, text: str, source: Source) -> None:
    """Give every position of the merged cell printed at `old` the joined text and source."""
    for row in table.rows:
        for k, cell in enumerate(row):
            if cell.source is old:
                row[k] = GridCell(text, source, cell.spanned)
