"""After a scan is parsed: a confidence for each cell, digits repaired by the rules, unsure cells
flagged. Called through `OcrDocument.review` by the parser on the finished report.

- **Confidence.** A cell read from an OCR'd page gets the probability of its least sure character
  (the recognised characters whose centres lie in the cell's box); 1.0 means the recogniser had no
  doubt. A cell printed blank has none (nothing was read).
- **Repair.** An equation (H1–H6) that fails where one of its cells was read unsure is mended when
  exactly one such cell can take a value that satisfies it *and* that value is what the recogniser
  offered as the runner-up for the unsure characters (a 3 it nearly read as 8). The cell becomes
  `inferred` by that equation, keeps what was printed in `raw` and says so in `note`; an
  `R-ocr-repaired` note reports it. A value the recogniser never considered is never put in.
- **Flags.** A cell read unsure (confidence below UNSURE) that no equation confirms — none holds
  with it, because it is in none (table 2) or they fail — gets an `R-ocr-unconfirmed` warning: its
  value is what the recogniser read, to be checked against the page.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

from .. import rules
from ..model import Cell, Finding, Report
from .scan import OcrGlyph

UNSURE = 0.85  # below this probability a character (and its cell) is not taken on trust
MAX_SWAPS = 3  # unsure characters of one cell tried with their runner-ups


def review(report: Report, glyphs: dict[int, list[OcrGlyph]]) -> None:
    read_by: dict[str, list[OcrGlyph]] = {}
    for key, cell in report.cells.items():
        inside = _glyphs_in(cell, glyphs)
        if inside:
            read_by[key] = inside
            cell.confidence = round(min(g.prob for g in inside), 3)
    _repair(report, read_by)
    _flag(report)


def _glyphs_in(cell: Cell, glyphs: dict[int, list[OcrGlyph]]) -> list[OcrGlyph]:
    src = cell.source
    if cell.status != "read" or src is None or src.bbox is None or src.page not in glyphs or cell.raw is None:
        return []
    x0, top, x1, bottom = src.bbox
    wanted = {c for c in cell.raw if not c.isspace()}
    return [g for g in glyphs[src.page]
            if x0 - 0.5 <= (g.box[0] + g.box[2]) / 2 <= x1 + 0.5 and top - 0.5 <= (g.box[1] + g.box[3]) / 2 <= bottom + 0.5
            and g.char in wanted]


def _values(report: Report) -> dict[str, int | float | None]:
    return {k: c.value for k, c in report.cells.items()}


def _alternatives(cell: Cell, read: list[OcrGlyph]) -> set[int]:
    """The values the cell would have with some of its unsure digits read as their runner-ups."""
    raw = cell.raw or ""
    unsure = [g for g in read if g.prob < UNSURE and g.alt.isdigit() and g.char.isdigit()][:MAX_SWAPS]
    if not unsure or cell.value is None or not isinstance(cell.value, int):
        return set()
    digits = [c for c in raw if c.isdigit()]
    out: set[int] = set()
    for mask in itertools.product((False, True), repeat=len(unsure)):
        if not any(mask):
            continue
        swapped = list(digits)
        ok = True
        for g, use in zip(unsure, mask):
            if not use:
                continue
            # The glyph's digit in the printed number (the first not yet swapped, left to right).
            idx = next((i for i, c in enumerate(swapped) if c == g.char and digits[i] == g.char
                        and swapped[i] == digits[i]), None)
            if idx is None:
                ok = False
                break
            swapped[idx] = g.alt
        if ok:
            sign = -1 if cell.value < 0 else 1
            out.add(sign * int("".join(swapped)))
    out.discard(cell.value)
    return out


def _repair(report: Report, read_by: dict[str, list[OcrGlyph]]) -> None:
    eqs = rules.equations(report.edition)
    values = _values(report)
    for eq in eqs:
        if eq.holds(values):
            continue
        fixes: list[tuple[str, int]] = []
        for key in eq.keys:
            cell = report.cells.get(key)
            if cell is None or key not in read_by or cell.confidence is None or cell.confidence >= UNSURE:
                continue
            for alt in _alternatives(cell, read_by[key]):
                trial = dict(values)
                trial[key] = alt
                # The repair must mend this equation and break none that held.
                if eq.holds(trial) and not _breaks(eqs, values, trial, key):
                    fixes.append((key, alt))
        if len(fixes) != 1:
            continue
        key, alt = fixes[0]
        cell = report.cells[key]
        printed = cell.value
        cell.note = (f"识别为 {cell.raw}（置信度 {cell.confidence}），按勾稽关系 {eq.id} 取识别的备选读法 {alt}"
                     f" / OCR read {cell.raw!r} (confidence {cell.confidence}); {eq.id} and the "
                     f"recogniser's runner-up reading give {alt}")
        cell.value, cell.status, cell.rule = alt, "inferred", eq.id
        values[key] = alt
        report.findings.append(Finding(
            "R-ocr-repaired", "info", [key],
            f"{key} 扫描识别为 {printed}（置信度 {cell.confidence}），勾稽关系（{eq.zh}）要求 {alt}，"
            f"且识别的备选读法正是 {alt}，已更正",
            f"{key}: OCR read {printed} (confidence {cell.confidence}); {eq.id} requires {alt}, the "
            f"recogniser's runner-up reading: corrected", expected=alt, actual=printed))


def _breaks(eqs: Iterable[rules.Equation], before: dict, after: dict, key: str) -> bool:
    return any(key in e.keys and e.holds(before) and not e.holds(after) for e in eqs)


def _flag(report: Report) -> None:
    eqs = rules.equations(report.edition)
    values = _values(report)
    for key, cell in report.cells.items():
        if cell.confidence is None or cell.confidence >= UNSURE or cell.status != "read":
            continue
        mine = [e for e in eqs if key in e.keys and e.applies(values)]
        if any(e.holds(values) for e in mine):
            continue
        why = "勾稽关系不成立" if mine else "没有勾稽关系可以核对"
        why_en = "its equations fail" if mine else "no equation covers it"
        report.findings.append(Finding(
            "R-ocr-unconfirmed", "warning", [key],
            f"{key} 扫描识别为“{cell.raw}”，置信度 {cell.confidence}，{why}，请对照原件核实",
            f"{key}: OCR read {cell.raw!r} with confidence {cell.confidence} and {why_en}: check it "
            f"against the page", actual=cell.value))


__all__ = ["UNSURE", "review"]
