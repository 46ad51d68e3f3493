"""The rule catalogue: every rule passes on a realistic report and fires on a broken one."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk import editions, rules
import consistent
from xxgk.checks import RULES, Context, run
from xxgk.checks.catalogue import rule
from xxgk.checks.deadline import agency_kind, deadline
from xxgk.model import Cell, Finding, Report, Section

FIX = Path(__file__).parent / "fixtures" / "checks"
SEED_IDS = ("000", "001", "002", "003", "004")


def load(name: str) -> Report:
    return Report.from_dict(json.loads((FIX / name).read_text(encoding="utf-8")))


def seed(sid: str, with_sections: bool = True) -> Report:
    """A seed report's hand-read tables, with its narrative split into sections."""
    path = next(FIX.glob(f"{sid}_*.json"))
    r = Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
    if with_sections:
        secs = json.loads((FIX / "seed_sections.json").read_text(encoding="utf-8"))["sections"][sid]
        r.sections = [Section.from_dict(s) for s in secs]
    return r


def county() -> tuple[Report, Report]:
    """A consistent 2021-edition report (2022) and last year's."""
    return load("county_dept_2022.json"), load("county_dept_2021.json")


def of(findings: list[Finding], rule_id: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule_id]


def hard(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule.startswith("H")]


def set_value(r: Report, key: str, value: float | int | None, raw: str | None = None) -> None:
    r.cells[key] = Cell(value, raw if raw is not None else (None if value is None else str(value)))


# -- the catalogue ----------------------------------------------------------------------------
def test_catalogue_lists_every_rule_once_with_titles() -> None:
    ids = [r.id for r in RULES]
    assert ids == [f"H{i}" for i in range(1, 8)] + [f"P{i}" for i in range(1, 7)] + \
        [f"F{i}" for i in range(1, 7)]
    for r in RULES:
        assert r.severity in ("error", "warning", "info")
        assert r.title and r.title_en and callable(r.check)
    assert rule("P2").needs == {"previous"} and rule("P2").editions == ("2021",)
    assert rule("F5").needs == {"published"}
    with pytest.raises(KeyError):
        rule("X9")


@pytest.mark.parametrize("sid", SEED_IDS)
def test_seed_reports_have_no_table_findings(sid: str) -> None:
    found = run(seed(sid, with_sections=False))
    assert found == []


def test_consistent_2021_reports_have_no_findings() -> None:
    cur, prev = county()
    assert run(cur, prev) == []
    assert run(prev) == []


def test_run_orders_by_severity_then_rule_and_keeps_parse_findings() -> None:
    r = seed("001")  # renamed headings: F3 infos
    set_value(r, "t4.review.total", 3)  # H4 error
    set_value(r, "t3.granted.commercial", -1)  # H7 error (and H2/H3)
    r.year = 2022  # F1 warning
    parse_time = Finding("R-ambiguous", "warning", ["t3.granted.total"], "读数有歧义", "ambiguous")
    r.findings = [parse_time]
    found = run(r)
    assert parse_time in found
    order = {"error": 0, "warning": 1, "info": 2}
    keys = [(order[f.severity], f.rule) for f in found]
    assert keys == sorted(keys)
    assert {"H4", "H7", "F1", "F3", "R-ambiguous"} <= {f.rule for f in found}
    for f in found:
        assert f.message and f.message_en


# -- H1–H6 ------------------------------------------------------------------------------------
def test_h1_failure_names_the_cell_and_both_sides() -> None:
    r = seed("004", with_sections=False)
    set_value(r, "t3.carried_forward.natural_person", 2)
    found = run(r)
    h1 = of(found, "H1")
    assert len(h1) == 1 and h1[0].severity == "error"
    f = h1[0]
    assert f.expected == 9 and f.actual == 11  # 一+二 = 9, （七）+四 = 11
    assert "t3.carried_forward.natural_person" in f.cells
    assert f.suspect is not None and f.suspect.cell == "t3.carried_forward.natural_person"
    assert f.suspect.printed == 2 and f.suspect.suggested == 0
    assert "第一项加第二项之和为9" in f.message and "应为0" in f.message


def test_h2_failure_and_the_hand_added_total() -> None:
    r = seed("004", with_sections=False)
    set_value(r, "t3.granted.total", 7)
    found = hard(run(r))
    assert sorted(f.rule for f in found) == ["H2", "H3"]
    h2 = of(found, "H2")[0]
    assert (h2.expected, h2.actual) == (8, 7)
    for f in found:
        assert f.suspect is not None
        assert (f.suspect.cell, f.suspect.suggested) == ("t3.granted.total", 8)


