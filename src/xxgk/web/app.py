"""The FastAPI application: `create_app(lib, settings)`.

Pages are server-rendered (Jinja2, zh-CN) with HTMX for the live parts; every page's data is also
served as JSON under `/api` (OpenAPI at `/openapi.json`). All assets are vendored under `static/`.
Middleware, outermost first: security headers → session cookie → write guard (anonymous writes and
oversized bodies refused before any route code runs).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from .. import __version__
from ..store.models import utcnow
from .backend import Backend
from .cache import RevisionCache
from .config import Settings
from .deps import LoginRequired
from .guard import BodyTooLarge, WriteGuard
from .templating import render
from .throttle import LoginThrottle

STATIC = __file__.rsplit("/", 1)[0] + "/static"
ANONYMOUS_WRITES = frozenset({"/login", "/api/login"})
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
       "form-action 'self'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeaders:
    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers") or []) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, sending)


def wants_json(request: Request) -> bool:
    return (request.url.path.startswith("/api/") or request.headers.get("hx-request") == "true"
            or "application/json" in request.headers.get("accept", ""))


def create_app(lib: Any, settings: Settings) -> FastAPI:
    app = FastAPI(
        title="xxgk 政府信息公开工作年度报告",
        version=__version__,
        description="政府信息公开工作年度报告的审核、更正、比较与填报。Every page's data as JSON; "
                    "sign in with POST /api/login (session cookie), send the CSRF token it returns "
                    "in the X-CSRF-Token header with every write.",
        # No Swagger/ReDoc pages: they load their scripts from a CDN.
        docs_url=None, redoc_url=None, openapi_url="/openapi.json",
    )
    app.state.lib = lib
    app.state.settings = settings
    app.state.backend = Backend(lib)
    app.state.cache = RevisionCache(lib)
    app.state.throttle = LoginThrottle(lib, settings.login_attempts,
                                       settings.login_attempts_per_address, settings.login_window)

    def live(token: str) -> bool:
        got = app.state.cache.get(("session", token), lambda: app.state.backend.session(token))
        return got is not None and got[1] > utcnow()

    app.add_middleware(WriteGuard, max_body=settings.max_upload_bytes,
                       anonymous_writes=ANONYMOUS_WRITES, live=live)
    app.add_middleware(SessionMiddleware, secret_key=settings.secret_key,
                       session_cookie="xxgk_session", max_age=settings.session_max_age,
                       same_site="lax", https_only=settings.https_only)
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status_code=303)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> Response:
        if wants_json(request):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code,
                                headers=exc.headers)
        titles = {401: "需要登录", 403: "没有权限", 404: "未找到", 413: "上传内容过大",
                  429: "尝试次数过多"}
        return render(request, "error.html", {"title": titles.get(exc.status_code, "请求有误"),
                                              "message": exc.detail}, exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type")}
                  for e in exc.errors()]
        if wants_json(request):
            return JSONResponse({"detail": errors}, status_code=422)
        return render(request, "error.html", {"title": "请求有误",
                                              "message": "；".join(e["msg"] for e in errors)}, 422)

    @app.exception_handler(BodyTooLarge)
    async def _too_large(request: Request, exc: BodyTooLarge) -> Response:
        return JSONResponse({"detail": f"上传内容过大（上限 {settings.max_upload_bytes // 2**20} MB）。"},
                            status_code=413)

    from .routes import register_routes
    register_routes(app)
    return app


def app_from_environment() -> FastAPI:
    """The app of one worker process when `xxgk serve --workers N` runs several: the library URL
    and the session secret come from the parent through the environment."""
    import os

    from ..store import Library

    lib = Library.open(os.environ["XXGK_WEB_DB"], migrate=False)
    return create_app(lib, Settings(db_url=lib.url, secret_key=os.environ["XXGK_SECRET_KEY"]))
