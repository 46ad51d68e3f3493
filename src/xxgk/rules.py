"""The hard equalities of the format (H1–H6) as linear equations over cell keys.

Generated from the edition data, so both editions (and any later one) get the same treatment.
Used twice: by `parse.reconcile` to decide lost or run-together cells, and by `checks` to report
broken equations and localise the suspect cell.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from . import editions

Number = int | float


@dataclass(frozen=True, eq=False)  # identity: each edition's equations are made once (cached)
class Equation:
    """sum(plus) == sum(minus); null cells count as 0."""

    rule: str  # "H1" … "H6"
    id: str  # unique, e.g. "H1:natural_person", "H2:granted", "H4"
    plus: tuple[str, ...]
    minus: tuple[str, ...]
    # When this cell is null the equation is "not filled" rather than broken (H2: many reports
    # leave 总计 blank on detail rows).
    optional: str | None = None
    zh: str = ""  # what the equation says, for messages
    en: str = ""

    @property
    def keys(self) -> tuple[str, ...]:
        return self.plus + self.minus

    def applies(self, values: Mapping[str, Number | None]) -> bool:
        return self.optional is None or values.get(self.optional) is not None

    def residual(self, values: Mapping[str, Number | None]) -> Number:
        """sum(plus) - sum(minus), null as 0."""
        s = sum((values.get(k) or 0) for k in self.plus) - sum((values.get(k) or 0) for k in self.minus)
        return round(s, 6) if isinstance(s, float) else s

    def holds(self, values: Mapping[str, Number | None]) -> bool:
        return not self.applies(values) or abs(self.residual(values)) < 1e-6


@cache
def equations(edition_key: str) -> tuple[Equation, ...]:
    ed = editions.get(edition_key)
    eqs: list[Equation] = []
    cols = [c for c in ed.t3_columns]
    outcome_rows = [r.key for r in ed.rows_in_group("results") if r.key != "total_processed"]
    for c in cols:
        eqs.append(Equation(
            "H1", f"H1:{c.key}",
            (f"t3.new_received.{c.key}", f"t3.carried_over.{c.key}"),
            (f"t3.total_processed.{c.key}", f"t3.carried_forward.{c.key}"),
            zh=f"{c.label}列：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理",
            en=f"column {c.key}: new + carried over = total processed + carried forward"))
    applicant = [c.key for c in cols if c.key != "total"]
    for r in ed.t3_rows:
        eqs.append(Equation(
            "H2", f"H2:{r.key}",
            (f"t3.{r.key}.total",),
            tuple(f"t3.{r.key}.{c}" for c in applicant),
            optional=f"t3.{r.key}.total",
            zh=f"“{r.label}”行：总计 = 自然人 + 法人或其他组织各列之和",
            en=f"row {r.key}: total = sum of the six applicant columns"))
    for c in cols:
        eqs.append(Equation(
            "H3", f"H3:{c.key}",
            (f"t3.total_processed.{c.key}",),
            tuple(f"t3.{r}.{c.key}" for r in outcome_rows),
            zh=f"{c.label}列：（七）总计 = （一）至（六）各项办理结果之和",
            en=f"column {c.key}: total processed = sum of the outcome rows (一)–(六)"))
    parts = [c.key for c in ed.t4_columns if c.key != "total"]
    for rule, g in zip(("H4", "H5", "H6"), ed.t4_groups):
        eqs.append(Equation(
            rule, rule,
            (f"t4.{g.key}.total",),
            tuple(f"t4.{g.key}.{p}" for p in parts),
            zh=f"{g.label.replace(' > ', '·')}：总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
            en=f"{g.key}: total = upheld + corrected + other + pending"))
    return tuple(eqs)


def failures(edition_key: str, values: Mapping[str, Number | None]) -> list[Equation]:
    return [e for e in equations(edition_key) if not e.holds(values)]
