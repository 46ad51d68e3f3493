"""Take the screenshots of the web app's main pages shown in the README.

    .venv/bin/python docs/screenshots/take.py [--out docs/screenshots]

Starts `xxgk serve` on a throwaway library (the five sample reports are loaded on first start),
signs in as the generated admin, makes one correction so the version history has something to
show, and saves one PNG per page with Debian's Chromium through Playwright.
"""

from __future__ import annotations

import argparse
import time
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from xxgk.store import Library
from xxgk.web.serverproc import ServerProcess

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[2]
ROSTER = [{"name": "桦川县人民政府", "region": "黑龙江省/佳木斯市/桦川县"},
          {"name": "桦川县财政局", "region": "黑龙江省/佳木斯市/桦川县"},
          {"name": "桦川县教育局", "region": "黑龙江省/佳木斯市/桦川县"},
          {"name": "方正县工业信息科技局", "region": "黑龙江省/哈尔滨市/方正县"},
          {"name": "方正县人民政府", "region": "黑龙江省/哈尔滨市/方正县"},
          {"name": "鹤岗市商务局", "region": "黑龙江省/鹤岗市"}]


def login(page: Page, url: str, user: str, password: str) -> None:
    page.goto(url + "/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/search")


def report_id(page: Page, url: str, agency: str) -> int:
    data = page.request.get(url + "/api/search", params={"agency": agency}).json()
    return data["reports"][0]["id"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent)
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lib.db"
        with Library.open(f"sqlite:///{db}") as lib:  # a roster, so the region tree has regions
            lib.import_agencies(ROSTER, actor="screenshots")
        with ServerProcess(db) as server, sync_playwright() as p:
            take(server, p, out)


def next_year(page: Page, url: str, rid: int) -> int:
    """Store a 2021 report for the agency: last year's figures a little changed, its overview
    reused word for word (what the compare page highlights)."""
    last = page.request.get(f"{url}/api/reports/{rid}").json()["document"]
    draft = page.request.get(f"{url}/api/compose/draft", params={"from": rid}).json()["document"]
    cells = {k: (c["value"] if c["value"] is not None else 0) for k, c in draft["cells"].items()}
    for key, cell in last["cells"].items():
        if key.startswith("t3.") and key in cells and not key.startswith("t3.carried_over"):
            cells[key] = cell["value"] or 0
    for col in ("natural_person", "total"):  # two more applications, both granted
        for row in ("new_received", "granted", "total_processed"):
            cells[f"t3.{row}.{col}"] = (cells.get(f"t3.{row}.{col}") or 0) + 2
    overview = next(s["text"] for s in last["sections"] if s["key"] == "overview")
    token = page.get_attribute("meta[name=csrf-token]", "content")
    saved = page.request.post(f"{url}/api/compose/save", headers={"X-CSRF-Token": token}, data={
        "year": 2021, "agency": last["agency"], "published": "2022-03-18", "cells": cells,
        "sections": {"overview": overview}})
    assert saved.ok, saved.text()
    return saved.json()["report_id"]


def take(server: ServerProcess, p, out: Path) -> None:  # type: ignore[no-untyped-def]
    url = server.url
    assert server.admin_password
    browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, device_scale_factor=1,
                              locale="zh-CN")
    page = ctx.new_page()
    login(page, url, "admin", server.admin_password)

    def shot(name: str, path: str, full: bool = True, before=None) -> None:  # noqa: ANN001
        page.goto(url + path)
        page.wait_for_load_state("networkidle")
        if before:
            before()
        page.screenshot(path=str(out / f"{name}.png"), full_page=full)
        print(out / f"{name}.png")

    shot("search", "/search", full=False)
    rid = report_id(page, url, "桦川县人民政府")

    def click_cell() -> None:
        page.click("#table-t3 td[data-key='t3.granted.natural_person']")
        page.wait_for_selector("#source .source")

    shot("report", f"/reports/{rid}", before=click_cell)

    def edit() -> None:
        cell = page.locator("input[name='cell.t3.new_received.natural_person']")
        cell.fill(str(int(cell.input_value() or 0) + 3))
        page.wait_for_selector("#live-errors.error")

    shot("correct", f"/reports/{rid}/correct", before=edit)
    page.fill("#reason", "核对原件：自然人新收申请应多 3 件")
    page.click("button[type=submit]:has-text('保存为新版本')")
    page.wait_for_url(url + f"/reports/{rid}")
    shot("findings", f"/reports/{rid}", full=False,
         before=lambda: page.locator("#findings").scroll_into_view_if_needed())
    shot("versions", f"/reports/{rid}/versions")

    def upload() -> None:
        page.set_input_files("#files", [str(ROOT / "tests/fixtures/pdf/ruled_2021.pdf"),
                                        str(ROOT / "tests/fixtures/docx/official_2019.docx"),
                                        str(ROOT / "tests/fixtures/cli/binary.bin")])
        deadline = time.monotonic() + 30
        while page.locator("#upload-list li[data-status]").count() < 3:
            assert time.monotonic() < deadline, "uploads did not finish"
            time.sleep(0.1)

    shot("upload", "/upload", full=False, before=upload)
    rid2021 = next_year(page, url, rid)
    shot("compare", f"/compare?b={rid2021}")
    shot("regions", "/regions?year=2020&path=黑龙江省")
    shot("dashboard", "/dashboard", before=lambda: page.wait_for_timeout(800))
    shot("compose", f"/compose?from={rid}")
    browser.close()


if __name__ == "__main__":
    main()
