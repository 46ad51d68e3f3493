"""Checks: the rule catalogue (H1–H7, P1–P6, F1–F6) applied to a `Report`.

`run(report, previous)` returns the report's own parse-time findings and the catalogue's findings
together (each once), errors first, then warnings, then infos, each by rule id. When equations fail, the
finding names the suspect cell and the value the rules give (`xxgk.checks.localise`).
"""

from __future__ import annotations

import json

from ..model import Finding, Report
from .catalogue import RULES, Rule, rule
from .context import Context
from .localise import Explanation, suspects

SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}


def run(report: Report, previous: Report | None = None) -> list[Finding]:
    """All findings for `report`; `previous` is last year's report of the same agency, if known."""
    ctx = Context(report, previous)
    found = list(report.findings)
    for r in RULES:
        if r.applies(ctx):
            found += r.check(ctx)
    # Stable: within one rule, findings keep the catalogue's order (columns, rows, cells).
    return sorted(_each_once(found), key=lambda f: (SEVERITY_ORDER.get(f.severity, 3), f.rule))


def _each_once(found: list[Finding]) -> list[Finding]:
    # A report loaded from xxgk-report JSON brings its stored findings, which the checks make again.
    # Findings alike in JSON are alike in rule, severity, cells and message: when no two are,
    # there is nothing to drop (the common case, spared a JSON dump per finding).
    heads = {(f.rule, f.severity, tuple(f.cells), f.message) for f in found}
    if len(heads) == len(found):
        return list(found)
    seen: set[str] = set()
    out = []
    for f in found:
        key = json.dumps(f.to_dict(), sort_keys=True, ensure_ascii=False, default=str)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


__all__ = ["RULES", "Rule", "rule", "run", "suspects", "Explanation", "Context", "SEVERITY_ORDER"]
