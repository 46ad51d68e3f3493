"""What the web app needs from the library beyond its facade (`xxgk.store.Library`), written over
the store's models: the signed-in user with a fingerprint of their password hash (so a password
change ends older sessions), audit rows for the web's own events (login, logout, downloads), and a
report's scope (agency and region) in one small query."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store import models as m
from ..store.records import ReportRow
from ..store.writer import audit
from .auth import Principal, actor, password_stamp


class Backend:
    def __init__(self, lib: Any):
        self.lib = lib
        self.engine = lib.engine

    def principal(self, user_id: int) -> Principal | None:
        with Session(self.engine) as s:
            got = s.execute(
                select(m.User, m.Agency.name).outerjoin(m.Agency, m.Agency.id == m.User.agency_id)
                .where(m.User.id == user_id)).first()
        if got is None:
            return None
        user, agency = got
        if user.disabled:
            return None
        return Principal(id=user.id, username=user.username, role=user.role,  # type: ignore[arg-type]
                         region=user.region, agency_id=user.agency_id, agency_name=agency,
                         stamp=password_stamp(user.password_hash))

    def authenticate(self, username: str, password: str) -> Principal | None:
        if not username or not password:
            return None
        info = self.lib.authenticate(username, password)
        return None if info is None else self.principal(info.id)

    def audit_event(self, user: Principal | None, action: str, target: str | None,
                    detail: dict[str, Any] | None) -> None:
        """An audit row for a web event the library does not write itself."""
        with self.lib.write() as s:
            audit(s, actor(user) if user else "anonymous", f"web.{action}", (target or "")[:100],
                  detail)

    def report_row(self, report_id: int) -> ReportRow | None:
        return self.lib.report_row(report_id)

    def scope_of(self, report_id: int) -> tuple[int, str | None] | None:
        """(agency id, region) of a report: what a permission check needs, in one small query."""
        with Session(self.engine) as s:
            got = s.execute(select(m.ReportRecord.agency_id, m.Agency.region)
                            .join(m.Agency, m.Agency.id == m.ReportRecord.agency_id)
                            .where(m.ReportRecord.id == report_id)).first()
        return None if got is None else (got[0], got[1])
