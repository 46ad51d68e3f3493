"""The web app's guards: anonymous writes refused before anything runs, CSRF on every write,
login throttling, scopes of reviewers and editors, session cookies, upload limits, escaping of
user text, audit rows, and passwords that end older sessions."""

from __future__ import annotations

import json
import random

import pytest
from starlette.routing import Mount

from xxgk import synth
from xxgk.web.routes import iter_routes

from web_support import PASSWORD, client, make_app, make_library, page_csrf

LOGIN_ROUTES = {"/login", "/api/login"}


@pytest.fixture(scope="module")
def wl(tmp_path_factory):  # type: ignore[no-untyped-def]
    return make_library(tmp_path_factory.mktemp("web-security"))


@pytest.fixture(scope="module")
def app(wl):  # type: ignore[no-untyped-def]
    return make_app(wl, max_upload_bytes=2**20, max_files=3, login_attempts=3)


def write_routes(app) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for r in iter_routes(app):
        if isinstance(r, Mount):
            continue
        for m in sorted(set(r.methods or ()) - {"GET", "HEAD"}):
            out.append((m, r.path))
    return out


def _url(path: str, wl) -> str:  # type: ignore[no-untyped-def]
    return (path.replace("{rid}", str(wl.own)).replace("{key}", "t3.new_received.total")
            .replace("{fingerprint}", "0" * 40).replace("{uid}", str(wl.users["viewer"])))


def test_there_are_write_routes(app) -> None:  # type: ignore[no-untyped-def]
    assert len(write_routes(app)) >= 20


def test_anonymous_writes_answered_401_before_anything(app, wl) -> None:  # type: ignore[no-untyped-def]
    before = wl.lib.revision()
    c = client(app)
    for method, path in write_routes(app):
        if path in LOGIN_ROUTES:
            continue
        # A body the route could not even parse, and one announced larger than any limit: the
        # answer is 401 all the same, so nothing about the route ran.
        r = c.request(method, _url(path, wl), content=b"\xff" * 64,
                      headers={"content-type": "multipart/form-data; boundary=x",
                               "X-CSRF-Token": c.csrf})
        assert r.status_code == 401, (path, r.status_code, r.text)
        r = c.request(method, _url(path, wl), content=b"x",
                      headers={"content-length": str(10**12)})
        assert r.status_code == 401, (path, r.status_code)
    assert wl.lib.revision() == before  # not one audit row: nothing was written


