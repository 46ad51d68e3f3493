#!/usr/bin/env python3
"""Batch ingest speed and memory: parse + check + store of N realistic reports.

The corpus is `xxgk.synth` reports of a realistic library — 2,000 agencies, each with its reports
of five years — rendered round-robin in the six text and HTML layouts real reports come in
(DOCX-extracted, PDF-extracted and web-copied text, Markdown, Word-exported and clean HTML), written
to a temporary folder. Then, each in
a fresh process so their memory is their own:

1. bare parsing: `read_bytes` → `parse_document` of every file, in a process pool of the same
   size as the ingest's — the floor the ingest is compared with;
2. `Library.ingest(files, workers=W)` into a new SQLite library: parse + check + store, one
   transaction per report;
3. the same ingest of the first `--small` files, to show that memory does not grow with the corpus.

Peak memory is sampled from /proc every 0.2 s: the writer process alone, and the writer with
its parser processes; so is the CPU time of the parser processes (the writer's own is exact).
CPU time per report is the figure to compare on a busy machine, where wall times mean little.
`--curve K`: the writer's RSS after every K reports of the full ingest, to see whether it grows.
Prints a Markdown section for docs/performance.md.

    .venv/bin/python benchmarks/ingest.py                 # 10,000 reports, 2 workers
    .venv/bin/python benchmarks/ingest.py --n 1200 --small 300
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


# Agencies of a real library: counties (with their city in the region path) × their departments,
# each publishing one report a year.
COUNTIES = (
    "桦川县", "汤原县", "富锦市", "同江市", "抚远市", "萝北县", "绥滨县", "方正县", "依兰县", "宾县",
    "通河县", "木兰县", "延寿县", "巴彦县", "五常市", "尚志市", "桐庐县", "淳安县", "建德市", "象山县",
    "宁海县", "余姚市", "慈溪市", "昆山市", "常熟市", "张家港市", "太仓市", "金堂县", "大邑县", "蒲江县",
    "江油市", "三台县", "盐亭县", "梓潼县", "平武县", "中牟县", "新郑市", "登封市", "荥阳市", "新密市",
    "浏阳市", "宁乡市", "长沙县", "望城区", "胶州市", "平度市", "莱西市", "即墨区", "黄岛区", "崂山区",
    "福田区", "南山区", "宝安区", "龙岗区", "盐田区", "鄞州区", "海曙区", "江北区", "北仑区", "镇海区",
    "武侯区", "锦江区", "青羊区", "金牛区", "成华区", "郫都区", "温江区", "双流区", "新都区", "龙泉驿区",
    "西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区", "临平区", "富阳区", "临安区", "钱塘区",
)
DEPARTMENTS = (
    "人民政府", "人民政府办公室", "发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局",
    "司法局", "财政局", "人力资源和社会保障局", "自然资源局", "生态环境局", "住房和城乡建设局", "交通运输局",
    "水务局", "农业农村局", "商务局", "文化广电和旅游局", "卫生健康局", "退役军人事务局", "应急管理局",
    "审计局", "市场监督管理局", "统计局", "医疗保障局",
)
YEARS = (2019, 2020, 2021, 2022, 2023)


def generate(folder: Path, n: int, seed: int) -> int:
    """n reports: agency after agency, each with its reports of five years (the edition each
    year must use), rendered in the six layouts in turn."""
    from xxgk import editions, synth

    rng = random.Random(seed)
    agencies = [c + d for c in COUNTIES for d in DEPARTMENTS]
    assert n <= len(agencies) * len(YEARS), f"at most {len(agencies) * len(YEARS)} reports"
    size = 0
    for i in range(n):
        agency, year = agencies[i // len(YEARS)], YEARS[i % len(YEARS)]
        layout = synth.LAYOUTS[i % len(synth.LAYOUTS)]
        report = synth.random_report(rng, editions.for_year(year).key, year=year, agency=agency)
        data = synth.as_bytes(synth.render(report, layout, rng))
        (folder / f"{i:05d}{synth.SUFFIXES[layout]}").write_bytes(data)
        size += len(data)
    return size


# -- measured phases (run as `ingest.py --phase …` in a process of their own) ------------------
def _bare(path: str) -> int:
    from xxgk.parse import parse_document
    from xxgk.readers import read_bytes

    try:
        parse_document(read_bytes(Path(path).read_bytes(), path))
        return 1
    except Exception:
        return 0


def phase_bare(files: list[str], workers: int) -> dict:
    import concurrent.futures as cf
    import multiprocessing

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["xxgk.parse", "xxgk.readers"])
    with cf.ProcessPoolExecutor(workers, mp_context=ctx) as pool:
        list(pool.map(_bare, files[:workers * 2]))  # workers started and warm, as the ingest's
        t = time.perf_counter()
        ok = sum(pool.map(_bare, files, chunksize=8))
        seconds = time.perf_counter() - t
    return {"seconds": seconds, "parsed": ok, "cpu_writer": 0.0}


def phase_ingest(files: list[str], workers: int, db: str, every: int = 0) -> dict:
    from xxgk.store import Library

    curve: list[tuple[int, int]] = []  # (reports done, the writer's RSS)

    def progress(done: int, total: int, name: str) -> None:
        if every and done % every == 0:
            curve.append((done, _rss(os.getpid())))

    with Library.open(db) as lib:
        t, cpu = time.perf_counter(), time.process_time()
        s = lib.ingest(files, workers=workers, progress=progress if every else None)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        reports = lib.count_reports()
    return {"seconds": seconds, "ingested": s.ingested, "duplicates": s.duplicates,
            "failed": len(s.failed), "reports": reports, "failures": s.failed[:5],
            "cpu_writer": cpu, "curve": curve}


# -- the orchestrator -------------------------------------------------------------------------
def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def _cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a process so far."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return None


def _descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


def run_phase(args: list[str]) -> dict:
    """Run a phase in a new process; its result with peak RSS (writer alone, and everything)."""
    listing = args[args.index("--files") + 1]
    proc = subprocess.Popen([sys.executable, __file__, *args], stdout=subprocess.PIPE, text=True)
    peak_main = peak_all = 0
    cpu: dict[int, float] = {}  # descendant → CPU seconds when last seen (the parsers)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_main, peak_all
        while not done.is_set():
            peak_main = max(peak_main, _rss(proc.pid))
            family = _descendants(proc.pid)
            peak_all = max(peak_all, sum(_rss(p) for p in family))
            for p in family[1:]:
                cpu[p] = max(cpu.get(p, 0.0), _cpu_seconds(p) or 0.0)
            time.sleep(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    done.set()
    sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"phase {args} failed ({proc.returncode}); files in {listing}")
    result = json.loads(out.strip().splitlines()[-1])
    # The parsers' CPU: sampled, so up to 0.2 s of each process's last moments is missed.
    result.update(peak_main=peak_main, peak_all=peak_all, cpu_parsers=sum(cpu.values()))
    return result


def _mb(b: int) -> str:
    return f"{b / 2**20:.0f} MB"


def _per_report(r: dict, n: int) -> str:
    """CPU ms per report: writer · parser processes."""
    writer = f"{r['cpu_writer'] / n * 1000:.1f}" if r["cpu_writer"] else "–"
    return f"{writer} · {r['cpu_parsers'] / n * 1000:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=10_000)
    ap.add_argument("--small", type=int, default=2_500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--keep", type=Path, help="keep the corpus and libraries in this folder")
    ap.add_argument("--curve", type=int, default=0, metavar="K",
                    help="the writer's RSS after every K reports of the full ingest")
    ap.add_argument("--phase", choices=("bare", "ingest"), help=argparse.SUPPRESS)
    ap.add_argument("--files", help=argparse.SUPPRESS)
    ap.add_argument("--db", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.phase:
        files = Path(a.files).read_text(encoding="utf-8").split("\n")
        result = (phase_bare(files, a.workers) if a.phase == "bare"
                  else phase_ingest(files, a.workers, a.db, a.curve))
        print(json.dumps(result, ensure_ascii=False))
        return

    load = os.getloadavg()  # other work on the machine skews every figure: say how much
    work = a.keep or Path(tempfile.mkdtemp(prefix="xxgk-bench-ingest-"))
    corpus = work / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    size = generate(corpus, a.n, a.seed)
    generated = time.perf_counter() - t
    files = sorted(str(p) for p in corpus.iterdir())
    lists = {}
    for label, subset in (("all", files), ("small", files[:a.small])):
        lists[label] = work / f"{label}.txt"
        lists[label].write_text("\n".join(subset), encoding="utf-8")
    print(f"corpus: {a.n} files, {size / 2**20:.0f} MB, generated in {generated:.0f} s", file=sys.stderr)
    common = ["--workers", str(a.workers)]
    bare = run_phase(["--phase", "bare", "--files", str(lists["all"]), *common])
    print(f"bare parsing: {bare['seconds']:.1f} s", file=sys.stderr)
    full = run_phase(["--phase", "ingest", "--files", str(lists["all"]), "--db",
                      f"sqlite:///{work / 'all.db'}", "--curve", str(a.curve), *common])
    print(f"ingest: {full['seconds']:.1f} s", file=sys.stderr)
    small = run_phase(["--phase", "ingest", "--files", str(lists["small"]), "--db",
                       f"sqlite:///{work / 'small.db'}", *common])
    db_size = (work / "all.db").stat().st_size

    import sqlalchemy

    import xxgk

    rate = full["ingested"] / full["seconds"]
    print(f"""## Speed: batch ingest, `benchmarks/ingest.py --n {a.n} --small {a.small}`

