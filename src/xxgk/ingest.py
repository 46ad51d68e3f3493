"""Batch ingest: files, folders and zip archives → the library.

Reading and checking (the slow part) runs in worker processes (`workers > 1`); one writer in this
process stores each report in its own transaction, so killing the process loses only the report in
flight, and running the same command again resumes (files already stored are duplicates by
sha256). A file that cannot be read costs one failure line and the batch goes on; it never
reaches the database.
"""

from __future__ import annotations

import concurrent.futures as cf
import hashlib
import json
import multiprocessing
import re
import signal
import time
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from . import __version__, checks
from .errors import ReadError, XxgkError
from .load import read_file, report_from_bytes
from .model import Report
from .parse import meta
from .readers import MAX_BYTES
from .readers.zipsafe import MAX_RATIO, RATIO_FLOOR, open_zip, read_member
from .store import agencies as agency_rules
from .store.records import IngestResult, IngestSummary
from .store.models import SourceFile
from .store.records import UserInfo
from .store.writer import (Actor, AgencyRef, Parsed, Recent, actor_of, light, sections_of,
                           store, values_of)
from .textnorm import nfkc

if TYPE_CHECKING:
    from .store.library import Library

PARSER_VERSION = f"xxgk {__version__}"  # a newer one re-reads stored files into new versions
PER_FILE_SECONDS = 120  # a worker gives up on one file after this long
MAX_ARCHIVE_ENTRIES = 200_000  # an archive of reports may hold many; a crafted one holds millions
MAX_ARCHIVE_TOTAL = 20 * 2**30  # announced uncompressed bytes of one archive
MAX_NESTING = 2  # a zip inside a zip inside the archive given, no deeper
WORKER_TASKS = 1000  # files a parser process reads before a fresh one takes over
SMALL_BATCH = 16  # fewer documents than this are parsed in process: starting workers costs more
_SKIP_NAMES = re.compile(r"(^|/)(__MACOSX|\.[^/]*|~\$[^/]*|Thumbs\.db|desktop\.ini)(/|$)", re.I)


# -- inputs -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One document to ingest: its name (path, or archive!member) and how to get its bytes."""

    name: str
    read: Callable[[], bytes]


@dataclass(frozen=True)
class Bad:
    """An input that cannot be ingested, with the reason (one line, Chinese / English)."""

    name: str
    reason: str



def _is_office(names: Sequence[str]) -> bool:
    """DOCX/XLSX (OOXML) and ODT are zip files too: documents, not archives of documents."""
    return "[Content_Types].xml" in names or "mimetype" in names or "word/document.xml" in names


