"""A report's three tables as the report prints them, and its findings, for the terminal (rich).

表二 is shown block by block (第二十条第（X）项 with its own columns), 表三 with the seven applicant
columns and its row labels indented under their groups, 表四 as three rows (行政复议 and the two
kinds of 行政诉讼) of five columns. Every label comes from the edition data. Marks: `9*` a cell
inferred from the equations, `?` a cell that could not be read, `—` a cell printed blank/无.
When stdout is not a terminal rich drops the colours; it measures Chinese characters as two columns,
so the plain text stays aligned in a monospaced font.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from rich import box
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .editions import Edition
from .editions import Group as RowGroup
from .model import Cell, Finding, Number, Report

INFERRED_MARK = "*"
MISSING_MARK = "?"
NULL_MARK = "—"
STYLE_INFERRED = "bold cyan"
STYLE_MISSING = "bold red"
STYLE_NULL = "dim"
STYLE_SUSPECT = "bold red underline"
SEVERITY = {  # label, style
    "error": ("错误", "bold red"),
    "warning": ("警告", "yellow"),
    "info": ("提示", "blue"),
}
_INDENT = 2  # columns per level of table 3 row nesting
_MAX_CELLS_LISTED = 4
_MIN_FOLD = 20  # columns kept for the text of a finding however narrow the terminal
_NUM_WIDTH = 6  # table 3 number columns: three Chinese characters, as printed tables fold them


def number(v: Number) -> str:
    """A value as the report prints it: integers plainly, decimals without exponent or float noise."""
    if isinstance(v, int) or float(v).is_integer():
        return str(int(v))
    return format(Decimal(repr(v)), "f")


def cell_text(cell: Cell | None, suspect: bool = False) -> Text:
    if cell is None or cell.status == "missing":
        return Text(MISSING_MARK, style=STYLE_MISSING)
    shown = NULL_MARK if cell.value is None else number(cell.value)
    if cell.status == "inferred":
        text = Text(shown + INFERRED_MARK, style=STYLE_INFERRED)
    else:
        text = Text(shown, style=STYLE_NULL if cell.value is None else "")
    if suspect:
        text.stylize(STYLE_SUSPECT)
    return text


class _Cells:
    """Looks cells up for the tables and remembers which marks were used, for the legend."""

    def __init__(self, report: Report, suspects: set[str]):
        self.report = report
        self.suspects = suspects
        self.used: set[str] = set()

    @property
    def paged(self) -> bool:
        """The report was read from a paged document (PDF): rows show the page they are on."""
        return any(c.source is not None and c.source.page is not None
                   for c in self.report.cells.values())

    def pages(self, keys: list[str]) -> str:
        """"p.3" or "p.3–4": the pages a row's printed cells are on."""
        found = sorted({c.source.page for k in keys if (c := self.report.cells.get(k)) is not None
                        and c.source is not None and c.source.page is not None})
        if not found:
            return ""
        return f"p.{found[0]}" if len(found) == 1 else f"p.{found[0]}–{found[-1]}"

    def __call__(self, key: str) -> Text:
        cell = self.report.cells.get(key)
        if cell is None or cell.status == "missing":
            self.used.add("missing")
        elif cell.status == "inferred":
            self.used.add("inferred")
        elif cell.value is None:
            self.used.add("null")
        if key in self.suspects:
            self.used.add("suspect")
        return cell_text(cell, key in self.suspects)


def _table(title: str | Text, caption: str | None = None) -> Table:
    return Table(title=title, title_justify="left", title_style="bold", caption=caption,
                 caption_justify="left", caption_style="dim", box=box.SQUARE, header_style="bold",
                 show_lines=False, pad_edge=True)


def table2(ed: Edition, cells: _Cells) -> list[Table]:
    out = []
    for block in ed.t2:
        t = _table(block.caption)
        t.add_column("信息内容", min_width=8, overflow="fold")
        for col in block.columns:
            t.add_column(col.label, justify="right")
        if cells.paged:
            t.add_column("页", style="dim")
        for row in block.rows:
            keys = [f"t2.{block.key}.{row.key}.{c.key}" for c in block.columns]
            t.add_row(row.label, *(cells(k) for k in keys), *_page(cells, keys))
        out.append(t)
    return out


