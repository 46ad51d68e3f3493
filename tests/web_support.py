"""Shared by the web tests: a library holding the five sample reports with a roster that places
their agencies in regions, one account per role, and a signed-in TestClient."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from pathlib import Path

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

from xxgk.store import Library
from xxgk.web import Settings, create_app

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "examples").glob("*.txt"))
PASSWORD = "correct horse 42"
ROSTER = [
    {"name": "桦川县人民政府", "region": "黑龙江省/佳木斯市/桦川县"},
    {"name": "方正县工业信息科技局", "region": "黑龙江省/哈尔滨市/方正县"},
    {"name": "鹤岗市商务局", "region": "黑龙江省/鹤岗市"},
]
# Who may do what, and on which reports: the reviewer works on 佳木斯市, the editor is 桦川县人民政府.
REVIEWER_REGION = "黑龙江省/佳木斯市"
EDITOR_AGENCY = "桦川县人民政府"
ROLES = ("admin", "reviewer", "editor", "viewer")


@dataclass
class WebLibrary:
    lib: Library
    path: Path
    own: int  # report of 桦川县人民政府 2020 (inside the reviewer's region, the editor's agency)
    other: int  # report of 鹤岗市商务局 2019 (outside both)
    users: dict[str, int]


def make_library(tmp: Path) -> WebLibrary:
    path = tmp / "library.db"
    lib = Library.open(f"sqlite:///{path}")
    lib.import_agencies(ROSTER, actor="test")
    summary = lib.ingest(SEEDS, actor="test")
    assert summary.ingested == len(SEEDS), summary
    users = {}
    for role in ROLES:
        info = lib.add_user(role, PASSWORD, role, actor="test",
                            region=REVIEWER_REGION if role == "reviewer" else None,
                            agency=EDITOR_AGENCY if role == "editor" else None)
        users[role] = info.id
    own = lib.find_report(EDITOR_AGENCY, 2020)
    other = lib.find_report("鹤岗市商务局", 2019)
    assert own is not None and other is not None
    # A broken equation, so the report has findings to review and two versions to diff.
    value = lib.report(own.id).report.value("t3.new_received.natural_person") or 0
    lib.correct(own.id, {"t3.new_received.natural_person": value + 3}, author="admin",
                reason="测试：制造一处勾稽错误")
    return WebLibrary(lib, path, own.id, other.id, users)


def make_app(wl: WebLibrary, **settings: object):
    return create_app(wl.lib, Settings(db_url=str(wl.path), secret_key="test-secret", **settings))


class Client(TestClient):
    """A TestClient that remembers the session's CSRF token."""

    csrf: str = ""

    def refresh_csrf(self) -> str:
        self.csrf = self.get("/api/csrf").json()["csrf_token"]
        return self.csrf

    def fresh_form(self) -> dict[str, str]:
        return {"csrf_token": self.refresh_csrf()}


    def login(self, username: str, password: str = PASSWORD) -> None:
        r = self.post("/api/login", json={"username": username, "password": password},
                      headers={"X-CSRF-Token": self.refresh_csrf()})
        assert r.status_code == 200, r.text
        self.csrf = r.json()["csrf_token"]


def client(app, role: str | None = None) -> Client:
    c = Client(app, follow_redirects=False)
    c.refresh_csrf()
    if role is not None:
        c.login(role)
    return c


def page_csrf(html: str) -> str:
    m = re.search(r'name="csrf-token" content="([^"]+)"', html)
    assert m, "no CSRF token in the page"
    return m.group(1)
