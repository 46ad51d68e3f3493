"""Plain text → `Document`: the text forms real reports come in, recognised region by region.

- **DOCX-extracted**: one table cell per line, led by a single tab; rows separated by blank lines;
  a line without the leading tab continues the current cell (vertical headers print one character
  per line); "[bookmark: …]" lines are dropped. Blank cells are reliable.
- **PDF-extracted**: one printed row per line, cells separated by tabs, cells lost or misplaced;
  rows may be interrupted by blank lines, "----\t----" rules and page furniture. Blank cells are
  not reliable (`Table.blanks_reliable=False`), empty strings are kept as cells — unless every
  row prints as many fields (a table extractor such as pdfplumber's) or as many after its last
  label (a browser's copy of an HTML table): then nothing was lost and blanks are blanks.
- **Browser copies of Word-exported pages** (cells broken by lone tabs): see `webcopy.py`.
- **Markdown** (pipe tables): see `markdown.py`.
- **Web-copied / crawled**: no tabs, no pipes; table rows run together on one line. These are
  emitted as paragraphs; the parser segments them by labels.

Everywhere page footers ("— 3 —", "第 3 页 共 9 页", a bare page number), running page headers and
form feeds are dropped; every other line keeps its exact text. Paragraphs are single lines,
stripped of surrounding whitespace. Every paragraph and cell carries `Source(line, span)`: the
1-based line and the [start, end) columns of its (first line of) text within that line.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from ..document import Block, Document, GridCell, Paragraph, Source, Table

LineKind = Literal["empty", "space", "text", "docx_cell", "tab_row", "pipe", "pipe_sep", "drop"]
Origin = Literal["docx", "pdf", "pipe"]

# Characters str.isspace() misses but that converters leave around text.
_EXTRA_SPACE = frozenset("\ufeff\u200b\u200c\u200d\u2060")
_BOOKMARK = re.compile(r"\[bookmark: [^\]\n]*\]")
_BOOKMARK_LINE = re.compile(r"^\s*(?:\[bookmark: [^\]\n]*\]\s*)+$")
_IMAGE_LINE = re.compile(r"^\s*!\[[^\]]*\]\([^)]*\)\s*$")
_PIPE_SEP = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_RULE_GROUP = re.compile(r"^(?:[-_=*─━]{3,}|[—–]{4,})$")  # "——" alone is a null mark, not a rule
_DASHES = "-—–－―─~～·•"
_FOOTER = re.compile(
    rf"^(?:[{_DASHES}]+\s*\d{{1,4}}\s*[{_DASHES}]+"  # — 3 —, - 3 -
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"  # 第3页, 第 3 页 共 9 页
    r"|共\s*\d{1,4}\s*页\s*[,，/、]?\s*第\s*\d{1,4}\s*页"  # 共9页 第3页
    r"|(?i:page)\s*\d{1,4}(?:\s*(?i:of)\s*\d{1,4})?"  # Page 3 of 9
    r"|(?P<num>\d{1,4})\s*/\s*(?P<of>\d{1,4}))$"  # 3 / 9
)
_BARE_NUMBER = re.compile(r"^\d{1,3}$")
_NUMERIC = re.compile(r"^[+\-−]?\d[\d,]*(?:\.\d+)?$")
# A value cell as printed: signed changes ("增 3", "减5") and units ("1245.95万元", "3件").
_VALUE_CELL = re.compile(r"^(?:[增减]\s*)?[+\-−]?\d[\d,]*(?:\.\d+)?\s*(?:亿元|万元|千元|元|件|个|项|条)?$")
_NULL_MARKS = frozenset(["—", "——", "-", "/", "／", "－", "无"])
# Numbered headings: a page header is never one, and a label fragment inside a PDF table never
# looks like a section heading.
_HEADING = re.compile(r"^(?:#{1,6}\s|[一二三四五六七八九十]+\s*[、.．]|\d{1,2}\s*、|第[一二三四五六七八九十]+[章节部])")
_MAX_HEADER_LEN = 40  # a running page header is a short line
_MIN_REPEAT_LEN = 6  # shorter repeated lines ("无") are content, not headers
_MAX_FRAGMENT_LEN = 12  # a label fragment PDF extraction put on its own line


@dataclass
class Line:
    """One line of the input with its structural kind."""

    no: int  # 1-based line number
    raw: str  # the line without its terminator
    kind: LineKind
    page_break: bool = False  # a footer, a page number or a form feed marks a page boundary


@dataclass
class Region:
    """A table the scanner recognised, with where it came from (for merging and `form`)."""

    table: Table
    origin: Origin
    ncols: int = 0  # pipe tables: the column count of the separator row


# --- characters and spans ---------------------------------------------------------------------

def is_space(ch: str) -> bool:
    return ch.isspace() or ch in _EXTRA_SPACE


@functools.lru_cache(maxsize=8192)  # table text repeats the same few cells ("\t0") hundreds of times
def trim(s: str, start: int = 0, end: int | None = None) -> tuple[int, int]:
    """The [start, end) range of s[start:end] without surrounding whitespace and bookmarks."""
    end = len(s) if end is None else end
    while True:
        while start < end and is_space(s[start]):
            start += 1
        while end > start and is_space(s[end - 1]):
            end -= 1
        m = _BOOKMARK.match(s, start, end)
        if m:
            start = m.end()
            continue
        tail = s.rfind("[bookmark: ", start, end)
        if tail >= 0 and s.endswith("]", start, end) and _BOOKMARK.fullmatch(s, tail, end):
            end = tail
            continue
        return start, end


@functools.lru_cache(maxsize=8192)
def clean(text: str) -> str:
    """Text of a span: form feeds and inline bookmarks removed, everything else verbatim."""
    return _BOOKMARK.sub("", text.replace("\x0c", ""))


def content(line: Line) -> str:
    s, e = trim(line.raw)
    return clean(line.raw[s:e])


# The characters `is_space` accepts (regex \s is str.isspace), for removing them in one pass.
_SPACE_RUN = re.compile("[\\s" + "".join(sorted(_EXTRA_SPACE)) + "]+")


def fold_space(text: str) -> str:
    return _SPACE_RUN.sub("", text)


# --- scanning ---------------------------------------------------------------------------------

def split_lines(text: str) -> list[str]:
    """Lines as an editor numbers them: \\r\\n, \\r and \\n end a line; form feeds do not."""
    return re.split(r"\r\n|\r|\n", text)


def is_footer(text: str) -> bool:
    """A page footer or page-number line (the bare-number case needs context: see `scan`)."""
    t = text.strip().strip("*_#").strip()
    m = _FOOTER.match(t)
    if not m:
        return False
    if m.group("num") is not None:  # "3 / 9": a page number only if it does not exceed the count
        return 0 < int(m.group("num")) <= int(m.group("of"))
    return True


def _is_rule(raw: str) -> bool:
    """A line of dashes (possibly tab-separated groups): a drawn table rule, not content."""
    groups = raw.replace("\x0c", " ").split()
    return bool(groups) and all(_RULE_GROUP.match(g) for g in groups)


def _tab_kind(raw: str) -> LineKind:
    """A line with a tab: a DOCX cell (one leading tab) or a PDF row (tabs between content)."""
    first = raw.index("\t")
    if raw.count("\t") == 1 and all(is_space(ch) for ch in raw[:first]):
        return "docx_cell"
    return "tab_row"


@functools.lru_cache(maxsize=8192)
def classify(raw: str) -> tuple[LineKind, bool]:
    """The kind of one line on its own, and whether it marks a page break."""
    feed = "\x0c" in raw
    if raw == "":
        return "empty", False
    if _BOOKMARK_LINE.match(raw) or _IMAGE_LINE.match(raw):
        return "drop", feed
    stripped = raw.strip()
    if stripped.startswith("|"):
        return ("pipe_sep" if _PIPE_SEP.match(raw) else "pipe"), feed
    if "\t" in raw:
        if "\t" not in stripped and is_footer(stripped):
            return "drop", True
        return ("drop" if _is_rule(raw) else _tab_kind(raw)), feed
    s, e = trim(raw)
    if s == e:
        return "space", feed
    if is_footer(clean(raw[s:e])):
        return "drop", True
    if _is_rule(raw):
        return "drop", feed
    return "text", feed


def scan(text: str) -> list[Line]:
    """Split and classify every line, then drop page numbers and running page headers."""
    lines = [Line(i, raw, *classify(raw)) for i, raw in enumerate(split_lines(text), 1)]
    _mark_page_numbers(lines)
    _mark_page_headers(lines)
    return lines


def _blank(line: Line) -> bool:
    return line.kind in ("empty", "space")


def _neighbour(lines: list[Line], i: int, step: int) -> Line | None:
    """The nearest line from i in direction step that is neither blank nor dropped."""
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].kind not in ("empty", "space", "drop"):
            return lines[j]
        j += step
    return None


def _mark_page_numbers(lines: list[Line]) -> None:
    """A bare number alone between blank lines is a page number, unless numbers surround it
    (then it is a value of a table printed one cell per line)."""
    for i, line in enumerate(lines):
        if line.kind != "text" or not _BARE_NUMBER.match(c := content(line)) or int(c) == 0:
            continue
        before = lines[i - 1] if i > 0 else None
        after = lines[i + 1] if i + 1 < len(lines) else None
        isolated = (before is None or _blank(before) or before.page_break or "\x0c" in line.raw) and (
            after is None or _blank(after) or after.raw.startswith("\x0c"))
        if not isolated:
            continue
        near = [_neighbour(lines, i, -1), _neighbour(lines, i, 1)]
        if any(n is not None and n.kind == "text" and _NUMERIC.match(content(n)) for n in near):
            continue
        line.kind, line.page_break = "drop", True


def _tableish(line: Line | None) -> bool:
    return line is not None and line.kind in ("docx_cell", "tab_row", "pipe", "pipe_sep")


def _header_like(text: str) -> bool:
    return len(text) <= _MAX_HEADER_LEN and "。" not in text and not _HEADING.match(text)


def _mark_page_headers(lines: list[Line]) -> None:
    """The first line of a page is a running header when it repeats an earlier line (the report
    title printed on every page) or when it interrupts a table that continues after it."""
    seen: set[str] = set()
    breaks = {i for i, line in enumerate(lines) if line.page_break}
    for i, line in enumerate(lines):
        if i in breaks:
            # pdftotext puts the form feed on the first line of the next page
            cand = i if line.kind == "text" else next(
                (j for j in range(i + 1, len(lines)) if lines[j].kind not in ("empty", "space", "drop")), None)
            if cand is not None:
                _maybe_header(lines, i, cand, seen)
        if line.kind == "text":
            seen.add(_repeat_key(content(line)))


def _repeat_key(text: str) -> str:
    """Comparable form of a line for spotting repeats ("# 标题" and "标题" are the same line)."""
    return fold_space(text).strip("#*_")


def _maybe_header(lines: list[Line], brk: int, cand: int, seen: set[str]) -> None:
    line = lines[cand]
    if line.kind != "text":
        return
    text = content(line)
    if not _header_like(text):
        return
    key = _repeat_key(text)
    repeated = len(key) >= _MIN_REPEAT_LEN and key in seen
    inside_table = _tableish(_neighbour(lines, brk, -1)) and _tableish(_neighbour(lines, cand, 1))
    if repeated or inside_table:
        line.kind = "drop"


# --- blocks -----------------------------------------------------------------------------------

def paragraph(line: Line) -> Paragraph:
    s, e = trim(line.raw)
    return Paragraph(clean(line.raw[s:e]), Source(line=line.no, span=(s, e)))


@functools.lru_cache(maxsize=8192)
def _cell_start_of(raw: str) -> int | None:
    """Where a DOCX cell's text starts, if the line (a DOCX cell or tab row: it holds a tab)
    opens a cell with its leading tab. Cells recur: remembered by text."""
    first = raw.index("\t")
    return first + 1 if all(is_space(ch) for ch in raw[:first]) else None


@functools.lru_cache(maxsize=8192)
def _piece_of(raw: str, start: int) -> tuple[int, int, str]:
    """A cell's piece of one line: its trimmed span and its clean text."""
    s, e = trim(raw, start)
    return s, e, clean(raw[s:e])


