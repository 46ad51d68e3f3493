"""Where a cell was printed: the line of the text it was read from (with a few lines around it), or
a crop of the PDF page at the cell's box (rendered with pypdfium2, the box outlined)."""

from __future__ import annotations

import functools
import io
from dataclasses import dataclass, field
from typing import Any

from ..model import Cell

CONTEXT_LINES = 3
CROP_SCALE = 2.0  # pixels per point: legible Chinese at a 10.5 pt size
CROP_MARGIN_Y = 36.0  # points above and below the cell: its row and the rows around it


@dataclass
class SourceView:
    key: str
    label: str
    cell: dict[str, Any] | None
    kind: str  # text | pdf | path | correction | none
    file: str | None = None
    line: int | None = None
    lines: list[tuple[int, str, str, str]] = field(default_factory=list)  # (no, before, hit, after)
    page: int | None = None
    bbox: list[float] | None = None
    path: str | None = None
    note: str | None = None


@functools.lru_cache(maxsize=64)
def _lines(data: bytes, name: str) -> tuple[str, ...]:
    from ..readers.encoding import decode

    text, _ = decode(data, name)
    return tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def cell_source(lib: Any, version: Any, key: str, label: str, cell: Cell | None) -> SourceView:
    view = SourceView(key, label, None if cell is None else cell.to_dict(), "none")
    if cell is None:
        view.note = "报告中没有这个单元格。"
        return view
    src = cell.source
    if src is None:
        if version.producer == "correction" and cell.note:
            view.kind = "correction"
            view.note = f"{version.author or ''} 人工更正：{version.reason or ''}"
        elif cell.status == "inferred":
            view.note = f"原文未印出，按勾稽关系（{cell.rule}）推算。" if cell.rule else "按勾稽关系推算。"
        else:
            view.note = "没有出处信息。"
        return view
    if version.source_id is None:
        view.note = "该版本没有保存原文件。"
        return view
    name, data = lib.source(version.id)
    view.file = name
    if src.page is not None and src.bbox is not None and data[:5] == b"%PDF-":
        view.kind, view.page, view.bbox = "pdf", src.page, list(src.bbox)
        return view
    if src.line is not None and data[:2] != b"PK":
        try:
            lines = _lines(data, name)
        except Exception:  # an undecodable file: say where, without the text
            lines = ()
        if 0 < src.line <= len(lines):
            view.kind, view.line = "text", src.line
            lo, hi = max(1, src.line - CONTEXT_LINES), min(len(lines), src.line + CONTEXT_LINES)
            for no in range(lo, hi + 1):
                text = lines[no - 1]
                if no == src.line and src.span is not None:
                    a, b = src.span
                    view.lines.append((no, text[:a], text[a:b], text[b:]))
                else:
                    view.lines.append((no, text, "", ""))
            return view
    view.kind = "path"
    view.path = src.describe()
    if cell.raw is not None:
        view.note = f"原文“{cell.raw}”"
    return view


def pdf_crop(data: bytes, page: int, bbox: tuple[float, float, float, float]) -> bytes:
    """PNG of the page's band around `bbox` (points from the top-left of the page as shown), the
    cell outlined in red."""
    import pypdfium2 as pdfium
    from PIL import ImageDraw

    pdf = pdfium.PdfDocument(data)
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"page {page} out of range")
        pg = pdf[page - 1]
        bitmap = pg.render(scale=CROP_SCALE, rotation=0)
        image = bitmap.to_pil().convert("RGB")
    finally:
        pdf.close()
    x0, top, x1, bottom = bbox
    s = CROP_SCALE
    draw = ImageDraw.Draw(image)
    draw.rectangle([x0 * s - 3, top * s - 3, x1 * s + 3, bottom * s + 3], outline=(198, 40, 40), width=3)
    band = (0, max(0, int((top - CROP_MARGIN_Y) * s)), image.width,
            min(image.height, int((bottom + CROP_MARGIN_Y) * s)))
    out = io.BytesIO()
    image.crop(band).save(out, format="PNG", optimize=True)
    return out.getvalue()
