"""The parser: documents of every form → the cells of the edition, by labels, with the rules
deciding what extraction lost or ran together — and never a silent guess."""

from __future__ import annotations

import dataclasses
import json
import pathlib
import random

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from xxgk import editions, rules, synth
from xxgk.document import Document, Paragraph, Source, Table, GridCell
from xxgk.errors import NotAReport
from xxgk.model import Cell, Report
from xxgk.parse import parse_document
from xxgk.readers import read_bytes, read_path

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "parse"


def _truth(name: str) -> dict:
    return json.loads((EXAMPLES / "truth" / f"{name}.json").read_text(encoding="utf-8"))


def _wrong(report: Report, truth: dict) -> list[tuple[str, object, object]]:
    out = []
    for key, want in truth["cells"].items():
        got = report.cells[key].value if key in report.cells else "<absent>"
        if not (got == want or (isinstance(got, (int, float)) and isinstance(want, (int, float))
                                and abs(got - want) < 1e-6)):
            out.append((key, want, got))
    return out


# --- the five real seeds ---------------------------------------------------------------------------
SEEDS = sorted(p.stem for p in EXAMPLES.glob("*.txt"))


@pytest.mark.parametrize("name", SEEDS)
def test_seed_cells_and_metadata_are_exact(name: str) -> None:
    report = parse_document(read_path(EXAMPLES / f"{name}.txt"))
    truth = _truth(name)
    assert _wrong(report, truth) == []
    assert report.edition == truth["edition"]
    assert report.year == truth["year"]
    assert report.agency == truth["agency"]


def test_pdf_seed_lost_cells_are_inferred_by_named_rules() -> None:
    # Seed 004 was extracted from PDF: rows (五)–四 print 5 or 6 numbers for 7 columns.
    report = parse_document(read_path(EXAMPLES / "004_c50bb1760576b204.txt"))
    inferred = {k: c for k, c in report.cells.items() if c.status == "inferred"}
    assert inferred, "the lost cells must be inferred, not read"
    assert report.cells["t3.total_processed.total"].value == 9
    for key, cell in inferred.items():
        assert cell.rule and cell.rule.split(":")[0] in {"H1", "H2", "H3"}, key
        assert cell.source is None and cell.raw is None  # nothing printed: nothing to point at
    # Printed cells point at their place in the text.
    granted = report.cells["t3.granted.natural_person"]
    line = (EXAMPLES / "004_c50bb1760576b204.txt").read_text(encoding="utf-8").splitlines()[
        granted.source.line - 1]
    assert line[slice(*granted.source.span)] == "8"


def test_seed_source_spans_slice_the_printed_text() -> None:
    path = EXAMPLES / "002_4b3fe3c3b758daf8.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    report = parse_document(read_path(path))
    for key, cell in report.cells.items():
        if cell.status == "read" and cell.raw:
            assert lines[cell.source.line - 1][slice(*cell.source.span)].strip() == cell.raw, key
    assert report.cells["t2.art20_9.central_procurement.proc_amount"].value == 1245.95
    assert report.cells["t2.art20_9.central_procurement.proc_amount"].unit == "万元"


# --- a crawled web page: cells run together -------------------------------------------------------
def test_runtogether_web_text_2021_is_reconstructed() -> None:
    report = parse_document(read_path(FIXTURES / "web_2021_runtogether.txt"))
    truth = json.loads((FIXTURES / "web_2021_runtogether.truth.json").read_text(encoding="utf-8"))
    assert _wrong(report, truth) == []
    assert (report.edition, report.year, report.agency) == ("2021", 2022, "佳木斯市自然资源局")
    assert str(report.published) == "2023-01-18"
    # "行政规范性文件2135" has several readings and no rule to decide between them: the most
    # plausible one is kept and a finding says the reading is ambiguous.
    ambiguous = {k for f in report.findings if f.rule == "R-ambiguous" for k in f.cells}
    assert "t2.art20_1.normative_docs.in_force" in ambiguous
    # No rule links table 3's rows to the narrative: the narrative sentence did not become a row.
    assert report.cells["t3.new_received.total"].value == 17


