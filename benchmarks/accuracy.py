#!/usr/bin/env python3
"""Parser accuracy on synthetic reports, per layout and edition.

Generates N reports per layout × edition with a fixed seed (`xxgk.synth`: source file + truth
JSON), parses each one, and scores the output against the truth with the logic of
shared/tools/score.py (imported by path; an identical copy below is used when ../shared is not
there). Prints one row per layout × edition: strict and lenient cell accuracy, metadata accuracy
(edition, year, agency) and the reports whose cells are all right.

    .venv/bin/python benchmarks/accuracy.py                 # 40 per layout × edition
    .venv/bin/python benchmarks/accuracy.py --layout pdf_text --edition 2021 --n 100
    .venv/bin/python benchmarks/accuracy.py --keep /tmp/corpus --verbose

With --keep DIR the corpus stays: DIR/<layout>-<edition>/{src,truth,parsed}/, so one group can be
re-scored with `python ../shared/tools/score.py DIR/G/truth DIR/G/parsed --verbose` and a failing
report opened in DIR/G/src.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import importlib.util
import io
import json
import math
import pathlib
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from types import ModuleType
from typing import Callable

ROOT = pathlib.Path(__file__).resolve().parents[1]
SHARED_SCORE = ROOT.parent / "shared" / "tools" / "score.py"
sys.path.insert(0, str(ROOT / "src"))

from xxgk import synth  # noqa: E402

EDITIONS = ("2019", "2021")


# ---------------------------------------------------------------------------------------------
# Scoring: shared/tools/score.py when present, else this identical copy of its logic.
# ---------------------------------------------------------------------------------------------

def _value_of(cell):
    if isinstance(cell, dict):
        return cell.get("value")
    return cell


def _same(a, b, lenient=False):
    if lenient:
        a = 0 if a is None else a
        b = 0 if b is None else b
    if a is None or b is None:
        return a is None and b is None
    try:
        return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-6)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _meta_same(field, want, got):
    """Agency names match when one contains the other (平潭综合实验区 ~ 平潭综合实验区管委会)."""
    if field != "agency" or not want or not got:
        return str(want) == str(got)
    a, b = str(want).replace(" ", ""), str(got).replace(" ", "")
    return a in b or b in a


def _score_main(argv):
    """score.py's main(), verbatim: per-report lines, then the totals."""
    truth_dir, parsed_dir = pathlib.Path(argv[1]), pathlib.Path(argv[2])
    verbose = "--verbose" in argv
    total = strict = lenient = reports = perfect = meta_ok = meta_n = 0
    for tf in sorted(truth_dir.glob("*.json")):
        truth = json.loads(tf.read_text(encoding="utf-8"))
        reports += 1
        pf = parsed_dir / tf.name
        parsed = {}
        if pf.exists():
            try:
                parsed = json.loads(pf.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                parsed = {}
        cells = parsed.get("cells") or {}
        wrong = []
        n = ok = ok_l = 0
        for key, want in truth["cells"].items():
            got = _value_of(cells.get(key)) if key in cells else "<missing>"
            n += 1
            if got != "<missing>" and _same(got, want):
                ok += 1
            else:
                wrong.append((key, want, got))
            if got != "<missing>" and _same(got, want, lenient=True):
                ok_l += 1
        meta = []
        for field_ in ("edition", "year", "agency"):
            if field_ in truth:
                meta_n += 1
                if _meta_same(field_, truth[field_], parsed.get(field_)):
                    meta_ok += 1
                else:
                    meta.append(f"{field_}: want {truth[field_]!r} got {parsed.get(field_)!r}")
        total += n
        strict += ok
        lenient += ok_l
        perfect += ok == n
        status = "missing output" if not pf.exists() else f"{ok}/{n}"
        print(f"{tf.stem}: {status}" + (f"  [{'; '.join(meta)}]" if meta else ""))
        if verbose:
            for key, want, got in wrong[:40]:
                print(f"    {key}: want {want!r} got {got!r}")
    pct = 100.0 * strict / total if total else 0.0
    pct_l = 100.0 * lenient / total if total else 0.0
    print(f"metadata: {meta_ok}/{meta_n} right")
    print(f"cells: {strict}/{total} strict ({pct:.2f}%), lenient {pct_l:.2f}%, "
          f"reports fully right: {perfect}/{reports}")
    return 0


def _load_shared() -> ModuleType | None:
    if not SHARED_SCORE.exists():
        return None
    spec = importlib.util.spec_from_file_location("xxgk_shared_score", SHARED_SCORE)
    if spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Score:
    cells: int
    strict: int
    lenient_pct: float
    meta_ok: int
    meta_n: int
    perfect: int
    reports: int
    lines: list[str]  # the scorer's per-report lines (with --verbose: the wrong cells)

    @property
    def strict_pct(self) -> float:
        return 100.0 * self.strict / self.cells if self.cells else 0.0

    @property
    def meta_pct(self) -> float:
        return 100.0 * self.meta_ok / self.meta_n if self.meta_n else 0.0


_TOTALS = re.compile(r"cells: (\d+)/(\d+) strict \([\d.]+%\), lenient ([\d.]+)%, "
                     r"reports fully right: (\d+)/(\d+)")


def run_scorer(main: Callable[[list[str]], int], truth: pathlib.Path, parsed: pathlib.Path,
               verbose: bool) -> Score:
    """Run a score.py main() over two directories and read its totals."""
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        main(["score.py", str(truth), str(parsed)] + (["--verbose"] if verbose else []))
    lines = buf.getvalue().splitlines()
    meta = re.fullmatch(r"metadata: (\d+)/(\d+) right", lines[-2])
    cells = _TOTALS.fullmatch(lines[-1])
    if meta is None or cells is None:
        raise RuntimeError(f"unexpected scorer output: {lines[-2:]}")
    return Score(cells=int(cells[2]), strict=int(cells[1]), lenient_pct=float(cells[3]),
                 meta_ok=int(meta[1]), meta_n=int(meta[2]), perfect=int(cells[4]),
                 reports=int(cells[5]), lines=lines[:-2])


# ---------------------------------------------------------------------------------------------
# Corpus and parsing
# ---------------------------------------------------------------------------------------------

@dataclass
class Group:
    layout: str
    edition: str
    root: pathlib.Path
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0
    missing: int = 0  # sources the parser wrote no output for (error or timeout)

    @property
    def name(self) -> str:
        return f"{self.layout}-{self.edition}"

    def dir(self, part: str) -> pathlib.Path:
        return self.root / self.name / part


def generate(group: Group, n: int, seed: int) -> list[pathlib.Path]:
    """Write n sources and truth files; report i of an edition is the same in every layout."""
    src, truth = group.dir("src"), group.dir("truth")
    for d in (src, truth, group.dir("parsed")):
        d.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(n):
        report = synth.random_report(random.Random(f"{seed}:{group.edition}:{i}"), group.edition)
        out = synth.render(report, group.layout, random.Random(f"{seed}:{group.edition}:{i}:{group.layout}"))
        stem = f"{group.name}-{i:03d}"
        path = src / (stem + synth.SUFFIXES[group.layout])
        path.write_bytes(synth.as_bytes(out))
        (truth / f"{stem}.json").write_text(
            json.dumps(synth.truth_json(report), ensure_ascii=False, indent=1) + "\n", "utf-8")
        files.append(path)
    return files


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def parse_in_process(group: Group, files: list[pathlib.Path], timeout: float) -> None:
    """read_path → parse_document → checks.run, as `xxgk parse` does; one JSON per source."""
    from xxgk import checks
    from xxgk.parse import parse_document
    from xxgk.readers import read_path

    use_alarm = hasattr(signal, "setitimer") and timeout > 0
    if use_alarm:
        signal.signal(signal.SIGALRM, _alarm)
    for path in files:
        t0 = time.perf_counter()
        try:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, timeout)
            report = parse_document(read_path(path))
            doc = report.to_dict(checks.run(report))
        except _Timeout:
            group.errors.append(f"{path.name}: timeout after {timeout:g}s")
            continue
        except Exception as e:  # measured, not fatal: a crash is a report with no output
            group.errors.append(f"{path.name}: {type(e).__name__}: {str(e)[:160]}")
            continue
        finally:
            if use_alarm:
                signal.setitimer(signal.ITIMER_REAL, 0)
            group.seconds += time.perf_counter() - t0
        (group.dir("parsed") / f"{path.stem}.json").write_text(
            json.dumps(doc, ensure_ascii=False) + "\n", "utf-8")


