"""`xxgk serve` (the web app) and `xxgk users add|passwd|list`."""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..errors import XxgkError

DbOption = Annotated[str | None, typer.Option(
    "--db", help="报告库：SQLite 文件路径或数据库 URL（默认为用户数据目录中的 library.db）。"
                 "The library: an SQLite file or a database URL (default: library.db in the "
                 "user's data directory).", show_default=False)]

users_app = typer.Typer(name="users", help="管理网页用户。Manage the web app's accounts.",
                        no_args_is_help=True, add_completion=False)


def _fail(problem: str) -> None:
    typer.echo(f"xxgk: {problem}", err=True)
    raise typer.Exit(2)


def _open(db: str | None):  # type: ignore[no-untyped-def]
    from ..store import Library

    try:
        return Library.open(db)
    except Exception as e:  # a bad URL, an unreachable server, a file that is not a database
        _fail(f"{db or '默认报告库'}: 无法打开报告库 / cannot open the library: "
              f"{' '.join(str(e).split())[:300]}")


def bootstrap(lib, seeds: Path | None, out=typer.echo) -> str | None:  # type: ignore[no-untyped-def]
    """First start: an admin account with a generated password (returned, to be shown once), and
    the bundled sample reports when the library holds no report yet."""
    password = None
    if not lib.users():
        password = secrets.token_urlsafe(12)
        lib.add_user("admin", password, "admin", actor="xxgk serve")
    if seeds is not None and lib.count_reports() == 0:
        files = sorted(seeds.glob("*.txt"))
        if files:
            summary = lib.ingest(files, actor="xxgk serve")
            out(f"已载入示例报告 {summary.ingested} 份 / loaded {summary.ingested} sample reports "
                f"from {seeds}")
    return password


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        db: DbOption = None,
        host: Annotated[str, typer.Option(help="监听地址 address to listen on.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="端口 port.")] = 8000,
        seeds: Annotated[bool, typer.Option(
            "--seeds/--no-seeds", help="首次启动时载入 examples/ 中的示例报告。Load the sample "
                                       "reports of examples/ on first start.")] = True,
        workers: Annotated[int, typer.Option(
            min=1, max=32, help="工作进程数。Worker processes (each with its own caches; login "
                                "throttling counts per process).")] = 1,
    ) -> None:
        """启动网页应用。Run the web app (reviewers and agencies, Chinese UI)."""
        import uvicorn

        from ..store.engine import resolve_url, sqlite_file
        from ..web import Settings, create_app
        from ..web.config import default_seeds_dir, secret_for

        lib = _open(db)
        try:
            password = bootstrap(lib, default_seeds_dir() if seeds else None)
        except (XxgkError, ValueError) as e:
            _fail(str(e))
        url = resolve_url(db)
        settings = Settings(db_url=lib.url, secret_key=secret_for(sqlite_file(url)))
        shown = "127.0.0.1" if host in ("0.0.0.0", "") else host
        typer.echo(f"xxgk 网页应用 web app: http://{shown}:{port}/   报告库 library: {lib.url}")
        if password is not None:
            typer.echo(f"首次启动，已创建管理员 first start, admin account created: "
                       f"用户名 username admin  密码 password {password}")
            typer.echo("请登录后在“用户”页面修改密码；此密码不会再次显示。"
                       "Change it on the Users page; it is not shown again.")
        sys.stdout.flush()
        if workers == 1:
            uvicorn.run(create_app(lib, settings), host=host, port=port, log_level="warning",
                        access_log=False)
            return
        lib.close()
        os.environ["XXGK_WEB_DB"] = url
        os.environ["XXGK_SECRET_KEY"] = settings.secret_key
        uvicorn.run("xxgk.web.app:app_from_environment", factory=True, workers=workers, host=host,
                    port=port, log_level="warning", access_log=False)

    @users_app.command("add")
    def users_add(
        username: Annotated[str, typer.Argument(help="用户名 user name.")],
        role: Annotated[str, typer.Option(help="admin | reviewer | editor | viewer")] = "viewer",
        region: Annotated[str | None, typer.Option(help="审核人员的地区，如 黑龙江省/佳木斯市。"
                                                        "A reviewer's region subtree.")] = None,
        agency: Annotated[str | None, typer.Option(help="填报人员的机关。An editor's agency.")] = None,
        password: Annotated[str | None, typer.Option(
            help="密码（不给则生成并显示）。Password (generated and shown when not given).")] = None,
        db: DbOption = None,
    ) -> None:
        """添加用户。Add an account."""
        lib = _open(db)
        shown = password is None
        password = password or secrets.token_urlsafe(12)
        try:
            info = lib.add_user(username, password, role, region=region, agency=agency, actor=None)
        except ValueError as e:
            _fail(f"{username}: {e}")
        typer.echo(f"已添加 added {info.username} ({info.role})"
                   + (f"  密码 password {password}" if shown else ""))

    @users_app.command("passwd")
    def users_passwd(
        username: Annotated[str, typer.Argument(help="用户名 user name.")],
        password: Annotated[str | None, typer.Option(
            help="新密码（不给则生成并显示）。New password (generated and shown when not given).")] = None,
        db: DbOption = None,
    ) -> None:
        """设置用户密码。Set an account's password."""
        lib = _open(db)
        if lib.user(username) is None:
            _fail(f"{username}: 没有这个用户 / no such user")
        shown = password is None
        password = password or secrets.token_urlsafe(12)
        try:
            lib.set_password(username, password, actor=None)
        except ValueError as e:
            _fail(f"{username}: {e}")
        typer.echo(f"已设置 password set for {username}" + (f"  密码 password {password}" if shown else ""))

    @users_app.command("list")
    def users_list(db: DbOption = None) -> None:
        """列出用户。List the accounts."""
        lib = _open(db)
        for u in lib.users():
            scope = u.agency or u.region or "*"
            typer.echo(f"{u.username}\t{u.role}\t{scope}" + ("\tdisabled" if u.disabled else ""))

    app.add_typer(users_app)
