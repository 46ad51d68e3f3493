"""Choose the readings of the table rows that the rules (H1–H6) support, and infer lost cells.

Each observed row has one or more candidate readings (`candidates.readings`). The search assigns
one reading per row, propagating the equations as it goes: an equation with one lost cell left
determines it (it must come out a non-negative integer), an equation with none left is checked.
Branch and bound keeps the assignments with the fewest broken equations, then the lowest prior
cost. Cells on which the best assignments disagree are ambiguous: the cheapest reading is kept
and a finding says so. A lost cell no equation determines stays `missing` — never a guess.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from ..rules import Equation
from .candidates import Candidate

NODE_BUDGET = 20000
MAX_SOLUTIONS = 64


@dataclass
class RowChoice:
    """Readings of one printed row, mapped to cell keys."""

    keys: tuple[str, ...]
    candidates: list[Candidate]


@dataclass
class Solution:
    chosen: dict[str, Candidate]  # row id → reading
    values: dict[str, int | float | None]  # every cell of the chosen readings, lost ones solved
    inferred_by: dict[str, str]  # lost cell → id of the equation that determined it
    violations: int
    cost: float


@dataclass
class Outcome:
    best: Solution | None
    ambiguous: dict[str, set] = field(default_factory=dict)  # cell → the values best readings give
    exhausted: bool = False  # the node budget ran out: the best found may not be optimal


class _Search:
    def __init__(self, rows: Mapping[str, RowChoice], eqs: tuple[Equation, ...]):
        self.rows = rows
        keyset = {k for r in rows.values() for k in r.keys}
        self.eqs = [e for e in eqs if any(k in keyset for k in e.keys)]
        self.by_cell: dict[str, list[int]] = {}
        for i, e in enumerate(self.eqs):
            for k in e.keys:
                self.by_cell.setdefault(k, []).append(i)
        self.order = sorted(rows, key=lambda r: len(rows[r].candidates))
        self.solutions: list[Solution] = []
        self.best_viol = 10**9
        self.best_cost = float("inf")
        self.nodes = 0
        self.exhausted = False

    # Cells of rows not yet assigned are absent from `vals`; a lost cell is present with LOST.
    def _propagate(self, vals: dict, inferred: dict, touched: set[int], checked: set[int]) -> int:
        """Solve/check equations until nothing changes; returns new violations."""
        viol = 0
        queue = list(touched)
        while queue:
            i = queue.pop()
            if i in checked:
                continue
            e = self.eqs[i]
            if any(k not in vals for k in e.keys if k in self._all_keys):
                continue  # a row of this equation is not assigned yet
            opt = e.optional
            if opt is not None and vals.get(opt) is None:
                checked.add(i)
                continue  # blank total: "not filled"
            lost = [k for k in e.keys if vals.get(k) is LOST]
            known = {k: (None if vals.get(k) is LOST else vals.get(k)) for k in e.keys}
            r = e.residual(known)
            if len(lost) > 1:
                # Lost cells all on one side must add up to what the rest leaves; counts are
                # non-negative, so a zero sum pins every one of them to 0.
                if all(k in e.plus for k in lost) or all(k in e.minus for k in lost):
                    need = -r if lost[0] in e.plus else r
                    if abs(need) < 1e-6:
                        checked.add(i)
                        for k in lost:
                            vals[k] = 0
                            inferred[k] = e.id
                            queue.extend(j for j in self.by_cell.get(k, ()) if j not in checked)
                    elif need < 0:
                        checked.add(i)
                        viol += 1
                continue
            checked.add(i)
            if not lost:
                if abs(r) > 1e-6:
                    viol += 1
                continue
            k = lost[0]
            # residual = plus - minus with the lost cell at 0; solve for it.
            v = -r if k in e.plus else r
            if isinstance(v, float) and abs(v - round(v)) < 1e-6:
                v = int(round(v))
            if v < 0 or (isinstance(v, float) and not v.is_integer()):
                viol += 1  # no non-negative integer satisfies it
                continue
            vals[k] = v
            inferred[k] = e.id
            for j in self.by_cell.get(k, ()):
                if j not in checked:
                    queue.append(j)
        return viol

    def run(self) -> None:
        self._all_keys = {k for r in self.rows.values() for k in r.keys}
        self._dfs(0, {}, {}, set(), 0, 0.0, {})

    def _dfs(self, depth: int, vals: dict, inferred: dict, checked: set, viol: int, cost: float,
             chosen: dict) -> None:
        self.nodes += 1
        if self.nodes > NODE_BUDGET:
            self.exhausted = True
            return
        if viol > self.best_viol:
            return
        if self.best_viol == 0 and len(self.solutions) >= MAX_SOLUTIONS:
            return  # enough consistent readings to tell whether they agree
        if depth == len(self.order):
            self._record(vals, inferred, viol, cost, chosen)
            return
        rid = self.order[depth]
        row = self.rows[rid]
        for cand in row.candidates:
            if self.nodes > NODE_BUDGET:
                return
            v2 = dict(vals)
            for k, s in zip(row.keys, cand.slots):
                v2[k] = LOST if s.lost else s.value
            inf2 = dict(inferred)
            chk2 = set(checked)
            touched = {i for k in row.keys for i in self.by_cell.get(k, ())}
            nv = viol + self._propagate(v2, inf2, touched, chk2)
            if nv > self.best_viol:
                continue
            chosen[rid] = cand
            self._dfs(depth + 1, v2, inf2, chk2, nv, cost + cand.cost, chosen)
            del chosen[rid]

    def _record(self, vals, inferred, viol, cost, chosen) -> None:
        if any(v is LOST for v in vals.values()):
            vals, inferred = dict(vals), dict(inferred)
            viol += _eliminate(self.eqs, vals, inferred)
            if viol > self.best_viol:
                return
        if viol < self.best_viol:
            self.best_viol = viol
            self.solutions = []
        if len(self.solutions) >= MAX_SOLUTIONS:
            return
        values = {k: (None if v is LOST else v) for k, v in vals.items()}
        # A lost cell no equation determined is unknown, not null.
        for k, v in vals.items():
            if v is LOST:
                values[k] = MISSING
        self.solutions.append(Solution(dict(chosen), values, dict(inferred), viol, cost))


def _eliminate(eqs: list[Equation], vals: dict, inferred: dict) -> int:
    """Solve the lost cells that single equations could not, by exact Gaussian elimination on the
    equations that still hold several of them. Only uniquely determined cells get a value."""
    unknowns = sorted({k for e in eqs for k in e.keys if vals.get(k) is LOST})
    if not unknowns:
        return 0
    col = {k: j for j, k in enumerate(unknowns)}
    rows: list[tuple[list[Fraction], Fraction, str]] = []
    for e in eqs:
        if e.optional is not None and vals.get(e.optional) is None:
            continue
        if not any(vals.get(k) is LOST for k in e.keys):
            continue
        coef = [Fraction(0)] * len(unknowns)
        for k in e.plus:
            if vals.get(k) is LOST:
                coef[col[k]] += 1
        for k in e.minus:
            if vals.get(k) is LOST:
                coef[col[k]] -= 1
        known = {k: (None if vals.get(k) is LOST else vals.get(k)) for k in e.keys}
        rows.append((coef, Fraction(-e.residual(known)).limit_denominator(10**6), e.id))
    # Row-reduce [A | b].
    pivots: list[tuple[int, int]] = []
    r = 0
    for c in range(len(unknowns)):
        p = next((i for i in range(r, len(rows)) if rows[i][0][c] != 0), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        a, b, rid = rows[r]
        inv = 1 / a[c]
        a = [x * inv for x in a]
        b = b * inv
        rows[r] = (a, b, rid)
        for i in range(len(rows)):
            if i != r and rows[i][0][c] != 0:
                f = rows[i][0][c]
                rows[i] = ([x - f * y for x, y in zip(rows[i][0], a)], rows[i][1] - f * b, rows[i][2])
        pivots.append((r, c))
        r += 1
    viol = sum(1 for a, b, _ in rows[r:] if b != 0)
    for ri, c in pivots:
        a, b, rid = rows[ri]
        if any(x != 0 for j, x in enumerate(a) if j != c):
            continue  # depends on a free unknown: not determined
        if b < 0 or b.denominator != 1:
            viol += 1
            continue
        vals[unknowns[c]] = int(b)
        inferred[unknowns[c]] = rid
    return viol


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


LOST = _Marker("LOST")
MISSING = _Marker("MISSING")


def reconcile(rows: Mapping[str, RowChoice], eqs: tuple[Equation, ...]) -> Outcome:
    if not rows:
        return Outcome(None)
    if all(len(r.candidates) == 1 and not any(x.lost for x in r.candidates[0].slots)
           for r in rows.values()):
        # The common case: every row printed in full. Nothing to choose, nothing to infer.
        chosen = {rid: r.candidates[0] for rid, r in rows.items()}
        values = {k: x.value for rid, r in rows.items() for k, x in zip(r.keys, chosen[rid].slots)}
        return Outcome(Solution(chosen, values, {}, 0, 0.0))
    s = _Search(rows, eqs)
    s.run()
    if not s.solutions:
        return Outcome(None, exhausted=s.exhausted)
    best = min(s.solutions, key=lambda x: x.cost)
    ambiguous: dict[str, set] = {}
    for k in best.values:
        seen = {repr(sol.values.get(k)) for sol in s.solutions}
        if len(seen) > 1:
            ambiguous[k] = {sol.values.get(k) for sol in s.solutions
                            if sol.values.get(k) is not MISSING}
    return Outcome(best, ambiguous, s.exhausted)


def row_filter(keys: tuple[str, ...], eqs: tuple[Equation, ...]) -> Callable[[Candidate], bool]:
    """Accept the readings of one row that its own equations (H2; H4–H6 for table 4) allow: with
    every cell known the equation holds, with one lost cell that cell comes out a non-negative
    integer. Used to prune readings before the joint search."""
    keyset = set(keys)
    local = [e for e in eqs if set(e.keys) <= keyset]

    def accept(c: Candidate) -> bool:
        vals = {k: (LOST if x.lost else x.value) for k, x in zip(keys, c.slots)}
        for e in local:
            if e.optional is not None and vals.get(e.optional) is None:
                continue
            lost = [k for k in e.keys if vals.get(k) is LOST]
            r = e.residual({k: (None if v is LOST else v) for k, v in vals.items()})
            if not lost:
                if abs(r) > 1e-6:
                    return False
            elif len(lost) == 1:
                v = -r if lost[0] in e.plus else r
                if v < 0 or (isinstance(v, float) and not v.is_integer()):
                    return False
            elif all(k in e.plus for k in lost) or all(k in e.minus for k in lost):
                if (-r if lost[0] in e.plus else r) < 0:
                    return False
        return True

    return accept
