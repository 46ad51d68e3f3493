"""The synthetic report generator: its reports obey H1–H7 (equations written out here from
FORMAT.md, not taken from xxgk.checks), and every renderer prints every label and number."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import random
import re
from decimal import Decimal

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk import editions, synth, values
from xxgk.model import Report
from xxgk.textnorm import fold, to_simplified

EDITIONS = ("2019", "2021")
T3_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org")
T3_NOT_OUTCOMES = ("new_received", "carried_over", "total_processed", "carried_forward")
T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
CELL_KEYS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "spec" / "cell-keys.json"


def report(seed: int, edition: str, **kw: object) -> Report:
    return synth.random_report(random.Random(seed), edition, **kw)  # type: ignore[arg-type]


def n(r: Report, key: str) -> int | float:
    """FORMAT.md: null counts as 0 in arithmetic."""
    v = r.cells[key].value
    return 0 if v is None else v


def t3_rows(r: Report) -> list[str]:
    rows = []
    for key in r.cells:
        if key.startswith("t3.") and key.split(".")[1] not in rows:
            rows.append(key.split(".")[1])
    return rows


# ------------------------------------------------------------------------------- the rules

def assert_hard_rules(r: Report) -> None:
    rows = t3_rows(r)
    outcomes = [x for x in rows if x not in T3_NOT_OUTCOMES]
    for c in T3_COLS + ("total",):
        # H1: 一 + 二 = （七）总计 + 四
        assert (n(r, f"t3.new_received.{c}") + n(r, f"t3.carried_over.{c}")
                == n(r, f"t3.total_processed.{c}") + n(r, f"t3.carried_forward.{c}")), ("H1", c)
        # H3: （七） = （一）+（二）+Σ（三）+Σ（四）+Σ（五）+Σ（六）
        assert n(r, f"t3.total_processed.{c}") == sum(n(r, f"t3.{x}.{c}") for x in outcomes), ("H3", c)
    for x in rows:  # H2: 总计 = the six applicant columns
        assert n(r, f"t3.{x}.total") == sum(n(r, f"t3.{x}.{c}") for c in T3_COLS), ("H2", x)
    for g in T4_GROUPS:  # H4–H6
        assert n(r, f"t4.{g}.total") == sum(
            n(r, f"t4.{g}.{c}") for c in ("upheld", "corrected", "other", "pending")), g
    for key, cell in r.cells.items():  # H7
        v = cell.value
        if v is None:
            assert not (cell.raw or "").strip() or values.is_null_mark(cell.raw or ""), key
            continue
        assert not isinstance(v, bool) and isinstance(v, (int, float)), key
        if key.endswith(("proc_amount", "fee_amount")):
            assert v >= 0 and Decimal(str(v)) == Decimal(str(v)).quantize(Decimal("0.01")), key
        elif key.endswith("delta_items"):
            assert isinstance(v, int), key
        else:
            assert isinstance(v, int) and v >= 0, key


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(EDITIONS))
def test_reports_satisfy_the_hard_rules(seed: int, edition: str) -> None:
    r = report(seed, edition)
    assert set(r.cells) == set(editions.get(edition).cell_keys())
    assert_hard_rules(r)


@pytest.mark.parametrize("edition", EDITIONS)
def test_metadata_is_consistent(edition: str) -> None:
    for seed in range(60):
        r = report(seed, edition)
        assert r.edition == edition and editions.get(edition).covers(r.year or 0)
        assert r.agency and r.title and r.published
        department = not r.agency.endswith(("人民政府", "办事处"))
        deadline = dt.date(r.year + 1, 1, 31) if department else dt.date(r.year + 1, 3, 31)
        assert dt.date(r.year + 1, 1, 1) <= r.published <= deadline, (r.agency, r.published)
        headings = [s.heading for s in r.sections]
        assert len(headings) == 6 and all(h for h in headings[:5])


def test_distributions_look_like_real_reports() -> None:
    rs = [report(seed, EDITIONS[seed % 2]) for seed in range(300)]
    received = [n(r, "t3.new_received.total") for r in rs]
    assert 0.2 < sum(1 for x in received if x == 0) / len(rs) < 0.5  # small agencies: zeros
    persons = sum(n(r, "t3.new_received.natural_person") for r in rs)
    assert persons > 0.6 * sum(received)  # natural persons dominate
    assert max(n(r, "t2.art20_5.licensing.decisions") for r in rs) >= 10000
    assert any(c.value is None for r in rs for c in r.cells.values())  # blank and dashed cells
    assert any(n(r, "t2.art20_5.licensing.delta_items") < 0 for r in rs if r.edition == "2019")
    kinds = {r.agency[-3:] for r in rs}
    assert {"人民政府", "办事处"} & {r.agency[-4:] for r in rs} and len(kinds) > 10


def test_zero_share_controls_empty_tables() -> None:
    for seed in range(20):
        r = report(seed, EDITIONS[seed % 2], zero_share=1.0)
        assert all(n(r, k) == 0 for k in r.cells if k.startswith(("t3.", "t4.")))
        r = report(seed, EDITIONS[seed % 2], zero_share=0.0)
        assert n(r, "t3.new_received.total") > 0


def test_given_year_and_agency_are_kept() -> None:
    r = report(3, "2021", year=2023, agency="桦川县人民政府")
    assert (r.year, r.agency, r.published.year) == (2023, "桦川县人民政府", 2024)
    assert r.published <= dt.date(2024, 3, 31)
    r = report(3, "2019", agency="鹤岗市商务局")
    assert r.published <= dt.date(r.year + 1, 1, 31)


def test_narrative_numbers_match_the_tables() -> None:
    quotes = 0
    for seed in range(80):
        r = report(seed, EDITIONS[seed % 2])
        text = "\n".join(s.text for s in r.sections)
        for m in re.finditer(r"共收到政府信息公开申请(\d+)件", text):
            assert int(m.group(1)) == n(r, "t3.new_received.total")
            quotes += 1
        for m in re.finditer(r"被申请行政复议(\d+)件、提起行政诉讼(\d+)件", text):
            assert int(m.group(1)) == n(r, "t4.review.total")
            assert int(m.group(2)) == (n(r, "t4.litigation_direct.total")
                                       + n(r, "t4.litigation_after_review.total"))
    assert quotes > 10


def test_2021_overview_has_the_five_subheadings() -> None:
    r = report(5, "2021")
    overview = r.sections[0].text
    for head in ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设",
                 "（五）监督保障"):
        assert head in overview


def test_truth_json_has_the_seed_truth_shape() -> None:
    for edition in EDITIONS:
        r = report(11, edition)
        t = synth.truth_json(r)
        assert list(t) == ["agency", "year", "edition", "cells"]
        assert list(t["cells"]) == editions.get(edition).cell_keys()
        if CELL_KEYS.exists():
            assert set(t["cells"]) == set(json.loads(CELL_KEYS.read_text("utf-8"))[edition])
        assert all(v is None or isinstance(v, (int, float)) for v in t["cells"].values())
        assert Report.from_dict(t).cells.keys() == r.cells.keys()
        json.dumps(t)


def test_agency_names_survive_traditional_round_trip() -> None:
    import opencc

    s2t, t2s = opencc.OpenCC("s2t").convert, opencc.OpenCC("t2s").convert
    for seed in range(200):
        name = synth.random_agency(random.Random(seed)).name
        assert t2s(s2t(name)) == name


# ------------------------------------------------------------------------------- renderings

def as_text(layout: str, out: str | bytes) -> str:
    """The rendering as text a test can search: HTML decoded by its declared charset and
    reduced to one line per block/row with tabs between cells, Traditional folded back."""
    if isinstance(out, bytes):
        m = re.search(rb"charset=([\w-]+)", out)
        charset = (m.group(1).decode() if m else "utf-8").lower()
        out = out.decode({"gb2312": "gbk"}.get(charset, charset))
    if layout.startswith("html"):
        doc = lxml.html.fromstring(out)
        lines = []
        for el in doc.iter("p", "h1", "h2", "h3", "tr"):
            if el.tag == "tr":
                lines.append("\t".join(c.text_content() for c in el if c.tag in ("td", "th")))
            elif el.getparent() is None or el.getparent().tag not in ("td", "th"):
                lines.append(el.text_content())
        out = "\n".join(lines)
    return to_simplified(out)


def render_text(layout: str, seed: int, edition: str) -> tuple[Report, str]:
    r = report(seed, edition)
    return r, as_text(layout, synth.render(r, layout, random.Random(seed + 1)))


def label_variants(row: editions.Row) -> set[str]:
    alt = {"unable_unclear": {"3申请内容不明确"}, "total_processed": {"总计"}}
    return {fold(row.label)} | alt.get(row.key, set())


def folded_labels(layout: str, text: str) -> str:
    """Folded text with the value fields taken out, so labels split around them join again."""
    if layout == "markdown":
        text = text.replace("<br>", "\n")
    if layout == "pdf_text":
        text = "\n".join("\t".join(f for f in line.split("\t") if not values.looks_numeric(f))
                         for line in text.split("\n"))
    return fold(text)


def has_label(layout: str, folded: str, label: str) -> bool:
    """In text from PDF a label split over two lines may have a fragment of the merged group
    label beside it printed in between ("（二）部分公开（区分处理" / "度办理结果" / "的，只计…")."""
    if label in folded:
        return True
    if layout != "pdf_text":
        return False
    return any(re.search(re.escape(label[:k]) + ".{1,12}?" + re.escape(label[k:]), folded)
               for k in range(1, len(label)))


@pytest.mark.parametrize("layout", synth.LAYOUTS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_renderings_print_every_label(layout: str, edition: str) -> None:
    ed = editions.get(edition)
    for seed in range(12):
        r, text = render_text(layout, seed, edition)
        folded = folded_labels(layout, text)
        rows = [row for b in ed.t2 for row in b.rows] + list(ed.t3_rows)
        for row in rows:
            assert any(has_label(layout, folded, v) for v in label_variants(row)), (seed, row.label)
        for b in ed.t2:
            assert fold(b.caption) in folded, (seed, b.caption)
            for c in b.columns:
                assert any(k in folded for k in c.keywords), (seed, c.label)
        for c in list(ed.t3_columns) + list(ed.t4_columns):
            assert fold(c.label) in folded, (seed, c.label)
        for g in ed.t4_groups:
            assert fold(g.label.split(" > ")[-1]) in folded, (seed, g.label)
        if layout != "pdf_text":  # PDF extraction may lose or split the merged group labels
            for g in ed.t3_groups:
                assert fold(g.label) in folded, (seed, g.label)
        for s in r.sections:
            if s.heading:
                assert fold(s.heading) in folded, (seed, s.heading)
        assert fold(r.title or "") in folded
        assert fold(r.agency or "") in folded


# -- reading the numbers back, with the least structure each layout allows

def table_rows(layout: str, text: str) -> list[list[str]]:
    if layout == "docx_text":
        rows: list[list[str]] = []
        row: list[str] = []
        for line in text.split("\n"):
            if line.startswith("\t"):
                row.append(line[1:])
            elif line == "":
                if row:
                    rows.append(row)
                row = []
            elif row:
                row[-1] += "\n" + line  # a further paragraph of the same cell
        return rows
    if layout == "markdown":
        return [[c.strip().replace("<br>", "\n") for c in line.strip()[1:-1].split("|")]
                for line in text.split("\n")
                if line.startswith("|") and not line.startswith("|---")]
    return [line.split("\t") for line in text.split("\n") if "\t" in line]


def data_rows(rows: list[list[str]]) -> list[tuple[str, list[str]]]:
    """(folded label, the cells after it) for rows with a label followed by cells."""
    out = []
    for cells in rows:
        labels = [i for i, c in enumerate(cells) if c.strip() and not values.looks_numeric(c)]
        if labels and labels[-1] < len(cells) - 1:
            out.append((fold(cells[labels[-1]]), cells[labels[-1] + 1:]))
    return out


def value_of(text: str, kind: str) -> list[int | float | None]:
    """The readings a printed cell allows (money: with the column unit 万元 or 元)."""
    if kind != "money":
        return [values.parse(text, kind).value]
    return [values.parse(text, "money", u).value for u in ("万元", "元")]


def expected_rows(r: Report) -> list[tuple[set[str], list[tuple[str, str]]]]:
    """(label variants, [(cell key, kind)]) per data row of tables 2 and 3."""
    ed = r.spec
    out = []
    for b in ed.t2:
        for row in b.rows:
            out.append(({fold(row.label)},
                        [(f"t2.{b.key}.{row.key}.{c.key}", c.kind) for c in b.columns]))
    for row in ed.t3_rows:
        out.append((label_variants(row), [(f"t3.{row.key}.{c.key}", "count") for c in ed.t3_columns]))
    return out


def t4_keys(r: Report) -> list[str]:
    return [f"t4.{g.key}.{c.key}" for g in r.spec.t4_groups for c in r.spec.t4_columns]


def check_grid_numbers(r: Report, layout: str, text: str) -> None:
    rows = table_rows(layout, text)
    found = data_rows(rows)
    for labels, cells in expected_rows(r):
        matches = [vals for label, vals in found if label in labels]
        assert len(matches) == 1, (layout, labels, len(matches))
        # Table 3 values fill the last seven columns (a Markdown converter leaves the label's
        # merged columns empty); table 2's last value may repeat over a merged column.
        printed = matches[0][-7:] if cells[0][0].startswith("t3.") else matches[0][:len(cells)]
        assert len(printed) == len(cells), (labels, printed)
        for (key, kind), t in zip(cells, printed):
            assert r.cells[key].value in value_of(t, kind), (layout, key, t)
    t4 = next(c for c in rows if len(c) == 15 and all(values.looks_numeric(x) for x in c))
    assert [values.parse(t).value for t in t4] == [r.cells[k].value for k in t4_keys(r)]


def check_web_numbers(r: Report, text: str) -> None:
    """Web text runs a row's cells together: compare the digits after each label."""
    lines = [fold(x) for x in text.split("\n")]
    for labels, cells in expected_rows(r):
        if any(kind == "money" for _, kind in cells):
            continue
        want = "".join(str(abs(int(r.cells[k].value))) for k, _ in cells
                       if r.cells[k].value is not None)
        rests = [line.split(v, 1)[1] for line in lines for v in labels if v in line]
        rests = [re.sub(r"\D", "", x) for x in rests if re.fullmatch(r"[\d增减无]*", x)]
        assert want in rests, (labels, want, rests)
    digits = "".join(str(r.cells[k].value) for k in t4_keys(r) if r.cells[k].value is not None)
    assert digits in [x for x in lines if re.fullmatch(r"\d*", x)]


