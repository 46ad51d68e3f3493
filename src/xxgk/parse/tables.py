"""Map the lines of the three table regions to cell keys, by labels.

For each table the observer walks the lines in order, tracking context (the 第二十条 block of
table 2, the group of table 3), recognises row labels with `labels`, and collects the value
tokens printed after each label. Column order comes from the edition (and, for table 2, from the
header the block prints when it has one). The result is a `RowChoice` per printed row: the
possible readings that `reconcile` chooses among.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..editions import Edition
from ..textnorm import fold
from .candidates import ColumnSpec, GapKind, readings
from .labels import T2Labels, T3Labels
from .pieces import Line, Piece
from ..rules import Equation
from .reconcile import RowChoice, row_filter

# Typical number of digits per table-2 column: a weak prior used only to split run-together digits
# when no rule decides (table 2 has no equations).
_TYPICAL_DIGITS = {"new_made": 1, "new_published": 1, "total_published": 2, "prev_items": 2,
                   "delta_items": 1, "decisions": 3, "proc_items": 2, "proc_amount": 3,
                   "issued": 1, "repealed": 1, "in_force": 2, "fee_amount": 2}


@dataclass
class Observed:
    key: str
    tokens: list[Piece]
    grid: bool
    blanks_reliable: bool
    label: Piece | None = None
    order: int = 0


@dataclass
class TableObservation:
    rows: dict[str, Observed] = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)  # t2 block → printed column order

    def add(self, obs: Observed, expected: int) -> None:
        """Keep, per row key, the observation whose token count best fits the columns (a label
        quoted in the narrative, e.g. "本年新收政府信息公开申请9件", must not displace the table)."""
        old = self.rows.get(obs.key)
        if old is None or _fit(obs, expected) <= _fit(old, expected):
            self.rows[obs.key] = obs


def _fit(o: Observed, expected: int) -> tuple[int, int]:
    capacity = sum(len(t.text) if t.run else 1 for t in o.tokens)
    n = len([t for t in o.tokens if t.kind != "empty" or o.blanks_reliable])
    short = max(0, expected - capacity)
    return (short + max(0, n - expected), 0 if o.grid else 1)


def _value_tokens(pieces: list[Piece], reliable: bool) -> list[Piece]:
    return [p for p in pieces if p.kind == "value" or (p.kind == "empty" and reliable)]


def _gaps(o: Observed) -> GapKind:
    if o.grid and o.blanks_reliable:
        return "none"
    return "lost" if o.grid else "blank"


# --- table 3 -------------------------------------------------------------------------------------
def observe_t3(lines: list[Line], ed: Edition) -> TableObservation:
    labels = T3Labels(ed)
    ncols = len(ed.t3_columns)
    obs = TableObservation()
    group: str | None = None
    current: Observed | None = None
    order = 0
    last_outcome_seen = False
    fresh: list[Observed] = []
    for line in lines:
        pieces = line.pieces
        if line.grid:
            # The row label is the last label cell that names a row; cells after it are values.
            row_at = None
            for i, p in enumerate(pieces):
                if p.kind != "label":
                    continue
                hit = labels.match(p.text, group)
                if hit is None and fold(p.text) == "总计" and last_outcome_seen:
                    hit_key = "total_processed"
                    row_at = (i, hit_key)
                    continue
                if hit is None:
                    continue
                if hit.kind == "group":
                    group = hit.key
                else:
                    row_at = (i, hit.key)
            if row_at is not None:
                i, key = row_at
                row = ed.t3_row(key)
                group = row.group if row.item is not None else group
                last_outcome_seen = last_outcome_seen or key.startswith("other")
                current = Observed(key, _value_tokens(pieces[i + 1:], line.blanks_reliable),
                                   True, line.blanks_reliable, pieces[i], order)
                order += 1
                obs.add(current, ncols)
            elif current is not None and not any(p.kind == "label" for p in pieces):
                # Values printed on the line after a split label (PDF text).
                extra = _value_tokens(pieces, line.blanks_reliable)
                if extra and len(current.tokens) < ncols:
                    current.tokens.extend(extra)
            continue
        for i, p in enumerate(pieces):
            if p.kind == "label":
                hit = labels.match(p.text, group)
                if hit is None and fold(p.text).endswith("总计") and last_outcome_seen \
                        and len(fold(p.text)) <= 4:
                    hit = labels.match("（七）总计", group)
                if hit is None:
                    continue
                if hit.kind == "group":
                    group = hit.key
                    continue
                row = ed.t3_row(hit.key)
                if row.item is not None:
                    group = row.group
                last_outcome_seen = last_outcome_seen or hit.key.startswith("other")
                current = Observed(hit.key, [], False, False, p, order)
                order += 1
                fresh.append(current)
            elif p.kind == "value" and current is not None and not current.grid:
                current.tokens.append(p)
        # Rows of running text are complete at the end of their paragraph.
        for o in fresh:
            obs.add(o, ncols)
        fresh.clear()
    return obs


def t3_choices(obs: TableObservation, ed: Edition, eqs: tuple[Equation, ...]) -> dict[str, RowChoice]:
    cols = [ColumnSpec("count") for _ in ed.t3_columns]
    out: dict[str, RowChoice] = {}
    for key, o in obs.rows.items():
        keys = tuple(f"t3.{key}.{c.key}" for c in ed.t3_columns)
        cands = readings(o.tokens, cols, _gaps(o), row_filter(keys, eqs))
        if cands:
            out[f"t3.{key}"] = RowChoice(keys, cands)
    return out


# --- table 4 -------------------------------------------------------------------------------------
def observe_t4(lines: list[Line]) -> Observed | None:
    """The 15 numbers of table 4: the value tokens of its data line(s)."""
    tokens: list[Piece] = []
    grid = reliable = False
    first: Piece | None = None
    for line in lines:
        vals = [p for p in line.pieces if p.kind == "value"]
        if not vals:
            continue
        labels_before = [p for p in line.pieces if p.kind == "label"]
        if not line.grid and labels_before and len(vals) < 3 and not any(t.run for t in vals):
            continue  # narrative mentioning a number, not the table row
        last_label = max((i for i, p in enumerate(line.pieces) if p.kind == "label"), default=-1)
        toks = _value_tokens(line.pieces[last_label + 1:], line.blanks_reliable if line.grid else False)
        if not toks:
            continue
        tokens.extend(toks)
        grid, reliable = line.grid, line.blanks_reliable if line.grid else False
        first = first or toks[0]
        if sum(len(t.text) if t.run else 1 for t in tokens) >= 15 and not tokens[-1].run:
            if len([t for t in tokens if t.kind == "value"]) >= 15:
                break
    if not tokens:
        return None
    return Observed("t4", tokens, grid, reliable, first)


def t4_choice(o: Observed | None, ed: Edition, eqs: tuple[Equation, ...]) -> dict[str, RowChoice]:
    if o is None:
        return {}
    keys = tuple(f"t4.{g.key}.{c.key}" for g in ed.t4_groups for c in ed.t4_columns)
    cands = readings(o.tokens, [ColumnSpec("count") for _ in keys], _gaps(o), row_filter(keys, eqs))
    return {"t4": RowChoice(keys, cands)} if cands else {}


# --- table 2 -------------------------------------------------------------------------------------
def observe_t2(lines: list[Line], ed: Edition) -> TableObservation:
    labels = T2Labels(ed)
    obs = TableObservation()
    block: str | None = None
    current: Observed | None = None
    order = 0
    for line in lines:
        label_pieces = [(i, p) for i, p in enumerate(line.pieces) if p.kind == "label"]
        row_at = None
        for i, p in label_pieces:
            b = labels.block(p.text)
            if b is not None:
                block = b.key
                continue
            if block is not None:
                cols = _header_columns(p.text, labels.columns_of(block))
                if cols:
                    obs.columns.setdefault(block, [])
                    for c in cols:
                        if c not in obs.columns[block]:
                            obs.columns[block].append(c)
                    continue
            hit = labels.row(p.text, block)
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
            current = Observed(key, _value_tokens(line.pieces[i + 1:], line.blanks_reliable), True,
                               line.blanks_reliable, line.pieces[i], order)
            order += 1
            obs.add(current, _ncols(ed, key))
        elif line.grid and not label_pieces and current is not None:
            extra = _value_tokens(line.pieces, line.blanks_reliable)
            if extra and len(current.tokens) < _ncols(ed, current.key):
                current.tokens.extend(extra)
    return obs


def _collect_after(pieces: list[Piece], o: Observed) -> None:
    for p in pieces:
        if p.kind == "label":
            break
        if p.kind == "value":
            o.tokens.append(p)


def _header_columns(text: str, entries) -> list[str]:
    f = fold(text)
    found = []
    for kw, _, key in entries:
        pos = f.find(kw)
        if kw and pos >= 0:
            found.append((pos, key))
    return [k for _, k in sorted(set(found))] if found else []


def _block(ed: Edition, key: str):
    return next(b for b in ed.t2 if b.key == key)


def _ncols(ed: Edition, row_key: str) -> int:
    return len(_block(ed, row_key.split(".")[0]).columns)


def t2_choices(obs: TableObservation, ed: Edition) -> dict[str, RowChoice]:
    out: dict[str, RowChoice] = {}
    for key, o in obs.rows.items():
        bkey, rkey = key.split(".")
        b = _block(ed, bkey)
        order = [c for c in obs.columns.get(bkey, []) if any(c == x.key for x in b.columns)]
        if sorted(order) != sorted(c.key for c in b.columns):
            order = [c.key for c in b.columns]
        cols_by_key = {c.key: c for c in b.columns}
        specs = [ColumnSpec(cols_by_key[c].kind, None, _TYPICAL_DIGITS.get(c)) for c in order]
        cands = readings(o.tokens, specs, _gaps(o))
        if cands:
            out[f"t2.{key}"] = RowChoice(tuple(f"t2.{key}.{c}" for c in order), cands)
    return out
