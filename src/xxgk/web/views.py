"""Shared page helpers: loading a report within the user's scope, JSON forms of library records."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Annotated, Any

from fastapi import HTTPException, Path, Query, Request

from .. import editions
from ..store import views as store_views
from .auth import Principal
from .deps import forbidden

SEVERITY_LABELS = {"error": "错误", "warning": "警告", "info": "提示"}
REVIEW_LABELS = {"confirmed": "已确认", "dismissed": "已驳回"}
PRODUCER_LABELS = {"parser": "解析", "correction": "人工更正"}


def plain(obj: Any) -> Any:
    """A library record (frozen dataclasses, dates, tuples) → JSON-ready data."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out = {f.name: plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
        for prop in ("late", "delta", "changed"):  # derived fields the records expose
            if hasattr(type(obj), prop) and isinstance(getattr(type(obj), prop), property):
                out[prop] = plain(getattr(obj, prop))
        return out
    if isinstance(obj, (dt.date, dt.datetime)):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {str(k): plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [plain(v) for v in obj]
    return obj


def check_scope(request: Request, user: Principal, report_id: int) -> tuple[int, str | None]:
    """404 for a report that does not exist, 403 for one outside the user's scope."""
    backend = request.app.state.backend
    scope = request.app.state.cache.get(("scope", report_id), lambda: backend.scope_of(report_id),
                                        request)
    if scope is None:
        raise HTTPException(404, detail="报告不存在。")
    if not user.covers(*scope):
        raise forbidden("该报告不在您的管辖范围内。")
    return scope


def load_report(request: Request, user: Principal, report_id: int, version_id: int | None = None):
    """The report (current version, or `version_id` of it) → (row, version info, Report, findings)."""
    return load_report_page(request, user, report_id, version_id)[:4]


def load_report_page(request: Request, user: Principal, report_id: int,
                     version_id: int | None = None):
    """`load_report` and the report's versions (the report page shows their list)."""
    check_scope(request, user, report_id)
    lib = request.app.state.lib
    got = store_views.report_page(lib, report_id)
    if got is None:
        raise HTTPException(404, detail="报告不存在。")
    detail, versions = got
    if version_id is None or version_id == detail.version.id:
        return detail.row, detail.version, detail.report, detail.findings, versions
    try:
        vd = lib.version(version_id)
    except KeyError:
        vd = None
    if vd is None or vd.info.report_id != report_id:
        raise HTTPException(404, detail="该报告没有这个版本。")
    return detail.row, vd.info, vd.report, vd.findings, versions


def labels(edition: str) -> dict[str, str]:
    return {k: spec.label for k, spec in editions.get(edition).cells.items()}


def can_edit(user: Principal, agency_id: int, region: str | None) -> bool:
    from .auth import Perm
    return user.can(Perm.CORRECT) and user.covers(agency_id, region)


def can_review(user: Principal, agency_id: int, region: str | None) -> bool:
    from .auth import Perm
    return user.can(Perm.REVIEW) and user.covers(agency_id, region)


def scope_filters(user: Principal) -> Any:
    """The `Filters` a user may see: an editor their agency, reviewers and viewers their region."""
    from ..query import Filters

    if user.role == "admin":
        return Filters()
    if user.role == "editor":
        return Filters(agency_id=user.agency_id if user.agency_id is not None else -1)
    return Filters(region=user.region)


def user_filters(user: Principal, **given: Any) -> Any:
    """Filters from a form, narrowed to the user's scope; bad values (an unknown edition) are 422."""
    from ..query import Filters

    try:
        wanted = Filters(**{k: v for k, v in given.items() if v not in (None, "", ())})
    except (ValueError, TypeError) as e:
        raise HTTPException(422, detail=f"筛选条件无效：{e}") from None
    return wanted.narrowed(scope_filters(user))


# Path and query parameters bounded as the database stores them: an id past 2**63 would otherwise
# reach SQLite and fail there.
MAX_ID = 2**31 - 1
RID = Annotated[int, Path(ge=1, le=MAX_ID, description="report id")]
UID = Annotated[int, Path(ge=1, le=MAX_ID, description="user id")]
KEY = Annotated[str, Path(max_length=100, pattern=r"^t[234]\.[a-z0-9_.]+$", description="cell key")]
FINGERPRINT = Annotated[str, Path(max_length=64, pattern=r"^[0-9a-f]+$")]
VERSION = Annotated[int | None, Query(ge=1, le=MAX_ID, description="version id")]
OPT_ID = Annotated[int | None, Query(ge=1, le=MAX_ID)]
VID = Annotated[int, Query(ge=1, le=MAX_ID, description="version id")]
