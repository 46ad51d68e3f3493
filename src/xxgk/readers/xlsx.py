"""XLSX workbook → Document: a report workbook (the one `xxgk render --to xlsx` writes, filled in
Excel, WPS or LibreOffice, or any workbook holding a report) read as paragraphs and table grids.

- Visible sheets only, starting with the first. Each sheet is cut into runs of consecutive
  non-empty rows; a run where two or more rows have two or more filled cells is a table (a
  rectangular grid over the run's columns, merged cells expanded: the copies `spanned=True` with
  the origin's text, blank cells reliable, columns aligned); any other run is one paragraph per
  filled cell, row by row.
- A paragraph row that links to another sheet of the workbook (an internal hyperlink, as the
  narrative sheet of a rendered workbook has under 二、三、四) is replaced by that sheet's content,
  so tables come where the report prints them; sheets nothing links to follow at the end.
- Cell text: numbers as printed digits (no float noise), dates as "2024年1月20日", text as is.
  Formulas give their cached result; a workbook written by a program and never opened has none,
  so the formula is evaluated (`xlsx_formula`); a formula that cannot be evaluated keeps its text
  ("=…"): the reader never makes up a number.

Sources are "<sheet>!<cell>" paths ("表三!D5"). Every problem is a `ReadError`: not a ZIP, corrupt,
a zip bomb (`zipsafe`), not a workbook, a workbook without text.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from openpyxl.utils.cell import get_column_letter, range_boundaries

from ..document import Block, Document, GridCell, Paragraph, Source, Table
from ..errors import ReadError
from .xlsx_formula import MAX_DEPTH, Ref, Scalar, Unsupported, evaluate
from .zipsafe import open_zip, read_member

WORKBOOK_PART = "xl/workbook.xml"
MAX_ROWS = 5000  # a report sheet has a few dozen rows; formatting can claim a million
MAX_COLS = 200
CORRUPT = "XLSX 工作簿已损坏或格式无效 / the XLSX workbook is corrupt or invalid"
NOT_XLSX = "ZIP 压缩包不是 Excel 工作簿（缺少 xl/workbook.xml）/ a ZIP archive but not an XLSX workbook"
NO_TEXT = "工作簿中没有内容 / the workbook has no content"


def is_workbook(data: bytes) -> bool:
    """Whether `data` is an OOXML spreadsheet (a ZIP holding xl/workbook.xml, no Word part)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError, EOFError, OSError, NotImplementedError):
        return False
    return WORKBOOK_PART in names and "word/document.xml" not in names


@dataclass
class _Cell:
    text: str
    coord: str
    link: str | None = None  # the sheet an internal hyperlink points at


@dataclass
class _Sheet:
    name: str
    rows: list[list[_Cell | None]]  # None: covered by a merged cell (see `origin`)
    origin: dict[tuple[int, int], tuple[int, int]]  # covered position → its merge origin


def _number_text(v: float | int) -> str:
    if isinstance(v, int) or float(v).is_integer():
        return str(int(v))
    return format(Decimal(repr(v)).normalize(), "f")


def _scalar_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float)):
        return _number_text(v)
    if isinstance(v, dt.datetime):
        return f"{v.year}年{v.month}月{v.day}日"
    if isinstance(v, dt.date):
        return f"{v.year}年{v.month}月{v.day}日"
    return str(v)


Grid = dict[tuple[int, int], object]  # (row, column), 1-based → the cell's stored value


@dataclass
class _Part:
    """What openpyxl's fast read-only mode leaves out, read from the sheet's XML."""

    merges: list[tuple[int, int, int, int]]  # min_row, min_col, max_row, max_col
    links: dict[tuple[int, int], str]  # cell → internal link location ("'表三'!A1")


