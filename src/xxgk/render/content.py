"""A report as the sequence of printed blocks every writer lays out: the title, the six section
headings with their narrative, the three tables in the official layout, the signature.

The writers differ only in how they print a block; what is printed, and in which order, is decided
here once, so a DOCX, an HTML page, a Markdown file and a workbook of one report say the same.

- Title: `<agency><year>年政府信息公开工作年度报告` (the form the national format gives), whatever
  title the input carried, so the agency and year read back exactly.
- Headings: the edition's six section headings, in order, every one printed (a section the report
  lacks still gets its heading; its narrative is empty).
- Narrative: each line of a section's text is a paragraph; a short line opening with （一）…（九）
  is a sub-heading ("（一）主动公开").
- Tables: after the narrative of 二, 三 and 四; values as the format prints them (integers, signed
  本年增/减 with "-", 万元 amounts as plain decimals), a null cell blank (or the null mark the report
  printed: "—", "/", "无").
- Signature: the agency and the publication date, when known.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal, Union

import functools

from .. import editions
from ..model import Number, Report
from ..textnorm import fold
from ..values import is_null_mark
from .layout import TABLE_SECTIONS, TABLES, TableLayout, table_layout

TITLE_TAIL = "政府信息公开工作年度报告"
_SUBHEADING = re.compile(r"^[（(][一二三四五六七八九十][)）]")
_MAX_SUBHEADING = 24


@dataclass(frozen=True)
class Text:
    kind: Literal["title", "heading", "subheading", "paragraph", "signature", "date"]
    text: str


@dataclass(frozen=True)
class TableBlock:
    layout: TableLayout
    values: dict[str, str] = field(hash=False)  # cell key → printed text

    kind: Literal["table"] = "table"


Block = Union[Text, TableBlock]


def title_of(report: Report) -> str:
    year = f"{report.year}年" if report.year is not None else ""
    return f"{report.agency or ''}{year}{TITLE_TAIL}"


def number_text(value: Number) -> str:
    """A number as the format prints it: integers plainly, decimals without float noise."""
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return format(Decimal(repr(value)).normalize(), "f")


def value_text(report: Report, key: str, *, keep_null_marks: bool = True) -> str:
    """The printed text of a cell: its value, or for a null cell blank (or the null mark the
    report printed, when `keep_null_marks`)."""
    cell = report.cells.get(key)
    if cell is None or cell.value is None:
        raw = (cell.raw or "").strip() if cell is not None else ""
        return raw if keep_null_marks and raw and is_null_mark(raw) else ""
    return number_text(cell.value)


def cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def is_subheading(line: str) -> bool:
    return bool(_SUBHEADING.match(line)) and len(line) <= _MAX_SUBHEADING


def narrative_lines(text: str) -> list[Text]:
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            out.append(Text("subheading" if is_subheading(line) else "paragraph", line))
    return out


_DATE_LINE = re.compile(r"^\s*(?:20\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|20\d{2}-\d{1,2}-\d{1,2})\s*$")


def _without_signature(text: str, report: Report) -> str:
    """A parsed report keeps its signature (agency, date) as the last lines of its last section;
    the writers print the signature themselves, so it is dropped from the narrative."""
    lines = text.rstrip().split("\n")
    agency = re.sub(r"\s+", "", report.agency or "")
    while lines and (_DATE_LINE.match(lines[-1])
                     or (agency and re.sub(r"\s+", "", lines[-1]) == agency)):
        lines.pop()
    return "\n".join(lines)


_SENTENCE = re.compile(r"[。，；：！？,;:!?]")
# What table text holds besides labels: numbers, signs, units and null marks.
_TABLE_RESIDUE = re.compile(r"[\d.增减万亿元件个项条无空]+")


@functools.cache
def _table_words(edition: str) -> tuple[str, ...]:
    """Every label the tables print (folded), longest first, with the edition's label keywords."""
    ed = editions.get(edition)
    words = {fold(c.text) for t in TABLES for row in table_layout(edition, t).rows for c in row
             if c.text}
    words |= {fold(k) for b in ed.t2 for x in (*b.rows, *b.columns) for k in x.keywords}
    words |= {fold(k) for x in (*ed.t3_rows, *ed.t3_columns, *ed.t3_groups, *ed.t4_groups,
                                *ed.t4_columns) for k in x.keywords}
    words |= {fold(g.label) for g in (*ed.t3_groups, *ed.t4_groups)}
    return tuple(sorted((w for w in words if w), key=len, reverse=True))


def is_table_text(line: str, edition: str) -> bool:
    """A narrative line that is a table's text, left in the narrative when a report's tables were
    read from web-copied text ("信息内容上一年项目数量本年增/减处理决定数量", "行政许可 12 0 356",
    "000000000000000"): no sentence punctuation, and nothing left once the table's labels,
    numbers and units are taken out. Printed again as a paragraph it would be noise, and read
    back it would compete with the table."""
    if _SENTENCE.search(line):
        return False
    rest = fold(line)
    for word in _table_words(edition):
        if word in rest:
            rest = rest.replace(word, "")
    return len(_TABLE_RESIDUE.sub("", rest)) <= 1


def blocks(report: Report, *, keep_null_marks: bool = True) -> list[Block]:
    """The report as printed blocks, in order."""
    ed = editions.get(report.edition)
    tables = {section: table for table, section in TABLE_SECTIONS.items()}
    out: list[Block] = [Text("title", title_of(report))]
    for spec in ed.sections:
        out.append(Text("heading", spec.heading))
        section = report.section(spec.key)
        if section is not None and section.text:
            lines = narrative_lines(_without_signature(section.text, report))
            if spec.key in tables:
                lines = [t for t in lines if not is_table_text(t.text, ed.key)]
            out += lines
        if spec.key in tables:
            layout = table_layout(ed.key, tables[spec.key])
            out.append(TableBlock(layout, {k: value_text(report, k, keep_null_marks=keep_null_marks)
                                           for k in layout.keys()}))
    if report.agency:
        out.append(Text("signature", report.agency))
    if report.published is not None:
        out.append(Text("date", cn_date(report.published)))  # the date line of the signature
    return out
