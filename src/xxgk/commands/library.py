"""The library's commands: ingest, compare, aggregate, export, query, agencies.

Exit status as everywhere in xxgk: 0 fine, 1 error findings (compare: B breaks a rule), 2 bad
input or usage (a file that could not be ingested, an unknown report, an unreachable database).
"""

from __future__ import annotations

import csv
import enum
import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, Task,
                           TextColumn, TimeElapsedColumn, TimeRemainingColumn)
from rich.table import Table
from rich.text import Text

from ..errors import XxgkError

OK, FINDINGS, BAD_INPUT = 0, 1, 2

DbOption = Annotated[str | None, typer.Option(
    "--db", help="数据库：SQLAlchemy URL（sqlite:///…、postgresql://…）或 SQLite 文件路径；默认 "
                 "$XXGK_DB，否则用户数据目录下的 library.db。Database URL or SQLite file; default "
                 "$XXGK_DB, else library.db in the user data directory.", show_default=False)]
RegionOption = Annotated[str | None, typer.Option(
    "--region", help="地区路径（含下级），如 黑龙江省/佳木斯市/桦川县。Region path (and below).",
    show_default=False)]
YearOption = Annotated[list[int] | None, typer.Option(
    "--year", help="年度（可重复）。Report year (repeatable).", show_default=False)]
AgencyOption = Annotated[str | None, typer.Option(
    "--agency", help="机关名称（部分即可）。Part of an agency name.", show_default=False)]
EditionOption = Annotated[str | None, typer.Option(
    "--edition", help="表格版本 2019 或 2021。Table edition.", show_default=False)]
ErrorsOption = Annotated[bool | None, typer.Option(
    "--has-errors/--no-errors", help="只要有错误的报告 / 只要没有错误的报告。Only reports with / "
                                     "without error findings.", show_default=False)]
LateOption = Annotated[bool | None, typer.Option(
    "--late/--on-time", help="只要逾期发布的 / 按期发布的（第四十九条）。Only reports published "
                             "after / by the Article 49 deadline.", show_default=False)]
TextOption = Annotated[str | None, typer.Option(
    "--text", help="标题、机关或正文含有的文字。Text in the title, agency or narrative.",
    show_default=False)]


def _err(line: str) -> None:
    typer.echo(f"xxgk: {' '.join(line.split())}", err=True)


PLAIN_WIDTH = 128  # as `xxgk parse --format table`: tables' width in pipes and files


def _console(err: bool = False) -> Console:
    """Lines are not wrapped (soft wrap): a passage or a file name stays one line in a pipe."""
    console = Console(highlight=False, stderr=err, soft_wrap=True)
    if not console.is_terminal and "COLUMNS" not in os.environ:
        console = Console(highlight=False, stderr=err, soft_wrap=True, width=PLAIN_WIDTH)
    return console


@contextmanager
def _library(db: str | None) -> Iterator[Any]:
    """Open the library or explain in one line why not (exit 2)."""
    from sqlalchemy.exc import ArgumentError, SQLAlchemyError

    from ..store import Library, resolve_url

    try:
        lib = Library.open(db)
    except (ArgumentError, SQLAlchemyError, OSError, ValueError) as e:
        shown = resolve_url(db) if db is None else db
        detail = " ".join(str(getattr(e, "orig", None) or e).split())[:300]
        _err(f"{shown}: 无法打开报告库 / cannot open the library: {detail}")
        raise typer.Exit(BAD_INPUT) from None
    try:
        yield lib
    finally:
        lib.close()


def _filters(region: str | None, year: list[int] | None, agency: str | None,
             edition: str | None, has_errors: bool | None, late: bool | None,
             text: str | None) -> Any:
    from ..query import Filters

    try:
        return Filters.from_options(region=region, year=year, agency=agency, edition=edition,
                                    has_errors=has_errors, late=late, text=text)
    except ValueError as e:
        _err(f"--edition: {e}")
        raise typer.Exit(BAD_INPUT) from None


