"""The possible readings of one printed row: which printed token fills which column.

A clean grid row has exactly one reading. A row extracted from PDF may have lost cells (fewer
tokens than columns: every placement of the lost cells is a reading, the lost cells to be inferred
by the rules). A row of web-copied text may have its digits run together ("9000009") and its blank
cells vanished: every split of the digits and placement of the blanks is a reading. The rules,
not the reader, choose among them (`reconcile`).
"""

from __future__ import annotations

import functools
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
    sum_of: int = 0  # this column is the total of the `sum_of` columns before it (H2, H4–H6)


@dataclass(frozen=True)
class Candidate:
    slots: tuple[Slot, ...]
    cost: float
    # A reading of several rows chosen together (`reconcile` merges rows that must add up):
    # the row id and reading of each.
    parts: tuple[tuple[str, "Candidate"], ...] = ()


_RUN = re.compile(r"^(?P<sign>[增减]\s*|[+\-−])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
                  r"(?P<unit>\s*(?:亿元|万元|千元|元|件|个|项|条))?$")


def _atom(piece: Piece, col: ColumnSpec) -> Slot:
    if piece.kind == "empty":
        return Slot(None, piece.text.strip() or "", piece.source)
    value, raw, unit, unreadable = _read_atom(piece.text, col.kind, col.default_unit)
    return Slot(value, raw, piece.source, False, unreadable, unit)


@functools.lru_cache(maxsize=16384)
def _read_atom(text: str, kind: ValueKind, default_unit: str | None
               ) -> tuple[int | float | None, str, str | None, bool]:
    """(value, raw, unit, unreadable) of one printed cell: the same cells recur in every report."""
    try:
        v = V.parse(text, kind, default_unit)
    except V.Unreadable:
        return None, text.strip(), None, True
    return v.value, text.strip(), v.unit, False