def _without_nulls(report: Report) -> Report:
    """The same report with blank table-3/4 cells printed as 0 (the equations still hold)."""
    cells = {k: (Cell(0, "0", "件") if c.value is None and not k.startswith("t2.") else c)
             for k, c in report.cells.items()}
    return dataclasses.replace(report, cells=cells)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), edition=st.sampled_from(editions.EDITION_KEYS))
@example(seed=2064, edition="2019")  # "其他对外管理服务事项0026,762": 0 / 0 / 26,762, once read as 26
def test_runtogether_text_of_a_consistent_report_reconstructs_its_cells(seed: int, edition: str) -> None:
    report = _without_nulls(synth.random_report(random.Random(seed), edition))
    text = synth.render_web_text(report, random.Random(seed))
    parsed = parse_document(read_bytes(text.encode("utf-8"), "crawled.txt"))
    flagged = {k for f in parsed.findings if f.rule == "R-ambiguous" for k in f.cells}
    for key, cell in report.cells.items():
        got = parsed.cells[key]
        if got.value != cell.value:
            # A reading the rules do not pin down is never silent.
            assert key in flagged or got.status == "missing", key
    # Tables 3 and 4 have equations: unless the search had to stop early (then it says so, above),
    # they decide nearly every split.
    t34 = [k for k in report.cells if k.startswith(("t3.", "t4."))]
    exact = sum(parsed.cells[k].value == report.cells[k].value for k in t34)
    assert exact >= 0.8 * len(t34) or len(flagged & set(t34)) >= len(t34) - exact


@pytest.mark.parametrize("layout", synth.LAYOUTS)
@pytest.mark.parametrize("edition", editions.EDITION_KEYS)
def test_every_layout_round_trips_both_editions(layout: str, edition: str) -> None:
    wrong, silent, total = 0, [], 0
    for seed in range(6):
        report = synth.random_report(random.Random(seed), edition)
        data = synth.render(report, layout, random.Random(seed))
        raw = data if isinstance(data, bytes) else data.encode("utf-8")
        parsed = parse_document(read_bytes(raw, f"r.{'html' if 'html' in layout else 'txt'}"))
        assert parsed.edition == edition
        assert parsed.year == report.year
        assert parsed.agency == report.agency
        flagged = {k for f in parsed.findings if f.rule == "R-ambiguous" for k in f.cells}
        bad = _wrong(parsed, synth.truth_json(report))
        wrong += len(bad)
        total += len(report.cells)
        silent += [k for k, _, _ in bad if k not in flagged and parsed.cells[k].status != "missing"]
    if layout == "web_text":
        # Run-together digits of table 2 may have several readings: a wrong one is always flagged.
        assert wrong <= 0.05 * total
        assert [k for k in silent if k.startswith("t2.")] == []
    else:
        assert wrong == 0


# --- reconciliation never invents a number ----------------------------------------------------------
def _pdf_doc(t3_rows: dict[str, list[str]], edition: str = "2019") -> Document:
    """A PDF-extracted table 3 (blanks unreliable) with the given printed tokens per row."""
    ed = editions.get(edition)
    rows = []
    for i, r in enumerate(ed.t3_rows):
        printed = t3_rows.get(r.key, ["0"] * 7)
        rows.append([GridCell(r.label, Source(line=i + 10))] +
                    [GridCell(v, Source(line=i + 10, span=(j, j + 1))) for j, v in enumerate(printed)])
    return Document("lost.txt", "pdf-text", [
        Paragraph("三、收到和处理政府信息公开申请情况", Source(line=1)),
        Table(rows, Source(line=10), blanks_reliable=False),
        Paragraph("四、政府信息公开行政复议、行政诉讼情况", Source(line=60)),
    ])


def test_a_lost_cell_the_rules_determine_is_inferred() -> None:
    # 一 prints natural 5, commercial 2, total 7 elsewhere; here 一 lost its total.
    rows = {"new_received": ["5", "2", "0", "0", "0", "0"], "granted": ["5", "2", "0", "0", "0", "0", "7"],
            "total_processed": ["5", "2", "0", "0", "0", "0", "7"]}
    report = parse_document(_pdf_doc(rows))
    cell = report.cells["t3.new_received.total"]
    assert (cell.value, cell.status) == (7, "inferred")
    assert cell.rule.startswith(("H1", "H2"))


