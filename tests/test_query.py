"""Which reports (xxgk.query.Filters, `xxgk query`) and the library's views for the web app:
region tree with published / late per year, dashboard aggregates, search."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xxgk.query import Filters
from xxgk.store import Library
from xxgk.store.views import outcome_groups

import library_support as support

CITY = "黑龙江省/佳木斯市"


@pytest.fixture(scope="module")
def county(module_db_url, tmp_path_factory):
    """The county fixtures, and a city department's report whose table 3 breaks H2/H3."""
    doc = json.loads((support.REPORTS / "汤原县司法局_2021.json").read_text(encoding="utf-8"))
    doc["agency"] = doc["title"] = "佳木斯市财政局"
    doc["cells"]["t3.granted.total"] += 1
    broken = tmp_path_factory.mktemp("broken") / "佳木斯市财政局_2021.json"
    broken.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with Library.open(module_db_url) as lib:
        support.load_county(lib)
        lib.ingest([broken])
        yield lib


def _agencies(lib, f: Filters) -> list[tuple[str, int]]:
    return [(r.agency, r.year) for r in lib.reports(f, order="agency")]


def test_filters(county):
    assert county.count_reports() == 15
    assert county.count_reports(Filters(region=support.HC)) == 11
    assert county.count_reports(Filters(region=CITY)) == 15
    assert county.count_reports(Filters(region="黑龙江省/佳木斯")) == 0  # whole parts only
    assert county.count_reports(Filters(region=support.HC, years=(2020,))) == 5
    assert county.count_reports(Filters(years=(2020, 2021))) == 15
    assert _agencies(county, Filters(agency="财政")) == [
        ("佳木斯市财政局", 2021), ("桦川县财政局", 2020), ("桦川县财政局", 2021)]
    assert _agencies(county, Filters(agency="桦川县政府")) == [  # an alias
        ("桦川县人民政府", 2020), ("桦川县人民政府", 2021)]
    assert county.count_reports(Filters(edition="2019")) == 6  # five 2020 reports and 民政局 2021
    assert _agencies(county, Filters(has_errors=True)) == [("佳木斯市财政局", 2021)]
    assert county.count_reports(Filters(has_errors=False)) == 14
    assert _agencies(county, Filters(late=True)) == [("桦川县教育局", 2021)]
    assert county.count_reports(Filters(late=False)) == 13  # 交通运输局 2021 has no date
    assert _agencies(county, Filters(text="直达资金")) == [("桦川县财政局", 2021)]
    row = county.reports(Filters(late=True))[0]
    assert row.late and row.deadline == dt.date(2022, 1, 31) and row.region == support.HC
    with pytest.raises(ValueError):
        Filters(edition="2020")


def test_ordering_and_paging(county):
    by_year = county.reports(order="-year", limit=3)
    assert [r.year for r in by_year] == [2021] * 3
    page = county.reports(order="id", limit=5, offset=5)
    assert [r.id for r in page] == list(range(6, 11))
    with pytest.raises(ValueError):
        county.reports(order="colour")


def test_user_scope_narrows_filters(county):
    scope = Filters(region=support.HC)
    assert Filters().narrowed(scope).region == support.HC
    assert Filters(region=CITY).narrowed(scope).region == support.HC
    assert Filters(region=support.HC + "/悦来镇").narrowed(scope).region == support.HC + "/悦来镇"
    assert county.count_reports(Filters(region=support.TY).narrowed(scope)) == 0
    own = Filters(agency_id=3)
    assert Filters(agency_id=4).narrowed(own).agency_id == -1
    assert county.count_reports(Filters(agency_id=4).narrowed(own)) == 0


def test_region_tree_published_and_late(county):
    exp = support.expected()["region_tree"]
    for year in (2020, 2021):
        tree = county.region_tree(year, today=dt.date(2023, 6, 1))
        hc = tree.find(support.HC)
        assert hc is not None
        assert {k: getattr(hc, k) for k in ("published", "late", "missing", "total")} == {
            k: v for k, v in exp[str(year)].items() if k != "status"}
    hc = county.region_tree(2021, root=support.HC, today=dt.date(2023, 6, 1))
    assert hc.path == support.HC and hc.children == []
    assert {a.agency.name: a.status for a in hc.agencies} == exp["2021"]["status"]
    assert hc.agencies[0].agency.kind == "government"  # the county government first
    late = next(a for a in hc.agencies if a.status == "late")
    assert (late.published, late.deadline) == (dt.date(2022, 2, 15), dt.date(2022, 1, 31))
    before = county.region_tree(2021, root=support.HC, today=dt.date(2022, 1, 10))
    assert {a.agency.name for a in before.agencies if a.status == "not_due"} == {"桦川县审计局"}
    city = county.region_tree(2021, root=CITY, today=dt.date(2023, 6, 1))
    assert [c.path for c in city.children] == [support.HC, support.TY]
    assert city.total == 11 and city.published == 10 and city.missing == 1
    assert [a.agency.name for a in city.agencies] == ["佳木斯市财政局"]


