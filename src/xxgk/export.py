"""Stored reports → a file for spreadsheets and data tools: CSV, XLSX, Parquet or JSON.

Layout `long`: one row per cell with the columns `report, agency, year, edition, source, key,
value, raw, status`. Layout `wide`: one row per report, one column per cell key (the keys of both
editions; a key the report's edition lacks is empty). Reports are read in batches and rows written
as they come, so memory does not grow with the library.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import select

from .errors import XxgkError
from .query import Filters
from .store.models import ReportRecord, Version, figure_keys
from .store.records import ReportRow

if TYPE_CHECKING:
    from .store.library import Library

Format = Literal["csv", "xlsx", "parquet", "json"]
Layout = Literal["long", "wide"]
FORMATS: tuple[str, ...] = ("csv", "xlsx", "parquet", "json")
LAYOUTS: tuple[str, ...] = ("long", "wide")
META = ("report", "agency", "year", "edition", "source")
LONG = META + ("key", "value", "raw", "status")
BATCH = 200  # reports loaded per query
XLSX_ROWS = 1_048_576  # rows per worksheet; the long layout continues on the next sheet


def columns(layout: Layout) -> list[str]:
    return list(LONG) if layout == "long" else list(META) + figure_keys()


def _documents(lib: "Library", rows: list[ReportRow]) -> Iterator[tuple[ReportRow, dict[str, Any]]]:
    for i in range(0, len(rows), BATCH):
        batch = rows[i:i + BATCH]
        with lib.read() as s:
            docs = dict(s.execute(
                select(ReportRecord.id, Version.document)
                .join(Version, Version.id == ReportRecord.current_version_id)
                .where(ReportRecord.id.in_([r.id for r in batch]))).all())
        for r in batch:
            if r.id in docs:
                yield r, json.loads(docs[r.id])


def records(lib: "Library", layout: Layout, filters: Filters | None = None) -> Iterator[list[Any]]:
    """The export's rows, in `columns(layout)` order."""
    rows = lib.reports(filters, order="agency")
    keys = figure_keys()
    for r, doc in _documents(lib, rows):
        meta = [r.id, r.agency, r.year, r.edition, r.source]
        cells = doc.get("cells") or {}
        if layout == "long":
            for key, c in cells.items():
                yield meta + [key, c.get("value"), c.get("raw"), c.get("status")]
        else:
            yield meta + [(cells.get(k) or {}).get("value") for k in keys]


def export(lib: "Library", path: Path, fmt: Format, layout: Layout = "long",
           filters: Filters | None = None) -> int:
    """Write the reports selected by `filters` to `path`; the number of rows written."""
    if fmt not in FORMATS:
        raise XxgkError(str(path), f"不支持的格式 {fmt!r} / unknown format (csv, xlsx, parquet, json)")
    if layout not in LAYOUTS:
        raise XxgkError(str(path), f"不支持的布局 {layout!r} / unknown layout (long, wide)")
    rows = records(lib, layout, filters)
    cols = columns(layout)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return {"csv": _csv, "json": _json, "xlsx": _xlsx, "parquet": _parquet}[fmt](
            path, cols, rows, layout)
    except OSError as e:
        raise XxgkError(str(path), f"无法写入 / cannot write: {e.strerror or e}") from None


def _text(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _csv(path: Path, cols: list[str], rows: Iterator[list[Any]], layout: Layout) -> int:
    n = 0
    # utf-8-sig: Excel opens Chinese CSV correctly only with the BOM.
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(cols)
        for row in rows:
            w.writerow(["" if v is None else _text(v) for v in row])
            n += 1
    return n


def _json(path: Path, cols: list[str], rows: Iterator[list[Any]], layout: Layout) -> int:
    n = 0
    with path.open("w", encoding="utf-8") as f:
        f.write("[")
        for row in rows:
            f.write(("\n" if n == 0 else ",\n")
                    + json.dumps(dict(zip(cols, (_text(v) for v in row))), ensure_ascii=False))
            n += 1
        f.write("\n]\n")
    return n


def _xlsx(path: Path, cols: list[str], rows: Iterator[list[Any]], layout: Layout) -> int:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet = None
    in_sheet = 0
    n = 0
    for row in rows:
        if sheet is None or in_sheet >= XLSX_ROWS:
            sheet = wb.create_sheet("报告" if sheet is None else f"报告{len(wb.worksheets) + 1}")
            sheet.append(cols)
            in_sheet = 1
        sheet.append([_text(v) for v in row])
        in_sheet += 1
        n += 1
    if sheet is None:
        wb.create_sheet("报告").append(cols)
    wb.save(path)
    return n


def _parquet(path: Path, cols: list[str], rows: Iterator[list[Any]], layout: Layout) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise XxgkError(str(path), "导出 Parquet 需要安装 pyarrow（pip install 'xxgk[parquet]'）/ "
                                   "Parquet needs pyarrow (pip install 'xxgk[parquet]')") from None
    types: dict[str, Any] = {"report": pa.int64(), "agency": pa.string(), "year": pa.int32(),
                             "edition": pa.string(), "source": pa.string(), "key": pa.string(),
                             "value": pa.float64(), "raw": pa.string(), "status": pa.string()}
    schema = pa.schema([(c, types.get(c, pa.float64())) for c in cols])
    n = 0
    batch: list[list[Any]] = []
    with pq.ParquetWriter(str(path), schema) as w:
        def flush() -> None:
            arrays = [pa.array([r[i] for r in batch], type=schema.field(i).type)
                      for i in range(len(cols))]
            w.write_table(pa.Table.from_arrays(arrays, schema=schema))
            batch.clear()

        for row in rows:
            batch.append([float(v) if isinstance(v, int) and schema.field(i).type == pa.float64()
                          else v for i, v in enumerate(row)])
            n += 1
            if len(batch) >= 20_000:
                flush()
        if batch or n == 0:
            flush()
    return n
