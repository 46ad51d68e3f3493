"""Choose the readings of the table rows that the rules (H1–H6) support, and infer lost cells.

Each observed row has one or more candidate readings (`candidates.readings`), already pruned by
the row's own equation (`row_resolver`). The search assigns one reading per row, propagating the
equations as it goes: an equation with one lost cell left determines it (it must come out a
non-negative integer), one with none left is checked. Branch and bound keeps the assignments
with the fewest broken equations, then the lowest prior cost. Cells on which the best
assignments disagree are ambiguous: the cheapest reading is kept and a finding says so. A lost
cell no equation determines stays `missing` — never a guess.
"""

from __future__ import annotations

import functools
import itertools
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from ..rules import Equation
from .candidates import Candidate, signature

# Bounds that keep a pathological page from running away: readings evaluated per report, the
# readings of one row considered jointly (the cheapest, within COST_WINDOW of the cheapest).
EVAL_BUDGET = 4000
ROW_LIMIT = 24
COST_WINDOW = 6.0
MAX_SOLUTIONS = 64


class _Marker:
    def __init__(self, name: str):
        self.name = name

    def __repr__(self) -> str:
        return self.name


LOST = _Marker("LOST")  # a lost cell not determined yet
MISSING = _Marker("MISSING")  # a lost cell no equation determines


@dataclass
class RowChoice:
    """Readings of one printed row, mapped to cell keys."""

    keys: tuple[str, ...]
    candidates: list[Candidate]


@dataclass
class Solution:
    chosen: dict[str, Candidate]  # row id → reading
    values: dict[str, object]  # every cell of the chosen readings; MISSING where undetermined
    inferred_by: dict[str, str]  # lost cell → id of the equation that determined it
    violations: int
    cost: float


@dataclass
class Outcome:
    best: Solution | None
    ambiguous: dict[str, set] = field(default_factory=dict)  # cell → the values best readings give
    exhausted: bool = False  # the node budget ran out: the best found may not be optimal


def _residual(e: Equation, vals: dict) -> int | float:
    """`e.residual` with lost cells as 0, without building a mapping (the search's inner loop)."""
    return _rounded(_side(e.plus, vals, []) - _side(e.minus, vals, []))


def _side(keys: tuple[str, ...], vals: dict, lost: list[str]) -> int | float:
    """The sum of one side of an equation, lost cells as 0 and added to `lost`."""
    s = 0
    for k in keys:
        v = vals.get(k)
        if v is LOST:
            lost.append(k)
        elif v:
            s += v
    return s


def _rounded(s: int | float) -> int | float:
    return round(s, 6) if isinstance(s, float) else s


def _keys(e: Equation) -> tuple[str, ...]:
    """`e.keys`, made once per equation (equations are made once per edition)."""
    keys = _EQ_KEYS.get(e)
    if keys is None:
        keys = _EQ_KEYS[e] = e.keys
    return keys


_EQ_KEYS: dict[Equation, tuple[str, ...]] = {}


def _solve_one(e: Equation, vals: dict) -> tuple[str, object, list[str]]:
    """Outcome of one equation given `vals`: ("wait"|"ok"|"broken"|"set", value, its lost
    cells). One pass over its cells: the search's inner loop."""
    lost: list[str] = []
    plus = _side(e.plus, vals, lost)
    lost_plus = len(lost)
    r = _rounded(plus - _side(e.minus, vals, lost))
    if not lost:
        return ("ok", None, lost) if abs(r) < 1e-6 else ("broken", None, lost)
    same_side = lost_plus == 0 or lost_plus == len(lost)
    need = -r if lost_plus else r
    if len(lost) == 1:
        v = need
        if isinstance(v, float) and abs(v - round(v)) < 1e-6:
            v = int(round(v))
        if v < 0 or isinstance(v, float):
            return ("broken", None, lost)  # no non-negative integer satisfies it
        return ("set", v, lost)
    if same_side:
        # Lost cells on one side add up to what the rest leaves; counts are non-negative, so a
        # zero sum pins every one of them to 0 and a negative one cannot be.
        if abs(need) < 1e-6:
            return ("set", 0, lost)
        if need < 0:
            return ("broken", None, lost)
    return ("wait", None, lost)


