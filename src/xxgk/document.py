"""The neutral document every reader produces and the parser consumes.

A `Document` is an ordered list of blocks: `Paragraph`s and `Table`s (grids of `GridCell`s). Every
piece of text carries a `Source` so a number in the final report can be traced to where it was
printed: a line and character span for text, an element path for HTML (later: page and box for
PDF). Readers never interpret the format; they only recover structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, Union


class Source(NamedTuple):
    """Where a piece of text was printed.

    `line` is 1-based; `span` is the [start, end) character range within that line. `path` is an
    element path (HTML). `page`/`bbox` are for page-based formats.

    Immutable, compared, hashed and printed by its fields. A tuple underneath: readers make one
    per table cell and piece of text, and a tuple is made in C (`tuple.__new__(Source, fields)`,
    half the time of an object with a `__dict__`, and less to free).
    """

    line: int | None = None
    span: tuple[int, int] | None = None
    path: str | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.line is not None:
            out["line"] = self.line
        if self.span is not None:
            out["span"] = list(self.span)
        if self.path is not None:
            out["path"] = self.path
        if self.page is not None:
            out["page"] = self.page
        if self.bbox is not None:
            out["bbox"] = list(self.bbox)
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> "Source | None":
        if not d:
            return None
        return cls(
            line=d.get("line"),
            span=tuple(d["span"]) if d.get("span") else None,  # type: ignore[arg-type]
            path=d.get("path"),
            page=d.get("page"),
            bbox=tuple(d["bbox"]) if d.get("bbox") else None,  # type: ignore[arg-type]
        )

    def sub(self, start: int, end: int) -> "Source":
        """The source of a substring [start, end) of the text this source points at."""
        # tuple.__new__: made in C (the parser narrows sources for every split of a digit run).
        if self.span is not None:
            base = self.span[0]
            return _new(Source, (self.line, (base + start, base + end), self.path, self.page, self.bbox))
        return _new(Source, (self.line, None if self.line is None else (start, end), self.path,
                             self.page, self.bbox))

    def describe(self) -> str:
        """Human-readable location, e.g. "第57行 3–5" or an element path."""
        parts = []
        if self.page is not None:
            parts.append(f"p.{self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}" + (f":{self.span[0]}-{self.span[1]}" if self.span else ""))
        if self.path is not None:
            parts.append(self.path)
        return " ".join(parts)


_new = tuple.__new__


@dataclass(slots=True)
class Paragraph:
    text: str
    source: Source
    kind: Literal["paragraph"] = "paragraph"


@dataclass(slots=True)
class GridCell:
    """One position of a table grid.

    A merged cell (rowspan/colspan) is expanded into every position it covers: the first position
    has `spanned=False`, the copies `spanned=True`, so the parser can tell a repeated label from a
    printed value.
    """

    text: str
    source: Source
    spanned: bool = False


@dataclass
class Table:
    rows: list[list[GridCell]]
    source: Source
    # False when the reader cannot tell a blank cell from a lost one (text extracted from PDF
    # collapses or misplaces empty cells): the parser then ignores empty cells and lets the rules
    # decide where the printed numbers belong.
    blanks_reliable: bool = True
    # True when every row has one position per grid column (merged cells expanded, as HTML and
    # Markdown give): the parser can then read values by the header's column positions.
    columns_aligned: bool = False
    kind: Literal["table"] = "table"


Block = Union[Paragraph, Table]


@dataclass
class Document:
    """What a reader makes of one file."""

    name: str  # the file name, for messages and provenance
    form: str  # how it was read: "docx-text", "pdf-text", "web-text", "markdown", "html", ...
    blocks: list[Block] = field(default_factory=list)
    title: str | None = None  # e.g. the HTML <title>, when the format has one
    meta: dict[str, str] = field(default_factory=dict)  # e.g. encoding, publication date meta tags

    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """All text in reading order, tables row by row with tabs between cells."""
        out = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                for row in b.rows:
                    out.append("\t".join([c.text for c in row if not c.spanned]))
        return "\n".join(out)
