#!/usr/bin/env python3
"""Scanned reports: OCR seconds per page and strict cell accuracy, on N generated reports.

Each report is a random consistent report (`xxgk.synth`) printed the way the scan fixtures are
(tests/fixtures/scan/make_fixtures.py): DOCX in the official table layout (the DOCX fixture
builder, random options) → PDF by LibreOffice → pdftoppm at 150 dpi, grey → image-only PDF. The
"skewed" variant turns each page by 1–2° and adds grain and speckle. Every scan is read
(`read_bytes`, OCR) and parsed, and its cells compared with the truth as shared/tools/score.py
does (strict: numbers to 1e-6, null equals only null).

    .venv/bin/python benchmarks/ocr.py            # 6 reports, editions alternating, both variants
    .venv/bin/python benchmarks/ocr.py --n 20 --variants scan

Needs `xxgk[ocr]`, LibreOffice (soffice) and pdftoppm.
"""

from __future__ import annotations

import argparse
import pathlib
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import fixture_builders  # noqa: E402
from parse import machine as base_machine  # noqa: E402  (the text/HTML benchmark)

from xxgk import synth  # noqa: E402
from xxgk.errors import XxgkError  # noqa: E402
from xxgk.parse import parse_document  # noqa: E402
from xxgk.readers import ocr_engine, read_bytes  # noqa: E402

DOCX = fixture_builders.load("docx")
SCAN = fixture_builders.load("scan")


@dataclass
class Result:
    edition: str
    variant: str
    pages: int
    seconds: float  # wall, read (OCR) + parse
    cpu: float  # process CPU time (all threads)
    cells: int
    right: int
    wrong: list[tuple[str, object, object]] = field(default_factory=list)
    flagged: int = 0  # R-ocr-unconfirmed findings
    error: str | None = None


def printed(docx_files: list[bytes]) -> list[bytes]:
    """The DOCX files printed to PDF by one LibreOffice run (a private profile)."""
    with tempfile.TemporaryDirectory(prefix="xxgk-bench-ocr-") as tmp:
        paths = []
        for k, data in enumerate(docx_files):
            p = pathlib.Path(tmp) / f"r{k:03d}.docx"
            p.write_bytes(data)
            paths.append(p)
        subprocess.run(["soffice", f"-env:UserInstallation={pathlib.Path(tmp, 'profile').as_uri()}",
                        "--headless", "--convert-to", "pdf", "--outdir", tmp, *map(str, paths)],
                       check=True, capture_output=True, timeout=600)
        return [p.with_suffix(".pdf").read_bytes() for p in paths]


def same(got: object, want: object) -> bool:
    if got is None or want is None:
        return got is None and want is None
    return abs(float(got) - float(want)) < 1e-6  # type: ignore[arg-type]


def cpu_now() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(data: bytes, truth: dict, edition: str, variant: str, pages: int) -> Result:
    t0, c0 = time.perf_counter(), cpu_now()
    try:
        report = parse_document(read_bytes(data, f"{variant}.pdf"))
    except XxgkError as err:
        return Result(edition, variant, pages, time.perf_counter() - t0, cpu_now() - c0,
                      len(truth["cells"]), 0, error=err.problem)
    seconds, cpu = time.perf_counter() - t0, cpu_now() - c0
    wrong = [(k, v, report.cells[k].value) for k, v in truth["cells"].items() if not same(report.cells[k].value, v)]
    flagged = sum(1 for f in report.findings if f.rule == "R-ocr-unconfirmed")
    return Result(edition, variant, pages, seconds, cpu, len(truth["cells"]), len(truth["cells"]) - len(wrong),
                  wrong, flagged)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=6, help="reports (default 6, editions alternating)")
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--variants", default="scan,skewed", help="scan, skewed or both (default)")
    ap.add_argument("--verbose", action="store_true", help="list the wrong cells")
    args = ap.parse_args(argv)
    if not ocr_engine.available():
        print("OCR is not installed: pip install 'xxgk[ocr]'", file=sys.stderr)
        return 2
    variants = [v for v in args.variants.split(",") if v]
    rng = random.Random(args.seed)
    reports = [synth.random_report(random.Random(rng.random()), ("2019", "2021")[i % 2], zero_share=0.1)
               for i in range(args.n)]
    docx_files = [DOCX.render_docx(r, random.Random(args.seed + i), nested=False)
                  for i, r in enumerate(reports)]
    pdfs = printed(docx_files)
    ocr_engine.engine("warm-up")  # model loading is not per page
    results: list[Result] = []
    for i, (report, pdf) in enumerate(zip(reports, pdfs)):
        images = SCAN.rasterise(pdf)
        truth = synth.truth_json(report)
        for variant in variants:
            if variant == "scan":
                data = SCAN.image_pdf(images)
            else:
                data = SCAN.image_pdf([SCAN.skewed_noisy(p, (1.0 + (k % 3) * 0.5) * (-1) ** k, i * 100 + k)
                                       for k, p in enumerate(images)])
            res = measure(data, truth, report.edition, variant, len(images))
            results.append(res)
            print(f"  report {i + 1}/{args.n} {report.edition} {variant}: {res.right}/{res.cells} cells, "
                  f"{res.pages} pages, {res.seconds:.1f} s" + (f" — {res.error}" if res.error else ""),
                  file=sys.stderr)
            if args.verbose:
                for k, want, got in res.wrong:
                    print(f"    {k}: truth {want}, read {got}", file=sys.stderr)

    print("## OCR: scanned reports, `benchmarks/ocr.py`\n")
    print("\n".join(base_machine()[:2]))
    print(f"- onnxruntime, PP-OCRv4 models of rapidocr-onnxruntime; {ocr_engine.engine('x').det.get_providers()[0]}")
    print(f"- corpus: {args.n} `xxgk.synth` reports (seed {args.seed}, editions alternating) → DOCX (official "
          "layout) → LibreOffice PDF → pdftoppm 150 dpi grey → image-only PDF; skewed = pages turned "
          "1–2° with grain σ 12 and 0.1% speckle\n")
    print("| edition | variant | reports | pages | strict cells | fully right | R-ocr-unconfirmed | "
          "s/page (wall) | CPU s/page |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    groups: dict[tuple[str, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.edition, r.variant), []).append(r)
    for key in sorted(groups) + [("**all**", "")]:
        rs = results if key[0] == "**all**" else groups[key]
        pages = sum(r.pages for r in rs)
        cells = sum(r.cells for r in rs)
        right = sum(r.right for r in rs)
        perfect = sum(1 for r in rs if r.right == r.cells)
        print(f"| {key[0]} | {key[1]} | {len(rs)} | {pages} | {100 * right / cells:.2f}% | {perfect}/{len(rs)} | "
              f"{sum(r.flagged for r in rs)} | {sum(r.seconds for r in rs) / pages:.2f} | "
              f"{sum(r.cpu for r in rs) / pages:.2f} |")
    per_page = [r.seconds / r.pages for r in results]
    print(f"\nOCR + parse per page: median {statistics.median(per_page):.2f} s, max {max(per_page):.2f} s "
          "(wall; the model is loaded once per process, about 1 s, not counted).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
