"""The rule catalogue: every check xxgk makes, as data.

Each `Rule` says what it is (id, severity, Chinese and English title), what it needs beyond the
tables (last year's report, the narrative, the publication date), which editions it applies to, and
the function producing its findings. `run` in `xxgk.checks` walks this list; documentation and the
CLI can list it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Literal

from ..model import Finding, Severity
from . import crossyear, hard, narrative, plausibility, structure
from .context import Context
from .deadline import deadline_findings

Need = Literal["previous", "narrative", "published"]


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity  # the severity of a breach; a rule may add info findings
    title: str
    title_en: str
    check: Callable[[Context], list[Finding]] = field(repr=False)
    needs: frozenset[Need] = frozenset()
    editions: tuple[str, ...] | None = None  # None: every edition

    def applies(self, ctx: Context) -> bool:
        if self.editions is not None and ctx.report.edition not in self.editions:
            return False
        have = {"previous": ctx.previous is not None,
                "narrative": bool(ctx.report.sections),
                "published": ctx.has_date}
        return all(have[n] for n in self.needs)


def _both(*checks: Callable[[Context], list[Finding]]) -> Callable[[Context], list[Finding]]:
    def run(ctx: Context) -> list[Finding]:
        return [f for c in checks for f in c(ctx)]
    return run


RULES: tuple[Rule, ...] = (
    Rule("H1", "error", "表三各列：一 + 二 = （七）总计 + 四",
         "table 3, each column: new + carried over = total processed + carried forward",
         partial(hard.equation_findings, rule="H1")),
    Rule("H2", "error", "表三各行：总计 = 各申请人列之和（总计空白为未填写）",
         "table 3, each row: total = sum of the applicant columns (a blank total is not filled)",
         _both(partial(hard.equation_findings, rule="H2"), hard.blank_totals_finding)),
    Rule("H3", "error", "表三各列：（七）总计 = （一）至（六）之和",
         "table 3, each column: total processed = sum of outcomes (一)–(六)",
         partial(hard.equation_findings, rule="H3")),
    Rule("H4", "error", "表四行政复议：总计 = 维持 + 纠正 + 其他 + 尚未审结",
         "table 4, administrative review: total = sum of results",
         partial(hard.equation_findings, rule="H4")),
    Rule("H5", "error", "表四未经复议直接起诉：总计 = 维持 + 纠正 + 其他 + 尚未审结",
         "table 4, direct litigation: total = sum of results",
         partial(hard.equation_findings, rule="H5")),
    Rule("H6", "error", "表四复议后起诉：总计 = 维持 + 纠正 + 其他 + 尚未审结",
         "table 4, litigation after review: total = sum of results",
         partial(hard.equation_findings, rule="H6")),
    Rule("H7", "error", "件数为非负整数，增减数为整数，金额不为负",
         "counts are non-negative integers, changes integers, amounts non-negative",
         hard.value_findings),
    Rule("P1", "warning", "上年结转 = 上年报告的结转下年度继续办理",
         "carried over = last year's carried forward",
         _both(crossyear.not_comparable, crossyear.carry_over), needs=frozenset({"previous"})),
    Rule("P2", "warning", "现行有效件数 = 上年现行有效 + 本年制发 − 本年废止",
         "in force = last year's in force + issued − repealed",
         crossyear.in_force, needs=frozenset({"previous"}), editions=("2021",)),
    Rule("P3", "warning", "上一年项目数量 = 上年报告的上一年项目数量 + 本年增/减",
         "previous items = last year's previous items + its change",
         crossyear.item_counts, needs=frozenset({"previous"}), editions=("2019",)),
    Rule("P4", "warning", "正文所述数字与表格一致", "figures in the narrative match the tables",
         narrative.quoted_figures, needs=frozenset({"narrative"})),
    Rule("P5", "warning", "对外公开总数量不少于本年新公开数量",
         "total published ≥ newly published this year",
         plausibility.published_totals, editions=("2019",)),
    Rule("P6", "warning", "金额单位统一为万元且数额合理", "amounts in 万元 and of a plausible size",
         plausibility.units),
    Rule("F1", "warning", "表格版本与报告年度相符", "the edition matches the report year",
         structure.edition_year),
    Rule("F2", "warning", "六个规定部分齐全", "all six sections present",
         structure.sections_present, needs=frozenset({"narrative"})),
    Rule("F3", "info", "部分标题与规定标题一致", "section headings as in the format",
         structure.headings, needs=frozenset({"narrative"})),
    Rule("F4", "warning", "表格行和单元格齐全", "no rows or cells missing", structure.cells_present),
    Rule("F5", "warning", "按《条例》第四十九条规定的期限发布",
         "published by the deadline of Article 49", deadline_findings,
         needs=frozenset({"published"})),
    Rule("F6", "warning", "正文并非照搬上年报告", "narrative not copied from last year",
         narrative.copied_sections, needs=frozenset({"previous", "narrative"})),
)


def rule(rule_id: str) -> Rule:
    """The catalogue entry for `rule_id`."""
    for r in RULES:
        if r.id == rule_id:
            return r
    raise KeyError(f"unknown rule {rule_id!r}")
