"""Markdown (typically converted from PDF) → paragraphs and pipe-table grids.

`read_text` switches to this module when the text has pipe tables (a `| a | b |` row next to a
`|---|` separator), ATX headings without tab tables, or a `.md` name. What it adds to the plain
text reader:

- pipe rows split on unescaped `|`; `<br>` inside a cell becomes "\\n"; `**`/`__` emphasis,
  backslash escapes ("1\\." → "1.") and HTML entities are undone; separator rows are dropped;
- paragraphs lose their heading marks ("## 一、总体情况") and emphasis;
- raw HTML `<table>` blocks (MinerU writes tables with merged cells so) are read as grids, merged
  cells expanded as the HTML reader does;
- table fragments a PDF converter split at page breaks are merged again: consecutive pipe tables
  with the same column count and nothing between them but blank lines and page furniture (footers,
  page numbers, running headers: dropped by `text.scan`) are one table, and the header rows a
  converter repeats at the top of the next page are dropped.

Blank cells are reliable. Spans point at the source text of a cell or paragraph without its
surrounding markup; inner markup (`<br>`, `**`, escapes) is inside the span but not in the text.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import PurePath

from ..document import Block, Document, GridCell, Paragraph, Source, Table
from ..values import is_null_mark, looks_numeric
from .text import Line, Region, build, clean, fold_space, scan, trim

_ATX_OPEN = re.compile(r"#{1,6}(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_QUOTE = re.compile(r">[ \t]?")
_INLINE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])|\*\*|__|<br\s*/?>", re.IGNORECASE)
_WRAPPERS = ("**", "__")
_MAX_HEADER_ROWS = 6  # header rows of a report table: at most caption + three header lines
_MIN_HEADINGS = 2
SUFFIXES = (".md", ".markdown")


def is_markdown(lines: list[Line], name: str) -> bool:
    """Pipe tables present, or a Markdown name, or headings in a text without tab tables."""
    if PurePath(name).suffix.lower() in SUFFIXES:
        return True
    for i, line in enumerate(lines):
        if line.kind == "pipe_sep" and any(
                0 <= j < len(lines) and lines[j].kind == "pipe" for j in (i - 1, i + 1)):
            return True
    if any(line.kind in ("docx_cell", "tab_row") for line in lines):
        return False
    headings = sum(1 for line in lines if line.kind == "text" and _ATX_OPEN.match(line.raw.lstrip()))
    return headings >= _MIN_HEADINGS


def _inline(text: str) -> str:
    """Undo inline markup: escapes, emphasis marks, <br>, entities."""
    def repl(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        return "\n" if m.group(0).startswith("<") else ""

    return clean(html.unescape(_INLINE.sub(repl, text)))


def _unwrap(raw: str, s: int, e: int) -> tuple[int, int]:
    """Narrow [s, e) past block markup: heading marks, a quote mark, wrapping emphasis."""
    while s < e:
        m = _ATX_OPEN.match(raw, s, e) or _QUOTE.match(raw, s, e)
        if m:
            s = m.end()
            if m.re is _ATX_OPEN and (c := _ATX_CLOSE.search(raw, s, e)):
                e = c.start()
        else:
            marker = next((w for w in _WRAPPERS
                           if raw.startswith(w, s) and raw.endswith(w, s, e) and e - s > 2 * len(w)), None)
            if marker is None:
                return s, e
            s, e = s + len(marker), e - len(marker)
        s, e = trim(raw, s, e)
    return s, e


def paragraph(line: Line) -> Paragraph:
    s, e = _unwrap(line.raw, *trim(line.raw))
    # paragraphs are single lines: a <br> inside one joins its parts (Chinese uses no spaces)
    text = "".join(_strip(p) for p in _inline(line.raw[s:e]).split("\n"))
    return Paragraph(text, Source(line=line.no, span=(s, e)))


def _cell_bounds(raw: str) -> list[tuple[int, int]]:
    """[start, end) of each cell of a pipe row, split on unescaped pipes."""
    s, e = trim(raw)
    if raw.startswith("|", s):
        s += 1
    if e > s and raw[e - 1] == "|" and raw[e - 2] != "\\":
        e -= 1
    bounds: list[tuple[int, int]] = []
    if raw.find("\\", s, e) < 0:  # no escapes: every pipe ends a cell (found in C)
        start = s
        k = raw.find("|", s, e)
        while k >= 0:
            bounds.append((start, k))
            start = k + 1
            k = raw.find("|", start, e)
        bounds.append((start, e))
        return bounds
    start = k = s
    while k < e:
        if raw[k] == "\\":
            k += 2
            continue
        if raw[k] == "|":
            bounds.append((start, k))
            start = k + 1
        k += 1
    bounds.append((start, e))
    return bounds


def _strip(text: str) -> str:
    s, e = trim(text)
    return text[s:e]


@functools.lru_cache(maxsize=8192)  # tables repeat the same few cells (" 0 ", "") many times
def _cell_content(segment: str) -> tuple[int, int, str]:
    """A cell's text and its [start, end) within `segment`, markup removed."""
    s, e = _unwrap(segment, *trim(segment))
    parts = (_strip(p) for p in _inline(segment[s:e]).split("\n"))
    return s, e, "\n".join(p for p in parts if p)


