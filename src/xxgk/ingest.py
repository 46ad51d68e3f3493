"""Batch ingest: files, folders and zip archives → the library.

Reading and checking (the slow part) runs in parser processes (`workers > 1`, see
`xxgk.parser_pool`; a small batch in this process, under the same time limit where an alarm can
end it); one writer in this process stores each report in its own transaction, so
killing the process loses only the report in flight, and running the same command again resumes
(files already stored are duplicates by sha256). A file that cannot be read, that crashes its
parser process or takes longer than the time limit costs one failure line and the batch goes on;
it never reaches the database.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
import zipfile
import zlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from . import __version__, checks
from .errors import ReadError, XxgkError
from .load import read_file, report_from_bytes
from .model import Report
from .parse import meta
from .parser_pool import DEPTH, Lost, ParserPool, parse_in_process, warm_up
from .readers import MAX_BYTES
from .readers.zipsafe import MAX_RATIO, RATIO_FLOOR, open_zip, read_member
from .store import agencies as agency_rules
from .store.records import IngestResult, IngestSummary
from .store.models import SourceFile
from .store.records import UserInfo
from .store.writer import (Actor, Agencies, Parsed, Recent, actor_of, cell_rows, sections_of,
                           store)
from .textnorm import nfkc

if TYPE_CHECKING:
    from .store.library import Library

PARSER_VERSION = f"xxgk {__version__}"  # a newer one re-reads stored files into new versions
PER_FILE_SECONDS = 120  # a parser process gives up on one file after this long ...
TIMEOUT_VAR = "XXGK_PARSE_TIMEOUT"  # ... or after this many seconds, when set
MAX_ARCHIVE_ENTRIES = 200_000  # an archive of reports may hold many; a crafted one holds millions
MAX_ARCHIVE_TOTAL = 20 * 2**30  # announced uncompressed bytes of one archive
MAX_NESTING = 2  # a zip inside a zip inside the archive given, no deeper
WORKER_TASKS = 1000  # files a parser process reads before a fresh one takes over (memory)
SMALL_BATCH = 16  # fewer documents than this are parsed in process: starting workers costs more
AGENCIES_KEPT = 4096  # agencies the writer keeps: those used last (a nation has tens of thousands)
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


@dataclass(frozen=True)
class _Job:
    """A document to parse and store; `state` is what the library said of its hash (new ·
    reparse) before it was parsed."""

    name: str
    data: bytes
    state: str



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
    skip_names = {f.name for f in skip}  # resolving every path of a large folder costs
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                rel = f.relative_to(p).as_posix()
                if (f.is_file() and not _SKIP_NAMES.search(rel)
                        and not (f.name in skip_names and f.resolve() in skip)):
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
    if not report.agency or report.year is None:  # most documents say both
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
        title=report.title, cells=cell_rows(report), sections=sections_of(report))


def parse_one(name: str, data: bytes) -> Parsed | Bad:
    """Read, parse and check one document; never raises."""
    try:
        return parsed_from_report(report_from_bytes(name, data), name, data)
    except XxgkError as e:
        return Bad(name, e.problem)
    except RecursionError:
        return Bad(name, "文档结构嵌套过深 / the document is nested too deeply")
    except Exception as e:  # a parser bug costs this file only
        return Bad(name, f"内部错误 internal error: {type(e).__name__}: {e}"[:300])


def per_file_seconds() -> float:
    """The time limit for one file: `$XXGK_PARSE_TIMEOUT` seconds, else PER_FILE_SECONDS."""
    given = os.environ.get(TIMEOUT_VAR, "").strip()
    try:
        seconds = float(given) if given else PER_FILE_SECONDS
    except ValueError:
        raise XxgkError(TIMEOUT_VAR, f"不是秒数：{given!r} / not a number of seconds") from None
    if not 0 < seconds <= 86400:
        raise XxgkError(TIMEOUT_VAR, f"应在 0 到 86400 秒之间：{given} / must be between 0 and "
                                     f"86400 seconds")
    return seconds


def settled(got: Parsed | Bad | Lost, seconds: float) -> Parsed | Bad:
    """What a parse gave, a file whose parser ran out of time, died or was stopped being its
    failure line."""
    if not isinstance(got, Lost):
        return got
    if got.why == "timeout":
        return Bad(got.name, f"解析超时（超过 {seconds:g} 秒）/ parsing took longer than "
                             f"{seconds:g} s")
    return Bad(got.name, f"解析进程意外终止（{got.detail}，文件可能已损坏）/ the parser process "
                         f"died on this file ({got.detail}; it may be corrupt)")


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
        self.agencies = Agencies(AGENCIES_KEPT)  # agencies met last, committed
        self.recent = Recent()  # reports stored last: last year's report of the next file

    def state(self, sha256: str) -> str:
        from .store.writer import source_state

        if self.empty:
            return "new"  # a file twice in one batch is found by the writer
        with self.lib.read() as s:
            return source_state(s, sha256, PARSER_VERSION)

    def save(self, got: Parsed | Bad, state: str | None = None) -> IngestResult:
        """Store one result; `state` is what `state()` said of its file before it was parsed."""
        if isinstance(got, Bad):
            return IngestResult(got.name, "failed", reason=got.reason)
        for attempt in range(2):
            self.agencies.rollback()  # what a transaction that did not commit met may not exist
            try:
                with self.lib.write() as s:
                    # A file found new before parsing is inserted without asking again (one
                    # query less per report); the second attempt asks.
                    result = store(s, got, self.actor, parser_version=PARSER_VERSION,
                                   region=self.region, regions=self.regions,
                                   cache=self.agencies, recent=self.recent,
                                   new_source=state == "new" and attempt == 0)
                self.agencies.commit()  # committed: what it met exists now
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
    seconds = per_file_seconds()  # a bad setting stops the batch before anything is stored
    summary = IngestSummary() if summary is None else summary
    ing = _Ingester(lib, actor, region)
    skip = _own_files(lib)
    if workers > 1:
        warm_up()  # the parser processes' server starts while the inputs are counted
    total = count_inputs(paths, skip) if total is None else total
    done = 0

    def finished(result: IngestResult) -> None:
        nonlocal done
        summary.add(result)
        done += 1
        if progress is not None:
            progress(done, max(total, done), result.name)

    def todo() -> Iterator[_Job | IngestResult]:
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
            state = ing.state(hashlib.sha256(data).hexdigest())
            if state == "duplicate":
                yield IngestResult(it.name, "duplicate")
                continue
            yield _Job(it.name, data, state)

    if workers <= 1 or total < SMALL_BATCH:
        for job in todo():
            if isinstance(job, IngestResult):
                finished(job)
            else:
                got = parse_in_process(parse_one, job.name, job.data, seconds)
                finished(ing.save(settled(got, seconds), job.state))
    else:
        _pooled(ing, todo(), workers, seconds, finished)
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


def _pooled(ing: _Ingester, jobs: Iterator[_Job | IngestResult], workers: int, seconds: float,
            finished: Callable[[IngestResult], None]) -> None:
    """Parse in parser processes, store in the order the files came: the reports of an agency
    come year after year, and last year's is then in the writer's cache. A bounded window of
    files in flight keeps memory flat."""
    window = (DEPTH + 2) * workers  # every process has its share queued, and some to spare
    pending: deque[tuple[str, str, int] | IngestResult] = deque()  # (name, state, ticket)
    with ParserPool(parse_one, workers, seconds, tasks=WORKER_TASKS) as pool:

        def settle() -> None:
            entry = pending.popleft()
            if isinstance(entry, IngestResult):
                finished(entry)
                return
            _, state, ticket = entry
            got = pool.result(ticket)
            finished(ing.save(settled(got, seconds), state))

        for job in jobs:
            pending.append(job if isinstance(job, IngestResult) else
                           (job.name, job.state, pool.submit(job.name, job.data)))
            while len(pending) > window:
                settle()
        while pending:
            settle()


# -- single documents (web uploads, composed reports) -----------------------------------------
class IsolatedParser:
    """`parse_one` in a parser process of its own, for a server that must outlive any file: a
    file that hangs or crashes the parser fails alone, after the batch's time limit
    (`$XXGK_PARSE_TIMEOUT`), and the server goes on. Thread-safe: files take turns (uploads are
    few and a parser process holds ~60 MB). The process starts with the first file."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ParserPool | None = None

    def __call__(self, name: str, data: bytes) -> Parsed | Bad:
        with self._lock:
            try:
                if self._pool is None:
                    self._pool = ParserPool(parse_one, 1, per_file_seconds(), tasks=WORKER_TASKS)
                seconds = self._pool.seconds
                got = self._pool.result(self._pool.submit(name, data))
            except XxgkError as e:  # $XXGK_PARSE_TIMEOUT is not a number of seconds
                return Bad(name, e.problem)
            except Exception as e:  # the pool itself broke (no process could start): this file
                self._close()       # fails, the next one gets a fresh process
                return Bad(name, f"内部错误 internal error: {type(e).__name__}: {e}"[:300])
        return settled(got, seconds)

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            pool.close(kill=True)


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
             region: str | None = None, parsed: Parsed | Bad | None = None) -> IngestResult:
    """Store one uploaded document (an archive is refused: see `add_archive`). `parsed`: what
    `parse_one` (or an `IsolatedParser`) made of `data`, when the caller has it already."""
    if _archive_of(data, name) is not None:
        return IngestResult(name, "failed", reason="是 ZIP 压缩包，请按压缩包上传 / a zip "
                                                   "archive: upload it as an archive")
    return _add_one(_Ingester(lib, actor, region), Item(name, lambda: data), parsed)


def add_archive(lib: "Library", data: bytes, name: str, *, actor: Actor = None,
                region: str | None = None) -> list[IngestResult]:
    """Store every document of an uploaded zip archive (a plain document: one result)."""
    ing = _Ingester(lib, actor, region)
    zf = _archive_of(data, name)
    if zf is None:
        return [_add_one(ing, Item(name, lambda: data))]
    return [_add_one(ing, it) for it in _archive_items(zf, name, 1)]


def _add_one(ing: _Ingester, it: Item | Bad, parsed: Parsed | Bad | None = None) -> IngestResult:
    if isinstance(it, Bad):
        return IngestResult(it.name, "failed", reason=it.reason)
    data = it.read()
    state = ing.state(hashlib.sha256(data).hexdigest())
    if state == "duplicate":
        return IngestResult(it.name, "duplicate")
    return ing.save(parsed if parsed is not None else parse_one(it.name, data), state)


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
