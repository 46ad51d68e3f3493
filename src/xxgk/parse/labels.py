"""Recognise the format's labels in printed text, by keywords of the edition data.

Everything is compared in `fold()`ed form, so split, spaced, full-width, Traditional or
re-punctuated labels still match. A label is identified by the longest keyword it contains.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from ..editions import Edition
from ..textnorm import fold

HitKind = Literal["row", "group", "block", "column"]


@dataclass(frozen=True)
class Hit:
    kind: HitKind
    key: str
    keyword: str


def _best(text: str, entries: tuple[tuple[str, HitKind, str], ...]) -> Hit | None:
    return _best_folded(fold(text), entries)


def _best_folded(f: str, entries: tuple[tuple[str, HitKind, str], ...]) -> Hit | None:
    best: Hit | None = None
    for kw, kind, key in entries:
        if kw and kw in f and (best is None or len(kw) > len(best.keyword)):
            best = Hit(kind, key, kw)
    return best


# The label sets of an edition are built once; what a label names is remembered per set (the same
# labels recur in every report and on every page). The memos are bounded: reports are many.
_MEMO_LIMIT = 16384


def _remember(memo: dict, key: object, value: object) -> None:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value


class T3Labels:
    """Row, group and column labels of table 3 (one instance per edition: `T3Labels.of`)."""

    @classmethod
    def of(cls, ed: Edition) -> "T3Labels":
        got = _T3_LABELS.get(ed.key)
        if got is None or got.ed is not ed:
            got = _T3_LABELS[ed.key] = cls(ed)
        return got

    def __init__(self, ed: Edition):
        self.ed = ed
        self.rows = tuple((fold(k), "row", r.key) for r in ed.t3_rows for k in r.keywords)
        self.groups = tuple((fold(k), "group", g.key) for g in ed.t3_groups for k in g.keywords)
        self.columns = tuple((fold(k), "column", c.key) for c in ed.t3_columns for k in c.keywords)
        self.items = {(r.group, r.item): r.key for r in ed.t3_rows if r.item is not None}
        self._rows_groups = self.rows + self.groups
        self._match: dict[tuple[str, str | None], Hit | None] = {}
        self._column: dict[str, Hit | None] = {}
        self.row_of = {r.key: r for r in ed.t3_rows}
        self._header_keywords = tuple((c.key, tuple(fold(k) for k in c.keywords),
                                       tuple(fold(k) for k in c.keywords if len(k) > 2))
                                      for c in ed.t3_columns)
        self._header: dict[str, tuple[str, ...]] = {}

    def match(self, text: str, group: str | None) -> Hit | None:
        """The row or group `text` names; `group` is the group context (for bare "3.其他")."""
        f = fold(text)
        if not f:
            return None
        key = (f, group if group == "other" else None)  # the context matters for "other" only
        try:
            return self._match[key]
        except KeyError:
            hit = self._match_folded(f, group)
            _remember(self._match, key, hit)
            return hit

    def _match_folded(self, f: str, group: str | None) -> Hit | None:
        hit = _best_folded(f, self._rows_groups)
        if hit is not None:
            # A group keyword inside a longer row label ("（三）不予公开 1.属于国家秘密") loses to the row.
            row = _best_folded(f, self.rows)
            return row or hit
        m = re.fullmatch(r"(\d)其他", f)
        if m and ("other", int(m.group(1))) in self.items and group == "other":
            return Hit("row", self.items[("other", int(m.group(1)))], f)
        if f in ("其他", "3其他") and group == "other":
            return Hit("row", self.items.get(("other", 3), ""), f)
        return None

    def header_columns(self, text: str) -> tuple[str, ...]:
        """The columns (in table order) a header cell of an aligned grid may name: its folded
        text is a column keyword, or holds one (of more than two characters) with at most two
        characters more."""
        f = fold(text)
        try:
            return self._header[f]
        except KeyError:
            found = tuple(key for key, exact, inner in self._header_keywords
                          if f in exact or any(k in f and len(f) <= len(k) + 2 for k in inner))
            _remember(self._header, f, found)
            return found

    def column(self, text: str) -> Hit | None:
        f = fold(text)
        try:
            return self._column[f]
        except KeyError:
            hit = _best_folded(f, self.columns)
            _remember(self._column, f, hit)
            return hit


class T2Labels:
    """Block, row and column labels of table 2 (one instance per edition: `T2Labels.of`)."""

    @classmethod
    def of(cls, ed: Edition) -> "T2Labels":
        got = _T2_LABELS.get(ed.key)
        if got is None or got.ed is not ed:
            got = _T2_LABELS[ed.key] = cls(ed)
        return got

    def __init__(self, ed: Edition):
        self.ed = ed
        self.blocks = tuple((fold(k), "block", b.key) for b in ed.t2 for k in b.keywords)
        self.rows = tuple((fold(k), "row", f"{b.key}.{r.key}") for b in ed.t2 for r in b.rows
                          for k in r.keywords)
        self._own = {b.key: tuple(e for e in self.rows if e[2].startswith(b.key + "."))
                     for b in ed.t2}
        self._columns = {b.key: tuple((fold(k), "column", c.key) for c in b.columns
                                      for k in c.keywords) for b in ed.t2}
        self._block: dict[str, Hit | None] = {}
        self._row: dict[tuple[str, str | None], Hit | None] = {}
        self._header: dict[tuple[str, str], list[str]] = {}
        self.block_of = {b.key: b for b in ed.t2}

    def block(self, text: str) -> Hit | None:
        f = fold(text)
        try:
            return self._block[f]
        except KeyError:
            hit = _best_folded(f, self.blocks)
            _remember(self._block, f, hit)
            return hit

    def row(self, text: str, block: str | None) -> Hit | None:
        f = fold(text)
        key = (f, block)
        try:
            return self._row[key]
        except KeyError:
            hit = None
            if block is not None:
                hit = _best_folded(f, self._own.get(block) or tuple(
                    e for e in self.rows if e[2].startswith(block + ".")))
            if hit is None:
                hit = _best_folded(f, self.rows)
            _remember(self._row, key, hit)
            return hit

    def header_columns(self, text: str, block_key: str) -> list[str]:
        """The columns of a block a header cell names, in the order it prints them (do not
        modify the list: it is remembered)."""
        f = fold(text)
        key = (f, block_key)
        try:
            return self._header[key]
        except KeyError:
            found = []
            for kw, _, col in self._columns[block_key]:
                pos = f.find(kw)
                if kw and pos >= 0:
                    found.append((pos, col))
            cols = list(dict.fromkeys(k for _, k in sorted(found)))
            _remember(self._header, key, cols)
            return cols


_T3_LABELS: dict[str, T3Labels] = {}
_T2_LABELS: dict[str, T2Labels] = {}
