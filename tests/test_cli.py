"""The command line: parse, check, schema, exit statuses, bad input, the table view."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from typer.testing import CliRunner, Result

import xxgk.cli
from xxgk import editions
from xxgk.cli import app
from xxgk.model import Cell, Finding, Report, Suspect
from rich.text import Text

from xxgk.show import fold, print_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
FIX = ROOT / "tests" / "fixtures" / "cli"
CLEAN, PREV, BROKEN = FIX / "clean_2020.json", FIX / "prev_2019.json", FIX / "broken_total_2020.json"
BAD = {
    "empty": FIX / "empty.txt",
    "binary": FIX / "binary.bin",
    "unrelated_html": FIX / "unrelated.html",
    "truncated_text": FIX / "truncated.txt",  # a report cut after 1000 bytes, mid-character
    "truncated_json": FIX / "truncated.json",
    "invalid_json": FIX / "invalid.json",
    "unknown_keys": FIX / "unknown_keys.json",
    "missing_path": FIX / "no-such-report.txt",
    "directory": FIX,
}
# What each line must say (Chinese; the English follows it).
PROBLEM = {
    "empty": "空", "binary": "图片已损坏", "unrelated_html": "报告", "truncated_text": "报告",
    "truncated_json": "截断", "invalid_json": "JSON 格式错误", "unknown_keys": "t3.new_recieved",
    "missing_path": "不存在", "directory": "目录",
}
XXGK = shutil.which("xxgk", path=str(Path(sys.executable).parent))


def run(*args: object) -> Result:
    result = CliRunner().invoke(app, [str(a) for a in args])
    # Whatever happened, it was reported, not raised.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def stderr_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


# -- parse ------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_parse_json_of_each_example(path: Path) -> None:
    result = run("parse", path)
    doc = json.loads(result.stdout)
    truth = json.loads((ROOT / "examples" / "truth" / f"{path.stem}.json").read_text(encoding="utf-8"))
    assert doc["format"] == "xxgk-report/1"
    assert doc["edition"] == truth["edition"] and doc["year"] == truth["year"]
    assert set(doc["cells"]) == set(editions.get(doc["edition"]).cell_keys())
    assert doc["source"]["name"] == str(path)
    # The exit status follows the findings written.
    has_error = any(f["severity"] == "error" for f in doc["findings"])
    assert result.exit_code == (1 if has_error else 0)
    assert result.stderr == ""


def test_parse_several_files_prints_json_lines() -> None:
    result = run("parse", *EXAMPLES[:3])
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    docs = [json.loads(line) for line in lines]
    assert [d["source"]["name"] for d in docs] == [str(p) for p in EXAMPLES[:3]]


def test_parse_output_dir_writes_one_file_each(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run("parse", EXAMPLES[0], CLEAN, "-o", out)
    assert result.exit_code == 0
    written = sorted(out.iterdir())
    assert [p.name for p in written] == sorted([f"{EXAMPLES[0].stem}.json", "clean_2020.json"])
    assert result.stdout.splitlines() == [str(out / f"{EXAMPLES[0].stem}.json"), str(out / "clean_2020.json")]
    single = json.loads(run("parse", EXAMPLES[0]).stdout)
    assert json.loads((out / f"{EXAMPLES[0].stem}.json").read_text(encoding="utf-8")) == single


def test_parse_output_dir_keeps_inputs_with_the_same_stem_apart(tmp_path: Path) -> None:
    a, b = tmp_path / "r.txt", tmp_path / "r.json"
    shutil.copy(EXAMPLES[0], a)
    shutil.copy(CLEAN, b)
    run("parse", a, b, "-o", tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["r.json.json", "r.txt.json"]


def test_parse_reads_its_own_output_back(tmp_path: Path) -> None:
    first = run("parse", EXAMPLES[1])
    saved = tmp_path / "saved.json"
    saved.write_text(first.stdout, encoding="utf-8")
    second = run("parse", saved)
    assert json.loads(second.stdout) == json.loads(first.stdout)  # findings are not doubled
    assert second.exit_code == first.exit_code


def test_parse_table_shows_the_three_tables() -> None:
    result = run("parse", "--format", "table", EXAMPLES[-1])
    out = result.stdout
    for text in ("第二十条第（一）项", "第二十条第（九）项", "采购总金额（万元）", "表三", "自然人",
                 "（三）不予公开", "1.属于国家秘密", "（七）总计", "表四", "行政诉讼·复议后起诉",
                 "检查结果"):
        assert text in out, text
    assert "\x1b[" not in out  # not a terminal: plain text


def test_parse_table_of_several_files_names_each() -> None:
    result = run("parse", "-f", "table", *EXAMPLES[:2])
    for path in EXAMPLES[:2]:
        assert str(path) in result.stdout
    assert result.stdout.count("表四") == 2


def test_parse_table_refuses_an_output_dir(tmp_path: Path) -> None:
    result = run("parse", "-f", "table", EXAMPLES[0], "-o", tmp_path)
    assert result.exit_code == 2
    assert len(stderr_lines(result)) == 1


# -- check ------------------------------------------------------------------------------------

def test_check_clean_report_exits_0() -> None:
    result = run("check", CLEAN)
    assert result.exit_code == 0, result.stdout
    assert "错误" not in result.stdout


def test_check_broken_report_exits_1_and_names_the_suspect() -> None:
    result = run("check", BROKEN)
    assert result.exit_code == 1
    # clean_2020 with （七）总计·总计 misprinted as 5: every equation points at that one cell.
    assert "t3.total_processed.total：印 5，按勾稽关系应为 3" in result.stdout
    assert "错误" in result.stdout


def test_check_json_shape() -> None:
    result = run("check", "--format", "json", BROKEN)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["file"] == str(BROKEN) and doc["status"] == 1
    assert doc["findings"]
    for f in doc["findings"]:
        assert {"rule", "severity", "cells", "message", "message_en", "suspect"} <= set(f)
        assert f["severity"] in ("error", "warning", "info")
        assert f["message"] and f["message_en"]
    suspects = {(f["suspect"]["cell"], f["suspect"]["printed"], f["suspect"]["suggested"])
                for f in doc["findings"] if f["suspect"]}
    assert ("t3.total_processed.total", 5, 3) in suspects


def test_check_json_of_several_files_names_each_and_keeps_errors() -> None:
    result = run("check", "-f", "json", CLEAN, BAD["empty"], BROKEN)
    assert result.exit_code == 2  # the worst status wins
    results = json.loads(result.stdout)["results"]
    assert [r["file"] for r in results] == [str(CLEAN), str(BAD["empty"]), str(BROKEN)]
    assert [r["status"] for r in results] == [0, 2, 1]
    assert "findings" in results[0] and "error" in results[1] and "文件为空" in results[1]["error"]
    assert len(stderr_lines(result)) == 1


def test_check_with_previous_compares_the_carry_over() -> None:
    alone = json.loads(run("check", "-f", "json", CLEAN).stdout)["findings"]
    assert not [f for f in alone if f["rule"] == "P1"]
    result = run("check", "-f", "json", CLEAN, "--previous", PREV)
    assert result.exit_code == 0  # a broken carry-over is a warning
    p1 = [f for f in json.loads(result.stdout)["findings"] if f["rule"] == "P1"]
    assert p1 and all(f["severity"] == "warning" for f in p1)
    assert any("t3.carried_over.natural_person" in f["cells"] for f in p1)


def test_check_with_a_bad_previous_exits_2() -> None:
    result = run("check", CLEAN, "--previous", BAD["invalid_json"])
    assert result.exit_code == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and str(BAD["invalid_json"]) in lines[0]
    assert result.stdout == ""


def test_check_reads_published_reports_too() -> None:
    result = run("check", *EXAMPLES)
    assert result.exit_code in (0, 1)
    for path in EXAMPLES:
        assert str(path) in result.stdout


# -- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ["parse", "check"])
@pytest.mark.parametrize("kind", list(BAD))
def test_bad_input_is_one_line_and_exit_2(command: str, kind: str) -> None:
    path = BAD[kind]
    result = run(command, path)
    assert result.exit_code == 2
    lines = stderr_lines(result)
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0] and PROBLEM[kind] in lines[0]
    assert "Traceback" not in result.stderr + result.stdout
    assert "内部错误" not in lines[0]  # a bad file is the file's fault, not a bug
    assert result.stdout == ""


@pytest.mark.parametrize("kind", ["empty", "binary", "unrelated_html", "missing_path", "unknown_keys"])
def test_bad_input_through_the_installed_command(kind: str) -> None:
    assert XXGK, "the xxgk console script is not installed in this environment"
    proc = subprocess.run([XXGK, "check", str(BAD[kind])], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and str(BAD[kind]) in lines[0], proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["parse", "check"])
def test_a_batch_goes_on_after_a_bad_file(command: str) -> None:
    result = run(command, EXAMPLES[0], BAD["binary"], BAD["missing_path"], CLEAN)
    assert result.exit_code == 2
    lines = stderr_lines(result)
    assert len(lines) == 2
    assert str(BAD["binary"]) in lines[0] and str(BAD["missing_path"]) in lines[1]
    if command == "parse":
        docs = [json.loads(line) for line in result.stdout.splitlines()]
        assert [d["source"]["name"] for d in docs] == [str(EXAMPLES[0]), str(CLEAN)]
    else:
        assert str(EXAMPLES[0]) in result.stdout and str(CLEAN) in result.stdout


def test_the_worst_status_wins() -> None:
    assert run("check", CLEAN, BROKEN).exit_code == 1
    assert run("check", BROKEN, CLEAN).exit_code == 1
    assert run("check", BROKEN, BAD["empty"]).exit_code == 2


def test_an_internal_error_costs_one_line_and_the_batch_goes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    real = xxgk.cli.load_report

    def flaky(path: Path) -> Report:
        if path == BROKEN:
            raise RuntimeError("boom\nsecond line")
        return real(path)

    monkeypatch.setattr(xxgk.cli, "load_report", flaky)
    result = run("check", BROKEN, CLEAN)
    assert result.exit_code == 2
    lines = stderr_lines(result)
    assert len(lines) == 1
    assert "内部错误 internal error" in lines[0] and str(BROKEN) in lines[0] and "boom second line" in lines[0]
    assert str(CLEAN) in result.stdout


def test_a_rendering_bug_costs_one_file_only(monkeypatch: pytest.MonkeyPatch) -> None:
    real = xxgk.cli.print_report

    def flaky(console: Console, report: Report, findings: list[Finding]) -> None:
        if report.source_name == str(BROKEN):
            raise ValueError("bad width")
        real(console, report, findings)

    monkeypatch.setattr(xxgk.cli, "print_report", flaky)
    result = run("parse", "-f", "table", BROKEN, CLEAN)
    assert result.exit_code == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and str(BROKEN) in lines[0] and "内部错误" in lines[0]
    assert "表四" in result.stdout and str(CLEAN) in result.stdout


def test_an_unwritable_output_dir_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("a file, not a directory", encoding="utf-8")
    result = run("parse", CLEAN, "-o", blocker / "out")
    assert result.exit_code == 2
    lines = stderr_lines(result)
    assert len(lines) == 1 and str(blocker / "out") in lines[0]


def test_usage_errors_exit_2() -> None:
    assert run("parse").exit_code == 2
    assert run("parse", "--format", "xml", CLEAN).exit_code == 2
    assert run("check", "--format", "table", CLEAN).exit_code == 2
    assert run("frobnicate").exit_code == 2


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("xxgk ")


# -- the table view ---------------------------------------------------------------------------

def render(report: Report, findings: list[Finding], width: int = 100) -> str:
    buf = io.StringIO()
    print_report(Console(file=buf, width=width, color_system=None, force_terminal=False), report, findings)
    return buf.getvalue()


def marked_report(edition: str) -> Report:
    report = Report(edition=edition, year=2022, agency="某某区财政局",
                    cells={k: Cell(0, "0") for k in editions.get(edition).cell_keys()})
    report.cells["t3.granted.natural_person"] = Cell(987, None, status="inferred", rule="H1")
    report.cells["t3.granted.research"] = Cell(None, None, status="missing")
    report.cells["t3.granted.commercial"] = Cell(None, "—")
    del report.cells["t4.review.total"]  # absent from a hand-written report: unknown
    return report


def table_blocks(text: str) -> list[list[str]]:
    """Each box-drawn table's lines, from its top border to its bottom border."""
    blocks, current = [], None
    for line in text.splitlines():
        if line.startswith("┌"):
            current = []
        if current is not None:
            current.append(line)
        if line.startswith("└") and current is not None:
            blocks.append(current)
            current = None
    return blocks