# -- ingest -----------------------------------------------------------------------------------
class _Rate(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("—" if speed is None else f"{speed:.1f} 份/秒", style="progress.data.speed")


def ingest_command(
    paths: Annotated[list[Path], typer.Argument(
        help="文件、文件夹（含子文件夹）或 ZIP 压缩包。Files, folders (recursively) or zip "
             "archives.", show_default=False, metavar="PATH")],
    db: DbOption = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-j", min=1, max=64,
        help="并行解析的进程数（写入始终只有一个）；默认为 CPU 数（至多 4）。Parser processes "
             "(there is always one writer); default: the CPUs, at most 4.",
        show_default=False)] = None,
    region: Annotated[str | None, typer.Option(
        "--region", help="新机关的地区路径（未能从已知地区推断时）。Region path for new "
                         "agencies whose region cannot be inferred.", show_default=False)] = None,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="不显示进度条。No progress bar.")] = False,
) -> None:
    """把报告存入报告库（文件、文件夹、ZIP）。Ingest reports into the library."""
    from ..store.records import IngestSummary

    summary = IngestSummary()
    err = _console(err=True)
    with _library(db) as lib:
        progress = Progress(TextColumn("[bold]入库 ingest"), BarColumn(), MofNCompleteColumn(),
                            _Rate(), TextColumn("剩余"), TimeRemainingColumn(),
                            TextColumn("用时"), TimeElapsedColumn(), console=err,
                            disable=quiet or not err.is_terminal)
        task = progress.add_task("ingest", total=None)

        def advance(done: int, total_now: int, name: str) -> None:
            progress.update(task, completed=done, total=total_now)

        try:
            with progress:
                lib.ingest(paths, workers=workers or min(4, os.cpu_count() or 1),
                           region=region, progress=advance, summary=summary)
        except KeyboardInterrupt:
            _print_summary(summary, lib.url)
            _err("已中断；再次运行同一命令即可继续 / interrupted; run the same command again to "
                 "resume")
            raise typer.Exit(130) from None
        except XxgkError as e:  # a bad setting ($XXGK_PARSE_TIMEOUT): nothing was stored
            _err(str(e))
            raise typer.Exit(BAD_INPUT) from None
        _print_summary(summary, lib.url)
    raise typer.Exit(BAD_INPUT if summary.failed else OK)


def _print_summary(s: Any, url: str) -> None:
    """The closing summary on stderr, one line per failed file (plain text: logs and pipes
    keep each line whole)."""
    rate = (s.total / s.seconds) if s.seconds else 0.0
    typer.echo(f"入库 {s.ingested} 份，重新解析 {s.reparsed} 份，重复跳过 {s.duplicates} 份，"
               f"失败 {len(s.failed)} 份（{s.seconds:.1f} 秒，{rate:.1f} 份/秒）→ {url}", err=True)
    typer.echo(f"ingested {s.ingested}, re-parsed {s.reparsed}, duplicates {s.duplicates}, "
               f"failed {len(s.failed)}", err=True)
    for name, reason in s.failed:
        _err(f"{name}: {reason}")


# -- query ------------------------------------------------------------------------------------
class QueryFormat(str, enum.Enum):
    table = "table"
    json = "json"
    csv = "csv"


_ROW_FIELDS = ("id", "agency", "region", "year", "edition", "published", "deadline", "late",
               "errors", "warnings", "versions", "source")


def _row_dict(r: Any) -> dict[str, Any]:
    d = {f: getattr(r, f) for f in _ROW_FIELDS}
    for k in ("published", "deadline"):
        d[k] = d[k].isoformat() if d[k] else None
    return d