def read_docx_table(lines: list[Line], i: int) -> tuple[int, Table]:
    """Read a DOCX-extracted table starting at lines[i]; return the index after it."""
    # A cell is the list of its pieces (line, start, end, clean text): usually one line.
    rows: list[list[list[tuple[int, int, int, str]]]] = []
    row: list[list[tuple[int, int, int, str]]] | None = None
    cell: list[tuple[int, int, int, str]] | None = None
    after_blank = False
    j = i
    n = len(lines)
    while j < n:
        line = lines[j]
        kind = line.kind
        start = _cell_start_of(line.raw) if kind == "docx_cell" or kind == "tab_row" else None
        if kind == "drop":
            pass
        elif kind == "empty" or (kind == "space" and (cell is None or after_blank)):
            row, cell, after_blank = None, None, True
        elif kind == "space":
            cell.append((line.no, *_piece_of(line.raw, 0)))  # type: ignore[union-attr]  # nbsp-only line: the cell goes on
        elif start is not None:
            if row is None:
                row = []
                rows.append(row)
            cell = [(line.no, *_piece_of(line.raw, start))]
            row.append(cell)
            after_blank = False
        elif (kind == "text" or kind == "tab_row") and cell is not None and not after_blank:
            cell.append((line.no, *_piece_of(line.raw, 0)))  # continuation: vertical headers, labels wrapped in the cell
        else:
            break  # a paragraph after a blank line (the next section heading) ends the table
        j += 1
    grid = [[_grid_cell(c) for c in r] for r in rows]
    return j, Table(grid, Source(line=lines[i].no), blanks_reliable=True)


