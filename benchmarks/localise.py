#!/usr/bin/env python3
"""How often `xxgk check` names the one cell that was changed in a consistent report.

For each edition, N random consistent reports (`xxgk.synth`) are checked as they are (any error
finding or suspect there is a false alarm), then, separately for table 3 and table 4, one random
cell of the table is given a wrong value and the report is checked again (`checks.run`, what
`xxgk check` prints). A case is a hit when the suspect of the report's first H finding is the
changed cell; the value is right when the suggested value is the original one.

The wrong values imitate real mistakes, one kind drawn per case:

- `typo`: one digit of the printed number replaced, inserted, deleted, or two neighbours swapped;
- `small`: a random value 0–9 (a cell filled from the wrong row, a miscount);
- `large`: a random value 10–5000, log-uniform (a figure copied from elsewhere).

A null cell ("—", blank) counts as 0 when a wrong value is drawn for it.

    .venv/bin/python benchmarks/localise.py             # 500 reports per edition
    .venv/bin/python benchmarks/localise.py --n 2000 --seed 7
"""

from __future__ import annotations

import argparse
import math
import pathlib
import random
import sys
from collections import Counter
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from xxgk import checks, editions, rules, synth  # noqa: E402
from xxgk.model import Cell, Report  # noqa: E402

KINDS = ("typo", "small", "large")
TABLES = ("t3", "t4")
GROUP_WORD = {"t3": "table", "t4": "group"}  # what "all zero" is said of


# ---------------------------------------------------------------------------------------------
# Wrong values
# ---------------------------------------------------------------------------------------------

def typo(rng: random.Random, value: int) -> int:
    """One digit edit of `value` (substitution, insertion, deletion, swap of neighbours)."""
    digits = str(value)
    while True:
        op = rng.choice(("substitute", "insert", "delete", "swap"))
        i = rng.randrange(len(digits))
        if op == "substitute":
            out = digits[:i] + rng.choice("0123456789") + digits[i + 1:]
        elif op == "insert":
            out = digits[:i] + rng.choice("0123456789") + digits[i:]
        elif op == "delete":
            out = digits[:i] + digits[i + 1:]
        else:
            if len(digits) < 2:
                continue
            i = min(i, len(digits) - 2)
            out = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2:]
        out = out.lstrip("0") or "0"
        if out != digits:
            return int(out)


def wrong_value(rng: random.Random, kind: str, value: int) -> int:
    while True:
        if kind == "typo":
            new = typo(rng, value)
        elif kind == "small":
            new = rng.randint(0, 9)
        else:
            new = int(math.exp(rng.uniform(math.log(10), math.log(5001))))
        if new != value:
            return new


# ---------------------------------------------------------------------------------------------
# Measuring
# ---------------------------------------------------------------------------------------------

@dataclass
class Tally:
    cases: int = 0
    hits: int = 0  # top suspect is the changed cell
    value_right: int = 0  # … with the original value as the suggestion
    named: int = 0  # the changed cell is among the ranked candidates
    silent: int = 0  # no suspect named at all

    def add(self, hit: bool, right: bool, named: bool, silent: bool) -> None:
        self.cases += 1
        self.hits += hit
        self.value_right += right
        self.named += named
        self.silent += silent


@dataclass
class Results:
    consistent: int = 0
    false_alarms: int = 0  # consistent reports with an error finding or a suspect
    alarm_rules: Counter = field(default_factory=Counter)
    # edition, table, kind of wrong value, whether the changed cell's group (table 4) or table
    # (table 3) was all zero
    tallies: dict[tuple[str, str, str, bool], Tally] = field(default_factory=dict)

    def tally(self, edition: str, table: str, kind: str, empty: bool) -> Tally:
        return self.tallies.setdefault((edition, table, kind, empty), Tally())

    def total(self, edition: str | None = None, table: str | None = None,
              kind: str | None = None, empty: bool | None = None) -> Tally:
        t = Tally()
        for (e, tb, k, z), x in self.tallies.items():
            if (edition or e) == e and (table or tb) == tb and (kind or k) == k \
                    and (empty is None or empty == z):
                t.cases += x.cases
                t.hits += x.hits
                t.value_right += x.value_right
                t.named += x.named
                t.silent += x.silent
        return t


def equation_cells(edition: str, table: str) -> list[str]:
    return sorted({k for e in rules.equations(edition) for k in e.keys if k.startswith(table + ".")})


