"""Region aggregates (xxgk.aggregate, `xxgk aggregate`) on the county fixtures: sums against the
fixtures' truth, an agency still printing the 2019 tables in 2021 (listed, not guessed), and the
roll-up checks against the county governments' own reports."""

from __future__ import annotations

import json

import pytest

from xxgk import editions
from xxgk.aggregate import Member, aggregate_reports
from xxgk.load import load_report
from xxgk.store import Library

import library_support as support

ONLY_2019 = [k for k in editions.get("2019").cell_keys() if k not in editions.get("2021").cells]
ONLY_2021 = [k for k in editions.get("2021").cell_keys() if k not in editions.get("2019").cells]


@pytest.fixture(scope="module")
def county(module_db_url):
    with Library.open(module_db_url) as lib:
        support.load_county(lib)
        yield lib


def _truth_sum(agencies: list[str], year: int, key: str) -> int | float:
    t = support.truth()
    return sum((t[f"{a}/{year}"].get(key) or 0) for a in agencies if key in t[f"{a}/{year}"])


def test_totals_against_the_truth(county):
    agg = county.aggregate(support.HC, 2021)
    members = support.expected()["hc_2021"]["members"]
    assert sorted(m.agency for m in agg.members) == members and agg.edition == "2021"
    for key in editions.get("2021").cell_keys():
        assert agg.totals[key] == pytest.approx(_truth_sum(members, 2021, key)), key
    assert agg.totals["t3.new_received.total"] == support.expected()["hc_2021"]["received"]
    assert agg.missing_cells == {}


def test_another_edition_is_listed_not_guessed(county):
    agg = county.aggregate(support.HC, 2021)
    civil = support.report_id(county, "桦川县民政局", 2021)  # 2019 tables in 2021
    assert sorted(agg.partial) == sorted(ONLY_2021)
    assert all(ids == [civil] for ids in agg.partial.values())
    assert sorted(agg.unmapped) == sorted(ONLY_2019)
    assert all(ids == [civil] for ids in agg.unmapped.values())
    # the cells only the 2021 tables have are the other members' sum, without 民政局
    others = [a for a in support.expected()["hc_2021"]["members"] if a != "桦川县民政局"]
    assert agg.totals["t2.art20_8.fees.fee_amount"] == pytest.approx(
        _truth_sum(others, 2021, "t2.art20_8.fees.fee_amount"))


def test_rollup_against_the_governments_narrative(county):
    agg = county.aggregate(support.HC, 2021)
    r = agg.rollup
    assert r is not None and r.government.agency == "桦川县人民政府"
    stated = {s.target: s for s in r.stated}
    exp = support.expected()["hc_2021"]
    assert stated["new_received"].stated == exp["received"] and stated["new_received"].agrees
    assert stated["review"].stated == exp["stated_review"] and not stated["review"].agrees
    assert stated["review"].all_members == exp["review"]
    assert not r.tables_are_totals and r.mismatches == []  # its tables are its own figures


def test_rollup_against_tables_that_are_region_totals(county):
    r = county.aggregate(support.TY, 2021).rollup
    assert r is not None and r.government.agency == "汤原县人民政府"
    assert r.tables_are_totals and r.matching_share >= 0.8
    assert sorted(d.key for d in r.mismatches) == support.expected()["ty_2021"]["mismatches"]
    assert all(d.b - d.a == 1 for d in r.mismatches)  # the one application it added


def test_an_earlier_year_and_a_region_above(county):
    agg = county.aggregate(support.HC, 2020)
    assert agg.edition == "2019" and agg.partial == {} and agg.unmapped == {}
    assert len(agg.members) == 5 and agg.rollup is not None  # the 2020 government report
    both = county.aggregate("黑龙江省/佳木斯市", 2021)
    assert len(both.members) == 9 and both.rollup is None  # no city government report
    assert both.totals["t4.review.total"] == (
        county.aggregate(support.HC, 2021).totals["t4.review.total"]
        + county.aggregate(support.TY, 2021).totals["t4.review.total"])
    with pytest.raises(ValueError):
        county.aggregate(" / ", 2021)


def test_aggregate_of_files_without_a_library():
    files = support.expected()["files"]
    members = [(Member(None, a, None, None, "2021"), load_report(support.REPORTS / files[f"{a}/2021"]))
               for a in ("汤原县人民政府", "汤原县农业农村局", "汤原县司法局")]
    agg = aggregate_reports(support.TY, 2021, members, government=0)
    assert agg.rollup.tables_are_totals and len(agg.rollup.mismatches) == 6


def test_cli_aggregate(county, module_db_url):
    run = support.cli("aggregate", "--region", support.HC, "--year", "2021", "--db",
                      module_db_url, "--format", "json")
    assert run.exit_code == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["totals"]["t3.new_received.total"] == support.expected()["hc_2021"]["received"]
    assert [s["agrees"] for s in got["rollup"]["stated"]] == [True, False]
    text = support.cli("aggregate", "--region", support.HC, "--year", "2021", "--db",
                       module_db_url)
    assert text.exit_code == 0 and "不一致" in text.stdout and "桦川县民政局" in text.stdout