@dataclass(frozen=True)
class _Run:
    """A token split into parts: a digit run ("9000009", "减23231668", "71245.95万元") or a run
    of blank marks ("//", "——"). Parts are consumed left to right, one cell each."""

    piece: Piece
    sign: str = ""
    digits: str = ""
    tail: str = ""  # decimals and unit: they belong to the last part
    lead: int = 0  # offset of the sign/first digit within the piece text
    marks: str = ""
    # "115,255" after run-together cells: only digits before the first group's last one may
    # belong to earlier cells ("1" + "15,255"); the rest is one number. 0: no separators.
    first_group: int = 0

    @classmethod
    def of(cls, piece: Piece) -> "_Run | None":
        text = V.nfkc(piece.text)
        stripped = text.strip()
        lead = len(text) - len(text.lstrip())
        if MARKS.fullmatch(stripped):
            return cls(piece, marks=stripped, lead=lead)
        m = _RUN.match(stripped)
        if m is None:
            return None
        whole = m.group("int")
        first = len(whole.split(",")[0]) if "," in whole else 0
        return cls(piece, m.group("sign") or "", whole.replace(",", ""),
                   (m.group("frac") or "") + (m.group("unit") or ""), lead, first_group=first)

    def _pos(self, i: int) -> int:
        """Offset in the printed digits (separators included) of the i-th digit."""
        if not self.first_group or i <= self.first_group:
            return i
        return i + (i - self.first_group + 2) // 3

    @property
    def size(self) -> int:
        return len(self.marks) if self.marks else len(self.digits)

    def parts(self, off: int, col: ColumnSpec) -> Iterator[tuple[int, Slot, float]]:
        """The next part starting at `off`: (its length, its slot, its prior cost)."""
        if self.marks:
            for length in range(1, len(self.marks) - off + 1):
                raw = self.marks[off:off + length]
                # One mark per cell, or "——" as one cell.
                cost = 0.0 if length == 1 or raw == "——" else 0.5
                src = self.piece.source.sub(self.lead + off, self.lead + off + length)
                yield length, Slot(None, raw, src), cost
            return
        for length in range(1, len(self.digits) - off + 1):
            p = self.digits[off:off + length]
            if len(p) > 1 and p[0] == "0":
                break  # a printed count never has a leading zero
            first, last = off == 0, off + length == len(self.digits)
            if self.first_group and not last and off + length >= self.first_group:
                continue  # a cut inside a separated number
            start = self.lead + self._pos(off) + (0 if first else len(self.sign))
            end = self.lead + len(self.sign) + self._pos(off + length) + (len(self.tail) if last else 0)
            raw = self.piece.text[start:end]  # as printed (separators, sign and unit included)
            try:
                v = V.parse(raw, col.kind, col.default_unit)
            except V.Unreadable:
                continue
            cost = 0.0
            if col.typical is not None:
                cost = abs(math.log10(int(p) + 1) - math.log10(col.typical + 1))
            yield length, Slot(v.value, raw, self.piece.source.sub(start, end), unit=v.unit), cost


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
    # Long digit runs have too many splits to list: first try only splits whose totals add up
    # (the row's own equations); real reports with a wrong total fall back to every split.
    strict_first = resolve is not None and any(c.sum_of for c in cols) and \
        sum(1 for t in tokens if t.run) > 0
    for strict in ((True, False) if strict_first else (False,)):
        unchecked: list[Candidate] = []
        fallback: list[Candidate] = []
        for max_gaps in range(max(0, n - capacity), n + 1):
            found = _generate(tokens, cols, gap_kind, max_gaps, strict)
            found.sort(key=lambda c: c.cost)
            if resolve is None:
                good = _distinct(found)
            else:
                resolved = [(r, ok) for c in found if (res := resolve(c)) is not None for r, ok in [res]]
                good = _distinct([r for r, full in resolved if full])
                # A reading that blanks the cell its row's equation needs (a vanished 总计)
                # cannot be checked: it is taken only if no checkable reading exists.
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
              gaps: int, strict: bool = False) -> list[Candidate]:
    """Readings with exactly `gaps` gap cells; gaps may fall between the parts of a run, since a
    blank cell vanishes from running text wherever it was. `strict` keeps only readings whose
    total columns (`sum_of`) equal the sum of their parts, pruning as soon as a partial sum can
    no longer be printed by the digits left."""
    n = len(cols)
    runs = [(_Run.of(t) if t.run else None) for t in tokens]
    # cells[i]: at most how many cells tokens[i:] can fill; at least len(tokens) - i.
    most = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        most[i] = most[i + 1] + (runs[i].size if runs[i] else 1)
    # least[i]: the fewest cells tokens[i:] can fill (a "-" before digits may be their sign).
    signed = any(c.kind == "signed" for c in cols)
    least = [0] * (len(tokens) + 2)
    for i in range(len(tokens) - 1, -1, -1):
        least[i] = 1 + least[i + 1]
        if signed and i + 1 < len(tokens) and V.nfkc(tokens[i].text).strip() == "-" \
                and re.match(r"\d", V.nfkc(tokens[i + 1].text).strip()):
            least[i] = min(least[i], 1 + least[i + 2])
    digits = [0] * (len(tokens) + 1)  # digits printed by tokens[i:]
    for i in range(len(tokens) - 1, -1, -1):
        digits[i] = digits[i + 1] + len(re.sub(r"\D", "", V.nfkc(tokens[i].text).split(".")[0]))
    # The group of columns each column belongs to: (first part, total column).
    group: list[tuple[int, int] | None] = [None] * n
    for j, c in enumerate(cols):
        if c.sum_of:
            for k in range(j - c.sum_of, j + 1):
                group[k] = (j - c.sum_of, j)
    out: list[Candidate] = []
    gap = Slot(None, None, None, lost=gap_kind == "lost")

    def hopeless(ci: int, acc: list[Slot], digits_left: int) -> bool:
        """A strict reading cannot be completed: a total would need more digits than are left,
        or a total just placed differs from the sum of its parts."""
        g = group[ci - 1] if ci > 0 else None
        if g is not None and ci - 1 == g[1]:
            parts = sum((x.value or 0) for x in acc[g[0]:g[1]])
            return acc[g[1]].value != parts
        g = group[ci] if ci < n else None
        if g is None:
            return False
        partial = sum((x.value or 0) for x in acc[g[0]:ci])
        return partial >= 10 ** max(digits_left, 0) and partial > 0

    parts_at: dict[tuple[int, int, int], list[tuple[int, Slot, float]]] = {}

    def gen(ti: int, off: int, ci: int, left: int, acc: list[Slot], cost: float) -> None:
        if len(out) >= MAX_CANDIDATES:
            return
        room = n - ci - left  # cells the tokens must fill from here
        cap = most[ti] - off
        if room < least[ti] or room > cap:
            return
        if strict and left == 0 and hopeless(ci, acc, digits[ti] - off):
            return
        if ti == len(tokens):
            out.append(Candidate(tuple(acc + [gap] * left),
                                 cost + sum(c.gap_cost for c in cols[ci:])))
            return
        tok, run = tokens[ti], runs[ti]
        if left > 0 and ci < n:
            gen(ti, off, ci + 1, left - 1, acc + [gap], cost + cols[ci].gap_cost)
        if ci == n:
            return
        nxt = tokens[ti + 1] if ti + 1 < len(tokens) else None
        if (off == 0 and cols[ci].kind == "signed" and nxt is not None
                and V.nfkc(tok.text).strip() == "-" and re.match(r"\d", V.nfkc(nxt.text).strip())):
            # Running text: "-8" is a signed 本年增/减 as well as a blank mark and an 8.
            merged = Piece(tok.text + nxt.text, "value", tok.source, run=nxt.run)
            mrun = _Run.of(merged) if merged.run else None
            if mrun is None:
                gen(ti + 2, 0, ci + 1, left, acc + [_atom(merged, cols[ci])], cost)
            else:
                # The signed part may be a prefix of the digits; the rest continue the run.
                for length, slot, c in mrun.parts(0, cols[ci]):
                    if length == mrun.size:
                        gen(ti + 2, 0, ci + 1, left, acc + [slot], cost + c)
                    else:
                        gen(ti + 1, length, ci + 1, left, acc + [slot], cost + c)
        if run is None:
            gen(ti + 1, 0, ci + 1, left, acc + [_atom(tok, cols[ci])], cost)
            return
        split = parts_at.get((ti, off, ci))
        if split is None:  # the same part of a run is reached along many paths: made once
            split = parts_at[(ti, off, ci)] = list(run.parts(off, cols[ci]))
        for length, slot, c in split:
            done = off + length == run.size
            gen(ti + 1 if done else ti, 0 if done else off + length, ci + 1, left, acc + [slot],
                cost + c)

    gen(0, 0, 0, gaps, [], 0.0)
    return out


