"""The `xxgk` command: parse, check, schema.

Exit status (the worst file wins): 0 no error findings, 1 error findings, 2 bad input or usage.
A file that cannot be read as a report costs one line on stderr naming it, never a traceback, and
the batch goes on with the next file.
"""

from __future__ import annotations

import enum
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from . import __version__
from .commands import register_all
from .errors import XxgkError
from .jsonschema import schema_text
from .load import load_report
from .model import Finding, Report
from .show import findings_view, heading, print_report

OK, FINDINGS, BAD_INPUT = 0, 1, 2
PLAIN_WIDTH = 128  # table width when stdout is a file or a pipe and COLUMNS is not set

app = typer.Typer(
    name="xxgk",
    help="解析并检查政府信息公开工作年度报告。Parse and check 政府信息公开工作年度报告 "
         "(government information-disclosure annual reports).\n\n"
         "退出状态 exit status: 0 无错误 no error findings · 1 有错误 error findings · "
         "2 输入有误或用法错误 bad input or usage.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class ParseFormat(str, enum.Enum):
    json = "json"
    table = "table"


class CheckFormat(str, enum.Enum):
    text = "text"
    json = "json"


class EditionChoice(str, enum.Enum):
    e2019 = "2019"
    e2021 = "2021"


@dataclass
class Outcome:
    """One input file after loading and checking: a report with its findings, or an error line."""

    path: Path
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    failed: bool = False  # writing or showing it failed (already reported on stderr)

    def fail_unless(self, ok: bool) -> None:
        self.failed = self.failed or not ok

    @property
    def status(self) -> int:
        if self.error is not None or self.failed:
            return BAD_INPUT
        return FINDINGS if any(f.severity == "error" for f in self.findings) else OK


def _error_line(path: Path, problem: str) -> str:
    line = " ".join(problem.split())  # one line, whatever the message contained
    if str(path) not in line and path.name not in line:
        line = f"{path}: {line}"
    return f"xxgk: {line}"


def _internal(path: Path, e: Exception) -> str:
    return _error_line(path, f"{path}: 内部错误 internal error: {type(e).__name__}: {e}")


def _complain(line: str) -> None:
    typer.echo(line, err=True)


def _findings(report: Report, previous: Report | None) -> list[Finding]:
    # Imported here so `xxgk schema` does not load the rule catalogue.
    from . import checks

    return checks.run(report, previous)


def _analyse(path: Path, previous: Report | None) -> Outcome:
    try:
        report = load_report(path)
        return Outcome(path, report, _findings(report, previous))
    except XxgkError as e:
        return Outcome(path, error=_error_line(path, str(e)))
    except Exception as e:  # a bug must not stop the batch nor show a traceback
        return Outcome(path, error=_internal(path, e))


def _outcomes(files: list[Path], previous: Report | None = None) -> Iterator[Outcome]:
    """Analyse the files one by one, reporting each bad one on stderr as soon as it is met."""
    for path in files:
        outcome = _analyse(path, previous)
        if outcome.error is not None:
            _complain(outcome.error)
        yield outcome


def _console() -> Console:
    console = Console(highlight=False)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, width=PLAIN_WIDTH)
    return console


def _dumps(data: object, compact: bool = False) -> str:
    if compact:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return json.dumps(data, ensure_ascii=False, indent=1)


def _output_names(files: list[Path]) -> dict[Path, str]:
    """DIR/<stem>.json, or DIR/<name>.json for inputs whose stems collide (a.txt and a.html)."""
    stems = [p.stem for p in files]
    return {p: f"{p.stem if stems.count(p.stem) == 1 else p.name}.json" for p in files}


FilesArg = Annotated[list[Path], typer.Argument(
    help="报告文件（文本、HTML 等）或 xxgk-report JSON。Report files (text, HTML, …) or "
         "xxgk-report JSON.", show_default=False, metavar="FILE")]


@app.command("parse")
def parse_command(
    files: FilesArg,
    fmt: Annotated[ParseFormat, typer.Option(
        "--format", "-f",
        help="json：xxgk-report/1 文档（多个文件且无 -o 时每行一个，JSON Lines）；table：按报告版式"
             "显示三张表和检查结果。json: an xxgk-report/1 document (several files without -o: "
             "one per line, JSON Lines); table: the three tables as printed, and the findings.")
    ] = ParseFormat.json,
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", file_okay=False,
        help="把每个文件写成 DIR/<stem>.json（仅用于 json）。Write DIR/<stem>.json for each file "
             "(json only).", show_default=False)] = None,
) -> None:
    """解析报告，输出数据。Parse reports into data (xxgk-report/1 JSON or tables)."""
    if output is not None and fmt is not ParseFormat.json:
        _complain("xxgk: -o/--output 仅用于 --format json / -o/--output only applies to "
                  "--format json")
        raise typer.Exit(BAD_INPUT)
    if fmt is ParseFormat.table:
        raise typer.Exit(_parse_table(files))
    raise typer.Exit(_parse_json(files, output))


def _parse_table(files: list[Path]) -> int:
    console = _console()
    several = len(files) > 1
    worst = OK
    for outcome in _outcomes(files):
        if outcome.report is not None:
            outcome.fail_unless(_guarded(outcome.path, partial(_show_tables, console, outcome, several)))
        worst = max(worst, outcome.status)
    return worst