def test_rows_printed_alike_each_name_their_own_rule() -> None:
    # 一 and 二 print the same tokens and lose the same total: their readings are searched once
    # (remembered by the shape of the row's equation), yet each inferred total names its own row.
    rows = {"new_received": ["5", "2", "0", "0", "0", "0"], "carried_over": ["5", "2", "0", "0", "0", "0"],
            "granted": ["10", "4", "0", "0", "0", "0", "14"],
            "total_processed": ["10", "4", "0", "0", "0", "0", "14"]}
    report = parse_document(_pdf_doc(rows))
    for row in ("new_received", "carried_over"):
        cell = report.cells[f"t3.{row}.total"]
        assert (cell.value, cell.status, cell.rule) == (7, "inferred", f"H2:{row}")


def test_lost_cells_the_rules_cannot_determine_stay_missing() -> None:
    # Two cells of 一 are lost and 四 (carried forward) lost the same two columns: every split of
    # the difference satisfies the equations, so no number may be written.
    rows = {"new_received": ["5", "0", "0", "0", "7"], "granted": ["5", "2", "0", "0", "0", "0", "7"],
            "total_processed": ["5", "2", "0", "0", "0", "0", "7"],
            "carried_forward": ["0", "0", "0", "0", "0"]}
    report = parse_document(_pdf_doc(rows))
    statuses = {report.cells[f"t3.new_received.{c}"].status for c in ("commercial", "research")}
    values = [report.cells[f"t3.new_received.{c.key}"].value for c in editions.get("2019").t3_columns]
    assert "missing" in statuses or any(f.rule == "R-ambiguous" for f in report.findings)
    assert not rules.failures("2019", {k: c.value for k, c in report.cells.items()}) or None in values


# --- structure, metadata, edition ---------------------------------------------------------------
def test_sections_keep_printed_headings_and_record_missing_ones() -> None:
    report = parse_document(read_path(EXAMPLES / "003_112b4b231559e6cc.txt"))
    by_key = {s.key: s for s in report.sections}
    assert by_key["problems"].heading == "五、存在问题及改进措施"  # a variant, as printed
    assert by_key["problems"].text.startswith("2019年，我局政务公开工作取得了一定成绩")
    assert by_key["other"].missing  # 003 prints no 六
    assert "（一）主动公开全面落实" in by_key["overview"].text  # sub-headings are not sections


def test_edition_is_detected_with_evidence_and_printed_edition_wins() -> None:
    # A 2022 report printing the 2019 tables is parsed in the 2019 edition.
    report = synth.random_report(random.Random(3), "2019", year=2022)
    text = synth.render_docx_text(report, random.Random(3))
    parsed = parse_document(read_bytes(text.encode("utf-8"), "old-format.txt"))
    assert (parsed.edition, parsed.year) == ("2019", 2022)
    assert any("60号" in e for e in parsed.edition_evidence)


def test_traditional_chinese_page_is_read_and_agency_given_in_simplified() -> None:
    report = parse_document(read_path(ROOT / "tests/fixtures/html/traditional.html"))
    assert report.edition == "2021"
    assert report.agency == "云溪县文化旅游局"
    assert sum(c.status == "read" for c in report.cells.values()) == len(report.cells)


def test_html_cells_carry_element_paths() -> None:
    report = parse_document(read_path(ROOT / "tests/fixtures/html/word_2019.html"))
    cell = report.cells["t3.new_received.total"]
    assert cell.source.path and "/td" in cell.source.path


def test_a_document_without_the_tables_is_not_a_report() -> None:
    doc = Document("notice.txt", "web-text", [
        Paragraph("关于开展2023年度安全生产大检查的通知", Source(line=1)),
        Paragraph("各乡镇人民政府、县直各部门：现将有关事项通知如下。", Source(line=2)),
    ])
    with pytest.raises(NotAReport):
        parse_document(doc)


def _inner_text(page: str) -> str:
    """What a browser's copy of a portal page gives: paragraphs, and table rows as tab-separated
    cells (merged cells once, blank cells as empty fields)."""
    from lxml import html

    out = []
    for el in html.fromstring(page).iter():
        if el.tag in ("p", "h1", "h2", "h3"):
            out.append(el.text_content().strip())
        elif el.tag == "tr":
            out.append("\t".join(td.text_content().strip() for td in el if td.tag in ("td", "th")))
    return "\n".join(out)