def propagate(eqs: list[Equation], by_cell: Mapping[str, list[int]], vals: dict, inferred: dict,
              checked: set[int], touched: Iterable[int], pending: Callable[[str], bool] | None,
              row_keys: list[frozenset[str]] | None = None,
              waiting: frozenset[int] | None = None) -> int:
    """Solve and check equations until nothing changes; returns the number newly broken.

    `pending(key)` is true for cells of rows not assigned yet: their equations wait. Instead,
    `row_keys[i]` may list the cells of equation i that belong to rows: it waits while one of
    them has no value in `vals`; or `waiting` may list the equations that wait.
    """
    viol = 0
    queue = list(touched)
    while queue:
        i = queue.pop()
        if i in checked:
            continue
        e = eqs[i]
        if waiting is not None:
            if i in waiting:
                continue
        elif row_keys is not None:
            if not vals.keys() >= row_keys[i]:
                continue
        elif pending is not None and any(pending(k) for k in _keys(e)):
            continue
        if e.optional is not None and vals.get(e.optional) is None:
            checked.add(i)  # a blank total: "not filled"
            continue
        state, value, lost = _solve_one(e, vals)
        if state == "wait":
            continue
        checked.add(i)
        if state == "broken":
            viol += 1
        elif state == "set":
            for k in lost:
                vals[k] = value
                inferred[k] = e.id
                queue.extend(j for j in by_cell.get(k, ()) if j not in checked)
    return viol


def _index(eqs: list[Equation]) -> dict[str, list[int]]:
    by_cell: dict[str, list[int]] = {}
    for i, e in enumerate(eqs):
        for k in e.keys:
            by_cell.setdefault(k, []).append(i)
    return by_cell


class _Search:
    def __init__(self, rows: Mapping[str, RowChoice], eqs: tuple[Equation, ...]):
        rows = {rid: RowChoice(r.keys, _plausible(r.candidates)) for rid, r in rows.items()}
        self.rows = rows
        self.keys = {k for r in rows.values() for k in r.keys}
        self.eqs = [e for e in eqs if any(k in self.keys for k in e.keys)]
        self.by_cell = _index(self.eqs)
        # The cells of each equation that rows print: it waits until their rows are assigned.
        self.row_keys = [frozenset(k for k in e.keys if k in self.keys) for e in self.eqs]
        self.order = sorted(rows, key=lambda r: len(rows[r].candidates))
        # The equations still waiting once the row at each depth is assigned: those with a cell
        # of a later row (`propagate` would find a cell of theirs without a value).
        depth_of: dict[str, int] = {}
        for d, rid in enumerate(self.order):
            for k in rows[rid].keys:
                depth_of.setdefault(k, d)
        ready_at = [max((depth_of[k] for k in keys), default=-1) for keys in self.row_keys]
        self.waiting = [frozenset(i for i, at in enumerate(ready_at) if at > d)
                        for d in range(len(self.order))]
        self.solutions: list[Solution] = []
        self.best_viol = 10**9
        self.nodes = 0
        self.exhausted = False
        self.first_only = False  # stop at the first assignment as good as `best_viol`
        self.budget = EVAL_BUDGET

    def run(self) -> None:
        self._dfs(0, {}, {}, set(), 0, 0.0, {})

    def _dfs(self, depth: int, vals: dict, inferred: dict, checked: set, viol: int, cost: float,
             chosen: dict) -> None:
        if self.nodes > self.budget:
            self.exhausted = True
            return
        if self.first_only and self.solutions:
            return
        if viol > self.best_viol or (self.best_viol == 0 and len(self.solutions) >= MAX_SOLUTIONS):
            return  # worse, or enough consistent readings to tell whether they agree
        if depth == len(self.order):
            self._record(vals, inferred, viol, cost, chosen)
            return
        rid = self.order[depth]
        row = self.rows[rid]
        touched = {i for k in row.keys for i in self.by_cell.get(k, ())}
        waiting = self.waiting[depth]
        for cand in row.candidates:
            self.nodes += 1
            if self.nodes > self.budget:
                self.exhausted = True
                return
            v2, inf2, chk2 = dict(vals), dict(inferred), set(checked)
            for k, s in zip(row.keys, cand.slots):
                v2[k] = LOST if s.open else s.value
                if s.lost and s.rule:
                    inf2[k] = s.rule
            nv = viol + propagate(self.eqs, self.by_cell, v2, inf2, chk2, touched, None,
                                  waiting=waiting)
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
        values = {k: (MISSING if v is LOST else v) for k, v in vals.items()}
        self.solutions.append(Solution(dict(chosen), values, dict(inferred), viol, cost))


