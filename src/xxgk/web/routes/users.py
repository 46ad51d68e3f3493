"""User accounts (admin only): list, add, set a password, disable; and the audit log."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ..auth import actor, ROLE_LABELS, Perm, Principal
from ..deps import api_with, page_with, writer
from ..templating import render
from ..views import UID, plain

router = APIRouter()


class UserIn(BaseModel):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[^\s/]+$")
    password: str = Field(min_length=8, max_length=1000)
    role: Literal["admin", "reviewer", "editor", "viewer"]
    region: str | None = Field(default=None, max_length=300)
    agency: str | None = Field(default=None, max_length=200)


class PasswordIn(BaseModel):
    password: str = Field(min_length=8, max_length=1000)


class DisabledIn(BaseModel):
    disabled: bool


def _add(request: Request, user: Principal, body: UserIn) -> Any:
    try:
        return request.app.state.lib.add_user(body.username, body.password, body.role,
                                              region=body.region or None,
                                              agency=body.agency or None, actor=actor(user))
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from None


def _existing(request: Request, uid: int) -> Any:
    info = request.app.state.lib.user(uid)
    if info is None:
        raise HTTPException(404, detail="没有这个用户。")
    return info


def _password(request: Request, user: Principal, uid: UID, password: str) -> Any:
    info = _existing(request, uid)
    try:
        return request.app.state.lib.set_password(info.username, password, actor=actor(user))
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from None


def _disabled(request: Request, user: Principal, uid: UID, disabled: bool) -> Any:
    info = _existing(request, uid)
    if info.id == user.id and disabled:
        raise HTTPException(422, detail="不能停用自己的账户。")
    return request.app.state.lib.set_disabled(info.username, disabled, actor=actor(user))


@router.get("/users", include_in_schema=False)
def users_page(request: Request, user: Annotated[Principal, Depends(page_with(Perm.ADMIN))],
               error: str | None = None, ok: str | None = None) -> Response:
    lib = request.app.state.lib
    return render(request, "users.html", {"nav": "users", "users": lib.users(),
                                          "roles": ROLE_LABELS, "audit": lib.audit(limit=30),
                                          "error": error, "ok": ok})


@router.post("/users", include_in_schema=False)
async def users_add_form(request: Request, user: Annotated[Principal, Depends(writer(Perm.ADMIN))]) -> Response:
    form = await request.form()
    try:
        body = UserIn(username=str(form.get("username") or ""), password=str(form.get("password") or ""),
                      role=str(form.get("role") or "viewer"),  # type: ignore[arg-type]
                      region=str(form.get("region") or "") or None, agency=str(form.get("agency") or "") or None)
        await run_in_threadpool(_add, request, user, body)
    except (HTTPException, ValueError) as e:
        detail = e.detail if isinstance(e, HTTPException) else "用户名、密码（至少 8 位）或角色无效。"
        return render(request, "users.html", {"nav": "users", "users": request.app.state.lib.users(),
                                              "roles": ROLE_LABELS, "audit": request.app.state.lib.audit(limit=30),
                                              "error": detail, "ok": None}, 422)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{uid}/password", include_in_schema=False)
async def users_password_form(request: Request, uid: UID,
                              user: Annotated[Principal, Depends(writer(Perm.ADMIN))]) -> Response:
    form = await request.form()
    password = str(form.get("password") or "")
    if len(password) < 8:
        raise HTTPException(422, detail="密码至少 8 位。")
    await run_in_threadpool(_password, request, user, uid, password)
    return RedirectResponse("/users", status_code=303)


@router.post("/users/{uid}/disabled", include_in_schema=False)
async def users_disabled_form(request: Request, uid: UID,
                              user: Annotated[Principal, Depends(writer(Perm.ADMIN))]) -> Response:
    form = await request.form()
    await run_in_threadpool(_disabled, request, user, uid, form.get("disabled") == "1")
    return RedirectResponse("/users", status_code=303)


@router.get("/api/users", tags=["users"])
def users_api(request: Request, user: Annotated[Principal, Depends(api_with(Perm.ADMIN))]) -> list[dict[str, Any]]:
    """Every account (admin only)."""
    return plain(request.app.state.lib.users())


@router.post("/api/users", tags=["users"])
def users_add_api(request: Request, body: UserIn,
                  user: Annotated[Principal, Depends(writer(Perm.ADMIN))]) -> dict[str, Any]:
    """Add an account: reviewers need a region, editors an agency; passwords at least 8 characters."""
    return plain(_add(request, user, body))


@router.post("/api/users/{uid}/password", tags=["users"])
def users_password_api(request: Request, uid: UID, body: PasswordIn,
                       user: Annotated[Principal, Depends(writer(Perm.ADMIN))]) -> dict[str, Any]:
    """Set an account's password (ends its sessions)."""
    return plain(_password(request, user, uid, body.password))


@router.post("/api/users/{uid}/disabled", tags=["users"])
def users_disabled_api(request: Request, uid: UID, body: DisabledIn,
                       user: Annotated[Principal, Depends(writer(Perm.ADMIN))]) -> dict[str, Any]:
    """Disable or enable an account."""
    return plain(_disabled(request, user, uid, body.disabled))


@router.get("/api/audit", tags=["users"])
def audit_api(request: Request, user: Annotated[Principal, Depends(api_with(Perm.ADMIN))],
              limit: Annotated[int, Query(ge=1, le=1000)] = 100,
              offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> list[dict[str, Any]]:
    """The audit log, newest first (admin only)."""
    return plain(request.app.state.lib.audit(limit=limit, offset=offset))