def _grid_cell(pieces: list[tuple[int, int, int, str]]) -> GridCell:
    """A cell of one or more lines: their texts joined by newlines, its source the first line
    with text (or the first line)."""
    if len(pieces) == 1:
        no, s, e, text = pieces[0]
        return GridCell(text, Source(no, (s, e)))
    text = "\n".join(t for _, _, _, t in pieces if t)
    no, s, e, _ = next((p for p in pieces if p[3]), pieces[0])
    return GridCell(text, Source(no, (s, e)))


def _split_row(line: Line) -> list[GridCell]:
    no = line.no
    return [GridCell(text, Source(no, (s, e))) for s, e, text in _row_parts(line.raw)]


@functools.lru_cache(maxsize=8192)
def _row_parts(raw: str) -> tuple[tuple[int, int, str], ...]:
    """The trimmed span and clean text of each tab-separated field of a row."""
    parts = []
    pos = 0
    for part in raw.split("\t"):
        end = pos + len(part)
        if part and not is_space(part[0]) and not is_space(part[-1]) and "[" not in part \
                and "\x0c" not in part:
            parts.append((pos, end, part))  # nothing to trim, nothing to clean
        else:
            s, e = trim(raw, pos, end)
            parts.append((s, e, clean(raw[s:e])))
        pos = end + 1
    return tuple(parts)


