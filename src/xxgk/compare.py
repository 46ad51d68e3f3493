"""Two reports side by side: cell deltas, the cross-year rules, and reused narrative.

`compare_reports(a, b)` takes two `Report`s, A the earlier. Cells are compared where both editions
have them; the cells of one edition with no counterpart in the other are listed, never guessed.
P1–P3 run on B against A. Each section's narrative gets a similarity score (the measure F6 uses)
and the passages B took from A, located in both original texts; with `others` (the library's
reports of B's year by other agencies) the same is done against them: copied boilerplate, found by
character shingles first and measured with difflib on the few candidates.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .checks import Context
from .checks.catalogue import RULES
from .checks.narrative import similarity
from .model import Finding, Report
from .store.records import CellDelta
from .textnorm import fold

MIN_PASSAGE = 20  # normalised characters: shorter common runs are ordinary phrases
MIN_SECTION = 60  # sections shorter than this ("无其他需要报告的事项") are alike by nature
SHINGLE = 8  # characters per shingle for the boilerplate index
BOILERPLATE_SHARE = 0.5  # share of B's shingles found in another report's section
MAX_BOILERPLATE = 5  # other reports listed per section
CROSS_RULES = ("P1", "P2", "P3")


@dataclass(frozen=True)
class Passage:
    """A run of text B shares with the other report; offsets into each section's original text."""

    text: str  # as printed in B
    a_start: int
    a_end: int
    b_start: int
    b_end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "a": [self.a_start, self.a_end], "b": [self.b_start, self.b_end]}


@dataclass(frozen=True)
class SectionReuse:
    key: str
    number: int
    heading: str | None
    similarity: float  # 0–1, difflib ratio of the normalised texts (figures ignored)
    reused: float  # share of B's normalised text inside the passages
    passages: list[Passage]

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "number": self.number, "heading": self.heading,
                "similarity": round(self.similarity, 3), "reused": round(self.reused, 3),
                "passages": [p.to_dict() for p in self.passages]}


@dataclass(frozen=True)
class Boilerplate:
    section: str
    report_id: int
    agency: str
    similarity: float
    reused: float
    passages: list[Passage]

    def to_dict(self) -> dict[str, Any]:
        return {"section": self.section, "report": self.report_id, "agency": self.agency,
                "similarity": round(self.similarity, 3), "reused": round(self.reused, 3),
                "passages": [p.to_dict() for p in self.passages]}


@dataclass(frozen=True)
class Side:
    agency: str | None
    year: int | None
    edition: str
    source: str | None
    report_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"report": self.report_id, "agency": self.agency, "year": self.year,
                "edition": self.edition, "source": self.source}


@dataclass
class Comparison:
    a: Side
    b: Side
    cells: list[CellDelta]
    only_a: list[tuple[str, str]]  # (key, label) of A's edition with no counterpart in B's
    only_b: list[tuple[str, str]]
    checks: list[Finding]
    sections: list[SectionReuse]
    boilerplate: list[Boilerplate] = field(default_factory=list)

    @property
    def changed(self) -> list[CellDelta]:
        return [c for c in self.cells if c.changed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a.to_dict(), "b": self.b.to_dict(),
            "cells": [{"key": c.key, "label": c.label, "a": c.a, "b": c.b, "delta": c.delta}
                      for c in self.cells],
            "changed": [c.key for c in self.changed],
            "only_a": [{"key": k, "label": lab} for k, lab in self.only_a],
            "only_b": [{"key": k, "label": lab} for k, lab in self.only_b],
            "checks": [f.to_dict() for f in self.checks],
            "sections": [s.to_dict() for s in self.sections],
            "boilerplate": [b.to_dict() for b in self.boilerplate],
        }


# -- text -------------------------------------------------------------------------------------
def normalised(text: str) -> tuple[str, list[int]]:
    """The comparable form of a narrative (folded, a run of digits as one "#", so this year's
    figures in last year's sentences still match) with, per character, its offset in `text`."""
    out: list[str] = []
    where: list[int] = []
    in_digits = False
    for i, ch in enumerate(text):
        for c in fold(ch):
            if c.isdigit():
                if in_digits:
                    continue
                c, in_digits = "#", True
            else:
                in_digits = False
            out.append(c)
            where.append(i)
    return "".join(out), where


