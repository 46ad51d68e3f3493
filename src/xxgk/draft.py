"""Next year's report skeleton from this year's: the right edition, the figures that carry over,
and the section headings to write under.

    d = draft(last_year_report, 2024)
    d.report        # the skeleton: every cell blank ("待填写") except the carried ones
    d.carried       # what was carried, from which cell of last year's report, by which rule
    d.not_carried   # what a draft would carry but cannot, and why — never guessed

What carries (FORMAT.md, the cross-year rules):
- P1: 二、上年结转 = last year's 四、结转下年度继续办理, column by column;
- P2 (2021 edition): 现行有效件数 starts the year at last year's 现行有效件数 (this year's 制发 and
  废止 change it as they are filled in);
- P3 (2019 edition): 上一年项目数量 = last year's 上一年项目数量 + its 本年增/减.
A blank cell last year counts as 0 where the format says so (P1, P2); a cell that could not be
read, or that last year's edition does not have (a 2019-edition report has no 现行有效件数: its
对外公开总数量 counts something else), is listed as not carried. A 2019-edition report drafting a
2021 report is thereby upgraded to the 2021 layout.

Sections: the edition's six headings; 一、总体情况 of the 2021 format with its five sub-headings
(主动公开, 依申请公开, 政府信息管理, 政府信息公开平台建设, 监督保障); 六、其他需要报告的事项 with
its usual items; the rest empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import editions
from .checks.labels import cell_zh, plain
from .editions import CellSpec
from .model import Cell, Number, Report, Section

TO_FILL = "待填写 / to be filled"

# Section text of a skeleton, per edition: one line per sub-heading or item.
SKELETON: dict[str, dict[str, tuple[str, ...]]] = {
    "2021": {
        # 国办公开办函〔2021〕30号: 总体情况 covers these five.
        "overview": ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理",
                     "（四）政府信息公开平台建设", "（五）监督保障"),
        "other": ("（一）收取信息处理费情况", "（二）落实上级年度政务公开工作要点情况",
                  "（三）人大代表建议和政协提案办理结果公开情况", "（四）年度政务公开工作创新情况"),
    },
    "2019": {
        "other": ("（一）落实上级年度政务公开工作要点情况",
                  "（二）人大代表建议和政协提案办理结果公开情况"),
    },
}


class DraftError(ValueError):
    """The draft cannot be made (e.g. the year does not follow last year's report)."""


@dataclass(frozen=True)
class Carried:
    key: str  # the cell of the draft
    value: Number
    sources: tuple[str, ...]  # the cells of last year's report it comes from
    rule: str  # P1 | P2 | P3
    note: str  # Chinese, e.g. "上年空白，按0计"

    def line(self, edition: str) -> str:
        note = f"；{self.note}" if self.note else ""
        return f"{cell_zh(edition, self.key)} = {self.value}（{self.rule}{note}）"


@dataclass(frozen=True)
class NotCarried:
    key: str
    rule: str
    reason: str  # Chinese
    reason_en: str

    def line(self, edition: str) -> str:
        return f"{cell_zh(edition, self.key)}：{self.reason}"


@dataclass
class Draft:
    report: Report
    source_edition: str
    carried: list[Carried] = field(default_factory=list)
    not_carried: list[NotCarried] = field(default_factory=list)

    @property
    def upgraded(self) -> bool:
        return self.source_edition != self.report.edition


@dataclass(frozen=True)
class _Carry:
    """One cross-year rule: which cells of the draft it fills, from which cells of last year's
    report, and how blank sources count."""

    rule: str
    applies: Callable[[CellSpec], bool]
    sources: Callable[[str], tuple[str, ...]]  # draft key → last year's keys (summed)
    blank_is_zero: bool  # the format counts a blank as 0 here


def _t3_column(key: str) -> str:
    return key.rsplit(".", 1)[1]


_CARRIES = (
    _Carry("P1", lambda s: s.table == "t3" and s.row == "carried_over",
           lambda k: (f"t3.carried_forward.{_t3_column(k)}",), True),
    _Carry("P2", lambda s: s.table == "t2" and s.column == "in_force",
           lambda k: (k,), True),
    _Carry("P3", lambda s: s.table == "t2" and s.column == "prev_items",
           lambda k: (k, k.rsplit(".", 1)[0] + ".delta_items"), False),
)


def _carry(last: Report, spec: CellSpec, carry: _Carry) -> Carried | NotCarried:
    sources = carry.sources(spec.key)
    known = editions.get(last.edition).cells
    absent = [k for k in sources if k not in known]
    if absent:
        return NotCarried(
            spec.key, carry.rule,
            f"上年报告使用{last.edition}版表格，没有可结转的对应项，未予推算，请按实际填写",
            f"last year's report uses the {last.edition} edition, which has no cell to carry "
            f"this from; not guessed")
    cells = [last.cells.get(k) for k in sources]
    unread = [k for k, c in zip(sources, cells) if c is None or c.status == "missing"]
    if unread:
        return NotCarried(
            spec.key, carry.rule,
            f"上年报告的{cell_zh(last.edition, unread[0])}缺失或未能读取，未予推算，请按实际填写",
            f"last year's {unread[0]} is missing or unreadable; not guessed")
    blanks = [k for k, c in zip(sources, cells) if c is not None and c.value is None]
    if blanks and not carry.blank_is_zero and sources[0] in blanks:
        return NotCarried(
            spec.key, carry.rule,
            f"上年报告的{cell_zh(last.edition, sources[0])}为空白，无从推算，请按实际填写",
            f"last year's {sources[0]} is blank; nothing to carry")
    value = plain(sum((c.value or 0) for c in cells if c is not None))
    note = "上年空白，按0计" if blanks else ""
    return Carried(spec.key, value, sources, carry.rule, note)


def _sections(edition: str) -> list[Section]:
    ed = editions.get(edition)
    texts = SKELETON.get(edition, {})
    return [Section(s.key, s.number, s.heading, "\n".join(texts.get(s.key, ()))) for s in ed.sections]


def draft(last: Report, year: int, agency: str | None = None) -> Draft:
    """The skeleton of the `year` report following `last` (last year's report)."""
    if last.year is not None and year != last.year + 1:
        raise DraftError(f"草稿年度应为上年报告年度的下一年（{last.year + 1}），而不是 {year} / the draft "
                         f"year must follow last year's report ({last.year + 1}), not {year}")
    ed = editions.for_year(year)
    cells: dict[str, Cell] = {}
    carried: list[Carried] = []
    not_carried: list[NotCarried] = []
    for key, spec in ed.cells.items():
        outcome: Carried | NotCarried | None = None
        for carry in _CARRIES:
            if carry.applies(spec):
                outcome = _carry(last, spec, carry)
                break
        if isinstance(outcome, Carried):
            carried.append(outcome)
            cells[key] = Cell(outcome.value, str(outcome.value), None, "read", rule=outcome.rule,
                              note="由上年报告结转 / carried from last year's report")
        else:
            if isinstance(outcome, NotCarried):
                not_carried.append(outcome)
            cells[key] = Cell(None, None, None, "missing", note=TO_FILL)
    report = Report(edition=ed.key, year=year, agency=agency or last.agency,
                    cells=cells, sections=_sections(ed.key), source_form="draft")
    return Draft(report, last.edition, carried, not_carried)


__all__ = ["Carried", "Draft", "DraftError", "NotCarried", "SKELETON", "TO_FILL", "draft"]
