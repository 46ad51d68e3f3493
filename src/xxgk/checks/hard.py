"""H1–H7: the hard equalities of tables 3 and 4, and what a value may be."""

from __future__ import annotations

from ..model import Finding, Number, Severity, Suspect
from .context import Context
from .labels import cell_zh, cells_en, cells_zh, num, plain
from .localise import Explanation, admissible
from .system import Effective

# Say that detail-row totals were left blank once this many rows with figures have none.
MANY_BLANK_TOTALS = 3


def equation_findings(ctx: Context, rule: str) -> list[Finding]:
    """One finding per failed equation of `rule` ("H1" … "H6")."""
    return [_failure(ctx, eq) for eq in ctx.failed if eq.rule == rule]


def _failure(ctx: Context, eq: Effective) -> Finding:
    ed = ctx.report.edition
    plus, minus = eq.sides(ctx.values)
    diff = plain(plus - minus)
    expected, actual = _expected_actual(eq, plus, minus)
    unread = [k for k in eq.keys if k in ctx.unread]
    nulls = [k for k in eq.keys if ctx.values.get(k) is None and k not in unread]
    zh = [f"勾稽关系不成立：{eq.origin.zh}。{_sides_zh(eq, plus, minus)}，相差{num(abs(diff))}。"]
    en = [f"{eq.origin.en} does not hold: {_sides_en(eq, plus, minus)}, "
          f"difference {num(abs(diff))}."]
    if eq.substituted:
        zh.append(f"{cells_zh(ed, eq.substituted)}空白，按该行各列之和计。")
        en.append(f"Blank row total(s) {cells_en(eq.substituted)} taken as the sum of the row.")
    if nulls:
        zh.append(f"{cells_zh(ed, nulls)}空白，按0计。")
        en.append(f"Blank cell(s) {cells_en(nulls)} counted as 0.")
    if unread:
        zh.append(f"{cells_zh(ed, unread)}缺失或未能读取，本项结果仅供参考。")
        en.append(f"Cell(s) {cells_en(unread)} are absent or could not be read; treat this result "
                  f"with care.")
    explanation = ctx.explanations.get(eq.id)
    suspect = None
    if explanation is not None:
        suspect = explanation.suspect_for(eq)
        zh.append(_suspect_zh(ed, explanation))
        en.append(_suspect_en(explanation))
    severity: Severity = "warning" if unread else "error"
    cells = list(dict.fromkeys(eq.origin.keys + eq.keys))
    return Finding(eq.rule, severity, cells, "".join(zh), " ".join(en), expected, actual, suspect)


def _sides_zh(eq: Effective, plus: Number, minus: Number) -> str:
    if eq.rule == "H1":  # the words of the note printed in the table's corner
        return f"第一项加第二项之和为{num(plus)}，第三项加第四项之和为{num(minus)}"
    return f"总计为{num(plus)}，各项之和为{num(minus)}"


def _sides_en(eq: Effective, plus: Number, minus: Number) -> str:
    if eq.rule == "H1":
        return f"new + carried over = {num(plus)}, total processed + carried forward = {num(minus)}"
    return f"the total is {num(plus)}, its parts add up to {num(minus)}"


def _expected_actual(eq: Effective, plus: Number, minus: Number) -> tuple[Number, Number]:
    """A printed total is the actual value and its parts the expected one; for H1 the received
    applications (一 + 二) are expected and the handled ones (（七）+ 四) actual."""
    if len(eq.origin.plus) == 1:
        return plain(minus), plain(plus)
    return plain(plus), plain(minus)


def _change_zh(ed: str, s: Suspect) -> str:
    return f"{cell_zh(ed, s.cell)}（填报{num(s.printed)}，按勾稽关系应为{num(s.suggested)}）"


def _change_en(s: Suspect) -> str:
    return f"{s.cell}: printed {num(s.printed)}, the rules give {num(s.suggested)}"


def _suspect_zh(ed: str, ex: Explanation) -> str:
    text = "最可能有误的是" + "和".join(_change_zh(ed, s) for s in ex.changes)
    if ex.alternatives:
        others = "；".join("和".join(_change_zh(ed, s) for s in alt) for alt in ex.alternatives)
        text += f"；也可能是{others}"
    return text + "。"


def _suspect_en(ex: Explanation) -> str:
    text = "Most likely wrong: " + "; ".join(_change_en(s) for s in ex.changes)
    if ex.alternatives:
        others = " | ".join("; ".join(_change_en(s) for s in alt) for alt in ex.alternatives)
        text += f". Other possibilities: {others}"
    return text + "."


def blank_totals_finding(ctx: Context) -> list[Finding]:
    """H2 (info, once): detail rows with figures but a blank 总计 are "not filled"."""
    ed = ctx.report.spec
    rows = [r for r in ed.t3_rows
            if ctx.values.get(f"t3.{r.key}.total") is None
            and any(ctx.values.get(f"t3.{r.key}.{c.key}") is not None
                    for c in ed.t3_columns if c.key != "total")]
    if len(rows) < MANY_BLANK_TOTALS:
        return []
    keys = [f"t3.{r.key}.total" for r in rows]
    return [Finding(
        "H2", "info", keys,
        f"表三有{len(rows)}行填了各申请人列但“总计”列空白，这些行的横向勾稽关系（H2）未填写、未核对；"
        f"核对其他勾稽关系时，空白的总计按该行各列之和计。",
        f"{len(rows)} rows of table 3 have applicant figures but a blank total: H2 is not filled "
        f"there and was not checked; other equations take those totals as the row sums.")]


def value_findings(ctx: Context) -> list[Finding]:
    """H7: counts are non-negative integers, 本年增/减 an integer, amounts non-negative."""
    spec = ctx.report.spec
    out = []
    values = ctx.values
    for key, cs in spec.cells.items():
        v = values.get(key)
        if v is None or (type(v) is int and (v >= 0 or cs.kind == "signed")):
            continue  # the common case, admissible in every kind
        if admissible(v, cs.kind):
            continue
        zh, en = _kind_rule(cs.kind)
        out.append(Finding("H7", "error", [key],
                           f"{cell_zh(spec.key, key)}填报{num(v)}，{zh}。",
                           f"{key} is {num(v)}: {en}.", None, plain(v)))
    return out


def _kind_rule(kind: str) -> tuple[str, str]:
    if kind == "count":
        return "件数应为非负整数", "counts are non-negative integers"
    if kind == "signed":
        return "增减数应为整数", "a change in the number of items is an integer"
    return "金额不能为负数", "an amount cannot be negative"
