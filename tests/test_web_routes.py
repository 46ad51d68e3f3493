"""Every route of the web app × every role: who may use it, who is refused, and how.

The table below is the permission model written out; the test enumerates `app.routes` and fails
on a route the table does not list (a new route must say who may use it) and on any route whose
behaviour differs from the table for any role. Anonymous clients are refused with 401 (JSON and
writes) or a redirect to the login page (pages); signed-in users without the right with 403.
"""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
from pathlib import Path
from collections.abc import Callable
from typing import Any

import pytest
from starlette.routing import Mount

from xxgk import synth
from xxgk.store import Library
from xxgk.web.routes import iter_routes

from web_support import EDITOR_AGENCY, PASSWORD, client, make_app, make_library

ANON, VIEWER, EDITOR, REVIEWER, ADMIN = "anonymous", "viewer", "editor", "reviewer", "admin"
EVERYONE = frozenset({ANON, VIEWER, EDITOR, REVIEWER, ADMIN})
SIGNED_IN = EVERYONE - {ANON}
REVIEWERS = frozenset({REVIEWER, ADMIN})
CORRECTORS = frozenset({EDITOR, REVIEWER, ADMIN})
COMPOSERS = frozenset({EDITOR, ADMIN})
UPLOADERS = frozenset({EDITOR, REVIEWER, ADMIN})  # within their scope: see test_web_security
ADMINS = frozenset({ADMIN})
READERS_OF_REGIONS = frozenset({VIEWER, REVIEWER, ADMIN})  # editors see their own agency only

# "METHOD path" → (roles allowed, the status an allowed role gets)
EXPECTED: dict[str, tuple[frozenset[str], int]] = {
    "GET /openapi.json": (EVERYONE, 200),
    "GET /static": (EVERYONE, 200),
    "GET /login": (EVERYONE, 200),  # signed-in users are sent on (303), see `_ok`
    "GET /api/csrf": (EVERYONE, 200),
    "GET /api/me": (SIGNED_IN, 200),
    "GET /": (SIGNED_IN, 303),
    "GET /search": (SIGNED_IN, 200),
    "GET /api/search": (SIGNED_IN, 200),
    "GET /upload": (UPLOADERS, 200),
    "GET /api/uploads": (UPLOADERS, 200),
    "POST /api/uploads": (UPLOADERS, 200),  # a file of the editor's agency, in the reviewer's region
    "GET /reports/{rid}": (SIGNED_IN, 200),
    "GET /api/reports/{rid}": (SIGNED_IN, 200),
    "GET /reports/{rid}/cells/{key}/source": (SIGNED_IN, 200),
    "GET /api/reports/{rid}/cells/{key}/source": (SIGNED_IN, 200),
    "GET /reports/{rid}/cells/{key}/crop.png": (SIGNED_IN, 404),  # a text report has no PDF page
    "POST /reports/{rid}/findings/{fingerprint}/review": (REVIEWERS, 303),
    "POST /api/reports/{rid}/findings/{fingerprint}/review": (REVIEWERS, 200),
    "GET /reports/{rid}/correct": (CORRECTORS, 200),
    "POST /reports/{rid}/check": (CORRECTORS, 200),
    "POST /api/reports/{rid}/check": (CORRECTORS, 200),
    "POST /reports/{rid}/corrections": (CORRECTORS, 303),
    "POST /api/reports/{rid}/corrections": (CORRECTORS, 200),
    "GET /reports/{rid}/versions": (SIGNED_IN, 200),
    "GET /api/reports/{rid}/versions": (SIGNED_IN, 200),
    "GET /api/reports/{rid}/diff": (SIGNED_IN, 200),
    "GET /compare": (SIGNED_IN, 200),
    "GET /api/compare": (SIGNED_IN, 200),
    "GET /regions": (READERS_OF_REGIONS, 200),
    "GET /api/regions": (READERS_OF_REGIONS, 200),
    "GET /dashboard": (SIGNED_IN, 200),
    "GET /api/dashboard": (SIGNED_IN, 200),
    "GET /compose": (COMPOSERS, 200),
    "GET /api/compose/draft": (COMPOSERS, 200),
    "POST /compose/check": (COMPOSERS, 200),
    "POST /api/compose/check": (COMPOSERS, 200),
    "POST /compose/download": (COMPOSERS, 200),
    "POST /api/compose/render": (COMPOSERS, 200),
    "POST /compose/save": (COMPOSERS, 303),
    "POST /api/compose/save": (COMPOSERS, 200),
    "GET /users": (ADMINS, 200),
    "POST /users": (ADMINS, 303),
    "POST /users/{uid}/password": (ADMINS, 303),
    "POST /users/{uid}/disabled": (ADMINS, 303),
    "GET /api/users": (ADMINS, 200),
    "POST /api/users": (ADMINS, 200),
    "POST /api/users/{uid}/password": (ADMINS, 200),
    "POST /api/users/{uid}/disabled": (ADMINS, 200),
    "GET /api/audit": (ADMINS, 200),
    # Last: they end the session.
    "POST /logout": (SIGNED_IN, 303),
    "POST /api/logout": (SIGNED_IN, 200),
    "POST /login": (EVERYONE, 303),
    "POST /api/login": (EVERYONE, 200),
}


