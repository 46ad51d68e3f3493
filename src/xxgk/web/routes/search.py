"""The report library: search by agency, region, year and text; the list of reports otherwise."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from ..auth import Principal
from ..deps import api_user, page_user
from ..templating import render
from ..views import plain, user_filters

router = APIRouter()
PAGE = 50


def _search(request: Request, user: Principal, q: str | None, agency: str | None,
            region: str | None, year: int | None, page: int) -> dict[str, Any]:
    lib = request.app.state.lib
    filters = user_filters(user, agency=agency, region=region, years=(year,) if year else ())
    if q and q.strip():
        hits = lib.search(q.strip(), filters, limit=PAGE)
        return {"mode": "text", "hits": hits, "total": len(hits), "filters": filters}
    rows = lib.reports(filters, limit=PAGE, offset=(page - 1) * PAGE, order="-year")
    return {"mode": "list", "rows": rows, "total": lib.count_reports(filters), "filters": filters}


@router.get("/", include_in_schema=False)
def home(user: Annotated[Principal, Depends(page_user)]) -> Response:
    return RedirectResponse("/search", status_code=303)


@router.get("/search", include_in_schema=False)
def search_page(request: Request, user: Annotated[Principal, Depends(page_user)],
                q: Annotated[str | None, Query(max_length=200)] = None,
                agency: Annotated[str | None, Query(max_length=200)] = None,
                region: Annotated[str | None, Query(max_length=300)] = None,
                year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                page: Annotated[int, Query(ge=1, le=100000)] = 1) -> Response:
    d = _search(request, user, q, agency, region, year, page)
    lib = request.app.state.lib
    return render(request, "search.html", {
        "nav": "search", **d, "q": q or "", "agency": agency or "", "region": region or "",
        "year": year or "", "page": page, "pages": max(1, -(-d["total"] // PAGE)),
        "regions": [r for r in lib.regions() if user.covers(None, r) or user.role == "admin"][:500]})


@router.get("/api/search", tags=["search"])
def search_api(request: Request, user: Annotated[Principal, Depends(api_user)],
               q: Annotated[str | None, Query(max_length=200, description="全文")] = None,
               agency: Annotated[str | None, Query(max_length=200)] = None,
               region: Annotated[str | None, Query(max_length=300)] = None,
               year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
               page: Annotated[int, Query(ge=1, le=100000)] = 1) -> dict[str, Any]:
    """Reports by agency, region, year; with `q`, text hits (agency, title, narrative) with a
    snippet. Limited to the user's scope."""
    d = _search(request, user, q, agency, region, year, page)
    out: dict[str, Any] = {"total": d["total"], "filters": plain(d["filters"])}
    if d["mode"] == "text":
        out["hits"] = plain(d["hits"])
    else:
        out["reports"] = plain(d["rows"])
    return out