DP_STATES = 20000  # partial-sum states the merge of summed rows may keep
DP_WORK = 60000  # state × reading steps it may take before leaving the rows to the search
DP_KEEP = 3  # cheapest ways kept per state


def _sum_family(rows: Mapping[str, RowChoice], eqs: tuple[Equation, ...]
                ) -> tuple[str, list[str], list[int]] | None:
    """Rows tied by "total row = sum of part rows" in every column (H3: （七）总计 = （一）…（六）):
    (total row, part rows, the column positions). None when the equations hold no such family."""
    where = {k: (rid, j) for rid, r in rows.items() for j, k in enumerate(r.keys)}
    families: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for e in eqs:
        if len(e.plus) != 1 or e.optional is not None or e.plus[0] not in where:
            continue
        total_row, col = where[e.plus[0]]
        parts = [where.get(k) for k in e.minus]
        if any(p is None or p[1] != col for p in parts):
            continue
        families.setdefault((total_row, tuple(sorted(p[0] for p in parts))), []).append(col)
    if not families:
        return None
    (total_row, part_rows), cols = max(families.items(), key=lambda kv: len(kv[1]))
    return (total_row, list(part_rows), sorted(cols)) if len(cols) > 1 else None


def _merge_sums(rows: Mapping[str, RowChoice], eqs: tuple[Equation, ...]) -> dict[str, RowChoice]:
    """Choose the readings of a summed family of rows together, by dynamic programming over
    partial column sums, so that a long table of run-together rows is not searched row by row.
    The family becomes one row whose readings are the consistent combinations (cheapest first);
    when there is nothing to gain, or too much to enumerate, the rows are left as they are."""
    fam = _sum_family(rows, eqs)
    if fam is None:
        return dict(rows)
    total_row, part_rows, cols = fam
    family = [total_row] + part_rows
    if all(len(rows[r].candidates) == 1 for r in family) or \
            any(x.open for r in family for c in rows[r].candidates for x in c.slots):
        return dict(rows)  # nothing ambiguous, or lost cells: the search handles those

    def vec(c: Candidate) -> tuple:
        return tuple((c.slots[j].value or 0) for j in cols)

    parts = {r: [(vec(c), c) for c in rows[r].candidates] for r in part_rows}
    order = sorted(part_rows, key=lambda r: len(parts[r]))
    work = 0
    combos: list[tuple[float, tuple[tuple[str, Candidate], ...]]] = []
    for t in rows[total_row].candidates:
        target = vec(t)
        states: dict[tuple, list[tuple[float, tuple]]] = {tuple(0 for _ in cols): [(t.cost, ())]}
        for r in order:
            work += len(states) * len(parts[r])
            if work > DP_WORK:
                return dict(rows)  # too much to enumerate: leave it to the bounded search
            nxt: dict[tuple, list[tuple[float, tuple]]] = {}
            for state, ways in states.items():
                for v, c in parts[r]:
                    total = tuple(map(operator.add, state, v))
                    if any(map(operator.gt, total, target)):
                        continue  # counts are non-negative: a partial sum never exceeds the total
                    nxt.setdefault(total, []).extend(
                        (cost + c.cost, chosen + ((r, c),)) for cost, chosen in ways)
            for bucket in nxt.values():
                bucket.sort(key=lambda w: w[0])
                del bucket[DP_KEEP:]
            states = nxt
            if len(states) > DP_STATES:
                return dict(rows)
        for cost, chosen in states.get(target, []):
            combos.append((cost, ((total_row, t),) + chosen))
    if not combos:
        return dict(rows)  # no combination adds up (a misprinted report): the search decides
    combos.sort(key=lambda w: w[0])
    keys = tuple(k for r in family for k in rows[r].keys)
    merged = []
    for cost, chosen in combos[:ROW_LIMIT]:
        by_row = dict(chosen)
        merged.append(Candidate(tuple(x for r in family for x in by_row[r].slots), cost,
                                tuple((r, by_row[r]) for r in family)))
    out = {rid: r for rid, r in rows.items() if rid not in family}
    out["+".join(family)] = RowChoice(keys, merged)
    return out