def query_command(
    region: RegionOption = None, year: YearOption = None, agency: AgencyOption = None,
    edition: EditionOption = None, has_errors: ErrorsOption = None, late: LateOption = None,
    text: TextOption = None, db: DbOption = None,
    fmt: Annotated[QueryFormat, typer.Option("--format", "-f", help="table · json · csv")]
    = QueryFormat.table,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="最多列出几份。At most "
                                              "this many.", show_default=False)] = None,
) -> None:
    """列出报告库中的报告（按地区、年度、机关等筛选）。List stored reports."""
    f = _filters(region, year, agency, edition, has_errors, late, text)
    with _library(db) as lib:
        rows = lib.reports(f, limit=limit, order="agency")
        total = lib.count_reports(f)
    if fmt is QueryFormat.json:
        typer.echo(json.dumps({"filters": f.describe(), "total": total,
                               "reports": [_row_dict(r) for r in rows]}, ensure_ascii=False,
                              indent=1))
    elif fmt is QueryFormat.csv:
        buf = io.StringIO()
        w = csv.writer(buf)
        w.writerow(_ROW_FIELDS)
        for r in rows:
            w.writerow(["" if v is None else v for v in _row_dict(r).values()])
        typer.echo(buf.getvalue(), nl=False)
    else:
        console = _console()
        t = Table(title=f"{f.describe()}：{total} 份", title_justify="left")
        for col in ("编号", "机关", "地区", "年度", "版本", "发布", "期限", "错误", "警告", "版本数"):
            t.add_column(col, no_wrap=col in ("编号", "年度", "发布", "期限"))
        for r in rows:
            late_mark = " [red]逾期[/red]" if r.late else ""
            t.add_row(str(r.id), escape(r.agency), escape(r.region or "—"), str(r.year),
                      r.edition, (r.published.isoformat() if r.published else "—") + late_mark,
                      r.deadline.isoformat() if r.deadline else "—",
                      f"[red]{r.errors}[/red]" if r.errors else "0", str(r.warnings),
                      str(r.versions))
        console.print(t)
    raise typer.Exit(OK)


# -- export -----------------------------------------------------------------------------------
class ExportFormat(str, enum.Enum):
    csv = "csv"
    xlsx = "xlsx"
    parquet = "parquet"
    json = "json"


class Layout(str, enum.Enum):
    long = "long"
    wide = "wide"


def export_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="输出文件。Output file.",
                                         show_default=False)],
    fmt: Annotated[ExportFormat | None, typer.Option(
        "--format", "-f", help="csv · xlsx · parquet · json（默认按文件扩展名）。Default: from "
                               "the file extension.", show_default=False)] = None,
    layout: Annotated[Layout, typer.Option(
        "--layout", help="long：每个单元格一行；wide：每份报告一行。long: a row per cell; wide: a "
                         "row per report.")] = Layout.long,
    region: RegionOption = None, year: YearOption = None, agency: AgencyOption = None,
    edition: EditionOption = None, has_errors: ErrorsOption = None, late: LateOption = None,
    text: TextOption = None, db: DbOption = None,
) -> None:
    """导出报告库中的数据（csv、xlsx、parquet、json）。Export stored reports."""
    from ..export import export

    if fmt is None:
        suffix = output.suffix.lower().lstrip(".")
        if suffix not in ExportFormat.__members__:
            _err(f"{output}: 请用 --format 指定格式（csv、xlsx、parquet、json）/ give --format")
            raise typer.Exit(BAD_INPUT)
        fmt = ExportFormat(suffix)
    f = _filters(region, year, agency, edition, has_errors, late, text)
    with _library(db) as lib:
        try:
            n = export(lib, output, fmt.value, layout.value, f)  # type: ignore[arg-type]
        except XxgkError as e:
            _err(str(e))
            raise typer.Exit(BAD_INPUT) from None
    typer.echo(f"{output}: {n} 行 rows（{f.describe()}）")
    raise typer.Exit(OK)


# -- compare ----------------------------------------------------------------------------------
class OutFormat(str, enum.Enum):
    text = "text"
    json = "json"


def _side(lib: Any, given: str) -> tuple[Any, int | None]:
    """A report file, or the id of a stored report."""
    from ..load import load_report

    p = Path(given)
    if p.exists() or not given.isdigit():
        return load_report(p), None
    if lib is None:
        raise XxgkError(given, "没有报告库可查找报告编号 / no library to look up a report id "
                               "(give --db)")
    try:
        return lib.report(int(given)).report, int(given)
    except KeyError:
        raise XxgkError(given, "报告库中没有此编号的报告 / no stored report with this id") from None


