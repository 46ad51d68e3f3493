"""The terminal table view: a report read from a PDF shows the page of each row."""

import pathlib

from typer.testing import CliRunner

from xxgk.cli import app

PDF = pathlib.Path(__file__).parent / "fixtures" / "pdf" / "ruled_2021.pdf"
TEXT = pathlib.Path(__file__).resolve().parent.parent / "examples" / "001_63ce3d751c5ce596.txt"


def test_pdf_table_view_has_a_page_column() -> None:
    out = CliRunner().invoke(app, ["parse", str(PDF), "--format", "table"]).output
    rows = [line for line in out.splitlines() if "（七）总计" in line]
    assert rows and rows[0].rstrip(" │").endswith(("p.3", "p.4"))
    assert "│ 页" in out


def test_text_table_view_has_no_page_column() -> None:
    out = CliRunner().invoke(app, ["parse", str(TEXT), "--format", "table"]).output
    assert "│ 页" not in out and "（七）总计" in out
