"""How findings name cells and numbers, in Chinese for officials and in English for the log."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .. import editions
from ..model import Number

_TABLE_ZH = {"t2": "表二", "t3": "表三", "t4": "表四"}
# Group prefixes that only make a label longer: every outcome row sits under 三、本年度办理结果.
_DROP_PREFIX = "三、本年度办理结果"
# The explanatory note in （二）部分公开's label.
_NOTE = re.compile(r"[（(]区分处理的.*?[)）]")


def cell_zh(edition: str, key: str) -> str:
    """A cell as an official reads it, e.g. 表三“（一）予以公开·自然人”."""
    spec = editions.get(edition).cells.get(key)
    if spec is None:
        return key
    parts = [p.strip() for p in spec.label.split(">")]
    if parts and parts[0] == _DROP_PREFIX and len(parts) > 2:
        parts = parts[1:]
    text = "·".join(_NOTE.sub("", p) for p in parts)
    return f"{_TABLE_ZH[spec.table]}“{text}”"


def cells_zh(edition: str, keys: Iterable[str], limit: int = 4) -> str:
    """Up to `limit` cell names, then "等N个单元格"."""
    keys = list(keys)
    shown = "、".join(cell_zh(edition, k) for k in keys[:limit])
    return shown if len(keys) <= limit else f"{shown}等{len(keys)}个单元格"


def cells_en(keys: Iterable[str], limit: int = 4) -> str:
    keys = list(keys)
    shown = ", ".join(keys[:limit])
    return shown if len(keys) <= limit else f"{shown} and {len(keys) - limit} more"


def num(v: Number | None) -> str:
    """A number as printed in a message: integers without ".0", null as 空白."""
    if v is None:
        return "空白"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, float):
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def num_en(v: Number | None) -> str:
    return "blank" if v is None else num(v)


def plain(v: Number) -> Number:
    """An integral float as int, so JSON shows 15 rather than 15.0."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return round(v, 6) if isinstance(v, float) else v
