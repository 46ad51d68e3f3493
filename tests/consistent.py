"""Test support: consistent reports made up from a few free figures, for property tests of the
checks and for measuring the localiser (`xxgk.synth` makes whole realistic documents instead).

The free figures are table 3's detail cells (outcome rows, carried over, carried forward) and
table 4's parts; every total follows from H1–H6, so the result satisfies them all.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from xxgk import editions
from xxgk.model import Cell, Report


def free_keys(edition: str) -> list[str]:
    """The cells a consistent report may choose freely (everything else is a total)."""
    ed = editions.get(edition)
    applicants = [c.key for c in ed.t3_columns if c.key != "total"]
    outcomes = [r.key for r in ed.rows_in_group("results") if r.key != "total_processed"]
    t3 = [f"t3.{r}.{c}" for r in outcomes + ["carried_over", "carried_forward"] for c in applicants]
    t4 = [f"t4.{g.key}.{c.key}" for g in ed.t4_groups for c in ed.t4_columns if c.key != "total"]
    return t3 + t4


def complete(edition: str, free: Mapping[str, int | None]) -> dict[str, int | None]:
    """Derive every total of tables 3 and 4 from the free cells (null as 0).

    一、本年新收 is derived from H1 (new = processed + forward − carried over); a column where that
    would be negative gets its 二、上年结转 lowered so it is 0.
    """
    ed = editions.get(edition)
    v: dict[str, int | None] = dict(free)
    applicants = [c.key for c in ed.t3_columns if c.key != "total"]
    outcomes = [r.key for r in ed.rows_in_group("results") if r.key != "total_processed"]
    for c in applicants:
        processed = sum(v.get(f"t3.{r}.{c}") or 0 for r in outcomes)
        v[f"t3.total_processed.{c}"] = processed
        forward, over = v.get(f"t3.carried_forward.{c}") or 0, v.get(f"t3.carried_over.{c}") or 0
        if over > processed + forward:
            over = processed + forward
            v[f"t3.carried_over.{c}"] = over
        v[f"t3.new_received.{c}"] = processed + forward - over
    for r in ed.t3_rows:
        v[f"t3.{r.key}.total"] = sum(v.get(f"t3.{r.key}.{c}") or 0 for c in applicants)
    for g in ed.t4_groups:
        v[f"t4.{g.key}.total"] = sum(v.get(f"t4.{g.key}.{c.key}") or 0
                                     for c in ed.t4_columns if c.key != "total")
    return v


def random_free(edition: str, rng: random.Random,
                blank_share: float = 0.2) -> dict[str, int | None]:
    """Free cells as real reports have them: mostly 0, some small counts, zeros sometimes blank."""
    out: dict[str, int | None] = {}
    for k in free_keys(edition):
        x = rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 13, 40)) if rng.random() < 0.6 else 0
        out[k] = None if x == 0 and rng.random() < blank_share else x
    return out


def report_of(edition: str, values: Mapping[str, int | float | None],
              year: int | None = None) -> Report:
    """A report with these cells and every table-2 cell 0; no narrative."""
    cells = {k: Cell(0, "0") for k in editions.get(edition).cell_keys()}
    cells.update({k: Cell(v, None if v is None else str(v)) for k, v in values.items()})
    return Report(edition=edition, year=year, cells=cells)


def random_report(edition: str, rng: random.Random, blank_share: float = 0.2) -> Report:
    return report_of(edition, complete(edition, random_free(edition, rng, blank_share)))
