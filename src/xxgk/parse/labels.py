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


def _chain(f: str, entries: tuple[tuple[str, HitKind, str], ...]) -> list[Hit]:
    """The labels `f` names one after another, left to right: at each point the keyword that
    starts first (of those overlapping it, the longest) — "二上年结转…数量三本年度办理结果一予以公开"
    names 上年结转, then 予以公开."""
    out: list[Hit] = []
    pos = 0
    while True:
        found = [(at, -len(kw), kw, kind, key) for kw, kind, key in entries
                 if kw and (at := f.find(kw, pos)) >= 0]
        if not found:
            return out
        first = min(found)
        end = first[0] + len(first[2])
        at, _, kw, kind, key = min((x for x in found if x[0] < end), key=lambda x: (x[1], x[0]))
        out.append(Hit(kind, key, kw))
        pos = at + len(kw)


def last_of_several(f: str, entries: tuple[tuple[str, HitKind, str], ...]) -> Hit | None:
    """When running text ran the labels of several rows into one piece (blank rows printed
    nothing between them: "二、上年结转政府信息公开申请数量 三、本年度办理结果（一）予以公开" 21 14),
    the last one, whose values follow; None when the piece names one row."""
    chain = _chain(f, entries)
    if len({h.key for h in chain}) < 2:
        return None
    return chain[-1]


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
        self._last: dict[tuple[str, str | None], Hit | None] = {}

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

    def last_row(self, text: str, group: str | None) -> Hit | None:
        """The last of the rows a piece of running text names one after another (see
        `last_of_several`); None when it names one row or none. A bare numbered "3.其他" after
        another row's label, in the group （六）其他处理, is the last."""
        f = fold(text)
        key = (f, group if group == "other" else None)
        try:
            return self._last[key]
        except KeyError:
            hit = last_of_several(f, self.rows)
            m = _BARE_OTHER.search(f)
            before = _best_folded(f[:m.start()], self.rows) if m and m.start() > 0 else None
            if before is not None:
                # In the group of the row named before it (the context is not updated yet).
                context = self.row_of[before.key].group if before.key in self.row_of else group
                hit = self._match_folded(m.group(0), context) or hit
            _remember(self._last, key, hit)
            return hit

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
        self._tail: dict[str, str | None] = {}
        self.block_of = {b.key: b for b in ed.t2}

    def block(self, text: str) -> Hit | None:
        f = fold(text)
        try:
            return self._block[f]
        except KeyError:
            hit = _best_folded(f, self.blocks)
            _remember(self._block, f, hit)
            return hit

    def last_block(self, text: str) -> str | None:
        """Running text that ran two blocks' captions into one piece ("…行政许可 第二十条第（六）项
        信息内容…行政处罚" 1234567, 行政许可 printed blank): the text from the last block caption
        on (folded), which the values after the piece belong to; None when it names one block."""
        f = fold(text)
        try:
            return self._tail[f]
        except KeyError:
            tail = None
            if len({h.key for h in _chain(f, self.blocks)}) >= 2:
                start = max(f.rfind(kw) for kw, _, _ in self.blocks if kw and kw in f)
                tail = f[start:]
            _remember(self._tail, f, tail)
            return tail

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

    def units_after(self, text: str, block_key: str) -> dict[str, str]:
        """The money unit printed right after each column name of a block in `text` ("采购总金额
        （元）", "金额（单位：万元）")."""
        f = fold(text)
        out: dict[str, str] = {}
        for kw, _, col in self._columns[block_key]:
            at = f.find(kw) if kw else -1
            if at >= 0 and col not in out:
                m = _UNIT_AFTER.match(f, at + len(kw))
                if m:
                    out[col] = m.group(1)
        return out

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


_BARE_OTHER = re.compile(r"\d其他$")
_UNIT_AFTER = re.compile(r"(?:单位)?(亿元|万元|千元|元)")
_T3_LABELS: dict[str, T3Labels] = {}
_T2_LABELS: dict[str, T2Labels] = {}