def _split(chosen: dict[str, Candidate]) -> dict[str, Candidate]:
    """Undo `_merge_sums`: one reading per printed row again."""
    out: dict[str, Candidate] = {}
    for rid, c in chosen.items():
        if c.parts:
            out.update(dict(c.parts))
        else:
            out[rid] = c
    return out


def _plausible(cands: list[Candidate]) -> list[Candidate]:
    """The readings of a row worth trying jointly: the cheapest ones."""
    if len(cands) <= 1:
        return cands
    floor = min(c.cost for c in cands)
    return sorted((c for c in cands if c.cost <= floor + COST_WINDOW), key=lambda c: c.cost)[:ROW_LIMIT]


def _eliminate(eqs: list[Equation], vals: dict, inferred: dict) -> int:
    """Solve the lost cells that single equations could not, by exact Gaussian elimination on the
    equations that still hold several of them. Only uniquely determined cells get a value."""
    unknowns = sorted({k for e in eqs for k in e.keys if vals.get(k) is LOST})
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
    pivots: list[tuple[int, int]] = []
    r = 0
    for c in range(len(unknowns)):
        p = next((i for i in range(r, len(rows)) if rows[i][0][c] != 0), None)
        if p is None:
            continue
        rows[r], rows[p] = rows[p], rows[r]
        a, b, rid = rows[r]
        inv = 1 / a[c]
        a, b = [x * inv for x in a], b * inv
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


def reconcile(rows: Mapping[str, RowChoice], eqs: tuple[Equation, ...]) -> Outcome:
    if not rows:
        return Outcome(None)
    shown = rows  # every reading, those set aside included: see `_interchangeable`
    if any(c.aside for r in rows.values() for c in r.candidates):
        rows = {rid: RowChoice(r.keys, [c for c in r.candidates if not c.aside])
                for rid, r in rows.items()}
    if rows is shown and all(len(r.candidates) == 1 and not r.candidates[0].partial
                             and not r.candidates[0].doubtful for r in rows.values()):
        # The common case: every row printed in full. Nothing to choose, nothing to infer.
        values: dict[str, object] = {}
        inferred: dict[str, str] = {}
        for r in rows.values():
            for k, x in zip(r.keys, r.candidates[0].slots):
                if x.lost:
                    if x.rule is None:
                        break  # a cell still to infer: the search below
                    if x.rule:
                        inferred[k] = x.rule
                values[k] = x.value
            else:
                continue
            break
        else:
            chosen = {rid: r.candidates[0] for rid, r in rows.items()}
            return Outcome(Solution(chosen, values, inferred, 0, 0.0))
    keys = {k for r in rows.values() for k in r.keys}
    if not any(k in keys for e in eqs for k in e.keys):
        return _unconstrained(shown)
    s = _Search(_merge_sums(rows, eqs), eqs)
    s.run()
    if not s.solutions:
        return Outcome(None, exhausted=s.exhausted)
    for sol in s.solutions:
        sol.chosen = _split(sol.chosen)
    best = min(s.solutions, key=lambda x: x.cost)
    ambiguous: dict[str, set] = {}
    for k in best.values:
        seen = {repr(sol.values.get(k)) for sol in s.solutions}
        if len(seen) > 1:
            ambiguous[k] = {sol.values.get(k) for sol in s.solutions
                            if sol.values.get(k) is not MISSING}
    if s.exhausted:
        # The search could not try every combination: a cell on which the row's own readings
        # disagree is not known to be unique, so it is reported as ambiguous.
        for r in s.rows.values():
            for j, k in enumerate(r.keys):
                seen = {c.slots[j].value for c in r.candidates if not c.slots[j].open}
                if len(seen) > 1:
                    ambiguous.setdefault(k, set()).update(seen)
    _interchangeable(shown, s, best, ambiguous)
    if not s.exhausted:
        _other_assignments(rows, eqs, best, ambiguous)
    return Outcome(best, ambiguous, s.exhausted)


