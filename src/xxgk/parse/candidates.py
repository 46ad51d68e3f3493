"""The possible readings of one printed row: which printed token fills which column.

A clean grid row has exactly one reading. A row extracted from PDF may have lost cells (fewer
tokens than columns: every placement of the lost cells is a reading, the lost cells to be inferred
by the rules). A row of web-copied text may have its digits run together ("9000009") and its blank
cells vanished: every split of the digits and placement of the blanks is a reading. The rules,
not the reader, choose among them (`reconcile`).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Literal, NamedTuple

from ..document import Source
from ..editions import ValueKind
from .. import values as V
from .pieces import MARKS, Piece

GapKind = Literal["none", "lost", "blank"]
MAX_CANDIDATES = 4000
EXTRA_GAPS = 1  # more blanks than the fewest tried for digits run together: see `_search`
# Readings with the extra blank listed at most, per row: a long run has thousands, and listing
# them all tripled the time of run-together text; a row with more has every cell in doubt.
EXTRA_LIMIT = 300


class Slot(NamedTuple):
    """One column of one reading. Immutable; a tuple underneath, made in C where readings are
    made by the hundred (`_slot(Slot, fields)`: a third of the time of an object's __init__)."""

    value: int | float | None
    raw: str | None
    source: Source | None
    lost: bool = False  # not printed or lost in extraction: a variable for the rules
    unreadable: bool = False
    unit: str | None = None
    rule: str | None = None  # a lost cell its row's own equation already determined

    @property
    def open(self) -> bool:
        """Still a variable: lost and not yet determined."""
        return self.lost and self.rule is None


_slot = tuple.__new__


@dataclass(frozen=True)
class ColumnSpec:
    kind: ValueKind = "count"
    default_unit: str | None = None
    typical: float | None = None  # typical magnitude: a prior for splitting run-together digits
    gap_cost: float = 3.0  # prior cost of reading this column as lost or vanished
    sum_of: int = 0  # this column is the total of the `sum_of` columns before it (H2, H4–H6)
    # A blank total leaves its equation unchecked (H2's 总计) rather than saying the parts add
    # up to 0 (H4–H6): only such a total may be read blank over parts that are not.
    blank_total: bool = False


@dataclass(frozen=True)
class Candidate:
    slots: tuple[Slot, ...]
    cost: float
    # A reading of several rows chosen together (`reconcile` merges rows that must add up):
    # the row id and reading of each.
    parts: tuple[tuple[str, "Candidate"], ...] = ()
    # Kept aside: a reading the search does not try (it leaves the row's equation unchecked
    # while checkable ones exist), listed only so that `reconcile` can tell whether the rules
    # really chose between it and the chosen one.
    aside: bool = False
    # The row's readings were too many to list (`MAX_CANDIDATES`): those listed with this one
    # are not all there are, so no choice among them is known to be the rules'.
    partial: bool = False
    # Columns where a reading with the same values has the cell lost (its value inferred by the
    # row's equation) instead of printed, or printed instead of lost: "0 0 0" with cells lost
    # in a row of zeros reads alike wherever the lost cells were, but a printed 0 may stand
    # where a blank was.
    doubtful: tuple[int, ...] = ()

    def __init__(self, slots: tuple[Slot, ...], cost: float,
                 parts: tuple[tuple[str, "Candidate"], ...] = (), aside: bool = False,
                 partial: bool = False, doubtful: tuple[int, ...] = ()) -> None:
        d = self.__dict__  # as Slot: many per row, frozen after construction
        d["slots"] = slots
        d["cost"] = cost
        d["parts"] = parts
        d["aside"] = aside
        d["partial"] = partial
        d["doubtful"] = doubtful


_RUN = re.compile(r"^(?P<sign>[增减]\s*|[+\-−])?(?P<int>\d+(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
                  r"(?P<unit>\s*(?:亿元|万元|千元|元|件|个|项|条))?$")


def _atom(piece: Piece, col: ColumnSpec) -> Slot:
    if piece.kind == "empty":
        return _slot(Slot, (None, piece.text.strip() or "", piece.source, False, False, None, None))
    value, raw, unit, unreadable = _read_atom(piece.text, col.kind, col.default_unit)
    return _slot(Slot, (value, raw, piece.source, False, unreadable, unit, None))


@functools.lru_cache(maxsize=4096)
def _token_info(text: str) -> tuple[tuple[str, str, str, int, str, int] | None, int, int]:
    """What the search needs of a token's text, remembered (tokens recur): its `_Run` fields
    (sign, digits, tail, lead, marks, first_group; None when it is neither a digit run nor a
    run of marks), the digits it prints before any decimal point, and how many cells it can fill
    as a run."""
    text = V.nfkc(text)
    digits = len(_NON_DIGITS.sub("", text.split(".")[0]))
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    marks = MARKS.fullmatch(stripped) is not None
    capacity = len(stripped) if marks else len(_NON_DIGITS.sub("", stripped.split(".")[0]))
    if marks:
        return ("", "", "", lead, stripped, 0), digits, capacity
    m = _RUN.match(stripped)
    if m is None:
        return None, digits, capacity
    whole = m.group("int")
    first = len(whole.split(",")[0]) if "," in whole else 0
    return ((m.group("sign") or "", whole.replace(",", ""),
             (m.group("frac") or "") + (m.group("unit") or ""), lead, "", first), digits, capacity)


_NON_DIGITS = re.compile(r"\D")


def _atoms(tokens: list[Piece], cols: list[ColumnSpec]) -> tuple[Slot, ...]:
    """`_atom` of each token in its column (the reading of a row printed cell by cell)."""
    read = _read_atom
    slots = []
    for piece, col in zip(tokens, cols):
        if piece.kind == "empty":
            slots.append(_slot(Slot, (None, piece.text.strip() or "", piece.source, False, False, None, None)))
        else:
            value, raw, unit, unreadable = read(piece.text, col.kind, col.default_unit)
            slots.append(_slot(Slot, (value, raw, piece.source, False, unreadable, unit, None)))
    return tuple(slots)


@functools.lru_cache(maxsize=16384)
def _read_atom(text: str, kind: ValueKind, default_unit: str | None
               ) -> tuple[int | float | None, str, str | None, bool]:
    """(value, raw, unit, unreadable) of one printed cell: the same cells recur in every report."""
    try:
        v = V.parse(text, kind, default_unit)
    except V.Unreadable:
        return None, text.strip(), None, True
    if kind != "signed" and text.lstrip()[:1] in ("增", "+"):
        return None, text.strip(), None, True  # a change ("增1") is no count or amount
    return v.value, text.strip(), v.unit, False


@dataclass(frozen=True)
class _Run:
    """A token split into parts: a digit run ("9000009", "减23231668", "71245.95万元") or a run
    of blank marks ("//", "——"). Parts are consumed left to right, one cell each."""

    piece: Piece
    sign: str = ""
    digits: str = ""
    tail: str = ""  # decimals and unit: they belong to the last part
    lead: int = 0  # offset of the sign/first digit within the piece text
    marks: str = ""
    # "115,255" after run-together cells: only digits before the first group's last one may
    # belong to earlier cells ("1" + "15,255"); the rest is one number. 0: no separators.
    first_group: int = 0

    @classmethod
    def of(cls, piece: Piece) -> "_Run | None":
        fields = _token_info(piece.text)[0]
        return None if fields is None else cls(piece, *fields)

    def _pos(self, i: int) -> int:
        """Offset in the printed digits (separators included) of the i-th digit."""
        if not self.first_group or i <= self.first_group:
            return i
        return i + (i - self.first_group + 2) // 3

    @property
    def size(self) -> int:
        return len(self.marks) if self.marks else len(self.digits)

    def parts(self, off: int, col: ColumnSpec) -> Iterator[tuple[int, Slot, float]]:
        """The next part starting at `off`: (its length, its slot, its prior cost)."""
        if self.marks:
            for length in range(1, len(self.marks) - off + 1):
                raw = self.marks[off:off + length]
                # One mark per cell, or "——" as one cell.
                cost = 0.0 if length == 1 or raw == "——" else 0.5
                src = self.piece.source.sub(self.lead + off, self.lead + off + length)
                yield length, _slot(Slot, (None, raw, src, False, False, None, None)), cost
            return
        for length in range(1, len(self.digits) - off + 1):
            p = self.digits[off:off + length]
            if len(p) > 1 and p[0] == "0":
                break  # a printed count never has a leading zero
            first, last = off == 0, off + length == len(self.digits)
            if self.first_group and (off + length >= self.first_group if not last
                                     else self.first_group - off > 3):
                continue  # a cut inside a separated number, or a first group of 4+ digits
            start = self.lead + self._pos(off) + (0 if first else len(self.sign))
            end = self.lead + len(self.sign) + self._pos(off + length) + (len(self.tail) if last else 0)
            raw = self.piece.text[start:end]  # as printed (separators, sign and unit included)
            try:
                v = V.parse(raw, col.kind, col.default_unit)
            except V.Unreadable:
                continue
            cost = 0.0
            if col.typical is not None:
                cost = abs(math.log10(int(p) + 1) - math.log10(col.typical + 1))
            yield length, _slot(Slot, (v.value, raw, self.piece.source.sub(start, end), False, False, v.unit, None)), cost


def readings(tokens: list[Piece], cols: list[ColumnSpec], gaps: GapKind,
             resolve: Callable[[Candidate], tuple[Candidate, bool] | None] | None = None,
             cap: int = 200) -> list[Candidate]:
    """The distinct readings of `tokens` as len(cols) cells, cheapest first.

    Readings with fewer gaps (lost or vanished cells) are tried first. `resolve` applies the
    row's own equations: it rejects a reading (None) or returns it with the lost cells those
    equations determine filled in, and whether every equation could be checked; readings that
    then agree cell for cell are one reading. More gaps are allowed only when no reading with
    fewer passes.
    """
    n = len(cols)
    atoms_only = not any(t.run for t in tokens)
    if atoms_only and len(tokens) == n and not (gaps == "blank" and any(c.kind == "signed" for c in cols)):
        return [Candidate(_atoms(tokens, cols), 0.0)]
    if atoms_only and len(tokens) > n and gaps != "blank":
        # Stray trailing tokens (e.g. empty fields after the row in PDF text): drop empties first.
        kept = [t for t in tokens if t.kind != "empty"]
        tokens = kept[:n]
        if len(tokens) == n:
            return [Candidate(_atoms(tokens, cols), 1.0 if len(kept) == n else 5.0)]
    memo_key = getattr(resolve, "memo_key", None) if resolve is not None else ()
    if memo_key is None:  # a resolver that cannot say what it depends on: nothing remembered
        return _search(tokens, cols, gaps, resolve, cap)
    # Rows recur (the same "0 0 — 0" in every report and in many rows of a table): their readings
    # are searched once per printed form and shape of the row's equations, and remembered with
    # each slot's source as a position in the tokens and its rule as a position in the resolver's
    # `memo_rules` (rows alike but for their cells' names share one entry).
    # (Keys of plain values only: the garbage collector stops tracking them.)
    key = (tuple([(t.text, t.kind, t.run) for t in tokens]), _columns_key(cols), gaps, memo_key, cap)
    rules: tuple[str, ...] = getattr(resolve, "memo_rules", ()) if resolve is not None else ()
    found = _READINGS.get(key)
    if found is None:
        rule_at = {r: i for i, r in enumerate(rules)}
        probes = [Piece(t.text, t.kind, _At(i), t.run) for i, t in enumerate(tokens)]  # type: ignore[arg-type]
        # Readings share most of their cells: each distinct cell is stored once (`table`) and
        # made once per call, the readings as indices into it.
        table: dict[tuple, int] = {}
        cands = []
        for c in _search(probes, cols, gaps, resolve, cap):
            index = []
            for x in c.slots:
                plain = (x.value, x.raw, x.source.at if x.source is not None else None,
                         x.lost, x.unreadable, x.unit, None if x.rule is None else rule_at[x.rule])
                # (0 == 0.0 == False: the type keeps a count's 0 apart from an amount's 0.0)
                index.append(table.setdefault((type(x.value), plain), len(table)))
            cands.append((tuple(index), c.cost, c.aside, c.partial, c.doubtful))
        found = (tuple(plain for _, plain in table), tuple(cands))
        if len(_READINGS) >= _READINGS_LIMIT:  # the older half goes (dicts keep insertion order)
            for old in list(itertools.islice(_READINGS, _READINGS_LIMIT // 2)):
                del _READINGS[old]
        _READINGS[key] = found
    sources = [t.source for t in tokens]
    made = [_slot(Slot, (value, raw, _locate(at, sources), lost, unreadable, unit,
                         None if rule is None else rules[rule]))
            for value, raw, at, lost, unreadable, unit, rule in found[0]]
    return [Candidate(tuple([made[i] for i in index]), cost,
                      aside=aside, partial=partial, doubtful=doubtful)
            for index, cost, aside, partial, doubtful in found[1]]


_READINGS: dict[tuple, tuple] = {}
_READINGS_LIMIT = 4096


class _At:
    """A stand-in source while a row's readings are searched for the memo: token `i`'s source,
    narrowed by `Source.sub` calls (composed into one: a substring of a substring is a substring,
    replayed on the real source)."""

    __slots__ = ("at",)

    def __init__(self, i: int, span: tuple[int, int] | None = None):
        self.at = (i, span)

    def sub(self, start: int, end: int) -> "_At":
        span = self.at[1]
        return _At(self.at[0], (start, end) if span is None else (span[0] + start, span[0] + end))


def _locate(at: tuple[int, tuple[int, int] | None] | None, sources: list[Source]) -> Source | None:
    if at is None:
        return None
    source = sources[at[0]]
    span = at[1]
    return source if span is None else source.sub(span[0], span[1])


def _search(tokens: list[Piece], cols: list[ColumnSpec], gaps: GapKind,
            resolve: Callable[[Candidate], tuple[Candidate, bool] | None] | None,
            cap: int) -> list[Candidate]:
    """`readings` of a row that is not printed one token per column."""
    n = len(cols)
    gap_kind: GapKind = gaps if gaps != "none" else "lost"
    capacity = sum(_capacity(t) for t in tokens)
    # Long digit runs have too many splits to list: first try only splits whose totals add up
    # (the row's own equations); real reports with a wrong total fall back to every split.
    strict_first = resolve is not None and any(c.sum_of for c in cols) and \
        sum(1 for t in tokens if t.run) > 0
    parts_at: dict = {}  # the parts of the runs, made once for every `_generate` below
    for strict in ((True, False) if strict_first else (False,)):
        unchecked: list[Candidate] = []
        fallback: list[Candidate] = []
        for max_gaps in range(max(0, n - capacity), n + 1):
            found = _generate(tokens, cols, gap_kind, max_gaps, strict, parts_at=parts_at)
            found.sort(key=lambda c: c.cost)
            truncated = False
            if resolve is None:
                good = _distinct(found)
            else:
                # Readings that agree cell for cell resolve alike, and only the cheapest of them
                # can survive `_distinct`: each is resolved once.
                resolved = [(r, ok) for c in _distinct(found)
                            if (res := resolve(c)) is not None for r, ok in [res]]
                good = _distinct_noting_lost([r for r, full in resolved if full])
                # A reading that blanks the cell its row's equation needs (a vanished 总计)
                # cannot be checked: it is taken only if no checkable reading exists.
                if not unchecked:
                    unchecked = _distinct([r for r, full in resolved if not full])
            if good and gap_kind == "blank" and max_gaps < n and \
                    any(t.run and _token_info(t.text)[1] > 1 for t in tokens):
                # Digits run together may also be fewer, longer numbers with one more blank
                # vanished ("312217": 3 1 2 2 1 7, or 3 12 2 17): a prior, not a rule, prefers
                # fewer blanks, so those readings are candidates too (dearer by the blank's
                # cost), for the equations across rows to choose or leave ambiguous.
                for more_gaps in range(max_gaps + 1, min(n, max_gaps + EXTRA_GAPS) + 1):
                    more = _generate(tokens, cols, gap_kind, more_gaps, strict, EXTRA_LIMIT, parts_at)
                    # Not all listed: the row's cells are all in doubt (`partial`, below).
                    truncated = truncated or len(more) >= EXTRA_LIMIT
                    more.sort(key=lambda c: c.cost)
                    if resolve is not None:
                        extra = [r for c in _distinct(more) if (res := resolve(c)) is not None
                                 for r, full in [res] if full]
                    else:
                        # No equation can prefer them: they only show what else was possible.
                        extra = [Candidate(c.slots, c.cost, aside=True) for c in _distinct(more)]
                    good = _distinct(good + sorted(extra, key=lambda c: c.cost))
                    found = found if len(more) < MAX_CANDIDATES else more
            if good:
                # Readings that blank the total follow the checkable ones, set aside (the search
                # does not try them): they show that a blank total was possible, so that a
                # choice the rules did not make is reported (an all-zero row whose blanks
                # vanished: "0 0 0 0" may have left 总计 blank).
                partial = len(found) >= MAX_CANDIDATES or len(good) > cap or truncated
                good = good[:cap]
                out = good + [Candidate(c.slots, c.cost, aside=True) for c in unchecked
                              if _distinct_from(c, good)][:max(0, cap - len(good))]
                if partial:
                    out = [replace(c, partial=True) for c in out]
                return out
            fallback.extend(found)
            if len(fallback) >= MAX_CANDIDATES:
                break
        if unchecked and not strict:
            # (The strict pass never blanks a total it could check, so what it found unchecked
            # is not all there is: the full pass looks again.)
            return unchecked[:cap]
    fallback.sort(key=lambda c: c.cost)
    return _distinct(fallback)[:cap]


def _distinct_noting_lost(cands: list[Candidate]) -> list[Candidate]:
    """`_distinct`, each reading kept noting the columns where a reading dropped as its
    duplicate had the cell lost and it has it printed, or the other way round (`doubtful`)."""
    kept: dict[tuple, tuple[Candidate, set[int]]] = {}
    for c in cands:
        sig = signature(c)
        got = kept.get(sig)
        if got is None:
            kept[sig] = (c, set())
        else:
            got[1].update(j for j, (x, y) in enumerate(zip(got[0].slots, c.slots)) if x.lost != y.lost)
    return [replace(c, doubtful=tuple(sorted(d))) if d else c for c, d in kept.values()]


def _total(value: int | float | None, col: ColumnSpec) -> int | float | None:
    """A total as its equation reads it: printed blank ("/", "—") it is 0 unless a blank total
    leaves the equation unchecked (`blank_total`), where it equals no sum."""
    return value if value is not None or col.blank_total else 0


def _distinct_from(c: Candidate, others: list[Candidate]) -> bool:
    sig = signature(c)
    return all(sig != signature(o) for o in others)


def _capacity(t: Piece) -> int:
    """How many cells a token can fill at most."""
    return _token_info(t.text)[2] if t.run else 1


def signature(c: Candidate) -> tuple:
    """What a reading says, cell by cell: its values, "?" where a cell is still open. Readings
    with one signature are one reading (`_distinct`, whose loop spells it out: a hot path)."""
    return tuple("?" if x.open else x.value for x in c.slots)


def _distinct(cands: list[Candidate]) -> list[Candidate]:
    seen: set[tuple] = set()
    out = []
    for c in cands:
        sig = tuple("?" if x.open else x.value for x in c.slots)
        if sig not in seen:
            seen.add(sig)
            out.append(c)
    return out


_LAYOUTS: dict[int, tuple[list[ColumnSpec], tuple]] = {}
_COLUMN_KEYS: dict[int, tuple[list[ColumnSpec], int]] = {}


def _columns_key(cols: list[ColumnSpec]) -> int:
    """The columns as a number standing for their plain values (for the readings memo: a key
    hashed at every call), found once per list of columns."""
    got = _COLUMN_KEYS.get(id(cols))
    if got is not None and got[0] is cols:
        return got[1]
    plain = tuple((c.kind, c.default_unit, c.typical, c.gap_cost, c.sum_of, c.blank_total) for c in cols)
    key = _COLUMN_KINDS.setdefault(plain, len(_COLUMN_KINDS))  # few: the tables' column lists
    if len(_COLUMN_KEYS) >= 256:
        _COLUMN_KEYS.clear()
    _COLUMN_KEYS[id(cols)] = (cols, key)  # the list is kept: its id is not reused meanwhile
    return key


_COLUMN_KINDS: dict[tuple, int] = {}


def _layout(cols: list[ColumnSpec]) -> tuple[list[tuple[int, int] | None], list[bool], list[bool], list[int]]:
    """How the columns group (per column: (first part, total column) of its group), which are
    totals, which carry their group's sum on to the next, and the class of each for reading
    run parts. Made once per list of columns (tables reuse theirs)."""
    got = _LAYOUTS.get(id(cols))
    if got is not None and got[0] is cols:
        return got[1]  # type: ignore[return-value]
    n = len(cols)
    group: list[tuple[int, int] | None] = [None] * n
    for j, c in enumerate(cols):
        if c.sum_of:
            for k in range(j - c.sum_of, j + 1):
                group[k] = (j - c.sum_of, j)
    # ends[j]: column j is a total (its group's last column).
    ends = [g is not None and g[1] == j for j, g in enumerate(group)]
    # same[j]: column j + 1 continues the group of column j (its parts' sum carries on).
    same = [j + 1 < n and group[j] is not None and group[j + 1] == group[j] for j in range(n)]
    # Parts of a run depend on the column only through how a cell is read (kind, unit, prior):
    # made once per class of columns (table 3's seven count columns are one class).
    classes: dict[tuple, int] = {}
    col_class = [classes.setdefault((c.kind, c.default_unit, c.typical), len(classes)) for c in cols]
    layout = (group, ends, same, col_class)
    if len(_LAYOUTS) >= 256:
        _LAYOUTS.clear()
    _LAYOUTS[id(cols)] = (cols, layout)  # the list is kept: its id is not reused meanwhile
    return layout


def _generate(tokens: list[Piece], cols: list[ColumnSpec], gap_kind: GapKind,
              gaps: int, strict: bool = False, limit: int = MAX_CANDIDATES,
              parts_at: dict[tuple[int, int, int], tuple[list[tuple[int, Slot, float]],
                                                         Iterator[tuple[int, Slot, float]]]] | None = None
              ) -> list[Candidate]:
    """Readings with exactly `gaps` gap cells; gaps may fall between the parts of a run, since a
    blank cell vanishes from running text wherever it was. `strict` keeps only readings whose
    total columns (`sum_of`) equal the sum of their parts, pruning as soon as a partial sum can
    no longer be printed by the digits left."""
    n = len(cols)
    runs = [(_Run.of(t) if t.run else None) for t in tokens]
    # cells[i]: at most how many cells tokens[i:] can fill; at least len(tokens) - i.
    most = [0] * (len(tokens) + 1)
    for i in range(len(tokens) - 1, -1, -1):
        most[i] = most[i + 1] + (runs[i].size if runs[i] else 1)
    # least[i]: the fewest cells tokens[i:] can fill (a "-" before digits may be their sign).
    signed = any(c.kind == "signed" for c in cols)
    least = [0] * (len(tokens) + 2)
    for i in range(len(tokens) - 1, -1, -1):
        least[i] = 1 + least[i + 1]
        if signed and i + 1 < len(tokens) and V.nfkc(tokens[i].text).strip() == "-" \
                and re.match(r"\d", V.nfkc(tokens[i + 1].text).strip()):
            least[i] = min(least[i], 1 + least[i + 2])
    digits = [0] * (len(tokens) + 1)  # digits printed by tokens[i:]
    for i in range(len(tokens) - 1, -1, -1):
        digits[i] = digits[i + 1] + _token_info(tokens[i].text)[1]
    group, ends, same, col_class = _layout(cols)
    out: list[Candidate] = []
    gap = Slot(None, None, None, lost=gap_kind == "lost")
    # Vanished blank cells count as 0 in a sum, so a total is checked as soon as it is placed;
    # lost cells are variables, and a total is checked only once no gap is left to place.
    blank = gap_kind == "blank"

    last = len(tokens) - 1
    suffix_values: dict[int, list[int | None]] = {}

    def suffixes(ti: int) -> list[int | None]:
        """Value of each suffix digits[j:] of token ti's run as a count (None: leading zero)."""
        got = suffix_values.get(ti)
        if got is None:
            d = runs[ti].digits  # type: ignore[union-attr]
            got = suffix_values[ti] = [int(d[j:]) if d[j] != "0" or j == len(d) - 1 else None
                                       for j in range(len(d))]
        return got

    ceilings: dict[int, list[int]] = {}

    def suffix_ceilings(ti: int) -> list[int]:
        """At j: the largest total a suffix digits[j':] (j' >= j) of token ti's run prints;
        -1 where none can (past the end)."""
        got = ceilings.get(ti)
        if got is None:
            suffix = suffixes(ti)
            got = [-1] * (2 * len(suffix) + n + 2)
            best = -1
            for j in range(len(suffix) - 1, -1, -1):
                if suffix[j] is not None and suffix[j] > best:
                    best = suffix[j]  # type: ignore[assignment]
                got[j] = best
            ceilings[ti] = got
        return got

    def hopeless(ti: int, off: int, ci: int, partial: int | float) -> bool:
        """A strict reading cannot be completed: a total would need more digits than are left.
        (A total that differs from the sum of its parts is refused where it is placed.)
        `partial`: the sum of the parts of column ci's group placed so far."""
        if ci > 0 and ends[ci - 1]:
            return False  # just past a total: checked when it was placed
        g = group[ci] if ci < n else None
        if g is None or partial <= 0:
            return False
        # `off` counts marks, not digits, inside a run of blank marks ("——"): none are used yet.
        at = runs[ti] if ti <= last else None
        used = 0 if at is not None and at.marks else off
        if partial >= 10 ** max(digits[ti] - used, 0):
            return True
        run = runs[ti] if ti == last else None
        if run is None or not run.digits:
            return False
        # The rest of the row is this digit run and no cell is left blank: every cell still to
        # fill takes at least one of its digits, so the total (never less than its parts so
        # far) has at most the digits the cells before and after it leave.
        size = len(run.digits)
        before, after = g[1] - ci, n - 1 - g[1]
        if after:
            return partial >= 10 ** (size - off - before - after)
        # A total printed last is a suffix digits[j:] of the run (no leading zero); the parts
        # still to come split digits[off:j] into `before` cells, so they add up to at most
        # one cell of all but before - 1 of those digits and nines in the others, and at least
        # what their longest cell (no leading zero when longer than a digit) prints.
        suffix = suffixes(ti)
        for j in range(off + before, size):
            t = suffix[j]
            if t is None or t < partial:
                continue
            q = j - off
            if before == 0:
                if q == 0 and t == partial:
                    return False
                continue
            longest = -(-q // before)
            if (10 ** (longest - 1) if longest > 1 else 0) <= t - partial \
                    <= 10 ** (q - before + 1) - 1 + 9 * (before - 1):
                return False
        return True

    if parts_at is None:  # (what a part is depends only on the tokens and the columns' classes)
        parts_at = {}
    # Strict search: states known to complete no reading. What a state can still produce depends
    # only on where it is (token, offset, column, gaps left) and, for the pruning, on the sum of
    # its group's parts placed so far; a dead state reached again along another path (the splits
    # of a long run meet in the same places with the same sums) is not searched again.
    dead: set[tuple[int, int, int, int, int | float]] = set()
    acc: list[Slot] = []  # the reading so far (one list, extended and shortened as the search goes)

    def gen(ti: int, off: int, ci: int, left: int, cost: float, psum: int | float) -> None:
        if len(out) >= limit:
            return
        room = n - ci - left  # cells the tokens must fill from here
        cap = most[ti] - off
        if room < least[ti] or room > cap:
            return
        if strict and left == 0 and hopeless(ti, off, ci, psum):
            return
        if ti == len(tokens):
            out.append(Candidate(tuple(acc) + (gap,) * left,
                                 cost + sum(c.gap_cost for c in cols[ci:])))
            return
        if not strict or ci >= n or group[ci] is None:
            expand(ti, off, ci, left, cost, psum)
            return
        key = (ti, off, ci, left, psum)
        if key in dead:
            return
        before = len(out)
        expand(ti, off, ci, left, cost, psum)
        if len(out) == before:
            dead.add(key)

    def place(slot: Slot, ti: int, off: int, ci: int, left: int, cost: float,
              psum: int | float) -> None:
        """Column ci reads `slot`; go on from token ti at offset off."""
        if strict and ends[ci] and (left == 0 or blank) and _total(slot.value, cols[ci]) != psum:
            return  # a total that is not the sum of its parts
        acc.append(slot)
        gen(ti, off, ci + 1, left, cost, psum + (slot.value or 0) if same[ci] else 0)
        acc.pop()

    def expand(ti: int, off: int, ci: int, left: int, cost: float, psum: int | float) -> None:
        # `place` written out for the common cases (this is the search's inner loop).
        tok, run = tokens[ti], runs[ti]
        if left > 0 and ci < n:
            # A blank total is not its parts' sum (and, where blank means 0, parts that add up
            # to more cannot be under it).
            if not (strict and ends[ci] and (left == 1 or (blank and psum and not cols[ci].blank_total))):
                acc.append(gap)
                gen(ti, off, ci + 1, left - 1, cost + cols[ci].gap_cost, psum if same[ci] else 0)
                acc.pop()
        if ci == n:
            return
        nxt = tokens[ti + 1] if ti + 1 < len(tokens) else None
        if (off == 0 and cols[ci].kind == "signed" and nxt is not None
                and V.nfkc(tok.text).strip() == "-" and re.match(r"\d", V.nfkc(nxt.text).strip())):
            # Running text: "-8" is a signed 本年增/减 as well as a blank mark and an 8.
            merged = Piece(tok.text + nxt.text, "value", tok.source, run=nxt.run)
            mrun = _Run.of(merged) if merged.run else None
            if mrun is None:
                place(_atom(merged, cols[ci]), ti + 2, 0, ci, left, cost, psum)
            else:
                # The signed part may be a prefix of the digits; the rest continue the run.
                for length, slot, c in mrun.parts(0, cols[ci]):
                    if length == mrun.size:
                        place(slot, ti + 2, 0, ci, left, cost + c, psum)
                    else:
                        place(slot, ti + 1, length, ci, left, cost + c, psum)
        if run is None:
            place(_atom(tok, cols[ci]), ti + 1, 0, ci, left, cost, psum)
            return
        check_total = strict and (left == 0 or blank) and ends[ci]
        carry = same[ci]
        # A longer part would leave fewer characters than the cells after it need.
        longest = most[ti] - off - (n - ci - 1 - left)
        at = (ti, off, col_class[ci])
        made = parts_at.get(at)
        if made is None:  # the same part of a run is reached along many paths: made once, and
            made = parts_at[at] = ([], run.parts(off, cols[ci]))  # only as far as it is tried
        got, more = made
        size = run.size
        # Strict, the rest of the row this digit run and no blank left, a part of a group whose
        # total is printed last: once a part lifts the group's sum above every total the digits
        # after the parts still to come can print, longer parts (larger) cannot do better.
        ceiling = None
        if strict and left == 0 and ti == last and run.digits:
            g = group[ci]
            if g is not None and ci < g[1] == n - 1:
                ceiling = suffix_ceilings(ti)
                skip = g[1] - ci - 1  # parts after this one, before the total
        k = 0
        while True:
            if k < len(got):
                length, slot, c = got[k]
            else:
                part = next(more, None)
                if part is None:
                    break
                got.append(part)
                length, slot, c = part
            k += 1
            if length > longest:
                break
            value = slot.value
            if ceiling is not None and psum + (value or 0) > ceiling[off + length + skip]:
                break
            if check_total and _total(value, cols[ci]) != psum:
                continue  # a total that is not the sum of its parts
            acc.append(slot)
            if off + length == size:
                gen(ti + 1, 0, ci + 1, left, cost + c, psum + (value or 0) if carry else 0)
            else:
                gen(ti, off + length, ci + 1, left, cost + c, psum + (value or 0) if carry else 0)
            acc.pop()

    gen(0, 0, 0, gaps, 0.0, 0)
    # The nested functions refer to each other: unbind them, so that what they hold is freed
    # now rather than by the garbage collector.
    gen = expand = place = hopeless = suffixes = suffix_ceilings = None  # type: ignore[assignment]
    return out


