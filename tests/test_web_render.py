"""The report page's fast paths give what the slow ones gave: `store.views.report_page` equals
`Library.report` + `Library.versions`, and the tables written in Python (`tables.official_html`)
escape every text of the document and keep the markup the pages and their scripts rely on."""

from __future__ import annotations

import random

import pytest
from lxml import html as lxml_html

from xxgk import synth
from xxgk.model import Cell
from xxgk.store.views import report_page
from xxgk.web.tables import Marks, official_html, table_views
from xxgk.web.views import labels

from web_support import make_library


@pytest.fixture(scope="module")
def wl(tmp_path_factory):  # type: ignore[no-untyped-def]
    wl = make_library(tmp_path_factory.mktemp("web-render"))
    yield wl
    wl.lib.close()


def test_report_page_equals_the_library_facade(wl) -> None:  # type: ignore[no-untyped-def]
    lib = wl.lib
    fp = lib.findings(wl.own)[0].fingerprint
    lib.review(wl.own, fp, "confirmed", by="test", note="核实")
    rows = lib.reports()
    assert len(rows) >= 5
    for row in rows:
        detail, versions = report_page(lib, row.id)
        expected = lib.report(row.id)
        assert detail.row == expected.row and detail.version == expected.version
        assert detail.findings == expected.findings
        assert detail.report.to_dict() == expected.report.to_dict()
        assert versions == lib.versions(row.id)
    reviewed = {f.fingerprint: f.review for f in report_page(lib, wl.own)[0].findings}
    assert reviewed[fp] is not None and reviewed[fp].state == "confirmed"
    assert report_page(lib, 10**6) is None


def _tables(report, marks=Marks()):  # type: ignore[no-untyped-def]
    return table_views(report.edition, report.cells, marks, labels(report.edition))


def test_document_text_is_escaped_in_the_tables() -> None:
    report = synth.random_report(random.Random(4), "2021", year=2022, agency="某局")
    key = "t3.new_received.natural_person"
    report.cells[key] = Cell(5, raw='5"><script>alert(1)</script>', note="<img src=x onerror=alert(2)>")
    out = str(official_html(_tables(report, Marks(failing=frozenset({key}))), rid=7, version=3))
    assert "<script>" not in out and "<img" not in out
    doc = lxml_html.fromstring(out)
    td = doc.xpath(f'//td[@data-key="{key}"]')[0]
    # The attribute holds the text as written (escaped in the markup, whole when parsed).
    assert '<script>alert(1)</script>' in td.get("title") and "<img src=x" in td.get("title")
    assert td.get("hx-get") == f"/reports/7/cells/{key}/source?version=3"
    assert "fail" in td.get("class").split() and td.text_content() == "5"
    assert len(doc.xpath("//table[@class='official']")) == 3


def test_editable_and_plain_tables() -> None:
    report = synth.random_report(random.Random(5), "2019", year=2019, agency="某局")
    tables = _tables(report)
    doc = lxml_html.fromstring(str(official_html(tables, editable=True)))
    inputs = doc.xpath("//td/input")
    assert inputs and all(i.get("name").startswith("cell.t") for i in inputs)
    values = {i.get("name")[5:]: i.get("value") for i in inputs}
    some = next(k for k, c in report.cells.items() if c.value is not None)
    assert values[some] == official_value(report.cells[some].value)
    plain = lxml_html.fromstring(str(official_html(tables, prefix="a-", clickable=False)))
    assert plain.get("id") == "a-tables" and not plain.xpath("//td[@hx-get]")
    # The header cells are shared between calls: rendering twice gives the same markup.
    assert str(official_html(_tables(report), rid=1)) == str(official_html(_tables(report), rid=1))


def official_value(v):  # type: ignore[no-untyped-def]
    from xxgk.web.templating import number
    return number(v)