def test_h2_blank_totals_are_not_filled_not_failed() -> None:
    r = seed("004", with_sections=False)
    detail = [row.key for row in r.spec.rows_in_group("results") if row.key != "total_processed"]
    for row in detail:
        set_value(r, f"t3.{row}.total", None)
    found = run(r)
    assert hard([f for f in found if f.severity == "error"]) == []
    info = of(found, "H2")
    assert len(info) == 1 and info[0].severity == "info"
    assert len(info[0].cells) == len(detail)


def test_few_blank_totals_are_not_worth_an_info() -> None:
    r = seed("002", with_sections=False)  # real report: totals blank only where the row is blank
    assert of(run(r), "H2") == []


def test_blank_row_total_stands_for_its_row_in_other_equations() -> None:
    r = seed("002", with_sections=False)
    set_value(r, "t3.granted.total", None)  # Shanghai style: H3:total must still hold
    assert hard(run(r)) == []
    set_value(r, "t3.granted.commercial", 2)  # now H3:commercial and H3:total break
    found = hard(run(r))
    assert {f.rule for f in found} == {"H3"}
    total = next(f for f in found if f.cells[0] == "t3.total_processed.total")
    assert "按该行各列之和计" in total.message


def test_h3_failure_in_an_outcome_row() -> None:
    r = seed("004", with_sections=False)
    set_value(r, "t3.unable_not_held.natural_person", 0)
    found = hard(run(r))
    assert sorted(f.rule for f in found) == ["H2", "H3"]
    for f in found:
        assert f.suspect is not None
        assert (f.suspect.cell, f.suspect.printed, f.suspect.suggested) == \
            ("t3.unable_not_held.natural_person", 0, 1)


@pytest.mark.parametrize("group,rule_id", [("review", "H4"), ("litigation_direct", "H5"),
                                           ("litigation_after_review", "H6")])
def test_h4_to_h6_suspect_the_likelier_cell(group: str, rule_id: str) -> None:
    r = seed("004", with_sections=False)
    before = r.num(f"t4.{group}.total")
    set_value(r, f"t4.{group}.pending", 2)  # 尚未审结 2 where the total leaves room for none
    found = hard(run(r))
    assert [f.rule for f in found] == [rule_id]
    f = found[0]
    # A stray 2 among the outcomes is likelier than a total two short (see checks.likelihood).
    assert f.suspect is not None and f.suspect.cell == f"t4.{group}.pending"
    assert f.suspect.suggested == 0
    assert "总计" in f.message.split("也可能是")[1]  # the total is named as the other candidate
    assert (f.expected, f.actual) == (before + 2, before)


def test_h4_says_blank_counted_as_zero() -> None:
    r = seed("004", with_sections=False)
    set_value(r, "t4.review.corrected", None)
    set_value(r, "t4.review.total", 3)
    f = of(run(r), "H4")[0]
    assert "按0计" in f.message and "counted as 0" in f.message_en


def test_unreadable_cell_makes_a_failure_a_warning() -> None:
    r = seed("004", with_sections=False)
    r.cells["t4.review.upheld"] = Cell(None, None, status="missing")
    found = run(r)
    h4 = of(found, "H4")[0]
    assert h4.severity == "warning" and "缺失或未能读取" in h4.message
    assert h4.suspect is not None and h4.suspect.suggested == 1
    assert of(found, "F4")[0].cells == ["t4.review.upheld"]


# -- H7 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("key,value", [("t3.granted.commercial", -1), ("t4.review.upheld", 1.5),
                                       ("t2.art20_5.licensing.decisions", -3),
                                       ("t2.art20_9.central_procurement.proc_amount", -2.5),
                                       ("t2.art20_5.licensing.delta_items", 2.5)])
def test_h7_flags_impossible_values(key: str, value: float) -> None:
    r = seed("004", with_sections=False)
    set_value(r, key, value)
    h7 = of(run(r), "H7")
    assert [f.cells for f in h7] == [[key]] and h7[0].severity == "error"


def test_h7_allows_signed_changes_and_decimal_amounts() -> None:
    r = seed("004", with_sections=False)  # 本年增/减 −232, procurement 18000 万元
    set_value(r, "t2.art20_9.central_procurement.proc_amount", 1245.95)
    assert r.value("t2.art20_5.licensing.delta_items") == -232
    assert of(run(r), "H7") == []


# -- P1–P3 ------------------------------------------------------------------------------------
def test_p1_carry_over_against_last_year() -> None:
    cur, prev = county()
    assert of(run(cur, prev), "P1") == []
    set_value(prev, "t3.carried_forward.natural_person", 2)
    set_value(prev, "t3.carried_forward.total", 2)
    p1 = of(run(cur, prev), "P1")
    assert [f.cells for f in p1] == [["t3.carried_over.natural_person"], ["t3.carried_over.total"]]
    assert all(f.severity == "warning" and f.expected == 2 and f.actual == 1 for f in p1)


