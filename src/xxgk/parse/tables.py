"""Map the lines of the three table regions to cell keys, by labels.

For each table the observer walks the lines in order, tracking context (the 第二十条 block of
table 2, the group of table 3), recognises row labels with `labels`, and collects the value
tokens printed after each label. Column order comes from the edition (and, for table 2, from the
header the block prints when it has one). The result is a `RowChoice` per printed row: the
possible readings that `reconcile` chooses among.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field, replace
from typing import Callable

from ..editions import Edition, per_edition
from ..textnorm import fold
from .candidates import Candidate, ColumnSpec, GapKind, readings
from .labels import T2Labels, T3Labels
from .pieces import Line, Piece
from ..rules import Equation
from .reconcile import RowChoice, row_resolver

# Prior costs of reading a table-3/4 column as vanished or lost: totals are the cells reports
# print even when they leave the detail blank, so a reading that blanks a total costs more.
# Research institutes, social organisations and law firms seldom apply: their columns are the
# ones most often left blank; commercial enterprises are the legal persons that apply most.
_GAP_COST = {"total": 4.0, "natural_person": 3.3, "commercial": 3.1, "other_org": 3.0,
             "research": 2.7, "social_org": 2.8, "legal_service": 2.9}
SOFT_PENALTY = 1.5


@dataclass
class Observed:
    key: str
    tokens: list[Piece]
    grid: bool
    blanks_reliable: bool
    label: Piece | None = None
    order: int = 0
    # Blanks not reliable, yet the row printed empty fields (a browser's copy of a table whose
    # blanks could not be told from lost cells): its lost cells may be blanks, and a printed
    # value placed where a reading that reads the same has a lost cell is in doubt.
    blank_fields: bool = False


@dataclass
class TableObservation:
    rows: dict[str, Observed] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)  # t2 block → printed column order
    units: dict[str, str] = field(default_factory=dict)  # "block.column" → unit its header prints
    # Rows of running text dropped because the text is not in row order (`drop_if_unordered`).
    unordered: list[str] = field(default_factory=list)

    def add(self, obs: Observed, expected: int) -> None:
        """Keep, per row key, the observation whose token count best fits the columns (a label
        quoted in the narrative, e.g. "本年新收政府信息公开申请9件", must not displace the table)."""
        old = self.rows.get(obs.key)
        if old is not None and _printed(old) and not _printed(obs):
            return  # a label repeated without values (a header after a page break) adds nothing
        if old is None or _fit(obs, expected) <= _fit(old, expected):
            self.rows[obs.key] = obs


def _printed(o: Observed) -> bool:
    return any(t.kind == "value" for t in o.tokens)


def _fit(o: Observed, expected: int) -> tuple[int, int]:
    capacity = sum(len(t.text) if t.run else 1 for t in o.tokens)
    n = len([t for t in o.tokens if t.kind != "empty" or o.blanks_reliable])
    short = max(0, expected - capacity)
    return (short + max(0, n - expected), 0 if o.grid else 1)


def _value_tokens(pieces: list[Piece], reliable: bool) -> list[Piece]:
    """The value cells of a row read left to right (a merged cell's copies are one cell)."""
    return [p for p in pieces if not p.spanned and
            (p.kind == "value" or (p.kind == "empty" and reliable))]


def _gaps(o: Observed) -> GapKind:
    if o.grid and o.blanks_reliable:
        return "none"
    if o.grid and not any(t.kind == "value" for t in o.tokens):
        return "blank"  # a row printed without a single value was printed blank, not lost
    return "lost" if o.grid else "blank"


# --- table 3 -------------------------------------------------------------------------------------
class _T3Walker:
    """Walks the lines of the table-3 region, keeping the group context."""

    def __init__(self, ed: Edition):
        self.ed = ed
        self.labels = T3Labels.of(ed)
        self.ncols = len(ed.t3_columns)
        self.obs = TableObservation()
        self.group: str | None = None
        self.current: Observed | None = None
        self.order = 0
        self.outcomes_seen = False  # a bare "总计" row label comes after the outcome rows
        self.positions: dict[int, dict[str, int]] = {}  # table → column key → grid column
        self.header_cols: dict[int, frozenset[int]] = {}  # table → its header's grid columns
        self.column_keys = [c.key for c in ed.t3_columns]
        self.data_started: set[int] = set()
        self.exact_tables: set[int] = set()  # unreliable-blank tables whose rows are exact
        # Running text: a line of values with no row label after a row that already has its
        # values (row, index of the line's first token): see `place_spills`.
        self.spills: list[tuple[Observed, int]] = []
        # Running text: a numbered label no row matches ("5.要求行政机关确认或重", the rest of the
        # label printed after the values) and the values after it, until a row label claims them.
        self.unnamed: Observed | None = None
        self.unnamed_after: str | None = None  # the row printed before it
        self.orphans: list[tuple[str, list[Piece]]] = []  # (row printed before, values)

    def hit(self, text: str, bare_total: bool = True):
        """The row or group `text` names, updating the group context for groups. A bare "总计"
        names the （七） row only after the outcome rows and where values follow it (`bare_total`):
        a header repeated after a page break prints "总计" too."""
        h = self.labels.match(text, self.group)
        if h is None and bare_total and self.outcomes_seen and len(fold(text)) <= 4 \
                and fold(text).endswith("总计"):
            h = self.labels.match("（七）总计", self.group)
        if h is not None and h.kind == "group":
            self.group = h.key
            return None
        return h

    def start_row(self, key: str, tokens: list[Piece], grid: bool, reliable: bool,
                  label: Piece) -> Observed:
        row = self.labels.row_of[key]
        if row.item is not None:
            self.group = row.group
        self.outcomes_seen = self.outcomes_seen or key.startswith("other")
        self.current = Observed(key, tokens, grid, reliable, label, self.order)
        self.order += 1
        return self.current

    # -- grids ----------------------------------------------------------------------------------
    def header(self, line: Line) -> None:
        """Record where the applicant columns are, from an aligned grid's header rows."""
        if line.table in self.data_started:
            return
        pos = self.positions.setdefault(line.table, {})
        header_columns = self.labels.header_columns
        for p in line.pieces:
            if p.kind != "label":
                continue
            for key in header_columns(p.text):  # the first column it names not placed yet
                if key not in pos:
                    pos[key] = p.col
                    break

    def row_in(self, pieces: list[Piece]) -> tuple[int, str] | None:
        """Index and key of the last label cell that names a row."""
        found = None
        last_value = -1  # a value follows a label at i < last_value
        for j in range(len(pieces) - 1, -1, -1):
            if pieces[j].kind == "value":
                last_value = j
                break
        for i, p in enumerate(pieces):
            if p.kind == "label":
                h = self.hit(p.text, bare_total=i < last_value)
                if h is not None:
                    found = (i, h.key)
        return found

    def grid(self, lines: list[Line], k: int) -> None:
        line = lines[k]
        if line.aligned:
            self.header(line)
        found = self.row_in(line.pieces)
        if found is None and not (line.blanks_reliable and line.aligned) and line.values() \
                and line.labels():
            found = self._split_label(lines, k)
        if found is None:
            current = self.current
            if current is not None and not current.tokens and line.values() and (
                    current.grid or (k > 0 and any(p is current.label for p in lines[k - 1].pieces))):
                # Values printed on the line after a label split over two lines (PDF text; a
                # browser's copy of a cell with a line break: the label's head is a paragraph).
                current.tokens.extend(_value_tokens(line.pieces, line.blanks_reliable))
                current.grid, current.blanks_reliable = True, line.blanks_reliable
            return
        i, key = found
        label = line.pieces[i] if i >= 0 else line.labels()[0]
        pos = self.positions.get(line.table) if line.aligned else None
        at = i if i >= 0 else max(j for j, p in enumerate(line.pieces) if p.kind == "label")
        reliable = line.blanks_reliable or line.table in self.exact_tables
        if pos is not None and len(pos) == self.ncols:
            self.data_started.add(line.table)
            by_col = {p.col: p for p in line.pieces if p.kind != "label"}
            tokens = []
            for col in [pos[c] for c in self.column_keys]:
                got = by_col.get(col)
                tokens.append(got if got is not None else Piece("", "empty", label.source, col=col))
            at_header = self.header_cols.get(line.table)
            if at_header is None:  # (the header's positions hold once data rows started)
                at_header = self.header_cols[line.table] = frozenset(pos.values())
            if any(p.kind == "value" and not p.spanned and p.col not in at_header for p in line.pieces):
                # Values outside the header's columns: the header was printed as a table of its
                # own with other column widths (a header table over a body table, merged into one
                # grid), so its positions do not hold. The row's own cells, left to right, if
                # there is one per column.
                own = _value_tokens(line.pieces[at + 1:], True)
                if len(own) == self.ncols:
                    tokens = own
        else:
            # A split label's own fragment is the line's last label: the values follow it.
            tokens = _value_tokens(line.pieces[at + 1:], reliable)
        row = self.start_row(key, tokens, True, reliable, label)
        row.blank_fields = not reliable and _blank_between(line.pieces[at + 1:])
        self.obs.add(row, self.ncols)

    def _split_label(self, lines: list[Line], k: int) -> tuple[int, str] | None:
        """A row label PDF extraction split over two lines: "一、本年新" / "收政府信息…数量 0 0 …",
        or "二、上年结 0 0 …" / "转政府信息公开申请数量"."""
        # The line's own fragment, without labels that name something themselves (a group label
        # printed between the halves: "1.本机关不" / "（四）无法提供 | 掌握相关政府信息").
        own = "".join(p.text for p in lines[k].labels() if self.labels.match(p.text, self.group) is None)
        prev = lines[k - 1] if k > 0 else None
        nxt = lines[k + 1] if k + 1 < len(lines) else None
        before, after = _label_only(prev), _label_only(nxt)
        # A label-only line before that names a row by itself ("息需要另行制作") is the tail of
        # that row's label, not the head of this one's.
        if before and self.labels.match(before, self.group) is None:
            h = self.labels.match(before + own, self.group)
            if h is not None and h.kind == "row":
                return (-1, h.key)
        if after:
            h = self.labels.match(own + after, self.group)
            if h is not None and h.kind == "row":
                return (-1, h.key)
        return None

    # -- running text ---------------------------------------------------------------------------
    def text(self, line: Line) -> None:
        if is_sentence(line):
            return
        fresh: list[Observed] = []
        loose: list[Piece] = []  # values before any row label of this line
        claim: tuple[Observed, str] | None = None
        pieces = line.pieces
        for at, p in enumerate(pieces):
            if p.kind == "label":
                h = self.hit(p.text)
                if h is not None and at + 1 < len(pieces) and pieces[at + 1].kind == "value":
                    # Blank rows print nothing in running text: their labels run into the one
                    # the values follow.
                    h = self.labels.last_row(p.text, self.group) or h
                if h is None and self.unnamed is not None and self.unnamed.label is not None:
                    # The rest of a wrapped label: "1.申请人无正当理由逾期不补" / "正、行政机关…".
                    h = self.hit(self.unnamed.label.text + p.text)
                    if h is not None:
                        row = self.start_row(h.key, self.unnamed.tokens, False, False, self.unnamed.label)
                        self.unnamed = None
                        fresh.append(row)
                        continue
                if h is not None:
                    if self.unnamed is not None:
                        claim = (self.unnamed, self.unnamed_after or "")
                        self.unnamed = None
                    fresh.append(self.start_row(h.key, [], False, False, p))
                elif self.unnamed is None and self.current is not None and not self.current.grid \
                        and _NUMBERED.match(p.text) and self.labels.match(p.text, self.group) is None:
                    self.unnamed, self.unnamed_after = Observed("", [], False, False, p), self.current.key
            elif p.kind == "empty":
                # A blank cell of text printed one cell per line: it counts until the row is full.
                current = self.unnamed or self.current
                if current is not None and not current.grid and len(current.tokens) < self.ncols:
                    current.tokens.append(p)
                    current.blanks_reliable = True
            elif p.kind == "value" and self.unnamed is not None:
                self.unnamed.tokens.append(p)
            elif p.kind == "value" and self.current is not None and not self.current.grid:
                (self.current.tokens if fresh else loose).append(p)
        if claim is not None and claim[0].tokens:
            # The row label that follows takes the values printed between its label's halves;
            # when it prints its own, they belong to a row not recognised (placed by order).
            if fresh[0].tokens:
                self.orphans.append((claim[1], claim[0].tokens))
            else:
                fresh[0].tokens.extend(claim[0].tokens)
        if loose:
            current = self.current
            assert current is not None
            stray = any(p.kind == "label" for p in line.pieces)  # "三" of a vertical group label
            if current.tokens and (len(loose) >= 2 and len(current.tokens) >= 2 or stray):
                # A second printed row under one label, or values beside a stray character of
                # a vertical group label: the next row's label was split around its values and
                # not recognised, or printed after them (`pdftotext -layout`).
                self.spills.append((current, len(current.tokens)))
            current.tokens.extend(loose)
        # Rows of running text are complete at the end of their paragraph.
        for o in fresh:
            self.obs.add(o, self.ncols)

    def place_spills(self) -> None:
        """Give each spilled line of values, and the values of an unrecognised numbered label,
        to the row the edition prints next when that row was not seen or was seen without
        values; otherwise a spilled line stays where it was printed."""
        if self.unnamed is not None and self.unnamed.tokens:
            self.orphans.append((self.unnamed_after or "", self.unnamed.tokens))
        order = [r.key for r in self.ed.t3_rows]
        for row, at in reversed(self.spills):  # later spills of one row first: indexes hold
            if self.obs.rows.get(row.key) is row and self._give(order, row.key, row.tokens[at:]):
                del row.tokens[at:]
        for after, tokens in self.orphans:
            self._give(order, after, tokens)

    def _give(self, order: list[str], after: str, tokens: list[Piece]) -> bool:
        """Give `tokens` to the row printed after `after` in `order` if it has no values."""
        following = order.index(after) + 1 if after in order else len(order)
        if following == len(order):
            return False
        key = order[following]
        target = self.obs.rows.get(key)
        if target is not None and target.tokens:
            return False  # the next row has its own values
        if target is None:
            self.obs.rows[key] = Observed(key, list(tokens), False, False, None, self.order)
        else:
            target.tokens.extend(tokens)
        return True


_NUMBERED = re.compile(r"\s*[（(]?[一二三四五六七八九\d][)）.、．]")  # "5.", "（五）", "3、"


def is_sentence(line: Line) -> bool:
    """Narrative ("共收到政府信息公开申请9件，上年结转0件。"), not a table row copied as text."""
    return "。" in line.text


def exact_tables(lines: list[Line], labels: T3Labels, ncols: int) -> set[int]:
    """Tab-separated tables in which every labelled row holds exactly one field per column after
    its label ("…数量\t2\t1\t\t\t\t\t3", as a browser copies a table): their empty fields are
    blank cells. PDF extraction instead misplaces and drops fields, so its rows disagree."""
    counts: dict[int, list[int]] = {}
    for line in lines:
        if not line.grid or line.blanks_reliable or line.table is None:
            continue
        at = max((i for i, p in enumerate(line.pieces)
                  if p.kind == "label" and labels.match(p.text, None) is not None), default=None)
        if at is not None:
            fields = [p for p in line.pieces[at + 1:] if p.kind in ("value", "empty")]
            counts.setdefault(line.table, []).append(len(fields))
    return {t for t, c in counts.items() if len(c) >= 5 and all(n == ncols for n in c)}


def _label_only(line: Line | None) -> str | None:
    if line is None or not line.grid or line.values():
        return None
    return "".join(p.text for p in line.labels()) or None


def observe_t3(lines: list[Line], ed: Edition) -> TableObservation:
    w = _T3Walker(ed)
    w.exact_tables = exact_tables(lines, w.labels, w.ncols)
    for k, line in enumerate(lines):
        if line.grid:
            w.grid(lines, k)
        else:
            w.text(line)
    w.place_spills()
    drop_if_unordered(w.obs, lambda key: w.ncols)
    return w.obs


def drop_if_unordered(obs: TableObservation, ncols: Callable[[str], int], over: int = 2,
                      prefix: str = "") -> None:
    """Text that lists a table column by column (`pdftotext` without -layout: every label, then
    every number) leaves most rows of running text without a value and a row holding more than
    `over` times as many values (printed numbers) as it has cells. Those rows (of the rows whose
    key starts with `prefix`: one table-2 block) are dropped (not found), never read as blank."""
    text_rows = [o for o in obs.rows.values() if not o.grid and o.key.startswith(prefix)]
    empty = [o.key for o in text_rows if not o.tokens]
    overfull = [o.key for o in text_rows if len(o.tokens) > over * ncols(o.key)]
    if overfull and len(empty) * 2 >= len(text_rows):
        for key in empty + overfull:
            del obs.rows[key]
        obs.unordered += empty + overfull


@per_edition
def _t3_columns(ed: Edition) -> list[ColumnSpec]:
    return [ColumnSpec("count", gap_cost=_GAP_COST.get(c.key, 3.0),
                       sum_of=len(ed.t3_columns) - 1 if c.key == "total" else 0,
                       blank_total=c.key == "total")  # H2 is optional: a blank 总计 is "not filled"
            for c in ed.t3_columns]


@per_edition
def _t3_keys(ed: Edition, row: str) -> tuple[str, ...]:
    return tuple(f"t3.{row}.{c.key}" for c in ed.t3_columns)


def t3_choices(obs: TableObservation, ed: Edition, eqs: tuple[Equation, ...]) -> dict[str, RowChoice]:
    cols = _t3_columns(ed)
    out: dict[str, RowChoice] = {}
    for key, o in obs.rows.items():
        keys = _t3_keys(ed, key)
        cands = _doubts(o, readings(o.tokens, cols, _gaps(o), row_resolver(keys, eqs)))
        if cands:
            out[f"t3.{key}"] = RowChoice(keys, cands)
    return out


def _blank_between(pieces: list[Piece]) -> bool:
    """An empty field between two values (not the stray empty fields PDF text leaves at a row's
    edges)."""
    kinds = "".join("e" if p.kind == "empty" else "v" for p in pieces if p.kind in ("empty", "value"))
    return re.search("ve+v", kinds) is not None


def _doubts(o: Observed, cands: list[Candidate]) -> list[Candidate]:
    """Where a printed value stands rather than a lost cell is in doubt only if the row printed
    blank fields (`Observed.blank_fields`): text that prints no empty field (PDF text) loses
    cells, and a lost cell of a row of zeros is a 0 wherever it was."""
    if o.blank_fields or not any(c.doubtful for c in cands):
        return cands
    return [replace(c, doubtful=()) if c.doubtful else c for c in cands]


# --- table 4 -------------------------------------------------------------------------------------
T4_CELLS = 15  # 行政复议 and two 行政诉讼 groups × five columns, in both editions


def observe_t4(lines: list[Line]) -> Observed | None:
    """The 15 numbers of table 4: the value tokens of its data line(s)."""
    tokens: list[Piece] = []
    grid = reliable = blank_fields = False
    first: Piece | None = None
    for line in lines:
        vals = [p for p in line.pieces if p.kind == "value"]
        if not vals:
            continue
        labels_before = [p for p in line.pieces if p.kind == "label"]
        if not line.grid and (is_sentence(line) or (labels_before and len(vals) < 3
                                                    and not any(t.run for t in vals))):
            continue  # narrative mentioning a number, not the table row
        last_label = max((i for i, p in enumerate(line.pieces) if p.kind == "label"), default=-1)
        line_reliable = line.blanks_reliable if line.grid else False
        toks = _value_tokens(line.pieces[last_label + 1:], line_reliable)
        blank_fields = blank_fields or (line.grid and not line_reliable and bool(toks) and
                                        _blank_between(line.pieces[last_label + 1:]))
        if line.grid and not line_reliable and not tokens:
            # A tab row of exactly the table's 15 fields with blank fields between values (a copy
            # of an HTML table keeps every cell) has its blanks in place.
            every = _value_tokens(line.pieces[last_label + 1:], True)
            kinds = "".join("e" if t.kind == "empty" else "v" for t in every)
            if len(every) == T4_CELLS and re.search("ve+v", kinds):  # not only stray edge fields
                toks, line_reliable = every, True
            elif len(every) == T4_CELLS and "e" in kinds:
                # Empty fields at the edges only: stray ones around lost cells (PDF text) or the
                # table's own blank first or last cell (a browser's copy). Which, the text cannot
                # say: where a reading places a lost cell instead of a printed value stays in doubt.
                blank_fields = True
        if not toks:
            continue
        tokens.extend(toks)
        grid, reliable = line.grid, line_reliable
        first = first or toks[0]
        if sum(len(t.text) if t.run else 1 for t in tokens) >= 15 and not tokens[-1].run:
            if len([t for t in tokens if t.kind == "value"]) >= 15:
                break
    if not tokens:
        return None
    return Observed("t4", tokens, grid, reliable, first, blank_fields=blank_fields)


def t4_choice(o: Observed | None, ed: Edition, eqs: tuple[Equation, ...]) -> dict[str, RowChoice]:
    if o is None:
        return {}
    keys, cols = _t4_columns(ed)
    cands = _doubts(o, readings(o.tokens, cols, _gaps(o), row_resolver(keys, eqs)))
    return {"t4": RowChoice(keys, cands)} if cands else {}


@per_edition
def _t4_columns(ed: Edition) -> tuple[tuple[str, ...], list[ColumnSpec]]:
    keys = tuple(f"t4.{g.key}.{c.key}" for g in ed.t4_groups for c in ed.t4_columns)
    cols = [ColumnSpec("count", gap_cost=_GAP_COST.get(c.key, 3.0),
                       sum_of=len(ed.t4_columns) - 1 if c.key == "total" else 0)
            for _ in ed.t4_groups for c in ed.t4_columns]
    return keys, cols


# --- table 2 -------------------------------------------------------------------------------------
def observe_t2(lines: list[Line], ed: Edition) -> TableObservation:
    labels = T2Labels.of(ed)
    obs = TableObservation()
    block: str | None = None
    current: Observed | None = None
    order = 0
    for line in lines:
        if not line.grid and is_sentence(line):
            continue
        label_pieces = [(i, p) for i, p in enumerate(line.pieces) if p.kind == "label"]
        row_at = None
        for i, p in label_pieces:
            # Running text of a whole table on one line (a crawler's text of markup without
            # whitespace between rows) runs caption, header and row label into one piece before
            # the row's values: "第二十条第（五）项信息内容上一年项目数量…行政许可" 2 增33 …
            valued = not line.grid and i + 1 < len(line.pieces) and line.pieces[i + 1].kind == "value"
            text = (labels.last_block(p.text) or p.text) if valued else p.text
            b = labels.block(text)
            if b is not None:
                block = b.key
                if not valued:
                    continue
            if block is not None:
                cols = labels.header_columns(text, block)
                if cols:
                    obs.columns.setdefault(block, [])
                    for c in cols:
                        if c not in obs.columns[block]:
                            obs.columns[block].append(c)
                    unit = _unit_in(text)
                    if unit and len(cols) == 1:
                        obs.units[f"{block}.{cols[0]}"] = unit
                    elif len(cols) > 1:
                        # Headers run together (crawled text): a unit printed right after a
                        # column's name is that column's ("…采购项目数量采购总金额（元）").
                        for col, u in labels.units_after(text, block).items():
                            obs.units.setdefault(f"{block}.{col}", u)
                    if not valued:
                        continue
            hit = labels.row(text, block)
            if hit is not None:
                row_at = (i, hit.key)
                if line.grid:
                    continue
                # Running text: values follow this label until the next one.
                block = hit.key.split(".")[0]
                current = Observed(hit.key, [], False, False, p, order)
                order += 1
                _collect_after(line.pieces[i + 1:], current)
                obs.add(current, _ncols(ed, hit.key))
                row_at = None
        if line.grid and row_at is not None:
            i, key = row_at
            block = key.split(".")[0]
            tokens = _value_tokens(line.pieces[i + 1:], line.blanks_reliable)
            # A blank cell padding a short block out to the table's width (under an empty header
            # cell: 行政事业性收费 has two columns in a four-column table) is no column of it.
            while len(tokens) > _ncols(ed, key) and tokens[-1].kind == "empty":
                tokens.pop()
            current = Observed(key, tokens, True, line.blanks_reliable, line.pieces[i], order)
            order += 1
            obs.add(current, _ncols(ed, key))
        elif not label_pieces and current is not None and line.grid and not current.grid \
                and not current.tokens:
            # A label alone on its line (a cell holding a paragraph, copied from a page), then
            # its row's values as a tab-separated line: the row continued.
            current.tokens.extend(_value_tokens(line.pieces, line.blanks_reliable))
            current.grid, current.blanks_reliable = True, line.blanks_reliable
        elif not label_pieces and current is not None and current.grid == line.grid:
            # Values on the lines after the label: a grid row split over lines, or text that
            # prints one cell per line (a word processor's plain-text export of the table).
            extra = _value_tokens(line.pieces, line.blanks_reliable) if line.grid else \
                [p for p in line.pieces if p.kind in ("value", "empty")]
            if extra and len(current.tokens) < _ncols(ed, current.key):
                current.tokens.extend(extra)
                if any(p.kind == "empty" for p in extra):
                    current.blanks_reliable = True  # text printed one cell per line
            elif extra and not line.grid:  # more than the row holds: see drop_if_unordered
                current.tokens.extend(p for p in extra if p.kind == "value")
    for bkey in dict.fromkeys(key.split(".")[0] for key in obs.rows):  # printed order: stable
        # Values on lines of their own are one cell each: more than the row has is no reading.
        drop_if_unordered(obs, lambda key: _ncols(ed, key), 1, bkey + ".")
    return obs


def _collect_after(pieces: list[Piece], o: Observed) -> None:
    for p in pieces:
        if p.kind == "label":
            break
        if p.kind == "value":
            o.tokens.append(p)


def _soft_broken(relations: tuple[str, ...], order: list[str], cand: Candidate) -> int:
    """How many of a block's plausible relations ("a >= b", "a == b", "a >= |b|") a reading breaks."""
    v = {k: (s.value or 0) for k, s in zip(order, cand.slots)}
    broken = 0
    for rel in relations:
        left, op, right = rel.split()
        a = v.get(left, 0)
        b = abs(v.get(right.strip("|"), 0)) if right.startswith("|") else v.get(right, 0)
        broken += not (a >= b if op == ">=" else a == b)
    return broken


def _unit_in(header: str) -> str | None:
    """The money unit a column header prints: "采购总金额（元）", "（单位：万元）"."""
    f = fold(header)
    for unit in ("亿元", "万元", "千元"):
        if unit in f:
            return unit
    return "元" if f.endswith("元") or "单位元" in f else None


def _block(ed: Edition, key: str):
    return T2Labels.of(ed).block_of[key]


def _ncols(ed: Edition, row_key: str) -> int:
    return len(_block(ed, row_key.split(".")[0]).columns)


@per_edition
def _t2_specs(ed: Edition, bkey: str, order: tuple[str, ...], units: tuple[str | None, ...]
              ) -> list[ColumnSpec]:
    """The columns of a table-2 block in printed order, with the units their headers print."""
    cols_by_key = {c.key: c for c in _block(ed, bkey).columns}
    return [ColumnSpec(cols_by_key[c].kind, unit, cols_by_key[c].typical)
            for c, unit in zip(order, units)]


UNREADABLE_PENALTY = 10.0


def t2_choices(obs: TableObservation, ed: Edition) -> dict[str, RowChoice]:
    out: dict[str, RowChoice] = {}
    for key, o in obs.rows.items():
        bkey, rkey = key.split(".")
        b = _block(ed, bkey)
        order = [c for c in obs.columns.get(bkey, []) if any(c == x.key for x in b.columns)]
        if sorted(order) != sorted(c.key for c in b.columns):
            order = [c.key for c in b.columns]
        specs = _t2_specs(ed, bkey, tuple(order), tuple(obs.units.get(f"{bkey}.{c}") for c in order))
        cands = readings(o.tokens, specs, _gaps(o))
        if len(cands) > 1 and any(x.unreadable for c in cands for x in c.slots):
            # A reading that leaves a printed cell unreadable ("增1" as 上一年项目数量) is the
            # last resort, whatever its priors.
            cands = sorted((replace(c, cost=c.cost + UNREADABLE_PENALTY * sum(x.unreadable for x in c.slots))
                            for c in cands), key=lambda c: c.cost)
        if len(cands) > 1 and b.soft:
            cands = sorted((replace(c, cost=c.cost + SOFT_PENALTY * _soft_broken(b.soft, order, c))
                            for c in cands), key=lambda c: c.cost)
        if cands:
            out[f"t2.{key}"] = RowChoice(tuple(f"t2.{key}.{c}" for c in order), cands)
    return out
