"""Name the cell behind broken equations, and the value that repairs them.

Failed equations that share cells form a cluster (one mistake usually breaks a row equation and a
column equation at once). For each cluster we look for the smallest set of cells — one, else two —
whose change satisfies every equation of the cluster without breaking an equation that holds now.
A cell in several equations is pinned by their intersection; a cell in one equation only (table 4)
leaves several candidates, which are ranked: a cell the parser could not read first, then by the
posterior odds of `likelihood` (what such a table usually holds, how printed numbers go wrong, what
the narrative says), then the format's cell order. Candidate values respect H7 (counts are
non-negative integers). A single equation cannot always tell its cells apart: the ranking is a
best guess there, and the other candidates are kept as alternatives.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations

from .. import editions
from ..model import Cell, Number, Report, Suspect
from . import likelihood
from ..rules import Equation
from .labels import plain
from .system import EPS, Effective, Values, system, values_of

# Beyond this many equally good repairs the "suspect" would be a guess: name none.
MAX_CANDIDATES = 8


@dataclass(frozen=True)
class Explanation:
    """A repair of one cluster of failed equations: the cells to change and their values."""

    changes: tuple[Suspect, ...]
    equations: tuple[str, ...]  # ids of the failed equations it repairs
    alternatives: tuple[tuple[Suspect, ...], ...] = field(default=())  # other repairs, ranked

    def suspect_for(self, eq: Effective | Equation) -> Suspect:
        """The changed cell that lies in `eq` (the first change if none does)."""
        keys = set(eq.keys)
        return next((s for s in self.changes if s.cell in keys), self.changes[0])


def suspects(report: Report, failed: Sequence[Equation] | None = None) -> list[Explanation]:
    """Repairs for the report's failed H equations (all of them when `failed` is None)."""
    values = values_of(report)
    eqs = system(report.edition, values)
    wanted = None if failed is None else {e.id for e in failed}
    broken = [e for e in eqs if not e.holds(values) and (wanted is None or e.id in wanted)]
    holding = [e for e in eqs if e.holds(values)]
    return localise(report.edition, values, broken, holding, unread_cells(report), report)


def unread_cells(report: Report) -> frozenset[str]:
    """Cells of the edition the report has no reading for: absent, or status "missing"."""
    return frozenset(k for k in report.spec.cell_keys()
                     if k not in report.cells or report.cells[k].status == "missing")


def localise(edition: str, values: Values, failed: Sequence[Effective],
             holding: Sequence[Effective], unread: frozenset[str] = frozenset(),
             report: Report | None = None) -> list[Explanation]:
    """One explanation per cluster of `failed` that has a repair; `unread` cells rank first.
    With the `report`, figures its narrative quotes are evidence too."""
    finder = _Finder(edition, values, holding, unread, report)
    out = []
    for cluster in clusters(failed):
        found = finder.explain(cluster)
        if found is not None:
            out.append(found)
    return out


def clusters(failed: Sequence[Effective]) -> list[list[Effective]]:
    """Failed equations grouped by shared cells (connected components)."""
    groups: list[tuple[set[str], list[Effective]]] = []
    for eq in failed:
        keys = set(eq.keys)
        joined = [g for g in groups if g[0] & keys]
        merged_keys, merged = keys, [eq]
        for g in joined:
            merged_keys |= g[0]
            merged = g[1] + merged
            groups.remove(g)
        groups.append((merged_keys, merged))
    order = {e.id: i for i, e in enumerate(failed)}
    return sorted((sorted(g, key=lambda e: order[e.id]) for _, g in groups),
                  key=lambda g: order[g[0].id])


def admissible(value: Number, kind: editions.ValueKind) -> bool:
    """H7: counts are non-negative integers, deltas integers, amounts non-negative."""
    integral = abs(value - round(value)) < EPS
    if kind == "count":
        return integral and value > -EPS
    if kind == "signed":
        return integral
    return value > -EPS


def is_total(key: str) -> bool:
    """A cell that is a sum the agency computed by hand."""
    return key.endswith(".total") or key.startswith("t3.total_processed.")