def _label_fragment(lines: list[Line], j: int) -> bool:
    """A short tab-less line between PDF rows: part of a label split across lines."""
    text = content(lines[j])
    if len(text) > _MAX_FRAGMENT_LEN or "。" in text or _HEADING.match(text):
        return False
    before, after = _neighbour(lines, j, -1), _neighbour(lines, j, 1)
    touching = any(0 <= k < len(lines) and lines[k].kind in ("tab_row", "docx_cell") for k in (j - 1, j + 1))
    return touching and _tableish(before) and _tableish(after)


def read_pdf_table(lines: list[Line], i: int) -> tuple[int, Table]:
    """Read PDF-extracted tab rows starting at lines[i], across blank lines, rules and page
    furniture; return the index after the last row."""
    rows: list[list[GridCell]] = []
    widths: set[int] = set()  # fields per row; a label fragment counts as a width of its own
    trailing: set[int] = set()  # value fields after the labels of rows that print numbers
    j = end = i
    while j < len(lines):
        line = lines[j]
        if line.kind in ("tab_row", "docx_cell"):
            cells = _split_row(line)
            if rows:
                cells, j = _paragraph_cells(lines, j, cells, rows, widths, trailing)
            if any(c.text for c in cells):
                rows.append(cells)
                widths.add(len(cells))
                if any(_VALUE_CELL.match(c.text) for c in cells) and (t := _trailing(cells)) is not None:
                    trailing.add(t)
            end = j + 1
        elif line.kind == "text" and _label_fragment(lines, j):
            p = paragraph(line)
            rows.append([GridCell(p.text, p.source)])
            widths.add(1)
            end = j + 1
        elif line.kind not in ("empty", "space", "drop"):
            break
        j += 1
    # A table extractor that keeps every cell in place (pdfplumber's tables: one field per grid
    # column, empty fields for blank and merged cells) prints every row with as many fields;
    # text that lost or collapsed cells does not. Only the former's blanks can be trusted.
    whole = len(rows) >= 3 and len(widths) == 1 and min(widths) >= 4
    return end, Table(rows, Source(line=lines[i].no), blanks_reliable=whole or _complete(rows),
                      columns_aligned=whole)