class _Values:
    """Cell values of a workbook: cached formula results, or the formula evaluated."""

    def __init__(self, formulas: dict[str, Grid], cached: dict[str, Grid]):
        self.formulas = formulas  # as stored: a formula is its text "=…"
        self.cached = cached  # the last results the saving application stored
        self.depth = 0
        self.memo: dict[Ref, Scalar] = {}

    def scalar(self, ref: Ref) -> Scalar:
        """The value a formula sees at `ref`."""
        if ref in self.memo:
            return self.memo[ref]
        if ref.sheet not in self.formulas:
            raise Unsupported(f"no sheet {ref.sheet}")
        raw = self.formulas[ref.sheet].get((ref.row, ref.col))
        if isinstance(raw, str) and raw.startswith("="):
            cached = self.cached.get(ref.sheet, {}).get((ref.row, ref.col))
            value: Scalar = cached if cached is not None else self._evaluate(raw, ref.sheet)  # type: ignore[assignment]
        elif isinstance(raw, (dt.date, dt.datetime, dt.time)):
            value = _scalar_text(raw)
        elif isinstance(raw, int) and not isinstance(raw, bool):
            value = float(raw)
        else:
            value = raw  # type: ignore[assignment]
        if value == "":
            value = None
        self.memo[ref] = value
        return value

    def _evaluate(self, formula: str, sheet: str) -> Scalar:
        if self.depth >= MAX_DEPTH:
            raise Unsupported("formulas nested too deeply (a cycle?)")
        self.depth += 1
        try:
            return evaluate(formula, sheet, self.scalar)
        finally:
            self.depth -= 1

    def text(self, sheet: str, row: int, col: int) -> str:
        raw = self.formulas[sheet].get((row, col))
        if isinstance(raw, str) and raw.startswith("="):
            try:
                return _scalar_text(self.scalar(Ref(sheet, row, col)))
            except (Unsupported, RecursionError):
                return raw  # the formula itself: never a made-up number
        return _scalar_text(raw)


def _link_sheet(location: str, sheets: list[str]) -> str | None:
    """The sheet an internal link location names: "'表三'!A1", "表三!A1", LibreOffice's "表三.A1"."""
    location = location.lstrip("#")
    for sep in ("!", "."):
        if sep in location:
            name = location.rsplit(sep, 1)[0]
            name = name[1:-1].replace("''", "'") if name.startswith("'") else name
            if name in sheets:
                return name
    return location if location in sheets else None


def _sheet(title: str, grid: Grid, part: _Part, values: _Values, sheets: list[str]) -> _Sheet:
    nrows = min(max((r for r, _ in grid), default=0), MAX_ROWS)
    ncols = min(max((c for _, c in grid), default=0), MAX_COLS)
    origin: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in part.merges:
        nrows, ncols = max(nrows, min(r1, MAX_ROWS)), max(ncols, min(c1, MAX_COLS))
        for r in range(r0, min(r1, MAX_ROWS) + 1):
            for c in range(c0, min(c1, MAX_COLS) + 1):
                if (r, c) != (r0, c0):
                    origin[(r, c)] = (r0, c0)
    rows: list[list[_Cell | None]] = []
    for r in range(1, nrows + 1):
        line: list[_Cell | None] = []
        for c in range(1, ncols + 1):
            if (r, c) in origin:
                line.append(None)
                continue
            link = part.links.get((r, c))
            line.append(_Cell(values.text(title, r, c).strip(), f"{get_column_letter(c)}{r}",
                              _link_sheet(link, sheets) if link else None))
        rows.append(line)
    return _Sheet(title, rows, origin)


def _text_at(sheet: _Sheet, r: int, c: int) -> str:
    """The text at a 0-based position; a merged cell's copies show the origin's text."""
    cell = sheet.rows[r][c]
    if cell is None:
        orow, ocol = sheet.origin[(r + 1, c + 1)]
        cell = sheet.rows[orow - 1][ocol - 1]
    return cell.text if cell is not None else ""


def _filled(row: list[_Cell | None]) -> list[_Cell]:
    return [c for c in row if c is not None and c.text]


def _runs(sheet: _Sheet) -> list[tuple[int, int]]:
    """[start, end) row ranges of consecutive rows holding something (text or a merged copy of
    text)."""
    out: list[tuple[int, int]] = []
    start = None
    for i, row in enumerate(sheet.rows):
        busy = bool(_filled(row)) or any(
            c is None and _text_at(sheet, i, j) for j, c in enumerate(row))
        if busy and start is None:
            start = i
        elif not busy and start is not None:
            out.append((start, i))
            start = None
    if start is not None:
        out.append((start, len(sheet.rows)))
    return out


