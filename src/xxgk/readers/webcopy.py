"""A browser's copy of a page whose table cells hold paragraphs (Word-exported HTML) → `Document`.

Chromium's `innerText` (what "select all, copy" gives) of such a table prints every cell's
paragraphs on lines of their own, a lone tab between two cells and a run of empty lines between
two rows::

    一、本年新收政府信息公开申请数量
    <empty>
    \\t
    <empty>
    25
    <empty>
    \\t
    ...
    <empty ×4>
    二、上年结转政府信息公开申请数量

Read line by line as DOCX or PDF text, the lone tabs would be empty cells and the values loose
lines. Here a row is the lines between runs of two or more empty lines that hold a lone tab, its
cells the lines between the lone tabs (a cell's paragraphs joined); every cell is printed (an
empty one as a no-break space), so blanks are reliable. Lines between rows without a lone tab
are paragraphs (headings, captions, narrative). Sources point at the first line of each cell.
"""

from __future__ import annotations

from ..document import Block, Document, GridCell, Source, Table
from .text import _HEADING, _NULL_MARKS, _NUMERIC, Line, classify, clean, content, paragraph, trim

_MIN_BREAKS = 10  # lone tabs between empty lines a page's tables print at the least


def _lone_tab(line: Line) -> bool:
    return "\t" in line.raw and not line.raw.strip(" \t\u00a0\u3000")


def is_web_copy(lines: list[Line]) -> bool:
    """Cells broken by lone tabs between empty lines, and (almost) no tab-indented cell text."""
    breaks = sum(1 for i in range(1, len(lines) - 1)
                 if _lone_tab(lines[i]) and not lines[i - 1].raw.strip() and not lines[i + 1].raw.strip())
    indented = sum(1 for line in lines if "\t" in line.raw and not _lone_tab(line))
    return breaks >= _MIN_BREAKS and indented * 4 < breaks


def _chunks(lines: list[Line]) -> list[list[Line]]:
    """Runs of lines separated by two or more empty lines."""
    out: list[list[Line]] = []
    current: list[Line] = []
    empties = 0
    for line in lines:
        if not line.raw.strip(" \ufeff"):  # a no-break space alone is an empty cell, not a gap
            empties += 1
            continue
        if empties >= 2 and current:
            out.append(current)
            current = []
        empties = 0
        # Footers and rules are dropped, but not by context: a bare number or a line between
        # empty lines is a cell here, not a page number or a running page header.
        if classify(line.raw)[0] != "drop":
            current.append(line)
    if current:
        out.append(current)
    return out


def _cell(lines: list[Line]) -> GridCell:
    texts: list[str] = []
    source: Source | None = None
    for line in lines:
        s, e = trim(line.raw)
        if s == e:
            continue
        texts.append(clean(line.raw[s:e]))
        if source is None:
            source = Source(line.no, (s, e))
    if source is None:  # an empty cell: its place is the break before it
        return GridCell("", Source(lines[0].no, (0, 0)) if lines else Source(0, (0, 0)))
    return GridCell("\n".join(texts), source)


def _is_value(text: str) -> bool:
    """A value cell's one paragraph: a number, a null mark, or an empty cell's no-break space."""
    return not text or text in _NULL_MARKS or bool(_NUMERIC.match(text))


def _outside(line: Line) -> bool:
    """A heading or a sentence: text around a table, not a cell's paragraph."""
    text = content(line)
    return bool(_HEADING.match(text)) or "。" in text or len(text) > 60


def _split_tabs(chunk: list[Line]) -> list[Line]:
    """Each tab a break of its own: a cell without paragraphs (plain text, or an empty cell
    holding nothing or a no-break space) sits on the line of its neighbours' breaks
    ("\t\u00a0\t\t", "规章\t0\t0\t"). A piece keeps its line and columns (blanked out to
    its left), so sources stay exact."""
    out: list[Line] = []
    for line in chunk:
        raw = line.raw
        if raw.count("\t") <= 1 and (_lone_tab(line) or "\t" not in raw):
            out.append(line)
            continue
        start = 0
        for k, part in enumerate(raw.split("\t")):
            if k:
                out.append(Line(line.no, "\t", "text"))
            if part.strip(" \u00a0\u3000"):
                out.append(Line(line.no, " " * start + part, line.kind))
            start += len(part) + 1
    return out


def _pieces(chunk: list[Line]) -> list[tuple[str, list]]:
    """The chunk as ("text", lines) and ("row", cells) in order. Rows are set off from the text
    around a table by one empty line only, like a cell's paragraphs: a heading or a sentence
    before a row's first cell, and what follows a cell that is a value, a heading or a sentence,
    are text around the table (a row may end there and the next one begin in the same chunk)."""
    cells: list[list[Line]] = [[]]
    for line in _split_tabs(chunk):
        if _lone_tab(line):
            cells.append([line])  # the break's line stands for an empty cell's place
        else:
            cells[-1].append(line)
    out: list[tuple[str, list]] = []
    row: list[list[Line]] = []

    def start(lines: list[Line]) -> None:
        cut = max((i + 1 for i, line in enumerate(lines[:-1]) if _outside(line)), default=0)
        if cut:
            out.append(("text", lines[:cut]))
        row.append(lines[cut:])

    start(cells[0])
    for k, cell in enumerate(cells[1:], 1):
        breaks = [ln for ln in cell if _lone_tab(ln)]
        lines = [ln for ln in cell if not _lone_tab(ln)]
        keep = len(lines)
        if lines and _outside(lines[0]) and (len(lines) > 1 or k == len(cells) - 1):
            keep = 0  # no cell after a tab is a section heading or a sentence: the cell was empty
        elif len(lines) > 1:
            keep = 1 if _is_value(content(lines[0])) else \
                next((i for i, line in enumerate(lines) if _outside(line)), len(lines))
        row.append(breaks + lines[:keep])
        tail = lines[keep:]
        if tail:
            out.append(("row", list(row)))
            row.clear()
            if k == len(cells) - 1:
                out.append(("text", tail))
            else:  # the text around the tables, then the next row's first cell
                cut = max((i + 1 for i, line in enumerate(tail) if _outside(line)), default=0)
                if cut:
                    out.append(("text", tail[:cut]))
                row.append(tail[cut:])
    if row:
        out.append(("row", list(row)))
    return out


def _paragraphs(lines: list[Line]) -> list[Block]:
    return [paragraph(line) for line in lines if content(line)]


def read_web_copy(lines: list[Line], name: str) -> Document:
    blocks: list[Block] = []
    rows: list[list[GridCell]] = []

    def close() -> None:
        if rows:
            blocks.append(Table(list(rows), Source(line=rows[0][0].source.line), blanks_reliable=True))
            rows.clear()

    for chunk in _chunks(lines):
        if not any(_lone_tab(line) for line in chunk):
            close()
            blocks.extend(_paragraphs(chunk))
            continue
        for kind, part in _pieces(chunk):
            if kind == "text":
                close()
                blocks.extend(_paragraphs(part))
            else:
                rows.append([_cell([ln for ln in c if not _lone_tab(ln)] or c) for c in part])
    close()
    return Document(name=name, form="web-copy", blocks=blocks)