def _member_name(info: zipfile.ZipInfo) -> str:
    """Archives made on Chinese Windows store names in GBK without saying so (no UTF-8 flag)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _is_archive_path(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            if f.read(4) != b"PK\x03\x04":
                return False
        with zipfile.ZipFile(path) as zf:
            return not _is_office(zf.namelist())
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return path.suffix.lower() == ".zip"  # named an archive but unreadable: say so as one


def _archive_items(zf: zipfile.ZipFile, label: str, depth: int) -> Iterator[Item | Bad]:
    infos = [i for i in zf.infolist() if not i.is_dir() and not _SKIP_NAMES.search(_member_name(i))]
    if len(infos) > MAX_ARCHIVE_ENTRIES:
        yield Bad(label, f"压缩包条目过多（{len(infos)}）/ too many entries in the archive")
        return
    if sum(i.file_size for i in infos) > MAX_ARCHIVE_TOTAL:
        yield Bad(label, "疑似 ZIP 炸弹（解压后过大），拒绝解压 / suspected zip bomb (too large "
                         "uncompressed), not extracted")
        return
    for info in sorted(infos, key=_member_name):
        name = f"{label}!{_member_name(info)}"
        ratio = info.file_size // max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            # What the directory announces is enough to refuse; read_member checks what the
            # bytes really inflate to for archives that lie.
            yield Bad(name, f"疑似 ZIP 炸弹（压缩比 {ratio}:1），拒绝解压 / suspected zip bomb "
                            f"(compression ratio {ratio}:1), not extracted")
            continue
        try:
            data = read_member(zf, info.filename, name, MAX_BYTES)
        except ReadError as e:
            yield Bad(name, e.problem)
            continue
        if data.startswith(b"PK\x03\x04") and depth < MAX_NESTING:
            try:
                inner = open_zip(data, name)
                if not _is_office(inner.namelist()):
                    yield from _archive_items(inner, name, depth + 1)
                    continue
            except ReadError:
                pass  # not a readable archive: the document readers will say what it is
        yield Item(name, lambda data=data: data)


def _count_archive(path: Path) -> int:
    try:
        with zipfile.ZipFile(path) as zf:
            return sum(1 for i in zf.infolist()
                       if not i.is_dir() and not _SKIP_NAMES.search(_member_name(i)))
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        return 1


def _path_items(path: Path) -> Iterator[Item | Bad]:
    name = str(path)
    if not _is_archive_path(path):
        yield Item(name, lambda: read_file(path))
        return
    try:
        zf = zipfile.ZipFile(path)
        announced = len(zf.infolist())
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError):
        yield Bad(name, "ZIP 压缩包已损坏或不完整 / the ZIP archive is corrupt or truncated")
        return
    with zf:
        if announced > MAX_ARCHIVE_ENTRIES:
            yield Bad(name, f"压缩包条目过多（{announced}）/ too many entries in the archive")
            return
        yield from _archive_items(zf, name, 1)


def _files(paths: Sequence[str | Path], skip: frozenset[Path] = frozenset()) -> Iterator[Path | Bad]:
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).as_posix()
                if f.is_file() and not _SKIP_NAMES.search(rel) and f.resolve() not in skip:
                    yield f
        elif p.exists():
            yield p
        else:
            yield Bad(str(p), "文件不存在 / no such file")


def count_inputs(paths: Sequence[str | Path], skip: frozenset[Path] = frozenset()) -> int:
    """How many documents the paths hold (archive members counted), for the progress bar."""
    n = 0
    for f in _files(paths, skip):
        n += 1 if isinstance(f, Bad) or not _is_archive_path(f) else _count_archive(f)
    return n


def inputs(paths: Sequence[str | Path], skip: frozenset[Path] = frozenset()) -> Iterator[Item | Bad]:
    """Every document under the paths, lazily (archive members are read one at a time); files
    in `skip` (the library's own database files) are passed over."""
    for f in _files(paths, skip):
        if isinstance(f, Bad):
            yield f
        else:
            yield from _path_items(f)


# -- reading and checking one document (runs in a worker) -------------------------------------
_STEM_YEAR = re.compile(r"(20[0-4]\d)\s*年?")
_STEM_NOISE = re.compile(r"政府信息公开.*$|信息公开.*$|年度报告.*$|工作报告.*$|[（(【\[].*?[）)】\]]|"
                         r"20[0-4]\d\s*年?度?|[_\-\s.·]+")


def name_fallback(name: str) -> tuple[str | None, int | None]:
    """Agency and year from a file name: "桦川县财政局2022年度政府信息公开工作年度报告.txt" →
    ("桦川县财政局", 2022). The agency is None when nothing name-like is left."""
    stem = nfkc(PurePosixPath(name.replace("\\", "/").split("!")[-1]).stem)
    m = _STEM_YEAR.search(stem)
    year = int(m.group(1)) if m else None
    agency = meta.agency_from_title(stem)
    if agency is None:
        rest = _STEM_NOISE.sub("", stem).strip()
        agency = rest if len(rest) >= 2 and not rest.isascii() else None
    return agency, year


def _finish(report: Report, name: str) -> Report:
    """Agency and year from the document, the file name as fallback; ReadError when the year
    cannot be known."""
    agency, year = name_fallback(name)
    if not report.agency:
        report.agency = agency or PurePosixPath(name.split("!")[-1]).stem
    if report.year is None:
        report.year = year if year is not None else (
            report.published.year - 1 if report.published is not None else None)
    if report.year is None:
        raise XxgkError(name, "无法从报告或文件名确定年度 / the report year is unknown (neither "
                              "the document nor the file name gives it)")
    # Findings the parser made travel with the document; the checks' own are made again.
    report.findings = [f for f in report.findings if f.rule.startswith("R")]
    return report


def parsed_from_report(report: Report, name: str, data: bytes) -> Parsed:
    report = _finish(report, name)
    found = checks.run(report)
    assert report.year is not None and report.agency is not None
    return Parsed(
        name=name, sha256=hashlib.sha256(data).hexdigest(), size=len(data),
        data_z=zlib.compress(data, 6),
        document=json.dumps(report.to_dict(), ensure_ascii=False, separators=(",", ":")),
        findings=[f.to_dict() for f in found], agency=report.agency, year=report.year,
        edition=report.edition,
        published=report.published.isoformat() if report.published else None,
        title=report.title, values=values_of(report), sections=sections_of(report),
        light=light(report))


def parse_one(name: str, data: bytes) -> Parsed | Bad:
    """Read, parse and check one document; never raises."""
    try:
        return parsed_from_report(report_from_bytes(name, data), name, data)
    except XxgkError as e:
        return Bad(name, e.problem)
    except _Timeout:
        return Bad(name, f"解析超时（超过 {PER_FILE_SECONDS} 秒）/ parsing took longer than "
                         f"{PER_FILE_SECONDS} s")
    except RecursionError:
        return Bad(name, "文档结构嵌套过深 / the document is nested too deeply")
    except Exception as e:  # a parser bug costs this file only
        return Bad(name, f"内部错误 internal error: {type(e).__name__}: {e}"[:300])


class _Timeout(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Timeout()


def _worker_init() -> None:
    signal.signal(signal.SIGALRM, _alarm)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle


def _parse_in_worker(name: str, data: bytes) -> Parsed | Bad:
    signal.setitimer(signal.ITIMER_REAL, PER_FILE_SECONDS)
    try:
        return parse_one(name, data)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


# -- the batch --------------------------------------------------------------------------------
class _Ingester:
    """Feeds documents to the parser (in process or a pool) and stores results one by one."""

    def __init__(self, lib: "Library", actor: Actor, region: str | None):
        self.lib = lib
        # Resolved once: the user's name is looked up in the OS otherwise, for every report.
        self.actor = actor if isinstance(actor, UserInfo) else actor_of(actor)[0]
        self.region = region
        with lib.read() as s:
            self.regions = agency_rules.known_regions(s)
            # An empty library holds no duplicates: no need to ask it about every file.
            self.empty = s.scalar(select(SourceFile.id).limit(1)) is None
        self.agencies: dict[str, AgencyRef] = {}  # agencies met, committed
        self.recent = Recent()  # reports stored last: last year's report of the next file

    def state(self, sha256: str) -> str:
        from .store.writer import source_state

        if self.empty:
            return "new"  # a file twice in one batch is found by the writer
        with self.lib.read() as s:
            return source_state(s, sha256, PARSER_VERSION)

    def save(self, got: Parsed | Bad) -> IngestResult:
        if isinstance(got, Bad):
            return IngestResult(got.name, "failed", reason=got.reason)
        for attempt in range(2):
            met = dict(self.agencies)
            try:
                with self.lib.write() as s:
                    result = store(s, got, self.actor, parser_version=PARSER_VERSION,
                                   region=self.region, regions=self.regions, cache=met,
                                   recent=self.recent)
                self.agencies = met  # committed: what it met exists now
                return result
            except IntegrityError:
                self.recent = Recent()  # it may hold what was just rolled back
                # Another process stored the same file (or agency) meanwhile: look again.
                if attempt == 1:
                    return IngestResult(got.name, "failed", reason="数据库写入冲突 / conflicting "
                                                                   "write, try again")
            except SQLAlchemyError as e:
                self.recent = Recent()
                detail = " ".join(str(e.orig if hasattr(e, "orig") else e).split())[:200]
                return IngestResult(got.name, "failed",
                                    reason=f"数据库错误 / database error: {detail}")
            except (ValueError, KeyError) as e:
                return IngestResult(got.name, "failed", reason=f"无法保存 / cannot store: {e}")
        raise AssertionError("unreachable")


def ingest(lib: "Library", paths: Sequence[str | Path], *, workers: int = 1,
           region: str | None = None, actor: Actor = None,
           progress: Callable[[int, int, str], None] | None = None,
           total: int | None = None, summary: IngestSummary | None = None) -> IngestSummary:
    """Ingest every document under `paths`; `progress(done, total, name)` after each. The
    counts go into `summary` as they happen (so an interrupted caller still has them)."""
    started = time.perf_counter()
    summary = IngestSummary() if summary is None else summary
    ing = _Ingester(lib, actor, region)
    skip = _own_files(lib)
    total = count_inputs(paths, skip) if total is None else total
    done = 0

    def finished(result: IngestResult) -> None:
        nonlocal done
        summary.add(result)
        done += 1
        if progress is not None:
            progress(done, max(total, done), result.name)

    def todo() -> Iterator[tuple[Item, bytes, str] | IngestResult]:
        """Documents to parse, with their bytes; duplicates and unreadable inputs settled here."""
        for it in inputs(paths, skip):
            if isinstance(it, Bad):
                yield IngestResult(it.name, "failed", reason=it.reason)
                continue
            try:
                data = it.read()
            except XxgkError as e:
                yield IngestResult(it.name, "failed", reason=e.problem)
                continue
            sha = hashlib.sha256(data).hexdigest()
            if ing.state(sha) == "duplicate":
                yield IngestResult(it.name, "duplicate")
                continue
            yield it, data, sha

    if workers <= 1 or total < SMALL_BATCH:
        for job in todo():
            if isinstance(job, IngestResult):
                finished(job)
            else:
                finished(ing.save(parse_one(job[0].name, job[1])))
    else:
        _pooled(ing, todo(), workers, finished)
    summary.seconds = time.perf_counter() - started
    return summary


def _own_files(lib: "Library") -> frozenset[Path]:
    """The library's SQLite file and its journals: a folder holding them is not ingested into
    itself."""
    db = lib.database_file
    if db is None:
        return frozenset()
    db = db.resolve()
    return frozenset([db] + [db.with_name(db.name + x) for x in ("-wal", "-shm", "-journal")])


def _new_pool(workers: int) -> cf.ProcessPoolExecutor:
    # forkserver: workers never inherit this process's database connections or the progress
    # bar's thread, and start warm (the parser is imported once, in the server).
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["xxgk.ingest"])
    # A worker is replaced after WORKER_TASKS files: the parser's caches fill up as it goes, and
    # memory must not grow with the size of the batch.
    return cf.ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init,
                                  max_tasks_per_child=WORKER_TASKS)


