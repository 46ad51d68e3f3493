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

from .auth import Perm, Principal, csrf_ok


class LoginRequired(Exception):
    """A page asked for by an anonymous visitor: answered by a redirect to /login."""


def forbidden(message: str = "没有权限执行此操作。") -> HTTPException:
    return HTTPException(403, detail=message)


def unauthorized() -> HTTPException:
    return HTTPException(401, detail="请先登录。", headers={"WWW-Authenticate": 'Cookie realm="xxgk"'})


def current_user(request: Request) -> Principal | None:
    """The session's user, loaded once per request; None when anonymous or the session is stale
    (user removed, password changed since)."""
    if "principal" in request.state._state:
        return request.state.principal
    principal = None
    uid = request.session.get("uid")
    if isinstance(uid, int):
        backend = request.app.state.backend
        principal = request.app.state.cache.get(("principal", uid), lambda: backend.principal(uid),
                                                request)
        if principal is not None and principal.stamp != request.session.get("stamp"):
            principal = None
        if principal is None:
            request.session.pop("uid", None)
            request.session.pop("stamp", None)
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


def page_with(perm: Perm) -> Callable[[Request], Awaitable[Principal]]:
    async def dependency(request: Request) -> Principal:
        user = await page_user(request)
        if not user.can(perm):
            raise forbidden()
        return user

    dependency.__name__ = f"page_with_{perm.value}"
    return dependency


def api_with(perm: Perm) -> Callable[[Request], Awaitable[Principal]]:
    async def dependency(request: Request) -> Principal:
        user = await api_user(request)
        if not user.can(perm):
            raise forbidden()
        return user

    dependency.__name__ = f"api_with_{perm.value}"
    return dependency


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