def test_every_write_needs_the_csrf_token(app, wl) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "admin")
    for method, path in write_routes(app):
        for headers in ({}, {"X-CSRF-Token": "forged"}):
            r = c.request(method, _url(path, wl), data={"csrf_token": "forged"}, headers=headers)
            assert r.status_code == 403, (path, headers, r.status_code, r.text[:200])
    # The login form too (login CSRF): no token, no sign-in.
    anon = client(app)
    r = anon.post("/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 403


def test_session_cookie_is_httponly_and_samesite(app) -> None:  # type: ignore[no-untyped-def]
    c = client(app)
    r = c.post("/api/login", json={"username": "viewer", "password": PASSWORD},
               headers={"X-CSRF-Token": c.csrf})
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "xxgk_session=" in cookie
    assert r.headers["content-security-policy"].startswith("default-src 'self'")
    assert r.headers["x-frame-options"] == "DENY"


def test_login_throttling(app) -> None:  # type: ignore[no-untyped-def]
    c = client(app)
    for _ in range(3):
        r = c.post("/api/login", json={"username": "reviewer", "password": "wrong!"},
                   headers={"X-CSRF-Token": c.csrf})
        assert r.status_code == 401
    # Locked now: the right password is refused too, with the time to wait.
    r = c.post("/api/login", json={"username": "reviewer", "password": PASSWORD},
               headers={"X-CSRF-Token": c.csrf})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    app.state.throttle.forget("user:reviewer", "ip:testclient")  # others use this account


def test_failed_and_successful_logins_are_audited(app, wl) -> None:  # type: ignore[no-untyped-def]
    c = client(app)
    c.post("/api/login", json={"username": "editor", "password": "nope"}, headers={"X-CSRF-Token": c.csrf})
    c.login("editor")
    actions = [a.action for a in wl.lib.audit(limit=5)]
    assert actions[:2] == ["web.login", "web.login_failed"]
    app.state.throttle.forget("user:editor", "ip:testclient")


def test_scopes(app, wl) -> None:  # type: ignore[no-untyped-def]
    reviewer, editor, viewer = client(app, "reviewer"), client(app, "editor"), client(app, "viewer")
    # Inside: the reviewer's region and the editor's agency.
    for c in (reviewer, editor, viewer):
        assert c.get(f"/api/reports/{wl.own}").status_code == 200
    # Outside: 鹤岗市商务局.
    for c in (reviewer, editor):
        assert c.get(f"/api/reports/{wl.other}").status_code == 403
        assert c.get(f"/reports/{wl.other}").status_code == 403
        r = c.post(f"/api/reports/{wl.other}/corrections", headers={"X-CSRF-Token": c.csrf},
                   json={"cells": {"t3.new_received.total": 1}, "reason": "越权"})
        assert r.status_code == 403
        found = {r["id"] for r in c.get("/api/search").json()["reports"]}
        assert wl.own in found and wl.other not in found
    assert viewer.get(f"/api/reports/{wl.other}").status_code == 200
    # A viewer reads but never writes.
    r = viewer.post(f"/api/reports/{wl.own}/corrections", headers={"X-CSRF-Token": viewer.csrf},
                    json={"cells": {"t3.new_received.total": 1}, "reason": "只读"})
    assert r.status_code == 403
    # An editor composes for their own agency whatever the form says.
    r = editor.post("/api/compose/save", headers={"X-CSRF-Token": editor.csrf},
                    json={"year": 2021, "agency": "鹤岗市商务局", "cells": {}})
    assert r.status_code == 200
    saved = editor.get(f"/api/reports/{r.json()['report_id']}").json()["report"]
    assert saved["agency"] == "桦川县人民政府"
    assert editor.get("/api/regions").status_code == 403


def test_upload_limits(app) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "reviewer")
    h = {"X-CSRF-Token": c.csrf}
    r = c.post("/api/uploads", headers=h, files=[("files", ("big.txt", b"1" * (2**20 + 10)))])
    assert r.status_code == 413
    r = c.post("/api/uploads", headers=h, files=[("files", (f"{i}.txt", b"x")) for i in range(4)])
    assert r.status_code == 413
    r = c.post("/api/uploads", headers=h, files=[("files", ("tool.exe", b"MZ\x90\x00")),
                                                  ("files", ("notes.txt", "这不是年度报告".encode()))])
    results = r.json()["results"]
    assert [x["status"] for x in results] == ["failed", "failed"]
    assert "不支持的文件类型" in results[0]["error"] and results[1]["error"]


def test_user_text_is_escaped(app, wl) -> None:  # type: ignore[no-untyped-def]
    evil = '<script>alert(1)</script>局'
    report = synth.random_report(random.Random(3), "2021", year=2022, agency=evil)
    report.sections[0].text = '</script><img src=x onerror=alert(2)>总体情况'
    res = wl.lib.add_report(report, source=json.dumps(report.to_dict()).encode(), name="evil.json",
                            actor="test")
    c = client(app, "admin")
    for path in (f"/reports/{res.report_id}", "/search?q=onerror", "/search", "/dashboard",
                 "/regions?year=2022", f"/compose?from={res.report_id}"):
        html = c.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;局" in c.get(f"/reports/{res.report_id}").text


def test_password_change_ends_older_sessions(app, wl) -> None:  # type: ignore[no-untyped-def]
    viewer = client(app, "viewer")
    assert viewer.get("/api/me").status_code == 200
    admin = client(app, "admin")
    r = admin.post(f"/api/users/{wl.users['viewer']}/password", headers={"X-CSRF-Token": admin.csrf},
                   json={"password": "a new password"})
    assert r.status_code == 200
    assert viewer.get("/api/me").status_code == 401
    wl.lib.set_password("viewer", PASSWORD, actor="test")


def test_writes_are_audited(app, wl) -> None:  # type: ignore[no-untyped-def]
    c = client(app, "reviewer")
    fp = wl.lib.findings(wl.own)[0].fingerprint
    r = c.post(f"/reports/{wl.own}/findings/{fp}/review",
               data={"csrf_token": page_csrf(c.get(f"/reports/{wl.own}").text), "state": "dismissed"})
    assert r.status_code == 303
    entry = wl.lib.audit(limit=1)[0]
    assert entry.actor == "reviewer" and entry.user_id == wl.users["reviewer"]
    assert "review" in entry.action
