"""Write a report in the official layout: DOCX, HTML, Markdown and a fillable XLSX workbook.

    from xxgk.render import render_bytes
    data = render_bytes(report, "docx")       # or "html", "md", "xlsx"

- `layout`: the three tables in the official layout of an edition (shared with the web UI);
- `content`: the report as printed blocks (title, headings, narrative, tables, signature);
- `docx`, `html`, `markdown`, `xlsx`: one writer each;
- `gate`: the checks before anything is written (refuse on errors unless forced) and
  `--fill-totals`.

Writers print what the report holds; they never check it. `gate.prepare` is the step that decides
whether a report may be written.
"""

from __future__ import annotations

from typing import Literal

from ..model import Report

Format = Literal["docx", "html", "md", "xlsx"]
FORMATS: tuple[Format, ...] = ("docx", "html", "md", "xlsx")
SUFFIXES: dict[str, Format] = {".docx": "docx", ".html": "html", ".htm": "html", ".md": "md",
                               ".markdown": "md", ".xlsx": "xlsx"}


def render_bytes(report: Report, fmt: Format) -> bytes:
    """The report written in `fmt`; text formats are UTF-8."""
    # Imported per format: python-docx and openpyxl are only loaded when needed.
    if fmt == "docx":
        from .docx import render_docx

        return render_docx(report)
    if fmt == "xlsx":
        from .xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "html":
        from .html import render_html

        return render_html(report).encode("utf-8")
    if fmt == "md":
        from .markdown import render_markdown

        return render_markdown(report).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")


__all__ = ["FORMATS", "Format", "SUFFIXES", "render_bytes"]
