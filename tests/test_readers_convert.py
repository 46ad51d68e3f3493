"""Legacy Word/WPS (.doc), RTF and ODT reports: converted to DOCX by LibreOffice, then read like
any DOCX; WPS spreadsheets (.et) and Excel 97–2003 workbooks: converted to XLSX, then read like
any workbook. The fixtures are tests/fixtures/docx/official_2019.docx saved by LibreOffice in each
format, and the same report rendered as a workbook, saved by LibreOffice Calc in the Excel 97
format WPS uses for .et (tests/fixtures/legacy/make_et.py)."""

from __future__ import annotations

import json
import pathlib
import shutil

import pytest

from xxgk.errors import ReadError
from xxgk.parse import parse_document
from xxgk.readers import convert, read_bytes, read_path

FIXTURES = pathlib.Path(__file__).parent / "fixtures" / "legacy"
TRUTH = json.loads((FIXTURES / "official_2019.truth.json").read_text(encoding="utf-8"))
needs_office = pytest.mark.skipif(shutil.which("soffice") is None,
                                  reason="LibreOffice is installed by .ci/run; not on this machine")


@pytest.mark.parametrize(("suffix", "kind"), [("doc", "doc"), ("rtf", "rtf"), ("odt", "odt"), ("et", "xls")])
def test_the_format_is_recognised_by_content(suffix: str, kind: str) -> None:
    data = (FIXTURES / f"official_2019.{suffix}").read_bytes()
    assert convert.office_kind(data) == kind
    assert convert.office_kind((FIXTURES.parent / "docx" / "official_2019.docx").read_bytes()) is None


@needs_office
@pytest.mark.parametrize(("suffix", "form"), [("doc", "doc"), ("rtf", "rtf"), ("odt", "odt"), ("et", "xls")])
def test_converted_report_parses_to_its_truth(suffix: str, form: str) -> None:
    report = parse_document(read_path(FIXTURES / f"official_2019.{suffix}"))
    assert report.source_form == form
    assert (report.edition, report.year, report.agency) == (TRUTH["edition"], TRUTH["year"], TRUTH["agency"])
    assert {k: report.cells[k].value for k in TRUTH["cells"]} == TRUTH["cells"]


def test_without_libreoffice_the_file_and_the_missing_tool_are_named(monkeypatch) -> None:
    monkeypatch.setattr(convert.shutil, "which", lambda name: None)
    with pytest.raises(ReadError) as err:
        read_bytes((FIXTURES / "official_2019.doc").read_bytes(), "年报.doc")
    assert err.value.name == "年报.doc"
    assert "LibreOffice" in err.value.problem and "未安装" in err.value.problem


@needs_office
def test_a_damaged_legacy_file_is_one_clear_error() -> None:
    data = (FIXTURES / "official_2019.doc").read_bytes()
    broken = data[:2048] + b"\0" * 4096  # the OLE header survives, the streams do not
    with pytest.raises(ReadError) as err:
        read_bytes(broken, "broken.doc")
    assert err.value.name == "broken.doc"


def test_without_libreoffice_a_wps_spreadsheet_names_the_file_and_the_tool(monkeypatch) -> None:
    monkeypatch.setattr(convert.shutil, "which", lambda name: None)
    with pytest.raises(ReadError) as err:
        read_bytes((FIXTURES / "official_2019.et").read_bytes(), "年报.et")
    assert err.value.name == "年报.et"
    assert ".et" in err.value.problem and "LibreOffice" in err.value.problem and "未安装" in err.value.problem
