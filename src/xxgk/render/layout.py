"""The three statistical tables in the official layout of an edition: one description every writer
(DOCX, HTML, Markdown, XLSX) and the web UI share.

    from xxgk.render.layout import table_layout
    t3 = table_layout("2021", "t3")
    for row in t3.rows:                 # rows of LayoutCell, each at its origin (HTML-like)
        for cell in row:
            cell.text, cell.key, cell.rowspan, cell.colspan, cell.is_header
    t3.grid()                           # the expanded grid: every position with its cell
    t3.locate("t3.granted.total")       # (row, column) of a data cell in the grid
    t3.headers_of("t3.granted.total")   # the header cells that label it (rows and columns)

A table is a list of rows; a row lists the cells that start in it, left to right, as an HTML
`<tr>` lists its `<td>`s: a cell covering positions below or to its right (rowspan/colspan) is not
repeated there. Data cells carry their canonical cell key (`shared/spec/cell-keys.json`) and no
text; the caller prints the report's value. Label cells carry the text the national format prints.

What the format prints and where (FORMAT.md):
- 表二: per 第二十条第（X）项 block a caption row across the table, a header row
  (信息内容 + the block's columns) and one row per item; blocks with fewer columns than the widest
  stretch their last column (the template's merged cells);
- 表三: the corner cell (3×3) with the one official rule, the 申请人情况 header tree (自然人 ·
  法人或其他组织 {…} · 总计), the vertical 三、本年度办理结果 group and its sub-groups as row spans;
- 表四: 行政复议 and 行政诉讼 {未经复议直接起诉, 复议后起诉} over five result columns each, then one row
  of fifteen numbers.

Labels, rows, columns and keys come from `xxgk.editions`; only the words the format prints outside
its data (the corner rule, 申请人情况, 法人或其他组织, 信息内容) are constants here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from .. import editions
from ..editions import Edition

TableName = Literal["t2", "t3", "t4"]
TABLES: tuple[TableName, ...] = ("t2", "t3", "t4")
# Which section each table belongs to (it is printed under that section's heading).
TABLE_SECTIONS: dict[TableName, str] = {"t2": "proactive", "t3": "requests", "t4": "appeals"}
TABLE_NUMBERS: dict[TableName, str] = {"t2": "表二", "t3": "表三", "t4": "表四"}

Role = Literal["caption", "head", "corner", "group", "label", "value"]

CORNER_RULE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
APPLICANTS = "申请人情况"
LEGAL_PERSONS = "法人或其他组织"
CONTENT = "信息内容"
_NUMBERING = re.compile(r"^[一二三四五六七八九十]+、")


@dataclass(frozen=True, eq=False)  # identity: two header cells with the same text are two cells
class LayoutCell:
    """One printed cell at its origin.

    `role`: `caption` (a 第二十条 block caption), `head` (a column header), `corner` (table 3's
    rule note), `group` (a row group such as （三）不予公开, spanning its rows), `label` (a row
    label) or `value` (a data cell: `key` is its canonical cell key, `text` is empty).
    `vertical`: the template prints the text top to bottom (narrow header and group cells).
    """

    role: Role
    text: str = ""
    key: str | None = None
    rowspan: int = 1
    colspan: int = 1
    vertical: bool = False

    @property
    def is_header(self) -> bool:
        """Everything but a data cell labels data (HTML `<th>`)."""
        return self.role != "value"


@dataclass(frozen=True)
class Slot:
    """One position of the expanded grid: the cell covering it and whether it is the cell's
    origin (top-left) or a position the cell's span covers."""

    cell: LayoutCell
    row: int
    col: int
    origin: bool
    origin_row: int
    origin_col: int