def parse_with_cli(group: Group, files: list[pathlib.Path], timeout: float) -> None:
    """`xxgk parse FILES --format json -o DIR` in one process for the whole group."""
    exe = ROOT / ".venv" / "bin" / "xxgk"
    cmd = [str(exe if exe.exists() else "xxgk"), "parse", *map(str, files), "--format", "json",
           "-o", str(group.dir("parsed"))]
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout * len(files) if timeout > 0 else None)
        group.errors += [line for line in proc.stderr.splitlines() if line.strip()]
    except subprocess.TimeoutExpired:
        group.errors.append(f"xxgk parse timed out after {timeout * len(files):g}s")
    group.seconds += time.perf_counter() - t0


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------

def _missed_cells(score: Score, top: int = 5) -> str:
    """The cells most often wrong in a group (from the scorer's --verbose lines)."""
    counts = collections.Counter(m.group(1) for line in score.lines
                                 if (m := re.match(r"\s+([\w.]+): want", line)))
    return ", ".join(f"{k} ×{v}" for k, v in counts.most_common(top))


def print_table(rows: list[tuple[Group, Score]], scorer: str) -> None:
    print(f"\nscored with {scorer}\n")
    print("| layout | edition | reports | strict cells | lenient cells | metadata | fully right "
          "| no output | s/report |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for g, s in rows:
        print(f"| {g.layout} | {g.edition} | {s.reports} | {s.strict_pct:.2f}% | "
              f"{s.lenient_pct:.2f}% | {s.meta_pct:.1f}% | {s.perfect}/{s.reports} | "
              f"{g.missing} | {g.seconds / max(1, s.reports):.3f} |")
    cells = sum(s.cells for _, s in rows)
    strict = sum(s.strict for _, s in rows)
    lenient = sum(s.lenient_pct * s.cells for _, s in rows) / cells if cells else 0.0
    meta = sum(s.meta_ok for _, s in rows), sum(s.meta_n for _, s in rows)
    perfect, reports = sum(s.perfect for _, s in rows), sum(s.reports for _, s in rows)
    print(f"| **all** | | {reports} | {100 * strict / max(1, cells):.2f}% | {lenient:.2f}% | "
          f"{100 * meta[0] / max(1, meta[1]):.1f}% | {perfect}/{reports} | "
          f"{sum(g.missing for g, _ in rows)} | |")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=40, help="reports per layout × edition (default 40)")
    ap.add_argument("--seed", type=int, default=2024, help="corpus seed (default 2024)")
    ap.add_argument("--layout", action="append", choices=synth.LAYOUTS,
                    help="only this layout (repeatable)")
    ap.add_argument("--edition", action="append", choices=EDITIONS,
                    help="only this edition (repeatable)")
    ap.add_argument("--keep", type=pathlib.Path, metavar="DIR",
                    help="write the corpus and parser output to DIR and keep them")
    ap.add_argument("--cli", action="store_true",
                    help="parse through the installed `xxgk parse` instead of in-process")
    ap.add_argument("--timeout", type=float, default=30.0,
                    help="seconds allowed per report before it counts as no output (default 30)")
    ap.add_argument("--verbose", action="store_true",
                    help="list parse errors and the most often wrong cells per group")
    args = ap.parse_args(argv)

    shared = _load_shared()
    scorer_main = shared.main if shared is not None else _score_main
    scorer = str(SHARED_SCORE) if shared is not None else "the built-in copy of score.py"
    root = args.keep or pathlib.Path(tempfile.mkdtemp(prefix="xxgk-accuracy-"))
    if args.keep and args.keep.exists():
        for layout in synth.LAYOUTS:  # stale groups of an earlier run would mix in
            for edition in EDITIONS:
                shutil.rmtree(args.keep / f"{layout}-{edition}", ignore_errors=True)
    rows = []
    try:
        for layout in args.layout or synth.LAYOUTS:
            for edition in args.edition or EDITIONS:
                g = Group(layout, edition, root)
                files = generate(g, args.n, args.seed)
                (parse_with_cli if args.cli else parse_in_process)(g, files, args.timeout)
                g.missing = sum(not (g.dir("parsed") / f"{f.stem}.json").exists() for f in files)
                s = run_scorer(scorer_main, g.dir("truth"), g.dir("parsed"), args.verbose)
                if shared is not None:  # the copy must not drift from the shared scorer
                    mine = run_scorer(_score_main, g.dir("truth"), g.dir("parsed"), args.verbose)
                    if mine.lines != s.lines or (mine.strict, mine.perfect) != (s.strict, s.perfect):
                        print("warning: benchmarks/accuracy.py's copy of score.py disagrees with "
                              f"{SHARED_SCORE}; update the copy", file=sys.stderr)
                rows.append((g, s))
                print(f"{g.name}: {s.strict_pct:.2f}% strict, {s.perfect}/{s.reports} fully right",
                      file=sys.stderr)
                if args.verbose:
                    for e in g.errors[:10]:
                        print(f"    error {e}", file=sys.stderr)
                    if missed := _missed_cells(s):
                        print(f"    most missed: {missed}", file=sys.stderr)
        print_table(rows, scorer)
        if args.keep:
            print(f"\ncorpus kept in {root}")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
