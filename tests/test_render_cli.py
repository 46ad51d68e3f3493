"""`xxgk render`, `xxgk import-xlsx`, `xxgk draft`: what is written where, what is said on stderr,
and the exit statuses (0 written, 1 refused for errors, 2 bad input)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner, Result

from xxgk.cli import app
from xxgk.load import load_report

ROOT = Path(__file__).parent
FIXTURE = ROOT / "fixtures" / "render" / "jiamusi_2022.json"
BROKEN = ROOT / "fixtures" / "cli" / "broken_total_2020.json"
CLEAN = ROOT / "fixtures" / "cli" / "clean_2020.json"


def run(*args: object) -> Result:
    return CliRunner().invoke(app, [str(a) for a in args])


def test_render_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "report.docx"
    result = run("render", FIXTURE, "-o", out)  # the format from the suffix
    assert result.exit_code == 0, result.stderr
    assert out.read_bytes().startswith(b"PK") and f"written: {out}" in result.stderr
    assert result.stdout == ""


def test_render_text_formats_to_stdout() -> None:
    result = run("render", FIXTURE, "--to", "md")
    assert result.exit_code == 0
    assert result.stdout.startswith("# 佳木斯市人民政府2022年政府信息公开工作年度报告")
    result = run("render", FIXTURE, "--to", "html")
    assert result.exit_code == 0 and result.stdout.startswith("<!DOCTYPE html>")


def test_errors_refuse_with_the_findings_listed_unless_forced(tmp_path: Path) -> None:
    out = tmp_path / "broken.html"
    result = run("render", BROKEN, "-o", out)
    assert result.exit_code == 1 and not out.exists()
    assert "H1" in result.stderr and "勾稽关系不成立" in result.stderr and "--force" in result.stderr
    result = run("render", BROKEN, "-o", out, "--force")
    assert result.exit_code == 0 and out.exists()
    assert "H1" in result.stderr  # still listed


def test_fill_totals_lists_each_computed_cell(tmp_path: Path) -> None:
    doc = json.loads(FIXTURE.read_text(encoding="utf-8"))
    doc["cells"]["t3.granted.total"] = None
    doc["cells"]["t4.review.total"] = None
    src = tmp_path / "blank_totals.json"
    src.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "r.xlsx"
    result = run("render", src, "-o", out, "--fill-totals")
    assert result.exit_code == 0, result.stderr
    assert "computed 2 cell(s)" in result.stderr
    assert "表三“（一）予以公开·总计” = 755（H2" in result.stderr
    assert "表四“行政复议·总计” = " in result.stderr
    assert load_report(out).value("t3.granted.total") == 755


def test_yaml_report(tmp_path: Path) -> None:
    src = tmp_path / "report.yaml"
    src.write_text("""edition: "2021"
year: 2023
agency: 某某县统计局
published: 2024-01-20
sections:
  overview: |
    （一）主动公开
    2023年，我局主动公开政府信息35条。
cells:
  t3.new_received.natural_person: 3
  t3.new_received.total: 3
  t3.granted.natural_person: 3
  t3.granted.total: 3
  t3.total_processed.natural_person: 3
  t3.total_processed.total: 3
""", encoding="utf-8")
    result = run("render", src, "--to", "md")
    assert result.exit_code == 0, result.stderr
    assert "### （一）主动公开" in result.stdout and result.stdout.rstrip().endswith("2024年1月20日")
    report = load_report(src)
    assert report.published is not None and [s.heading for s in report.sections][0] == "一、总体情况"


def test_bad_usage_and_input() -> None:
    assert run("render", FIXTURE).exit_code == 2  # no format
    result = run("render", FIXTURE, "--to", "docx")  # binary needs -o
    assert result.exit_code == 2 and "-o" in result.stderr
    result = run("render", ROOT / "fixtures" / "cli" / "invalid.json", "--to", "md")
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert result.exit_code == 2 and len(lines) == 1 and "invalid.json" in lines[0]
    assert "Traceback" not in result.stderr


def test_import_xlsx(tmp_path: Path) -> None:
    book = tmp_path / "filled.xlsx"
    assert run("render", FIXTURE, "-o", book).exit_code == 0
    out = tmp_path / "report.json"
    result = run("import-xlsx", book, "-o", out)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    want = json.loads(FIXTURE.read_text(encoding="utf-8"))
    assert doc["format"] == "xxgk-report/1" and doc["source"]["form"] == "xlsx"
    assert {k: v["value"] for k, v in doc["cells"].items()} == want["cells"]
    assert (doc["edition"], doc["year"], doc["agency"]) == (want["edition"], want["year"], want["agency"])
    result = run("import-xlsx", book)  # to stdout
    assert json.loads(result.stdout)["agency"] == want["agency"]
    result = run("import-xlsx", BROKEN)
    assert result.exit_code == 2 and "不是 XLSX" in result.stderr


def test_draft_json_and_workbook(tmp_path: Path) -> None:
    result = run("draft", "--from", FIXTURE)
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert (doc["edition"], doc["year"]) == ("2021", 2023)
    assert doc["cells"]["t3.carried_over.total"]["value"] == 82
    assert "carried 9 cell(s)" in result.stderr
    out = tmp_path / "draft.xlsx"
    result = run("draft", "--from", FIXTURE, "--year", 2023, "--agency", "佳木斯市人民政府办公室", "-o", out)
    assert result.exit_code == 0
    back = load_report(out)
    assert (back.year, back.agency, back.value("t3.carried_over.natural_person")) == \
        (2023, "佳木斯市人民政府办公室", 76)
    assert run("draft", "--from", FIXTURE, "--year", 2030).exit_code == 2


def test_draft_lists_what_cannot_be_carried_on_upgrade() -> None:
    result = run("draft", "--from", CLEAN)  # a 2020 report in the 2019 edition → 2021
    assert result.exit_code == 0, result.stderr
    assert "upgraded from the 2019 to the 2021 edition" in result.stderr
    assert "not carried 2 cell(s)" in result.stderr and "现行有效件数" in result.stderr
