"""A report: its tables in the official layout, findings with review, cell sources, corrections
(with live checks), version history and diffs between versions."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ... import checks
from ...model import Cell, Report
from ...values import Unreadable, parse as parse_value

from ..auth import Perm, Principal, actor
from ..deps import api_user, forbidden, page_user, writer
from ..source import cell_source, pdf_crop
from ..tables import marks_of, table_views
from ..templating import render, render_cached
from ..views import (FINGERPRINT, KEY, OPT_ID, PRODUCER_LABELS, RID, VERSION, VID, can_edit,
                     can_review, check_scope, labels, load_report, load_report_page, plain)

router = APIRouter()
CELL_FIELD = "cell."


# -- the report page -------------------------------------------------------------------------------
def _page_data(request: Request, user: Principal, rid: int, version: int | None) -> dict[str, Any]:
    row, info, report, findings, versions = load_report_page(request, user, rid, version)
    return {"row": row, "version": info, "report": report, "findings": findings,
            "versions": versions}


def report_json(d: dict[str, Any]) -> dict[str, Any]:
    return {"report": plain(d["row"]), "version": plain(d["version"]),
            "document": d["report"].to_dict(findings=[]),
            "findings": [f.to_dict() for f in d["findings"]]}


@router.get("/reports/{rid}", include_in_schema=False)
def report_page(request: Request, rid: RID, user: Annotated[Principal, Depends(page_user)],
                version: VERSION = None) -> Response:
    check_scope(request, user, rid)

    def context() -> dict[str, Any]:
        d = _page_data(request, user, rid, version)
        row, report = d["row"], d["report"]
        marks = marks_of(d["findings"])
        return {
            "nav": "search", **d,
            "current": d["version"].id == row.version_id,
            "tables": table_views(report.edition, report.cells, marks, labels(report.edition)),
            "marks": marks.to_dict(),
            "can_edit": can_edit(user, row.agency_id, row.region),
            "can_review": can_review(user, row.agency_id, row.region) and d["version"].id == row.version_id,
            "producers": PRODUCER_LABELS,
        }

    return render_cached(request, "report.html", ("report", rid, version), context)


@router.get("/api/reports/{rid}", tags=["reports"])
def report_api(request: Request, rid: RID, user: Annotated[Principal, Depends(api_user)],
               version: VERSION = None) -> dict[str, Any]:
    """A report (current version, or `version`): its row, version, xxgk-report/1 document and
    findings with their review state."""
    return report_json(_page_data(request, user, rid, version))


# -- where a cell was printed ----------------------------------------------------------------------
def _source(request: Request, user: Principal, rid: RID, key: KEY, version: int | None):
    row, info, report, _ = load_report(request, user, rid, version)
    label = labels(report.edition).get(key)
    if label is None:
        raise HTTPException(404, detail="该版本的报告没有这个单元格。")
    return info, cell_source(request.app.state.lib, info, key, label, report.cells.get(key))


@router.get("/reports/{rid}/cells/{key}/source", include_in_schema=False)
def source_fragment(request: Request, rid: RID, key: KEY, user: Annotated[Principal, Depends(page_user)],
                    version: VERSION = None) -> Response:
    info, view = _source(request, user, rid, key, version)
    return render(request, "_source.html", {"s": view, "rid": rid, "version": info})


@router.get("/api/reports/{rid}/cells/{key}/source", tags=["reports"])
def source_api(request: Request, rid: RID, key: KEY, user: Annotated[Principal, Depends(api_user)],
               version: VERSION = None) -> dict[str, Any]:
    """Where a cell was printed: the text line (with context) or the PDF page and box."""
    info, view = _source(request, user, rid, key, version)
    out = plain(view)
    if view.kind == "pdf":
        out["crop_url"] = f"/reports/{rid}/cells/{key}/crop.png?version={info.id}"
    return out


@router.get("/reports/{rid}/cells/{key}/crop.png", include_in_schema=False)
def crop(request: Request, rid: RID, key: KEY, user: Annotated[Principal, Depends(page_user)],
         version: VERSION = None) -> Response:
    info, view = _source(request, user, rid, key, version)
    if view.kind != "pdf" or view.page is None or view.bbox is None:
        raise HTTPException(404, detail="该单元格没有 PDF 页面出处。")
    _, data = request.app.state.lib.source(info.id)
    png = pdf_crop(data, view.page, tuple(view.bbox))  # type: ignore[arg-type]
    return Response(png, media_type="image/png", headers={"Cache-Control": "private, max-age=3600"})


# -- findings review --------------------------------------------------------------------------------
class ReviewIn(BaseModel):
    state: Literal["confirmed", "dismissed", "clear"]
    note: str | None = Field(default=None, max_length=2000)


def _review(request: Request, user: Principal, rid: RID, fingerprint: FINGERPRINT, state: str,
            note: str | None):
    agency_id, region = check_scope(request, user, rid)
    lib = request.app.state.lib
    findings = lib.findings(rid)
    if not any(f.fingerprint == fingerprint for f in findings):
        raise HTTPException(404, detail="当前版本没有这条检查结果。")
    lib.review(rid, fingerprint, None if state == "clear" else state, by=actor(user),
               note=(note or None))
    return next(f for f in lib.findings(rid) if f.fingerprint == fingerprint)


@router.post("/reports/{rid}/findings/{fingerprint}/review", include_in_schema=False)
async def review_form(request: Request, rid: RID, fingerprint: FINGERPRINT,
                      user: Annotated[Principal, Depends(writer(Perm.REVIEW))]) -> Response:
    form = await request.form()
    state = str(form.get("state") or "")
    if state not in ("confirmed", "dismissed", "clear"):
        raise HTTPException(422, detail="审核状态无效。")
    note = str(form.get("note") or "")[:2000]
    f = await run_in_threadpool(_review, request, user, rid, fingerprint, state, note)
    if request.headers.get("hx-request") == "true":
        return render(request, "_finding.html", {"f": f, "rid": rid, "can_review": True})
    return RedirectResponse(f"/reports/{rid}#findings", status_code=303)


@router.post("/api/reports/{rid}/findings/{fingerprint}/review", tags=["reports"])
def review_api(request: Request, rid: RID, fingerprint: FINGERPRINT, body: ReviewIn,
               user: Annotated[Principal, Depends(writer(Perm.REVIEW))]) -> dict[str, Any]:
    """Confirm or dismiss a finding (`clear` removes the decision); kept across re-checks."""
    return _review(request, user, rid, fingerprint, body.state, body.note).to_dict()


# -- corrections ------------------------------------------------------------------------------------
def _edits(report: Report, given: dict[str, str]) -> dict[str, Any]:
    """Changed cells from the submitted texts; 422 names the first unreadable one."""
    specs = report.spec.cells
    changes: dict[str, Any] = {}
    for key, text in given.items():
        spec = specs.get(key)
        if spec is None:
            raise HTTPException(422, detail=f"未知的单元格：{key}")
        try:
            value = parse_value(text.strip(), spec.kind).value if text.strip() else None
        except Unreadable:
            raise HTTPException(422, detail=f"“{spec.label}”的值“{text[:40]}”不是有效数字。") from None
        cell = report.cells.get(key)
        if cell is None or cell.status == "missing" or cell.value != value:
            if cell is not None and cell.status == "missing" and value is None:
                continue
            changes[key] = value
    return changes


def _form_cells(form: FormData) -> dict[str, str]:
    return {k[len(CELL_FIELD):]: str(v) for k, v in form.multi_items()
            if k.startswith(CELL_FIELD) and isinstance(v, str)}


def _previous(request: Request, row: Any) -> Report | None:
    lib = request.app.state.lib
    prev = lib.find_report(row.agency, row.year - 1)
    if prev is None:
        return None
    d = lib.report(prev.id)
    return None if d is None else d.report


def _with(report: Report, changes: dict[str, Any]) -> Report:
    cells = dict(report.cells)
    for key, value in changes.items():
        old = cells.get(key)
        cells[key] = Cell(value=value, raw=None if value is None else str(value),
                          unit=old.unit if old else None, status="read",
                          source=old.source if old else None, note="人工更正")
    return Report(edition=report.edition, year=report.year, agency=report.agency,
                  published=report.published, cells=cells, sections=report.sections,
                  title=report.title, edition_evidence=report.edition_evidence,
                  source_name=report.source_name, source_form=report.source_form,
                  findings=[f for f in report.findings if not f.rule.startswith("R")])


def _editable(request: Request, user: Principal, rid: int):
    row, info, report, findings = load_report(request, user, rid)
    if not can_edit(user, row.agency_id, row.region):
        raise forbidden("您不能更正这份报告。")
    return row, info, report, findings


def _live_check(request: Request, user: Principal, rid: RID, given: dict[str, str]):
    row, _, report, _ = _editable(request, user, rid)
    changes = _edits(report, given)
    found = checks.run(_with(report, changes), _previous(request, row))
    return changes, found


@router.get("/reports/{rid}/correct", include_in_schema=False)
def correct_page(request: Request, rid: RID, user: Annotated[Principal, Depends(page_user)]) -> Response:
    row, info, report, findings = _editable(request, user, rid)
    marks = marks_of(findings)
    return render(request, "correct.html", {
        "nav": "search", "row": row, "version": info, "report": report, "findings": findings,
        "tables": table_views(report.edition, report.cells, marks, labels(report.edition)),
        "marks": marks.to_dict()})


@router.post("/reports/{rid}/check", include_in_schema=False)
async def check_fragment(request: Request, rid: RID,
                         user: Annotated[Principal, Depends(writer(Perm.CORRECT))]) -> Response:
    form = await request.form()
    try:
        changes, found = await run_in_threadpool(_live_check, request, user, rid, _form_cells(form))
    except HTTPException as e:
        if e.status_code != 422:
            raise
        return render(request, "_checked.html", {"error": e.detail, "findings": [], "changes": {},
                                                 "marks": {"failing": [], "suspects": []}})
    return render(request, "_checked.html", {"error": None, "findings": found, "changes": changes,
                                             "marks": marks_of(found).to_dict()})


class CellsIn(BaseModel):
    cells: dict[str, float | int | None] = Field(default_factory=dict, max_length=400)


class CorrectionIn(CellsIn):
    reason: str = Field(min_length=1, max_length=2000)


def _as_text(cells: dict[str, Any]) -> dict[str, str]:
    return {k: "" if v is None else repr(v) if isinstance(v, float) else str(v) for k, v in cells.items()}


@router.post("/api/reports/{rid}/check", tags=["reports"])
def check_api(request: Request, rid: RID, body: CellsIn,
              user: Annotated[Principal, Depends(writer(Perm.CORRECT))]) -> dict[str, Any]:
    """Run the checks on the report with `cells` changed, without storing anything."""
    changes, found = _live_check(request, user, rid, _as_text(body.cells))
    return {"changes": changes, "findings": [f.to_dict() for f in found],
            "marks": marks_of(found).to_dict()}


def _correct(request: Request, user: Principal, rid: RID, given: dict[str, str], reason: str):
    row, _, report, _ = _editable(request, user, rid)
    reason = reason.strip()
    if not reason:
        raise HTTPException(422, detail="请填写更正理由。")
    changes = _edits(report, given)
    if not changes:
        raise HTTPException(422, detail="没有更改任何单元格。")
    try:
        return request.app.state.lib.correct(rid, changes, author=actor(user), reason=reason)
    except ValueError as e:
        raise HTTPException(422, detail=str(e)) from None


@router.post("/reports/{rid}/corrections", include_in_schema=False)
async def correct_form(request: Request, rid: RID,
                       user: Annotated[Principal, Depends(writer(Perm.CORRECT))]) -> Response:
    form = await request.form()
    reason = str(form.get("reason") or "")[:2000]
    await run_in_threadpool(_correct, request, user, rid, _form_cells(form), reason)
    return RedirectResponse(f"/reports/{rid}", status_code=303)


@router.post("/api/reports/{rid}/corrections", tags=["reports"])
def correct_api(request: Request, rid: RID, body: CorrectionIn,
                user: Annotated[Principal, Depends(writer(Perm.CORRECT))]) -> dict[str, Any]:
    """Store a corrected version: the changed cells and the reason; the checks re-run."""
    return plain(_correct(request, user, rid, _as_text(body.cells), body.reason))


# -- versions and diffs -----------------------------------------------------------------------------
def _versions(request: Request, user: Principal, rid: int):
    check_scope(request, user, rid)
    return request.app.state.lib.versions(rid)


def _diff(request: Request, user: Principal, rid: RID, a: int, b: int):
    versions = {v.id: v for v in _versions(request, user, rid)}
    if a not in versions or b not in versions:
        raise HTTPException(404, detail="该报告没有这个版本。")
    return versions[a], versions[b], request.app.state.lib.diff_versions(a, b)


@router.get("/reports/{rid}/versions", include_in_schema=False)
def versions_page(request: Request, rid: RID, user: Annotated[Principal, Depends(page_user)],
                  a: OPT_ID = None, b: OPT_ID = None) -> Response:
    row, info, report, _ = load_report(request, user, rid)
    versions = request.app.state.lib.versions(rid)
    diff = None
    if len(versions) >= 2:
        a = a or versions[-2].id
        b = b or versions[-1].id
        diff = _diff(request, user, rid, a, b)
    return render(request, "versions.html", {"nav": "search", "row": row, "versions": versions,
                                             "diff": diff, "a": a, "b": b,
                                             "producers": PRODUCER_LABELS})


@router.get("/api/reports/{rid}/versions", tags=["reports"])
def versions_api(request: Request, rid: RID, user: Annotated[Principal, Depends(api_user)]) -> list[dict[str, Any]]:
    """Every version of a report, oldest first (parser runs and corrections with author and reason)."""
    return plain(_versions(request, user, rid))


@router.get("/api/reports/{rid}/diff", tags=["reports"])
def diff_api(request: Request, rid: RID, user: Annotated[Principal, Depends(api_user)],
             a: VID,
             b: VID) -> dict[str, Any]:
    """The cells whose values differ between two versions of a report."""
    va, vb, deltas = _diff(request, user, rid, a, b)
    return {"a": plain(va), "b": plain(vb), "cells": plain(deltas)}
