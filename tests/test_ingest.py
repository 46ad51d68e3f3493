"""Batch ingest (xxgk.ingest, `xxgk ingest`) on SQLite and PostgreSQL: folders, zip archives,
duplicates, file-name fallback, re-parsing by a newer parser, bad files that never stop a batch
nor damage what is stored, a parser process that dies or hangs on a file, and a kill -9 in the
middle of a batch."""

from __future__ import annotations

import faulthandler
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from xxgk import ingest, parser_pool, synth
from xxgk.store import Library, writer

import library_support as support

XXGK = str(Path(sys.executable).with_name("xxgk"))
COUNTIES = ("桦川县", "汤原县", "富锦市", "同江市", "萝北县", "绥滨县", "方正县", "依兰县", "宾县", "通河县")
DEPARTMENTS = ("商务局", "财政局", "教育局", "民政局", "司法局", "审计局", "统计局", "水务局", "交通运输局",
               "生态环境局", "自然资源局", "农业农村局", "应急管理局", "医疗保障局", "退役军人事务局")


def corpus(directory: Path, n: int, seed: int = 11) -> list[Path]:
    """`n` reports of distinct agencies as text extracted from DOCX (a realistic parse cost)."""
    rng = random.Random(seed)
    names = [c + d for c in COUNTIES for d in DEPARTMENTS]
    assert n <= len(names)
    directory.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        r = synth.random_report(rng, "2021", year=2022, agency=names[i])
        r.title = f"{names[i]}2022年政府信息公开工作年度报告"
        p = directory / f"{i:04d}.txt"
        p.write_bytes(synth.as_bytes(synth.render_docx_text(r, rng)))
        out.append(p)
    return out


@pytest.fixture(scope="session")
def kill_corpus(tmp_path_factory):
    return corpus(tmp_path_factory.mktemp("kill") / "reports", 150)


def _snapshot(lib: Library) -> set[tuple]:
    """Every stored report with its versions and source hashes."""
    with lib.engine.connect() as c:
        return set(c.execute(text(
            "SELECT r.id, r.agency_id, r.year, v.id, v.number, s.sha256 FROM reports r "
            "JOIN versions v ON v.report_id = r.id JOIN sources s ON s.id = v.source_id")).all())


def _count(url: str) -> int:
    with Library.open(url, migrate=False) as lib:
        return lib.count_reports()


