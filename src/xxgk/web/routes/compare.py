"""Two years of an agency side by side: cell deltas, the cross-year checks (P1–P3), and the
narrative with the passages reused from the earlier year highlighted."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from ..auth import Principal
from ..deps import api_user, page_user
from ..tables import Marks, table_views
from ..templating import render
from ..views import OPT_ID, check_scope, labels, plain

router = APIRouter()


def segments(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    """`text` cut into (piece, reused) runs by the reused character spans."""
    out: list[tuple[str, bool]] = []
    pos = 0
    for a, b in sorted(spans):
        a, b = max(a, pos), min(b, len(text))
        if a >= b:
            continue
        if a > pos:
            out.append((text[pos:a], False))
        out.append((text[a:b], True))
        pos = b
    if pos < len(text):
        out.append((text[pos:], False))
    return out


def _resolve(request: Request, user: Principal, a: int | None, b: int | None, agency: str | None,
             year_a: int | None, year_b: int | None) -> tuple[int, int] | None:
    lib = request.app.state.lib
    if agency and year_a and year_b:
        ra, rb = lib.find_report(agency, year_a), lib.find_report(agency, year_b)
        if ra is None or rb is None:
            missing = year_a if ra is None else year_b
            raise HTTPException(404, detail=f"报告库中没有“{agency}”{missing}年度的报告。")
        a, b = ra.id, rb.id
    if b is not None and a is None:  # "compare with last year"
        check_scope(request, user, b)
        row = lib.report(b).row
        prev = lib.find_report(row.agency, row.year - 1)
        if prev is None:
            raise HTTPException(404, detail=f"报告库中没有{row.agency}{row.year - 1}年度的报告，无法比较。")
        a = prev.id
    if a is None or b is None:
        return None
    if a == b:
        raise HTTPException(422, detail="请选择两份不同的报告。")
    check_scope(request, user, a)
    check_scope(request, user, b)
    return a, b


def _compare(request: Request, a: int, b: int) -> dict[str, Any]:
    lib = request.app.state.lib
    da, db = lib.report(a), lib.report(b)
    if da.row.year > db.row.year:  # B is the later one
        da, db = db, da
    cmp = lib.compare(da.row.id, db.row.id)
    return {"a": da, "b": db, "cmp": cmp}


def compare_json(d: dict[str, Any]) -> dict[str, Any]:
    cmp = d["cmp"]
    return {"a": plain(d["a"].row), "b": plain(d["b"].row),
            "cells": [{**plain(c), "changed": c.changed} for c in cmp.cells],
            "only_a": plain(cmp.only_a), "only_b": plain(cmp.only_b),
            "checks": [f.to_dict() for f in cmp.checks],
            "sections": plain(cmp.sections), "boilerplate": plain(cmp.boilerplate)}


@router.get("/compare", include_in_schema=False)
def compare_page(request: Request, user: Annotated[Principal, Depends(page_user)],
                 a: OPT_ID = None, b: OPT_ID = None, agency: str | None = None,
                 year_a: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                 year_b: Annotated[int | None, Query(ge=1990, le=2100)] = None) -> Response:
    pair = _resolve(request, user, a, b, agency, year_a, year_b)
    ctx: dict[str, Any] = {"nav": "compare", "agency": agency or "", "year_a": year_a or "",
                           "year_b": year_b or ""}
    if pair is None:
        return render(request, "compare.html", ctx)
    d = _compare(request, *pair)
    cmp = d["cmp"]
    changed = frozenset(c.key for c in cmp.cells if c.changed)
    ra, rb = d["a"].report, d["b"].report
    sections = []
    texts_a = {s.key: s.text for s in ra.sections}
    texts_b = {s.key: s.text for s in rb.sections}
    for s in cmp.sections:
        sections.append({
            "key": s.key, "heading": s.heading, "similarity": s.similarity,
            "a": segments(texts_a.get(s.key, ""), [(p.a_start, p.a_end) for p in s.passages]),
            "b": segments(texts_b.get(s.key, ""), [(p.b_start, p.b_end) for p in s.passages]),
            "reused": sum(len(p.text) for p in s.passages)})
    ctx.update({
        "agency": d["b"].row.agency, "year_a": d["a"].row.year, "year_b": d["b"].row.year,
        "a": d["a"].row, "b": d["b"].row, "cmp": cmp, "sections": sections,
        "changed": [c for c in cmp.cells if c.changed],
        "tables_a": table_views(ra.edition, ra.cells, Marks(changed=changed), labels(ra.edition)),
        "tables_b": table_views(rb.edition, rb.cells, Marks(changed=changed), labels(rb.edition)),
    })
    return render(request, "compare.html", ctx)


@router.get("/api/compare", tags=["compare"])
def compare_api(request: Request, user: Annotated[Principal, Depends(api_user)],
                a: OPT_ID = None, b: OPT_ID = None, agency: str | None = None,
                year_a: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                 year_b: Annotated[int | None, Query(ge=1990, le=2100)] = None) -> dict[str, Any]:
    """Compare two reports (`a`, `b` report ids; `b` alone: with the agency's year before), or an
    agency's two years (`agency`, `year_a`, `year_b`)."""
    pair = _resolve(request, user, a, b, agency, year_a, year_b)
    if pair is None:
        raise HTTPException(422, detail="请给出两份报告（a 和 b），或机关和两个年度。")
    return compare_json(_compare(request, *pair))