@pytest.mark.parametrize("edition", editions.EDITION_KEYS)
@pytest.mark.parametrize("width", [80, 100, 160])
def test_tables_stay_aligned_with_chinese_text(edition: str, width: int) -> None:
    text = render(marked_report(edition), [], width)
    blocks = table_blocks(text)
    ed = editions.get(edition)
    assert len(blocks) == len(ed.t2) + 2
    for block in blocks:
        widths = {cell_len(line.rstrip()) for line in block}
        assert len(widths) == 1, "\n".join(block)
        assert widths.pop() <= width


def test_marks_for_inferred_missing_and_null_cells() -> None:
    text = render(marked_report("2021"), [])
    row = next(line for line in text.splitlines() if "（一）予以公开" in line)
    cells = [c.strip() for c in row.strip("│").split("│")][1:]
    # 自然人 inferred, 商业企业 printed "—", 科研机构 missing, the rest 0
    assert cells == ["987*", "—", "?", "0", "0", "0", "0"]
    review = next(line for line in text.splitlines() if line.startswith("│ 行政复议"))
    assert review.rstrip().rstrip("│").strip().endswith("?")  # the absent total
    assert "由勾稽关系推定" in text and "未能读出" in text and "空白" in text


def test_legend_only_when_marks_are_used() -> None:
    report = Report(edition="2019", cells={k: Cell(1, "1") for k in editions.get("2019").cell_keys()})
    text = render(report, [])
    assert "由勾稽关系推定" not in text and "未能读出" not in text
    assert "未发现问题" in text


