"""What the rules look at: the report, last year's report, and what they share, computed once."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ..model import Number, Report
from ..textnorm import fold
from .localise import Explanation, localise, unread_cells
from .system import Effective, system, values_of


@dataclass
class Context:
    report: Report
    previous: Report | None = None

    @cached_property
    def values(self) -> dict[str, Number | None]:
        return values_of(self.report)

    @cached_property
    def equations(self) -> list[Effective]:
        return system(self.report.edition, self.values)

    @cached_property
    def failed(self) -> list[Effective]:
        return [e for e in self.equations if not e.holds(self.values)]

    @cached_property
    def unread(self) -> frozenset[str]:
        return unread_cells(self.report)

    @cached_property
    def explanations(self) -> dict[str, Explanation]:
        """Failed equation id → the repair that explains it."""
        holding = [e for e in self.equations if e.holds(self.values)]
        out: dict[str, Explanation] = {}
        for ex in localise(self.report.edition, self.values, self.failed, holding, self.unread,
                           self.report):
            out.update({eid: ex for eid in ex.equations})
        return out

    @property
    def has_date(self) -> bool:
        return self.report.published is not None and self.report.year is not None

    @cached_property
    def comparable_previous(self) -> Report | None:
        """Last year's report if it is one: the year before, the same agency when both are named."""
        prev, cur = self.previous, self.report
        if prev is None:
            return None
        if prev.year is not None and cur.year is not None and prev.year != cur.year - 1:
            return None
        if prev.agency and cur.agency and fold(prev.agency) != fold(cur.agency):
            return None
        return prev

    def status(self, key: str) -> str | None:
        c = self.report.cells.get(key)
        return None if c is None else c.status