# Search nodes `_other_assignments` may spend per search and per report: rows that must change
# together are found in a few dozen nodes when they exist; beyond that the cost is the messy
# text's alone (300 crawled reports: 2 s more CPU, one silent cell left at these bounds).
TARGET_BUDGET = 300
TARGETS_BUDGET = 3000


def _other_assignments(rows: Mapping[str, RowChoice], eqs: tuple[Equation, ...], best: Solution,
                       ambiguous: dict[str, set]) -> None:
    """Is there an assignment of all rows, as good as the best, that reads a row differently in
    a cell not known to be ambiguous yet? Several rows may have to change together (a "1" moved
    to another column in 新收, a （五） row and （七）总计 keeps every column's equations), which
    neither the best solutions recorded nor `_interchangeable` see. Per row, a bounded search
    restricted to its readings that differ in such a cell; each assignment found marks the cells
    it changes, and the row is asked again about the cells left."""
    spent = 0
    for rid, row in rows.items():
        chosen = best.chosen.get(rid)
        if chosen is None or len(row.candidates) < 2:
            continue
        while spent < TARGETS_BUDGET:
            asked = [j for j, (k, x) in enumerate(zip(row.keys, chosen.slots))
                     if k not in ambiguous and not x.open]
            others = [c for c in row.candidates
                      if any(not c.slots[j].open and c.slots[j].value != chosen.slots[j].value
                             for j in asked)]
            if not others:
                break
            trial = _Search(_merge_sums({**rows, rid: RowChoice(row.keys, others)}, eqs), eqs)
            trial.best_viol = best.violations
            trial.first_only = True
            trial.budget = TARGET_BUDGET
            trial.run()
            spent += trial.nodes
            if not trial.solutions:
                break  # none (or none found within the budget: not reported as ambiguous)
            found = trial.solutions[0]
            for key, v in found.values.items():
                if repr(v) != repr(best.values.get(key)):
                    ambiguous.setdefault(key, set()).update(
                        x for x in (v, best.values.get(key)) if x is not MISSING)


FULL_CHECKS = 400  # readings re-solved in full (rows with lost cells) per report


