"""Document → Report: locate sections and tables, map them to the edition's cells by labels, and
reconcile what extraction lost with the rules.

    from xxgk.readers import read_path
    from xxgk.parse import parse_document
    report = parse_document(read_path(path))
"""

from __future__ import annotations

from .. import editions, rules
from ..document import Document
from ..errors import NotAReport
from ..model import Cell, Finding, Report
from ..textnorm import fold
from . import meta
from .edition import detect
from .pieces import Line, lines_of
from .reconcile import MISSING, Outcome, RowChoice, reconcile
from .sections import find_headings, sections_of
from .tables import observe_t2, observe_t3, observe_t4, t2_choices, t3_choices, t4_choice

__all__ = ["parse_document"]


def _find(lines: list[Line], words: tuple[str, ...], start: int, end: int) -> int | None:
    for i in range(max(start, 0), end):
        f = "".join(fold(p.text) for p in lines[i].pieces if p.kind == "label")
        if any(w in f for w in words):
            return i
    return None


def _regions(lines: list[Line], headings) -> dict[str, tuple[int, int]]:
    n = len(lines)
    h = {k: v.line for k, v in headings.items()}
    a2 = h[2] if 2 in h else _find(lines, ("第二十条",), 0, n)
    a3 = h[3] if 3 in h else _find(lines, ("本年新收", "勾稽关系", "申请人情况"), a2 or 0, n)
    a4 = h[4] if 4 in h else _find(lines, ("结果维持", "未经复议"), a3 or a2 or 0, n)
    a5 = h.get(5, h.get(6, n))
    ends = [x for x in (a3, a4, a5, n) if x is not None]

    def region(start: int | None) -> tuple[int, int]:
        if start is None:
            return (0, 0)
        return (start, min(e for e in ends if e > start) if any(e > start for e in ends) else n)

    return {"t2": region(a2), "t3": region(a3), "t4": region(a4)}


def parse_document(doc: Document) -> Report:
    lines = lines_of(doc)
    if not any(ln.grid or ln.text.strip() for ln in lines):
        raise NotAReport(doc.name, "文件中没有文字 / the document has no text")
    title, _ = meta.find_title(lines)
    if title is None:
        title = meta.page_title(doc.title)
    year = meta.year_of(title, lines)
    headings = find_headings(lines, editions.get(editions.EDITION_KEYS[-1]))
    reg = _regions(lines, headings)
    table_lines = [ln for key in ("t2", "t3", "t4") for ln in lines[slice(*reg[key])]]
    edition_key, evidence = detect(table_lines or lines, year)
    ed = editions.get(edition_key)

    t2 = observe_t2(lines[slice(*reg["t2"])], ed)
    t3 = observe_t3(lines[slice(*reg["t3"])], ed)
    t4 = observe_t4(lines[slice(*reg["t4"])])
    if not t2.rows and not t3.rows and t4 is None:
        raise NotAReport(doc.name, "找不到年度报告的统计表（第二十条、申请情况、复议诉讼）/ "
                                   "no table of an annual report found")

    findings: list[Finding] = []
    cells: dict[str, Cell] = {}
    eqs = rules.equations(ed.key)
    choices = t3_choices(t3, ed, eqs) | t4_choice(t4, ed, eqs)
    _fill(cells, findings, choices, reconcile(choices, eqs))
    for rid, choice in t2_choices(t2, ed).items():
        _fill(cells, findings, {rid: choice}, reconcile({rid: choice}, ()))
    _mark_missing(cells, findings, ed)
    for name, name_en, obs in (("表二", "table 2", t2), ("表三", "table 3", t3)):
        if obs.unordered:
            findings.append(Finding(
                "R-unordered", "error", [],
                f"{name}的文字不是按行排列的（如逐列提取的 PDF 文本），{len(obs.unordered)} 行的数字"
                f"无法对应到行，按未找到处理：{'、'.join(obs.unordered[:6])}"
                f"{'等' if len(obs.unordered) > 6 else ''}",
                f"{name_en}: the text is not in row order (e.g. PDF text "
                f"extracted column by column); {len(obs.unordered)} row(s) could not be matched "
                f"to their numbers and are reported not found: {', '.join(obs.unordered[:6])}"))

    agency = meta.as_simplified(meta.agency_from_title(title) or meta.agency_from_signature(lines)
                                or meta.agency_from_page(lines))
    report = Report(
        edition=ed.key,
        year=year,
        agency=agency,
        published=meta.published_date(lines, year, doc.meta.get("published")),
        cells={k: cells[k] for k in ed.cell_keys() if k in cells},
        sections=sections_of(lines, headings, ed),
        title=title,
        edition_evidence=evidence,
        source_name=doc.name,
        source_form=doc.form,
        findings=findings,
    )
    # A reader that knows how sure it was of each piece (OCR) reviews the cells read from it.
    review = getattr(doc, "review", None)
    if review is not None:
        review(report)
    return report


def _fill(cells: dict[str, Cell], findings: list[Finding], choices: dict[str, RowChoice],
          outcome: Outcome) -> None:
    best = outcome.best
    if best is None:
        return
    for rid, choice in choices.items():
        cand = best.chosen.get(rid)
        if cand is None:
            continue
        for key, slot in zip(choice.keys, cand.slots):
            if slot.lost:
                value = best.values.get(key)
                if value is MISSING or value is None or key not in best.inferred_by:
                    cells[key] = Cell(None, None, None, "missing",
                                      note="提取时丢失，勾稽关系不能唯一确定 / lost; the rules do not determine it")
                else:
                    cells[key] = Cell(value, None, "件", "inferred", None, rule=best.inferred_by[key])
            elif slot.unreadable:
                cells[key] = Cell(None, slot.raw, None, "missing", slot.source,
                                  note=f"无法识别的内容 / unreadable: {slot.raw!r}")
                findings.append(Finding("R-unreadable", "warning", [key],
                                        f"{key} 的内容“{slot.raw}”无法识别为数值",
                                        f"{key}: cannot read {slot.raw!r} as a value"))
            else:
                cells[key] = Cell(slot.value, slot.raw, slot.unit if slot.value is not None else None,
                                  "read", slot.source)
    for key, vals in outcome.ambiguous.items():
        if key not in cells:
            continue
        shown = "、".join(str(v) for v in sorted(vals, key=lambda v: (v is None, v or 0))[:6])
        cells[key].note = f"读法不唯一，可能为 {shown} / ambiguous reading"
        findings.append(Finding(
            "R-ambiguous", "warning", [key],
            f"{key} 的数字粘连或缺格，勾稽关系不能唯一确定，取最可能的读法 {cells[key].value}（可能为 {shown}）",
            f"{key}: the printed digits admit several readings ({shown}); kept the most plausible, "
            f"{cells[key].value}", expected=None, actual=cells[key].value))


def _mark_missing(cells: dict[str, Cell], findings: list[Finding], ed: editions.Edition) -> None:
    absent = [k for k in ed.cell_keys() if k not in cells]
    for k in absent:
        cells[k] = Cell(None, None, None, "missing", note="报告中未找到此格 / not found in the report")
    if absent:
        rows = sorted({k.rsplit(".", 1)[0] for k in absent})
        findings.append(Finding(
            "R-not-found", "warning", absent,
            f"报告中未找到 {len(rows)} 行（{'、'.join(rows[:8])}{'等' if len(rows) > 8 else ''}）的数据",
            f"{len(rows)} row(s) not found in the report: {', '.join(rows[:8])}"))