def check_pdf_numbers(r: Report, text: str, lost: set[str]) -> None:
    """Text from PDF: the printed values in order are the report's values less the lost cells."""
    tokens = []
    for line in text.split("\n"):
        if "\t" not in line or line.startswith("----"):
            continue
        fields = line.split("\t")
        labels = [i for i, f in enumerate(fields) if f.strip() and not values.looks_numeric(f)]
        tokens += [f for f in fields[(labels[-1] + 1 if labels else 0):] if f.strip()]
    keys = [k for labels, cells in expected_rows(r) for k, _ in cells] + t4_keys(r)
    kinds = {k: r.spec.cells[k].kind for k in keys}
    printed = [k for k in keys if k not in lost]
    assert len(tokens) == len(printed), (len(tokens), len(printed))
    for k, t in zip(printed, tokens):
        assert r.cells[k].value in value_of(t, kinds[k]), (k, t)


@pytest.mark.parametrize("layout", synth.LAYOUTS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_renderings_print_the_right_numbers(layout: str, edition: str) -> None:
    for seed in range(12):
        r, text = render_text(layout, seed, edition)
        if layout == "web_text":
            check_web_numbers(r, text)
        elif layout == "pdf_text":
            check_pdf_numbers(r, text, synth.lost_cells(r, random.Random(seed + 1)))
        else:
            check_grid_numbers(r, layout, text)


def test_pdf_text_loses_cells_sometimes_and_only_numeric_ones() -> None:
    losses = 0
    for seed in range(40):
        r = report(seed, EDITIONS[seed % 2])
        lost = synth.lost_cells(r, random.Random(seed + 1))
        losses += len(lost)
        assert all(r.cells[k].value is not None and k.startswith(("t3.", "t4.")) for k in lost)
    assert losses > 10


def test_losses_determined_by_the_rules() -> None:
    r = report(7, "2019", zero_share=0.0)
    granted = r.cells["t3.granted.total"].value
    assert granted  # a non-zero outcome row
    assert synth._losses_determined(r, {"granted": 2})  # H3 gives every column of it
    assert synth._losses_determined(r, {"total_processed": 3})
    assert not synth._losses_determined(r, {"granted": 1, "total_processed": 1,
                                            "new_received": 1, "carried_forward": 1})
    zero = next(x for x in t3_rows(r) if all(r.cells[f"t3.{x}.{c}"].value == 0
                                               for c in T3_COLS + ("total",)))
    nonzero = [x for x in t3_rows(r) if x not in T3_NOT_OUTCOMES and n(r, f"t3.{x}.total")]
    assert synth._losses_determined(r, {zero: 1, nonzero[0]: 1})
    if len(nonzero) > 1:  # two unknown rows in one H3 column equation: undetermined
        assert not synth._losses_determined(r, {nonzero[0]: 1, nonzero[1]: 1})


def test_html_word_varies_encoding_script_and_digits() -> None:
    charsets, traditional, fullwidth = set(), 0, 0
    for seed in range(60):
        r = report(seed, EDITIONS[seed % 2])
        out = synth.render_html_word(r, random.Random(seed))
        assert isinstance(out, bytes)
        charset = re.search(rb"charset=([\w-]+)", out).group(1).decode()
        charsets.add(charset)
        text = out.decode({"gb2312": "gbk"}.get(charset, charset))
        traditional += "資訊" in text or "處理" in text or "報告" in text
        fullwidth += bool(re.search(r">[０-９]+<", text))
        assert "<o:p>" in text and "MsoNormal" in text and ("当前位置" in text or "當前位置" in text)
    assert charsets == {"utf-8", "gb2312", "gb18030"}
    assert traditional and fullwidth


def test_markdown_breaks_tables_at_page_footers() -> None:
    breaks = 0
    for seed in range(20):
        text = synth.render_markdown(report(seed, "2021"), random.Random(seed))
        breaks += len(re.findall(r"^(— \d+ —|- \d+ -|—\d+—)$", text, re.M))
    assert breaks > 20


@pytest.mark.parametrize("layout", synth.LAYOUTS)
def test_same_seed_same_output(layout: str) -> None:
    for edition in EDITIONS:
        a = report(42, edition)
        b = report(42, edition)
        assert a.to_json() == b.to_json()
        assert synth.render(a, layout, random.Random(1)) == synth.render(b, layout, random.Random(1))
        assert synth.render(a, layout, random.Random(1)) != synth.render(a, layout, random.Random(2))


def test_unknown_layout_is_an_error() -> None:
    with pytest.raises(ValueError):
        synth.render(report(1, "2019"), "pdf", random.Random(1))