def test_p1_across_editions_uses_the_shared_keys() -> None:
    cur, _ = county()
    prev = seed("004", with_sections=False)  # 2019 edition, year 2020, nothing carried forward
    prev.agency, prev.year = cur.agency, 2021
    p1 = of(run(cur, prev), "P1")
    assert {f.cells[0] for f in p1} == {"t3.carried_over.natural_person", "t3.carried_over.total"}


def test_cross_year_rules_skip_another_agency_or_year() -> None:
    cur, prev = county()
    set_value(prev, "t3.carried_forward.natural_person", 5)
    prev.agency = "平江县财政局"
    p1 = of(run(cur, prev), "P1")
    assert len(p1) == 1 and p1[0].severity == "info" and "未做跨年度核对" in p1[0].message
    prev.agency, prev.year = cur.agency, 2019
    assert [f.severity for f in of(run(cur, prev), "P1")] == ["info"]


def test_p2_in_force_count() -> None:
    cur, prev = county()
    assert of(run(cur, prev), "P2") == []
    set_value(cur, "t2.art20_1.normative_docs.in_force", 13)
    p2 = of(run(cur, prev), "P2")
    assert len(p2) == 1 and (p2[0].expected, p2[0].actual) == (12, 13)
    assert of(run(cur), "P2") == []  # needs last year


def test_p3_item_counts_2019() -> None:
    cur = seed("004", with_sections=False)
    prev = copy.deepcopy(cur)
    prev.year = 2019
    set_value(prev, "t2.art20_5.licensing.prev_items", 500)
    set_value(prev, "t2.art20_5.licensing.delta_items", -31)  # 500 − 31 = 469 ✓
    for row in ("art20_5.other_services", "art20_6.penalty", "art20_6.coercion", "art20_8.fees"):
        set_value(prev, f"t2.{row}.delta_items", 0)
    assert of(run(cur, prev), "P3") == []
    set_value(prev, "t2.art20_5.licensing.delta_items", -30)
    p3 = of(run(cur, prev), "P3")
    assert len(p3) == 1 and (p3[0].expected, p3[0].actual) == (470, 469)
    assert "相差-1" in p3[0].message


# -- P5, P6 -----------------------------------------------------------------------------------
def test_p5_total_published_at_least_new() -> None:
    r = seed("004", with_sections=False)  # 0 new, 14 in total
    assert of(run(r), "P5") == []
    set_value(r, "t2.art20_1.normative_docs.new_published", 20)
    p5 = of(run(r), "P5")
    assert len(p5) == 1 and (p5[0].expected, p5[0].actual) == (20, 14)
    cur, _ = county()
    assert rule("P5").applies(Context(cur)) is False  # 2019 edition only


def test_p6_normalised_amount_passes() -> None:
    r = seed("004", with_sections=False)
    set_value(r, "t2.art20_9.central_procurement.proc_amount", 18000, raw="1.8 亿元")
    r.cells["t2.art20_9.central_procurement.proc_amount"].unit = "万元"
    assert of(run(r), "P6") == []


def test_p6_unnormalised_amount_and_wrong_unit() -> None:
    r = seed("004", with_sections=False)
    set_value(r, "t2.art20_9.central_procurement.proc_amount", 180000000, raw="180000000元")
    p6 = of(run(r), "P6")
    assert len(p6) == 2  # printed in 元 but recorded as if 万元, and implausibly large
    assert p6[0].expected == 18000 and "不一致" in p6[0].message
    assert "1000亿元" in p6[1].message
    r.cells["t2.art20_9.central_procurement.proc_amount"] = Cell(18000, "1.8亿元", unit="元")
    assert [f.actual for f in of(run(r), "P6")] == ["元"]


def test_p6_2021_fee_printed_in_another_unit_than_the_header() -> None:
    cur, _ = county()
    set_value(cur, "t2.art20_8.fees.fee_amount", 25.1, raw="251000元")
    p6 = of(run(cur), "P6")
    assert len(p6) == 1 and (p6[0].expected, p6[0].actual) == ("万元", "元")


# -- F1–F5 ------------------------------------------------------------------------------------
@pytest.mark.parametrize("edition,year,fires", [("2019", 2019, False), ("2019", 2020, False),
                                                ("2019", 2021, True), ("2019", 2023, True),
                                                ("2021", 2021, False), ("2021", 2020, True),
                                                ("2019", None, False)])
def test_f1_edition_matches_year(edition: str, year: int | None, fires: bool) -> None:
    r = consistent.report_of(edition, consistent.complete(edition, {}), year=year)
    f1 = of(run(r), "F1")
    assert bool(f1) is fires
    if fires:
        assert editions.get(edition).notice in f1[0].message
        assert editions.for_year(year).notice in f1[0].message  # type: ignore[arg-type]