def table3(ed: Edition, cells: _Cells) -> Table:
    legal = [c.label for c in ed.t3_columns if c.key not in ("natural_person", "total")]
    # rich has no column spans, so the two header levels of the printed table are spelled out.
    applicants = f"申请人情况：自然人；法人或其他组织（{'、'.join(legal)}）；总计"
    title = Text("表三 收到和处理政府信息公开申请情况")
    title.append(f"\n{applicants}", style="not bold dim")
    t = _table(title,
               caption="本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和")
    t.add_column("", min_width=12, overflow="fold")
    for col in ed.t3_columns:
        t.add_column(Text(col.label, justify="center"), justify="right", max_width=_NUM_WIDTH,
                     overflow="fold")
    if cells.paged:
        t.add_column("页", style="dim")
    groups = {g.key: g for g in ed.t3_groups}
    opened: set[str] = set()
    for row in ed.t3_rows:
        chain = _group_chain(row.group, groups)
        for depth, g in enumerate(chain):
            if g not in opened:  # a group row: label only, no cells of its own
                opened.add(g)
                t.add_row(_indented(groups[g].label, depth),
                          *([""] * (len(ed.t3_columns) + cells.paged)))
        keys = [f"t3.{row.key}.{c.key}" for c in ed.t3_columns]
        t.add_row(_indented(row.label, len(chain)), *(cells(k) for k in keys), *_page(cells, keys))
    return t


def _page(cells: _Cells, keys: list[str]) -> list[str]:
    """The page column's cell, when the report is paged."""
    return [cells.pages(keys)] if cells.paged else []


def _group_chain(group: str | None, groups: dict[str, RowGroup]) -> list[str]:
    """Outermost first."""
    chain: list[str] = []
    while group is not None:
        chain.insert(0, group)
        group = groups[group].parent
    return chain


def _indented(label: str, depth: int) -> RenderableType:
    return Padding(Text(label), (0, 0, 0, depth * _INDENT)) if depth else Text(label)


def table4(ed: Edition, cells: _Cells) -> Table:
    t = _table("表四 政府信息公开行政复议、行政诉讼情况")
    t.add_column("", min_width=8, overflow="fold")
    for col in ed.t4_columns:
        t.add_column(col.label, justify="right")
    if cells.paged:
        t.add_column("页", style="dim")
    for g in ed.t4_groups:
        keys = [f"t4.{g.key}.{c.key}" for c in ed.t4_columns]
        t.add_row(g.label.replace(" > ", "·"), *(cells(k) for k in keys), *_page(cells, keys))
    return t


def legend(used: set[str]) -> Text | None:
    parts = [
        ("inferred", f"9{INFERRED_MARK}", STYLE_INFERRED, "由勾稽关系推定 inferred from the table's equations"),
        ("missing", MISSING_MARK, STYLE_MISSING, "未能读出 not readable"),
        ("null", NULL_MARK, STYLE_NULL, "空白/无 printed blank (counts as 0)"),
        ("suspect", "9", STYLE_SUSPECT, "勾稽关系指出的可疑单元格 suspect cell"),
    ]
    text = Text()
    for kind, mark, style, meaning in parts:
        if kind in used:
            if text:
                text.append("　")
            text.append(mark, style=style)
            text.append(f" {meaning}")
    return text or None


def heading(report: Report) -> Text:
    text = Text()
    title = report.title or " ".join(
        p for p in (report.agency, f"{report.year}年" if report.year else None,
                    "政府信息公开工作年度报告") if p)
    text.append(title, style="bold")
    ed = report.spec
    facts = [f"表格版本 {ed.key}（{ed.notice}）"]
    if report.agency and report.agency not in title:
        facts.append(f"机关 {report.agency}")
    if report.year and str(report.year) not in title:
        facts.append(f"年度 {report.year}")
    if report.published:
        facts.append(f"发布 {report.published.isoformat()}")
    if report.source_form:
        facts.append(f"读取方式 {report.source_form}")
    text.append("\n" + "　".join(facts), style="dim")
    return text


def report_view(report: Report, findings: list[Finding], styled: bool = True) -> Group:
    """Heading, 表二, 表三, 表四, legend, findings. Suspect cells are marked by style alone, so only
    when the output is `styled`; the findings name them anyway."""
    ed = report.spec
    suspects = {f.suspect.cell for f in findings if f.suspect is not None} if styled else set()
    cells = _Cells(report, suspects)
    parts: list[RenderableType] = [heading(report), Text("\n表二 主动公开政府信息情况", style="bold")]
    parts += table2(ed, cells)
    parts += [Text(""), table3(ed, cells), Text(""), table4(ed, cells)]
    note = legend(cells.used)
    if note is not None:
        parts.append(note)
    parts += [Text(""), findings_view(findings)]
    return Group(*parts)


