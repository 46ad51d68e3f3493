"""The three tables of a report as the page shows them: the official layout of the report's edition
(`xxgk.render.layout`, shared with the DOCX/HTML writers) with each data cell's value and marks.

Marks: `fail` a cell named by an error finding that is not dismissed, `suspect` the cell the rules
name as most likely misprinted, `inferred` a cell lost in extraction and determined by the rules,
`missing` a cell that could not be read, `changed` a cell differing from the version compared with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape as _h
from typing import Any

from markupsafe import Markup

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


@lru_cache(maxsize=8)
def _plan(edition: str) -> list[tuple[str, str, list[list[CellView | tuple[str, int, int]]]]]:
    """An edition's tables with their header cells made once: (id, caption, rows), a row holding
    shared `th` CellViews and (key, rowspan, colspan) slots for the values."""
    out = []
    for layout in layouts(edition):
        rows: list[list[CellView | tuple[str, int, int]]] = []
        for row in layout.rows:
            line: list[CellView | tuple[str, int, int]] = []
            for c in row:
                if c.role == "value" and c.key is not None:
                    line.append((c.key, c.rowspan, c.colspan))
                else:
                    classes = [c.role] + (["vertical"] if c.vertical else [])
                    line.append(CellView("th", c.text, rowspan=c.rowspan, colspan=c.colspan,
                                         classes=" ".join(classes)))
            rows.append(line)
        out.append((layout.table, f"{TABLE_NUMBERS[layout.table]}　{layout.title}", rows))
    return out


def table_views(edition: str, cells: Mapping[str, Cell], marks: Marks,
                labels: Mapping[str, str], fill: bool = False) -> list[TableView]:
    """`fill`: the tables of a report being filled in (compose): blank cells are not marked.
    Header cells are shared between calls: do not change them."""
    out = []
    for table, caption, rows in _plan(edition):
        view = TableView(table, caption)
        for row in rows:
            line = []
            for c in row:
                if isinstance(c, CellView):
                    line.append(c)
                else:
                    cv = _value_view(c[0], cells.get(c[0]), marks, labels, fill)
                    cv.rowspan, cv.colspan = c[1], c[2]
                    line.append(cv)
            view.rows.append(line)
        out.append(view)
    return out


# -- HTML ------------------------------------------------------------------------------------------
# The tables as HTML, written here rather than in a Jinja macro: a report page has some 250 cells
# with five attributes each, and the macro's per-attribute lookups and escaping were half of the
# page's CPU time. Every text that comes from a document (values, notes, raw text in titles,
# captions) goes through `_h`; keys and classes are escaped too, though they come from the
# editions. `html.escape` (the same five characters as Jinja's autoescape) returns plain strings:
# no Markup object per attribute.
def _span(c: CellView) -> str:
    return ((f' rowspan="{c.rowspan}"' if c.rowspan > 1 else "")
            + (f' colspan="{c.colspan}"' if c.colspan > 1 else ""))


@lru_cache(maxsize=4096)
def _th(classes: str, text: str, rowspan: int, colspan: int) -> str:
    return (f'<th class="{_h(classes)}"{_span(CellView("th", rowspan=rowspan, colspan=colspan))}>'
            f'{_h(text)}</th>')


@lru_cache(maxsize=4096)
def _esc(text: str) -> str:
    """Escaped keys and class lists: a few hundred distinct strings, met on every page."""
    return _h(text)


def official_html(tables: Iterable[TableView], rid: int | None = None, version: int | None = None,
                  editable: bool = False, prefix: str = "", clickable: bool = True) -> Markup:
    """The official layout: `editable` puts an input in each value cell (correction, compose);
    `clickable` makes each value cell load its source into `#source` (HTMX)."""
    pre = _h(prefix)
    query = f"?version={int(version)}" if version else ""
    out = [f'<div id="{pre}tables">\n']
    for t in tables:
        out.append(f'<table class="official{" editing" if editable else ""}" '
                   f'id="{pre}table-{_h(t.id)}">\n  <caption>{_h(t.caption)}</caption>\n')
        for row in t.rows:
            out.append("  <tr>")
            for c in row:
                if c.tag != "td":
                    out.append(_th(c.classes, c.text, c.rowspan, c.colspan))
                    continue
                key = _esc(c.key or "")
                head = (f'<td class="{_esc(c.classes)}" data-key="{key}" '
                        f'title="{_h(c.title)}"{_span(c)}')
                if editable:
                    value = "" if c.value is None else _h(c.text)
                    out.append(f'{head}><input type="text" name="cell.{key}" value="{value}" '
                               f'aria-label="{_h(c.title)}" inputmode="decimal" '
                               f'autocomplete="off"></td>')
                elif clickable:
                    out.append(f'{head} hx-get="/reports/{int(rid or 0)}/cells/{key}/source{query}" '
                               f'hx-target="#source" hx-swap="innerHTML">{_h(c.text)}</td>')
                else:
                    out.append(f"{head}>{_h(c.text)}</td>")
            out.append("</tr>\n")
        out.append("</table>\n")
    out.append("</div>\n")
    return Markup("".join(out))
