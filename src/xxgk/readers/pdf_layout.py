"""Runs and rules of a page view → text lines, ruled grids and whitespace-aligned tables.

All distances are judged relative to the text's own size: `em` is the font size as printed (the
median of a line's runs), so a 9 pt table and a 16 pt title are read alike.

- Lines: runs whose vertical centres agree form a line; along the line a gap of at least
  `COLUMN_GAP` em separates segments (table columns), a smaller one a word (a space between Latin
  letters or digits, nothing next to Chinese text). Digits placed one glyph at a time stay one
  number: only the gap decides, and tracked text (every glyph apart) raises the threshold.
- Ruled grids: horizontal and vertical rules that touch form a component; its rule positions are
  the grid's row and column boundaries, and a missing rule segment between two positions merges
  them (a rowspan/colspan), so merged cells are expanded into `spanned` copies.
- Whitespace tables: runs of lines of several segments at one size (with the captions and wrapped
  labels between them). A segment is cut where the other lines show a column starts or ends;
  each line holding numbers starts a row, and lines continuing a cell of it (a wrapped label
  above or below the numbers) join it; cells go to columns by horizontal overlap, left to right.
  Blanks there are not reliable, nor are the columns.
"""

from __future__ import annotations

import bisect
import functools
import operator
import re
from dataclasses import dataclass

from ..document import GridCell, Source, Table
from .pdf_page import PageContent, Rule, Run, View

COLUMN_GAP = 0.75  # em: a gap this wide separates table columns (and words, whatever the script)
SPACE_GAP = 0.2  # em: a gap this wide between Latin letters or digits is a space
RULE_TOLERANCE = 2.0  # pt: rules this close meet; positions this close are one boundary

_X0, _TOP = operator.attrgetter("x0"), operator.attrgetter("top")
_FIRST = operator.itemgetter(0)
_WIDE = re.compile(r"[\u2010-\u206f\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                   r"\U00020000-\U0003ffff]")


@functools.lru_cache(maxsize=4096)  # a report uses a few hundred distinct characters
def _wide(ch: str) -> bool:
    return _WIDE.match(ch) is not None


@dataclass(slots=True)
class Segment:
    """Runs of one line close enough to be one cell's text. A segment of one run is the `Run`
    itself (most segments: a number in a table), which has the same fields but `runs`."""

    runs: list[Run]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


Piece = Segment | Run  # a segment: several runs, or one


@dataclass(slots=True)
class TextLine:
    runs: list[Run]  # left to right
    segments: list[Piece]
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    em: float

    @property
    def height(self) -> float:
        return self.bottom - self.top


# --------------------------------------------------------------------------- lines