@contextmanager
def _maybe_library(db: str | None, needed: bool) -> Iterator[Any]:
    """The library when one is named or exists already; None otherwise (a comparison of two
    files must not create an empty library as a side effect)."""
    from ..store.engine import ENV_VAR, default_path

    if db is None and not os.environ.get(ENV_VAR) and not default_path().exists() and not needed:
        yield None
        return
    with _library(db) as lib:
        yield lib


def compare_command(
    a: Annotated[str | None, typer.Argument(help="较早的报告：文件或报告库编号。The earlier "
                                            "report: a file or a stored report id.",
                                            show_default=False)] = None,
    b: Annotated[str | None, typer.Argument(help="较晚的报告。The later report.",
                                            show_default=False)] = None,
    agency: Annotated[str | None, typer.Option(
        "--agency", help="按机关和年度比较报告库中的报告。Compare an agency's stored reports.",
        show_default=False)] = None,
    years: Annotated[tuple[int, int] | None, typer.Option(
        "--years", help="两个年度，如 --years 2022 2023。Two years.", show_default=False)] = None,
    db: DbOption = None,
    fmt: Annotated[OutFormat, typer.Option("--format", "-f", help="text · json")] = OutFormat.text,
    show_all: Annotated[bool, typer.Option("--all", help="列出全部可比单元格（默认只列有变化的）。"
                                           "List every comparable cell, not only changes.")]
    = False,
) -> None:
    """比较两份报告（增减、跨年核对、重复文字）。Compare two reports."""
    from ..compare import compare_reports
    from ..store.views import same_year_narratives

    by_agency = agency is not None or years is not None
    if by_agency and (agency is None or years is None or a is not None):
        _err("用法：xxgk compare A B，或 xxgk compare --agency 机关 --years 年度1 年度2 / usage: "
             "compare A B, or compare --agency NAME --years Y1 Y2")
        raise typer.Exit(BAD_INPUT)
    if not by_agency and (a is None or b is None):
        _err("需要两份报告 A 和 B / two reports are needed, A and B")
        raise typer.Exit(BAD_INPUT)
    with _maybe_library(db, needed=by_agency or any(
            x is not None and x.isdigit() and not Path(x).exists() for x in (a, b))) as lib:
        try:
            if by_agency:
                assert agency is not None and years is not None
                result = lib.compare_agency(agency, years[0], years[1])
            else:
                assert a is not None and b is not None
                ra, ia = _side(lib, a)
                rb, ib = _side(lib, b)
                others = []
                if lib is not None and rb.year is not None:
                    own = lib.find_report(rb.agency, rb.year) if rb.agency else None
                    others = [o for o in same_year_narratives(
                        lib, rb.year, own.agency_id if own else None) if o[0] != ib]
                result = compare_reports(ra, rb, others=others, a_id=ia, b_id=ib)
        except XxgkError as e:
            _err(str(e))
            raise typer.Exit(BAD_INPUT) from None
        except KeyError as e:
            _err(str(e.args[0]) if e.args else "not found")
            raise typer.Exit(BAD_INPUT) from None
    if fmt is OutFormat.json:
        typer.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=1))
    else:
        _print_comparison(_console(), result, show_all)
    worst = FINDINGS if any(f.severity == "error" for f in result.checks) else OK
    raise typer.Exit(worst)


def _who(side: Any) -> str:
    ident = f"#{side.report_id} " if side.report_id is not None else ""
    return f"{ident}{side.agency or '（未知机关）'} {side.year or '?'}年度（{side.edition}版）"


def _num(v: Any) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v)


