"""What the web app needs from the library beyond its facade (`xxgk.store.Library`), written over
the store's models: sessions (started, looked up, ended: `store.sessions`), the signed-in user,
audit rows for the web's own events (login, logout, downloads), and a report's scope (agency and
region) in one small query.

Starting and ending a session writes its audit row in the same transaction: the audit id is the
library revision that keys `web.cache`, so no process keeps a cached answer for an ended session."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from ..store import models as m
from ..store import agencies, sessions
from ..store.records import ReportRow
from ..store.writer import audit
from .auth import Principal, actor


# Built once: run on most page views (a statement made per call costs more than the query).
_SCOPE = (select(m.ReportRecord.agency_id, m.Agency.region)
          .join(m.Agency, m.Agency.id == m.ReportRecord.agency_id)
          .where(m.ReportRecord.id == bindparam("rid")))


class Backend:
    def __init__(self, lib: Any):
        self.lib = lib
        self.engine = lib.engine

    def principal(self, user_id: int) -> Principal | None:
        with Session(self.engine) as s:
            return _principal(s, user_id)

    def session(self, token: str) -> tuple[Principal, dt.datetime] | None:
        """The user of a session and when it expires; None when ended (or the user disabled)."""
        with Session(self.engine) as s:
            got = sessions.lookup(s, token)
            if got is None:
                return None
            user = _principal(s, got[0])
        return None if user is None else (user, got[1])

    def authenticate(self, username: str, password: str) -> Principal | None:
        if not username or not password:
            return None
        info = self.lib.authenticate(username, password)
        return None if info is None else self.principal(info.id)

    def start_session(self, user: Principal, max_age: int, throttle: Any, reserved: list[int],
                      address: str) -> str:
        """A new session (its token for the cookie), the sign-in forgiven by the throttle and
        audited, in one transaction."""
        with self.lib.write() as s:
            throttle.succeeded(s, reserved, user.username)
            token = sessions.start(s, user.id, max_age)
            audit(s, actor(user), "web.login", f"user:{user.username}", {"ip": address})
        return token

    def end_session(self, user: Principal, token: str, everywhere: bool = False) -> int:
        """End this session (or every session of the user); the number ended."""
        with self.lib.write() as s:
            n = sessions.end_all(s, user.id) if everywhere else sessions.end(s, token)
            audit(s, actor(user), "web.logout", f"user:{user.username}",
                  {"everywhere": everywhere, "sessions": n})
        return n

    def audit_event(self, user: Principal | None, action: str, target: str | None,
                    detail: dict[str, Any] | None) -> None:
        """An audit row for a web event the library does not write itself."""
        with self.lib.write() as s:
            audit(s, actor(user) if user else "anonymous", f"web.{action}", (target or "")[:100],
                  detail)

    def report_row(self, report_id: int) -> ReportRow | None:
        return self.lib.report_row(report_id)

    def filing_of(self, agency: str, fallback_region: str | None) -> tuple[int | None, str | None]:
        """(agency id, region) the library would file a report of `agency` under: the known
        agency's, or for a new one (id None) the region its name places it in, else the fallback
        (what `store.writer` does when it stores the report)."""
        with Session(self.engine) as s:
            a = agencies.find(s, agency)
            if a is not None:
                return a.id, a.region
            return None, agencies.infer_region(agency, agencies.known_regions(s)) or fallback_region

    def scope_of(self, report_id: int) -> tuple[int, str | None] | None:
        """(agency id, region) of a report: what a permission check needs, in one small query."""
        with self.engine.connect() as conn:
            got = conn.execute(_SCOPE, {"rid": report_id}).first()
        return None if got is None else (got[0], got[1])


def _principal(s: Session, user_id: int) -> Principal | None:
    got = s.execute(
        select(m.User, m.Agency.name).outerjoin(m.Agency, m.Agency.id == m.User.agency_id)
        .where(m.User.id == user_id)).first()
    if got is None:
        return None
    user, agency = got
    if user.disabled:
        return None
    return Principal(id=user.id, username=user.username, role=user.role,  # type: ignore[arg-type]
                     region=user.region, agency_id=user.agency_id, agency_name=agency)
