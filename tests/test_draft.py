"""`draft`: next year's skeleton in the right edition, with the cross-year carry-overs (P1, P2, P3)
and, for a 2019-edition report drafting 2021, the cells that cannot be carried listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from xxgk import checks, editions
from xxgk.draft import SKELETON, DraftError, draft
from xxgk.load import load_report
from xxgk.model import Cell

FIXTURE = Path(__file__).parent / "fixtures" / "render" / "jiamusi_2022.json"
ROOT = Path(__file__).resolve().parent
# The seeds: their truth files (copied into the checks fixtures) and their text (examples/).
SEED_TRUTHS = sorted((ROOT / "fixtures" / "checks").glob("00[0-9]_*.json"))
SEED_TEXT = ROOT.parent / "examples" / "004_c50bb1760576b204.txt"
T3_COLUMNS = [c.key for c in editions.get("2021").t3_columns]


def test_2021_report_carries_p1_per_column_and_p2_in_force() -> None:
    last = load_report(FIXTURE)
    d = draft(last, 2023)
    r = d.report
    assert (r.edition, r.year, r.agency, d.upgraded) == ("2021", 2023, last.agency, False)
    for c in T3_COLUMNS:
        assert r.value(f"t3.carried_over.{c}") == last.value(f"t3.carried_forward.{c}")
    assert r.value("t3.carried_over.natural_person") == 76 and r.value("t3.carried_over.total") == 82
    for row in ("regulations", "normative_docs"):
        key = f"t2.art20_1.{row}.in_force"
        assert r.value(key) == last.value(key) and r.cells[key].rule == "P2"
    assert {c.rule for c in d.carried} == {"P1", "P2"} and len(d.carried) == len(T3_COLUMNS) + 2
    assert d.not_carried == []
    blank = [k for k, c in r.cells.items() if c.status == "missing"]
    assert len(blank) == len(r.cells) - len(d.carried)  # everything else is left to fill
    # The cross-year checks find nothing to say about the draft.
    found = checks.run(r, last)
    assert not [f for f in found if f.rule in ("P1", "P2")]


def test_carried_figures_survive_filling_in_the_year() -> None:
    """After the year's figures are filled in, P1 and P2 still hold against last year's report."""
    last = load_report(FIXTURE)
    r = draft(last, 2023).report
    r.cells["t2.art20_1.normative_docs.issued"] = Cell(3)
    r.cells["t2.art20_1.normative_docs.repealed"] = Cell(1)
    r.cells["t2.art20_1.normative_docs.in_force"] = Cell(r.num("t2.art20_1.normative_docs.in_force") + 2)
    assert not [f for f in checks.run(r, last) if f.rule in ("P1", "P2")]
    r.cells["t3.carried_over.commercial"] = Cell(0)  # a changed carry-over is caught
    assert [f.cells for f in checks.run(r, last) if f.rule == "P1"] == [["t3.carried_over.commercial"]]


def test_sections_of_a_2021_skeleton() -> None:
    r = draft(load_report(FIXTURE), 2023).report
    ed = editions.get("2021")
    assert [s.heading for s in r.sections] == [s.heading for s in ed.sections]
    overview = r.section("overview").text.split("\n")  # type: ignore[union-attr]
    assert overview == ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设",
                        "（五）监督保障"]
    assert r.section("other").text.split("\n") == list(SKELETON["2021"]["other"])  # type: ignore[union-attr]
    assert r.section("problems").text == ""  # type: ignore[union-attr]


@pytest.mark.parametrize("truth", SEED_TRUTHS, ids=lambda p: p.stem)
def test_seeds(truth: Path) -> None:
    assert len(SEED_TRUTHS) == 5
    last = load_report(truth)
    d = draft(last, last.year + 1)  # type: ignore[operator]
    r = d.report
    assert r.edition == editions.for_year(last.year + 1).key  # type: ignore[operator]
    for c in T3_COLUMNS:  # P1 whatever the editions
        assert r.value(f"t3.carried_over.{c}") == (last.value(f"t3.carried_forward.{c}") or 0)
    if r.edition == "2019":  # 2019 → 2020: P3, same edition
        skipped = []
        for key in (k for k in r.spec.cell_keys() if k.endswith(".prev_items")):
            if last.value(key) is None:  # a blank count says nothing: listed, left blank
                skipped.append(key)
                assert r.value(key) is None
                continue
            want = last.value(key) + (last.value(key.replace("prev_items", "delta_items")) or 0)  # type: ignore[operator]
            assert r.value(key) == want, key
        assert [n.key for n in d.not_carried] == skipped and not d.upgraded
    else:  # 2020 → 2021: upgraded; 现行有效件数 has no 2019 counterpart: listed, not guessed
        assert d.upgraded
        keys = [n.key for n in d.not_carried]
        assert keys == ["t2.art20_1.regulations.in_force", "t2.art20_1.normative_docs.in_force"]
        assert all(r.value(k) is None for k in keys)
        assert all("2019版" in n.reason for n in d.not_carried)
        assert not any(k.endswith(("prev_items", "delta_items")) for k in r.cells)


def test_upgrade_from_the_parsed_seed_text() -> None:
    last = load_report(SEED_TEXT)
    d = draft(last, 2021, agency="桦川县人民政府办公室")
    assert d.report.edition == "2021" and d.report.agency == "桦川县人民政府办公室"
    assert [n.key.rsplit(".", 1)[1] for n in d.not_carried] == ["in_force", "in_force"]


def test_unreadable_and_blank_sources_are_not_guessed() -> None:
    last = load_report(FIXTURE)
    last.cells["t3.carried_forward.commercial"] = Cell(None, status="missing")
    last.cells["t3.carried_forward.research"] = Cell(None)  # printed blank: 0
    d = draft(last, 2023)
    assert [n.key for n in d.not_carried] == ["t3.carried_over.commercial"]
    assert d.report.value("t3.carried_over.commercial") is None
    assert d.report.value("t3.carried_over.research") == 0
    note = next(c for c in d.carried if c.key == "t3.carried_over.research").note
    assert note == "上年空白，按0计"


def test_prev_items_with_a_blank_count_are_not_carried() -> None:
    last = load_report(ROOT / "fixtures" / "cli" / "prev_2019.json")
    last.cells["t2.art20_5.licensing.prev_items"] = Cell(None)
    d = draft(last, 2020)
    assert "t2.art20_5.licensing.prev_items" in [n.key for n in d.not_carried]


def test_the_year_must_follow() -> None:
    with pytest.raises(DraftError):
        draft(load_report(FIXTURE), 2025)