def test_dashboard_from_stored_data(county):
    d = county.dashboard(Filters(region=support.HC))
    truth = support.truth()
    members = [k for k in truth if k.startswith("桦川县")]
    assert d.reports == len(members) == 11
    granted = next(o for o in d.outcomes if o.key == "granted")
    assert granted.values["natural_person"] == sum(truth[m]["t3.granted.natural_person"] or 0
                                                   for m in members)
    other = next(o for o in d.outcomes if o.key == "other")  # （六）: one row in 2019, three in 2021
    per_edition = next(per for key, _, per in outcome_groups() if key == "other")
    assert per_edition == {"2019": ["other"], "2021": ["other_overdue_correction",
                                                       "other_overdue_fee", "other_other"]}
    expected_other = sum((truth[m].get(f"t3.{row}.total") or 0) for m in members
                         for row in ("other", "other_overdue_correction", "other_overdue_fee",
                                     "other_other"))
    assert other.values["total"] == expected_other
    assert [o.key for o in d.outcomes] == ["granted", "partially_granted", "withheld", "unable",
                                           "rejected", "other", "total_processed"]
    assert d.applicants["total"] == sum(truth[m]["t3.new_received.total"] for m in members)
    assert [(t.year, t.reports, t.late) for t in d.trends] == [(2020, 5, 0), (2021, 6, 1)]
    assert d.trends[1].received == support.expected()["hc_2021"]["received"]
    assert d.trends[1].review == support.expected()["hc_2021"]["review"]
    rules = {r.rule: r for r in d.top_rules}
    assert rules["P1"].reports == 1 and rules["P1"].findings == 2
    assert {"F5", "F6", "P3"} <= set(rules)
    everything = county.dashboard()
    # most reports first, then most findings: P1 (one report, two columns) leads the ties
    assert everything.reports == 15 and everything.top_rules[0].rule == "P1"
    assert {"H2", "H3"} <= {r.rule for r in everything.top_rules}


def test_dismissed_findings_leave_the_dashboard(county, module_db_url):
    rid = support.report_id(county, "桦川县教育局", 2021)
    f5 = next(f for f in county.findings(rid) if f.rule == "F5")
    county.review(rid, f5.fingerprint, "dismissed", by="tester")
    try:
        rules = {r.rule for r in county.dashboard(Filters(region=support.HC)).top_rules}
        assert "F5" not in rules
    finally:
        county.review(rid, f5.fingerprint, None, by="tester")


def test_search(county):
    hits = county.search("直达资金")
    assert [(h.row.agency, h.row.year, h.section) for h in hits] == [("桦川县财政局", 2021,
                                                                       "overview")]
    assert "直达资金" in hits[0].snippet and len(hits[0].snippet) < 120
    by_name = county.search("教育局")
    assert [(h.row.agency, h.row.year, h.section) for h in by_name] == [
        ("桦川县教育局", 2021, None), ("桦川县教育局", 2020, None)]
    boiler = county.search("先审查、后公开", Filters(years=(2021,)))
    assert sorted(h.row.agency for h in boiler) == ["桦川县教育局", "桦川县财政局"]
    assert county.search("先审查、后公开", Filters(years=(2020,))) == []
    assert county.search("   ") == []
    assert len(county.search("2021年", limit=2)) == 2


def test_cli_query(county, module_db_url):
    run = support.cli("query", "--region", support.HC, "--year", "2021", "--late", "--format",
                      "json", "--db", module_db_url)
    assert run.exit_code == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["total"] == 1 and got["reports"][0]["agency"] == "桦川县教育局"
    assert got["reports"][0]["late"] is True and "逾期发布" in got["filters"]
    table = support.cli("query", "--has-errors", "--db", module_db_url, env={"COLUMNS": "160"})
    assert table.exit_code == 0 and "佳木斯市财政局" in table.stdout and "1 份" in table.stdout
    csv_out = support.cli("query", "--edition", "2019", "--format", "csv", "--db", module_db_url)
    assert csv_out.exit_code == 0 and len(csv_out.stdout.strip().splitlines()) == 7
    bad = support.cli("query", "--edition", "2020", "--db", module_db_url)
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1