def _show_tables(console: Console, outcome: Outcome, several: bool) -> None:
    assert outcome.report is not None
    if several:
        console.print(Rule(Text(str(outcome.path), style="bold"), align="left"))
    print_report(console, outcome.report, outcome.findings)
    if several:
        console.print()


def _parse_json(files: list[Path], output: Path | None) -> int:
    if output is not None:
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            _complain(_error_line(output, f"{output}: 无法创建目录 / cannot create the directory: "
                                          f"{e.strerror or e}"))
            return BAD_INPUT
    names = _output_names(files)
    worst = OK
    for outcome in _outcomes(files):
        if outcome.report is not None:
            target = None if output is None else output / names[outcome.path]
            outcome.fail_unless(_guarded(outcome.path, partial(_emit_json, outcome, target,
                                                               compact=len(files) > 1)))
        worst = max(worst, outcome.status)
    return worst


def _emit_json(outcome: Outcome, target: Path | None, compact: bool) -> None:
    """Print the report's xxgk-report/1 document, or write it to `target` and print that path."""
    assert outcome.report is not None
    doc = outcome.report.to_dict(outcome.findings)
    if target is None:
        typer.echo(_dumps(doc, compact=compact))
        return
    try:
        target.write_text(_dumps(doc) + "\n", encoding="utf-8")
    except OSError as e:
        raise XxgkError(str(target), f"无法写入 / cannot write: {e.strerror or e}") from None
    typer.echo(str(target))


def _guarded(path: Path, action: Callable[[], None]) -> bool:
    """Run one file's output step; a failure there costs this file only, as one line on stderr."""
    try:
        action()
        return True
    except XxgkError as e:
        _complain(_error_line(path, str(e)))
    except Exception as e:
        _complain(_internal(path, e))
    return False


@app.command("check")
def check_command(
    files: FilesArg,
    previous: Annotated[Path | None, typer.Option(
        "--previous", "-p",
        help="上一年度的报告（任何支持的形式），用于跨年核对（上年结转、现行有效件数等）；对每个 FILE "
             "都适用。Last year's report, for the cross-year checks; applies to every FILE.",
        show_default=False)] = None,
    fmt: Annotated[CheckFormat, typer.Option(
        "--format", "-f",
        help="text：彩色列出检查结果；json：{\"file\", \"findings\"}，多个文件时 {\"results\": […]}。"
             "text: the findings, coloured by severity; json: {\"file\", \"findings\"}, for several "
             "files {\"results\": […]}.")] = CheckFormat.text,
) -> None:
    """检查报告（勾稽关系、合理性、格式）。Check reports: equations, plausibility, format."""
    prev_report = None
    if previous is not None:
        prev_report = _load_previous(previous)
        if prev_report is None:
            raise typer.Exit(BAD_INPUT)
    several = len(files) > 1
    worst = OK
    if fmt is CheckFormat.json:
        results: list[dict[str, object]] = []
        for outcome in _outcomes(files, prev_report):
            outcome.fail_unless(_guarded(outcome.path, partial(_add_result, results, outcome)))
            worst = max(worst, outcome.status)
        if several:
            typer.echo(_dumps({"results": results}))
        elif results and "error" not in results[0]:
            typer.echo(_dumps(results[0]))
        raise typer.Exit(worst)
    console = _console()
    for outcome in _outcomes(files, prev_report):
        if outcome.report is not None:
            outcome.fail_unless(_guarded(outcome.path, partial(_show_findings, console, outcome, several)))
        worst = max(worst, outcome.status)
    raise typer.Exit(worst)


def _show_findings(console: Console, outcome: Outcome, several: bool) -> None:
    assert outcome.report is not None
    console.print(Rule(Text(str(outcome.path), style="bold"), align="left"))
    console.print(heading(outcome.report))
    console.print(findings_view(outcome.findings))
    if several:
        console.print()


def _load_previous(path: Path) -> Report | None:
    try:
        return load_report(path)
    except XxgkError as e:
        _complain(_error_line(path, f"--previous {e}"))
    except Exception as e:
        _complain(_internal(path, e))
    return None


def _add_result(results: list[dict[str, object]], outcome: Outcome) -> None:
    results.append(_check_result(outcome))


def _check_result(outcome: Outcome) -> dict[str, object]:
    result: dict[str, object] = {"file": str(outcome.path), "status": outcome.status}
    if outcome.error is not None:
        result["error"] = outcome.error.removeprefix("xxgk: ")
    else:
        result["findings"] = [f.to_dict() for f in outcome.findings]
    return result


@app.command("schema")
def schema_command(
    edition: Annotated[EditionChoice | None, typer.Option(
        "--edition", "-e",
        help="只列出该版本的单元格键（附中文标签）。List exactly this edition's cell keys, with "
             "their Chinese labels.", show_default=False)] = None,
) -> None:
    """输出 xxgk-report/1 的 JSON Schema。Print the JSON Schema of xxgk-report/1."""
    typer.echo(schema_text(edition.value if edition else None), nl=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"xxgk {__version__}")
        raise typer.Exit(OK)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True, help="显示版本 show the version.")] = False,
) -> None:
    pass


register_all(app)


def main() -> None:
    app()
