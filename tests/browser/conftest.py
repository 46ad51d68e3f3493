"""Browser tests: a real `xxgk serve` (uvicorn) on a free port with a throwaway SQLite library,
driven by Debian's Chromium through Playwright. Never downloads a browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from xxgk.web.serverproc import ServerProcess

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[ServerProcess]:  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip("chromium is not installed (.ci/run installs it)")
    db = tmp_path_factory.mktemp("browser") / "library.db"
    # No sample reports at start: the first test uploads them through the page.
    with ServerProcess(db, seeds=False) as srv:
        assert srv.admin_password, "".join(srv.output)
        yield srv


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()
