"""`xxgk serve` and `xxgk users`: first start creates the admin with a generated password (shown
once, never a default) and loads the sample reports; the user commands manage accounts."""

from __future__ import annotations

import httpx

from xxgk.store import Library
from xxgk.web.serverproc import ServerProcess

from web_support import SEEDS


def test_first_start_then_restart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "lib.db"
    with ServerProcess(db) as server:
        out = "".join(server.output)
        assert f"http://127.0.0.1:{server.port}/" in out
        password = server.admin_password
        assert password and len(password) >= 12 and password not in ("admin", "password")
        with httpx.Client(base_url=server.url) as c:
            token = c.get("/api/csrf").json()["csrf_token"]
            r = c.post("/api/login", json={"username": "admin", "password": password},
                       headers={"X-CSRF-Token": token})
            assert r.status_code == 200
            assert c.get("/api/search").json()["total"] == len(SEEDS)
    with ServerProcess(db) as again:  # not the first start: no new password, no second load
        assert again.admin_password is None and "password" not in "".join(again.output)
    with Library.open(f"sqlite:///{db}") as lib:
        assert lib.count_reports() == len(SEEDS) and [u.username for u in lib.users()] == ["admin"]
    assert (tmp_path / "lib.db.web-secret").stat().st_mode & 0o777 == 0o600


def test_users_commands(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    from xxgk.cli import app

    db = str(tmp_path / "lib.db")
    run = CliRunner().invoke
    r = run(app, ["users", "add", "li", "--role", "reviewer", "--region", "黑龙江省/佳木斯市", "--db", db])
    assert r.exit_code == 0, r.output
    generated = r.stdout.split("password")[-1].strip()
    assert len(generated) >= 12
    r = run(app, ["users", "add", "li", "--role", "viewer", "--password", "long enough 1", "--db", db])
    assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "li" in r.stderr
    r = run(app, ["users", "add", "zhao", "--role", "editor", "--password", "short", "--db", db])
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert run(app, ["users", "passwd", "li", "--password", "new password 2", "--db", db]).exit_code == 0
    r = run(app, ["users", "passwd", "nobody", "--password", "new password 2", "--db", db])
    assert r.exit_code == 2 and "nobody" in r.stderr
    listed = run(app, ["users", "list", "--db", db]).stdout.splitlines()
    assert listed == ["li\treviewer\t黑龙江省/佳木斯市"]
    with Library.open(f"sqlite:///{db}") as lib:
        assert lib.authenticate("li", "new password 2") is not None