def _median(values: list[float]) -> float:
    """The median as the statistics module computes it, without its generality (it runs for
    every line and cell)."""
    data = sorted(values)
    n = len(data)
    if n % 2:
        return data[n // 2]
    return (data[n // 2 - 1] + data[n // 2]) / 2


def text_lines(runs: list[Run]) -> list[TextLine]:
    """Group runs into lines (top to bottom), each split into segments."""
    return [_line(g) for g in _line_groups(runs, False)]  # `_line` looks for repeated runs itself


def cell_text(runs: list[Run]) -> str:
    """The text of one table cell: its lines, each joined by gaps, joined top to bottom."""
    if len(runs) == 1:
        return runs[0].text
    return join_lines([join_runs(g, _median([r.size for r in g])) for g in _line_groups(runs)])


def _line_groups(runs: list[Run], dedupe: bool = True) -> list[list[Run]]:
    """Runs by line, each left to right: top to bottom, a run joins the line when its vertical
    centre lies within the line's extent so far and not far from the line's first run (text of
    different fonts and sizes sits at slightly different heights on one baseline). With `dedupe`,
    runs printed twice are dropped (`_dedupe`); `text_lines` leaves that to `_line`."""
    if not runs:
        return []
    groups: list[list[Run]] = []
    line: list[Run] = []
    anchor = top = bottom = 0.0
    # Sorted by centre (stable), each computed once: keyed by a C getter, not a Python function.
    by_centre = [((r.top + r.bottom) / 2, r) for r in runs]
    by_centre.sort(key=_FIRST)
    for centre, run in by_centre:
        rtop, rbottom = run.top, run.bottom
        reach = 0.7 * (rbottom - rtop)  # abs(centre - anchor) <= reach, without the call
        if line and top <= centre <= bottom and -reach <= centre - anchor <= reach:
            line.append(run)
            if rtop < top:
                top = rtop
            if rbottom > bottom:
                bottom = rbottom
        else:
            line = [run]
            groups.append(line)
            anchor, top, bottom = centre, rtop, rbottom
    for g in groups:
        if len(g) > 1:
            g.sort(key=_X0)
            if dedupe:
                texts = [r.text for r in g]
                if any(map(operator.eq, texts, texts[1:])):  # rare: a text repeated
                    g[:] = _dedupe(g)
    return groups


def _line(runs: list[Run], deduped: bool = False) -> TextLine:
    """A line of runs (left to right); a run repeated next to itself is dropped first (`_dedupe`,
    unless `deduped`)."""
    n = len(runs)
    first = runs[0]
    if n == 1:  # the common case in tables: spare the general path
        return TextLine(runs, [first], first.text, first.x0, first.top, first.x1, first.bottom, first.size)
    sizes = sorted([r.size for r in runs])  # `_median` written out: this runs for every line
    em = sizes[n // 2] if n % 2 else (sizes[n // 2 - 1] + sizes[n // 2]) / 2
    column_gap = COLUMN_GAP * em
    segs: list[Piece] = []
    start = 0  # the current segment's first run
    px1 = first.x1
    top, x1, bottom = first.top, px1, first.bottom
    prev = first
    for i in range(1, n):
        run = runs[i]
        # A run `_dedupe` drops (rare): start again without it.
        if run.text == prev.text and not deduped and abs(prev.x0 - run.x0) < 0.3 * run.height \
                and abs(prev.top - run.top) < 0.3 * run.height:
            return _line(_dedupe(runs), True)
        prev = run
        if run.x0 - px1 >= column_gap:
            # most segments of a table row: one number, the run itself
            segs.append(runs[start] if i - start == 1 else _segment(runs[start:i], em))
            start = i
        px1 = run.x1
        if run.top < top:
            top = run.top
        if px1 > x1:
            x1 = px1
        if run.bottom > bottom:
            bottom = run.bottom
    segs.append(runs[start] if n - start == 1 else _segment(runs[start:], em))
    text = segs[0].text if len(segs) == 1 else " ".join([seg.text for seg in segs])
    return TextLine(runs, segs, text, first.x0, top, x1, bottom, em)


def _dedupe(runs: list[Run]) -> list[Run]:
    """Drop a run printed twice at (almost) the same place: fake bold, overprinted text."""
    out: list[Run] = []
    for run in runs:
        if out and out[-1].text == run.text and abs(out[-1].x0 - run.x0) < 0.3 * run.height \
                and abs(out[-1].top - run.top) < 0.3 * run.height:
            continue
        out.append(run)
    return out


def _segment(runs: list[Run], em: float) -> Piece:
    if len(runs) == 1:
        return runs[0]
    first = runs[0]
    top, x1, bottom = first.top, first.x1, first.bottom
    for r in runs:  # min() and max() written out
        if r.top < top:
            top = r.top
        if r.x1 > x1:
            x1 = r.x1
        if r.bottom > bottom:
            bottom = r.bottom
    return Segment(runs, join_runs(runs, em), first.x0, top, x1, bottom)


def join_runs(runs: list[Run], em: float) -> str:
    """The text of runs left to right on one line, with spaces where the gaps say so."""
    gaps = [b.x0 - a.x1 for a, b in zip(runs, runs[1:])]
    threshold = SPACE_GAP * em
    # Tracked text: most glyphs stand apart by the same gap; only a wider one is a space.
    if len(gaps) >= 3 and sum([len(r.text) == 1 for r in runs]) >= 0.6 * len(runs):
        threshold = max(threshold, 1.6 * _median(gaps))
    # Between two runs: a space at a column gap; else nothing next to Chinese text, and a space
    # at a gap of at least `threshold` between other characters.
    column_gap = COLUMN_GAP * em
    parts = [runs[0].text]
    for gap, run in zip(gaps, runs[1:]):
        if gap >= column_gap:
            parts.append(" ")
        elif gap >= threshold and not (_wide(parts[-1][-1]) or _wide(run.text[0])):
            parts.append(" ")
        parts.append(run.text)
    return "".join(parts)


def join_lines(texts: list[str]) -> str:
    """Lines of one cell or paragraph: a wrap inside Chinese text or a number adds nothing."""
    out = ""
    for t in texts:
        if not t:
            continue
        if out and not (_wide(out[-1]) or _wide(t[0]) or (out[-1].isdigit() and t[0].isdigit())):
            out += " "
        out += t
    return out


# --------------------------------------------------------------------------- ruled grids

@dataclass
class Grid:
    """A ruled table: its boundaries, and for every position the id of the (merged) cell there."""

    xs: list[float]
    ys: list[float]
    ids: list[list[int]]  # [row][column] → cell id (positions of one merged cell share it)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return self.xs[0], self.ys[0], self.xs[-1], self.ys[-1]

    def cell_at(self, x: float, y: float) -> int:
        r = min(max(bisect.bisect_right(self.ys, y) - 1, 0), len(self.ys) - 2)
        c = min(max(bisect.bisect_right(self.xs, x) - 1, 0), len(self.xs) - 2)
        return self.ids[r][c]


def grids(view: View) -> list[Grid]:
    """The ruled tables of a view (components of touching rules with at least two columns)."""
    hs, vs = _merge(view.hrules), _merge(view.vrules)
    out = []
    for h_part, v_part in _components(hs, vs):
        grid = _grid(h_part, v_part)
        if grid is not None:
            out.append(grid)
    return out


def _merge(rules: list[Rule]) -> list[Rule]:
    """Collinear rules that overlap or nearly touch become one (cells draw their borders apart)."""
    out: list[Rule] = []
    for rule in sorted(rules, key=lambda r: (round(r.pos), r.a)):
        for prev in reversed(out[-8:]):
            if abs(prev.pos - rule.pos) <= 1.0 and rule.a <= prev.b + RULE_TOLERANCE \
                    and rule.b >= prev.a - RULE_TOLERANCE:
                prev.a, prev.b = min(prev.a, rule.a), max(prev.b, rule.b)
                break
        else:
            out.append(Rule(rule.pos, rule.a, rule.b))
    return out


def _components(hs: list[Rule], vs: list[Rule]) -> list[tuple[list[Rule], list[Rule]]]:
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    order = sorted(range(len(vs)), key=lambda j: vs[j].pos)
    positions = [vs[j].pos for j in order]
    t = RULE_TOLERANCE
    nh = len(hs)
    for i, h in enumerate(hs):
        lo = bisect.bisect_left(positions, h.a - t)
        hi = bisect.bisect_right(positions, h.b + t)
        for j in order[lo:hi]:
            v = vs[j]
            if v.a - t <= h.pos <= v.b + t:
                # find() written out for a root (most calls)
                a = i if parent[i] == i else find(i)
                b = nh + j if parent[nh + j] == nh + j else find(nh + j)
                if a != b:
                    parent[b] = a
    comps: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(hs):
        comps.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        comps.setdefault(find(nh + j), ([], []))[1].append(v)
    return [c for c in comps.values() if c[0] and c[1]]


def _cluster(rules: list[Rule]) -> tuple[list[float], list[list[tuple[float, float]]]]:
    """Boundary positions (rules closer than RULE_TOLERANCE, double rules, are one) and the
    extents the rules at each cover."""
    positions: list[list[float]] = []
    covers: list[list[tuple[float, float]]] = []
    for r in sorted(rules, key=lambda r: r.pos):
        if positions and r.pos - positions[-1][-1] <= RULE_TOLERANCE + 0.5:
            positions[-1].append(r.pos)
            covers[-1].append((r.a, r.b))
        else:
            positions.append([r.pos])
            covers.append([(r.a, r.b)])
    return [sum(p) / len(p) for p in positions], covers


def _grid(hs: list[Rule], vs: list[Rule]) -> Grid | None:
    ys, hcover = _cluster(hs)
    xs, vcover = _cluster(vs)
    left, right = min(h.a for h in hs), max(h.b for h in hs)
    top, bottom = min(v.a for v in vs), max(v.b for v in vs)
    # Tables printed without outer borders: the rules of the other direction show the edge.
    if xs[0] - left > 3:
        xs.insert(0, left)
        vcover.insert(0, [])
    if right - xs[-1] > 3:
        xs.append(right)
        vcover.append([])
    if ys[0] - top > 3:
        ys.insert(0, top)
        hcover.insert(0, [])
    if bottom - ys[-1] > 3:
        ys.append(bottom)
        hcover.append([])
    if len(xs) < 3 or len(ys) < 2:
        return None  # a frame or a single column: its text is read as ordinary lines
    nrows, ncols = len(ys) - 1, len(xs) - 1
    parent = list(range(nrows * ncols))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(i: int, j: int) -> None:
        a, b = find(i), find(j)
        if a != b:
            parent[max(a, b)] = min(a, b)

    # A boundary without rules along at least half of it does not separate the positions on its
    # sides (the overlaps are summed; this runs for every side of every position).
    for c in range(ncols - 1):
        cover = vcover[c + 1]
        for r in range(nrows):
            lo, hi = ys[r], ys[r + 1]
            covered = 0.0
            for a, b in cover:
                if b > lo and a < hi:
                    covered += (b if b < hi else hi) - (a if a > lo else lo)
            if not covered >= 0.5 * (hi - lo):
                union(r * ncols + c, r * ncols + c + 1)
    for r in range(nrows - 1):
        cover = hcover[r + 1]
        for c in range(ncols):
            lo, hi = xs[c], xs[c + 1]
            covered = 0.0
            for a, b in cover:
                if b > lo and a < hi:
                    covered += (b if b < hi else hi) - (a if a > lo else lo)
            if not covered >= 0.5 * (hi - lo):
                union(r * ncols + c, (r + 1) * ncols + c)
    # union points a root at a smaller index and find only shortens paths, so every parent
    # index is below its child's: in index order each position's root is its parent's root.
    root = parent[:]
    for i in range(nrows * ncols):
        root[i] = root[parent[i]]
    return Grid(xs, ys, [root[r * ncols:(r + 1) * ncols] for r in range(nrows)])


def claim_runs(grid: Grid, runs: list[Run]) -> tuple[dict[int, list[Run]], list[Run]]:
    """Runs inside the grid by cell (a run crossing a cell border is cut there); the rest."""
    cells: dict[int, list[Run]] = {}
    rest: list[Run] = []
    xs, ys, ids = grid.xs, grid.ys, grid.ids
    left, top, right, bottom = xs[0] - 1, ys[0] - 1, xs[-1] + 1, ys[-1] + 1
    last_row, last_col = len(ys) - 2, len(xs) - 2
    right_of = bisect.bisect_right
    for run in runs:
        cy = (run.top + run.bottom) / 2
        cx = (run.x0 + run.x1) / 2
        if not (left <= cx <= right and top <= cy <= bottom):
            rest.append(run)
            continue
        # Row and columns by bisection, clamped to the grid (conditionals: no min/max calls).
        r = right_of(ys, cy) - 1
        row = ids[0 if r < 0 else last_row if r > last_row else r]
        c = right_of(xs, run.x0 + 0.5) - 1
        first = row[0 if c < 0 else last_col if c > last_col else c]
        c = right_of(xs, run.x1 - 0.5) - 1
        if first == row[0 if c < 0 else last_col if c > last_col else c]:
            found = cells.get(first)
            if found is None:
                cells[first] = [run]
            else:
                found.append(run)
            continue
        for cell, piece in _cut(grid, run, cy):
            cells.setdefault(cell, []).append(piece)
    return cells, rest


def _cut(grid: Grid, run: Run, cy: float) -> list[tuple[int, Run]]:
    """A run overflowing its cell, cut into the cells its glyphs' centres fall in."""
    pieces: list[tuple[int, Run]] = []
    edges = run.glyph_edges()
    for k, ch in enumerate(run.text):
        x0, x1 = edges[k], edges[k + 1] if k + 1 < len(edges) else run.x1
        cell = grid.cell_at((x0 + x1) / 2, cy)
        if pieces and pieces[-1][0] == cell:
            piece = pieces[-1][1]
            piece.text += ch
            piece.x1 = x1
            piece.edges.append(x1)  # type: ignore[union-attr]
        else:
            pieces.append((cell, Run(ch, x0, run.top, x1, run.bottom, [x0, x1], run.size)))
    return pieces


@dataclass
class RuledTable:
    """A table read from a ruled grid, with its geometry in the view's frame."""

    table: Table
    columns: list[tuple[float, float]]  # x extent of each column of `table`
    top: float
    bottom: float


def grid_table(grid: Grid, cells: dict[int, list[Run]], page: PageContent, view: View) -> RuledTable | None:
    """The grid as a `Table`: merged cells expanded, rows and columns that only continue a merged
    cell (a stray rule end) dropped. None when no cell holds text."""
    texts = {cell: cell_text(runs) for cell, runs in cells.items()}
    if not any(texts.values()):
        return None
    ids = grid.ids
    nrows, ncols = len(ids), len(ids[0])
    rows = [r for r in range(nrows) if r == 0 or ids[r] != ids[r - 1]]
    cols = [c for c in range(ncols) if c == 0 or any(ids[r][c] != ids[r][c - 1] for r in rows)]
    # Each cell's extent [top row, left column, bottom row, right column].
    extent: dict[int, list[int]] = {}
    for r in range(nrows):
        row_ids = ids[r]
        prev = -1
        for c in range(ncols):
            cid = row_ids[c]
            if cid == prev:  # the cell to the left again (a colspan): only its right end moves
                if c > e[3]:
                    e[3] = c
                continue
            prev = cid
            e = extent.get(cid)
            if e is None:
                e = extent[cid] = [r, c, r, c]
            else:
                if c < e[1]:
                    e[1] = c
                if r > e[2]:
                    e[2] = r
                if c > e[3]:
                    e[3] = c
    xs, ys = grid.xs, grid.ys
    number = page.number
    if view.frame.rot == page.display.rot:
        # The view is the display frame: a cell's box is its boundaries rounded (as display_bbox
        # rounds them), so each boundary is rounded once, not once per cell.
        rx, ry = [round(x, 1) for x in xs], [round(y, 1) for y in ys]
        sources = {cid: Source(None, None, None, number, (rx[e[1]], ry[e[0]], rx[e[3] + 1], ry[e[2] + 1]))
                   for cid, e in extent.items()}
    else:
        sources = {cid: Source(None, None, None, number, page.display_bbox(
            view.frame, (xs[e[1]], ys[e[0]], xs[e[3] + 1], ys[e[2] + 1]))) for cid, e in extent.items()}
    seen: set[int] = set()
    out: list[list[GridCell]] = []
    for r in rows:
        row = []
        row_ids = ids[r]
        for c in cols:
            cid = row_ids[c]
            row.append(GridCell(texts.get(cid, ""), sources[cid], cid in seen))
            seen.add(cid)
        out.append(row)
    source = Source(page=page.number, bbox=page.display_bbox(view.frame, grid.bbox))
    table = Table(rows=out, source=source, blanks_reliable=True, columns_aligned=True)
    ends = cols[1:] + [ncols]
    return RuledTable(table, [(xs[c], xs[e]) for c, e in zip(cols, ends)], ys[0], ys[-1])


# --------------------------------------------------------------------------- whitespace tables

def whitespace_tables(lines: list[TextLine], barriers: list[float], page: PageContent,
                      view: View) -> tuple[list[tuple[float, Table]], list[TextLine]]:
    """Tables of whitespace-aligned lines among `lines` (top to bottom); returns them with the
    lines left over. A ruled table (its top in `barriers`) ends a block."""
    tables: list[tuple[float, Table]] = []
    rest: list[TextLine] = []
    for block in _blocks(lines, barriers):
        multi = sum(1 for ln in block if len(ln.segments) >= 2)
        if multi >= 2 and len(block) >= 2:
            tables.append((block[0].top, _ws_table(block, page, view)))
        else:
            rest.extend(block)
    rest.sort(key=_TOP)
    return tables, rest


def _blocks(lines: list[TextLine], barriers: list[float]) -> list[list[TextLine]]:
    """Runs of lines that could form one table: multi-segment lines at one size, close together,
    with single-segment lines (captions, wrapped labels) between them."""
    out: list[list[TextLine]] = []
    block: list[TextLine] = []
    pending: list[TextLine] = []

    def flush() -> None:
        nonlocal block, pending
        # Lines right under the last row, as close as a wrapped cell's lines, end it.
        while pending and _wrapped(block[-1], pending[0]):
            block.append(pending.pop(0))
        if block:
            out.append(block)
        out.extend([ln] for ln in pending)
        block, pending = [], []

    def apart(a: TextLine, b: TextLine) -> bool:
        if not barriers:  # most pages: no ruled table
            return False
        return any(a.bottom <= x <= b.top for x in barriers)

    for ln in lines:
        multi = len(ln.segments) >= 2
        last = (pending or block)[-1] if (pending or block) else None
        close = last is not None and block and ln.top - last.bottom <= 2.5 * ln.em \
            and abs(ln.em - block[0].em) <= 0.15 * block[0].em and not apart(last, ln)
        if multi:
            if close:
                block.extend(pending)
                pending = []
                block.append(ln)
            else:
                flush()
                block = [ln]
                # A line right above, as close as a wrapped cell's lines, starts the first row.
                while out and len(out[-1]) == 1 and _wrapped(out[-1][0], ln) and not apart(out[-1][0], ln):
                    block.insert(0, out.pop()[0])
        elif close:
            pending.append(ln)
        else:
            flush()
            out.append([ln])
    flush()
    return out


def _wrapped(upper: TextLine, lower: TextLine) -> bool:
    """Two lines as close as the lines of one wrapped cell, at the same size."""
    return lower.top - upper.bottom < 0.6 * lower.em and abs(upper.em - lower.em) <= 0.15 * lower.em


class _Cell:
    """Segments of one whitespace-table cell (a wrapped cell has several) and their extent."""

    __slots__ = ("segments", "x0", "x1")

    def __init__(self, seg: Piece):
        self.segments = [seg]
        self.x0, self.x1 = seg.x0, seg.x1

    def add(self, segments: list[Piece]) -> None:
        for seg in segments:
            self.segments.append(seg)
            self.x0, self.x1 = min(self.x0, seg.x0), max(self.x1, seg.x1)


def _ws_rows(block: list[TextLine]) -> list[list[TextLine]]:
    """The lines of each table row. Each line holding numbers (in a table of numbers; else each
    line of several segments) starts a row; another line joins a row when it continues one of
    the row's cells — the nearest line in its column is the row's and closer than rows are to
    each other (a wrapped label, above or below the numbers) — or sits that close to a line of
    the row's numbers printed apart from the label. Lines left over are rows of their own (a
    blank row, a caption)."""
    has_number = [False] * len(block)
    for i, ln in enumerate(block):  # (loops, not any() over generators: this runs for every line)
        for s in ln.segments:
            if _numeric(s.text):
                has_number[i] = True
                break
    numeric = any(has_number)
    anchor = has_number if numeric else [len(ln.segments) >= 2 for ln in block]
    wrap = _wrap_gap([ln for ln, a in zip(block, anchor) if a])
    owner: list[int | None] = [i if a else None for i, a in enumerate(anchor)]

    def link(i: int, step: int) -> None:
        """Join line i to the row of the nearest line in direction `step` that is in its column,
        or that holds a row's numbers in other columns only (numbers centred between the lines
        of a wrapped label), when that line is closer than rows are."""
        ln = block[i]
        k = i + step
        while 0 <= k < len(block):
            other = block[k]
            same = _same_column(ln, other)
            if same or anchor[k]:
                gap = ln.top - other.bottom if step < 0 else other.top - ln.bottom
                if gap < wrap * ln.em and owner[k] is not None:
                    owner[i] = owner[k]
                if same or gap >= wrap * ln.em:
                    return
            k += step

    for i in range(len(block)):  # continuations below a row's first line
        if owner[i] is None:
            link(i, -1)
    for i in reversed(range(len(block))):  # label lines above the line with the numbers
        if owner[i] is None:
            link(i, 1)
    rows: dict[int, list[TextLine]] = {}
    for i, ln in enumerate(block):
        rows.setdefault(owner[i] if owner[i] is not None else i, []).append(ln)
    # A row enters the dict with its first line, in block order: rows come out top to bottom.
    return list(rows.values())


def _same_column(a: TextLine, b: TextLine) -> bool:
    others = b.segments
    for s in a.segments:
        x0, x1 = s.x0, s.x1
        for t in others:
            if x0 < t.x1 and t.x0 < x1:
                return True
    return False


def _wrap_gap(rows: list[TextLine]) -> float:
    """The gap (in em) below which two lines belong to one row: under three quarters of the gap
    between consecutive one-line rows (padded cells; `rows` are the lines that start a row),
    within [0.35, 0.8] em."""
    gaps = sorted((b.top - a.bottom) / b.em for a, b in zip(rows, rows[1:]) if b.top > a.bottom)
    if not gaps:
        return 0.35
    return max(0.35, min(0.8, 0.75 * gaps[len(gaps) // 2]))


_NUMBER = re.compile(r"[增减+\-−]?\s*\d[\d,，.．]*\s*\S{0,2}|[—\-–/／]{1,4}")


@functools.lru_cache(maxsize=4096)  # table cells repeat ("0", "—"); asked several times per line
def _numeric(text: str) -> bool:
    """A printed number or null mark (with a sign or a short unit), not a label with digits."""
    return _NUMBER.fullmatch(text) is not None


def _ws_cells(row: list[TextLine]) -> list[Piece | _Cell]:
    """The row's segments, those stacked over each other (a wrapped cell) as one `_Cell`; a cell
    of one segment is the segment itself (most cells: no object is made for them)."""
    cells: list[Piece | _Cell] = []
    segments = row[0].segments if len(row) == 1 else [s for ln in row for s in ln.segments]
    last: Piece | _Cell | None = None
    for seg in sorted(segments, key=_X0):
        if last is not None and seg.x0 < last.x1 and seg.x1 > last.x0:
            if last.__class__ is not _Cell:
                last = cells[-1] = _Cell(last)  # type: ignore[arg-type]
            last.add([seg])  # type: ignore[union-attr]
        else:
            last = seg
            cells.append(seg)
    return cells


def _split_at_columns(block: list[TextLine]) -> None:
    """Cut segments where the block's other lines show a column starts or ends: a label filling
    its column runs into the next cell's number with less than COLUMN_GAP between them."""
    if not any(_cuttable(ln) for ln in block):  # most tables: the column positions are not needed
        return
    starts = _supported([s.x0 for ln in block for s in ln.segments[1:]])
    ends = _supported([s.x1 for ln in block for s in ln.segments[:-1]])
    if not starts and not ends:
        return
    for ln in block:
        segments: list[Piece] = []
        for seg in ln.segments:
            if seg.__class__ is not Segment or len(seg.runs) == 1:  # a single run is never cut
                segments.append(seg)
                continue
            runs = seg.runs  # type: ignore[union-attr]
            pieces: list[list[Run]] = [[runs[0]]]
            visible = 0.3 * ln.em
            for prev, run in zip(runs, runs[1:]):
                # `_column_cut` for a gap wider than `visible` (a narrower one is never cut)
                if run.x0 - prev.x1 >= visible and _column_cut(prev, run, ln.em, starts, ends):
                    pieces.append([run])
                else:
                    pieces[-1].append(run)
            segments.extend([seg] if len(pieces) == 1 else [_segment(p, ln.em) for p in pieces])
        ln.segments = segments


def _cuttable(ln: TextLine) -> bool:
    """Has the line a gap inside a segment that `_column_cut` could find to be a column boundary
    (visible, not inside a number)?"""
    visible = 0.3 * ln.em
    for seg in ln.segments:
        if seg.__class__ is not Segment:
            continue
        runs = seg.runs  # type: ignore[union-attr]
        if len(runs) > 1:
            for prev, run in zip(runs, runs[1:]):
                if run.x0 - prev.x1 >= visible and not (prev.text[-1].isdigit() and run.text[0].isdigit()):
                    return True
    return False


def _column_cut(prev: Run, run: Run, em: float, starts: list[float], ends: list[float]) -> bool:
    """Is the gap between two runs a column boundary the other lines show? Never inside a number
    (digits of one number may be set apart by tracking), never without a visible gap."""
    if run.x0 - prev.x1 < 0.3 * em:
        return False
    if prev.text[-1].isdigit() and run.text[0].isdigit():
        return False
    return _near(run.x0, starts) or _near(prev.x1, ends)


def _supported(xs: list[float]) -> list[float]:
    """Positions (within 2 pt) shared by at least three segments."""
    out: list[list[float]] = []
    for x in sorted(xs):
        if out and x - out[-1][-1] <= 2.0:
            out[-1].append(x)
        else:
            out.append([x])
    return [sum(c) / len(c) for c in out if len(c) >= 3]


def _near(x: float, positions: list[float]) -> bool:
    k = bisect.bisect_left(positions, x - 2.0)
    return k < len(positions) and positions[k] <= x + 2.0


def _ws_table(block: list[TextLine], page: PageContent, view: View) -> Table:
    _split_at_columns(block)
    row_lines = _ws_rows(block)
    rows = [_ws_cells(r) for r in row_lines]
    width = max(len(r) for r in rows)
    bands: list[list[float]] = [[float("inf"), float("-inf")] for _ in range(width)]
    for cells in rows:
        if len(cells) == width:
            for band, cell in zip(bands, cells):  # min() and max() written out
                x0, x1 = cell.x0, cell.x1
                if x0 < band[0]:
                    band[0] = x0
                if x1 > band[1]:
                    band[1] = x1
    ordered = all(a[0] <= b[0] for a, b in zip(bands, bands[1:]))
    out: list[list[GridCell]] = []
    number = page.number
    display = page.display_rounder(view.frame)
    # In the display frame a box is its coordinates rounded (as display_bbox does), and rounding
    # is slow (a correctly rounded decimal): each distinct coordinate of the table is rounded once.
    upright = view.frame.rot == page.display.rot
    edges = [(round(lo, 1), round(hi, 1)) for lo, hi in bands] if upright else []
    rounded: dict[float, float] = {}
    get = rounded.get
    for cells, lines in zip(rows, row_lines):
        slots = cells if len(cells) == width else _place_cells(cells, bands, ordered)  # a full row: in order
        row = []
        blank = False  # the row's extent is known (for its blank cells)
        k = -1
        for cell in slots:
            k += 1
            if cell is None:
                if not blank:
                    blank = True
                    if len(lines) == 1:
                        top, bottom = lines[0].top, lines[0].bottom
                    else:
                        top, bottom = min(ln.top for ln in lines), max(ln.bottom for ln in lines)
                    if upright:
                        rtop = get(top)
                        if rtop is None:
                            rtop = rounded[top] = round(top, 1)
                        rbottom = get(bottom)
                        if rbottom is None:
                            rbottom = rounded[bottom] = round(bottom, 1)
                if upright:
                    box = (edges[k][0], rtop, edges[k][1], rbottom)
                else:
                    box = display(bands[k][0], top, bands[k][1], bottom)
                row.append(GridCell("", Source(None, None, None, number, box)))
                continue
            if cell.__class__ is not _Cell:  # most cells: one segment
                text = cell.text
                x0 = cell.x0
                stop = cell.top
                x1 = cell.x1
                sbottom = cell.bottom
            else:
                segs = cell.segments
                if len(segs) == 1:
                    seg = segs[0]
                    text, stop, sbottom = seg.text, seg.top, seg.bottom
                else:
                    segs = sorted(segs, key=_TOP)
                    text = join_lines([s.text for s in segs])
                    stop, sbottom = min(s.top for s in segs), max(s.bottom for s in segs)
                x0, x1 = cell.x0, cell.x1
            if upright:
                rx0 = get(x0)
                if rx0 is None:
                    rx0 = rounded[x0] = round(x0, 1)
                rx1 = get(x1)
                if rx1 is None:
                    rx1 = rounded[x1] = round(x1, 1)
                rt = get(stop)
                if rt is None:
                    rt = rounded[stop] = round(stop, 1)
                rb = get(sbottom)
                if rb is None:
                    rb = rounded[sbottom] = round(sbottom, 1)
                row.append(GridCell(text, Source(None, None, None, number, (rx0, rt, rx1, rb))))
            else:
                row.append(GridCell(text, Source(None, None, None, number, display(x0, stop, x1, sbottom))))
        out.append(row)
    box = (min(ln.x0 for ln in block), block[0].top, max(ln.x1 for ln in block), block[-1].bottom)
    return Table(rows=out, source=Source(page=page.number, bbox=page.display_bbox(view.frame, box)),
                 blanks_reliable=False, columns_aligned=False)


def _place_cells(cells: list[Piece | _Cell], bands: list[list[float]], ordered: bool
                 ) -> list[Piece | _Cell | None]:
    """Columns for a row's cells, left to right: each in the band it overlaps most among those
    after the previous cell's (nearest when none overlaps); cells beyond the bands join the last.
    `ordered`: the bands start left to right."""
    width = len(bands)
    if len(cells) == width:  # a full row: cell k can only go to band k
        return list(cells)
    slots: list[Piece | _Cell | None] = [None] * width
    low = 0
    last = -1
    for k, cell in enumerate(cells):
        high = width - (len(cells) - k - 1)
        if low >= high:
            if last < 0:
                last = width - 1
                slots[last] = cell
            else:
                held = slots[last]
                if held.__class__ is not _Cell:
                    held = slots[last] = _Cell(held)  # type: ignore[arg-type]
                held.add(cell.segments if cell.__class__ is _Cell else [cell])  # type: ignore[union-attr]
            continue
        # The band it overlaps most (the first of equals), else the nearest. With the bands in
        # order, a band starting right of the cell ends the search once one overlaps it: no band
        # after it overlaps the cell.
        x0, x1 = cell.x0, cell.x1
        best, best_score = -1, 0.0
        for j in range(low, high):
            lo, hi = bands[j]
            overlap = (hi if hi < x1 else x1) - (lo if lo > x0 else x0)
            if overlap > 0:
                score = overlap
            else:
                if ordered and best_score > 0 and lo >= x1:
                    break
                # -min(abs(x0 - hi), abs(lo - x1)), written out
                near, far = x0 - hi, lo - x1
                if near < 0:
                    near = -near
                if far < 0:
                    far = -far
                score = -(far if far < near else near)
            if best < 0 or score > best_score:
                best, best_score = j, score
        last = best
        slots[last] = cell
        low = last + 1
    return slots


__all__ = ["Grid", "RuledTable", "Segment", "TextLine", "cell_text", "claim_runs", "grid_table", "grids", "join_lines",
           "join_runs", "text_lines", "whitespace_tables"]
