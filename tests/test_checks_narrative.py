"""P4 (figures in the narrative against the tables) and F6 (narrative copied from last year)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from xxgk.checks import run
from xxgk.checks.narrative import cn_number, quotes, similarity
from xxgk.model import Finding, Report, Section

FIX = Path(__file__).parent / "fixtures" / "checks"


def load(name: str) -> Report:
    return Report.from_dict(json.loads((FIX / name).read_text(encoding="utf-8")))


def seed(sid: str) -> Report:
    r = Report.from_dict(json.loads(next(FIX.glob(f"{sid}_*.json")).read_text(encoding="utf-8")))
    secs = json.loads((FIX / "seed_sections.json").read_text(encoding="utf-8"))["sections"][sid]
    r.sections = [Section.from_dict(s) for s in secs]
    return r


def p4(r: Report) -> list[Finding]:
    return [f for f in run(r) if f.rule == "P4"]


def with_text(r: Report, key: str, text: str) -> Report:
    r = copy.deepcopy(r)
    section = r.section(key)
    assert section is not None
    section.text = text
    return r


def county() -> Report:
    return load("county_dept_2022.json")


@pytest.mark.parametrize("text,n", [("9", 9), ("十", 10), ("十二", 12), ("二十三", 23), ("两", 2),
                                    ("一百零五", 105), ("零", 0), ("三件", None),
                                    ("二〇二二", None), ("二〇二", None), ("九九", None)])
def test_cn_number(text: str, n: int | None) -> None:
    assert cn_number(text) == n


# -- quotes that agree with the tables ------------------------------------------------------
def test_quotes_read_from_a_realistic_narrative() -> None:
    got = {(q.target.key, q.number) for q in quotes(county())}
    assert got == {("new_received", 11), ("carried_over", 1), ("granted", 6),
                   ("partially_granted", 1), ("withheld", 1), ("unable", 3),
                   ("carried_forward", 1), ("review", 2), ("litigation", 1)}
    assert p4(county()) == []


@pytest.mark.parametrize("sid", ["000", "001", "002", "003", "004"])
def test_real_narratives_raise_no_p4(sid: str) -> None:
    assert p4(seed(sid)) == []


def test_real_narratives_are_read() -> None:
    assert {(q.target.key, q.number) for q in quotes(seed("003"))} == {
        ("normative_docs", 3), ("new_received", 0), ("review", 0), ("litigation", 0)}
    assert [(q.target.key, q.number, q.scope) for q in quotes(seed("004"))] == [
        ("new_received", 9, "unknown")]


# -- mismatches -----------------------------------------------------------------------------
def test_department_mismatch_is_a_warning() -> None:
    r = with_text(county(), "overview", "2022年，我局共收到政府信息公开申请13件，予以公开6件。")
    found = p4(r)
    assert len(found) == 1
    f = found[0]
    assert (f.severity, f.expected, f.actual) == ("warning", 11, 13)
    assert f.cells == ["t3.new_received.total"]
    assert "13" in f.message and "11" in f.message


def test_government_sentence_without_own_subject_is_only_info() -> None:
    r = seed("004")  # 桦川县人民政府: its narrative may mean the whole county
    r = with_text(r, "overview", "2020 年共收到政府信息依申请公开 10 件，目前均已答复。")
    found = p4(r)
    assert [(f.severity, f.expected, f.actual) for f in found] == [("info", 9, 10)]
    assert "统计口径" in found[0].message


def test_government_own_level_sentence_is_a_warning() -> None:
    r = with_text(seed("004"), "overview", "2020年，县政府本级共收到政府信息公开申请10件。")
    assert [f.severity for f in p4(r)] == ["warning"]


@pytest.mark.parametrize("text", [
    "全县共收到政府信息公开申请120件。其中予以公开100件。",  # whole-county figures, and their breakdown
    "县直各部门共收到政府信息公开申请40件。",
    "全市交通运输系统共收到政府信息公开申请25件。",
    "各乡镇共受理依申请公开30件。",
    "2021年，我局共收到政府信息公开申请6件。",  # another year
    "收到政府信息公开申请数量较上年增加3件。",  # a difference
    "我局全年收到政府信息公开申请10余件。",  # approximate
    "我局共受理政府信息公开申请12件（含上年结转1件）。",  # new + carried over
    "我局收到咨询申请30件。",  # not a disclosure request
    "主动予以公开各类信息500条。",  # proactive disclosure, not 予以公开 of requests
    "我局作为复议机关，全年受理行政复议申请35件。",  # the agency decides reviews of others
    "共清理规范性文件30件。",
])
def test_conservative_no_comparison(text: str) -> None:
    assert p4(with_text(county(), "overview", text)) == []


def test_review_and_litigation_mismatch() -> None:
    r = with_text(county(), "appeals", "2022年，我局被申请行政复议3件，被提起行政诉讼1件。")
    found = p4(r)
    assert [(f.cells, f.expected, f.actual) for f in found] == [(["t4.review.total"], 2, 3)]


def test_statement_of_none_against_a_nonzero_table() -> None:
    r = with_text(county(), "appeals", "2022年，我局未发生因政府信息公开引起的行政复议和行政诉讼。")
    found = p4(r)
    assert [(f.cells, f.expected, f.actual) for f in found] == [
        (["t4.review.total"], 2, 0),
        (["t4.litigation_direct.total", "t4.litigation_after_review.total"], 1, 0)]


def test_statement_of_no_requests_against_a_nonzero_table() -> None:
    r = with_text(county(), "requests", "本年度我局未收到政府信息公开申请。")
    assert [(f.expected, f.actual) for f in p4(r)] == [(11, 0)]
    r = with_text(county(), "requests", "本年度我局未收到涉及商业秘密的政府信息公开申请。")
    assert p4(r) == []


def test_normative_documents_quote() -> None:
    r = with_text(county(), "proactive", "全年主动公开政府信息326条，其中行政规范性文件5件。")
    found = p4(r)
    assert len(found) == 1 and found[0].actual == 5
    r = with_text(county(), "proactive", "全年主动公开政府信息326条，其中行政规范性文件12件。")
    assert p4(r) == []  # the number in force is a fair quote too


def test_no_narrative_no_p4() -> None:
    r = county()
    r.sections = []
    assert p4(r) == []


# -- F6 -------------------------------------------------------------------------------------
def test_f6_flags_a_section_copied_from_last_year() -> None:
    cur, prev = county(), load("county_dept_2021.json")
    assert [f for f in run(cur, prev) if f.rule == "F6"] == []
    copied = prev.section("problems")
    assert copied is not None
    # Last year's text with this year's numbers: still a copy.
    cur = with_text(cur, "problems", copied.text.replace("一是", "一是2022年"))
    f6 = [f for f in run(cur, prev) if f.rule == "F6"]
    assert len(f6) == 1 and f6[0].severity == "warning" and "第5部分" in f6[0].message
    assert isinstance(f6[0].actual, float) and f6[0].actual > 0.9


def test_f6_ignores_short_boilerplate_sections() -> None:
    cur, prev = county(), load("county_dept_2021.json")
    cur = with_text(cur, "other", "我局无其他需要报告的事项。")  # identical to last year, but short
    assert [f for f in run(cur, prev) if f.rule == "F6"] == []


def test_similarity() -> None:
    a = "2021年，我局共收到政府信息公开申请6件，全部按期答复。" * 3
    assert similarity(a, a.replace("2021", "2022").replace("6件", "9件")) == 1.0
    assert similarity(a, "加强政策解读，丰富解读形式，运用图表视频等方式。" * 3) < 0.5


def test_no_false_alarms_on_generated_reports() -> None:
    """xxgk.synth writes narratives whose figures agree with its tables, in many phrasings."""
    import random

    from xxgk import synth as generator

    read = 0
    for seed_ in range(60):
        for edition in ("2019", "2021"):
            r = generator.random_report(random.Random(seed_), edition)
            read += len(quotes(r))
            found = run(r)
            assert [f for f in found if f.severity == "error"] == []
            assert [f for f in found if f.rule in ("P4", "F1", "F5")] == []
    assert read >= 120  # every generated report quotes at least one figure


def test_each_target_needs_text_its_pattern_always_holds() -> None:
    """Sentences without a target's required text are skipped before its patterns are tried:
    every match of the pattern must hold that text."""
    import random

    from xxgk import synth as generator
    from xxgk.checks.narrative import _NEEDS, TARGETS, _sentences

    assert set(_NEEDS) == {t.key for t in TARGETS}
    matches = 0
    for seed_ in range(40):
        for edition in ("2019", "2021"):
            r = generator.random_report(random.Random(seed_), edition)
            for section in r.sections:
                for sentence in _sentences(section.text):
                    for t in TARGETS:
                        for m in t.pattern.finditer(sentence):
                            matches += 1
                            assert _NEEDS[t.key] in m.group(0), (t.key, m.group(0))
    assert matches >= 80