def _print_comparison(console: Console, c: Any, show_all: bool) -> None:
    console.print(f"[bold]A[/bold] {escape(_who(c.a))}    [bold]B[/bold] {escape(_who(c.b))}")
    shown = c.cells if show_all else c.changed
    t = Table(title=f"单元格变化 cell changes：{len(c.changed)} / {len(c.cells)} 项",
              title_justify="left")
    for col in ("单元格", "A", "B", "增减"):
        t.add_column(col, justify="left" if col == "单元格" else "right")
    for d in shown:
        delta = d.delta
        t.add_row(escape(d.label), _num(d.a), _num(d.b),
                  "—" if delta is None else (f"+{_num(delta)}" if delta > 0 else _num(delta)))
    console.print(t)
    if c.only_a or c.only_b:
        console.print(f"[bold]版本不同、无法对应的单元格[/bold] cells without a counterpart "
                      f"(A {c.a.edition}版 → B {c.b.edition}版): 仅 A {len(c.only_a)} 项，"
                      f"仅 B {len(c.only_b)} 项")
        for side, items in (("仅 A only A", c.only_a), ("仅 B only B", c.only_b)):
            for key, label in items:
                console.print(f"  {side}  {key}  {escape(label)}")
    console.print("[bold]跨年度核对 cross-year checks (P1–P3)[/bold]"
                  + ("：无问题 none" if not c.checks else ""))
    for f in c.checks:
        console.print(f"  {f.severity} {f.rule}  {escape(f.message)}")
    console.print("[bold]正文重复 reused narrative[/bold]（相似度 similarity · 重复占比 reused）")
    for s in c.sections:
        console.print(f"  第{s.number}部分 {escape(s.heading or s.key)}：相似度 "
                      f"{s.similarity:.0%}，重复 {s.reused:.0%}，重复段落 {len(s.passages)} 处")
        for p in s.passages[:5]:
            console.print(f"    “{escape(_short(p.text))}”")
    if c.boilerplate:
        console.print("[bold]与同年度其他机关报告雷同 boilerplate shared with other agencies[/bold]")
        for bp in c.boilerplate:
            console.print(f"  {bp.section} ↔ #{bp.report_id} {escape(bp.agency)}：相似度 "
                          f"{bp.similarity:.0%}，重复 {bp.reused:.0%}")
            for p in bp.passages[:3]:
                console.print(f"    “{escape(_short(p.text))}”")


