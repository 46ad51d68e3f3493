"""The agencies under a region for a year: who published, who is late against the 第四十九条
deadline (departments 1月31日, governments 3月31日 of the next year), who has not published."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from ..auth import Principal, region_covers
from ..deps import api_user, forbidden, page_user
from ..templating import render
from ..views import plain

router = APIRouter()
STATUS_LABELS = {"on_time": ("按期发布", "ok"), "late": ("逾期发布", "warning"),
                 "undated": ("已发布（日期不详）", "info"), "missing": ("未发布", "error"),
                 "not_due": ("未到期限", "grey")}


def _tree(request: Request, user: Principal, year: int | None, path: str | None):
    if user.role == "editor":
        raise forbidden("机关填报人员只能查看本机关的报告。")
    year = year or dt.date.today().year - 1
    root = (path or "").strip("/") or user.region
    if user.region and not region_covers(user.region, root):
        raise forbidden("该地区不在您的管辖范围内。")
    tree = request.app.state.lib.region_tree(year, root=root or None)
    if tree is None:
        raise HTTPException(404, detail="没有这个地区。")
    return year, root, tree


@router.get("/regions", include_in_schema=False)
def regions_page(request: Request, user: Annotated[Principal, Depends(page_user)],
                 year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                 path: Annotated[str | None, Query(max_length=300)] = None) -> Response:
    year, root, tree = _tree(request, user, year, path)
    return render(request, "regions.html", {"nav": "regions", "year": year, "root": root or "",
                                            "tree": tree, "labels": STATUS_LABELS,
                                            "today": dt.date.today()})


@router.get("/api/regions", tags=["regions"])
def regions_api(request: Request, user: Annotated[Principal, Depends(api_user)],
                year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                path: Annotated[str | None, Query(max_length=300)] = None) -> dict[str, Any]:
    """The region tree for a year: per region the agencies with their status (on_time, late,
    undated, missing, not_due) and the counts of the subtree."""
    year, root, tree = _tree(request, user, year, path)
    return {"year": year, "root": root, "tree": plain(tree)}