def all_zero(report: Report, key: str) -> bool:
    """Table 4: the changed cell's group had no case; table 3: the agency had no application."""
    if key.startswith("t4."):
        return not report.num(key.rsplit(".", 1)[0] + ".total")
    return not (report.num("t3.new_received.total") or report.num("t3.carried_over.total"))


def check_changed(report: Report, key: str, original: int) -> tuple[bool, bool, bool, bool]:
    """(hit, value right, among the candidates, no suspect at all) for a report with `key`
    changed. The candidates are the ranked repairs `checks.suspects` keeps (the top one and its
    alternatives)."""
    findings = [f for f in checks.run(report) if f.rule.startswith("H") and f.rule != "H7"]
    named = [f.suspect for f in findings if f.suspect is not None]
    if not named:
        return False, False, False, True
    top = named[0]
    hit = top.cell == key
    candidates = {s.cell for ex in checks.suspects(report)
                  for repair in (ex.changes,) + ex.alternatives for s in repair}
    return hit, hit and top.suggested == original, key in candidates, False


def run(n: int, seed: int, results: Results, narrative: bool = True) -> None:
    """`narrative=False`: the reports' section texts are emptied, so only the tables speak."""
    for edition in editions.EDITION_KEYS:
        cells = {t: equation_cells(edition, t) for t in TABLES}
        for i in range(n):
            rng = random.Random(f"{seed}:{edition}:{i}")
            report = synth.random_report(rng, edition)
            if not narrative:
                for section in report.sections:
                    section.text = ""
            results.consistent += 1
            alarms = [f for f in checks.run(report) if f.severity == "error" or f.suspect]
            if alarms:
                results.false_alarms += 1
                results.alarm_rules.update(f.rule for f in alarms)
            for table in TABLES:
                key = rng.choice(cells[table])
                kind = rng.choice(KINDS)
                printed = report.cells[key]
                original = int(printed.value or 0)
                new = wrong_value(rng, kind, original)
                empty = all_zero(report, key)
                report.cells[key] = Cell(new, str(new))
                results.tally(edition, table, kind, empty).add(*check_changed(report, key, original))
                report.cells[key] = printed


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

def pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "—"


def row(label: str, t: Tally) -> str:
    return (f"| {label} | {t.cases} | **{pct(t.hits, t.cases)}** | {pct(t.value_right, t.cases)} | "
            f"{pct(t.named, t.cases)} | {pct(t.silent, t.cases)} |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="reports per edition (default 500)")
    ap.add_argument("--seed", type=int, default=2024, help="corpus seed (default 2024)")
    ap.add_argument("--tables-only", action="store_true",
                    help="only the run without narrative (default: with and without)")
    args = ap.parse_args(argv)
    print("## Localisation: one changed cell\n")
    print(f"- corpus: `xxgk.synth`, {args.n} consistent reports per edition, seed {args.seed}; "
          f"per report one random cell of table 3 and one of table 4 changed (separately), the "
          f"wrong value a digit typo, a small (0–9) or a large (10–5000) value, one third each")
    for narrative in ((False,) if args.tables_only else (True, False)):
        results = Results()
        run(args.n, args.seed, results, narrative)
        print(("\n### With the narrative (as generated: its figures agree with the true tables)\n"
               if narrative else
               "\n### Tables only (section texts emptied: no quoted figure to go by)\n"))
        report(results)
    return 0


def report(results: Results) -> None:
    print("| cases | top suspect = changed cell | … and suggests the original value | "
          "among the candidates | no suspect |".join(["| changed cell ", ""]))
    print("|---|---:|---:|---:|---:|---:|")
    for table in TABLES:
        for edition in editions.EDITION_KEYS:
            print(row(f"{table}, edition {edition}", results.total(edition, table)))
        print(row(f"**{table}**", results.total(table=table)))
        print(row(f"{table}, {GROUP_WORD[table]} with figures", results.total(table=table, empty=False)))
        print(row(f"{table}, {GROUP_WORD[table]} all zero", results.total(table=table, empty=True)))
    for kind in KINDS:
        print(row(f"all, {kind}", results.total(kind=kind)))
        for table in TABLES:
            print(row(f"{table}, {kind}", results.total(table=table, kind=kind)))
    print(row("**all**", results.total()))
    ok = results.consistent - results.false_alarms
    print(f"\nConsistent reports without a false alarm (no error finding, no suspect): "
          f"{ok}/{results.consistent} ({pct(ok, results.consistent)})"
          + (f"; alarms by rule: {dict(results.alarm_rules)}" if results.alarm_rules else "") + ".")


if __name__ == "__main__":
    sys.exit(main())