def test_edition_labels_are_used() -> None:
    text2021 = render(marked_report("2021"), [])
    text2019 = render(marked_report("2019"), [])
    assert "本年制发件数" in text2021 and "本年新制作数量" not in text2021
    assert "1.申请人无正当理由逾期不补正" in text2021.replace("\n", "")
    assert "第二十条第（九）项" in text2019 and "第二十条第（九）项" not in text2021


def test_rows_are_indented_by_group() -> None:
    text = render(marked_report("2021"), [], width=160)

    def indent(label: str) -> int:
        line = next(line for line in text.splitlines() if label in line)
        return len(re.match(r"│( *)", line).group(1))

    assert indent("一、本年新收") == indent("三、本年度办理结果") == indent("四、结转下年度") == 1
    assert indent("（一）予以公开") == indent("（三）不予公开") == indent("（六）其他处理") == 3
    assert indent("1.属于国家秘密") == indent("3.其他") == 5


def test_findings_are_listed_with_the_suspect_line() -> None:
    findings = [
        Finding("P1", "warning", ["t3.carried_over.total"], "上年结转与上年报告不一致", "carry-over differs"),
        Finding("H1", "error", ["t3.total_processed.natural_person"], "自然人列不平衡", "unbalanced",
                expected=15, actual=12, suspect=Suspect("t3.total_processed.natural_person", 12, 15)),
    ]
    text = render(marked_report("2019"), findings)
    tail = text[text.index("检查结果"):]
    assert "错误 1，警告 1" in tail
    assert tail.index("错误 H1") < tail.index("警告 P1")  # errors first
    assert "t3.total_processed.natural_person：印 12，按勾稽关系应为 15" in tail


