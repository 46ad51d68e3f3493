"""schemathesis against /openapi.json (in-process ASGI, signed in as admin so the handlers run):
no request the schema allows makes the server fail (5xx).

Driven through hypothesis directly (each operation's case strategy) rather than schemathesis' pytest
plugin, which does not support this pytest version."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from web_support import client, make_app, make_library

EXAMPLES = 10  # per operation


@pytest.fixture(scope="module")
def web(tmp_path_factory):  # type: ignore[no-untyped-def]
    wl = make_library(tmp_path_factory.mktemp("web-schema"))
    return make_app(wl)


def operations(app):  # type: ignore[no-untyped-def]
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_server_errors(web) -> None:  # type: ignore[no-untyped-def]
    admin = client(web, "admin")
    cookies = {"xxgk_session": admin.cookies.get("xxgk_session")}
    failures: list[str] = []
    ops = operations(web)
    assert len(ops) >= 25
    for op in ops:
        @given(case=op.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def run(case) -> None:  # type: ignore[no-untyped-def]
            response = case.call(headers={"X-CSRF-Token": admin.csrf}, cookies=cookies)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} → {response.status_code}: "
                                f"{response.text[:300]}")

        run()
    assert not failures, "\n".join(failures[:20])


def test_openapi_lists_the_api(web) -> None:  # type: ignore[no-untyped-def]
    paths = web.openapi()["paths"]
    assert all(p.startswith("/api/") for p in paths)
    for p in ("/api/reports/{rid}", "/api/compare", "/api/regions", "/api/dashboard",
              "/api/search", "/api/uploads", "/api/compose/draft", "/api/users"):
        assert p in paths
