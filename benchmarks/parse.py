#!/usr/bin/env python3
"""Parse + check time per report, per layout, on synthetic reports (`xxgk.synth`).

For each layout, N reports (editions alternating, fixed seed) are rendered in memory and each is
timed through `readers.read_bytes` → `parse.parse_document` → `checks.run`, the work of
`xxgk check FILE` without the file system and the output; each stage is timed too (the medians
say where the time goes). For the HTML layouts the same bytes are also timed through a bare
`lxml.html.fromstring`: the floor no HTML reader can go below, and the ratio says how much the
reading, parsing and checking add to it.

Prints machine information and a Markdown table for docs/performance.md.

    .venv/bin/python benchmarks/parse.py                # 1000 reports per layout
    .venv/bin/python benchmarks/parse.py --n 200 --layout html_word
"""

from __future__ import annotations

import argparse
import gc
import os
import pathlib
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import lxml  # noqa: E402
import lxml.html  # noqa: E402

import xxgk  # noqa: E402
from xxgk import checks, synth  # noqa: E402
from xxgk.parse import parse_document  # noqa: E402
from xxgk.readers import read_bytes  # noqa: E402

EDITIONS = ("2019", "2021")
WARMUP = 5  # reports parsed before timing starts: imports, caches, first-call costs
# What a report's time is: the CPU time of this process (default: what one core spends on the
# report, whatever else the machine runs) or the wall-clock time (on an otherwise idle machine).
CLOCKS = {"cpu": time.process_time, "wall": time.perf_counter}
clock = time.process_time


@dataclass
class Timings:
    layout: str
    seconds: list[float] = field(default_factory=list)  # parse + check, one per report
    stages: dict[str, list[float]] = field(  # the same, per stage (reports that finished)
        default_factory=lambda: {"read": [], "parse": [], "check": []})
    floor: list[float] = field(default_factory=list)  # lxml.html.fromstring, HTML layouts only
    bytes: int = 0
    timeouts: int = 0
    errors: list[str] = field(default_factory=list)


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def corpus(layout: str, n: int, seed: int, start: int = 0):
    """(name, bytes) of n renderings; report i is the same in every layout."""
    for i in range(start, start + n):
        edition = EDITIONS[i % 2]
        report = synth.random_report(random.Random(f"{seed}:{edition}:{i}"), edition)
        out = synth.render(report, layout, random.Random(f"{seed}:{edition}:{i}:{layout}"))
        yield f"{layout}-{i:04d}{synth.SUFFIXES[layout]}", synth.as_bytes(out)


def parse_and_check(data: bytes, name: str, marks: list[float] | None = None) -> int:
    """Read, parse and check; `marks` receives the clock after each stage."""
    doc = read_bytes(data, name)
    if marks is not None:
        marks.append(clock())
    report = parse_document(doc)
    if marks is not None:
        marks.append(clock())
    found = len(checks.run(report))
    if marks is not None:
        marks.append(clock())
    return found


def time_one(t: Timings, name: str, data: bytes, timeout: float) -> None:
    if timeout > 0:
        signal.setitimer(signal.ITIMER_REAL, timeout)
    t0 = clock()
    marks: list[float] = []
    try:
        parse_and_check(data, name, marks)
        for stage, before, after in zip(("read", "parse", "check"), [t0] + marks, marks):
            t.stages[stage].append(after - before)
    except _Timeout:
        t.timeouts += 1
    except Exception as e:  # counted and shown; the timing of a failed parse still counts
        t.errors.append(f"{name}: {type(e).__name__}: {str(e)[:120]}")
    finally:
        elapsed = clock() - t0
        if timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
    t.seconds.append(elapsed)
    t.bytes += len(data)
    if t.layout in synth.HTML_LAYOUTS:
        t0 = clock()
        lxml.html.fromstring(data)
        t.floor.append(clock() - t0)


def measure(layout: str, n: int, seed: int, timeout: float, chunk: int = 50) -> Timings:
    """Render in chunks (generation stays out of the timings), then time each report."""
    t = Timings(layout)
    for name, data in corpus(layout, WARMUP, seed, start=10**6):
        try:
            parse_and_check(data, name)
        except Exception:
            pass
    done = 0
    while done < n:
        batch = list(corpus(layout, min(chunk, n - done), seed, start=done))
        gc.collect()
        for name, data in batch:
            time_one(t, name, data, timeout)
        done += len(batch)
    return t


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------

