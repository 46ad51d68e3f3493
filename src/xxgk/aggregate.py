"""What a region's agencies add up to, and whether the government's own report agrees.

`aggregate_reports` sums the cells of every member report (null as 0) in the edition of the year.
A member printed in the other edition adds to the cells both editions share; the cells it lacks
are listed per report (`partial`), and its own cells with no counterpart (`unmapped`) stay out of
the totals: listed, not guessed. Unreadable cells are listed too (`missing_cells`).

The roll-up check looks at the region's own government: figures its narrative states for the
whole region ("全县共收到政府信息公开申请128件") against the sum, and — when its tables are
region totals rather than its own — every cell against the sum of the other members.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import editions
from .checks.narrative import TARGETS, cn_number
from .model import Cell, Number, Report
from .store.records import CellDelta
from .textnorm import nfkc

if TYPE_CHECKING:
    from .store.library import Library

# A sentence about the whole region, not the government's own office.
_REGION_WIDE = re.compile(r"全(?:省|市|县|区|州|盟|旗|镇|乡|街道)|各(?:部门|乡镇|单位)|辖区内|本行政区")
_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
TOTALS_SHARE = 0.8  # share of nonzero table-3/4 cells equal to the others' sum: "region totals"


@dataclass(frozen=True)
class Member:
    report_id: int | None
    agency: str
    kind: str | None
    region: str | None
    edition: str
    source: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"report": self.report_id, "agency": self.agency, "kind": self.kind,
                "region": self.region, "edition": self.edition, "source": self.source}


@dataclass(frozen=True)
class StatedFigure:
    """A region-wide figure the government's narrative states, against the sums."""

    target: str  # what it counts (a narrative target: new_received, granted, review, …)
    label: str  # the table figure it stands for, in Chinese
    stated: int
    sentence: str
    all_members: Number | None  # the sum over every member, the government included
    others: Number | None  # the sum over the other members

    @property
    def agrees(self) -> bool:
        return any(v is not None and abs(v - self.stated) < 1e-6
                   for v in (self.all_members, self.others))

    def to_dict(self) -> dict[str, Any]:
        return {"target": self.target, "label": self.label, "stated": self.stated,
                "sentence": self.sentence, "all_members": self.all_members,
                "others": self.others, "agrees": self.agrees}


@dataclass
class RollUp:
    government: Member
    stated: list[StatedFigure]
    tables_are_totals: bool
    matching_share: float  # share of nonzero table-3/4 cells equal to the others' sum
    mismatches: list[CellDelta]  # a = the others' sum, b = the government's table (when totals)

    def to_dict(self) -> dict[str, Any]:
        return {"government": self.government.to_dict(),
                "stated": [s.to_dict() for s in self.stated],
                "tables_are_totals": self.tables_are_totals,
                "matching_share": round(self.matching_share, 3),
                "mismatches": [{"key": d.key, "label": d.label, "sum_of_others": d.a,
                                "government": d.b, "difference": d.delta}
                               for d in self.mismatches]}


@dataclass
class Aggregate:
    region: str
    year: int
    edition: str
    members: list[Member]
    totals: dict[str, Number]
    partial: dict[str, list[int | None]] = field(default_factory=dict)
    unmapped: dict[str, list[int | None]] = field(default_factory=dict)
    missing_cells: dict[str, list[int | None]] = field(default_factory=dict)
    rollup: RollUp | None = None

    def label(self, key: str) -> str:
        spec = editions.get(self.edition).cells.get(key)
        if spec is not None:
            return spec.label
        for ed in editions.all_editions():
            if key in ed.cells:
                return ed.cells[key].label
        return key

    def to_dict(self) -> dict[str, Any]:
        return {"region": self.region, "year": self.year, "edition": self.edition,
                "members": [m.to_dict() for m in self.members],
                "totals": self.totals, "partial": self.partial, "unmapped": self.unmapped,
                "missing_cells": self.missing_cells,
                "rollup": self.rollup.to_dict() if self.rollup else None}


def _plain(x: float) -> Number:
    x = round(x, 6)
    return int(x) if float(x).is_integer() else x