class _Finder:
    def __init__(self, edition: str, values: Values, holding: Sequence[Effective],
                 unread: frozenset[str], report: Report | None = None):
        self.unread = unread
        self.report = report
        self.spec = editions.get(edition)
        self.order = {k: i for i, k in enumerate(self.spec.cell_keys())}
        self.values = values
        self.holding = list(holding)
        self.holding_by_key: dict[str, list[Effective]] = {}
        self._quotes: list[object] | None = None
        self._government = False
        for eq in self.holding:
            for k in eq.keys:
                self.holding_by_key.setdefault(k, []).append(eq)

    def explain(self, cluster: list[Effective]) -> Explanation | None:
        found = self._singles(cluster) or self._pairs(cluster)
        if not found or len(found) > MAX_CANDIDATES:
            return None
        return Explanation(found[0], tuple(e.id for e in cluster), tuple(found[1:]))

    # -- one cell ---------------------------------------------------------------------------
    def _singles(self, cluster: list[Effective]) -> list[tuple[Suspect, ...]]:
        common = set.intersection(*(set(e.keys) for e in cluster))
        found = []
        for key in common:
            if key in self.holding_by_key:
                continue  # changing it would break an equation that holds
            deltas = [-e.residual(self.values) / e.coef[key] for e in cluster]
            if max(deltas) - min(deltas) > EPS:
                continue  # the equations ask for different values
            s = self._suspect(key, deltas[0])
            if s is not None:
                found.append((s,))
        if len(found) < 2:
            return found
        odds = {c[0].cell: self._log_odds(c[0], cluster) for c in found}
        return sorted(found, key=lambda c: (c[0].cell not in self.unread, -odds[c[0].cell],
                                            self._pos(c[0].cell)))

    def _log_odds(self, s: Suspect, cluster: list[Effective]) -> float:
        """log posterior (up to a constant) that `s` is the one misprinted cell: see `likelihood`."""
        printed = self.values.get(s.cell)
        odds = likelihood.log_mistake(printed, s.suggested)
        repaired = dict(self.values)
        repaired[s.cell] = s.suggested
        groups = [e for e in cluster if e.rule in _T4_RULES]
        if groups and len(groups) == len(cluster):
            for e in groups:
                total = e.origin.plus[0]
                parts = {k.rsplit(".", 1)[1]: int(repaired.get(k) or 0) for k in e.origin.minus}
                odds += likelihood.log_group(int(repaired.get(total) or 0), parts)
        elif not is_total(s.cell):
            odds += likelihood.log_count(s.suggested) - likelihood.log_count(printed or 0)
        return odds + self._narrative(s)

    def _narrative(self, s: Suspect) -> float:
        """Evidence of the figures the narrative quotes: for a repair that makes one agree with
        the tables, against one that makes one disagree."""
        if self.report is None:
            return 0.0
        if self._quotes is None:
            from .deadline import agency_kind
            from .narrative import quotes

            seen: dict[tuple[str, int], object] = {}
            for q in quotes(self.report):
                seen.setdefault((q.target.key, q.number), q)
            self._quotes = list(seen.values())
            self._government = agency_kind(self.report.agency) != "department"
        if not self._quotes:
            return 0.0
        before = self.report
        after = replace(before, cells={**before.cells, s.cell: Cell(s.suggested, str(s.suggested))})
        weight = math.log(likelihood.NARRATIVE_ODDS)
        odds = 0.0
        for q in self._quotes:
            agrees = [_agrees(q.number, q.target.accepted(r)) for r in (before, after)]  # type: ignore[attr-defined]
            if agrees[0] != agrees[1]:
                sure = 0.5 if self._government and q.scope == "unknown" else 1.0  # type: ignore[attr-defined]
                odds += sure * weight * (1 if agrees[1] else -1)
        return odds

    # -- two cells --------------------------------------------------------------------------
    def _pairs(self, cluster: list[Effective]) -> list[tuple[Suspect, ...]]:
        cluster_keys = sorted({k for e in cluster for k in e.keys}, key=self._pos)
        found: dict[tuple[str, str], tuple[Suspect, ...]] = {}
        for a in cluster_keys:
            rest = [e for e in cluster if a not in e.coef]
            for b in self._partners(a, rest, cluster):
                pair = tuple(sorted((a, b), key=self._pos))
                if pair in found or a == b:
                    continue
                changes = self._solve_pair(pair[0], pair[1], cluster)
                if changes is not None:
                    found[pair] = changes  # type: ignore[index]
        return sorted(found.values(), key=self._rank)

    def _partners(self, a: str, rest: list[Effective], cluster: list[Effective]) -> Iterable[str]:
        """Cells b such that {a, b} touches every equation of the cluster."""
        if rest:
            return set.intersection(*(set(e.keys) for e in rest))
        # a alone touches the cluster but breaks a holding equation: b must mend it.
        return {k for e in self.holding_by_key.get(a, []) for k in e.keys}

    def _solve_pair(self, a: str, b: str, cluster: list[Effective]) -> tuple[Suspect, ...] | None:
        touched = {id(e): e for k in (a, b) for e in self.holding_by_key.get(k, [])}
        rows = [(e.coef.get(a, 0), e.coef.get(b, 0), -e.residual(self.values)) for e in cluster]
        rows += [(e.coef.get(a, 0), e.coef.get(b, 0), 0) for e in touched.values()]
        solution = _solve2(rows)
        if solution is None or abs(solution[0]) < EPS or abs(solution[1]) < EPS:
            return None  # not unique, or one cell alone would do
        sa, sb = self._suspect(a, solution[0]), self._suspect(b, solution[1])
        return None if sa is None or sb is None else (sa, sb)

    # -- shared -----------------------------------------------------------------------------
    def _suspect(self, key: str, delta: Number) -> Suspect | None:
        printed = self.values.get(key)
        suggested = (printed or 0) + delta
        spec = self.spec.cells.get(key)
        if not admissible(suggested, spec.kind if spec else "count"):
            return None
        return Suspect(key, printed, plain(round(suggested, 6)))

    def _pos(self, key: str) -> int:
        return self.order.get(key, len(self.order))

    def _rank(self, changes: tuple[Suspect, ...]) -> tuple:
        return (sum(s.cell not in self.unread for s in changes),
                sum(not is_total(s.cell) for s in changes), [self._pos(s.cell) for s in changes])


_T4_RULES = ("H4", "H5", "H6")


def _agrees(number: int, accepted: list[Number | None]) -> bool:
    return bool(accepted) and accepted[0] is not None and \
        any(a is not None and abs(a - number) < EPS for a in accepted)


def _solve2(rows: list[tuple[int, int, Number]]) -> tuple[float, float] | None:
    """The unique (x, y) with a·x + b·y = r for every row, or None."""
    for (a1, b1, r1), (a2, b2, r2) in combinations(rows, 2):
        det = a1 * b2 - a2 * b1
        if det == 0:
            continue
        x = (r1 * b2 - r2 * b1) / det
        y = (a1 * r2 - a2 * r1) / det
        if all(abs(a * x + b * y - r) < EPS for a, b, r in rows):
            return x, y
        return None
    return None