def p95(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=20, method="inclusive")[-1] if len(xs) > 1 else xs[0]


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms" if x < 1 else f"{x:.2f} s"


def machine() -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in pathlib.Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    try:
        rev = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=5).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return [f"- CPU: {cpu} ({os.cpu_count()} logical CPUs; one used)",
            f"- Python {platform.python_version()} ({platform.python_implementation()}), "
            f"{platform.system()} {platform.release()}",
            f"- lxml {lxml.__version__}, xxgk {xxgk.__version__}" + (f" (git {rev})" if rev else "")]


def row(label: str, t: Timings, timeout: float) -> str:
    xs = t.seconds
    capped = t.timeouts / len(xs) > 0.05  # p95 is then only a lower bound
    p = ("≥ " if capped else "") + ms(p95(xs))
    floor = ratio = ""
    if t.floor:  # per report: parse + check over fromstring of the same bytes
        floor = ms(statistics.median(t.floor))
        ratio = f"{statistics.median(x / f for x, f in zip(xs, t.floor)):.0f}×"
    kb = t.bytes / len(xs) / 1024
    stages = " | ".join(ms(statistics.median(v)) if v else "" for v in t.stages.values())
    return (f"| {label} | {len(xs)} | {kb:.0f} KB | {ms(statistics.median(xs))} | {p} | "
            f"{ms(max(xs))} | {t.timeouts} | {len(t.errors)} | {stages} | {floor} | {ratio} |")


def merged(label: str, parts: list[Timings]) -> Timings:
    t = Timings(label)
    for p in parts:
        t.seconds += p.seconds
        t.floor += p.floor
        t.bytes += p.bytes
        t.timeouts += p.timeouts
        t.errors += p.errors
        for stage, values in p.stages.items():
            t.stages[stage] += values
    return t


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1000, help="reports per layout (default 1000)")
    ap.add_argument("--seed", type=int, default=2024, help="corpus seed (default 2024)")
    ap.add_argument("--layout", action="append", choices=synth.LAYOUTS,
                    help="only this layout (repeatable)")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds after which one report's parse is stopped and counted as a "
                         "timeout, at that time (default 10; 0: none)")
    ap.add_argument("--clock", choices=sorted(CLOCKS), default="cpu",
                    help="cpu: CPU time of this process per report (default; stable while other "
                         "programs run); wall: elapsed time (on an idle machine)")
    ap.add_argument("--verbose", action="store_true", help="list errors")
    args = ap.parse_args(argv)
    global clock
    clock = CLOCKS[args.clock]
    if args.timeout > 0:
        signal.signal(signal.SIGALRM, _alarm)

    results = []
    for layout in args.layout or synth.LAYOUTS:
        t0 = time.perf_counter()
        t = measure(layout, args.n, args.seed, args.timeout)
        results.append(t)
        print(f"{layout}: {len(t.seconds)} reports in {time.perf_counter() - t0:.0f} s",
              file=sys.stderr)
        if args.verbose:
            for e in t.errors[:10]:
                print(f"    {e}", file=sys.stderr)

    print("## Parse + check time per report\n")
    print("\n".join(machine()))
    print("- load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    print(f"- corpus: `xxgk.synth`, {args.n} reports per layout, editions alternating, "
          f"seed {args.seed}; timed: `read_bytes` → `parse_document` → `checks.run`, in memory; "
          f"clock: {'CPU time of the process' if args.clock == 'cpu' else 'wall clock'}\n")
    print("| layout | reports | mean size | median | p95 | max | timeouts | errors | "
          "read (median) | parse (median) | check (median) | "
          "lxml.html.fromstring (median) | ratio (median) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for t in results:
        print(row(t.layout, t, args.timeout))
    text = [t for t in results if t.layout in synth.TEXT_LAYOUTS]
    html = [t for t in results if t.layout in synth.HTML_LAYOUTS]
    if len(text) > 1:
        print(row("**text layouts**", merged("text", text), args.timeout))
    if len(html) > 1:
        print(row("**HTML layouts**", merged("html", html), args.timeout))
    print("\nread, parse, check: `read_bytes`, `parse_document` and `checks.run` on their own; "
          "their medians need not add up to the median of the whole.")
    print("ratio: per report, parse + check time over the time of `lxml.html.fromstring` on the "
          "same bytes (the floor for any HTML reader); the median of those ratios.")
    if args.timeout > 0:
        print(f"A timed-out report counts at {args.timeout:g} s; when more than 5% of a row time "
              "out its p95 is a lower bound (≥).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
