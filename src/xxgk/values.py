"""Cell text → value, with the semantics of FORMAT.md.

- blank, "—", "-", "/", "无", "0.00"-like dashes → None (null; counts as 0 in arithmetic);
- full-width digits, "（…）", thousands separators and trailing 件/个/项/条 are tolerated;
- 本年增/减 is signed: "减 232" → -232, "增 33" → 33, "-8" → -8;
- money is in 万元: "1.77万元" → 1.77, "1.8 亿元" → 18000, "251000元" → 25.1; a bare number takes the
  column's unit (万元 unless the header says 元).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from .editions import ValueKind
from .textnorm import nfkc

NULL_MARKS = {"", "—", "―", "-", "/", "无", "－", "–", "——", "――", "--", "／", "\\", "－－", "…", "×", "x", "X",
              "空", "/ ", "—-"}
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_NUM = re.compile(r"^(?P<sign>[增减+\-−]?)(?P<num>\d+(?:\.\d+)?)(?P<unit>亿元|万元|千元|元|件|个|项|条|次|宗|人次)?$")
_UNIT_FACTOR = {"亿元": Decimal(10000), "万元": Decimal(1), "千元": Decimal("0.1"), "元": Decimal("0.0001")}


_TRADITIONAL = str.maketrans("萬億減", "万亿减")  # what a 繁體 page prints in value cells


class Unreadable(ValueError):
    """The text is not a value of this kind (e.g. a label, or digits with stray text)."""


@dataclass(frozen=True)
class Value:
    value: int | float | None
    unit: str | None


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?:\D|$))")
_DASHES = re.compile(r"[—―\-－/–]+")


def clean(text: str) -> str:
    """NFKC, spaces removed, thousands separators removed, Traditional units folded."""
    t = _SPACES.sub("", nfkc(text)).translate(_TRADITIONAL)
    if "," in t:
        t = _THOUSANDS.sub("", t)
    return t.replace("（", "(").replace("）", ")")


def is_null_mark(text: str) -> bool:
    t = clean(text)
    return t in NULL_MARKS or _DASHES.fullmatch(t) is not None


@functools.lru_cache(maxsize=8192)
def parse(text: str, kind: ValueKind = "count", default_unit: str | None = None) -> Value:
    """Read one printed cell. Raises `Unreadable` if the text is not a value of `kind`."""
    t = clean(text)
    if is_null_mark(t):
        return Value(None, None)
    t = t.strip("()")
    m = _NUM.match(t)
    if not m:
        raise Unreadable(text)
    sign, num, unit = m.group("sign"), Decimal(m.group("num")), m.group("unit")
    if sign in ("减", "-", "−"):
        if kind != "signed":
            raise Unreadable(text)
        num = -num
    if kind == "money":
        unit = unit if unit in _UNIT_FACTOR else (default_unit or "万元")
        wan = num * _UNIT_FACTOR[unit]
        return Value(_plain(wan), "万元")
    if unit in _UNIT_FACTOR:  # money unit on a count cell
        raise Unreadable(text)
    if num != num.to_integral_value():
        raise Unreadable(text)  # counts are integers (H7)
    return Value(int(num), "件" if kind == "count" else None)


def _plain(d: Decimal) -> int | float:
    d = d.normalize()
    return int(d) if d == d.to_integral_value() else float(d)


def looks_numeric(text: str) -> bool:
    """True for text that is a value or a null mark, i.e. not a label."""
    t = clean(text)
    if is_null_mark(t):
        return True
    return bool(_NUM.match(t.strip("()")))