def read_pipe_table(lines: list[Line], i: int) -> tuple[int, Region]:
    """Read one pipe-table fragment (consecutive pipe lines) starting at lines[i]."""
    rows: list[list[GridCell]] = []
    ncols = 0
    j = i
    while j < len(lines) and lines[j].kind in ("pipe", "pipe_sep"):
        line = lines[j]
        bounds = _cell_bounds(line.raw)
        if line.kind == "pipe_sep":
            ncols = ncols or len(bounds)
        else:
            raw, no = line.raw, line.no
            rows.append([GridCell(text, Source(no, (s + ds, s + de)))
                         for s, e in bounds for ds, de, text in (_cell_content(raw[s:e]),)])
        j += 1
    ncols = ncols or max((len(r) for r in rows), default=0)
    table = Table(rows, Source(line=lines[i].no), blanks_reliable=True, columns_aligned=True)
    return j, Region(table, "pipe", ncols)


def _row_key(row: list[GridCell]) -> tuple[str, ...]:
    return tuple(fold_space(c.text) for c in row)


def _has_value(row: list[GridCell]) -> bool:
    return any(looks_numeric(c.text) and not is_null_mark(c.text) for c in row)


def header_rows(rows: list[list[GridCell]]) -> list[list[GridCell]]:
    """The leading rows of a table that hold labels only (no printed number)."""
    out: list[list[GridCell]] = []
    for row in rows[:_MAX_HEADER_ROWS]:
        if _has_value(row):
            break
        out.append(row)
    return out


def drop_repeated_header(first: list[list[GridCell]], cont: list[list[GridCell]]) -> list[list[GridCell]]:
    """`cont` without the leading rows that repeat header rows of the table `first` starts."""
    keys = {_row_key(r) for r in header_rows(first)}
    k = 0
    while k < len(cont) and any(c.text for c in cont[k]) and _row_key(cont[k]) in keys:
        k += 1
    return cont[k:]


def merge_fragments(items: list[Block | Region]) -> list[Block | Region]:
    """Join pipe-table fragments that continue each other (see the module docstring)."""
    out: list[Block | Region] = []
    for it in items:
        prev = out[-1] if out else None
        if (isinstance(it, Region) and isinstance(prev, Region) and it.origin == prev.origin == "pipe"
                and it.ncols == prev.ncols):
            prev.table.rows.extend(drop_repeated_header(prev.table.rows, it.table.rows))
        else:
            out.append(it)
    return out


# --- raw HTML tables (MinerU and other PDF→Markdown converters write merged-cell tables so) ----

