"""How likely a one-cell repair is: priors on what the tables hold, and on how numbers go wrong.

When a broken equation can be repaired by changing any one of several cells (each cell of table 4
lies in one equation only), `localise` ranks the candidate repairs by their posterior odds:

    P(cell c was misprinted | table) ∝ P(true table with c repaired) × P(c printed as it is | its
    true value) × P(what the narrative says | the repaired table)

- **The true table.** A table-4 group (行政复议, 未经复议直接起诉, 复议后起诉) is drawn total first:
  most agencies have no cases (the total is 0), a few have some (small numbers are likelier than
  large ones); the cases then split over the outcomes, 结果维持 far more often than the others.
  Elsewhere a cell's value prior is the same shape: 0 most often, then small numbers.
- **The mistake.** A printed number differs from the true one by a typing slip (one digit replaced,
  inserted, deleted, or two swapped), an arithmetic slip (off by one or two: hand-added totals),
  or it is unrelated (a figure copied from another cell or row).
- **The narrative.** A figure the report's text states ("行政复议1件") that the repair makes agree
  with the table is evidence for the repair; one it makes disagree is evidence against.

Every term is a log-probability; only differences between candidates matter.
"""

from __future__ import annotations

import functools
import math

# -- the true table ----------------------------------------------------------------------------
# Share of agencies with no case in a table-4 group, the most cases a group plausibly has (an
# agency's appeals and lawsuits in a year: a handful, hundreds at most), and how the cases end.
T4_NONE = 0.6
T4_MAX = 1000
T4_SHARES = {"upheld": 0.55, "corrected": 0.15, "other": 0.15, "pending": 0.15}
# Value prior of a single count: 0 with this probability, else log-uniform up to MAX_COUNT.
ZERO = 0.5
MAX_COUNT = 100_000

# -- the mistake ---------------------------------------------------------------------------------
TYPO = 0.4  # one digit replaced, inserted, deleted, or two neighbours swapped
SLIP = 0.2  # off by one or two
UNRELATED = 0.4  # any other number
RANDOM_ZERO = 0.3  # an unrelated number is 0 this often (a cell left at 0)

# -- the narrative -------------------------------------------------------------------------------
NARRATIVE_ODDS = 20.0  # a quoted figure that agrees is this much likelier under the repair


def log_count(v: float, zero: float = ZERO, most: int = MAX_COUNT) -> float:
    """Value prior of one count: 0 with probability `zero`, otherwise small rather than large
    (log-uniform over 1…`most`)."""
    if v <= 0:
        return math.log(zero)
    return math.log(1 - zero) + math.log(math.log1p(1 / v)) - math.log(math.log(most + 1))


def log_group(total: int, parts: dict[str, int]) -> float:
    """Prior of one table-4 group: its total, then the multinomial split over the outcomes."""
    if total < 0 or any(k < 0 for k in parts.values()) or sum(parts.values()) != total:
        return -math.inf
    lp = log_count(total, T4_NONE, T4_MAX)
    if total == 0:
        return lp
    lp += math.lgamma(total + 1)
    for col, k in parts.items():
        lp += k * math.log(T4_SHARES.get(col, 0.15)) - math.lgamma(k + 1)
    return lp


@functools.lru_cache(maxsize=4096)
def _edits(true: int) -> frozenset[int]:
    """Numbers one digit edit away from `true` (leading zeros dropped)."""
    s = str(true)
    out: set[str] = set()
    for i in range(len(s)):
        out.update(s[:i] + d + s[i + 1:] for d in "0123456789")  # replace
        out.add(s[:i] + s[i + 1:])  # delete
        if i + 1 < len(s):
            out.add(s[:i] + s[i + 1] + s[i] + s[i + 2:])  # swap neighbours
    for i in range(len(s) + 1):
        out.update(s[:i] + d + s[i:] for d in "0123456789")  # insert
    found = {int(x.lstrip("0") or "0") for x in out if x}
    found.discard(true)
    return frozenset(found)


def log_mistake(printed: float | None, true: float) -> float:
    """log P(the cell printed `printed` | its true value is `true`); a blank prints as 0."""
    x = 0 if printed is None else printed
    if x == true:
        return 0.0  # not a mistake: only compared between candidates that all change a cell
    p = UNRELATED * (RANDOM_ZERO if x == 0 else (1 - RANDOM_ZERO) * math.exp(log_count(x))
                     / (1 - ZERO))
    if float(x).is_integer() and float(true).is_integer() and x >= 0 and true >= 0:
        edits = _edits(int(true))
        if int(x) in edits:
            p += TYPO / len(edits)
        if 0 < abs(x - true) <= 2:
            p += SLIP / 4
    return math.log(p)