def _pooled(ing: _Ingester, jobs: Iterator[Any], workers: int,
            finished: Callable[[IngestResult], None]) -> None:
    """Parse in a pool, store in order of submission; a bounded window keeps memory flat."""
    window = 4 * workers
    pool = _new_pool(workers)
    pending: deque[tuple[str, bytes, cf.Future[Parsed | Bad] | IngestResult]] = deque()
    try:
        for job in jobs:
            if isinstance(job, IngestResult):
                pending.append((job.name, b"", job))
            else:
                item, data, _ = job
                pending.append((item.name, data, pool.submit(_parse_in_worker, item.name, data)))
            while len(pending) > window:
                pool = _settle(ing, pending, pool, workers, finished)
        while pending:
            pool = _settle(ing, pending, pool, workers, finished)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _settle(ing: _Ingester, pending: deque, pool: cf.ProcessPoolExecutor, workers: int,
            finished: Callable[[IngestResult], None]) -> cf.ProcessPoolExecutor:
    name, data, fut = pending.popleft()
    if isinstance(fut, IngestResult):
        finished(fut)
        return pool
    try:
        got = fut.result()
    except cf.process.BrokenProcessPool:
        # A worker died (a crash in a C library on a hostile file). Which file did it is not
        # known: re-run this one and everything in flight one by one in a fresh process.
        pool.shutdown(wait=False, cancel_futures=True)
        again = [(name, data)] + [(n, d) for n, d, f in pending if not isinstance(f, IngestResult)]
        redone = {n: _isolated(n, d) for n, d in again}
        finished(ing.save(redone[name]))
        rest = deque()
        for n, d, f in pending:
            rest.append((n, d, f if isinstance(f, IngestResult) else _done(redone[n])))
        pending.clear()
        pending.extend(rest)
        return _new_pool(workers)
    finished(ing.save(got))
    return pool


