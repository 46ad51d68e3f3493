"""P1–P3: this year's report against last year's."""

from __future__ import annotations

from ..model import Finding, Number, Report
from .context import Context
from .labels import cell_zh, num, plain


def not_comparable(ctx: Context) -> list[Finding]:
    """Said once (under P1) when the report given as last year's is not."""
    prev, cur = ctx.previous, ctx.report
    if prev is None or ctx.comparable_previous is not None:
        return []
    what = (f"{prev.year}年度{prev.agency or ''}", f"{prev.year} report of {prev.agency or '?'}")
    return [Finding(
        "P1", "info", [],
        f"作为上年报告提供的是{what[0]}的报告，与本报告（{cur.year}年度{cur.agency or ''}）"
        f"不是同一机关的相邻年度，未做跨年度核对。",
        f"The report given as last year's ({what[1]}) is not the previous year of the same agency "
        f"({cur.year}, {cur.agency or '?'}); cross-year checks were skipped.")]


def _read(report: Report, key: str) -> tuple[Number, bool] | None:
    """(value with null as 0, whether it was null), or None when the cell could not be read."""
    c = report.cells.get(key)
    if c is None or c.status == "missing":
        return None
    return (0 if c.value is None else c.value), c.value is None


def carry_over(ctx: Context) -> list[Finding]:
    """P1: 二、上年结转 = last year's 四、结转下年度继续办理, per column."""
    prev, cur = ctx.comparable_previous, ctx.report
    if prev is None:
        return []
    out = []
    for col in cur.spec.t3_columns:
        this_key, last_key = f"t3.carried_over.{col.key}", f"t3.carried_forward.{col.key}"
        this, last = _read(cur, this_key), _read(prev, last_key)
        if this is None or last is None or abs(this[0] - last[0]) < 1e-6:
            continue
        note_zh = "（空白按0计）" if this[1] or last[1] else ""
        note_en = " (blank counted as 0)" if this[1] or last[1] else ""
        out.append(Finding(
            "P1", "warning", [this_key],
            f"{cell_zh(cur.edition, this_key)}为{num(this[0])}，但上年报告"
            f"{cell_zh(prev.edition, last_key)}为{num(last[0])}，两者应相等{note_zh}。",
            f"{this_key} is {num(this[0])} but last year's {last_key} is {num(last[0])}; "
            f"they should be equal{note_en}.",
            plain(last[0]), plain(this[0])))
    return out


def in_force(ctx: Context) -> list[Finding]:
    """P2 (2021 edition both years): 现行有效 = last year's 现行有效 + 本年制发 − 本年废止."""
    prev, cur = ctx.comparable_previous, ctx.report
    if prev is None or cur.edition != "2021" or prev.edition != "2021":
        return []
    out = []
    for row in ("regulations", "normative_docs"):
        base = f"t2.art20_1.{row}"
        keys = {"now": f"{base}.in_force", "issued": f"{base}.issued",
                "repealed": f"{base}.repealed"}
        read = {n: _read(cur, k) for n, k in keys.items()}
        last = _read(prev, keys["now"])
        if last is None or any(r is None for r in read.values()):
            continue
        if all(r[1] for r in read.values()) and last[1]:
            continue  # nothing printed either year
        expected = last[0] + read["issued"][0] - read["repealed"][0]
        actual = read["now"][0]
        if abs(expected - actual) < 1e-6:
            continue
        blank = last[1] or any(r[1] for r in read.values())
        out.append(_p2_finding(cur.edition, keys, last[0], read, expected, actual, blank))
    return out


def _p2_finding(ed: str, keys: dict[str, str], last: Number,
                read: dict[str, tuple[Number, bool]], expected: Number,
                actual: Number, blank: bool) -> Finding:
    issued, repealed = read["issued"][0], read["repealed"][0]
    note_zh = "（空白按0计）" if blank else ""
    return Finding(
        "P2", "warning", list(keys.values()),
        f"{cell_zh(ed, keys['now'])}为{num(actual)}，但按上年现行有效{num(last)}件 + 本年制发"
        f"{num(issued)}件 − 本年废止{num(repealed)}件，应为{num(plain(expected))}件{note_zh}。",
        f"{keys['now']} is {num(actual)}, but last year's {num(last)} + issued {num(issued)} − "
        f"repealed {num(repealed)} gives {num(plain(expected))}"
        + (" (blank counted as 0)" if blank else "") + ".",
        plain(expected), plain(actual))


# 2019 table-2 rows with 上一年项目数量 and 本年增/减.
_ITEM_ROWS = ("art20_5.licensing", "art20_5.other_services", "art20_6.penalty", "art20_6.coercion",
              "art20_8.fees")


def item_counts(ctx: Context) -> list[Finding]:
    """P3 (2019 edition both years): 上一年项目数量 ≈ last year's 上一年项目数量 + 本年增/减."""
    prev, cur = ctx.comparable_previous, ctx.report
    if prev is None or cur.edition != "2019" or prev.edition != "2019":
        return []
    out = []
    for row in _ITEM_ROWS:
        key_prev, key_delta = f"t2.{row}.prev_items", f"t2.{row}.delta_items"
        this = cur.cells.get(key_prev)
        last_items, last_delta = prev.cells.get(key_prev), prev.cells.get(key_delta)
        if this is None or last_items is None or last_delta is None:
            continue
        if this.value is None or last_items.value is None:
            continue  # a blank item count says nothing about the number of items
        expected = last_items.value + (last_delta.value or 0)
        if abs(expected - this.value) < 1e-6:
            continue
        diff = plain(this.value - expected)
        out.append(Finding(
            "P3", "warning", [key_prev],
            f"{cell_zh(cur.edition, key_prev)}为{num(this.value)}，但上年报告的上一年项目数量"
            f"{num(last_items.value)}加本年增/减{num(last_delta.value or 0)}为{num(plain(expected))}，"
            f"相差{num(diff)}。",
            f"{key_prev} is {num(this.value)}, but last year's {num(last_items.value)} plus its "
            f"change {num(last_delta.value or 0)} is {num(plain(expected))} "
            f"(difference {num(diff)}).",
            plain(expected), plain(this.value)))
    return out