def test_f2_missing_sections() -> None:
    f2 = of(run(seed("003")), "F2")  # the real report has no 六
    assert len(f2) == 1 and "六、其他需要报告的事项" in f2[0].message
    r = seed("004")
    assert of(run(r), "F2") == []
    r.sections[4] = Section("problems", 5, None)
    assert "五、存在的主要问题及改进情况" in of(run(r), "F2")[0].message
    assert of(run(seed("004", with_sections=False)), "F2") == []  # no narrative known: no claim


def test_f3_renamed_headings_are_info() -> None:
    f3 = of(run(seed("001")), "F3")
    assert len(f3) == 5 and all(f.severity == "info" for f in f3)
    assert any("4、 政府信息公开被申请行政复议、提起行政诉讼情况" in f.message for f in f3)
    assert of(run(seed("004")), "F3") == []  # "4、" vs "四、" alone is not a rename


def test_f4_missing_cells() -> None:
    r = seed("004", with_sections=False)
    del r.cells["t2.art20_8.fees.delta_items"]
    r.cells["t3.granted.research"] = Cell(None, None, status="missing")
    f4 = of(run(r), "F4")
    assert len(f4) == 1 and f4[0].cells == ["t2.art20_8.fees.delta_items", "t3.granted.research"]
    assert "2个单元格" in f4[0].message


@pytest.mark.parametrize("name,kind", [
    ("桦川县人民政府", "government"), ("某区政府", "government"), ("桦川县人民政府（本级）", "government"),
    ("哈尔滨经济技术开发区管委会", "government"), ("某高新区管理委员会", "government"),
    ("某街道办事处", "government"), ("鹤岗市商务局", "department"), ("方正县工业信息科技局", "department"),
    ("某市人民政府办公室", "department"), ("国家税务总局某市税务局", "department"), ("", None), (None, None)])
def test_agency_kind(name: str | None, kind: str | None) -> None:
    assert agency_kind(name) == kind


@pytest.mark.parametrize("agency,published,late", [
    ("方正县工业信息科技局", dt.date(2021, 1, 20), None), ("方正县工业信息科技局", dt.date(2021, 1, 31), None),
    ("方正县工业信息科技局", dt.date(2021, 2, 10), 10), ("桦川县人民政府", dt.date(2021, 3, 31), None),
    ("桦川县人民政府", dt.date(2021, 4, 1), 1), (None, dt.date(2021, 2, 15), None),
    (None, dt.date(2021, 4, 3), 3)])
def test_f5_deadline(agency: str | None, published: dt.date, late: int | None) -> None:
    r = seed("001", with_sections=False)  # 2020 report
    r.agency, r.published = agency, published
    f5 = of(run(r), "F5")
    if late is None:
        assert f5 == []
    else:
        assert len(f5) == 1 and f"逾期{late}天" in f5[0].message
    assert deadline(2020, "department") == dt.date(2021, 1, 31)


# -- properties -------------------------------------------------------------------------------
def free_values(edition: str) -> st.SearchStrategy[dict[str, int | None]]:
    keys = consistent.free_keys(edition)
    cell = st.one_of(st.just(0), st.just(None), st.integers(0, 5), st.integers(0, 500))
    cells = st.lists(cell, min_size=len(keys), max_size=len(keys))
    return cells.map(lambda vs: dict(zip(keys, vs)))


@st.composite
def consistent_reports(draw: st.DrawFn) -> Report:
    edition = draw(st.sampled_from(editions.EDITION_KEYS))
    r = consistent.report_of(edition, consistent.complete(edition, draw(free_values(edition))))
    # Some reports leave detail-row totals blank (H2 "not filled").
    blank = draw(st.lists(st.sampled_from([x.key for x in r.spec.t3_rows]), max_size=6))
    for row in blank:
        if row not in ("new_received", "carried_over", "total_processed", "carried_forward"):
            r.cells[f"t3.{row}.total"] = Cell(None, "—")
    return r


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(consistent_reports())
def test_property_consistent_reports_pass_every_h_rule(r: Report) -> None:
    values = {k: c.value for k, c in r.cells.items()}
    if not any(v is None for k, v in values.items() if k.endswith(".total")):
        assert rules.failures(r.edition, values) == []  # the equations as printed
    assert [f for f in run(r) if f.rule.startswith("H") and f.severity != "info"] == []


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(consistent_reports())
def test_property_no_errors_on_consistent_reports(r: Report) -> None:
    r.year = 2020 if r.edition == "2019" else 2022
    assert [f for f in run(r) if f.severity == "error"] == []