@pytest.mark.parametrize("edition", editions.EDITION_KEYS)
def test_browser_copied_tab_text_keeps_blank_cells_blank(edition: str) -> None:
    for seed in range(5):
        report = synth.random_report(random.Random(seed), edition)
        text = _inner_text(synth.render_html_clean(report, random.Random(seed)))
        parsed = parse_document(read_bytes(text.encode("utf-8"), "copied.txt"))
        assert _wrong(parsed, synth.truth_json(report)) == []


def _with_front_matter(text: str, front: list[str]) -> bytes:
    return ("\n".join(front) + "\n" + text).encode("utf-8")


def test_contents_list_is_not_taken_for_the_headings() -> None:
    report = synth.random_report(random.Random(11), "2021")
    text = synth.render_docx_text(report, random.Random(11))
    contents = ["目录", "一、总体情况……………………1", "二、主动公开政府信息情况……2",
                "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
                "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    parsed = parse_document(read_bytes(_with_front_matter(text, contents), "toc.txt"))
    assert _wrong(parsed, synth.truth_json(report)) == []
    overview = next(s for s in parsed.sections if s.key == "overview")
    assert overview.text  # the real section's narrative, not an empty contents entry


def test_year_and_agency_without_a_title() -> None:
    # A portal page: no title line naming the agency, the year only in the statistics period
    # (after a citation of the 2019 revision of the 条例, which is not the report year).
    body = ("发布机构：青山区民政局\n"
            "本报告根据《中华人民共和国政府信息公开条例》（2019年修订）编制。本报告所列数据的统计期限"
            "自2022年1月1日起至2022年12月31日止。\n")
    report = synth.random_report(random.Random(12), "2021", year=2022)
    text = synth.render_web_text(report, random.Random(12))
    text = text[text.index("一、"):]  # drop the generated title
    parsed = parse_document(read_bytes((body + text).encode("utf-8"), "page.txt"))
    assert parsed.year == 2022
    assert parsed.agency in ("青山区民政局", report.agency)  # the page's issuer, or a signature


# --- the search over run-together digits ----------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.one_of(st.integers(0, 9), st.integers(10, 999), st.integers(1000, 99999),
                                st.sampled_from(["—", "——", "/"])),
                      min_size=6, max_size=6),
       wrong=st.integers(-2, 2), spaces=st.lists(st.booleans(), min_size=6, max_size=6))
@example(parts=[5, "——", 3, 0, 0, 0], wrong=0, spaces=[False] * 6)  # marks then digits in one run
def test_strict_search_finds_exactly_the_splits_whose_total_adds_up(parts, wrong, spaces) -> None:
    """The strict search prunes by bounds on what the digits left can still print; on rows of
    digits and blank marks it must find exactly the readings of the full search whose total is
    the sum of its parts, in the same order (the order decides among equally cheap readings)."""
    from xxgk.parse import candidates as C
    from xxgk.parse.pieces import text_line
    from xxgk.parse.tables import _t3_columns

    total = max(0, sum(p for p in parts if isinstance(p, int)) + wrong)
    printed = "".join(str(p) + (" " if gap else "") for p, gap in zip(parts, spaces)) + str(total)
    line = text_line("（一）予以公开" + printed, Source(1))
    tokens = [p for p in line.pieces if p.kind == "value"]
    cols = _t3_columns(editions.get("2021"))
    strict = C._generate(tokens, cols, "blank", 0, strict=True)
    full = C._generate(tokens, cols, "blank", 0, strict=False)
    assume(len(full) < C.MAX_CANDIDATES)  # the full search stopped early: nothing to compare
    adds_up = [c for c in full if c.slots[-1].value == sum((s.value or 0) for s in c.slots[:-1])]
    assert [(c.cost, [s.raw for s in c.slots]) for c in strict] == \
           [(c.cost, [s.raw for s in c.slots]) for c in adds_up]
    if wrong == 0:
        values = [p if isinstance(p, int) else None for p in parts]
        assert [s.value for s in adds_up[0].slots] == values + [total] or len(adds_up) > 1


