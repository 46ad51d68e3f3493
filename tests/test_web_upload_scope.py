"""Who may upload what: an agency editor their own agency's reports only, a reviewer their region's;
a file naming anyone else is refused (403) before anything is stored — the agency is the one the
document names, whatever the file is called."""

from __future__ import annotations

import os
import signal
import time

import pytest

from xxgk import ingest, parser_pool
from xxgk.web.routes import upload
from web_support import EDITOR_AGENCY, SEEDS, client, make_app, make_library


def _seed(agency: str) -> bytes:
    return next(p for p in SEEDS if agency in p.read_text(encoding="utf-8")[:300]).read_bytes()


OWN = EDITOR_AGENCY  # 桦川县人民政府: the editor's agency, in the reviewer's region (佳木斯市)
HEGANG = "鹤岗市商务局"  # outside both
FANGZHENG = "方正县工业信息科技局"  # 哈尔滨市: outside both


@pytest.fixture(scope="module")
def wl(tmp_path_factory):  # type: ignore[no-untyped-def]
    wl = make_library(tmp_path_factory.mktemp("web-upload"))
    yield wl
    wl.lib.close()


@pytest.fixture(scope="module")
def app(wl):  # type: ignore[no-untyped-def]
    return make_app(wl)


def _upload(c, *files: tuple[str, bytes]):  # type: ignore[no-untyped-def]
    return c.post("/api/uploads", headers={"X-CSRF-Token": c.csrf},
                  files=[("files", f) for f in files])


def _unchanged(wl, action):  # type: ignore[no-untyped-def]
    before = (wl.lib.revision(), wl.lib.count_reports(), len(wl.lib.agencies()))
    r = action()
    assert (wl.lib.revision(), wl.lib.count_reports(), len(wl.lib.agencies())) == before
    return r


def test_editor_uploads_own_agency(app, wl) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "editor")
    versions = len(wl.lib.versions(wl.own))
    # A corrected file of the stored report (one more line): a new version of the same report.
    r = _upload(c, ("桦川县2020年报更正.txt", _seed(OWN) + "\n（更正稿）\n".encode()))
    assert r.status_code == 200, r.text
    item = r.json()["results"][0]
    assert item["status"] in ("ingested", "reparsed") and item["report_id"] == wl.own, item
    assert len(wl.lib.versions(wl.own)) == versions + 1
    assert c.get(item["url"]).status_code == 200


@pytest.mark.parametrize("agency", [HEGANG, FANGZHENG])
def test_editor_refused_for_another_agency(app, wl, agency: str) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "editor")
    r = _unchanged(wl, lambda: _upload(c, ("report.txt", _seed(agency) + b"\n")))
    assert r.status_code == 403
    item = r.json()["results"][0]
    assert item["status"] == "refused" and item["agency"] == agency and item["report_id"] is None


def test_file_name_of_own_agency_does_not_help(app, wl) -> None:  # type: ignore[no-untyped-def]
    """The document names 鹤岗市商务局; calling the file after the editor's agency changes nothing."""
    c = client(app, "editor")
    r = _unchanged(wl, lambda: _upload(
        c, (f"{OWN}2019年政府信息公开工作年度报告.txt", _seed(HEGANG) + b"\n\n")))
    assert r.status_code == 403 and r.json()["results"][0]["agency"] == HEGANG


def test_editor_cannot_create_an_agency(app, wl) -> None:  # type: ignore[no-untyped-def]
    text = _seed(HEGANG).decode("utf-8").replace(HEGANG, "鹤岗市新设局")
    c = client(app, "editor")
    r = _unchanged(wl, lambda: _upload(c, ("new.txt", text.encode("utf-8"))))
    assert r.status_code == 403 and r.json()["results"][0]["agency"] == "鹤岗市新设局"


def test_reviewer_refused_outside_region_before_storing(app, wl) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "reviewer")
    r = _unchanged(wl, lambda: _upload(c, ("fz.txt", _seed(FANGZHENG) + b"\n")))
    assert r.status_code == 403 and r.json()["results"][0]["status"] == "refused"