class _Builder:
    def __init__(self, sheets: dict[str, _Sheet]):
        self.sheets = sheets
        self.emitted: set[str] = set()
        self.blocks: list[Block] = []

    def sheet(self, name: str) -> None:
        self.emitted.add(name)
        sheet = self.sheets[name]
        for start, end in _runs(sheet):
            # A table has rows of several cells; one such row (a note typed beside the
            # narrative) does not make the narrative a table.
            if sum(len(_filled(sheet.rows[i])) >= 2 for i in range(start, end)) >= 2:
                self.table(sheet, start, end)
                continue
            for i in range(start, end):
                for cell in _filled(sheet.rows[i]):
                    target = cell.link
                    if target is not None and target not in self.emitted and target in self.sheets:
                        self.sheet(target)
                    else:
                        self.blocks.append(Paragraph(cell.text, Source(path=f"{name}!{cell.coord}")))

    def table(self, sheet: _Sheet, start: int, end: int) -> None:
        cols = [j for i in range(start, end) for j in range(len(sheet.rows[i]))
                if _text_at(sheet, i, j)]
        first, last = min(cols), max(cols)
        grid: list[list[GridCell]] = []
        for i in range(start, end):
            line = []
            for j in range(first, last + 1):
                cell = sheet.rows[i][j]
                if cell is None:
                    orow, ocol = sheet.origin[(i + 1, j + 1)]
                    o = sheet.rows[orow - 1][ocol - 1]
                    coord = o.coord if o is not None else ""
                    line.append(GridCell(_text_at(sheet, i, j),
                                         Source(path=f"{sheet.name}!{coord}"), spanned=True))
                else:
                    line.append(GridCell(cell.text, Source(path=f"{sheet.name}!{cell.coord}")))
            grid.append(line)
        self.blocks.append(Table(grid, Source(path=grid[0][0].source.path),
                                 blanks_reliable=True, columns_aligned=True))


_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
PART_LIMIT = 16 * 1024 * 1024  # a report sheet's XML is tens of KB


def _xml(zf: zipfile.ZipFile, member: str, name: str):
    from lxml import etree

    data = read_member(zf, member, name, PART_LIMIT)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise ReadError(name, CORRUPT) from None


def _part(zf: zipfile.ZipFile, path: str, name: str) -> _Part:
    root = _xml(zf, path, name)
    merges = []
    for m in root.iter(f"{_S}mergeCell"):
        try:
            c0, r0, c1, r1 = range_boundaries(m.get("ref", ""))
        except (ValueError, TypeError):
            continue
        merges.append((r0, c0, r1, c1))
    links: dict[tuple[int, int], str] = {}
    targets: dict[str, str] = {}
    rels = posixpath.join(posixpath.dirname(path), "_rels", posixpath.basename(path) + ".rels")
    if rels in zf.namelist():
        for rel in _xml(zf, rels, name).iter(f"{_PKG}Relationship"):
            targets[rel.get("Id", "")] = rel.get("Target", "")
    for h in root.iter(f"{_S}hyperlink"):
        location = h.get("location") or ""
        if not location and targets.get(h.get(f"{_R}id", ""), "").startswith("#"):
            location = targets[h.get(f"{_R}id", "")]
        try:
            c0, r0, _, _ = range_boundaries(h.get("ref", ""))
        except (ValueError, TypeError):
            continue
        if location:
            links[(r0, c0)] = location
    return _Part(merges, links)


def _grid(ws) -> Grid:
    grid: Grid = {}
    for r, row in enumerate(ws.iter_rows(values_only=True), start=1):
        if r > MAX_ROWS:
            break
        for c, v in enumerate(row[:MAX_COLS], start=1):
            if v is not None:
                grid[(r, c)] = v
    return grid


def read_xlsx(data: bytes, name: str) -> Document:
    import openpyxl  # imported here: reading text or HTML never loads it

    zf = open_zip(data, name)  # refuses zip bombs before anything is inflated
    if WORKBOOK_PART not in zf.namelist():
        raise ReadError(name, NOT_XLSX)
    try:
        # Read-only mode streams the cells fast; merges and links come from the XML (`_part`).
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        cached = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        visible = [ws for ws in formulas.worksheets if ws.sheet_state == "visible"]
        names = [ws.title for ws in visible]
        grids = {ws.title: _grid(ws) for ws in formulas.worksheets}
        results = {ws.title: _grid(ws) for ws in cached.worksheets}
        title = formulas.properties.title or None
    except ReadError:
        raise
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, XML errors …)
        raise ReadError(name, CORRUPT) from None
    values = _Values(grids, results)
    sheets = {ws.title: _sheet(ws.title, grids[ws.title], _part(zf, ws._worksheet_path, name),
                               values, names) for ws in visible}
    builder = _Builder(sheets)
    for sheet in names:
        if sheet not in builder.emitted:
            builder.sheet(sheet)
    if not builder.blocks:
        raise ReadError(name, NO_TEXT)
    return Document(name=name, form="xlsx", blocks=builder.blocks, title=title)


__all__ = ["is_workbook", "read_xlsx"]
