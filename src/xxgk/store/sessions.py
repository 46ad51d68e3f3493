"""Web sessions and login throttling, kept in the library so every server process sees them.

A session is a random token in the (signed) cookie and its SHA-256 here: deleting the row ends the
session wherever the cookie has been copied to. `end_all` ends every session of a user (password,
role or region changed, user disabled).

Throttling counts failed sign-ins per key ("user:<name>", "ip:<address>") within a time window. An
attempt is *reserved* before the password is checked (a pending row written and committed first,
then counted), so two processes racing on the last allowed attempt cannot both get it: each sees
the other's row, and the later one waits for the earlier one's outcome.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Mapping, Sequence

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.orm import Session

from .models import LoginAttempt, WebSession, utcnow


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start(s: Session, user_id: int, max_age: int, now: dt.datetime | None = None) -> str:
    """A new session for the user: returns the token for the cookie (only its digest is stored).
    Expired sessions of every user are dropped on the way (an indexed delete)."""
    now = now or utcnow()
    s.execute(delete(WebSession).where(WebSession.expires_at <= now))
    token = secrets.token_urlsafe(32)
    s.add(WebSession(id=digest(token), user_id=user_id, created_at=now,
                     expires_at=now + dt.timedelta(seconds=max_age)))
    s.flush()
    return token


def lookup(s: Session, token: str) -> tuple[int, dt.datetime] | None:
    """(user id, expiry) of a live or expired session; None when it was ended or never existed."""
    got = s.execute(select(WebSession.user_id, WebSession.expires_at)
                    .where(WebSession.id == digest(token))).first()
    return None if got is None else (got[0], got[1])


def end(s: Session, token: str) -> int:
    return s.execute(delete(WebSession).where(WebSession.id == digest(token))).rowcount or 0


def end_all(s: Session, user_id: int) -> int:
    """End every session of a user; the number ended."""
    return s.execute(delete(WebSession).where(WebSession.user_id == user_id)).rowcount or 0


# -- login throttling --------------------------------------------------------------------------------
# A password being checked is a pending attempt: it counts against the limit until it resolves
# (deleted on success, marked failed otherwise), so concurrent guesses cannot all slip past the
# count. A pending row older than STALE seconds (its process died mid-check) counts as a failure.
STALE = 30


def reserve(s: Session, keys: Sequence[str], window: int, now: dt.datetime | None = None) -> list[int]:
    """A pending attempt row per key (rows older than the window are dropped on the way); their
    ids, in the order of `keys`. The caller commits before `verdict`, so that concurrent attempts
    in other processes see each other."""
    now = now or utcnow()
    if s.get_bind().dialect.name == "postgresql":
        # `verdict` counts the attempts with a smaller id as ahead of this one, so ids must be
        # given in commit order: PostgreSQL's sequence does not (a smaller id may commit later,
        # unseen by a larger one's count: one guess too many got through). Taken per key until
        # commit, in a fixed order (no deadlock). SQLite runs one writer at a time anyway.
        for k in sorted({k[:300] for k in keys}):
            s.execute(select(func.pg_advisory_xact_lock(func.hashtext(k))))
    s.execute(delete(LoginAttempt).where(LoginAttempt.at <= now - dt.timedelta(seconds=window)))
    rows = [LoginAttempt(key=k[:300], at=now, failed=False) for k in keys]
    s.add_all(rows)
    s.flush()
    return [r.id for r in rows]


def verdict(s: Session, limits: Mapping[str, int], reserved: Sequence[int], window: int,
            now: dt.datetime | None = None) -> tuple[int, bool]:
    """(seconds to wait, go): `wait` > 0 when a key already has its limit of failures in the
    window (refuse); else `go` when the failures plus the attempts pending before this one stay
    under every limit; neither: other attempts are still being checked, ask again shortly."""
    now = now or utcnow()
    since = now - dt.timedelta(seconds=window)
    stale = now - dt.timedelta(seconds=STALE)
    A = LoginAttempt
    wait, go = 0.0, True
    for (key, limit), mine in zip(limits.items(), reserved):
        key = key[:300]
        failed = or_(A.failed.is_(True), A.at < stale)
        ahead = and_(A.id < mine, A.failed.is_(False), A.at >= stale)
        # One statement, so one snapshot: counted in two, an attempt that failed in between
        # was in neither count (PostgreSQL reads committed rows anew per statement) and one
        # guess too many got through.
        n, oldest, pending = s.execute(
            select(func.coalesce(func.sum(case((failed, 1), else_=0)), 0),
                   func.min(case((failed, A.at))),
                   func.coalesce(func.sum(case((ahead, 1), else_=0)), 0))
            .where(A.key == key, A.at > since)).one()
        if n >= limit and oldest is not None:
            wait = max(wait, window - (now - oldest).total_seconds())
            continue
        if n + pending >= limit:
            go = False
    if wait > 0:
        return max(1, int(wait) + 1), False
    return 0, go


def failed(s: Session, reserved: Sequence[int]) -> None:
    """The password was wrong: the pending rows become failures."""
    if reserved:
        s.execute(update(LoginAttempt).where(LoginAttempt.id.in_(list(reserved)))
                  .values(failed=True))


def withdraw(s: Session, reserved: Sequence[int]) -> None:
    """An attempt that was not made (refused by the throttle): its rows go."""
    if reserved:
        s.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(list(reserved))))


def succeeded(s: Session, reserved: Sequence[int], forgive: Sequence[str]) -> None:
    """The password was right: the attempt's rows go and the failures of `forgive` (the account's
    key) are forgiven. The client address keeps its failures: signing in to one's own account must
    not reset the count of guesses made at other accounts from the same address."""
    withdraw(s, reserved)
    for key in forgive:
        s.execute(delete(LoginAttempt).where(LoginAttempt.key == key[:300]))