@pytest.mark.parametrize("width", [12, 20, 37, 80])
def test_fold_fills_lines_by_display_width(width: int) -> None:
    message = ("勾稽关系不成立：总计列：一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理。"
               "第一项加第二项之和为1234，第三项加第四项之和为5，相差1229。cell t3.total_processed.total")
    lines = [t.plain for t in fold(Text(message), width)]
    assert all(cell_len(line) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == message.replace(" ", "")
    assert all(lines) and not any(line[0] in "，。、：）" for line in lines[1:])
    assert not any(line[-1] in "（“" for line in lines)
    assert any("1234" in line for line in lines)  # numbers are kept whole
    if width >= 37:
        assert any("t3.total_processed.total" in line for line in lines)
    # Lines are filled: one is short only where an ASCII word that does not fit follows.
    for line, following in zip(lines, lines[1:]):
        assert cell_len(line) >= width // 2 or following[0].isascii()


def test_suspect_cells_are_highlighted_in_colour_only() -> None:
    findings = [Finding("H1", "error", ["t3.granted.total"], "不平衡", "unbalanced",
                        suspect=Suspect("t3.granted.total", 0, 4))]
    plain = render(marked_report("2019"), findings)
    assert "可疑单元格" not in plain
    buf = io.StringIO()
    print_report(Console(file=buf, width=120, color_system="standard", force_terminal=True),
                 marked_report("2019"), findings)
    coloured = buf.getvalue()
    assert "可疑单元格" in coloured and "\x1b[" in coloured