def app_routes(app) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for route in iter_routes(app):
        if isinstance(route, Mount):
            out.append(f"GET {route.path}")
            continue
        for method in sorted(set(route.methods or ()) - {"HEAD"}):
            out.append(f"{method} {route.path}")
    return out


@pytest.fixture(scope="module")
def template(tmp_path_factory):  # type: ignore[no-untyped-def]
    """One library built once; every role works on its own copy (the writes of one role must not
    change what the next one sees)."""
    tmp = tmp_path_factory.mktemp("web-routes")
    wl = make_library(tmp)
    # A second year of the editor's agency, so compare has two reports inside every scope.
    report = synth.random_report(random.Random(7), "2021", year=2021, agency=EDITOR_AGENCY)
    wl.lib.add_report(report, source=json.dumps(report.to_dict()).encode(), name="2021.json",
                      actor="test")
    wl.lib.add_user("target", PASSWORD, "viewer", actor="test")
    wl.lib.add_user("login", PASSWORD, "viewer", actor="test")
    wl.lib.close()
    return wl


def _library(template, tmp):  # type: ignore[no-untyped-def]
    tmp.mkdir()
    for suffix in ("", "-wal", "-shm"):
        src = Path(str(template.path) + suffix)
        if src.exists():
            shutil.copy(src, tmp / (template.path.name + suffix))
    path = tmp / template.path.name
    return dataclasses.replace(template, lib=Library.open(f"sqlite:///{path}"), path=path)


def _request(role: str, c, wl, route: str, fp: str, year2: int) -> Any:  # type: ignore[no-untyped-def]
    method, path = route.split(" ", 1)
    own = wl.own
    target = wl.lib.user("target").id
    url = (path.replace("{rid}", str(own)).replace("{key}", "t3.new_received.total")
           .replace("{fingerprint}", fp).replace("{uid}", str(target)))
    h = {"X-CSRF-Token": c.csrf}
    form = {"csrf_token": c.csrf}
    compose = {"year": 2021, "agency": EDITOR_AGENCY, "cells": {"t3.new_received.natural_person": 2},
               "sections": {"overview": "总体情况"}}
    compose_form = {**form, "year": "2021", "agency": EDITOR_AGENCY,
                    "cell.t3.new_received.natural_person": "2", "format": "docx"}
    special: dict[str, Callable[[], Any]] = {
        "GET /static": lambda: c.get("/static/app.css"),
        "POST /login": lambda: c.post(url, data={**c.fresh_form(), "username": "login",
                                                 "password": PASSWORD}),
        "POST /api/login": lambda: c.post(url, json={"username": "login", "password": PASSWORD},
                                          headers={"X-CSRF-Token": c.refresh_csrf()}),
        "GET /api/reports/{rid}/diff": lambda: c.get(url, params={
            "a": wl.lib.versions(own)[0].id, "b": wl.lib.versions(own)[-1].id}),
        "GET /compare": lambda: c.get(url, params={"a": own, "b": year2}),
        "GET /api/compare": lambda: c.get(url, params={"a": own, "b": year2}),
        "GET /regions": lambda: c.get(url, params={"year": 2020}),
        "GET /api/regions": lambda: c.get(url, params={"year": 2020}),
        "POST /api/uploads": lambda: c.post(url, headers=h, files=[
            ("files", ("2023.json", wl.seed_bytes))]),
        "POST /reports/{rid}/findings/{fingerprint}/review": lambda: c.post(url, data={**form, "state": "confirmed"}),
        "POST /api/reports/{rid}/findings/{fingerprint}/review": lambda: c.post(url, json={"state": "dismissed"}, headers=h),
        "POST /reports/{rid}/check": lambda: c.post(url, data={**form, "cell.t3.new_received.total": "7"}),
        "POST /api/reports/{rid}/check": lambda: c.post(url, json={"cells": {"t3.new_received.total": 7}}, headers=h),
        "POST /reports/{rid}/corrections": lambda: c.post(url, data={**form, "cell.t3.new_received.total": "11",
                                                                     "reason": "核对原件"}),
        "POST /api/reports/{rid}/corrections": lambda: c.post(url, json={"cells": {"t3.new_received.total": 12},
                                                                         "reason": "核对原件"}, headers=h),
        "POST /compose/check": lambda: c.post(url, data=compose_form),
        "POST /compose/download": lambda: c.post(url, data=compose_form),
        "POST /compose/save": lambda: c.post(url, data=compose_form),
        "POST /api/compose/check": lambda: c.post(url, json=compose, headers=h),
        "POST /api/compose/render": lambda: c.post(url, json=compose, headers=h, params={"format": "html"}),
        "POST /api/compose/save": lambda: c.post(url, json=compose, headers=h),
        "POST /users": lambda: c.post(url, data={**form, "username": f"new-{role}", "password": PASSWORD,
                                                 "role": "viewer"}),
        "POST /users/{uid}/password": lambda: c.post(url, data={**form, "password": "another password"}),
        "POST /users/{uid}/disabled": lambda: c.post(url, data={**form, "disabled": "1"}),
        "POST /api/users": lambda: c.post(url, json={"username": f"api-{role}", "password": PASSWORD,
                                                     "role": "viewer"}, headers=h),
        "POST /api/users/{uid}/password": lambda: c.post(url, json={"password": "another password"}, headers=h),
        "POST /api/users/{uid}/disabled": lambda: c.post(url, json={"disabled": False}, headers=h),
    }
    if route == "POST /api/logout" and role != ANON:
        c.login(role)  # POST /logout before it ended the session
        return c.post(url, headers={"X-CSRF-Token": c.csrf})
    if route in special:
        return special[route]()
    if method == "GET":
        return c.get(url)
    return c.post(url, headers=h, data=form)