def _short(text: str, width: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# -- aggregate --------------------------------------------------------------------------------
def aggregate_command(
    region: Annotated[str, typer.Option("--region", help="地区路径，如 黑龙江省/佳木斯市/桦川县。"
                                        "Region path.", show_default=False)],
    year: Annotated[int, typer.Option("--year", help="年度。Report year.", show_default=False)],
    db: DbOption = None,
    fmt: Annotated[OutFormat, typer.Option("--format", "-f", help="text · json")] = OutFormat.text,
) -> None:
    """汇总一个地区各机关的报告并核对。Sum a region's reports; roll-up check."""
    with _library(db) as lib:
        try:
            agg = lib.aggregate(region, year)
        except ValueError as e:
            _err(f"--region: {e}")
            raise typer.Exit(BAD_INPUT) from None
    if fmt is OutFormat.json:
        typer.echo(json.dumps(agg.to_dict(), ensure_ascii=False, indent=1))
        raise typer.Exit(OK)
    console = _console()
    console.print(f"[bold]{escape(agg.region)}[/bold] {agg.year}年度（{agg.edition}版）："
                  f"{len(agg.members)} 份报告")
    for m in agg.members:
        console.print(f"  #{m.report_id} {escape(m.agency)}（{m.edition}版）")
    t = Table(title="合计（空白按0计）totals (blank as 0), nonzero cells", title_justify="left")
    t.add_column("单元格")
    t.add_column("合计", justify="right")
    for key, v in agg.totals.items():
        if v:
            t.add_row(escape(agg.label(key)), _num(v))
    console.print(t)
    for what, items in (("缺少此格（其他版本）partial", agg.partial),
                        ("无法对应、未计入 unmapped", agg.unmapped),
                        ("无法识别 unreadable", agg.missing_cells)):
        if items:
            console.print(f"[bold]{what}[/bold]：{len(items)} 格")
            for key, ids in list(items.items())[:40]:
                console.print(f"  {key}  {escape(agg.label(key))}：报告 "
                              + "、".join(f"#{i}" for i in ids))
    r = agg.rollup
    if r is None:
        console.print("没有本级政府的报告，未做汇总核对 / no government report for the region: "
                      "no roll-up check")
    else:
        console.print(f"[bold]汇总核对 roll-up[/bold]：{escape(r.government.agency)}")
        for s in r.stated:
            mark = "[green]一致[/green]" if s.agrees else "[red]不一致[/red]"
            console.print(f"  正文“{escape(_short(s.sentence, 60))}”：{s.stated}；全部合计 "
                          f"{_num(s.all_members)}，其他机关合计 {_num(s.others)} {mark}")
        if r.tables_are_totals:
            console.print(f"  表格为全地区合计（{r.matching_share:.0%} 的单元格等于其他机关之和）；"
                          f"不一致 {len(r.mismatches)} 格")
            for d in r.mismatches:
                console.print(f"    {escape(d.label)}：政府表格 {_num(d.b)}，其他机关合计 {_num(d.a)}")
        else:
            console.print("  表格为本级数字（与其他机关之和不符），只核对正文所述全地区数字 / the "
                          "tables are the government's own figures")
    raise typer.Exit(OK)


# -- agencies ---------------------------------------------------------------------------------
agencies_app = typer.Typer(help="报告库中的机关：列出、导入名册。Agencies: list, import a roster.",
                           no_args_is_help=True)


@agencies_app.command("list")
def agencies_list(region: RegionOption = None, db: DbOption = None) -> None:
    """列出机关及其地区、类别。List agencies with region and kind."""
    with _library(db) as lib:
        rows = lib.agencies(region)
    t = Table(title=f"机关 agencies：{len(rows)}", title_justify="left")
    for col in ("编号", "名称", "地区", "类别", "层级", "别名"):
        t.add_column(col)
    for a in rows:
        t.add_row(str(a.id), escape(a.name), escape(a.region or "—"), a.kind or "—",
                  a.level or "—", escape("；".join(a.aliases)))
    _console().print(t)


@agencies_app.command("import")
def agencies_import(
    roster: Annotated[Path, typer.Argument(help="名册：CSV（name,region,kind,level,aliases）、"
                                           "JSON 或 YAML 列表。A roster file.",
                                           show_default=False)],
    db: DbOption = None,
) -> None:
    """导入机关名册（名称、地区路径、类别、层级、别名）。Import an agency roster."""
    try:
        rows = _roster(roster)
    except XxgkError as e:
        _err(str(e))
        raise typer.Exit(BAD_INPUT) from None
    with _library(db) as lib:
        try:
            n = lib.import_agencies(rows)
        except ValueError as e:
            _err(f"{roster}: {e}")
            raise typer.Exit(BAD_INPUT) from None
    typer.echo(f"{roster}: {n} 个机关 agencies")


def _roster(path: Path) -> list[dict[str, Any]]:
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise XxgkError(name, f"无法读取 / cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise XxgkError(name, "名册应为 UTF-8 编码 / the roster must be UTF-8") from None
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return [dict(r) for r in csv.DictReader(io.StringIO(text))]
        if suffix in (".yaml", ".yml"):
            import yaml

            data = yaml.safe_load(text)
        else:
            data = json.loads(text)
    except Exception as e:
        raise XxgkError(name, f"名册格式错误 / invalid roster: {' '.join(str(e).split())[:200]}") from None
    if not isinstance(data, list) or not all(isinstance(x, dict) for x in data):
        raise XxgkError(name, "名册应为对象列表 / the roster must be a list of objects")
    return data


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("compare")(compare_command)
    app.command("aggregate")(aggregate_command)
    app.command("export")(export_command)
    app.command("query")(query_command)
    app.add_typer(agencies_app, name="agencies")


__all__ = ["register"]