@dataclass(frozen=True)
class TableLayout:
    edition: str
    table: TableName
    title: str  # e.g. "收到和处理政府信息公开申请情况" (the section heading without its number)
    width: int  # grid columns
    rows: tuple[tuple[LayoutCell, ...], ...]
    header_rows: int  # leading rows that are the table's column header (0: table 2's blocks
    # carry their own header rows)

    @functools.cached_property
    def _grid(self) -> tuple[tuple[Slot, ...], ...]:
        taken: dict[tuple[int, int], Slot] = {}
        for ri, row in enumerate(self.rows):
            ci = 0
            for cell in row:
                while (ri, ci) in taken:
                    ci += 1
                for dr in range(cell.rowspan):
                    for dc in range(cell.colspan):
                        taken[(ri + dr, ci + dc)] = Slot(cell, ri + dr, ci + dc, dr == dc == 0,
                                                         ri, ci)
                ci += cell.colspan
        grid = []
        for r in range(len(self.rows)):
            line = tuple(taken[(r, c)] for c in range(self.width))  # KeyError: a layout bug
            grid.append(line)
        return tuple(grid)

    def grid(self) -> tuple[tuple[Slot, ...], ...]:
        """The full rectangular grid, `len(rows)` × `width`; every position holds its `Slot`."""
        return self._grid

    def keys(self) -> tuple[str, ...]:
        """The data cell keys in reading order (row by row, left to right)."""
        return tuple(c.key for row in self.rows for c in row if c.key is not None)

    @functools.cached_property
    def _positions(self) -> dict[str, tuple[int, int]]:
        return {s.cell.key: (s.row, s.col) for line in self._grid for s in line
                if s.origin and s.cell.key is not None}

    def locate(self, key: str) -> tuple[int, int]:
        """The grid (row, column) of a data cell; KeyError for a key not in this table."""
        return self._positions[key]

    def headers_of(self, key: str) -> tuple[LayoutCell, ...]:
        """The header cells that label a data cell, outermost first: the column headers above it
        (from its table-2 block's header row, or the table's header rows) and the row labels to
        its left (group chain, then the row label). The corner note labels nothing."""
        r, c = self.locate(key)
        grid = self._grid
        top = 0
        for i in range(r, -1, -1):  # table 2: the headers of this block only
            if grid[i][0].cell.role == "caption":
                top = i
                break
        cols: list[LayoutCell] = []
        for i in range(top, r):
            cell = grid[i][c].cell
            if cell.role == "head" and cell not in cols:
                cols.append(cell)
        rows: list[LayoutCell] = []
        for j in range(c):
            cell = grid[r][j].cell
            if cell.role in ("group", "label") and cell not in rows:
                rows.append(cell)
        return tuple(cols + rows)


def _title(ed: Edition, table: TableName) -> str:
    spec = next(s for s in ed.sections if s.key == TABLE_SECTIONS[table])
    return _NUMBERING.sub("", spec.heading)


def _t2(ed: Edition) -> TableLayout:
    width = 1 + max(len(b.columns) for b in ed.t2)
    rows: list[tuple[LayoutCell, ...]] = []
    for b in ed.t2:
        stretch = width - len(b.columns)  # the last column covers what the block lacks
        rows.append((LayoutCell("caption", b.caption, colspan=width),))
        heads = [LayoutCell("head", CONTENT)]
        for i, c in enumerate(b.columns):
            span = stretch if i == len(b.columns) - 1 else 1
            heads.append(LayoutCell("head", c.label, colspan=span))
        rows.append(tuple(heads))
        for r in b.rows:
            cells = [LayoutCell("label", r.label)]
            for i, c in enumerate(b.columns):
                span = stretch if i == len(b.columns) - 1 else 1
                cells.append(LayoutCell("value", key=f"t2.{b.key}.{r.key}.{c.key}", colspan=span))
            rows.append(tuple(cells))
    return TableLayout(ed.key, "t2", _title(ed, "t2"), width, tuple(rows), 0)


def _chain(ed: Edition, group: str | None) -> list[str]:
    """The groups a row sits in, outermost first."""
    parents = {g.key: g.parent for g in ed.t3_groups}
    chain: list[str] = []
    while group is not None:
        chain.insert(0, group)
        group = parents.get(group)
    return chain