def test_remembered_readings_take_each_reports_own_sources() -> None:
    """Readings of run-together rows are remembered by their printed form; a row printed again
    elsewhere still gets its own lines and spans."""
    text = (FIXTURES / "web_2021_runtogether.txt").read_text(encoding="utf-8")
    first = parse_document(read_bytes(text.encode("utf-8"), "a.txt"))
    shifted = parse_document(read_bytes(("\n\n\n  " + text).encode("utf-8"), "b.txt"))
    moved = 0
    for key, cell in first.cells.items():
        other = shifted.cells[key]
        assert (other.value, other.raw, other.status) == (cell.value, cell.raw, cell.status)
        if cell.source is not None and cell.source.line is not None:
            assert other.source.line == cell.source.line + 3
            # The first line of the text moved right by two spaces; the others did not.
            shift = 2 if cell.source.line == 1 else 0
            assert other.source.span == (cell.source.span[0] + shift, cell.source.span[1] + shift)
            moved += 1
    assert moved > 100


# --- a word processor's plain-text export: one cell per line, no indentation ----------------------
EXPORT_TRUTH = {
    "lotext_official_2019": FIXTURES.parent / "docx" / "official_2019.truth.json",
    "lotext_official_2021": FIXTURES.parent / "docx" / "official_2021.truth.json",
    "lotext_seed_004": FIXTURES.parent / "checks" / "004_c50bb1760576b204.json",
    "lotext_blanks_2021": FIXTURES / "lotext_blanks_2021.truth.json",
    "pdftotext_official_2019": FIXTURES.parent / "docx" / "official_2019.truth.json",
    "pdftotext_split_t3_2021": FIXTURES.parent / "docx" / "split_t3_2021.truth.json",
    "pdftotext_seed_000": FIXTURES.parent / "checks" / "000_54387f4ad083ee8f.json",
    "pdftotext_rendered_2021": FIXTURES.parent / "docx" / "official_2021.truth.json",  # 3-line labels
    "pdftotext_seed_002": FIXTURES.parent / "checks" / "002_4b3fe3c3b758daf8.json",  # "三   0"
    "plumber_seed_002": FIXTURES.parent / "checks" / "002_4b3fe3c3b758daf8.json",
    "plumber_nested_layout_2021": FIXTURES.parent / "docx" / "nested_layout_2021.truth.json",
}


@pytest.mark.parametrize("name", sorted(EXPORT_TRUTH))
def test_plain_text_exports_read_every_cell(name: str) -> None:
    """Text exports made by tests/fixtures/parse/make_exports.py. LibreOffice's "Text" export:
    table 2's values follow their row label on lines of their own, "-232" alone on a line is one
    signed cell, an empty line between a row's values is a blank cell. `pdftotext -layout`: a label wrapped around its values ("2、其他法律行政法规禁" /
    values / "止公开") or printed after them, vertical group labels between the rows. pdfplumber's
    tables: every row as many tab fields, so an empty field is a blank cell, not a lost one."""
    from xxgk.load import load_report

    want = load_report(EXPORT_TRUTH[name])
    got = parse_document(read_path(FIXTURES / f"{name}.txt"))
    assert got.edition == want.edition and got.year == want.year
    assert [k for k in want.spec.cell_keys() if got.value(k) != want.value(k)] == []


def test_text_listing_a_table_column_by_column_is_an_error_not_blank_rows() -> None:
    """Plain `pdftotext` prints every row label, then every number: no row is read as blank."""
    got = parse_document(read_path(FIXTURES / "pdftotext_raw_seed_000.txt"))
    unordered = [f for f in got.findings if f.rule == "R-unordered"]
    assert {f.severity for f in unordered} == {"error"}
    assert any("表三" in f.message for f in unordered) and any("表二" in f.message for f in unordered)
    t3 = [c for k, c in got.cells.items() if k.startswith("t3.")]
    assert all(c.status == "missing" for c in t3)


# --- the independent corpus (benchmarks/unseen.py): pages and texts the synthetic layouts missed ---

UNSEEN = pathlib.Path(__file__).parent / "fixtures" / "unseen"


