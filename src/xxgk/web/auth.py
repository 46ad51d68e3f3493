"""Who is asking and what they may do: roles, scopes, sessions, CSRF, and the route dependencies.

Four roles. `admin` does everything, user accounts included. A `reviewer` works on the reports of a
region subtree (uploads, corrects, confirms or dismisses findings). An agency `editor` works on its
own agency's reports only (uploads and corrects them, composes next year's). A `viewer` reads. Reviewers and
viewers may be limited to a region, editors always see their own agency only.

The session cookie is signed (Starlette's SessionMiddleware: HttpOnly, SameSite=Lax) and holds a
random session token and the CSRF token. The token is only valid while its row in the library's
`web_sessions` table lives (`store.sessions`): logging out deletes the row, so a copied cookie is
worth nothing afterwards; a password, role or region change and disabling the user end all of the
user's sessions (the library does it in the same transaction). Every write needs the token, from the `X-CSRF-Token` header (HTMX and JSON clients) or
the `csrf_token` form field (plain forms).
"""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass
from typing import Literal

from fastapi import Request

from ..store.records import UserInfo

Role = Literal["admin", "reviewer", "editor", "viewer"]
ROLES: tuple[Role, ...] = ("admin", "reviewer", "editor", "viewer")
ROLE_LABELS = {"admin": "管理员", "reviewer": "审核人员", "editor": "机关填报人员", "viewer": "只读用户"}
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"


class Perm(enum.Enum):
    READ = "read"
    UPLOAD = "upload"
    CORRECT = "correct"
    REVIEW = "review"
    COMPOSE = "compose"
    ADMIN = "admin"


GRANTS: dict[Role, frozenset[Perm]] = {
    "admin": frozenset(Perm),
    "reviewer": frozenset({Perm.READ, Perm.UPLOAD, Perm.CORRECT, Perm.REVIEW}),
    "editor": frozenset({Perm.READ, Perm.UPLOAD, Perm.CORRECT, Perm.COMPOSE}),
    "viewer": frozenset({Perm.READ}),
}


def region_covers(scope: str | None, path: str | None) -> bool:
    """True when region `path` lies in the subtree `scope` ("黑龙江省/佳木斯市" covers itself and
    "黑龙江省/佳木斯市/桦川县", not "黑龙江省/佳木斯市区"). No scope covers everything."""
    if not scope:
        return True
    if not path:
        return False
    scope = scope.strip("/")
    path = path.strip("/")
    return path == scope or path.startswith(scope + "/")


@dataclass(frozen=True)
class Principal:
    id: int
    username: str
    role: Role
    region: str | None = None  # reviewer / viewer: the region subtree they work on
    agency_id: int | None = None  # editor: their agency
    agency_name: str | None = None

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def can(self, perm: Perm) -> bool:
        return perm in GRANTS[self.role]

    def covers(self, agency_id: int | None, region: str | None) -> bool:
        """May this user see (and, with the permission, change) a report of this agency?"""
        if self.role == "admin":
            return True
        if self.role == "editor":
            return self.agency_id is not None and agency_id == self.agency_id
        return region_covers(self.region, region)


def actor(user: Principal) -> UserInfo:
    """The library's record of who writes (its audit rows keep the user id)."""
    return UserInfo(id=user.id, username=user.username, role=user.role, region=user.region,
                    agency_id=user.agency_id, agency=user.agency_name, created_at=None,
                    disabled=False)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use (anonymous sessions have one: login forms)."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(24)
        request.session["csrf"] = token
    return token


async def csrf_ok(request: Request) -> bool:
    expected = request.session.get("csrf")
    if not expected:
        return False
    given = request.headers.get(CSRF_HEADER)
    if not given:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()  # Starlette caches it: the route reads the same form
            value = form.get(CSRF_FIELD)
            given = value if isinstance(value, str) else None
    return bool(given) and secrets.compare_digest(str(given), str(expected))


SESSION_KEY = "sid"


def start_session(request: Request, token: str) -> None:
    # A new CSRF token at login: a token planted before login is worth nothing after it.
    request.session.clear()
    request.session[SESSION_KEY] = token
    request.session["csrf"] = secrets.token_urlsafe(24)


def end_session(request: Request) -> None:
    request.session.clear()