def _done(value: Parsed | Bad) -> cf.Future[Parsed | Bad]:
    f: cf.Future[Parsed | Bad] = cf.Future()
    f.set_result(value)
    return f


def _isolated(name: str, data: bytes) -> Parsed | Bad:
    with _new_pool(1) as one:
        try:
            return one.submit(_parse_in_worker, name, data).result()
        except cf.process.BrokenProcessPool:
            return Bad(name, "解析进程意外终止（文件可能已损坏）/ the parser process died on this "
                             "file (it may be corrupt)")


# -- single documents (web uploads, composed reports) -----------------------------------------
def _archive_of(data: bytes, name: str) -> zipfile.ZipFile | None:
    """The zip archive of documents `data` is, or None (a document, a DOCX, or unreadable)."""
    if not data.startswith(b"PK\x03\x04") or len(data) > MAX_BYTES:
        return None
    try:
        zf = open_zip(data, name)
    except ReadError:
        return None
    return None if _is_office(zf.namelist()) else zf


def add_file(lib: "Library", data: bytes, name: str, *, actor: Actor = None,
             region: str | None = None) -> IngestResult:
    """Store one uploaded document (an archive is refused: see `add_archive`)."""
    if _archive_of(data, name) is not None:
        return IngestResult(name, "failed", reason="是 ZIP 压缩包，请按压缩包上传 / a zip "
                                                   "archive: upload it as an archive")
    return _add_one(_Ingester(lib, actor, region), Item(name, lambda: data))


