"""Compose: an agency fills in its report in the official layout with live 勾稽 checks, starting
from a draft made from last year's report (`xxgk.draft`), then downloads it as DOCX or HTML
(`xxgk.render`) or stores it in the library."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from ... import checks, editions
from ...model import Cell, Report, Section
from ...values import Unreadable, parse as parse_value
from ..auth import actor, Perm, Principal
from ..deps import api_with, forbidden, page_with, writer
from ..tables import marks_of, table_views
from ..templating import render
from ..views import check_scope, labels, user_filters

router = APIRouter()
CELL_FIELD = "cell."
SECTION_FIELD = "section."
MIME = {"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "html": "text/html; charset=utf-8"}


def _start(request: Request, user: Principal, source: int | None, year: int | None,
           agency: str | None) -> tuple[Report, Any, list[str]]:
    """The report to start from: a draft from `source` (last year's report) or a blank one.
    Returns (report, the source row or None, notes about cells that could not be carried)."""
    lib = request.app.state.lib
    prev_row = None
    if source is None and user.role == "editor" and user.agency_id is not None:
        rows = lib.reports(user_filters(user), limit=1, order="-year")
        prev_row = rows[0] if rows else None
    elif source is not None:
        check_scope(request, user, source)
        prev_row = lib.report(source).row
    name = user.agency_name if user.role == "editor" else (agency or (prev_row.agency if prev_row else None))
    if prev_row is not None:
        year = year or prev_row.year + 1
        prev = lib.report(prev_row.id).report
        report, notes = _draft(prev, year, name)
        return report, prev_row, notes
    year = year or dt.date.today().year - 1
    ed = editions.for_year(year)
    sections = [Section(s.key, s.number, s.heading, "") for s in ed.sections]
    return Report(edition=ed.key, year=year, agency=name, sections=sections), None, []


def _draft(prev: Report, year: int, agency: str | None) -> tuple[Report, list[str]]:
    from ...draft import DraftError, draft

    try:
        made = draft(prev, year, agency)
    except DraftError as e:
        raise HTTPException(422, detail=str(e)) from None
    edition = made.report.edition
    return made.report, [n.line(edition) for n in made.not_carried]


def _from_form(user: Principal, form: FormData) -> Report:
    try:
        year = int(str(form.get("year") or ""))
    except ValueError:
        raise HTTPException(422, detail="请填写年度。") from None
    if not 1990 <= year <= 2100:
        raise HTTPException(422, detail="年度无效。")
    agency = user.agency_name if user.role == "editor" else str(form.get("agency") or "").strip()
    if not agency:
        raise HTTPException(422, detail="请填写机关名称。")
    published = None
    if form.get("published"):
        try:
            published = dt.date.fromisoformat(str(form.get("published")))
        except ValueError:
            raise HTTPException(422, detail="发布日期无效。") from None
    edition = str(form.get("edition") or editions.for_year(year).key)
    if edition not in editions.EDITION_KEYS:
        raise HTTPException(422, detail="格式版本无效。")
    ed = editions.get(edition)
    cells: dict[str, Cell] = {}
    for key, spec in ed.cells.items():
        text = str(form.get(CELL_FIELD + key) or "").strip()
        try:
            value = parse_value(text, spec.kind).value if text else None
        except Unreadable:
            raise HTTPException(422, detail=f"“{spec.label}”的值“{text[:40]}”不是有效数字。") from None
        cells[key] = Cell(value=value, raw=text or None, status="read")
    sections = [Section(s.key, s.number, s.heading, str(form.get(SECTION_FIELD + s.key) or "")[:20000])
                for s in ed.sections]
    return Report(edition=edition, year=year, agency=agency[:200], published=published, cells=cells,
                  sections=sections, title=f"{agency}{year}年政府信息公开工作年度报告",
                  source_name="网页填报", source_form="web")


def _previous(request: Request, report: Report) -> Report | None:
    lib = request.app.state.lib
    if report.agency is None or report.year is None:
        return None
    row = lib.find_report(report.agency, report.year - 1)
    return None if row is None else lib.report(row.id).report


@router.get("/compose", include_in_schema=False)
def compose_page(request: Request, user: Annotated[Principal, Depends(page_with(Perm.COMPOSE))],
                 source: Annotated[int | None, Query(alias="from")] = None,
                 year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
                 agency: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    report, prev_row, notes = _start(request, user, source, year, agency)
    found = checks.run(report, _previous(request, report))
    marks = marks_of(found)
    return render(request, "compose.html", {
        "nav": "compose", "report": report, "prev": prev_row, "notes": notes, "findings": found,
        "tables": table_views(report.edition, report.cells, marks, labels(report.edition), fill=True),
        "marks": marks.to_dict(), "changes": {}, "error": None,
        "sections": [(s, report.section(s.key)) for s in report.spec.sections]})


@router.post("/compose/check", include_in_schema=False)
async def compose_check(request: Request, user: Annotated[Principal, Depends(writer(Perm.COMPOSE))]) -> Response:
    form = await request.form()
    try:
        report = _from_form(user, form)
    except HTTPException as e:
        return render(request, "_checked.html", {"error": e.detail, "findings": [], "changes": {},
                                                 "marks": {"failing": [], "suspects": []}})
    found = await run_in_threadpool(lambda: checks.run(report, _previous(request, report)))
    return render(request, "_checked.html", {"error": None, "findings": found, "changes": {},
                                             "marks": marks_of(found).to_dict()})


def _download(report: Report, fmt: str) -> Response:
    from ...render import render_bytes

    data = render_bytes(report, fmt)  # type: ignore[arg-type]
    name = f"{report.agency}{report.year}年政府信息公开工作年度报告.{fmt}"
    return Response(data, media_type=MIME[fmt], headers={
        "Content-Disposition": f"attachment; filename=\"report.{fmt}\"; filename*=UTF-8''{quote(name)}"})


@router.post("/compose/download", include_in_schema=False)
async def compose_download(request: Request, user: Annotated[Principal, Depends(writer(Perm.COMPOSE))]) -> Response:
    form = await request.form()
    fmt = str(form.get("format") or "docx")
    if fmt not in MIME:
        raise HTTPException(422, detail="下载格式只能是 docx 或 html。")
    report = _from_form(user, form)
    request.app.state.backend.audit_event(user, "compose_download", f"agency:{report.agency}"[:100],
                                          {"year": report.year, "format": fmt})
    return await run_in_threadpool(_download, report, fmt)


def _save(request: Request, user: Principal, report: Report) -> int:
    lib = request.app.state.lib
    source = json.dumps(report.to_dict(findings=[]), ensure_ascii=False).encode("utf-8")
    name = f"{report.agency}{report.year}年度报告（网页填报）.json"
    existing = lib.find_report(report.agency, report.year)
    if existing is not None:
        check_scope(request, user, existing.id)
    res = lib.add_report(report, source=source, name=name, actor=actor(user))
    if res.report_id is None:
        raise HTTPException(422, detail=res.reason or "无法保存。")
    scope = request.app.state.backend.scope_of(res.report_id)
    if user.role == "editor" and (scope is None or scope[0] != user.agency_id):
        raise forbidden("只能保存本机关的报告。")
    return res.report_id


@router.post("/compose/save", include_in_schema=False)
async def compose_save(request: Request, user: Annotated[Principal, Depends(writer(Perm.COMPOSE))]) -> Response:
    form = await request.form()
    report = _from_form(user, form)
    rid = await run_in_threadpool(_save, request, user, report)
    return RedirectResponse(f"/reports/{rid}", status_code=303)


class DraftOut(BaseModel):
    document: dict[str, Any]
    findings: list[dict[str, Any]]
    not_carried: list[str]
    source_report: int | None


@router.get("/api/compose/draft", tags=["compose"])
def draft_api(request: Request, user: Annotated[Principal, Depends(api_with(Perm.COMPOSE))],
              source: Annotated[int | None, Query(alias="from", ge=1, le=2**31 - 1)] = None,
              year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
              agency: Annotated[str | None, Query(max_length=200)] = None) -> DraftOut:
    """The draft the compose page starts from: next year's report made from last year's."""
    report, prev_row, notes = _start(request, user, source, year, agency)
    found = checks.run(report, _previous(request, report))
    return DraftOut(document=report.to_dict(findings=[]), findings=[f.to_dict() for f in found],
                    not_carried=notes, source_report=prev_row.id if prev_row else None)


class ComposeIn(BaseModel):
    year: int = Field(ge=1990, le=2100)
    agency: str | None = Field(default=None, max_length=200)
    published: dt.date | None = None
    cells: dict[str, float | int | None] = Field(default_factory=dict, max_length=400)
    sections: dict[str, str] = Field(default_factory=dict, max_length=10)


def _json_form(body: ComposeIn) -> FormData:
    items: list[tuple[str, str]] = [("year", str(body.year)), ("agency", body.agency or "")]
    if body.published:
        items.append(("published", body.published.isoformat()))
    items += [(CELL_FIELD + k, "" if v is None else str(v)) for k, v in body.cells.items()]
    items += [(SECTION_FIELD + k, v[:20000]) for k, v in body.sections.items()]
    return FormData(items)


@router.post("/api/compose/check", tags=["compose"])
def compose_check_api(request: Request, body: ComposeIn,
                      user: Annotated[Principal, Depends(writer(Perm.COMPOSE))]) -> dict[str, Any]:
    """Check a composed report (cells by key, sections by key) without storing it."""
    report = _from_form(user, _json_form(body))
    unknown = sorted(set(body.cells) - set(report.spec.cells))
    if unknown:
        raise HTTPException(422, detail=f"未知的单元格：{', '.join(unknown[:5])}")
    found = checks.run(report, _previous(request, report))
    return {"findings": [f.to_dict() for f in found], "marks": marks_of(found).to_dict()}


@router.post("/api/compose/render", tags=["compose"])
def compose_render_api(request: Request, body: ComposeIn,
                       user: Annotated[Principal, Depends(writer(Perm.COMPOSE))],
                       format: Annotated[str, Query(pattern="^(docx|html)$")] = "docx") -> Response:
    """The composed report as a DOCX or HTML file in the official layout."""
    report = _from_form(user, _json_form(body))
    request.app.state.backend.audit_event(user, "compose_download", f"agency:{report.agency}"[:100],
                                          {"year": report.year, "format": format})
    return _download(report, format)


@router.post("/api/compose/save", tags=["compose"])
def compose_save_api(request: Request, body: ComposeIn,
                     user: Annotated[Principal, Depends(writer(Perm.COMPOSE))]) -> dict[str, Any]:
    """Store the composed report in the library (a new report, or a new version of the agency's
    report of that year); answers its id."""
    rid = _save(request, user, _from_form(user, _json_form(body)))
    return {"report_id": rid, "url": f"/reports/{rid}"}
