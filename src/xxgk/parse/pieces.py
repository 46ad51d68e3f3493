"""Flatten a document into `Line`s of `Piece`s: label text and value tokens, each with its source.

A grid row becomes one line whose pieces are its cells (a cell holding several space-separated
numbers, as PDF text sometimes does, gives one piece per number). A paragraph becomes one line
whose pieces alternate between label text and value tokens found by `VALUE_RE` — this is how
web-copied text, where a table row prints as "行政规范性文件128450", is read: the digits become a
`run` that reconciliation may split into several cells.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal

from ..document import Document, Paragraph, Source, Table
from ..textnorm import nfkc

PieceKind = Literal["label", "value", "empty"]

# One printed value: optional 增/减 or sign, digits, optional decimals and money unit; or a dash/
# slash null mark. Full-width text is NFKC-normalised before matching (same length for these).
VALUE_RE = re.compile(
    r"(?:[增减]\s*)?[+\-−]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*(?:亿元|万元|千元|元|件|个|项|条))?"
    r"|(?<![\w])[—―－\-–/／]{1,4}(?![\w])"
)
# The same for running text, where cells run together: a dash before digits is a blank cell's
# mark, not a minus sign (the reconciler may still read "-8" as a signed 本年增/减), a run of
# marks ("//", "——") may stand for several blank cells, and a separated number may follow other
# cells' digits ("0026,762": 0 / 0 / 26,762).
TEXT_VALUE_RE = re.compile(
    r"(?:[增减]\s*)?(?:\d+(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s*(?:亿元|万元|千元|元|件|个|项|条))?"
    r"|[—―\-–/／]*?[—―–/／](?=-\d)|[—―\-–/／]+"  # "—-1": a blank mark, then "-" that may sign the 1
)
MARKS = re.compile(r"[—―\-–/／]+")
_UNITS = str.maketrans("萬億減", "万亿减")  # Traditional units and 減, same length


def _simplified_units(text: str) -> str:
    """`text` with `_UNITS` applied. Most texts hold none of them: three searches in C instead
    of `str.translate`, which looks every character up in Python (~3 µs a line)."""
    if "萬" in text or "億" in text or "減" in text:
        return text.translate(_UNITS)
    return text

_NUMBERING_AT = re.compile(r"\s*[.．、]\s*(?=[^\d\s])")  # .match(text, pos): right at pos
_DIGITS = re.compile(r"\d+")
_SIGNED_LINE = re.compile(r"\s*([+\-−]\d+(?:,\d{3})*(?:\.\d+)?)\s*")
_TWO_DIGITS = re.compile(r"\d{2,}")


@dataclass(slots=True)
class Piece:
    text: str
    kind: PieceKind
    source: Source
    # A value piece from running text whose digits may hold several cells ("128450").
    run: bool = False
    spanned: bool = False  # a merged grid cell's copy
    col: int | None = None  # grid column index (grid lines)


class Line:
    """One grid row or one paragraph, as label and value pieces.

    A paragraph's pieces are made when first asked for: most paragraphs are narrative outside
    the tables, where only their text (and how much of it is numbers) matters. A grid row's text
    (its cells joined by tabs) is likewise made only when asked for.
    """

    __slots__ = ("grid", "blanks_reliable", "table", "aligned", "_pieces", "_text", "_row",
                 "_source", "_labels", "_values")

    def __init__(self, pieces: list[Piece] | None, grid: bool, blanks_reliable: bool = True,
                 table: int | None = None, text: str | None = "", aligned: bool = False,
                 row: list | None = None, source: Source | None = None,
                 labels: list[Piece] | None = None, values: list[Piece] | None = None):
        self.grid = grid  # a table row (False: a paragraph)
        self.blanks_reliable = blanks_reliable
        self.table = table  # index of the table in the document
        self.aligned = aligned  # grid columns line up across rows (merged cells expanded)
        self._pieces = pieces
        self._text = text  # the whole printed line, for headings and narrative
        self._row = row  # grid cells, for the text of a grid row
        self._source = source  # a paragraph's source, for its pieces
        # The label and value pieces, when the maker of the pieces sorted them (grid rows).
        self._labels = labels
        self._values = values

    @property
    def pieces(self) -> list[Piece]:
        pieces = self._pieces
        if pieces is None:
            text, source = self._text, self._source
            pieces = self._pieces = [
                Piece(text[a:b], kind, source.sub(a, b), run)  # type: ignore[union-attr]
                for kind, a, b, run in _segments(text)]  # type: ignore[arg-type]
        return pieces

    @property
    def text(self) -> str:
        text = self._text
        if text is None:
            text = self._text = "\t".join([c.text for c in self._row if not c.spanned])  # type: ignore[union-attr]
        return text

    def labels(self) -> list[Piece]:
        labels = self._labels
        return [p for p in self.pieces if p.kind == "label"] if labels is None else labels[:]

    def values(self) -> list[Piece]:
        values = self._values
        return [p for p in self.pieces if p.kind == "value"] if values is None else values[:]

    def value_size(self) -> tuple[int, int]:
        """How many value pieces the line has and how many characters they print."""
        if self._pieces is None:
            spans = [(a, b) for kind, a, b, _ in _segments(self._text) if kind == "value"]  # type: ignore[arg-type]
            return len(spans), sum(b - a for a, b in spans)
        vals = [p for p in self._pieces if p.kind == "value"]
        return len(vals), sum(len(p.text) for p in vals)


@functools.lru_cache(maxsize=4096)
def _is_value(text: str) -> bool:
    t = _simplified_units(nfkc(text)).strip()
    m = VALUE_RE.fullmatch(t)
    return m is not None or t in ("无", "空")


@functools.lru_cache(maxsize=4096)
def _value_spans(text: str) -> tuple[tuple[int, int], ...] | None:
    """Where the values of a cell holding only values ("0 0 0", "减 232") are; None for a label.
    "减 232" or "1.8 亿元" is one value: only whitespace-separated numbers split."""
    t = _simplified_units(nfkc(text))
    if not t.strip():
        return None
    spans: list[tuple[int, int]] = []
    pos = 0
    for m in VALUE_RE.finditer(t):
        if t[pos:m.start()].strip():
            return None
        spans.append((m.start(), m.end()))
        pos = m.end()
    if t[pos:].strip() or not spans:
        return None
    return tuple(spans)


@functools.lru_cache(maxsize=16384)
def _cell_class(text: str) -> tuple[PieceKind | None, object]:
    """How a grid cell's text reads, with the text its piece prints: ("empty", text), ("value",
    stripped text), ("label", text) or (None, value spans: several values in one cell). Cells
    recur: remembered."""
    if not text.strip():
        return "empty", text
    if _is_value(text):
        return "value", text.strip()
    spans = _value_spans(text)
    if spans is not None:
        return None, spans
    return "label", text


def grid_line(row, table_index: int, blanks_reliable: bool, aligned: bool) -> Line:
    pieces: list[Piece] = []
    labels: list[Piece] = []
    values: list[Piece] = []
    append = pieces.append
    j = 0
    for cell in row:
        kind, shown = _cell_class(cell.text)
        if kind is not None:
            piece = Piece(shown, kind, cell.source, False, cell.spanned, j)  # type: ignore[arg-type]
            append(piece)
            if kind == "label":
                labels.append(piece)
            elif kind == "value":
                values.append(piece)
        else:
            text, source, spanned = cell.text, cell.source, cell.spanned
            split = [Piece(text[a:b], "value", source.sub(a, b), False, spanned, j)
                     for a, b in shown]  # type: ignore[union-attr]
            pieces += split
            values += split
        j += 1
    return Line(pieces, True, blanks_reliable, table_index, None, aligned, row, None, labels,
                values)


def text_line(text: str, source: Source) -> Line:
    """Running text as a line of label and value pieces (made when first asked for)."""
    return Line(None, False, text=text, source=source)


def _segments(text: str) -> tuple[tuple[PieceKind, int, int, bool], ...]:
    """Running text segmented into label and value pieces: (kind, start, end, run)."""
    if len(text) > 200:  # long narrative: seldom repeated
        return _segment(text)
    return _segment_short(text)


def _segment(text: str) -> tuple[tuple[PieceKind, int, int, bool], ...]:
    t = _simplified_units(nfkc(text))  # same length as text for what VALUE_RE cares about
    if len(t) != len(text):
        t = _simplified_units(text)
    out: list[tuple[PieceKind, int, int, bool]] = []
    signed = _SIGNED_LINE.fullmatch(t)
    if signed is not None:  # "-232" alone on its line: one signed cell, not a blank mark and 232
        start, end = signed.span(1)
        return (("value", start, end, _TWO_DIGITS.search(t, start, end) is not None),)
    pos = 0
    for m in TEXT_VALUE_RE.finditer(t):
        start, end = m.start(), m.end()
        # "…0000003.危及…": the digits before "." + label are the next item's numbering.
        if _NUMBERING_AT.match(t, end) and _DIGITS.fullmatch(t, start, end):
            end -= 1
            if end <= start:
                continue
        # "（1）属于国家秘密": bracketed digits are an item's numbering, part of its label.
        if 0 < start and end < len(t) and t[start - 1] in "（(" and t[end] in "）)" \
                and _DIGITS.fullmatch(t, start, end):
            continue
        if t[pos:start].strip():
            out.append(("label", pos, start, False))
        # A digit run may hold several cells.
        # (A separated number's first digits may still belong to the cell before: "1" + "15,255".)
        run = _TWO_DIGITS.search(t, start, end) is not None or \
            (end - start > 1 and MARKS.fullmatch(t, start, end) is not None)
        out.append(("value", start, end, run))
        pos = end
    if t[pos:].strip():
        out.append(("label", pos, len(text), False))
    return tuple(out)


_segment_short = functools.lru_cache(maxsize=4096)(_segment)  # table rows copied as text recur


def lines_of(doc: Document) -> list[Line]:
    out: list[Line] = []
    for i, block in enumerate(doc.blocks):
        if isinstance(block, Paragraph):
            if block.text:
                out.append(text_line(block.text, block.source))
            else:  # a blank cell of text that prints one cell per line
                out.append(Line([Piece("", "empty", block.source)], False, text="", source=block.source))
        elif isinstance(block, Table):
            for row in block.rows:
                out.append(grid_line(row, i, block.blanks_reliable, block.columns_aligned))
    return out
