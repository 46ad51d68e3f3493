"""The gate before writing: checks refuse error findings unless forced; --fill-totals computes
every blank total the rules determine, and only those."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import consistent
from xxgk import rules
from xxgk.load import load_report
from xxgk.model import Cell
from xxgk.render.gate import fill_totals, prepare

FIX = Path(__file__).parent / "fixtures"


def totals(edition: str) -> list[str]:
    out = []
    for eq in rules.equations(edition):
        if eq.rule in ("H2", "H3", "H4", "H5", "H6"):
            out.append(eq.plus[0])
        elif eq.rule == "H1":
            out.append(eq.minus[-1])
    return list(dict.fromkeys(out))


@pytest.mark.parametrize("edition", ["2019", "2021"])
@pytest.mark.parametrize("seed", range(4))
def test_blanked_totals_are_computed_back(edition: str, seed: int) -> None:
    full = consistent.random_report(edition, random.Random(seed), blank_share=0.3)
    blanked = consistent.random_report(edition, random.Random(seed), blank_share=0.3)
    keys = totals(edition)
    for key in keys:
        blanked.cells[key] = Cell(None)
    filled, computed = fill_totals(blanked)
    assert sorted(c.key for c in computed) == sorted(keys)
    for key in keys:
        assert filled.value(key) == (full.value(key) or 0), key
    assert rules.failures(edition, {k: c.value for k, c in filled.cells.items()}) == []
    assert all(blanked.cells[k].value is None for k in keys)  # the input is not changed
    lines = [c.line() for c in computed]
    assert any(line.startswith("表三“（七）总计·总计” = ") for line in lines)


def test_filled_totals_are_never_overwritten_and_negative_remainders_left_blank() -> None:
    report = load_report(FIX / "cli" / "broken_total_2020.json")
    printed = report.value("t3.total_processed.total")
    report.cells["t3.carried_forward.natural_person"] = Cell(None)
    report.cells["t3.new_received.natural_person"] = Cell(0)
    report.cells["t3.carried_over.natural_person"] = Cell(0)
    filled, computed = fill_totals(report)
    assert filled.value("t3.total_processed.total") == printed
    # 一 + 二 − （七） < 0: 四 would be negative, so it is not "determined" as a count
    assert "t3.carried_forward.natural_person" not in {c.key for c in computed}
    assert filled.value("t3.carried_forward.natural_person") is None


def test_errors_refuse_unless_forced() -> None:
    broken = load_report(FIX / "cli" / "broken_total_2020.json")
    result = prepare(broken)
    assert result.refused and {f.rule for f in result.errors} >= {"H1", "H2", "H3"}
    assert not prepare(broken, force=True).refused
    clean = load_report(FIX / "cli" / "clean_2020.json")
    assert not prepare(clean).refused and prepare(clean).errors == []


def test_fill_totals_can_turn_a_refusal_into_a_clean_report() -> None:
    report = consistent.random_report("2021", random.Random(3), blank_share=0)
    for key in ("t3.granted.total", "t4.review.total", "t3.total_processed.natural_person"):
        report.cells[key] = Cell(None)
    assert prepare(report).refused  # the blank （七）总计 breaks H1 and H3
    result = prepare(report, fill=True)
    assert not result.refused
    assert {c.key for c in result.computed} >= {"t3.granted.total", "t4.review.total",
                                                "t3.total_processed.natural_person"}
