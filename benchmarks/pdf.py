#!/usr/bin/env python3
"""PDF parse time against pypdfium2's bare text extraction of the same file.

For each report PDF of tests/fixtures/pdf (or the files given), in the same run and alternating
so both see the same machine load:

- bare: `pypdfium2.PdfDocument(data)`, then `pdf.get_page(i).get_textpage().get_text_range()`
  for every page — the least any reader built on pdfium does;
- xxgk: `readers.pdf.read_pdf` → `parse.parse_document` (and `read_pdf` alone);

repeated, and the medians printed as a Markdown table with the ratio xxgk / bare. Wall time by
default; `--cpu` measures the process's CPU time instead (on a machine shared with other work,
where wall time mostly measures the neighbours).

    .venv/bin/python benchmarks/pdf.py                 # 40 rounds over the report fixtures
    .venv/bin/python benchmarks/pdf.py --repeat 100 some.pdf other.pdf
    .venv/bin/python benchmarks/pdf.py --cpu
"""

from __future__ import annotations

import argparse
import gc
import os
import pathlib
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Callable

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import pypdfium2 as pdfium  # noqa: E402

import xxgk  # noqa: E402
from xxgk.parse import parse_document  # noqa: E402
from xxgk.readers.pdf import read_pdf  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from parse import machine as base_machine  # noqa: E402  (the text/HTML benchmark)

FIXTURES = ROOT / "tests" / "fixtures" / "pdf"
REPORTS = ["ruled_2019.pdf", "ruled_2021.pdf", "plain_2019.pdf", "rotated_2021.pdf"]
WARMUP = 3


def bare(data: bytes) -> int:
    pdf = pdfium.PdfDocument(data)
    try:
        return sum(len(pdf.get_page(i).get_textpage().get_text_range()) for i in range(len(pdf)))
    finally:
        pdf.close()


def read_only(data: bytes, name: str) -> int:
    return len(read_pdf(data, name).blocks)


def read_and_parse(data: bytes, name: str) -> int:
    return len(parse_document(read_pdf(data, name)).cells)


@dataclass
class Timings:
    name: str
    pages: int
    size: int
    bare: list[float] = field(default_factory=list)
    read: list[float] = field(default_factory=list)
    full: list[float] = field(default_factory=list)


CLOCK = time.perf_counter  # time.process_time with --cpu


def _time(fn: Callable[[], object]) -> float:
    t0 = CLOCK()
    fn()
    return CLOCK() - t0


def measure(path: pathlib.Path, repeat: int) -> Timings:
    data = path.read_bytes()
    pdf = pdfium.PdfDocument(data)
    t = Timings(path.name, len(pdf), len(data))
    pdf.close()
    for _ in range(WARMUP):
        bare(data)
        read_and_parse(data, path.name)
    for k in range(repeat):
        gc.collect()
        steps = [("bare", lambda: bare(data)), ("read", lambda: read_only(data, path.name)),
                 ("full", lambda: read_and_parse(data, path.name))]
        if k % 2:  # alternate the order: neither side always runs on a warmer cache
            steps.reverse()
        for label, fn in steps:
            getattr(t, label).append(_time(fn))
    return t


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def machine() -> list[str]:
    """The text/HTML benchmark's machine lines, with PDFium's version and the load average."""
    lines = base_machine()[:2] + [f"- pypdfium2 {pdfium.PYPDFIUM_INFO}, pdfium {pdfium.PDFIUM_INFO}, "
                                  f"xxgk {xxgk.__version__}"]
    try:
        lines.append("- load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    except OSError:
        pass
    return lines


def row(t: Timings) -> str:
    b, r, f = (statistics.median(x) for x in (t.bare, t.read, t.full))
    ratios = [full / bare_ for full, bare_ in zip(t.full, t.bare)]
    return (f"| {t.name} | {t.pages} | {t.size / 1024:.0f} KB | {ms(b)} | {ms(r)} | {ms(f)} | "
            f"{f / b:.2f}× | {statistics.median(ratios):.2f}× |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="*", type=pathlib.Path, help="PDF reports (default: the fixtures)")
    ap.add_argument("--repeat", type=int, default=40, help="rounds per file (default 40)")
    ap.add_argument("--cpu", action="store_true", help="CPU time of this process instead of wall time")
    args = ap.parse_args(argv)
    global CLOCK
    CLOCK = time.process_time if args.cpu else time.perf_counter
    files = args.files or [FIXTURES / name for name in REPORTS]
    results = [measure(path, args.repeat) for path in files]

    print("## PDF: read + parse time against bare pypdfium2 text extraction\n")
    print("\n".join(machine()))
    print(f"- {args.repeat} rounds per file, medians of {'CPU' if args.cpu else 'wall'} time; bare = open + "
          "`get_textpage().get_text_range()` of every page; xxgk = `read_pdf` → `parse_document`\n")
    print("| file | pages | size | bare pypdfium2 | read_pdf | read_pdf + parse_document | "
          "ratio (medians) | ratio (median per round) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for t in results:
        print(row(t))
    if len(results) > 1:
        ratios = [f / b for t in results for f, b in zip(t.full, t.bare)]
        print(f"| **all files** | | | | | | | {statistics.median(ratios):.2f}× |")
    print("\nratio: xxgk (read + parse) time over bare extraction time of the same file; the target "
          "is ≤ 2×.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
