"""Find the six section headings and the narrative text under each.

A heading is a short paragraph that starts with its number ("三、", "4、", "（四）", "第四部分") and
names its section by one of the edition's keywords; headings must come in order. The text of a
section is every paragraph between its heading and the next one (table rows excluded).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..editions import Edition
from ..model import Section
from ..textnorm import fold, nfkc
from .pieces import Line

_CN = "一二三四五六"
_HEADING = re.compile(
    r"^\s*(?:第(?P<part>[一二三四五六])部分|[（(]?(?P<num>[一二三四五六1-6])[)）]?\s*[、.．,，\s]|(?P<bare>[一二三四五六])(?=[^\d是要则方]))"
)
MAX_HEADING = 48
_HEADING_FIRST = frozenset("第一二三四五六")  # the Han characters `_HEADING` can start with


@dataclass
class Heading:
    number: int
    line: int  # index into the lines
    text: str
    bracketed: bool = False  # "（四）…": usually a sub-heading, taken only when no "四、" exists


def _number(m: re.Match) -> int:
    g = m.group("part") or m.group("num") or m.group("bare")
    return _CN.index(g) + 1 if g in _CN else int(g)


def find_headings(lines: list[Line], ed: Edition) -> dict[int, Heading]:
    """Section number → heading, in document order."""
    specs = {s.number: s for s in ed.sections}
    candidates: list[Heading] = []
    for i, line in enumerate(lines):
        if line.grid:
            continue
        raw = line.text
        first = raw[:1] if raw[:1] and not raw[:1].isspace() else raw.lstrip()[:1]
        if "\u4e00" <= first <= "\u9fff" and first not in _HEADING_FIRST:
            # A Han character is its own NFKC form and composes with nothing: a line starting
            # with one other than these cannot match `_HEADING` (most narrative lines; spares
            # their normalisation).
            continue
        text = nfkc(raw).strip()
        if not text or len(text) > MAX_HEADING:
            continue
        m = _HEADING.match(text)
        if not m:
            continue
        n = _number(m)
        if n not in specs:
            continue
        body = fold(text[m.end():])
        if any(fold(k) in body for k in specs[n].keywords):
            candidates.append(Heading(n, i, line.text.strip(), text[:1] in "(（"))
    candidates = _without_contents(candidates, lines)
    # Keep an increasing sequence: the first heading of each number after the previous one.
    out: dict[int, Heading] = {}
    last_line = -1
    for n in range(1, 7):
        after = [c for c in candidates if c.number == n and c.line > last_line]
        h = next((c for c in after if not c.bracketed), after[0] if after else None)
        if h is not None:
            out[n] = h
            last_line = h.line
    return out


_TOC_ENTRY = re.compile(r"(?:\.{3,}|…{2,}|·{3,}|-{3,})\s*\d+\s*$")


def _without_contents(candidates: list[Heading], lines: list[Line]) -> list[Heading]:
    """Drop the entries of a table of contents ("目录"): headings followed directly by the next
    heading, or ending in leader dots and a page number."""
    out = []
    for k, h in enumerate(candidates):
        if _TOC_ENTRY.search(h.text):
            continue
        nxt = candidates[k + 1] if k + 1 < len(candidates) else None
        between = [ln for ln in lines[h.line + 1: nxt.line] if ln.grid or ln.text.strip()] \
            if nxt else [None]
        if nxt is not None and not between and nxt.number == h.number + 1 and \
                any(c.number == h.number and c.line > nxt.line for c in candidates):
            continue  # an entry of a contents list: the same heading comes again later
        out.append(h)
    return out


def sections_of(lines: list[Line], headings: dict[int, Heading], ed: Edition) -> list[Section]:
    starts = sorted(headings.values(), key=lambda h: h.line)
    out: list[Section] = []
    for spec in ed.sections:
        h = headings.get(spec.number)
        if h is None:
            out.append(Section(spec.key, spec.number, None, ""))
            continue
        nxt = next((x.line for x in starts if x.line > h.line), len(lines))
        body = [ln for ln in lines[h.line + 1:nxt] if not ln.grid and ln.text.strip()]
        # Table rows read as paragraphs (web text) are not narrative: drop lines that are mostly
        # digits, and a trailing signature block is kept (it belongs to the last section as printed).
        text = "\n".join(ln.text.strip() for ln in body if not _tabular(ln))
        src = lines[h.line].pieces[0].source if lines[h.line].pieces else None
        out.append(Section(spec.key, spec.number, h.text, text, src))
    return out


def _tabular(line: Line) -> bool:
    count, digits = line.value_size()
    return count >= 3 and digits * 2 >= len(line.text.strip())