def suspect_line(finding: Finding) -> Text | None:
    """`t3.total_processed.natural_person：印 12，按勾稽关系应为 15`"""
    s = finding.suspect
    if s is None:
        return None
    printed = NULL_MARK if s.printed is None else number(s.printed)
    return Text(f"{s.cell}：印 {printed}，按勾稽关系应为 {number(s.suggested)}")


def finding_view(finding: Finding) -> "Hanging":
    label, style = SEVERITY.get(finding.severity, (finding.severity, ""))
    head = Text()
    head.append(f"{label} ", style=style)
    head.append(f"{finding.rule}  ", style="bold")
    lines = [Text(finding.message)]
    suspect = suspect_line(finding)
    if suspect is not None:
        lines.append(suspect)
    elif finding.cells:
        listed = ", ".join(finding.cells[:_MAX_CELLS_LISTED])
        more = " …" if len(finding.cells) > _MAX_CELLS_LISTED else ""
        lines.append(Text(f"{listed}{more}", style="dim"))
    return Hanging(head, lines)


class Hanging:
    """`head` then `lines`, each folded to the width with continuation lines indented under the
    text. Chinese has no spaces to wrap at, so rich's word wrapping leaves ragged half-empty lines;
    this folds by display width instead, keeping ASCII words and numbers whole where it can."""

    def __init__(self, head: Text, lines: list[Text]):
        self.head = head
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        indent = self.head.cell_len
        width = max(options.max_width - indent, _MIN_FOLD)
        out = Text(no_wrap=True, overflow="ignore", end="\n")
        first = True
        for line in self.lines:
            for part in line.split("\n"):
                for piece in fold(part, width):
                    if not first:
                        out.append("\n")
                    out.append_text(self.head if first else Text(" " * indent))
                    out.append_text(piece)
                    first = False
        yield out


_NO_LINE_START = set("，。、；：？！）》」』”’%…,.;:?!)]")
_NO_LINE_END = set("（《「『“‘([")


def _wordish(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "._-%")


def _no_break(plain: str, at: int) -> bool:
    """Breaking before `plain[at]` would split an ASCII word or number, or strand punctuation
    (Chinese typesetting keeps closing marks off the start of a line, opening marks off its end)."""
    before, after = plain[at - 1], plain[at]
    return (_wordish(before) and _wordish(after)) or after in _NO_LINE_START or before in _NO_LINE_END


def fold(text: Text, width: int) -> list[Text]:
    """Split `text` into lines of at most `width` display columns."""
    plain = text.plain
    offsets: list[int] = []
    start, used = 0, 0
    for i, ch in enumerate(plain):
        w = cell_len(ch)
        if used + w > width and i > start:
            cut = i
            while cut > start and _no_break(plain, cut):
                cut -= 1
            if cut == start:  # no good place (a word longer than the line): cut where it is full
                cut = i
            offsets.append(cut)
            start, used = cut, cell_len(plain[cut:i])
        used += w
    pieces = text.divide(offsets) if offsets else [text]
    out = []
    for piece in pieces:
        lead = len(piece.plain) - len(piece.plain.lstrip(" "))
        piece = piece[lead:] if lead else piece
        piece.rstrip()
        out.append(piece)
    return out


def findings_view(findings: Iterable[Finding]) -> RenderableType:
    findings = list(findings)
    if not findings:
        return Text("检查结果：未发现问题 no findings", style="green")
    counts = {sev: sum(1 for f in findings if f.severity == sev) for sev in SEVERITY}
    summary = "，".join(f"{SEVERITY[s][0]} {n}" for s, n in counts.items() if n)
    parts: list[RenderableType] = [Text(f"检查结果：{summary}", style="bold")]
    order = {sev: i for i, sev in enumerate(SEVERITY)}
    for f in sorted(findings, key=lambda f: order.get(f.severity, len(order))):
        parts.append(finding_view(f))
    return Group(*parts)


def print_report(console: Console, report: Report, findings: list[Finding]) -> None:
    console.print(report_view(report, findings, styled=console.color_system is not None))