def _t3(ed: Edition) -> TableLayout:
    cols = ed.t3_columns
    legal = [c for c in cols if c.key not in ("natural_person", "total")]
    depth = 1 + max(len(_chain(ed, r.group)) for r in ed.t3_rows)  # label columns
    width = depth + len(cols)
    natural = next(c for c in cols if c.key == "natural_person")
    total = next(c for c in cols if c.key == "total")
    rows: list[tuple[LayoutCell, ...]] = [
        (LayoutCell("corner", CORNER_RULE, rowspan=3, colspan=depth),
         LayoutCell("head", APPLICANTS, colspan=len(cols))),
        (LayoutCell("head", natural.label, rowspan=2, vertical=True),
         LayoutCell("head", LEGAL_PERSONS, colspan=len(legal)),
         LayoutCell("head", total.label, rowspan=2, vertical=True)),
        tuple(LayoutCell("head", c.label, vertical=True) for c in legal),
    ]
    groups = {g.key: g for g in ed.t3_groups}
    opened: set[str] = set()
    for row in ed.t3_rows:
        chain = _chain(ed, row.group)
        cells: list[LayoutCell] = []
        for level, gk in enumerate(chain):
            if gk in opened:
                continue
            opened.add(gk)
            span = len(ed.rows_in_group(gk))
            # The outermost group (三、本年度办理结果) runs down a narrow column, printed vertically.
            cells.append(LayoutCell("group", groups[gk].label, rowspan=span, vertical=level == 0))
        cells.append(LayoutCell("label", row.label, colspan=depth - len(chain)))
        cells += [LayoutCell("value", key=f"t3.{row.key}.{c.key}") for c in cols]
        rows.append(tuple(cells))
    return TableLayout(ed.key, "t3", _title(ed, "t3"), width, tuple(rows), 3)


def _t4(ed: Edition) -> TableLayout:
    cols = ed.t4_columns
    # Group labels are paths ("行政诉讼 > 未经复议直接起诉"): groups sharing a parent print it once
    # above them.
    paths = [[p.strip() for p in g.label.split(">")] for g in ed.t4_groups]
    top: list[tuple[str, int]] = []  # (text, number of groups under it)
    for path in paths:
        if top and len(path) > 1 and top[-1][0] == path[0]:
            top[-1] = (path[0], top[-1][1] + 1)
        else:
            top.append((path[0], 1))
    n = len(cols)
    first = tuple(LayoutCell("head", text, colspan=count * n) for text, count in top)
    second: list[LayoutCell] = []
    third: list[LayoutCell] = []
    for path in paths:
        if len(path) == 1:  # a group without a parent: its columns span both lower header rows
            second += [LayoutCell("head", c.label, rowspan=2, vertical=True) for c in cols]
        else:
            second.append(LayoutCell("head", path[-1], colspan=n))
            third += [LayoutCell("head", c.label, vertical=True) for c in cols]
    values = tuple(LayoutCell("value", key=f"t4.{g.key}.{c.key}")
                   for g in ed.t4_groups for c in cols)
    rows = (first, tuple(second), tuple(third), values)
    return TableLayout(ed.key, "t4", _title(ed, "t4"), n * len(paths), rows, 3)


_BUILDERS = {"t2": _t2, "t3": _t3, "t4": _t4}


@functools.cache
def table_layout(edition: str, table: TableName) -> TableLayout:
    """The official layout of `table` ("t2", "t3" or "t4") in `edition` ("2019" or "2021")."""
    if table not in _BUILDERS:
        raise KeyError(f"unknown table {table!r}; tables: {', '.join(TABLES)}")
    return _BUILDERS[table](editions.get(edition))


def layouts(edition: str) -> tuple[TableLayout, ...]:
    """The three tables of `edition`, in the order the report prints them."""
    return tuple(table_layout(edition, t) for t in TABLES)


__all__ = ["LayoutCell", "Slot", "TableLayout", "TableName", "TABLES", "TABLE_SECTIONS",
           "TABLE_NUMBERS", "CORNER_RULE", "table_layout", "layouts"]
