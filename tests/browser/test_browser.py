"""What a reviewer, an agency and a viewer do in the browser, end to end, against the real server:
log in, upload the sample reports (drag and drop), see a report's tables and a cell's source,
correct a cell and watch the findings change, confirm a finding, compose next year's report from
the draft and download its DOCX, compare the two years, and a viewer refused an edit."""

from __future__ import annotations

import base64
import re
import time
from pathlib import Path

import pytest

from xxgk.parse import parse_document
from xxgk.readers import read_bytes

from browser_support import login

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "examples").glob("*.txt"))
AGENCY = "桦川县人民政府"
EDITOR_PASSWORD = "agency password 1"
VIEWER_PASSWORD = "viewer password 1"

DROP = """([zone, files]) => {
  const dt = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
    dt.items.add(new File([bytes], f.name));
  }
  zone.dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
}"""


@pytest.fixture(scope="module")
def admin(browser, server):  # type: ignore[no-untyped-def]
    page = login(browser, server, "admin", server.admin_password)
    yield page
    page.context.close()


def until(condition, timeout: float = 20.0) -> None:  # type: ignore[no-untyped-def]
    """Poll a condition (the page's CSP forbids Playwright's string-evaluated wait_for_function)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def report_id(page, server, year: int) -> int:  # type: ignore[no-untyped-def]
    data = page.request.get(server.url + "/api/search", params={"agency": AGENCY, "year": year}).json()
    return data["reports"][0]["id"]


def test_upload_seeds_by_drag_and_drop_and_see_the_tables(admin, server) -> None:  # type: ignore[no-untyped-def]
    page = admin
    page.click("nav >> text=上传")
    page.wait_for_url(server.url + "/upload")
    files = [{"name": p.name, "data": base64.b64encode(p.read_bytes()).decode()} for p in SEEDS]
    files.append({"name": "图片.png", "data": base64.b64encode(b"\x89PNG\r\n\x1a\n").decode()})
    page.evaluate(DROP, [page.query_selector("#drop"), files])
    until(lambda: page.locator("#upload-list li[data-status]").count() == len(files))
    statuses = page.eval_on_selector_all("#upload-list li", "els => els.map(e => e.dataset.status)")
    assert statuses.count("ingested") == len(SEEDS) and statuses.count("failed") == 1
    failed = page.inner_text("#upload-list li[data-status=failed]")
    assert "图片.png" in failed and "不支持的文件类型" in failed
    assert page.eval_on_selector_all("progress", "els => els.every(e => e.value == 100)")
    # Open the report of 桦川县人民政府 from its upload result.
    page.click(f"#upload-list a:has-text('{AGENCY}')")
    page.wait_for_url(re.compile(r".*/reports/\d+$"))
    assert page.locator("table.official").count() == 3
    assert "表三" in page.inner_text("#table-t3 caption")
    assert page.locator("#table-t3 th.corner").inner_text().startswith("（本列数据的勾稽关系为")
    # Text extracted from PDF lost cells; the equations determined them: shown as inferred.
    assert page.locator("td.v.inferred").count() > 0
    # A cell's source: the line of the file it was read from, the value highlighted.
    page.click("#table-t3 td[data-key='t3.granted.natural_person']")
    page.wait_for_selector("#source pre mark")
    assert "予以公开" in page.inner_text("#source pre")
    assert page.inner_text("#source pre mark") == page.inner_text(
        "#table-t3 td[data-key='t3.granted.natural_person']")


def test_correct_a_cell_and_see_the_findings_change(admin, server) -> None:  # type: ignore[no-untyped-def]
    page = admin
    rid = report_id(page, server, 2020)
    page.goto(f"{server.url}/reports/{rid}")
    assert "没有发现问题" in page.inner_text("#findings")
    page.click("a:has-text('更正')")
    page.wait_for_url(f"{server.url}/reports/{rid}/correct")
    cell = page.locator("input[name='cell.t3.new_received.natural_person']")
    old = int(cell.input_value())
    cell.fill(str(old + 2))
    # Live: the check re-runs and the cell is marked before anything is saved.
    page.wait_for_selector("#live-errors.error")
    assert page.locator("#live-findings li[data-rule=H1]").count() == 1
    page.wait_for_selector("td.v.fail[data-key='t3.new_received.natural_person']")
    cell.fill(str(old))
    page.wait_for_selector("#live-errors.ok")
    cell.fill(str(old + 2))
    page.wait_for_selector("#live-errors.error")
    page.fill("#reason", "核对纸质原件：自然人新收申请多 2 件")
    page.click("button:has-text('保存为新版本')")
    page.wait_for_url(f"{server.url}/reports/{rid}")
    assert "第 2 版" in page.inner_text("main")
    assert page.locator("#findings li[data-rule=H1]").count() == 1
    assert "fail" in page.get_attribute("#table-t3 td[data-key='t3.new_received.natural_person']", "class")
    # The version history shows the correction and the changed cell.
    page.click("a:has-text('版本')")
    assert "核对纸质原件" in page.inner_text("#versions")
    assert "t3.new_received.natural_person" in page.inner_text("#diff")


def test_confirm_a_finding(admin, server) -> None:  # type: ignore[no-untyped-def]
    page = admin
    rid = report_id(page, server, 2020)
    page.goto(f"{server.url}/reports/{rid}")
    item = page.locator("#findings li[data-rule=H1]")
    item.locator("button:has-text('确认')").click()
    page.wait_for_selector("#findings li[data-rule=H1] .badge.confirmed")
    page.reload()
    assert "已确认" in page.locator("#findings li[data-rule=H1]").inner_text()


def test_compose_next_year_and_download_docx(browser, server, tmp_path) -> None:  # type: ignore[no-untyped-def]
    made = server.cli("users", "add", "hcx", "--role", "editor", "--agency", AGENCY,
                      "--password", EDITOR_PASSWORD)
    assert made.returncode == 0, made.stderr
    page = login(browser, server, "hcx", EDITOR_PASSWORD)
    try:
        page.click("nav >> text=填报")
        page.wait_for_selector("#compose-form")
        assert page.input_value("#year") == "2021"
        assert page.get_attribute("#agency", "readonly") is not None
        # The draft carried 二、上年结转 from last year's 四、结转下年度继续办理.
        assert page.input_value("input[name='cell.t3.carried_over.total']") != ""
        page.fill("input[name='cell.t3.new_received.natural_person']", "6")
        page.fill("input[name='cell.t3.new_received.total']", "6")
        page.wait_for_selector("#live-findings li[data-rule=H1]")
        page.fill("#section-overview", "2021年，我县认真贯彻落实《条例》，政府信息公开工作稳步推进。")
        with page.expect_download() as info:
            page.click("#download-docx")
        path = tmp_path / "composed.docx"
        info.value.save_as(path)
        assert info.value.suggested_filename.endswith(".docx")
        back = parse_document(read_bytes(path.read_bytes(), "composed.docx"))
        assert back.year == 2021 and back.edition == "2021"
        assert back.value("t3.new_received.natural_person") == 6
        page.click("#save")
        page.wait_for_url(re.compile(r".*/reports/\d+$"))
        assert f"{AGENCY} 2021年" in page.inner_text("h1")
    finally:
        page.context.close()


def test_compare_two_years_and_dashboard(admin, server) -> None:  # type: ignore[no-untyped-def]
    page = admin
    page.click("nav >> text=年度比较")
    page.fill("#agency", AGENCY)
    page.fill("#year_a", "2020")
    page.fill("#year_b", "2021")
    page.click("form button:has-text('比较')")
    page.wait_for_selector("#deltas table")
    deltas = page.inner_text("#deltas")
    assert "一、本年新收政府信息公开申请数量 > 自然人" in deltas
    assert page.locator("#narrative h3").count() >= 1
    assert page.locator("table.official").count() == 6  # both years side by side
    page.click("nav >> text=统计")
    page.wait_for_selector("#chart-outcomes canvas")
    assert page.locator(".chart canvas").count() == 4
    assert page.inner_text("#kpi-reports") == "6"


def test_viewer_is_refused_an_edit(browser, server) -> None:  # type: ignore[no-untyped-def]
    made = server.cli("users", "add", "guest", "--role", "viewer", "--password", VIEWER_PASSWORD)
    assert made.returncode == 0, made.stderr
    page = login(browser, server, "guest", VIEWER_PASSWORD)
    try:
        rid = report_id(page, server, 2020)
        page.goto(f"{server.url}/reports/{rid}")
        assert page.locator("table.official").count() == 3
        assert page.locator("a:has-text('更正')").count() == 0
        assert page.locator("#findings button").count() == 0
        response = page.goto(f"{server.url}/reports/{rid}/correct")
        assert response.status == 403 and "没有权限" in page.inner_text("h1")
        # Even a hand-made request with the session's own CSRF token is refused.
        status = page.evaluate("""async (rid) => {
            const token = document.querySelector('meta[name=csrf-token]').content;
            const r = await fetch(`/api/reports/${rid}/corrections`, {method: 'POST',
                headers: {'Content-Type': 'application/json', 'X-CSRF-Token': token},
                body: JSON.stringify({cells: {'t3.new_received.total': 1}, reason: 'x'})});
            return r.status; }""", rid)
        assert status == 403
        assert "上传" not in page.inner_text("nav")
    finally:
        page.context.close()