_TABLE_OPEN = re.compile(r"<table[\s>]", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
_MAX_SPAN = 64  # a rowspan/colspan beyond any report table's size is a typo, not a span


def opens_html_table(raw: str) -> bool:
    """A line that starts a raw HTML `<table>` block (possibly after `<html><body>`)."""
    return _TABLE_OPEN.search(raw) is not None


def read_html_table(lines: list[Line], i: int) -> tuple[int, Region]:
    """Read a raw `<table>…</table>` block starting at lines[i] (on one line or several) as a
    grid: rowspan/colspan expanded, the copies of a merged cell `spanned`, as the HTML reader
    does; cell text as printed (`<br>` and `<p>` breaks kept as "\n"). Returns the index after
    the block's last line. Sources point at the cell's text in its line when it is found there
    verbatim, else at the `<table>` tag."""
    from lxml import html as lxml_html  # only Markdown with raw tables needs it

    j = i
    while j < len(lines) and not _TABLE_CLOSE.search(lines[j].raw):
        j += 1
    last = j if j < len(lines) else i  # never closed: the opening line alone, not the whole rest
    block = [lines[k] for k in range(i, last + 1)]
    start = _TABLE_OPEN.search(block[0].raw).start()  # type: ignore[union-attr]
    text = "\n".join(line.raw for line in block)[start:]
    end = _TABLE_CLOSE.search(text)
    text = text[:end.end()] if end else text
    rows: list[list[GridCell]] = []
    try:
        table = lxml_html.fragment_fromstring(text)
    except Exception:  # lxml raises several kinds on broken markup: read the block as text
        table = None
    if table is not None and table.tag == "table":
        rows = _html_grid(table, block, start)
    ncols = max((len(r) for r in rows), default=0)
    region_table = Table(rows, Source(line=block[0].no, span=(start, len(block[0].raw))),
                         blanks_reliable=True, columns_aligned=True)
    return last + 1, Region(region_table, "pipe", ncols)


def _html_cell_text(td) -> str:  # type: ignore[no-untyped-def]
    """The cell's text: line breaks at <br> and between paragraphs, each line trimmed."""
    for br in td.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for p in td.iter("p", "div"):
        p.tail = "\n" + (p.tail or "")
    parts = (_strip(part) for part in td.text_content().split("\n"))
    return "\n".join(part for part in parts if part)


def _html_grid(table, block: list[Line], start: int) -> list[list[GridCell]]:  # type: ignore[no-untyped-def]
    """The table's rows (nested tables' rows excluded) with merged cells expanded."""
    rows = [tr for tr in table.iter("tr") if next(tr.iterancestors("table"), None) is table]
    taken: dict[tuple[int, int], GridCell] = {}  # positions a rowspan from above fills
    grid: list[list[GridCell]] = []
    cursor = [0, start]  # where to look for the next cell's text: block line, column
    for r, tr in enumerate(rows):
        out: list[GridCell] = []
        c = 0
        for td in (el for el in tr if el.tag in ("td", "th")):
            while (r, c) in taken:
                out.append(taken.pop((r, c)))
                c += 1
            text = _html_cell_text(td)
            cell = GridCell(text, _locate(block, cursor, text, start))
            rowspan = _span(td.get("rowspan"))
            colspan = _span(td.get("colspan"))
            for dc in range(colspan):
                out.append(cell if dc == 0 else GridCell(text, cell.source, True))
                for dr in range(1, rowspan):
                    taken[(r + dr, c + dc)] = GridCell(text, cell.source, True)
            c += colspan
        while (r, c) in taken:
            out.append(taken.pop((r, c)))
            c += 1
        grid.append(out)
    return grid


def _span(value: str | None) -> int:
    m = re.match(r"\s*(\d+)", value or "")
    return min(max(int(m.group(1)), 1), _MAX_SPAN) if m else 1


def _locate(block: list[Line], cursor: list[int], text: str, start: int) -> Source:
    """The source of a cell's first line of text, searched for from the previous cell on."""
    first = text.split("\n", 1)[0]
    if first:
        for k in range(cursor[0], len(block)):
            at = block[k].raw.find(first, cursor[1] if k == cursor[0] else 0)
            if at >= 0:
                cursor[0], cursor[1] = k, at + len(first)
                return Source(block[k].no, (at, at + len(first)))
    return Source(block[0].no, (start, start))


def read_markdown(text: str, name: str) -> Document:
    """Read `text` as Markdown whatever it looks like."""
    return build(scan(text), name, markdown=True)