def _refused(role: str, route: str, r) -> bool:  # type: ignore[no-untyped-def]
    method, path = route.split(" ", 1)
    if role == ANON:
        if method == "GET" and not path.startswith("/api/"):
            return r.status_code == 303 and r.headers["location"].startswith("/login?next=")
        return r.status_code == 401
    return r.status_code == 403


@pytest.mark.parametrize("role", [ANON, VIEWER, EDITOR, REVIEWER, ADMIN])
def test_every_route_for_every_role(role: str, template, tmp_path) -> None:  # type: ignore[no-untyped-def]
    wl = _library(template, tmp_path / role)
    wl.seed_bytes = _seed()  # type: ignore[attr-defined]
    app = make_app(wl)
    routes = app_routes(app)
    assert sorted(routes) == sorted(EXPECTED), "routes and the permission table disagree"
    c = client(app, None if role == ANON else role)
    fp = wl.lib.findings(wl.own)[0].fingerprint
    year2 = wl.lib.find_report(EDITOR_AGENCY, 2021).id
    problems = []
    for route, (allowed, ok) in EXPECTED.items():
        r = _request(role, c, wl, route, fp, year2)
        if role in allowed:
            expected = 303 if route == "GET /login" and role != ANON else ok
            if r.status_code != expected:
                problems.append(f"{route}: {role} allowed, expected {expected}, got {r.status_code} {r.text[:200]}")
        elif not _refused(role, route, r):
            problems.append(f"{route}: {role} must be refused, got {r.status_code} {r.text[:200]}")
    assert not problems, "\n".join(problems)


def _seed() -> bytes:
    """A 2023 report of 桦川县人民政府 (xxgk-report JSON): inside every uploader's scope, and a
    new report, so the findings the other routes review stay as they are."""
    report = synth.random_report(random.Random(11), "2021", year=2023, agency=EDITOR_AGENCY)
    return report.to_json().encode("utf-8")


# Every page and the JSON route that serves its data (issue 6: "every page's data is available as
# JSON"). The login page's data is the CSRF token; "/" only redirects.
JSON_TWINS = {
    "/login": "/api/csrf",
    "/": None,
    "/search": "/api/search",
    "/upload": "/api/uploads",
    "/reports/{rid}": "/api/reports/{rid}",
    "/reports/{rid}/cells/{key}/source": "/api/reports/{rid}/cells/{key}/source",
    "/reports/{rid}/cells/{key}/crop.png": "/api/reports/{rid}/cells/{key}/source",  # the box
    "/reports/{rid}/correct": "/api/reports/{rid}",
    "/reports/{rid}/versions": "/api/reports/{rid}/diff",
    "/compare": "/api/compare",
    "/regions": "/api/regions",
    "/dashboard": "/api/dashboard",
    "/compose": "/api/compose/draft",
    "/users": "/api/users",
}


def test_every_page_has_its_json_twin(template) -> None:  # type: ignore[no-untyped-def]
    routes = set(EXPECTED)
    pages = {r.split(" ", 1)[1] for r in routes if r.startswith("GET /")
             and not r.startswith(("GET /api/", "GET /static", "GET /openapi.json"))}
    assert pages == set(JSON_TWINS)
    for page, twin in JSON_TWINS.items():
        if twin is not None:
            assert f"GET {twin}" in routes, page
            # The twin is no looser than the page: the same roles may use it.
            assert EXPECTED[f"GET {twin}"][0] >= EXPECTED[f"GET {page}"][0] - {"anonymous"}, page