@pytest.mark.parametrize("name", [
    "word_fees_blank_2019.html",          # 行政事业性收费: blank 上一年项目数量, a blank pad cell after 本年增/减
    "webcopy_heading_after_row_2021.txt",  # innerText: table 4's last cell empty, the next heading one line on
    "webcopy_tabbed_blanks_2021.txt",     # innerText: empty cells without <p> share a line with their tabs
    "crawl_bracket_items_2021.txt",       # crawled text: items numbered （1）（2）… (digits inside brackets)
    "crawl_table2_one_line_2019.txt",     # crawled text: table 2 on one line (caption+header+label pieces)
    "pdf_header_table_apart_2021.pdf",    # LibreOffice PDF: table 3's header a table of its own, other widths
    "pdf_row_split_at_page_2019.pdf",     # LibreOffice PDF: "3．要求提供公开出版" / page break / "物"
    "webcopy_cell_paragraph_2019.txt",    # innerText of a plain table: a cell holding a <p> breaks its row
    "webcopy_cell_paragraph_last_2019.txt",  # … the row's last cell
    "webcopy_cell_paragraph_unit_2019.txt",  # … "1245.95万元" in a <p>
    "webcopy_cell_line_break_2021.txt",   # innerText: an empty cell holding a <br> breaks its row
])
def test_unseen_corpus_fixture_cells_are_exact(name: str) -> None:
    path = UNSEEN / name
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    report = parse_document(read_path(path))
    wrong = {k: (v, report.cells[k].value if k in report.cells else "<missing>")
             for k, v in truth["cells"].items()
             if k not in report.cells or report.cells[k].value != v}
    assert not wrong
    assert (report.edition, report.year, report.agency) == (truth["edition"], truth["year"], truth["agency"])


# --- crawled text: never a silent wrong number ------------------------------------------------
# lxml text_content() of compact CMS markup: tables run onto one line, blank cells print nothing.
# Where the text and the equations leave several readings, the parser keeps the likeliest but
# must say so: every cell it gets wrong is missing, inferred by a rule, or named by R-ambiguous.

CRAWLED = [
    "crawl_zero_rows_2021.txt",            # all-zero rows "0  00 0": which cells were blank?
    "crawl_zero_rows_commas_2021.txt",     # the same, with a whole table 3 on one line
    "crawl_blank_rows_run_together_2021.txt",  # blank rows' labels run into the next row's label
    "crawl_fewer_longer_numbers_2021.txt",  # table 4 "5 5 12 22": 12 or 1 2? which group?
    "crawl_carried_forward_split_2021.txt",  # "4940051104": 49 4 0 0 51 104 or 4 94 0 0 5 1 104
    "crawl_bare_other_item_2021.txt",      # "…缴纳费用…申请 3．其他 2 2": the values are 3．其他's
    "crawl_slash_blanks_2021.txt",         # "00//00/": slashes are blank cells, a "/" total too
    "crawl_amount_unit_in_header_2019.txt",  # "采购项目数量采购总金额（元）政府集中采购46件251000"
    "crawl_dash_then_sign_2019.txt",       # "行政事业性收费—-1": a blank, then 本年增/减 -1
    "crawl_two_blocks_one_piece_2021.txt",  # "行政许可 第二十条第（六）项…行政处罚１２３４５６７"
    # A browser's copy, table 4 "\t0\t3…\t0\t": blank first and last cells, or stray edge
    # fields around two lost cells (PDF text)? The text cannot say: "0" or blank stays in doubt.
    "webcopy_t4_blank_edges_2021.txt",
]


def _flagged(report: Report) -> set[str]:
    flagged = {k for f in report.findings if f.rule == "R-ambiguous" for k in f.cells}
    flagged |= {k for k, c in report.cells.items()
                if c.status == "missing" or (c.status == "inferred" and c.rule)}
    return flagged


def _same(a: object, b: object) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < 1e-6  # type: ignore[arg-type]


@pytest.mark.parametrize("name", CRAWLED)
def test_crawled_text_has_no_silent_wrong_cell(name: str) -> None:
    path = UNSEEN / name
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    report = parse_document(read_path(path))
    flagged = _flagged(report)
    silent = {k: (v, report.cells[k].value) for k, v in truth["cells"].items()
              if not _same(report.cells[k].value, v) and k not in flagged}
    assert not silent
    assert (report.edition, report.year, report.agency) == (truth["edition"], truth["year"], truth["agency"])


