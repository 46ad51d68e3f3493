"""Accounts of the web app: argon2 password hashes, roles and what each role may see and edit."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..query import Filters, normalise_region, within
from . import agencies
from .models import Agency, User
from .records import ROLES, UserInfo, aware

MIN_PASSWORD = 8


@lru_cache(maxsize=1)
def hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id with the library's current recommended parameters


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"密码至少 {MIN_PASSWORD} 个字符 / the password needs at least "
                         f"{MIN_PASSWORD} characters")
    return hasher().hash(password)


def verify(stored: str, password: str) -> bool:
    try:
        return hasher().verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def info(s: Session, u: User) -> UserInfo:
    agency = s.get(Agency, u.agency_id) if u.agency_id is not None else None
    return UserInfo(u.id, u.username, u.role, u.region, u.agency_id,
                    agency.name if agency else None, aware(u.created_at), bool(u.disabled))


def find(s: Session, username_or_id: str | int) -> User | None:
    if isinstance(username_or_id, int):
        return s.get(User, username_or_id)
    return s.scalar(select(User).where(User.username == username_or_id.strip()))


def validate(s: Session, role: str, region: str | None,
             agency: str | int | None) -> tuple[str | None, int | None]:
    """(region, agency id) for a role, or ValueError."""
    if role not in ROLES:
        raise ValueError(f"角色应为 {'、'.join(ROLES)} 之一 / role must be one of "
                         f"{', '.join(ROLES)}, not {role!r}")
    region = normalise_region(region)
    agency_id = None
    if agency is not None:
        a = agencies.find(s, agency)
        if a is None:
            raise ValueError(f"没有机关“{agency}” / no agency {agency!r}")
        agency_id = a.id
    if role == "reviewer" and region is None:
        raise ValueError("审核员须指定地区 / a reviewer needs a region")
    if role == "editor" and agency_id is None:
        raise ValueError("填报人员须指定机关 / an editor needs an agency")
    return region, agency_id


def scope(user: UserInfo) -> Filters:
    """The reports a user may see: reviewers their region subtree, editors their own agency;
    admins and viewers everything (a viewer with a region: that subtree)."""
    if user.role == "editor":
        return Filters(agency_id=user.agency_id if user.agency_id is not None else -1)
    if user.role in ("reviewer", "viewer") and user.region:
        return Filters(region=user.region)
    return Filters()


def may_edit(user: UserInfo, agency_id: int, agency_region: str | None) -> bool:
    if user.disabled:
        return False
    if user.role == "admin":
        return True
    if user.role == "reviewer":
        return bool(user.region) and agency_region is not None and within(agency_region,
                                                                           user.region or "")
    if user.role == "editor":
        return user.agency_id == agency_id
    return False
