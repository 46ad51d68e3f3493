"""Signing in and out (pages and JSON), with CSRF on the login form and login throttling."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..auth import SESSION_KEY, Perm, Principal, csrf_token, end_session, start_session
from ..deps import api_user, current_user, login_csrf, writer
from ..templating import render
from ..throttle import Throttled

router = APIRouter()


def _safe_next(target: str | None) -> str:
    # Only paths of this site: "//evil.example" and "https://…" would leave it after login.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _attempt(request: Request, username: str, password: str) -> Principal:
    """Check a password under throttling (429 after too many failures for the account or the
    address, counted in the library: every server process sees them) and start a session."""
    throttle = request.app.state.throttle
    address = _client(request)
    try:
        reserved = throttle.reserve(username, address)
    except Throttled as e:
        raise HTTPException(429, detail=f"登录失败次数过多，请 {e.wait} 秒后再试。",
                            headers={"Retry-After": str(e.wait)}) from None
    backend = request.app.state.backend
    user = backend.authenticate(username.strip(), password)
    if user is None:
        throttle.failed(reserved)
        backend.audit_event(None, "login_failed", f"user:{username.strip()[:64]}",
                            {"ip": address})
        raise HTTPException(401, detail="用户名或密码不正确。")
    token = backend.start_session(user, request.app.state.settings.session_max_age, throttle,
                                  reserved, address)
    start_session(request, token)
    request.state.principal = user
    return user


def _logout(request: Request, user: Principal, everywhere: bool) -> None:
    token = request.session.get(SESSION_KEY)
    request.app.state.backend.end_session(user, token if isinstance(token, str) else "",
                                          everywhere)
    end_session(request)


@router.get("/login", include_in_schema=False)
async def login_page(request: Request, next: str = "/") -> Response:
    if current_user(request) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next), "username": "", "error": None})


@router.post("/login", include_in_schema=False, dependencies=[Depends(login_csrf)])
async def login_form(request: Request, username: Annotated[str, Form(max_length=200)] = "",
                     password: Annotated[str, Form(max_length=1000)] = "",
                     next: Annotated[str, Form(max_length=2000)] = "/") -> Response:
    try:
        await run_in_threadpool(_attempt, request, username, password)  # argon2 takes a while
    except HTTPException as e:
        return render(request, "login.html", {"next": _safe_next(next), "username": username,
                                              "error": e.detail}, e.status_code)
    return RedirectResponse(_safe_next(next), status_code=303)


@router.post("/logout", include_in_schema=False)
async def logout_form(request: Request, user: Annotated[Principal, Depends(writer(Perm.READ))],
                      everywhere: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Sign out: the session ends in the library (its cookie, wherever copied, is refused from
    now on); `everywhere` ends every session of the user."""
    _logout(request, user, bool(everywhere))
    return RedirectResponse("/login", status_code=303)


class LoginIn(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class Me(BaseModel):
    id: int
    username: str
    role: str
    region: str | None
    agency_id: int | None
    agency: str | None
    csrf_token: str


def _me(request: Request, user: Principal) -> Me:
    return Me(id=user.id, username=user.username, role=user.role, region=user.region,
              agency_id=user.agency_id, agency=user.agency_name, csrf_token=csrf_token(request))


@router.get("/api/csrf", tags=["account"])
async def api_csrf(request: Request) -> dict[str, str]:
    """The session's CSRF token (anonymous sessions too: POST /api/login needs it)."""
    return {"csrf_token": csrf_token(request)}


@router.post("/api/login", tags=["account"], dependencies=[Depends(login_csrf)])
async def api_login(request: Request, body: LoginIn) -> Me:
    """Sign in; the answer carries the new session's CSRF token for the X-CSRF-Token header."""
    return _me(request, await run_in_threadpool(_attempt, request, body.username, body.password))


@router.post("/api/logout", tags=["account"])
async def api_logout(request: Request, user: Annotated[Principal, Depends(writer(Perm.READ))],
                     everywhere: bool = False) -> dict[str, bool]:
    """Sign out: this session ends in the library (a copied cookie is refused from now on);
    `everywhere=true` ends every session of the user."""
    _logout(request, user, everywhere)
    return {"ok": True}


@router.get("/api/me", tags=["account"])
async def api_me(request: Request, user: Annotated[Principal, Depends(api_user)]) -> Me:
    return _me(request, user)