@pytest.mark.parametrize("name, cells", [
    # Blank rows print nothing: "二、上年结转…数量 三、本年度办理结果（一）予以公开21 14" — the
    # values are 予以公开's; 上年结转 and 结转下年度 were blank.
    ("crawl_blank_rows_run_together_2021.txt",
     {"t3.granted.natural_person": 2, "t3.granted.total": 4, "t3.carried_over.total": None,
      "t3.total_processed.total": 5, "t3.rejected_confirmation.total": None}),
    ("crawl_bare_other_item_2021.txt",
     {"t3.other_other.natural_person": 2, "t3.other_other.total": 2, "t3.other_overdue_fee.total": None}),
    ("crawl_two_blocks_one_piece_2021.txt",
     {"t2.art20_6.penalty.decisions": 1234567, "t2.art20_5.licensing.decisions": None}),
    ("crawl_amount_unit_in_header_2019.txt",  # 251000 元 = 25.1 万元
     {"t2.art20_9.central_procurement.proc_items": 46, "t2.art20_9.central_procurement.proc_amount": 25.1}),
    ("crawl_dash_then_sign_2019.txt", {"t2.art20_8.fees.prev_items": None, "t2.art20_8.fees.delta_items": -1}),
    # "00//00/" with a "/" total: 0 0 / / 0 0 / (not a vanished cell moved to make a total of 0)
    ("crawl_slash_blanks_2021.txt",
     {"t3.granted.natural_person": 0, "t3.granted.research": None, "t3.granted.social_org": None,
      "t3.granted.other_org": 0, "t3.granted.total": None}),
])
def test_crawled_text_readings_the_rules_settle(name: str, cells: dict[str, object]) -> None:
    report = parse_document(read_path(UNSEEN / name))
    assert {k: report.cells[k].value for k in cells} == cells


def test_traditional_units_and_jian_are_values_in_text_and_grid_lines() -> None:
    """萬/億/減 read as 万/亿/减 (most lines hold none: they are looked for before translating)."""
    from xxgk.parse.pieces import grid_line, text_line

    pieces = text_line("采购金额1.8億元，減 232件", Source(1)).pieces
    assert [(p.text, p.kind) for p in pieces] == [
        ("采购金额", "label"), ("1.8億元", "value"), ("，", "label"), ("減 232件", "value")]
    assert [(p.text, p.kind) for p in text_line("收费金额 3萬元", Source(1)).pieces] == [
        ("收费金额 ", "label"), ("3萬元", "value")]
    row = [GridCell(t, Source(1)) for t in ("（一）予以公开", "1.8億元", "減 3", "", "2 3")]
    line = grid_line(row, 0, True, True)
    assert [(p.text, p.kind, p.col) for p in line.pieces] == [
        ("（一）予以公开", "label", 0), ("1.8億元", "value", 1), ("減 3", "value", 2),
        ("", "empty", 3), ("2", "value", 4), ("3", "value", 4)]
    # A grid line's label and value pieces, sorted when it was made; each call a list of its own.
    assert [p.text for p in line.labels()] == ["（一）予以公开"]
    assert [p.text for p in line.values()] == ["1.8億元", "減 3", "2", "3"]
    line.values().clear()
    assert len(line.values()) == 4


def test_headings_found_before_and_after_normalisation() -> None:
    """A line starting with a Han character other than 第/一…六 is not a heading (its NFKC form
    is not needed); a Kangxi radical "⼀" is normalised to 一 and starts one."""
    from xxgk.parse.pieces import lines_of
    from xxgk.parse.sections import find_headings

    printed = ["⼀、總體情況", "我们在一、二两方面做了工作", "二、主动公开政府信息情况",
               "三、收到和处理政府信息公开申请情况", "第四部分 政府信息公开行政复议、行政诉讼情况",
               "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]
    doc = Document("t.txt", "text", [Paragraph(t, Source(i + 1)) for i, t in enumerate(printed)])
    found = find_headings(lines_of(doc), editions.get(editions.EDITION_KEYS[-1]))
    assert {n: h.line for n, h in found.items()} == {1: 0, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6}
