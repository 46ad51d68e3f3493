"""Route dependencies: the signed-in user, and the gate of each kind of route.

- `page_user`: pages; an anonymous visitor is sent to the login page.
- `api_user`: JSON reads; anonymous → 401.
- `writer(perm)`: every write (forms, HTMX, JSON): anonymous → 401, a wrong or missing CSRF token →
  403, a role without `perm` → 403. The write guard middleware has already refused anonymous
  writes before the body was read; this is the second, per-route line.
- `page_with(perm)` / `api_with(perm)`: reads that only some roles may make (the upload and user
  pages, compose).
Object scopes (a reviewer's region, an editor's agency) are checked where the object is loaded
(`Principal.covers`), answering 403 (404 when the object does not exist at all).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request

from ..store.models import utcnow
from .auth import SESSION_KEY, Perm, Principal, csrf_ok


class LoginRequired(Exception):
    """A page asked for by an anonymous visitor: answered by a redirect to /login."""


def forbidden(message: str = "没有权限执行此操作。") -> HTTPException:
    return HTTPException(403, detail=message)


def unauthorized() -> HTTPException:
    return HTTPException(401, detail="请先登录。", headers={"WWW-Authenticate": 'Cookie realm="xxgk"'})


def current_user(request: Request) -> Principal | None:
    """The session's user, loaded once per request (and cached per library revision: ending a
    session writes an audit row, which moves the revision); None when anonymous, or when the
    session was ended, has expired or its user was disabled."""
    if "principal" in request.state._state:
        return request.state.principal
    principal = None
    token = request.session.get(SESSION_KEY)
    if isinstance(token, str):
        backend = request.app.state.backend
        got = request.app.state.cache.get(("session", token), lambda: backend.session(token),
                                          request)
        if got is not None and got[1] > utcnow():
            principal = got[0]
        else:
            request.session.pop(SESSION_KEY, None)
    request.state.principal = principal
    return principal


async def page_user(request: Request) -> Principal:
    user = current_user(request)
    if user is None:
        raise LoginRequired()
    return user


async def api_user(request: Request) -> Principal:
    user = current_user(request)
    if user is None:
        raise unauthorized()
    return user


def _with(perm: Perm, signed_in: Callable[[Request], Awaitable[Principal]], kind: str
          ) -> Callable[[Request], Awaitable[Principal]]:
    async def dependency(request: Request) -> Principal:
        user = await signed_in(request)
        if not user.can(perm):
            raise forbidden()
        return user

    dependency.__name__ = f"{kind}_with_{perm.value}"
    return dependency


def page_with(perm: Perm) -> Callable[[Request], Awaitable[Principal]]:
    """A page's user who may `perm` (a login redirect when signed out, 403 when not allowed)."""
    return _with(perm, page_user, "page")


def api_with(perm: Perm) -> Callable[[Request], Awaitable[Principal]]:
    """An API client who may `perm` (401 when signed out, 403 when not allowed)."""
    return _with(perm, api_user, "api")


def writer(perm: Perm) -> Callable[[Request], Awaitable[Principal]]:
    async def dependency(request: Request) -> Principal:
        user = current_user(request)
        if user is None:
            raise unauthorized()
        if not await csrf_ok(request):
            raise forbidden("请求缺少有效的 CSRF 令牌，请刷新页面后重试。")
        if not user.can(perm):
            raise forbidden()
        return user

    dependency.__name__ = f"writer_{perm.value}"
    return dependency


async def login_csrf(request: Request) -> None:
    """The login routes are the only anonymous writes; they still need the session's CSRF token
    (login CSRF would sign a victim into the attacker's account)."""
    if not await csrf_ok(request):
        raise forbidden("请求缺少有效的 CSRF 令牌，请刷新页面后重试。")
