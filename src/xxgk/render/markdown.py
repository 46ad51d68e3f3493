"""Markdown for review and diffs: `#` title, `##` section headings, `###` sub-headings, the tables as
pipe tables over the official grid.

A pipe table cannot merge cells: a merged cell prints its text at its origin and leaves the
positions it covers empty, so every row has one cell per grid column and a diff of two years lines
up column by column. Line breaks inside a cell print as `<br>`.
"""

from __future__ import annotations

from .content import TableBlock, Text, blocks
from ..model import Report

_PREFIX = {"title": "# ", "heading": "## ", "subheading": "### ", "paragraph": "", "signature": "",
           "date": ""}


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", "<br>")


def _table(block: TableBlock) -> list[str]:
    rows = []
    for line in block.layout.grid():
        cells = []
        for slot in line:
            if not slot.origin:
                cells.append("")
            elif slot.cell.key is not None:
                cells.append(block.values.get(slot.cell.key, ""))
            else:
                cells.append(_escape(slot.cell.text))
        rows.append("| " + " | ".join(cells) + " |")
    sep = "|" + "|".join(["---"] * block.layout.width) + "|"
    return [rows[0], sep, *rows[1:]]


def _text(block: Text) -> str:
    # A paragraph that happens to start like Markdown syntax must stay a paragraph.
    text = block.text.replace("\\", "\\\\").replace("|", "\\|")
    if block.kind in ("paragraph", "signature", "date") and text[:1] in "#>-*+":
        text = "\\" + text
    return _PREFIX[block.kind] + text


def render_markdown(report: Report) -> str:
    out: list[str] = []
    for block in blocks(report):
        if isinstance(block, TableBlock):
            out += _table(block)
        else:
            out.append(_text(block))
        out.append("")
    return "\n".join(out)