def add_archive(lib: "Library", data: bytes, name: str, *, actor: Actor = None,
                region: str | None = None) -> list[IngestResult]:
    """Store every document of an uploaded zip archive (a plain document: one result)."""
    ing = _Ingester(lib, actor, region)
    zf = _archive_of(data, name)
    if zf is None:
        return [_add_one(ing, Item(name, lambda: data))]
    return [_add_one(ing, it) for it in _archive_items(zf, name, 1)]


def _add_one(ing: _Ingester, it: Item | Bad) -> IngestResult:
    if isinstance(it, Bad):
        return IngestResult(it.name, "failed", reason=it.reason)
    data = it.read()
    if ing.state(hashlib.sha256(data).hexdigest()) == "duplicate":
        return IngestResult(it.name, "duplicate")
    return ing.save(parse_one(it.name, data))


def add_report(lib: "Library", report: Report, *, source: bytes | None, name: str,
               actor: Actor = None, region: str | None = None) -> IngestResult:
    """Store a `Report` made elsewhere (composed in the web app); `source` is what the user
    wrote (its xxgk-report JSON when None)."""
    data = source if source is not None else report.to_json().encode("utf-8")
    try:
        parsed: Parsed | Bad = parsed_from_report(report, name, data)
    except XxgkError as e:
        parsed = Bad(name, e.problem)
    return _Ingester(lib, actor, region).save(parsed)
