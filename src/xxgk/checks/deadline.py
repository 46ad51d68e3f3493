"""F5: published by the deadline of 条例第四十九条.

County-level-and-above departments publish their report by 1月31日 of the next year; governments
(their report compiled by the 政府信息公开工作主管部门) by 3月31日. Whether an agency is a government
is read from its name.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from ..model import Finding
from ..textnorm import nfkc
from .context import Context

AgencyKind = Literal["government", "department"]

# A name ending so is a government (or a body that reports like one): 桦川县人民政府, 某区政府,
# 某开发区管委会/管理委员会, 某街道办事处. 某市人民政府办公室 ends otherwise: it is a department.
GOVERNMENT_SUFFIXES = ("人民政府", "政府", "管委会", "管理委员会", "办事处")
_TRAILING = re.compile(r"[（(【\[][^（(【\[）)】\]]*[）)】\]]$")


def agency_kind(name: str | None) -> AgencyKind | None:
    """"government", "department", or None when there is no name."""
    if not name or not name.strip():
        return None
    core = nfkc(name).strip()
    while True:  # drop trailing remarks such as "（本级）"
        stripped = _TRAILING.sub("", core).strip()
        if stripped == core or not stripped:
            break
        core = stripped
    return "government" if core.endswith(GOVERNMENT_SUFFIXES) else "department"


def deadline(year: int, kind: AgencyKind | None) -> dt.date:
    """The last day to publish the report for `year`. Unknown kind: the later, government date."""
    return dt.date(year + 1, 1, 31) if kind == "department" else dt.date(year + 1, 3, 31)


def deadline_findings(ctx: Context) -> list[Finding]:
    r = ctx.report
    if r.published is None or r.year is None:
        return []
    kind = agency_kind(r.agency)
    due = deadline(r.year, kind)
    if r.published <= due:
        return []
    late = (r.published - due).days
    who = {"government": ("政府", "a government"), "department": ("部门", "a department"),
           None: ("机关（未能判断是政府还是部门，按较晚的政府期限计）",
                  "an agency of unknown kind (the later government deadline applies)")}[kind]
    return [Finding(
        "F5", "warning", [],
        f"{r.year}年度报告于{_zh_date(r.published)}发布，晚于《条例》第四十九条规定的"
        f"{_zh_date(due)}（{who[0]}），逾期{late}天。",
        f"The {r.year} report was published on {r.published.isoformat()}, {late} day(s) after the "
        f"deadline of Article 49 for {who[1]} ({due.isoformat()}).",
        due.isoformat(), r.published.isoformat())]


def _zh_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