def test_mixed_request_stores_what_is_allowed(app, wl) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "reviewer")
    r = _upload(c, ("own.txt", _seed(OWN) + b"\n\n\n"), ("hg.txt", _seed(HEGANG) + b"\n\n\n"))
    assert r.status_code == 200
    assert [x["status"] for x in r.json()["results"]][1] == "refused"
    assert r.json()["results"][0]["report_id"] == wl.own


def test_viewer_and_anonymous_cannot_upload(app, wl) -> None:  # type: ignore[no-untyped-def]
    viewer = client(app, "viewer")
    assert _unchanged(wl, lambda: _upload(viewer, ("own.txt", _seed(OWN) + b"\n \n"))).status_code == 403
    anon = client(app)
    assert _unchanged(wl, lambda: _upload(anon, ("own.txt", _seed(OWN) + b"\n \n"))).status_code == 401


def test_editor_corrects_own_report_only(app, wl) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "editor")
    r = c.post(f"/api/reports/{wl.own}/corrections", headers={"X-CSRF-Token": c.csrf},
               json={"cells": {"t3.new_received.total": 5}, "reason": "核对原件"})
    assert r.status_code == 200
    r = _unchanged(wl, lambda: c.post(f"/api/reports/{wl.other}/corrections",
                                      headers={"X-CSRF-Token": c.csrf},
                                      json={"cells": {"t3.new_received.total": 5},
                                            "reason": "越权"}))
    assert r.status_code == 403


def test_upload_page_says_what_may_be_uploaded(app) -> None:  # type: ignore[no-untyped-def]
    assert f"只能上传本机关（{OWN}）的报告" in client(app, "editor").get("/upload").text
    assert "只能上传所辖地区（黑龙江省/佳木斯市）" in client(app, "reviewer").get("/upload").text
    assert client(app, "viewer").get("/upload").status_code == 403


def _hang_beyond_the_alarm() -> None:
    """A hang in C code: the alarm that ends a slow parse never gets through."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(60)


def test_an_upload_that_hangs_the_parser_fails_alone(app, wl, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The parser process is forked from this test so that it runs the parser patched here.
    monkeypatch.setattr(parser_pool, "START_METHOD", "fork")
    monkeypatch.setenv(ingest.TIMEOUT_VAR, "1.5")
    real = ingest.report_from_bytes

    def parse(name: str, data: bytes):  # type: ignore[no-untyped-def]
        if name.startswith("stuck"):
            _hang_beyond_the_alarm()
        if name.startswith("crash"):
            os._exit(70)
        return real(name, data)

    monkeypatch.setattr(ingest, "report_from_bytes", parse)
    isolated = ingest.IsolatedParser()
    monkeypatch.setattr(upload, "parser", isolated)
    c = client(app, "admin")
    try:
        started = time.monotonic()
        r = _unchanged(wl, lambda: _upload(c, ("stuck.txt", _seed(HEGANG) + b"\n\n"),
                                           ("crash.txt", _seed(HEGANG) + b"\n\n\n")))
        assert time.monotonic() - started < 30
        got = {x["name"]: x for x in r.json()["results"]}
        assert got["stuck.txt"]["status"] == "failed"
        assert got["stuck.txt"]["error"] == "解析超时（超过 1.5 秒）/ parsing took longer than 1.5 s"
        assert got["crash.txt"]["status"] == "failed"
        assert "解析进程意外终止" in got["crash.txt"]["error"] and "exit code 70" in got[
            "crash.txt"]["error"]
        # The server goes on: the next upload is read by a fresh parser process and stored.
        r = _upload(c, ("fine.txt", _seed(HEGANG) + b"\n\n\n\n"))
        item = r.json()["results"][0]
        assert item["status"] in ("ingested", "reparsed"), item
        assert c.get(item["url"]).status_code == 200
    finally:
        isolated.close()
