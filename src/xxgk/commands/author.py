"""Commands for the people who write the reports: `render`, `import-xlsx`, `draft`.

- `xxgk render REPORT --to docx|html|md|xlsx [-o FILE]`: the report in the official layout, after
  the checks: error findings refuse it (listed on stderr, exit 1) unless `--force`;
  `--fill-totals` first computes every blank total the rules determine and lists each one.
- `xxgk import-xlsx FILE [-o out.json]`: a filled workbook → `xxgk-report/1` JSON with findings.
- `xxgk draft --from LAST_YEAR --year N [--agency NAME] [-o FILE] [--to FMT]`: next year's
  skeleton (JSON, or rendered), listing what was carried over and what could not be.

Documents go to `-o FILE` (or stdout for JSON, HTML and Markdown); everything said about them
(findings, computed totals, carried cells, "written") goes to stderr. Exit status as everywhere:
0 written, 1 refused for error findings (import-xlsx: the report has error findings), 2 bad input.
"""

from __future__ import annotations

import enum
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ..errors import XxgkError
from ..model import Finding, Report

OK, FINDINGS, BAD_INPUT = 0, 1, 2


class RenderFormat(str, enum.Enum):
    docx = "docx"
    html = "html"
    md = "md"
    xlsx = "xlsx"


class DraftFormat(str, enum.Enum):
    json = "json"
    docx = "docx"
    html = "html"
    md = "md"
    xlsx = "xlsx"


BINARY = ("docx", "xlsx")


def _say(line: str) -> None:
    typer.echo(line, err=True)


def _fail(path: Path | str, problem: str) -> None:
    line = " ".join(str(problem).split())
    if str(path) not in line:
        line = f"{path}: {line}"
    _say(f"xxgk: {line}")


def _load(path: Path) -> Report | None:
    from ..load import load_report

    try:
        return load_report(path)
    except XxgkError as e:
        _fail(path, str(e))
    except Exception as e:  # a bug must not show a traceback
        _fail(path, f"内部错误 internal error: {type(e).__name__}: {e}")
    return None


def _show_findings(findings: list[Finding]) -> None:
    from ..show import findings_view

    if findings:
        console = Console(stderr=True, highlight=False,
                          width=None if sys.stderr.isatty() else 128)
        console.print(findings_view(findings))


def _format_of(fmt: str | None, output: Path | None, allowed: tuple[str, ...]) -> str | None:
    from ..render import SUFFIXES

    if fmt is not None:
        return fmt
    if output is not None:
        suffix = output.suffix.lower()
        if suffix == ".json" and "json" in allowed:
            return "json"
        return SUFFIXES.get(suffix)
    return None


def _write(data: bytes, output: Path | None, fmt: str) -> bool:
    """Write the document to `output`, or to stdout for text formats; False after a complaint."""
    if output is None:
        if fmt in BINARY:
            _say(f"xxgk: {fmt} 是二进制格式，请用 -o 指定输出文件 / {fmt} is binary: give -o FILE")
            return False
        sys.stdout.write(data.decode("utf-8"))
        sys.stdout.flush()
        return True
    try:
        output.write_bytes(data)
    except OSError as e:
        _fail(output, f"无法写入 / cannot write: {e.strerror or e}")
        return False
    _say(f"已写入 written: {output}")
    return True


OutputOpt = Annotated[Path | None, typer.Option(
    "--output", "-o", dir_okay=False,
    help="输出文件；格式未指定时按扩展名（.docx .html .md .xlsx）确定。Output file; its suffix gives "
         "the format when --to is not given.", show_default=False)]


def render_command(
    report_path: Annotated[Path, typer.Argument(
        help="报告：xxgk-report JSON（可为手写的裸值）、YAML，或任何可解析的报告文件。A report: "
             "xxgk-report JSON (hand-written bare values too), YAML, or any report xxgk reads.",
        metavar="REPORT", show_default=False)],
    to: Annotated[RenderFormat | None, typer.Option(
        "--to", "-t", help="输出格式 output format: docx | html | md | xlsx.",
        show_default=False)] = None,
    output: OutputOpt = None,
    force: Annotated[bool, typer.Option(
        "--force", help="即使有错误也输出（错误仍会列出）。Write even with error findings (they "
                        "are still listed).")] = False,
    fill_totals: Annotated[bool, typer.Option(
        "--fill-totals", help="先按勾稽关系计算空白的合计（总计列、（七）总计、表四总计、结转下年度），"
                              "并列出每个计算的单元格。Compute every blank total the rules "
                              "determine first, listing each computed cell.")] = False,
    previous: Annotated[Path | None, typer.Option(
        "--previous", "-p", help="上一年度的报告，用于跨年核对。Last year's report, for the "
                                 "cross-year checks.", show_default=False)] = None,
) -> None:
    """按国家规定格式输出报告（先做检查）。Write a report in the official layout, after the checks."""
    from ..render import render_bytes
    from ..render.gate import prepare

    fmt = _format_of(to.value if to else None, output, tuple(f.value for f in RenderFormat))
    if fmt is None or fmt == "json":
        _say("xxgk: 请用 --to 指定格式（docx、html、md、xlsx）或给出带扩展名的 -o 文件 / give --to "
             "docx|html|md|xlsx, or -o FILE with one of these suffixes")
        raise typer.Exit(BAD_INPUT)
    report = _load(report_path)
    prev = _load(previous) if previous is not None else None
    if report is None or (previous is not None and prev is None):
        raise typer.Exit(BAD_INPUT)
    result = prepare(report, force=force, fill=fill_totals, previous=prev)
    if result.computed:
        _say(f"按勾稽关系计算了 {len(result.computed)} 个单元格 / computed {len(result.computed)} "
             f"cell(s) from the rules:")
        for c in result.computed:
            _say(f"  {c.line()}")
    _show_findings(result.findings)
    if result.refused:
        _say(f"xxgk: {report_path}: 有 {len(result.errors)} 项错误，未输出；改正后再试，或用 --force "
             f"强制输出 / {len(result.errors)} error finding(s): not written (fix them, or use "
             f"--force)")
        raise typer.Exit(FINDINGS)
    try:
        data = render_bytes(result.report, fmt)  # type: ignore[arg-type]
    except Exception as e:
        _fail(report_path, f"内部错误 internal error: {type(e).__name__}: {e}")
        raise typer.Exit(BAD_INPUT) from None
    raise typer.Exit(OK if _write(data, output, fmt) else BAD_INPUT)