# -- kill -9 ------------------------------------------------------------------------------------
def test_kill_9_loses_only_the_report_in_flight(db_url, kill_corpus):
    folder = kill_corpus[0].parent
    Library.open(db_url).close()  # created and migrated before the batch starts
    proc = subprocess.Popen([XXGK, "ingest", str(folder), "--db", db_url, "--workers", "2",
                             "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while _count(db_url) < 15:
            assert proc.poll() is None, proc.stderr.read().decode()  # still running
            assert time.monotonic() < deadline, "ingest made no progress"
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the writer and its parser processes
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    with Library.open(db_url) as lib:
        before = _snapshot(lib)
        assert 15 <= len(before) < len(kill_corpus), "killed mid-batch"
        # each stored report is whole: its findings, figures and narrative are there too
        for rid in {row[0] for row in before}:
            d = lib.report(rid)
            assert d.version.number == 1 and len(d.report.sections) == 6
        summary = lib.ingest([folder], workers=2)  # the same command again
        after = _snapshot(lib)
        assert before <= after, "something committed was lost or changed"
        assert (summary.duplicates, summary.ingested, summary.failed) == (
            len(before), len(kill_corpus) - len(before), [])
        assert len(after) == len(kill_corpus) == lib.count_reports()
        assert len({row[5] for row in after}) == len(after)  # no source twice
        assert all(row[4] == 1 for row in after)  # no report twice, no extra versions


# -- folders, archives, duplicates ----------------------------------------------------------------
class _RawName(zipfile.ZipInfo):
    """A zip entry whose name is stored as raw GBK bytes without the UTF-8 flag, as archives made
    on Chinese Windows are."""

    def _encodeFilenameFlags(self):  # noqa: N802 (zipfile's name)
        return self.filename.encode("cp437"), self.flag_bits & ~0x800


def _zip(members: dict[str, bytes], raw_gbk: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for name, data in (raw_gbk or {}).items():
            zf.writestr(_RawName(name.encode("gbk").decode("cp437")), data)
    return buf.getvalue()


def test_folders_and_archives(db_url, tmp_path):
    files = sorted(support.REPORTS.iterdir())
    inner = _zip({"inner/" + files[0].name: files[0].read_bytes()})
    archive = _zip({"县直部门/" + f.name: f.read_bytes() for f in files[1:5]}
                   | {"__MACOSX/._junk": b"\x00\x01", "nested.zip": inner},
                   raw_gbk={"乡镇/" + files[5].name: files[5].read_bytes()})
    (tmp_path / "batch" / "sub").mkdir(parents=True)
    (tmp_path / "batch" / "reports.zip").write_bytes(archive)
    for f in files[6:]:
        shutil.copy(f, tmp_path / "batch" / "sub" / f.name)
    (tmp_path / "batch" / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    seen = []
    with Library.open(db_url) as lib:
        s = lib.ingest([tmp_path / "batch"], progress=lambda d, t, n: seen.append((d, t, n)))
        assert (s.ingested, s.duplicates, s.failed) == (len(files), 0, [])
        assert [d for d, _, _ in seen] == list(range(1, len(files) + 1))
        assert {t for _, t, _ in seen} == {len(files)}
        names = {r.source for r in lib.reports()}
        assert f"{tmp_path / 'batch' / 'reports.zip'}!乡镇/{files[5].name}" in names  # GBK name
        assert any(n.endswith(f"nested.zip!inner/{files[0].name}") for n in names)
        again = lib.ingest([tmp_path / "batch", support.REPORTS])
        assert (again.ingested, again.duplicates) == (0, 2 * len(files))
        assert lib.count_reports() == len(files)


def test_agency_and_year_from_the_file_name(db_url, tmp_path):
    doc = json.loads((support.REPORTS / "桦川县教育局_2021.json").read_text(encoding="utf-8"))
    doc.pop("agency"), doc.pop("year"), doc.pop("title")
    named = tmp_path / "桦川县水务局2021年度政府信息公开工作年度报告.json"
    named.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    doc.pop("published")
    (tmp_path / "附件1.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with Library.open(db_url) as lib:
        lib.add_agency("桦川县人民政府", region="黑龙江省/佳木斯市/桦川县")
        s = lib.ingest([tmp_path])
        assert s.ingested == 1 and len(s.failed) == 1
        assert s.failed[0][0].endswith("附件1.json") and "年度" in s.failed[0][1]
        row = lib.reports()[0]
        assert (row.agency, row.year) == ("桦川县水务局", 2021)
        assert row.region == "黑龙江省/佳木斯市/桦川县"  # inferred from the known county


def test_name_fallback():
    assert ingest.name_fallback("x/桦川县财政局2022年度政府信息公开工作年度报告.docx") == ("桦川县财政局", 2022)
    assert ingest.name_fallback("a.zip!2021年/汤原县司法局（2021年）.txt") == ("汤原县司法局", 2021)
    assert ingest.name_fallback("report_17.txt") == (None, None)


def test_a_newer_parser_reads_stored_files_again(db_url, monkeypatch):
    with Library.open(db_url) as lib:
        first = lib.ingest([support.REPORTS])
        monkeypatch.setattr(ingest, "PARSER_VERSION", "xxgk 99.0")
        again = lib.ingest([support.REPORTS])
        assert (again.reparsed, again.ingested, again.duplicates) == (first.ingested, 0, 0)
        rid = support.report_id(lib, "桦川县财政局", 2021)
        versions = lib.versions(rid)
        assert [(v.number, v.parser_version) for v in versions] == [(1, "xxgk 0.1.0"),
                                                                    (2, "xxgk 99.0")]
        assert versions[0].source_sha256 == versions[1].source_sha256
        assert lib.report(rid).version.number == 2
        assert lib.ingest([support.REPORTS]).duplicates == first.ingested


def test_parallel_workers_store_the_same(db_url, tmp_path, monkeypatch):
    monkeypatch.setattr(ingest, "SMALL_BATCH", 0)  # a pool even for this small batch
    monkeypatch.setattr(ingest, "WORKER_TASKS", 3)  # parser processes replaced mid-batch
    with Library.open(db_url) as lib:
        s = lib.ingest([support.REPORTS], workers=2)
        assert s.ingested == len(list(support.REPORTS.iterdir())) and not s.failed
        got = {(r.agency, r.year): (r.errors, r.warnings) for r in lib.reports()}
    with Library.open(f"sqlite:///{tmp_path / 'serial.db'}") as serial:
        serial.ingest([support.REPORTS], workers=1)
        assert got == {(r.agency, r.year): (r.errors, r.warnings) for r in serial.reports()}


# -- bad input ------------------------------------------------------------------------------------
def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("report.txt", b"0" * (64 * 2**20))  # 64 MB of zeros in ~64 KB
    return buf.getvalue()


BAD_FILES = {
    "binary.bin": bytes(range(256)) * 40,
    "empty.txt": b"",
    "truncated.json": b'{"format": "xxgk-report/1", "edition": "2021", "cells": {"t3.new',
    "unrelated.html": "<html><head><title>通知</title></head><body><p>关于开展春季植树活动的通知"
                      "</p></body></html>".encode(),
    "corrupt.zip": b"PK\x03\x04" + os.urandom(3000),
    "corrupt.docx": b"PK\x03\x04\x14\x00\x00\x00" + os.urandom(2000),
    "bomb.zip": _zip_bomb(),
    "unknown_keys.json": json.dumps({"edition": "2021", "year": 2021, "agency": "某局",
                                     "cells": {"t9.nothing": 1}}).encode(),
}


def test_bad_files_never_stop_a_batch_nor_touch_stored_data(db_url, tmp_path):
    good = sorted(support.REPORTS.iterdir())
    batch = tmp_path / "batch"
    batch.mkdir()
    for name, data in BAD_FILES.items():
        (batch / name).write_bytes(data)
    for f in good[8:]:
        shutil.copy(f, batch / f.name)
    (batch / "unreadable.txt").write_bytes(b"x")
    (batch / "unreadable.txt").chmod(0)
    with Library.open(db_url) as lib:
        first = lib.ingest(good[:8])
        assert first.ingested == 8
        before = _snapshot(lib)
        with lib.engine.connect() as c:
            docs = dict(c.execute(text("SELECT id, document FROM versions")).all())
        s = lib.ingest([batch, tmp_path / "missing.txt"])
        assert s.ingested == len(good) - 8
        failed = dict(s.failed)
        expected_bad = {str(batch / n) for n in BAD_FILES} | {str(tmp_path / "missing.txt")}
        if os.geteuid() != 0:  # root reads a file whatever its mode
            expected_bad.add(str(batch / "unreadable.txt"))
        # an archive's problem is named by the archive, or by the member that has it
        assert {n.split("!")[0] for n in failed} >= expected_bad
        for name, reason in failed.items():
            assert reason and "\n" not in reason and "Traceback" not in reason, (name, reason)
        bomb = [r for n, r in failed.items() if n.startswith(str(batch / "bomb.zip"))]
        assert len(bomb) == 1 and "ZIP 炸弹" in bomb[0]
        assert "不存在" in failed[str(tmp_path / "missing.txt")]
        assert before <= _snapshot(lib)
        with lib.engine.connect() as c:
            now = dict(c.execute(text("SELECT id, document FROM versions")).all())
        assert all(now[k] == v for k, v in docs.items())
        assert lib.count_reports() == len(good)


def test_cli_ingest_summary_and_exit_status(db_url, tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    run = subprocess.run([XXGK, "ingest", str(support.REPORTS), str(tmp_path / "empty.txt"),
                          "--db", db_url], capture_output=True, text=True, timeout=120)
    assert run.returncode == 2, run.stderr
    assert "入库 14 份" in run.stderr and "失败 1 份" in run.stderr
    assert f"xxgk: {tmp_path / 'empty.txt'}: 文件为空 / empty file\n" in run.stderr
    assert "Traceback" not in run.stderr
    again = subprocess.run([XXGK, "ingest", str(support.REPORTS), "--db", db_url],
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0 and "重复跳过 14 份" in again.stderr
    bad = subprocess.run([XXGK, "ingest", str(support.REPORTS), "--db", "postgresql://nobody@/x"
                          "?host=/nonexistent"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "无法打开报告库" in bad.stderr


# -- parser processes that die or hang ------------------------------------------------------------
@pytest.fixture
def forked_parsers(monkeypatch):
    """Parser processes forked from the test, so they run the parser as the test patched it
    (the default, forkserver, starts them from a clean interpreter); a pool even for a small
    batch."""
    monkeypatch.setattr(parser_pool, "START_METHOD", "fork")
    monkeypatch.setattr(ingest, "SMALL_BATCH", 0)


def _parser_that(misbehaves_on: dict[str, Callable[[], None]]):
    """`load.report_from_bytes`, except that it calls `misbehaves_on[file name]()` first."""
    real = ingest.report_from_bytes

    def parse(name: str, data: bytes):
        act = misbehaves_on.get(Path(name).name)
        if act is not None:
            act()
        return real(name, data)

    return parse


def _segfault() -> None:
    faulthandler.disable()  # pytest's, inherited: it would print the stack of this death
    os.kill(os.getpid(), signal.SIGSEGV)


def _hang_beyond_the_alarm() -> None:
    """A hang in C code: the alarm that ends a slow parse never gets through."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(60)


def test_a_parser_process_that_dies_fails_its_file_only(db_url, tmp_path, monkeypatch,
                                                         forked_parsers):
    files = corpus(tmp_path / "batch", 16)
    segfault, exits = files[6], files[7]  # one behind the other: the same process's queue
    real = ingest.report_from_bytes
    monkeypatch.setattr(ingest, "report_from_bytes", _parser_that({
        segfault.name: _segfault,
        exits.name: lambda: os._exit(70)}))
    with Library.open(db_url) as lib:
        assert lib.ingest(files[:3]).ingested == 3  # stored before
        before = _snapshot(lib)
        s = lib.ingest([tmp_path / "batch"], workers=2)
        assert (s.ingested, s.duplicates) == (16 - 3 - 2, 3)
        failed = dict(s.failed)
        assert set(failed) == {str(segfault), str(exits)}
        assert "解析进程意外终止" in failed[str(segfault)] and "SIGSEGV" in failed[str(segfault)]
        assert "exit code 70" in failed[str(exits)]
        assert all("\n" not in r and "Traceback" not in r for r in failed.values())
        after = _snapshot(lib)
        assert before <= after and len(after) == 16 - 2
        assert {Path(r.source).name for r in lib.reports()} == {f.name for f in files} - {
            segfault.name, exits.name}
        monkeypatch.setattr(ingest, "report_from_bytes", real)  # fixed: the same batch again
        again = lib.ingest([tmp_path / "batch"], workers=2)
        assert (again.ingested, again.duplicates, again.failed) == (2, 14, [])


def test_a_file_that_hangs_fails_after_the_time_limit(db_url, tmp_path, monkeypatch,
                                                       forked_parsers):
    files = corpus(tmp_path / "batch", 12)
    sleeps, stuck = files[2], files[8]
    monkeypatch.setenv(ingest.TIMEOUT_VAR, "1.5")
    monkeypatch.setattr(ingest, "report_from_bytes", _parser_that({
        sleeps.name: lambda: time.sleep(60),  # in Python: the alarm ends it
        stuck.name: _hang_beyond_the_alarm}))  # the parent kills the process
    with Library.open(db_url) as lib:
        started = time.monotonic()
        s = lib.ingest([tmp_path / "batch"], workers=2)
        took = time.monotonic() - started
        assert s.ingested == 10
        failed = dict(s.failed)
        assert set(failed) == {str(sleeps), str(stuck)}
        for reason in failed.values():
            assert reason == "解析超时（超过 1.5 秒）/ parsing took longer than 1.5 s"
        assert took < 30, "a hanging file held up the batch"
        assert lib.count_reports() == 10


def _loop_forever() -> None:
    """A parser stuck in a loop of its own (in Python: the alarm gets through)."""
    while True:
        pass


@pytest.mark.parametrize("workers", [1, 4])  # --workers 1, and a batch too small for processes
def test_a_small_batch_parsed_in_process_has_the_time_limit_too(tmp_path, monkeypatch, workers):
    files = corpus(tmp_path / "batch", 4)
    slow = files[1]
    monkeypatch.setenv(ingest.TIMEOUT_VAR, "1")
    monkeypatch.setattr(ingest, "report_from_bytes", _parser_that({
        slow.name: _loop_forever}))
    previous = signal.getsignal(signal.SIGALRM)
    with Library.open(f"sqlite:///{tmp_path / 'l.db'}") as lib:
        started = time.monotonic()
        s = lib.ingest([tmp_path / "batch"], workers=workers)
        assert time.monotonic() - started < 30
        assert s.ingested == 3
        assert dict(s.failed) == {str(slow): "解析超时（超过 1 秒）/ parsing took longer than 1 s"}
        assert lib.count_reports() == 3
    assert signal.getsignal(signal.SIGALRM) is previous  # the caller's handler is back


def test_the_time_limit_must_be_a_number_of_seconds(tmp_path, monkeypatch):
    monkeypatch.setenv(ingest.TIMEOUT_VAR, "soon")
    with pytest.raises(ingest.XxgkError, match="XXGK_PARSE_TIMEOUT"):
        ingest.per_file_seconds()
    monkeypatch.setenv(ingest.TIMEOUT_VAR, "0")
    with pytest.raises(ingest.XxgkError):
        ingest.per_file_seconds()
    monkeypatch.delenv(ingest.TIMEOUT_VAR)
    assert ingest.per_file_seconds() == ingest.PER_FILE_SECONDS
    run = subprocess.run([XXGK, "ingest", str(support.REPORTS), "--db", str(tmp_path / "l.db")],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, ingest.TIMEOUT_VAR: "soon"})
    assert run.returncode == 2 and run.stderr.count("\n") == 1, run.stderr
    assert run.stderr.startswith("xxgk: XXGK_PARSE_TIMEOUT: 不是秒数")


# -- memory ---------------------------------------------------------------------------------------
def test_the_writer_keeps_few_agencies_and_finds_a_forgotten_one_again(db_url, tmp_path,
                                                                       monkeypatch):
    """A batch over more agencies than the writer remembers, year by year (so an agency comes
    back after the others): the cache stays at its size, and an agency it forgot is found in the
    library, not made again; reports, cross-year findings and counts as with room for all."""
    files = sorted(support.REPORTS.iterdir(), key=lambda f: (f.stem[-4:], f.name))
    with Library.open(f"sqlite:///{tmp_path / 'roomy.db'}") as roomy:
        roomy.ingest(files)
        expected = {(r.agency, r.year): (r.errors, r.warnings) for r in roomy.reports()}
        agencies = sorted(a.name for a in roomy.agencies())
    sizes: list[int] = []
    commit = writer.Agencies.commit

    def spy(self: writer.Agencies) -> None:
        commit(self)
        sizes.append(len(self))

    monkeypatch.setattr(writer.Agencies, "commit", spy)
    monkeypatch.setattr(ingest, "AGENCIES_KEPT", 2)
    with Library.open(db_url) as lib:
        s = lib.ingest(files)
        assert (s.ingested, s.failed) == (len(files), [])
        assert len(sizes) == len(files) and max(sizes) == 2 < len(agencies)
        assert sorted(a.name for a in lib.agencies()) == agencies
        assert {(r.agency, r.year): (r.errors, r.warnings) for r in lib.reports()} == expected
