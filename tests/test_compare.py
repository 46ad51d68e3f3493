"""Comparing reports (xxgk.compare, `xxgk compare`) on the county fixtures, whose answers are
known: an edition change between years, a planted carry-over mismatch (P1) and item count (P3),
a section copied from last year and a paragraph shared with another agency."""

from __future__ import annotations

import json

import pytest

from xxgk import editions
from xxgk.compare import compare_reports, normalised, passages
from xxgk.load import load_report
from xxgk.store import Library

import library_support as support

# The canonical keys (shared/spec/cell-keys.json; test_synth holds the editions equal to it).
CELL_KEYS = {e: editions.get(e).cell_keys() for e in ("2019", "2021")}


@pytest.fixture(scope="module")
def county(module_db_url):
    with Library.open(module_db_url) as lib:
        support.load_county(lib)
        yield lib


def test_edition_change_lists_what_does_not_map(county):
    c = county.compare_agency("桦川县财政局", 2020, 2021)
    assert (c.a.edition, c.b.edition) == ("2019", "2021")
    only_2019 = [k for k in CELL_KEYS["2019"] if k not in CELL_KEYS["2021"]]
    only_2021 = [k for k in CELL_KEYS["2021"] if k not in CELL_KEYS["2019"]]
    assert [k for k, _ in c.only_a] == only_2019 and len(only_2019) == 26
    assert [k for k, _ in c.only_b] == only_2021 and len(only_2021) == 28
    assert dict(c.only_a)["t2.art20_9.central_procurement.proc_items"] == \
        "第二十条第（九）项 > 政府集中采购 > 采购项目数量"
    last, this = support.truth()["桦川县财政局/2020"], support.truth()["桦川县财政局/2021"]
    shared = [k for k in CELL_KEYS["2021"] if k in CELL_KEYS["2019"]]
    assert [d.key for d in c.cells] == shared and len(shared) == 172
    for d in c.cells:
        assert (d.a, d.b) == (last[d.key], this[d.key])
        assert d.delta == this[d.key] - last[d.key]
    assert {d.key for d in c.changed} == {k for k in shared if last[k] != this[k]}


def test_cross_year_rules_on_every_column(county):
    c = county.compare_agency("桦川县财政局", 2020, 2021)
    p1 = [f for f in c.checks if f.rule == "P1"]
    # planted: 商业企业 carried over 2 more than last year carried forward (and so the total)
    assert [f.cells for f in p1] == [["t3.carried_over.commercial"], ["t3.carried_over.total"]]
    assert p1[0].actual - p1[0].expected == 2
    same_edition = county.compare_agency("桦川县民政局", 2020, 2021)
    assert same_edition.only_a == [] and same_edition.only_b == [] and len(same_edition.cells) == 198
    p3 = [f for f in same_edition.checks if f.rule == "P3"]
    assert [f.cells for f in p3] == [[support.expected()["planted"]["p3"]]]
    assert p3[0].actual - p3[0].expected == 3
    assert not [f for f in same_edition.checks if f.rule == "P1"]


def test_copied_section_and_its_passages(county):
    c = county.compare_agency("桦川县财政局", 2020, 2021)
    by = {s.key: s for s in c.sections}
    copied = support.expected()["planted"]["copied"]
    assert by["problems"].similarity == pytest.approx(1.0) and by["problems"].reused == 1.0
    [p] = by["problems"].passages
    assert p.text == copied and (p.a_start, p.a_end, p.b_start, p.b_end) == (0, len(copied), 0,
                                                                               len(copied))
    assert by["overview"].similarity < 0.5 and by["overview"].passages == []


def test_boilerplate_shared_with_another_agency(county):
    c = county.compare_agency("桦川县财政局", 2020, 2021)
    edu = support.report_id(county, "桦川县教育局", 2021)
    [bp] = [b for b in c.boilerplate if b.section == "overview"]
    assert (bp.report_id, bp.agency) == (edu, "桦川县教育局")
    text = support.expected()["planted"]["boilerplate"]
    assert max(len(p.text) for p in bp.passages) >= len(text) - 2
    assert any(text.startswith(p.text) or p.text.startswith(text[:40]) for p in bp.passages)
    assert not [b for b in c.boilerplate if b.agency.startswith("汤原县")]
    quiet = county.compare_agency("桦川县民政局", 2020, 2021)
    assert quiet.boilerplate == []


def test_passage_offsets_point_into_both_texts():
    a = "一、总体情况\n2020年，我局主动公开信息120条，严格执行保密审查制度，落实先审查后公开原则。其他内容。"
    b = "2021年，我局主动公开信息98条，严格执行保密审查制度，落实先审查后公开原则！另写一句新的话。"
    found, share = passages(a, b, minimum=10)
    assert found and 0 < share < 1
    for p in found:
        assert b[p.b_start:p.b_end] == p.text
        assert normalised(a[p.a_start:p.a_end])[0] == normalised(p.text)[0]
    assert "严格执行保密审查制度" in "".join(p.text for p in found)


def test_files_compared_directly_and_by_id(county, module_db_url, tmp_path):
    a = support.REPORTS / support.expected()["files"]["桦川县财政局/2020"]
    b = support.REPORTS / support.expected()["files"]["桦川县财政局/2021"]
    direct = compare_reports(load_report(a), load_report(b))
    stored = county.compare_agency("桦川县财政局", 2020, 2021, boilerplate=False)
    assert [(d.key, d.a, d.b) for d in direct.cells] == [(d.key, d.a, d.b) for d in stored.cells]
    run = support.cli("compare", a, b, "--format", "json",
                      env={"XXGK_DB": "", "XDG_DATA_HOME": str(tmp_path)})
    assert run.exit_code == 0, run.stderr
    got = json.loads(run.stdout)
    assert got["changed"] == [d.key for d in direct.changed] and got["boilerplate"] == []
    assert not (tmp_path / "xxgk").exists()  # comparing two files creates no library
    ids = [support.report_id(county, "桦川县财政局", y) for y in (2020, 2021)]
    run = support.cli("compare", *ids, "--db", module_db_url, "--format", "json")
    assert run.exit_code == 0, run.stderr
    got = json.loads(run.stdout)
    assert (got["a"]["report"], got["b"]["report"]) == tuple(ids)
    assert [b["agency"] for b in got["boilerplate"]] == ["桦川县教育局"]
    text = support.cli("compare", "--agency", "桦川县财政局", "--years", "2020", "2021", "--db",
                       module_db_url)
    assert text.exit_code == 0, text.stderr
    assert "仅 A 26 项，仅 B 28 项" in text.stdout and "相似度 100%" in text.stdout
    missing = support.cli("compare", "--agency", "桦川县财政局", "--years", "2020", "2023",
                          "--db", module_db_url)
    assert missing.exit_code == 2 and missing.stderr.count("\n") == 1
    unknown = support.cli("compare", "99999", str(b), "--db", module_db_url)
    assert unknown.exit_code == 2 and "99999" in unknown.stderr
