"""F1–F4: the report against the national format (edition, sections, headings, cells)."""

from __future__ import annotations

import functools
import re

from .. import editions
from ..model import Finding
from ..textnorm import fold
from .context import Context
from .labels import cells_en, cells_zh

# Leading numbering of a folded heading: 一、 / 4、 / （四） all fold to a numeral prefix.
_NUMBERING = re.compile(r"^(?:第?[一二三四五六七八九十]+部分|[一二三四五六七八九十]+|\d+)")


def edition_year(ctx: Context) -> list[Finding]:
    """F1: 2019/2020 reports use the 2019 edition, 2021 on the 2021 edition."""
    r = ctx.report
    if r.year is None or r.year < editions.get(editions.EDITION_KEYS[0]).first_year:
        return []
    want = editions.for_year(r.year)
    if want.key == r.edition:
        return []
    got = r.spec
    return [Finding(
        "F1", "warning", [],
        f"{r.year}年度报告应使用{want.notice}印发的{want.key}版格式，"
        f"但表格按{got.notice}的{got.key}版格式填报。",
        f"A {r.year} report must use the {want.key} edition ({want.notice}) but its tables follow "
        f"the {got.key} edition ({got.notice}).",
        want.key, got.key)]


def sections_present(ctx: Context) -> list[Finding]:
    """F2: all six sections present."""
    r = ctx.report
    printed = {s.key for s in r.sections if not s.missing}
    missing = [s for s in r.spec.sections if s.key not in printed]
    if not missing:
        return []
    return [Finding(
        "F2", "warning", [],
        f"报告缺少{len(missing)}个规定部分：{'、'.join(s.heading for s in missing)}。",
        f"Missing section(s): {', '.join(s.key for s in missing)}.",
        len(r.spec.sections), len(r.spec.sections) - len(missing))]


@functools.lru_cache(maxsize=1024)
def _core(heading: str) -> str:
    """A heading without its numbering, folded (headings recur: remembered)."""
    return _NUMBERING.sub("", fold(heading))


def headings(ctx: Context) -> list[Finding]:
    """F3 (info): a section heading worded differently from the official one."""
    r = ctx.report
    official = {s.key: s.heading for s in r.spec.sections}
    out = []
    for s in r.sections:
        want = official.get(s.key)
        if s.heading is None or want is None or _core(s.heading) == _core(want):
            continue
        out.append(Finding(
            "F3", "info", [],
            f"第{s.number}部分标题印为“{s.heading.strip()}”，规定标题为“{want}”。",
            f"Section {s.number} is headed \"{s.heading.strip()}\"; the format's heading is "
            f"\"{want}\".", want, s.heading.strip()))
    return out


def cells_present(ctx: Context) -> list[Finding]:
    """F4: cells of the edition that are absent or could not be read."""
    r = ctx.report
    absent = [k for k in r.spec.cell_keys() if k not in r.cells or r.cells[k].status == "missing"]
    if not absent:
        return []
    return [Finding(
        "F4", "warning", absent,
        f"有{len(absent)}个单元格缺失或无法读取：{cells_zh(r.edition, absent, limit=6)}。",
        f"{len(absent)} cell(s) absent or unreadable: {cells_en(absent, limit=6)}.",
        len(r.spec.cell_keys()), len(r.spec.cell_keys()) - len(absent))]