- CPU: {_cpu()} ({os.cpu_count()} logical CPUs; {a.workers} parser processes and one writer)
- Python {platform.python_version()}, Linux {platform.release()}, SQLAlchemy {sqlalchemy.__version__}, SQLite {_sqlite()}, xxgk {xxgk.__version__}
- corpus: `xxgk.synth`, {a.n} reports ({size / 2**20:.0f} MB): {a.n // len(YEARS)} agencies (80 counties × 26 departments) with one report for each of {YEARS[0]}–{YEARS[-1]} (the edition each year must use; so most reports have last year's in the library, and the cross-year rules run), the six text and HTML layouts in turn, seed {a.seed}; library: a new SQLite file ({db_size / 2**20:.0f} MB after the run)
- load average when the run started: {load[0]:.1f} (1 minute), {load[1]:.1f} (5 minutes); when it ended: {os.getloadavg()[0]:.1f} (the machine has {os.cpu_count()} CPUs)

| run | reports | wall time | reports/s | CPU ms/report: writer · parsers | peak RSS, writer | peak RSS, writer + parsers |
|---|---:|---:|---:|---:|---:|---:|
| bare parsing (read + parse, {a.workers} processes) | {bare['parsed']} | {bare['seconds']:.1f} s | {bare['parsed'] / bare['seconds']:.0f} | {_per_report(bare, bare['parsed'])} | {_mb(bare['peak_main'])} | {_mb(bare['peak_all'])} |
| ingest: parse + check + store | {full['ingested']} | {full['seconds']:.1f} s | {rate:.0f} | {_per_report(full, full['ingested'])} | {_mb(full['peak_main'])} | {_mb(full['peak_all'])} |
| ingest of the first {a.small} | {small['ingested']} | {small['seconds']:.1f} s | {small['ingested'] / small['seconds']:.0f} | {_per_report(small, small['ingested'])} | {_mb(small['peak_main'])} | {_mb(small['peak_all'])} |

ratio ingest / bare parsing: {full['seconds'] / bare['seconds']:.2f}× · failed files: {full['failed']} · memory {a.small} → {a.n} reports: writer {_mb(small['peak_main'])} → {_mb(full['peak_main'])}, with parsers {_mb(small['peak_all'])} → {_mb(full['peak_all'])}
""")
    if full["curve"]:
        print("writer RSS by reports stored: " + " · ".join(
            f"{done}: {_mb(rss)}" for done, rss in full["curve"]) + "\n")
    if full["failures"]:
        print("failures:", full["failures"], file=sys.stderr)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _sqlite() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    main()
