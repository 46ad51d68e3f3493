"""Helpers of the browser tests."""

from __future__ import annotations

from xxgk.web.serverproc import ServerProcess


def login(browser, server: ServerProcess, username: str, password: str):  # type: ignore[no-untyped-def]
    ctx = browser.new_context(accept_downloads=True, locale="zh-CN",
                              viewport={"width": 1400, "height": 900})
    ctx.set_default_timeout(15000)
    page = ctx.new_page()
    page.goto(server.url + "/login")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(server.url + "/search")
    return page
