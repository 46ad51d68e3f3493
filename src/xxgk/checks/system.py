"""The H1–H6 equations as the checks evaluate them on one report.

`xxgk.rules` states the equations over printed cells. Many real reports leave 总计 blank on detail
rows of table 3 (Shanghai 2019 does): H2 is then "not filled", and reading the blank as 0 in
H1:total and H3:total would raise errors the report does not contain. So here a blank row total
stands for the sum of its row, i.e. it is replaced by the row's six applicant cells wherever it
occurs. The H2 equation of such a row is dropped: it is neither broken nor a constraint, and
filling the blank total is not a fix.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from .. import rules
from ..model import Number, Report
from ..rules import Equation

Values = Mapping[str, Number | None]

# Residuals closer to 0 than this are 0: amounts in the equations are counts, but a misread value
# may be a float.
EPS = 1e-6


@dataclass(frozen=True)
class Effective:
    """One equation as evaluated: sum(coefficient × value) == 0, null as 0."""

    origin: Equation
    coeffs: tuple[tuple[str, int], ...]
    substituted: tuple[str, ...] = ()  # blank row totals replaced by their row's cells

    @property
    def id(self) -> str:
        return self.origin.id

    @property
    def rule(self) -> str:
        return self.origin.rule

    @cached_property
    def coef(self) -> dict[str, int]:
        return dict(self.coeffs)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(k for k, _ in self.coeffs)

    def residual(self, values: Values) -> Number:
        s = 0
        get = values.get
        for k, c in self.coeffs:
            v = get(k)
            if v:
                s += c * v
        return round(s, 6) if isinstance(s, float) else s

    def holds(self, values: Values) -> bool:
        return abs(self.residual(values)) < EPS

    def sides(self, values: Values) -> tuple[Number, Number]:
        """(sum of the + side, sum of the − side)."""
        plus = sum((values.get(k) or 0) for k, c in self.coeffs if c > 0)
        minus = sum((values.get(k) or 0) for k, c in self.coeffs if c < 0)
        return plus, minus


def values_of(report: Report) -> dict[str, Number | None]:
    return {k: c.value for k, c in report.cells.items()}


def blank_totals(edition: str, values: Values) -> dict[str, tuple[str, ...]]:
    """Blank optional totals (H2) → the applicant cells whose sum they stand for."""
    return {e.optional: e.minus for e in rules.equations(edition)
            if e.optional is not None and values.get(e.optional) is None}


def _effective(eq: Equation, blanks: Mapping[str, tuple[str, ...]]) -> Effective:
    acc: dict[str, int] = {}
    substituted: list[str] = []
    for sign, keys in ((1, eq.plus), (-1, eq.minus)):
        for k in keys:
            if k in blanks:
                substituted.append(k)
                for part in blanks[k]:
                    acc[part] = acc.get(part, 0) + sign
            else:
                acc[k] = acc.get(k, 0) + sign
    return Effective(eq, tuple((k, c) for k, c in acc.items() if c != 0), tuple(substituted))


def system(edition: str, values: Values) -> list[Effective]:
    """The equations that constrain this report, blank row totals substituted."""
    blanks = blank_totals(edition, values)
    return list(_system(edition, tuple(blanks)))


@functools.lru_cache(maxsize=256)
def _system(edition: str, blank: tuple[str, ...]) -> tuple[Effective, ...]:
    """`system` for one set of blank row totals (most reports have none): built once."""
    blanks = {e.optional: e.minus for e in rules.equations(edition)
              if e.optional is not None and e.optional in blank}
    return tuple(_effective(e, blanks) for e in rules.equations(edition)
                 if e.optional is None or e.optional not in blanks)

