"""The step before a report is written: fill the totals when asked, run the checks, and refuse a
report with error findings unless forced.

    result = prepare(report, fill_totals=True)
    if result.refused: …list result.findings…
    else: render_bytes(result.report, "docx")

`fill_totals` computes every total the rules determine — the cells the equations H1–H6 define
from others: each row's 总计 (H2), the （七）总计 row (H3), 表四's 总计 (H4–H6) and
四、结转下年度继续办理 (what remains of 一 + 二 after （七）, H1) — wherever the report leaves it
blank, once every other cell of its equation is known (a blank detail counts as 0, as the format
says). A total that is filled is never changed: a wrong one is an error finding, not something to
overwrite. Each computed cell is listed with the rule that gave it.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from .. import rules
from ..checks.labels import cell_zh, plain
from ..model import Cell, Finding, Number, Report
from ..rules import Equation

# Rules whose equation defines one total from the other cells.
TOTAL_RULES = ("H1", "H2", "H3", "H4", "H5", "H6")


@dataclass(frozen=True)
class Computed:
    key: str
    value: Number
    rule: str  # the equation id, e.g. "H2:granted"
    label: str  # the cell as an official names it, e.g. 表三“（一）予以公开·总计”
    why: str  # the equation in words (Chinese)

    def line(self) -> str:
        return f"{self.label} = {self.value}（{self.rule.split(':')[0]}：{self.why}）"


@dataclass
class GateResult:
    report: Report
    findings: list[Finding]
    computed: list[Computed] = field(default_factory=list)
    forced: bool = False

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def refused(self) -> bool:
        return bool(self.errors) and not self.forced


def _target(eq: Equation) -> str | None:
    """The total an equation defines: its one-cell side (H2–H6), or for H1 (一 + 二 = （七） + 四)
    the 四、结转下年度继续办理 cell, the remainder."""
    if eq.rule == "H1":
        return eq.minus[-1]
    if len(eq.plus) == 1:
        return eq.plus[0]
    return None


def _blank(report: Report, key: str) -> bool:
    cell = report.cells.get(key)
    return cell is None or cell.value is None


def fill_totals(report: Report) -> tuple[Report, list[Computed]]:
    """A copy of `report` with every blank total the rules determine computed, and the list of
    what was computed, in the order computed (a total used by another comes first)."""
    out = copy.deepcopy(report)
    targeted = [(eq, t) for eq in rules.equations(report.edition)
                if eq.rule in TOTAL_RULES and (t := _target(eq)) is not None]
    pending = {t for _, t in targeted if _blank(out, t)}
    computed: list[Computed] = []
    progress = True
    while progress and pending:
        progress = False
        for eq, target in targeted:
            if target not in pending or any(k in pending for k in eq.keys if k != target):
                continue
            value = _solve(out, eq, target)
            if value is None:
                continue
            out.cells[target] = Cell(value, str(value), None, "read", rule=eq.id,
                                     note="按勾稽关系计算 / computed from the rules")
            pending.discard(target)
            computed.append(Computed(target, value, eq.id, cell_zh(report.edition, target), eq.zh))
            progress = True
    return out, computed


def _solve(report: Report, eq: Equation, target: str) -> Number | None:
    """The value of `target` that makes `eq` hold; None when it would be negative (a count)."""
    plus = sum(report.num(k) for k in eq.plus if k != target)
    minus = sum(report.num(k) for k in eq.minus if k != target)
    value = plain(minus - plus if target in eq.plus else plus - minus)
    return None if value < 0 else value



def prepare(report: Report, *, force: bool = False, fill: bool = False,
            previous: Report | None = None) -> GateResult:
    """Fill the totals (`fill`), run every check (with last year's report when given), and say
    whether the report may be written: not with error findings, unless `force`."""
    from .. import checks  # the rule catalogue is loaded only when something is rendered

    computed: list[Computed] = []
    if fill:
        report, computed = fill_totals(report)
    findings = checks.run(report, previous)
    return GateResult(report, findings, computed, forced=force)


__all__ = ["Computed", "GateResult", "TOTAL_RULES", "fill_totals", "prepare"]