def _paragraph_cells(lines: list[Line], j: int, cells: list[GridCell], rows: list[list[GridCell]],
                     widths: set[int], trailing: set[int]) -> tuple[list[GridCell], int]:
    """A browser's copy of a plain table breaks a row whose cell holds a paragraph
    (`<td><p>0</p></td>`: "…\t0\t" / empty / "0" / empty / "\t\t5\t…") or a line break
    (`<td>&nbsp;<br></td>`: "…\t0\t" / "\t\u00a0\t5"). The row read whole, when the rows before
    it agree on their value fields and it then has as many (or, before any, as many fields as a
    row before it): (cells, index of its last line); else `cells` and j."""
    got, k = cells, j
    joined = False  # the row went on after a break (rather than ending with a paragraph)
    while lines[k].raw.endswith("\t") and lines[k].raw.strip():
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        if nxt is not None and nxt.kind in ("tab_row", "docx_cell") and nxt.raw.startswith("\t"):
            # A line break inside a cell: the two halves of the cell are one cell.
            rest = _split_row(nxt)
            head, tail = got[-1], rest[0]
            text = "\n".join(t for t in (head.text, tail.text) if t)
            got, k = got[:-1] + [GridCell(text, head.source if head.text or not tail.text
                                          else tail.source)] + rest[1:], k + 1
            joined = True
            continue
        if not (k + 3 < len(lines) and lines[k + 1].kind == "empty" and lines[k + 3].kind == "empty"):
            break
        mid = lines[k + 2]
        # A lone number between empty lines was taken for a page number: look at it as printed.
        text = content(mid)
        if classify(mid.raw)[0] != "text" or not (_VALUE_CELL.match(text) or text in _NULL_MARKS):
            break
        cell = GridCell(text, Source(mid.no, trim(mid.raw)))
        after = lines[k + 4] if k + 4 < len(lines) else None
        if after is not None and after.kind in ("tab_row", "docx_cell") and after.raw.startswith("\t"):
            got, k = got[:-1] + [cell] + _split_row(after)[1:], k + 4  # the row goes on
            joined = True
        else:
            got, k = got[:-1] + [cell], k + 2  # the paragraph was the row's last cell
            break
    if k == j:
        return cells, j
    if not joined and lines[k].kind == "text" and \
            (len(got) in widths or _trailing(got) in trailing):
        # Only the row's last cell was a paragraph, not taken for a page number
        # ("政府集中采购\t2\t" / empty / "1245.95万元"): its place was the row's last field.
        return got, k
    if len(trailing) > 1:
        return cells, j  # rows of differing widths (PDF text): left alone
    if trailing and _trailing(got) is not None:
        # A copy of an HTML table keeps every cell: the row read whole has the value fields
        # every row before it has, and as first read it had not (unless the paragraph was its
        # last cell, which leaves the count as it was).
        common = next(iter(trailing))
        if _trailing(got) != common or (joined and _trailing(cells) == common):
            return cells, j
    elif len(got) not in widths and not (
            # A row without labels (table 4's numbers) under header rows alone: at least as
            # wide as they are (merged header cells print fewer fields).
            _trailing(got) is None and len(got) >= max(widths, default=0)
            and not any(_VALUE_CELL.match(c.text) for r in rows for c in r)):
        return cells, j
    return got, k


def _trailing(row: list[GridCell]) -> int | None:
    """Fields after the row's last text field (its value cells, empty ones included); None for
    a row without one (its label printed on another line, or table 4's row of numbers)."""
    texts = [c.text for c in row]
    last_label = max((k for k, t in enumerate(texts) if t and not _VALUE_CELL.match(t)
                      and t not in _NULL_MARKS), default=None)
    return None if last_label is None else len(texts) - 1 - last_label


def _complete(rows: list[list[GridCell]]) -> bool:
    """Every row that prints a number has as many fields after its last text field: a copy of
    an HTML table (merged label cells printed once, so rows differ in width on the left only)
    that kept every value cell, empty ones included."""
    trailing: set[int] = set()
    numeric_rows = 0
    for row in rows:
        texts = [c.text for c in row]
        if not any(_NUMERIC.match(t) for t in texts):
            continue
        numeric_rows += 1
        last_label = max((k for k, t in enumerate(texts) if t and not _NUMERIC.match(t)
                          and t not in _NULL_MARKS), default=-1)
        trailing.add(len(texts) - 1 - last_label)
    return len(trailing) == 1 and min(trailing) >= 2 and numeric_rows >= 3


