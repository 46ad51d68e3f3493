"""The three tables of a report as the page shows them: the official layout of the report's edition
(`xxgk.render.layout`, shared with the DOCX/HTML writers) with each data cell's value and marks.

Marks: `fail` a cell named by an error finding that is not dismissed, `suspect` the cell the rules
name as most likely misprinted, `inferred` a cell lost in extraction and determined by the rules,
`missing` a cell that could not be read, `changed` a cell differing from the version compared with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..model import Cell, Number
from ..render.layout import TABLE_NUMBERS, layouts
from .templating import number


@dataclass
class CellView:
    tag: str  # th | td
    text: str = ""
    key: str | None = None
    rowspan: int = 1
    colspan: int = 1
    classes: str = ""
    title: str = ""
    value: Number | None = None
    raw: str | None = None


@dataclass
class TableView:
    id: str
    caption: str
    rows: list[list[CellView]] = field(default_factory=list)


@dataclass(frozen=True)
class Marks:
    failing: frozenset[str] = frozenset()
    suspects: frozenset[str] = frozenset()
    changed: frozenset[str] = frozenset()

    def to_dict(self) -> dict[str, list[str]]:
        return {"failing": sorted(self.failing), "suspects": sorted(self.suspects)}


def marks_of(findings: Iterable[Any], changed: Iterable[str] = ()) -> Marks:
    """Failing and suspect cells of the findings that stand (error severity, not dismissed).
    Findings may be `model.Finding`s or the library's stored findings (with `review`)."""
    failing: set[str] = set()
    suspects: set[str] = set()
    for f in findings:
        review = getattr(f, "review", None)
        if review is not None and getattr(review, "state", None) == "dismissed":
            continue
        if f.severity != "error":
            continue
        failing.update(f.cells)
        if f.suspect is not None:
            cell = f.suspect.get("cell") if isinstance(f.suspect, Mapping) else f.suspect.cell
            if cell:
                suspects.add(cell)
    return Marks(frozenset(failing), frozenset(suspects), frozenset(changed))


def _value_view(key: str, cell: Cell | None, marks: Marks, labels: Mapping[str, str],
                fill: bool) -> CellView:
    classes = ["v"]
    title = [labels.get(key, key)]
    if cell is None or cell.status == "missing":
        text = "?"
        if not fill:  # a cell still to be filled in is not a reading failure
            classes.append("missing")
        title.append("未能读取")
        if cell is not None and cell.note:
            title.append(cell.note)
    else:
        text = number(cell.value)
        if cell.value is None:
            classes.append("null")
        if cell.status == "inferred":
            classes.append("inferred")
            title.append(f"据勾稽关系推算（{cell.rule}）" if cell.rule else "据勾稽关系推算")
        if cell.raw is not None and cell.raw != text:
            title.append(f"原文“{cell.raw}”")
        if cell.note:
            title.append(cell.note)
    if key in marks.failing:
        classes.append("fail")
    if key in marks.suspects:
        classes.append("suspect")
    if key in marks.changed:
        classes.append("changed")
    return CellView("td", text, key, classes=" ".join(classes), title=" · ".join(title),
                    value=None if cell is None else cell.value,
                    raw=None if cell is None else cell.raw)


def table_views(edition: str, cells: Mapping[str, Cell], marks: Marks,
                labels: Mapping[str, str], fill: bool = False) -> list[TableView]:
    """`fill`: the tables of a report being filled in (compose): blank cells are not marked."""
    out = []
    for layout in layouts(edition):
        view = TableView(layout.table, f"{TABLE_NUMBERS[layout.table]}　{layout.title}")
        for row in layout.rows:
            line = []
            for c in row:
                if c.role == "value" and c.key is not None:
                    cv = _value_view(c.key, cells.get(c.key), marks, labels, fill)
                    cv.rowspan, cv.colspan = c.rowspan, c.colspan
                    line.append(cv)
                else:
                    classes = [c.role]
                    if c.vertical:
                        classes.append("vertical")
                    line.append(CellView("th", c.text, rowspan=c.rowspan, colspan=c.colspan,
                                         classes=" ".join(classes)))
            view.rows.append(line)
        out.append(view)
    return out
