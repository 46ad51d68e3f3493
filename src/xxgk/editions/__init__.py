"""The two editions of the national format, loaded from the TOML files beside this module.

The editions are data: `common.toml` holds what both share (sections, table 3 columns and rows,
table 4), `2019.toml` and `2021.toml` hold table 2, the （六）其他处理 rows and the markers used for
edition detection. Everything else in xxgk asks an `Edition` instead of branching on its name.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from typing import Literal

ValueKind = Literal["count", "signed", "money"]
EDITION_KEYS = ("2019", "2021")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    keywords: tuple[str, ...]
    kind: ValueKind = "count"
    typical: float | None = None  # typical magnitude (a prior for run-together digits)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    keywords: tuple[str, ...]
    group: str | None = None
    item: int | None = None
    path: str | None = None  # label path when it is not "group > label"


@dataclass(frozen=True)
class Group:
    key: str
    label: str
    keywords: tuple[str, ...]
    parent: str | None = None


@dataclass(frozen=True)
class Block:
    """One 第二十条第（X）项 block of table 2."""

    key: str
    caption: str
    keywords: tuple[str, ...]
    rows: tuple[Row, ...]
    columns: tuple[Column, ...]
    soft: tuple[str, ...] = ()  # plausible relations between columns, e.g. "in_force >= issued"


@dataclass(frozen=True)
class SectionSpec:
    key: str
    number: int
    heading: str
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class CellSpec:
    """Everything the format says about one data cell."""

    key: str
    table: Literal["t2", "t3", "t4"]
    row: str  # row key (t2: "block.row", t4: group key)
    column: str
    label: str  # Chinese label path, as in cell-keys.json
    kind: ValueKind


@dataclass(frozen=True)
class Edition:
    key: str
    notice: str
    title: str
    first_year: int
    last_year: int | None
    markers: tuple[str, ...]
    sections: tuple[SectionSpec, ...]
    t2: tuple[Block, ...]
    t3_columns: tuple[Column, ...]
    t3_groups: tuple[Group, ...]
    t3_rows: tuple[Row, ...]
    t4_groups: tuple[Group, ...]
    t4_columns: tuple[Column, ...]
    cells: dict[str, CellSpec] = field(repr=False, compare=False, default_factory=dict)

    def covers(self, year: int) -> bool:
        return year >= self.first_year and (self.last_year is None or year <= self.last_year)

    def cell_keys(self) -> list[str]:
        return list(self.cells)

    def t3_row(self, key: str) -> Row:
        return next(r for r in self.t3_rows if r.key == key)

    def group(self, key: str) -> Group:
        return next(g for g in self.t3_groups if g.key == key)

    def rows_in_group(self, group: str) -> list[Row]:
        """Data rows directly or indirectly under a table-3 group."""
        parents = {g.key: g.parent for g in self.t3_groups}

        def under(g: str | None) -> bool:
            while g is not None:
                if g == group:
                    return True
                g = parents.get(g)
            return False

        return [r for r in self.t3_rows if under(r.group)]


def _strs(items) -> tuple[str, ...]:
    return tuple(items or ())


def _column(d: dict) -> Column:
    return Column(d["key"], d["label"], _strs(d.get("keywords")), d.get("kind", "count"),
                  d.get("typical"))


def _row(d: dict) -> Row:
    return Row(d["key"], d["label"], _strs(d.get("keywords")), d.get("group"), d.get("item"),
               d.get("path"))


def _group(d: dict) -> Group:
    return Group(d["key"], d["label"], _strs(d.get("keywords")), d.get("parent"))


def _read(name: str) -> dict:
    return tomllib.loads(resources.files(__package__).joinpath(name).read_text(encoding="utf-8"))


def _cell_specs(ed: Edition) -> dict[str, CellSpec]:
    cells: dict[str, CellSpec] = {}
    for b in ed.t2:
        for r in b.rows:
            for c in b.columns:
                key = f"t2.{b.key}.{r.key}.{c.key}"
                cells[key] = CellSpec(key, "t2", f"{b.key}.{r.key}", c.key,
                                      f"{b.caption} > {r.label} > {c.label}", c.kind)
    groups = {g.key: g for g in ed.t3_groups}
    for r in ed.t3_rows:
        # cell-keys.json names the group of numbered items only.
        g = groups.get(r.group) if r.group else None
        path = r.path or (f"{g.label} > {r.label}" if g is not None and r.item else r.label)
        for c in ed.t3_columns:
            key = f"t3.{r.key}.{c.key}"
            cells[key] = CellSpec(key, "t3", r.key, c.key, f"{path} > {c.label}", "count")
    for g in ed.t4_groups:
        for c in ed.t4_columns:
            key = f"t4.{g.key}.{c.key}"
            cells[key] = CellSpec(key, "t4", g.key, c.key, f"{g.label} > {c.label}", "count")
    return cells


@functools.cache
def get(key: str) -> Edition:
    """The edition `"2019"` or `"2021"`."""
    if key not in EDITION_KEYS:
        raise KeyError(f"unknown edition {key!r}; xxgk knows {', '.join(EDITION_KEYS)}")
    common = _read("common.toml")
    own = _read(f"{key}.toml")
    t3 = common["t3"]
    ed = Edition(
        key=own["key"],
        notice=own["notice"],
        title=own["title"],
        first_year=own["first_year"],
        last_year=own.get("last_year"),
        markers=_strs(own["markers"]),
        sections=tuple(SectionSpec(s["key"], s["number"], s["heading"], _strs(s["keywords"]))
                       for s in common["sections"]),
        t2=tuple(Block(b["key"], b["caption"], _strs(b["keywords"]),
                       tuple(_row(r) for r in b["rows"]), tuple(_column(c) for c in b["columns"]),
                       _strs(b.get("soft")))
                 for b in own["t2"]),
        t3_columns=tuple(_column(c) for c in t3["columns"]),
        t3_groups=tuple(_group(g) for g in t3["groups"] + own.get("t3", {}).get("groups", [])),
        t3_rows=tuple(_row(r) for r in t3["head"] + own["t3"]["other"] + t3["tail"]),
        t4_groups=tuple(_group(g) for g in common["t4"]["groups"]),
        t4_columns=tuple(_column(c) for c in common["t4"]["columns"]),
    )
    ed.cells.update(_cell_specs(ed))
    return ed


def all_editions() -> list[Edition]:
    return [get(k) for k in EDITION_KEYS]


def for_year(year: int) -> Edition:
    """The edition a report of `year` must use."""
    for ed in reversed(all_editions()):
        if ed.covers(year):
            return ed
    return get(EDITION_KEYS[0])


def per_edition(fn):
    """Remember fn(ed, *args) per edition object (editions are made once, and hashing one
    hashes all its data: looked up by identity; the object is kept, so its id stays its own)."""
    memo: dict[tuple, tuple[Edition, object]] = {}

    @functools.wraps(fn)
    def remembered(ed: Edition, *args):
        key = (id(ed), *args)
        got = memo.get(key)
        if got is None or got[0] is not ed:
            if len(memo) >= 4096:
                memo.clear()
            got = memo[key] = (ed, fn(ed, *args))
        return got[1]

    return remembered
