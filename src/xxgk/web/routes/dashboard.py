"""Dashboards from stored data only (ECharts, vendored): applications by outcome and applicant type,
trends across years, the most frequent rule failures."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from ..auth import Principal
from ..deps import api_user, page_user
from ..templating import render_cached
from ..views import plain, user_filters

router = APIRouter()
PALETTE = ["#1f4e8c", "#4f81bd", "#8fb0d9", "#c0504d", "#f0a35e", "#9bbb59", "#8064a2", "#4bacc6"]


def _data(request: Request, user: Principal, region: str | None, year: int | None) -> dict[str, Any]:
    lib = request.app.state.lib
    filters = user_filters(user, region=region, years=(year,) if year else ())

    def compute() -> dict[str, Any]:
        board = lib.dashboard(filters)
        trends = board.trends
        if year:  # trends across every year of the same scope
            trends = lib.dashboard(dataclasses.replace(filters, years=())).trends
        return {"filters": filters, "board": board, "trends": trends}

    return request.app.state.cache.get(("dashboard", filters), compute, request)


def charts(board: Any, trends: list[Any]) -> dict[str, Any]:
    """ECharts options, built here so the page needs no inline script."""
    cols = [(k, label) for k, label in board.columns if k != "total"]
    outcomes = [o for o in board.outcomes if o.key != "total_processed"]
    base = {"color": PALETTE, "textStyle": {"fontFamily": "Noto Sans CJK SC, sans-serif"},
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}}}
    by_outcome = {**base,
                  "legend": {"top": 0, "type": "scroll"},
                  "grid": {"left": 48, "right": 16, "top": 56, "bottom": 64},
                  "xAxis": {"type": "category", "data": [o.label for o in outcomes],
                            "axisLabel": {"interval": 0, "rotate": 20}},
                  "yAxis": {"type": "value", "name": "件"},
                  "series": [{"name": label, "type": "bar", "stack": "all",
                              "data": [o.values.get(k, 0) for o in outcomes]} for k, label in cols]}
    applicants = {"color": PALETTE, "tooltip": {"trigger": "item", "formatter": "{b}：{c} 件（{d}%）"},
                  "legend": {"bottom": 0, "type": "scroll"},
                  "series": [{"type": "pie", "radius": ["38%", "68%"], "center": ["50%", "45%"],
                              "label": {"formatter": "{b}\n{d}%"},
                              "data": [{"name": label, "value": board.applicants.get(k, 0)}
                                       for k, label in cols]}]}
    years = [str(t.year) for t in trends]
    trend = {**base, "tooltip": {"trigger": "axis"},
             "legend": {"top": 0},
             "grid": {"left": 56, "right": 56, "top": 48, "bottom": 32},
             "xAxis": {"type": "category", "data": years},
             "yAxis": [{"type": "value", "name": "申请（件）"}, {"type": "value", "name": "报告（份）"}],
             "series": [
                 {"name": "新收申请", "type": "line", "smooth": True, "data": [t.received for t in trends]},
                 {"name": "办理完结", "type": "line", "smooth": True, "data": [t.processed for t in trends]},
                 {"name": "予以公开", "type": "line", "smooth": True, "data": [t.granted for t in trends]},
                 {"name": "行政复议", "type": "line", "smooth": True, "data": [t.review for t in trends]},
                 {"name": "行政诉讼", "type": "line", "smooth": True, "data": [t.litigation for t in trends]},
                 {"name": "报告数", "type": "bar", "yAxisIndex": 1, "barMaxWidth": 28, "data": [t.reports for t in trends],
                  "itemStyle": {"color": "#d5dee9"}},
             ]}
    rules = list(reversed(board.top_rules[:10]))
    top = {**base, "grid": {"left": 220, "right": 40, "top": 16, "bottom": 32},
           "xAxis": {"type": "value", "name": "报告数"},
           "yAxis": {"type": "category", "data": [f"{r.rule} {r.title}" for r in rules],
                     "axisLabel": {"width": 200, "overflow": "truncate"}},
           "series": [{"name": "报告数", "type": "bar", "data": [r.reports for r in rules],
                       "itemStyle": {"color": "#c0504d"}, "label": {"show": True, "position": "right"}}]}
    return {"outcomes": by_outcome, "applicants": applicants, "trends": trend, "rules": top}


@router.get("/dashboard", include_in_schema=False)
def dashboard_page(request: Request, user: Annotated[Principal, Depends(page_user)],
                   region: Annotated[str | None, Query(max_length=300)] = None,
                   year: Annotated[int | None, Query(ge=1990, le=2100)] = None) -> Response:
    def context() -> dict[str, Any]:
        d = _data(request, user, region, year)
        board, trends = d["board"], d["trends"]
        received = sum(board.applicants.get(k, 0) for k, _ in board.columns if k != "total")
        return {
            "nav": "dashboard", "region": region or "", "year": year or "", "filters": d["filters"],
            "board": board, "trends": trends, "charts": charts(board, trends), "received": received,
            "late": sum(t.late for t in trends if not year or t.year == year),
            "with_errors": sum(t.with_errors for t in trends if not year or t.year == year)}

    return render_cached(request, "dashboard.html", ("dashboard", region, year), context)


@router.get("/api/dashboard", tags=["dashboard"])
def dashboard_api(request: Request, user: Annotated[Principal, Depends(api_user)],
                  region: Annotated[str | None, Query(max_length=300)] = None,
                  year: Annotated[int | None, Query(ge=1990, le=2100)] = None) -> dict[str, Any]:
    """Applications by outcome × applicant type, new applications by applicant type, per-year
    trends and the most frequent rule failures, over the reports in the user's scope."""
    d = _data(request, user, region, year)
    return {"filters": plain(d["filters"]), **plain(d["board"]), "trends": plain(d["trends"])}