def passages(a: str, b: str, minimum: int = MIN_PASSAGE) -> tuple[list[Passage], float]:
    """The runs of at least `minimum` normalised characters B shares with A, and the share of
    B's normalised text they cover."""
    na, ia = normalised(a)
    nb, ib = normalised(b)
    if not na or not nb:
        return [], 0.0
    m = difflib.SequenceMatcher(None, na, nb, autojunk=False)
    out = []
    covered = 0
    for blk in m.get_matching_blocks():
        if blk.size < minimum:
            continue
        covered += blk.size
        a0, a1 = ia[blk.a], ia[blk.a + blk.size - 1] + 1
        b0, b1 = ib[blk.b], ib[blk.b + blk.size - 1] + 1
        out.append(Passage(b[b0:b1], a0, a1, b0, b1))
    return out, covered / len(nb)


def shingles(text: str, k: int = SHINGLE) -> set[int]:
    n, _ = normalised(text)
    return {hash(n[i:i + k]) for i in range(max(0, len(n) - k + 1))}


# -- the comparison ---------------------------------------------------------------------------
def _side(r: Report, report_id: int | None) -> Side:
    return Side(r.agency, r.year, r.edition, r.source_name, report_id)


def cell_deltas(a: Report, b: Report) -> list[CellDelta]:
    keys_a = set(a.spec.cell_keys())
    labels = b.spec.cells
    return [CellDelta(k, labels[k].label, a.value(k), b.value(k))
            for k in b.spec.cell_keys() if k in keys_a]


def unmapped(a: Report, b: Report) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    ka, kb = a.spec.cells, b.spec.cells
    return ([(k, s.label) for k, s in ka.items() if k not in kb],
            [(k, s.label) for k, s in kb.items() if k not in ka])


def cross_checks(a: Report, b: Report) -> list[Finding]:
    """P1–P3 of B with A as last year's report (P1 says so when A is not that)."""
    ctx = Context(b, a)
    return [f for r in RULES if r.id in CROSS_RULES and r.applies(ctx) for f in r.check(ctx)]


def section_reuse(a: Report, b: Report) -> list[SectionReuse]:
    out = []
    for sb in b.sections:
        sa = a.section(sb.key)
        if sa is None or sb.missing or sa.missing:
            continue
        if min(len(normalised(t)[0]) for t in (sa.text, sb.text)) < MIN_SECTION:
            score = similarity(sa.text, sb.text) if sa.text and sb.text else 0.0
            out.append(SectionReuse(sb.key, sb.number, sb.heading, score, 0.0, []))
            continue
        found, share = passages(sa.text, sb.text)
        out.append(SectionReuse(sb.key, sb.number, sb.heading, similarity(sa.text, sb.text),
                                share, found))
    return out


def boilerplate(b: Report, others: Iterable[tuple[int, str, dict[str, str]]]) -> list[Boilerplate]:
    """B's sections against the same sections of other agencies' reports of its year."""
    mine = {s.key: s.text for s in b.sections
            if not s.missing and len(normalised(s.text)[0]) >= MIN_SECTION}
    if not mine:
        return []
    marks = {k: shingles(t) for k, t in mine.items()}
    candidates: dict[str, list[tuple[float, int, str, str]]] = {k: [] for k in mine}
    for rid, agency, sections in others:
        for key, text in sections.items():
            own = marks.get(key)
            if not own or len(text) < MIN_SECTION:
                continue
            share = len(own & shingles(text)) / len(own)
            if share >= BOILERPLATE_SHARE:
                candidates[key].append((share, rid, agency, text))
    out = []
    for key, found in candidates.items():
        for _, rid, agency, text in sorted(found, key=lambda c: (-c[0], c[1]))[:MAX_BOILERPLATE]:
            got, share = passages(text, mine[key])
            if got:
                out.append(Boilerplate(key, rid, agency, similarity(text, mine[key]), share, got))
    return out


def compare_reports(a: Report, b: Report, *, others: Iterable[tuple[int, str, dict[str, str]]] = (),
                    a_id: int | None = None, b_id: int | None = None) -> Comparison:
    only_a, only_b = unmapped(a, b)
    return Comparison(_side(a, a_id), _side(b, b_id), cell_deltas(a, b), only_a, only_b,
                      cross_checks(a, b), section_reuse(a, b), boilerplate(b, others))