def _sum(members: Sequence[tuple[Member, Report]], keys: list[str]) -> dict[str, Number]:
    out = {}
    for k in keys:
        out[k] = _plain(sum(r.num(k) for _, r in members if k in r.cells))
    return out


def _as_report(edition: str, totals: dict[str, Number]) -> Report:
    return Report(edition=edition, cells={k: Cell(v) for k, v in totals.items()})


def aggregate_reports(region: str, year: int, members: Sequence[tuple[Member, Report]],
                      government: int | None = None) -> Aggregate:
    """`government`: the index in `members` of the region's own government, if it has one."""
    ed = editions.for_year(year)
    keys = ed.cell_keys()
    agg = Aggregate(region, year, ed.key, [m for m, _ in members], _sum(members, keys))
    for m, r in members:
        own = set(r.spec.cell_keys())
        for k in keys:
            if k not in own:
                agg.partial.setdefault(k, []).append(m.report_id)
            elif r.cells.get(k) is not None and r.cells[k].status == "missing":
                agg.missing_cells.setdefault(k, []).append(m.report_id)
        for k in own - set(keys):
            agg.unmapped.setdefault(k, []).append(m.report_id)
    if government is not None:
        agg.rollup = _rollup(ed.key, keys, members, government)
    return agg


def _rollup(edition: str, keys: list[str], members: Sequence[tuple[Member, Report]],
            government: int) -> RollUp:
    gov_member, gov = members[government]
    others = [mr for i, mr in enumerate(members) if i != government]
    everyone = _as_report(edition, _sum(members, keys))
    rest = _as_report(edition, _sum(others, keys))
    stated = _stated(gov, everyone, rest)
    deltas = [CellDelta(k, editions.get(edition).cells[k].label, rest.value(k), gov.value(k))
              for k in keys if k.startswith(("t3.", "t4.")) and k in gov.cells]
    nonzero = [d for d in deltas if (d.a or 0) != 0 or (d.b or 0) != 0]
    matching = sum(1 for d in nonzero if (d.a or 0) == (d.b or 0))
    share = matching / len(nonzero) if nonzero else 0.0
    totals = bool(others) and share >= TOTALS_SHARE
    mismatches = [d for d in nonzero if (d.a or 0) != (d.b or 0)] if totals else []
    return RollUp(gov_member, stated, totals, share, mismatches)


def _stated(gov: Report, everyone: Report, rest: Report) -> list[StatedFigure]:
    out = []
    seen: set[tuple[str, int]] = set()
    for section in gov.sections:
        for sentence in (s.strip() for s in _SENTENCE_END.split(nfkc(section.text))):
            if not sentence or not _REGION_WIDE.search(sentence):
                continue
            for t in TARGETS:
                if t.forbid is not None and t.forbid.search(sentence):
                    continue
                for m in t.pattern.finditer(sentence):
                    if t.forbid_match is not None and t.forbid_match.search(m.group(0)):
                        continue
                    n = cn_number(m.group("n"))
                    if n is None or (t.key, n) in seen:
                        continue
                    seen.add((t.key, n))
                    out.append(StatedFigure(t.key, t.zh, n, sentence,
                                            t.accepted(everyone)[0], t.accepted(rest)[0]))
    return out


def aggregate_library(lib: "Library", region: str, year: int) -> Aggregate:
    """The aggregate of the stored reports of `year` of every agency in `region`'s subtree."""
    from .query import Filters, normalise_region

    path = normalise_region(region)
    if path is None:
        raise ValueError("需要地区路径 / a region path is needed")
    from sqlalchemy import select

    from .store.models import Version
    from .store.writer import load

    rows = lib.reports(Filters(region=path, years=(year,)), order="agency")
    with lib.read() as s:  # every member's document in one query, read without provenance
        docs = dict(s.execute(select(Version.id, Version.document)
                              .where(Version.id.in_([r.version_id for r in rows]))).all())
    members = []
    gov_index = None
    last = path.rsplit("/", 1)[-1]
    for row in rows:
        m = Member(row.id, row.agency, row.kind, row.region, row.edition, row.source)
        if row.kind == "government" and row.region == path and (
                gov_index is None or row.agency.startswith(last)):
            gov_index = len(members)
        members.append((m, load(docs[row.version_id], light=True)))
    return aggregate_reports(path, year, members, gov_index)
