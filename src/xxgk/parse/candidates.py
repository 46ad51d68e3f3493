"""The possible readings of one printed row: which printed token fills which column.

A clean grid row has exactly one reading. A row extracted from PDF may have lost cells (fewer
tokens than columns: every placement of the lost cells is a reading, the lost cells to be inferred
by the rules). A row of web-copied text may have its digits run together ("9000009") and its blank
cells vanished: every split of the digits and placement of the blanks is a reading. The rules,
not the reader, choose among them (`reconcile`).
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from ..document import Source
from ..editions import ValueKind
from .. import values as V
from .pieces import MARKS, Piece

GapKind = Literal["none", "lost", "blank"]
MAX_CANDIDATES = 4000


@dataclass(frozen=True)
class Slot:
    """One column of one reading."""

    value: int | float | None
    raw: str | None
    source: Source | None
    lost: bool = False  # not printed or lost in extraction: a variable for the rules
    unreadable: bool = False
    unit: str | None = None
    rule: str | None = None  # a lost cell its row's own equation already determined

    @property
    def open(self) -> bool:
        """Still a variable: lost and not yet determined."""
        return self.lost and self.rule is None


@dataclass(frozen=True)
class ColumnSpec:
    kind: ValueKind = "count"
    default_unit: str | None = None
    typical: float | None = None  # typical magnitude: a prior for splitting run-together digits
    gap_cost: float = 3.0  # prior cost of reading this column as lost or vanished


@dataclass(frozen=True)
class Candidate:
    slots: tuple[Slot, ...]
    cost: float


_RUN = re.compile(r"^(?P<sign>[增减]\s*|[+\-−])?(?P<int>\d+)(?P<frac>\.\d+)?(?P<unit>\s*(?:亿元|万元|千元|元|件|个|项|条))?$")


def _atom(piece: Piece, col: ColumnSpec) -> Slot:
    if piece.kind == "empty":
        return Slot(None, piece.text.strip() or "", piece.source)
    try:
        v = V.parse(piece.text, col.kind, col.default_unit)
    except V.Unreadable:
        return Slot(None, piece.text.strip(), piece.source, unreadable=True)
    return Slot(v.value, piece.text.strip(), piece.source, unit=v.unit)


def _run_splits(piece: Piece, cols: list[ColumnSpec]) -> Iterator[tuple[list[Slot], float]]:
    """Ways to read one run of digits (or of blank marks, "//") as len(cols) consecutive cells."""
    text = V.nfkc(piece.text)
    if MARKS.fullmatch(text.strip()):
        marks = text.strip()
        if len(cols) <= len(marks):
            per = len(marks) / len(cols)
            # One mark per cell, or "——" pairs.
            cost = 0.0 if per == 1 or (per == 2 and marks[0] == "—") else 0.5
            yield [Slot(None, marks[i] if per == 1 else marks, piece.source) for i in range(len(cols))], cost
        return
    m = _RUN.match(text.strip())
    if m is None:
        return
    lead = len(text) - len(text.lstrip())
    digits = m.group("int")
    sign, frac, unit = m.group("sign") or "", m.group("frac") or "", (m.group("unit") or "")
    d0 = lead + len(sign)  # offset of the first digit within the piece text
    n = len(cols)
    if n > len(digits):
        return
    for cuts in itertools.combinations(range(1, len(digits)), n - 1):
        bounds = (0, *cuts, len(digits))
        parts = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
        if any(len(p) > 1 and p[0] == "0" for p in parts):
            continue  # a printed count never has a leading zero
        slots: list[Slot] = []
        cost = 0.0
        ok = True
        for i, (p, col, a, b) in enumerate(zip(parts, cols, bounds, bounds[1:])):
            raw = (sign if i == 0 else "") + p + (frac + unit if i == n - 1 else "")
            start = d0 + a - (len(sign) if i == 0 else 0)
            end = d0 + b + (len(frac) + len(unit) if i == n - 1 else 0)
            try:
                v = V.parse(raw, col.kind, col.default_unit)
            except V.Unreadable:
                ok = False
                break
            slots.append(Slot(v.value, raw, piece.source.sub(start, end), unit=v.unit))
            if col.typical is not None:
                cost += abs(math.log10(int(p) + 1) - math.log10(col.typical + 1))
        if ok:
            yield slots, cost


def readings(tokens: list[Piece], cols: list[ColumnSpec], gaps: GapKind,
             resolve: Callable[[Candidate], tuple[Candidate, bool] | None] | None = None,
             cap: int = 200) -> list[Candidate]:
    """The distinct readings of `tokens` as len(cols) cells, cheapest first.

    Readings with fewer gaps (lost or vanished cells) are tried first. `resolve` applies the
    row's own equations: it rejects a reading (None) or returns it with the lost cells those
    equations determine filled in, and whether every equation could be checked; readings that
    then agree cell for cell are one reading. More gaps are allowed only when no reading with
    fewer passes.
    """
    n = len(cols)
    atoms_only = not any(t.run for t in tokens)
    signed = any(c.kind == "signed" for c in cols)
    if atoms_only and len(tokens) == n and not (signed and gaps == "blank"):
        return [Candidate(tuple(_atom(t, c) for t, c in zip(tokens, cols)), 0.0)]
    if atoms_only and len(tokens) > n and gaps != "blank":
        # Stray trailing tokens (e.g. empty fields after the row in PDF text): drop empties first.
        kept = [t for t in tokens if t.kind != "empty"]
        tokens = kept[:n]
        if len(tokens) == n:
            return [Candidate(tuple(_atom(t, c) for t, c in zip(tokens, cols)),
                              1.0 if len(kept) == n else 5.0)]
    gap_kind: GapKind = gaps if gaps != "none" else "lost"
    capacity = sum(_capacity(t) for t in tokens)
    unchecked: list[Candidate] = []
    fallback: list[Candidate] = []
    for max_gaps in range(max(0, n - capacity), n + 1):
        found = _generate(tokens, cols, gap_kind, max_gaps)
        found.sort(key=lambda c: c.cost)
        if resolve is None:
            good = _distinct(found)
        else:
            resolved = [(r, ok) for c in found if (res := resolve(c)) is not None for r, ok in [res]]
            good = _distinct([r for r, full in resolved if full])
            # A reading that blanks the cell its row's equation needs (a vanished 总计) cannot be
            # checked: it is taken only if no checkable reading exists at any number of gaps.
            if not unchecked:
                unchecked = _distinct([r for r, full in resolved if not full])
        if good:
            return good[:cap]
        fallback.extend(found)
        if len(fallback) >= MAX_CANDIDATES:
            break
    if unchecked:
        return unchecked[:cap]
    fallback.sort(key=lambda c: c.cost)
    return _distinct(fallback)[:cap]


def _capacity(t: Piece) -> int:
    """How many cells a token can fill at most."""
    if not t.run:
        return 1
    text = V.nfkc(t.text).strip()
    return len(text) if MARKS.fullmatch(text) else len(re.sub(r"\D", "", text.split(".")[0]))


def _distinct(cands: list[Candidate]) -> list[Candidate]:
    seen: set[tuple] = set()
    out = []
    for c in cands:
        sig = tuple("?" if x.open else x.value for x in c.slots)
        if sig not in seen:
            seen.add(sig)
            out.append(c)
    return out


def _generate(tokens: list[Piece], cols: list[ColumnSpec], gap_kind: GapKind,
              gaps: int) -> list[Candidate]:
    """Readings with exactly `gaps` gap cells."""
    n = len(cols)
    out: list[Candidate] = []

    def gen(ti: int, ci: int, left: int, acc: list[Slot], cost: float) -> None:
        if len(out) >= MAX_CANDIDATES:
            return
        if ti == len(tokens):
            if n - ci == left:
                gap_slots = [Slot(None, None, None, lost=gap_kind == "lost") for _ in range(left)]
                out.append(Candidate(tuple(acc + gap_slots),
                                     cost + sum(c.gap_cost for c in cols[ci:])))
            return
        if ci == n:
            return
        tok = tokens[ti]
        nxt = tokens[ti + 1] if ti + 1 < len(tokens) else None
        if (cols[ci].kind == "signed" and nxt is not None and V.nfkc(tok.text).strip() == "-"
                and re.match(r"\d", V.nfkc(nxt.text).strip())):
            # Running text: "-8" is a signed 本年增/减 as well as a blank mark and an 8.
            merged = Piece(tok.text + nxt.text, "value", tok.source, run=nxt.run)
            if merged.run:
                for width in range(1, n - ci - left + 1):
                    for slots, c in _run_splits(merged, cols[ci:ci + width]):
                        gen(ti + 2, ci + width, left, acc + slots, cost + c)
            else:
                gen(ti + 2, ci + 1, left, acc + [_atom(merged, cols[ci])], cost)
        if tok.run:
            for width in range(1, n - ci - left + 1):
                for slots, c in _run_splits(tok, cols[ci:ci + width]):
                    gen(ti + 1, ci + width, left, acc + slots, cost + c)
        else:
            gen(ti + 1, ci + 1, left, acc + [_atom(tok, cols[ci])], cost)
        if left > 0:  # a gap at this column, the token going further right
            gen(ti, ci + 1, left - 1, acc + [Slot(None, None, None, lost=gap_kind == "lost")],
                cost + cols[ci].gap_cost)

    gen(0, 0, gaps, [], 0.0)
    return out