def _docx_mode(lines: list[Line]) -> bool:
    """DOCX form dominates when single-leading-tab lines outnumber tab-separated rows."""
    docx = sum(1 for line in lines if line.kind == "docx_cell")
    pdf = sum(1 for line in lines if line.kind == "tab_row")
    return docx >= pdf


def scan_blocks(lines: list[Line], markdown: bool = False) -> list[Block | Region]:
    """Paragraphs and table regions in reading order."""
    from . import markdown as md  # markdown.py builds on this module

    docx = _docx_mode(lines)
    blank_cells = not markdown and _one_cell_per_line(lines)
    out: list[Block | Region] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if blank_cells and line.kind in ("empty", "space") and _beside_a_value(lines, i):
            out.append(Paragraph("", Source(line.no, (0, 0))))  # a blank cell, kept in its place
            i += 1
        elif line.kind in ("pipe", "pipe_sep") and markdown:
            i, region = md.read_pipe_table(lines, i)
            out.append(region)
        elif markdown and line.kind == "text" and md.opens_html_table(line.raw) and \
                (html_table := md.read_html_table(lines, i))[1].table.rows:
            i, region = html_table
            out.append(region)
        elif line.kind == "docx_cell" and docx:
            i, table = read_docx_table(lines, i)
            out.append(Region(table, "docx"))
        elif line.kind in ("tab_row", "docx_cell"):
            i, table = read_pdf_table(lines, i)
            if table.rows:  # rows of bare tabs carry nothing
                out.append(Region(table, "pdf"))
        else:
            if line.kind in ("text", "pipe", "pipe_sep"):
                out.append(md.paragraph(line) if markdown else paragraph(line))
            i += 1
    return out


def _value_line(line: Line | None) -> bool:
    if line is None or line.kind != "text":
        return False
    text = content(line)
    return bool(_NUMERIC.match(text)) or text in _NULL_MARKS


def _one_cell_per_line(lines: list[Line]) -> bool:
    """A word processor's text export (LibreOffice's "Text"): no tabs, a table cell per line, a
    blank cell as an empty line — empty lines between the values of one row."""
    if any(line.kind in ("tab_row", "docx_cell", "pipe") for line in lines):
        return False
    values = [i for i, line in enumerate(lines) if _value_line(line)]
    gaps = sum(1 for a, b in zip(values, values[1:])
               if b - a > 1 and all(lines[k].kind in ("empty", "space") for k in range(a + 1, b)))
    return len(values) >= 20 and gaps >= 3


def _beside_a_value(lines: list[Line], i: int) -> bool:
    """An empty line right after a value or right before one: a blank cell of a row, not the
    space between paragraphs."""
    return _value_line(_neighbour(lines, i, -1)) or _value_line(_neighbour(lines, i, 1))


def _form(regions: list[Region], markdown: bool) -> str:
    rows = {origin: sum(len(r.table.rows) for r in regions if r.origin == origin)
            for origin in ("docx", "pdf", "pipe")}
    if markdown or rows["pipe"]:
        return "markdown"
    if not rows["docx"] and not rows["pdf"]:
        return "web-text"
    return "docx-text" if rows["docx"] >= rows["pdf"] else "pdf-text"


def read_text(text: str, name: str) -> Document:
    """Read extracted, copied or converted report text into paragraphs and table grids."""
    from . import markdown as md

    from . import webcopy

    lines = scan(text)
    if webcopy.is_web_copy(lines):
        return webcopy.read_web_copy(lines, name)
    return build(lines, name, md.is_markdown(lines, name))


def build(lines: list[Line], name: str, markdown: bool) -> Document:
    """The document of scanned lines; `markdown` selects pipe tables and markup removal."""
    from . import markdown as md

    items = scan_blocks(lines, markdown)
    if markdown:
        items = md.merge_fragments(items)
    regions = [it for it in items if isinstance(it, Region)]
    blocks: list[Block] = [it.table if isinstance(it, Region) else it for it in items]
    return Document(name=name, form=_form(regions, markdown), blocks=blocks)