def _interchangeable(rows: Mapping[str, RowChoice], s: "_Search", best: Solution,
                     ambiguous: dict[str, set]) -> None:
    """Add the cells on which the best assignment and another reading of one of its rows differ,
    where that reading breaks no more equations: the rules cannot tell them apart. The search
    keeps only the cheapest readings of a row (`_plausible`), merges summed rows keeping a few
    ways per partial sum (`_merge_sums`) and stops at MAX_SOLUTIONS, so two readings the
    equations accept alike (where an all-zero row's vanished blanks were: "0 0 0" in seven
    columns) may never both have been recorded; the choice between them is the prior's alone
    and must be said."""
    eqs, by_cell, vals = s.eqs, s.by_cell, best.values
    budget = FULL_CHECKS
    for rid, row in rows.items():
        chosen = best.chosen.get(rid)
        if chosen is not None and chosen.partial:
            # Not every reading of the row was listed: none of its cells is known to be the
            # only one the rules allow.
            for j, k in enumerate(row.keys):
                got = ambiguous.setdefault(k, set())
                got.update(c.slots[j].value for c in row.candidates if not c.slots[j].open)
                got.add(None)
            continue
        if chosen is None:
            continue
        for j in chosen.doubtful:
            # Printed here in one reading, lost here in another that reads the same: the
            # value may be its neighbour's and the cell a blank.
            ambiguous.setdefault(row.keys[j], set()).update((chosen.slots[j].value, None))
        if len(row.candidates) < 2:
            continue
        mine = [x.value for x in chosen.slots]
        sig = signature(chosen)
        alts = [c for c in row.candidates if signature(c) != sig]
        if sum(x.raw is not None for x in chosen.slots) < 2:
            # A row printing one number, read as its total ("二、上年结转…数量 0"): that it might
            # be a detail cell under a total left blank is not reported.
            alts = [c for c in alts if not c.aside]
        if not alts:
            continue
        touched = sorted({i for k in row.keys for i in by_cell.get(k, ())})
        totals = {eqs[i].optional for i in touched}
        lost = any(x.open for c in (chosen, *alts) for x in c.slots) or \
            any(k in best.inferred_by for i in touched for k in _keys(eqs[i]) if k not in row.keys)
        if not lost:
            # Every cell the row's equations hold is printed: check them with the row replaced.
            before = _broken(eqs, touched, vals)
            for c in alts:
                trial = dict(vals)
                trial.update(zip(row.keys, (x.value for x in c.slots)))
                if _broken(eqs, touched, trial) <= before:
                    for k, x, m in zip(row.keys, c.slots, mine):
                        # A reading set aside says that the total may have been left blank;
                        # where its other cells fall is a guess about a row whose equation
                        # it leaves unchecked (a lone "0" is the total or any cell), not shown.
                        if x.value != m and (not c.aside or k in totals):
                            ambiguous.setdefault(k, {m}).add(x.value)
            continue
        for c in alts:
            # Lost cells: the row's reading moves what the equations infer elsewhere, so the
            # whole assignment is solved again (bounded: readings of PDF rows are few).
            if budget <= 0:
                return
            budget -= 1
            trial, inferred = _assign(best.chosen, rows, rid, c)
            viol = propagate(eqs, by_cell, trial, inferred, set(), range(len(eqs)), None)
            if any(v is LOST for v in trial.values()):
                viol += _eliminate(eqs, trial, inferred)
            if viol > best.violations:
                continue
            for k, v in trial.items():
                v = MISSING if v is LOST else v
                if repr(v) != repr(vals.get(k)):
                    got = ambiguous.setdefault(k, set())
                    got.update(x for x in (v, vals.get(k)) if x is not MISSING)


def _broken(eqs: list[Equation], which: list[int], vals: Mapping[str, object]) -> int:
    """How many of the equations `which` a full assignment breaks (one with an undetermined cell
    is not checked; one whose optional total is blank is not filled)."""
    n = 0
    for i in which:
        e = eqs[i]
        if e.optional is not None and vals.get(e.optional) is None:
            continue
        if any(vals.get(k) is MISSING for k in _keys(e)):
            continue
        n += abs(_residual(e, vals)) >= 1e-6  # type: ignore[arg-type]
    return n


