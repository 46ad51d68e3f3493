"""Sessions end in the library, not only in the browser: a cookie copied before logout (or before a
password, role or status change) is refused afterwards, by pages, JSON reads and writes alike.
Login throttling is counted in the library, so it holds across server processes."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import shutil
import threading
import time
from pathlib import Path

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select, update
from typer.testing import CliRunner

from xxgk.cli import app as cli
from xxgk.store import Library
from xxgk.store.models import LoginAttempt, WebSession
from xxgk.store import sessions
from xxgk.store.sessions import digest
from xxgk.web import Settings, create_app

from web_support import PASSWORD, client, make_app, make_library


@pytest.fixture(scope="module")
def template(tmp_path_factory):  # type: ignore[no-untyped-def]
    wl = make_library(tmp_path_factory.mktemp("web-sessions"))
    wl.lib.close()
    return wl


@pytest.fixture()
def wl(template, tmp_path):  # type: ignore[no-untyped-def]
    """A fresh copy of the library per test: sessions and attempts of one test stay there."""
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(template.path) + suffix)
        if src.exists():
            shutil.copy(src, tmp_path / (template.path.name + suffix))
    path = tmp_path / template.path.name
    wl = dataclasses.replace(template, lib=Library.open(f"sqlite:///{path}"), path=path)
    yield wl
    wl.lib.close()


def _copy(c, app):  # type: ignore[no-untyped-def]
    """A second client holding the same cookie: what an attacker who copied it would send."""
    thief = client(app)
    thief.cookies.set("xxgk_session", c.cookies["xxgk_session"])
    thief.csrf = c.csrf
    return thief


def _refused_everywhere(c, wl) -> None:  # type: ignore[no-untyped-def]
    assert c.get("/api/me").status_code == 401
    r = c.get(f"/reports/{wl.own}")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # A write with the right CSRF token for that cookie: refused as anonymous, nothing written.
    before = wl.lib.revision()
    r = c.post(f"/api/reports/{wl.own}/corrections", headers={"X-CSRF-Token": c.csrf},
               json={"cells": {"t3.new_received.total": 1}, "reason": "偷来的会话"})
    assert r.status_code == 401
    assert wl.lib.revision() == before


def test_copied_cookie_is_refused_after_logout(wl) -> None:  # type: ignore[no-untyped-def]
    app = make_app(wl)
    c = client(app, "reviewer")
    thief = _copy(c, app)
    assert thief.get("/api/me").json()["username"] == "reviewer"
    r = c.post("/logout", data={"csrf_token": c.csrf})
    assert r.status_code == 303
    _refused_everywhere(thief, wl)


def test_only_the_digest_of_the_token_is_stored(wl) -> None:  # type: ignore[no-untyped-def]
    app = make_app(wl)
    c = client(app, "reviewer")
    signed = TimestampSigner("test-secret").unsign(c.cookies["xxgk_session"].encode())
    token = json.loads(base64.b64decode(signed))["sid"]
    with wl.lib.read() as s:
        ids = set(s.scalars(select(WebSession.id)))
    assert token not in ids and digest(token) in ids


def test_logout_ends_this_session_and_everywhere_ends_all(wl) -> None:  # type: ignore[no-untyped-def]
    app = make_app(wl)
    laptop, phone = client(app, "editor"), client(app, "editor")
    r = laptop.post("/api/logout", headers={"X-CSRF-Token": laptop.csrf})
    assert r.status_code == 200
    assert laptop.get("/api/me").status_code == 401
    assert phone.get("/api/me").status_code == 200  # another session of the user lives on
    tablet = client(app, "editor")
    r = phone.post("/api/logout", params={"everywhere": "true"}, headers={"X-CSRF-Token": phone.csrf})
    assert r.status_code == 200
    assert phone.get("/api/me").status_code == 401 and tablet.get("/api/me").status_code == 401
    assert [a.action for a in wl.lib.audit(limit=1)] == ["web.logout"]


def test_cli_password_change_ends_sessions(wl) -> None:  # type: ignore[no-untyped-def]
    app = make_app(wl)
    c = client(app, "viewer")
    thief = _copy(c, app)
    r = CliRunner().invoke(cli, ["users", "passwd", "viewer", "--password", "a new password 9",
                                 "--db", str(wl.path)])
    assert r.exit_code == 0, r.output
    _refused_everywhere(thief, wl)
    _refused_everywhere(c, wl)
    client(app).login("viewer", "a new password 9")


def test_disable_and_role_change_end_sessions(wl) -> None:  # type: ignore[no-untyped-def]
    app = make_app(wl)
    viewer, reviewer = client(app, "viewer"), client(app, "reviewer")
    wl.lib.set_disabled("viewer", True, actor="test")
    wl.lib.set_disabled("viewer", False, actor="test")
    # Enabled again, the sessions from before stay ended: the user signs in anew.
    assert viewer.get("/api/me").status_code == 401
    wl.lib.update_user("reviewer", region="黑龙江省", actor="test")
    assert reviewer.get("/api/me").status_code == 401
    client(app, "reviewer")  # signs in with the new rights


def test_expired_session_is_refused(wl) -> None:  # type: ignore[no-untyped-def]
    app = make_app(wl)
    c = client(app, "admin")
    with wl.lib.write() as s:
        s.execute(update(WebSession).values(expires_at=dt.datetime(2000, 1, 1)))
        # A write moves the revision, as every write does (the page cache is keyed by it).
        from xxgk.store.writer import audit
        audit(s, "test", "test.expire", None, None)
    _refused_everywhere(c, wl)
    # Expired rows are dropped at the next sign-in.
    client(app, "viewer")
    with wl.lib.read() as s:
        assert all(e > dt.datetime(2001, 1, 1) for e in s.scalars(select(WebSession.expires_at)))


def test_throttling_holds_across_processes(wl) -> None:  # type: ignore[no-untyped-def]
    """Two apps on two connections to one library: what `xxgk serve --workers 2` runs."""
    other_lib = Library.open(f"sqlite:///{wl.path}")
    try:
        a = make_app(wl, login_attempts=3)
        b = create_app(other_lib, Settings(db_url=str(wl.path), secret_key="test-secret",
                                           login_attempts=3))
        ca, cb = client(a), client(b)
        for c in (ca, cb, ca):
            r = c.post("/api/login", json={"username": "reviewer", "password": "wrong!"},
                       headers={"X-CSRF-Token": c.csrf})
            assert r.status_code == 401
        for c in (cb, ca):  # locked on both, the right password included
            r = c.post("/api/login", json={"username": "reviewer", "password": PASSWORD},
                       headers={"X-CSRF-Token": c.csrf})
            assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        # Another account from the same address may still sign in (the address allows more).
        cb.login("viewer")
    finally:
        other_lib.close()


def _sign_in_at_once(wl, attempts: int, logins: list[tuple[str, str]]) -> list[int]:  # type: ignore[no-untyped-def]
    """POST every (username, password) to /api/login at once, one thread each, alternating
    between two apps on one library (as `xxgk serve --workers 2` runs): the statuses."""
    other_lib = Library.open(f"sqlite:///{wl.path}")
    try:
        apps = [make_app(wl, login_attempts=attempts),
                create_app(other_lib, Settings(db_url=str(wl.path), secret_key="test-secret",
                                               login_attempts=attempts))]
        statuses: list[int] = []
        lock = threading.Lock()

        def sign_in(i: int) -> None:
            c = client(apps[i % 2])
            username, password = logins[i]
            r = c.post("/api/login", json={"username": username, "password": password},
                       headers={"X-CSRF-Token": c.csrf})
            with lock:
                statuses.append(r.status_code)

        threads = [threading.Thread(target=sign_in, args=(i,)) for i in range(len(logins))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return statuses
    finally:
        other_lib.close()


def test_concurrent_guesses_never_exceed_the_limit(wl) -> None:  # type: ignore[no-untyped-def]
    statuses = _sign_in_at_once(wl, 4, [("admin", f"guess {i}") for i in range(18)])
    assert len(statuses) == 18 and set(statuses) <= {401, 429}
    assert statuses.count(401) <= 4  # passwords actually checked: never more than allowed


def test_window_passes_and_success_forgives_the_account_only(wl) -> None:  # type: ignore[no-untyped-def]
    now = [dt.datetime(2026, 1, 1, 8, 0)]
    app = make_app(wl, login_attempts=2, login_attempts_per_address=3, login_window=600)
    app.state.throttle.clock = lambda: now[0]
    c = client(app)

    def attempt(user: str, password: str) -> int:
        return c.post("/api/login", json={"username": user, "password": password},
                      headers={"X-CSRF-Token": c.refresh_csrf()}).status_code

    assert [attempt("editor", "x"), attempt("editor", "y"), attempt("editor", PASSWORD)] == [401, 401, 429]
    now[0] += dt.timedelta(seconds=601)  # the failures left the window
    assert attempt("editor", PASSWORD) == 200
    # The address: three failures in the window (two on other accounts) lock it, and the
    # successful sign-in above did not forgive the address's failures.
    now[0] += dt.timedelta(seconds=601)
    assert [attempt("nobody", "x"), attempt("admin", "x"), attempt("viewer", "x")] == [401, 401, 401]
    assert attempt("viewer", PASSWORD) == 429
    with wl.lib.read() as s:
        keys = set(s.scalars(select(LoginAttempt.key)))
    assert "ip:testclient" in keys and "user:editor" not in keys


def test_a_burst_of_right_passwords_all_get_in(wl) -> None:  # type: ignore[no-untyped-def]
    """Pending attempts count against the limit, but a sign-in that would pass it waits for the
    ones before it: ten people signing in to one account at once are not locked out."""
    statuses = _sign_in_at_once(wl, 3, [("reviewer", PASSWORD)] * 10)
    assert statuses == [200] * 10
    with wl.lib.read() as s:
        assert s.scalar(select(LoginAttempt.id).limit(1)) is None  # nothing left behind


def test_sessions_and_throttle_on_both_databases(db_url) -> None:  # type: ignore[no-untyped-def]
    """The store side on SQLite and PostgreSQL: sessions end, the library ends them on a password
    change, and guesses from two connections (two processes) at once never pass the limit."""
    from xxgk.web.throttle import LoginThrottle, Throttled

    with Library.open(db_url) as lib, Library.open(db_url) as other:
        lib.add_user("li", PASSWORD, "viewer", actor="test")
        uid = lib.user("li").id
        with lib.write() as s:
            token = sessions.start(s, uid, 3600)
            second = sessions.start(s, uid, 3600)
        with other.read() as s:
            assert sessions.lookup(s, token)[0] == uid
        with other.write() as s:
            assert sessions.end(s, token) == 1
        with lib.read() as s:
            assert sessions.lookup(s, token) is None and sessions.lookup(s, second) is not None
        lib.set_password("li", "another password", actor="test")
        with lib.read() as s:
            assert sessions.lookup(s, second) is None

        throttles = [LoginThrottle(x, 3, 100, 900) for x in (lib, other)]
        lock = threading.Lock()
        # Several bursts: the races this guards against (an attempt failing between two counts,
        # ids committed out of order) showed up about once in fifteen bursts under load.
        for burst in range(5):
            throttles[0].forget("user:li")
            verified: list[int] = []

            def guess(i: int) -> None:
                t = throttles[i % 2]
                try:
                    ids = t.reserve("li", f"10.{burst}.0.{i}")
                except Throttled:
                    return
                with lock:
                    verified.append(i)
                time.sleep(0.05)  # the password check
                t.failed(ids)

            threads = [threading.Thread(target=guess, args=(i,)) for i in range(12)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            assert len(verified) == 3, f"burst {burst}: {len(verified)} guesses got through"
        with pytest.raises(Throttled):
            throttles[0].reserve("li", "10.0.0.99")
