"""Recognise the format's labels in printed text, by keywords of the edition data.

Everything is compared in `fold()`ed form, so split, spaced, full-width, Traditional or
re-punctuated labels still match. A label is identified by the longest keyword it contains.
"""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=8192)
def _best_folded(f: str, entries: tuple[tuple[str, HitKind, str], ...]) -> Hit | None:
    best: Hit | None = None
    for kw, kind, key in entries:
        if kw and kw in f and (best is None or len(kw) > len(best.keyword)):
            best = Hit(kind, key, kw)
    return best


class T3Labels:
    """Row, group and column labels of table 3."""

    def __init__(self, ed: Edition):
        self.ed = ed
        self.rows = tuple((fold(k), "row", r.key) for r in ed.t3_rows for k in r.keywords)
        self.groups = tuple((fold(k), "group", g.key) for g in ed.t3_groups for k in g.keywords)
        self.columns = tuple((fold(k), "column", c.key) for c in ed.t3_columns for k in c.keywords)
        self.items = {(r.group, r.item): r.key for r in ed.t3_rows if r.item is not None}

    def match(self, text: str, group: str | None) -> Hit | None:
        """The row or group `text` names; `group` is the group context (for bare "3.其他")."""
        f = fold(text)
        if not f:
            return None
        hit = _best(text, self.rows + self.groups)
        if hit is not None:
            # A group keyword inside a longer row label ("（三）不予公开 1.属于国家秘密") loses to the row.
            row = _best(text, self.rows)
            return row or hit
        m = re.fullmatch(r"(\d)其他", f)
        if m and ("other", int(m.group(1))) in self.items and group == "other":
            return Hit("row", self.items[("other", int(m.group(1)))], f)
        if f in ("其他", "3其他") and group == "other":
            return Hit("row", self.items.get(("other", 3), ""), f)
        return None

    def column(self, text: str) -> Hit | None:
        return _best(text, self.columns)


class T2Labels:
    def __init__(self, ed: Edition):
        self.ed = ed
        self.blocks = tuple((fold(k), "block", b.key) for b in ed.t2 for k in b.keywords)
        self.rows = tuple((fold(k), "row", f"{b.key}.{r.key}") for b in ed.t2 for r in b.rows
                          for k in r.keywords)

    def block(self, text: str) -> Hit | None:
        return _best(text, self.blocks)

    def row(self, text: str, block: str | None) -> Hit | None:
        entries = self.rows
        if block is not None:
            own = tuple(e for e in self.rows if e[2].startswith(block + "."))
            hit = _best(text, own)
            if hit is not None:
                return hit
        return _best(text, entries)

    def columns_of(self, block_key: str) -> tuple[tuple[str, "HitKind", str], ...]:
        b = next(b for b in self.ed.t2 if b.key == block_key)
        return tuple((fold(k), "column", c.key) for c in b.columns for k in c.keywords)