def _assign(chosen: Mapping[str, Candidate], rows: Mapping[str, RowChoice], rid: str,
            alt: Candidate) -> tuple[dict, dict]:
    """The chosen readings with row `rid` read as `alt`: cell values (LOST where still open)
    and the cells the rows' own equations determined."""
    vals: dict = {}
    inferred: dict[str, str] = {}
    for r, cand in chosen.items():
        row = rows.get(r)
        if row is None:
            continue
        for k, x in zip(row.keys, (alt if r == rid else cand).slots):
            vals[k] = LOST if x.open else x.value
            if x.lost and x.rule:
                inferred[k] = x.rule
    return vals, inferred


def _unconstrained(rows: Mapping[str, RowChoice]) -> Outcome:
    """Rows no equation touches (table 2): the cheapest reading of each, and every cell on which
    any of its readings disagree is ambiguous."""
    # The cheapest reading not set aside (readings set aside only show what else was possible).
    chosen = {rid: next((c for c in r.candidates if not c.aside), r.candidates[0])
              for rid, r in rows.items()}
    values: dict[str, object] = {}
    ambiguous: dict[str, set] = {}
    for rid, r in rows.items():
        for j, k in enumerate(r.keys):
            slot = chosen[rid].slots[j]
            values[k] = MISSING if slot.open else slot.value
            # A cell lost in one reading and printed in another is in doubt too: the printed
            # value may belong to the lost cell's neighbour ("\u00a0 1 \u00a0" with blanks
            # not reliable).
            seen = {MISSING if c.slots[j].open else c.slots[j].value for c in r.candidates}
            if len(seen) > 1:
                ambiguous[k] = seen - {MISSING}
    return Outcome(Solution(chosen, values, {}, 0, chosen and sum(c.cost for c in chosen.values())),
                   ambiguous)


@functools.lru_cache(maxsize=512)
def _local(keys: tuple[str, ...], eqs: tuple[Equation, ...]) -> tuple[list[Equation], dict[str, list[int]]]:
    """The equations that involve only the cells of one row, and their index."""
    keyset = set(keys)
    local = [e for e in eqs if set(e.keys) <= keyset]
    return local, _index(local)


_SHAPES: dict[tuple, int] = {}  # the shapes of rows' equations (few: one per kind of row)


@functools.lru_cache(maxsize=1024)  # one per row of each edition: made once
def row_resolver(keys: tuple[str, ...], eqs: tuple[Equation, ...]
                 ) -> Callable[[Candidate], tuple[Candidate, bool] | None]:
    """Apply the row's own equations (H2; H4–H6 for table 4) to one reading: reject it when they
    cannot hold, else return it with the lost cells they determine filled in (so readings that
    differ only in where an all-zero row lost its cell become one), and whether every equation
    applied (a blank 总计 leaves H2 unchecked)."""
    local, by_cell = _local(keys, eqs)
    index = {k: i for i, k in enumerate(keys)}

    def resolve(c: Candidate) -> tuple[Candidate, bool] | None:
        vals: dict = {k: (LOST if x.lost else x.value) for k, x in zip(keys, c.slots)}
        inferred: dict[str, str] = {}
        if propagate(local, by_cell, vals, inferred, set(), range(len(local)), None):
            return None
        full = all(e.optional is None or vals.get(e.optional) is not None for e in local)
        if not inferred:
            return c, full
        slots = list(c.slots)
        for k, rule in inferred.items():
            slots[index[k]] = slots[index[k]]._replace(value=vals[k], rule=rule)
        return Candidate(tuple(slots), c.cost), full

    # What the result depends on besides the reading, for `candidates.readings` to remember it:
    # the row's equations by column position (rows alike in shape share what is remembered), and
    # the rule each names, by position in that list.
    # ("row": not the () of no resolver at all; the shape as a number: the key is hashed often.)
    shape = tuple((tuple(index[k] for k in e.plus), tuple(index[k] for k in e.minus),
                   None if e.optional is None else index[e.optional]) for e in local)
    resolve.memo_key = ("row", _SHAPES.setdefault(shape, len(_SHAPES)))  # type: ignore[attr-defined]
    resolve.memo_rules = tuple(e.id for e in local)  # type: ignore[attr-defined]
    return resolve
