"""DOCX read + parse + check time per report, on synthetic reports built in the official layout
(`tests/fixtures/docx/make_fixtures.render_docx`, the builder of the DOCX test fixtures).

    .venv/bin/python benchmarks/docx_read.py [--n 200]

(Not named docx.py: the script's folder is on sys.path, and python-docx is `docx`.)
"""

from __future__ import annotations

import argparse
import pathlib
import random
import statistics
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "fixtures" / "docx"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import make_fixtures  # noqa: E402  (the fixture builder)
from parse import machine, ms  # noqa: E402  (shared with the text/HTML benchmark)

from xxgk import checks, synth  # noqa: E402
from xxgk.parse import parse_document  # noqa: E402
from xxgk.readers.docx import read_docx  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=200, help="reports (default 200)")
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    files = []
    for i in range(args.n):
        report = synth.random_report(random.Random(rng.random()), ("2019", "2021")[i % 2])
        files.append(make_fixtures.render_docx(report, random.Random(i)))
    read_t, total_t = [], []
    for i, data in enumerate(files):
        t0 = time.perf_counter()
        doc = read_docx(data, f"r{i}.docx")
        t1 = time.perf_counter()
        checks.run(parse_document(doc))
        t2 = time.perf_counter()
        read_t.append(t1 - t0)
        total_t.append(t2 - t0)
    size = statistics.mean(len(d) for d in files) / 1024

    def p95(xs: list[float]) -> float:
        return sorted(xs)[int(0.95 * (len(xs) - 1))]

    print("## DOCX read + parse + check time per report\n")
    print("\n".join(machine()))
    print(f"- corpus: `xxgk.synth` reports rendered by the DOCX fixture builder, {args.n} reports, "
          f"editions alternating, seed {args.seed}\n")
    print("| reports | mean size | read_docx median | read + parse + check median | p95 |")
    print("|---:|---:|---:|---:|---:|")
    print(f"| {args.n} | {size:.0f} KB | {ms(statistics.median(read_t))} | "
          f"{ms(statistics.median(total_t))} | {ms(p95(total_t))} |")


if __name__ == "__main__":
    main()