def import_xlsx_command(
    file: Annotated[Path, typer.Argument(
        help="填好的工作簿（xxgk render --to xlsx 生成的模板或其他报告工作簿）。A filled workbook.",
        metavar="FILE", show_default=False)],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", dir_okay=False, help="写入 JSON 文件（默认输出到标准输出）。Write the JSON "
                                               "here (default: stdout).", show_default=False)] = None,
) -> None:
    """把填好的 XLSX 工作簿读成 xxgk-report/1 JSON。Read a filled XLSX workbook into a report."""
    from .. import checks
    from ..readers.xlsx import is_workbook

    try:
        head = file.read_bytes() if file.is_file() else b""
    except OSError:
        head = b""
    if file.is_file() and not is_workbook(head):
        _fail(file, "不是 XLSX 工作簿 / not an XLSX workbook")
        raise typer.Exit(BAD_INPUT)
    report = _load(file)
    if report is None:
        raise typer.Exit(BAD_INPUT)
    findings = checks.run(report)
    text = json.dumps(report.to_dict(findings), ensure_ascii=False, indent=1) + "\n"
    if not _write(text.encode("utf-8"), output, "json"):
        raise typer.Exit(BAD_INPUT)
    _show_findings([f for f in findings if f.severity == "error"])
    raise typer.Exit(FINDINGS if any(f.severity == "error" for f in findings) else OK)


def draft_command(
    last: Annotated[Path, typer.Option(
        "--from", help="上一年度的报告（任何支持的形式）。Last year's report (any form xxgk reads).",
        show_default=False)],
    year: Annotated[int | None, typer.Option(
        "--year", "-y", help="草稿的报告年度（默认上年报告年度加一）。The draft's report year "
                             "(default: the year after last year's report).",
        show_default=False)] = None,
    agency: Annotated[str | None, typer.Option(
        "--agency", "-a", help="机关名称（默认沿用上年报告）。The agency (default: last year's).",
        show_default=False)] = None,
    to: Annotated[DraftFormat | None, typer.Option(
        "--to", "-t", help="输出格式 output format: json | docx | html | md | xlsx（默认 json）。",
        show_default=False)] = None,
    output: OutputOpt = None,
) -> None:
    """生成下一年度报告的草稿（结转上年数据）。Draft next year's report from last year's."""
    from ..draft import DraftError, draft
    from ..render import render_bytes

    fmt = _format_of(to.value if to else None, output, tuple(f.value for f in DraftFormat)) or "json"
    prev = _load(last)
    if prev is None:
        raise typer.Exit(BAD_INPUT)
    if year is None:
        if prev.year is None:
            _fail(last, "上年报告没有年度，请用 --year 指定 / last year's report has no year: give --year")
            raise typer.Exit(BAD_INPUT)
        year = prev.year + 1
    try:
        d = draft(prev, year, agency)
    except DraftError as e:
        _fail(last, str(e))
        raise typer.Exit(BAD_INPUT) from None
    ed = d.report.edition
    if d.upgraded:
        _say(f"表格版本由 {d.source_edition} 升级为 {ed} / upgraded from the {d.source_edition} "
             f"to the {ed} edition")
    _say(f"由上年报告结转 {len(d.carried)} 个单元格 / carried {len(d.carried)} cell(s):")
    for c in d.carried:
        _say(f"  {c.line(ed)}")
    if d.not_carried:
        _say(f"未能结转 {len(d.not_carried)} 个单元格（未推算，请填写）/ not carried "
             f"{len(d.not_carried)} cell(s):")
        for n in d.not_carried:
            _say(f"  {n.line(ed)}")
    if fmt == "json":
        data = (d.report.to_json() + "\n").encode("utf-8")
    else:
        data = render_bytes(d.report, fmt)  # type: ignore[arg-type]  # a skeleton: no gate
    raise typer.Exit(OK if _write(data, output, fmt) else BAD_INPUT)


def register(app: typer.Typer) -> None:
    app.command("render")(render_command)
    app.command("import-xlsx")(import_xlsx_command)
    app.command("draft")(draft_command)
