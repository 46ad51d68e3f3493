"""Upload: several files at once (drag and drop, one request per file from the page so each shows
its own progress and result); each file is stored by the library in its own transaction.

Who may upload what: an administrator anything; a reviewer the reports of agencies in their region;
an agency editor their own agency's reports only (a new report, or a corrected file of one stored).
The agency is the one the document itself names (the file name when it names none), found as the
library would file it: a file is read before it is stored, and one outside the uploader's scope is
refused without anything written. A request whose every file is refused answers 403."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ...ingest import Bad, IsolatedParser
from ..auth import actor, Perm, Principal
from ..deps import api_with, page_with, writer
from ..templating import render


router = APIRouter()
# Uploaded files are read in a parser process (one per server process, shared by its apps): a
# file that hangs or crashes the parser fails alone, the server goes on.
parser = IsolatedParser()


class UploadResult(BaseModel):
    name: str
    status: str  # ingested | reparsed | duplicate | failed | refused (outside the user's scope)
    report_id: int | None = None
    version: int | None = None
    agency: str | None = None
    year: int | None = None
    errors: int | None = None
    warnings: int | None = None
    url: str | None = None
    error: str | None = None


class UploadResults(BaseModel):
    results: list[UploadResult]


@router.get("/upload", include_in_schema=False)
def upload_page(request: Request, user: Annotated[Principal, Depends(page_with(Perm.UPLOAD))]) -> Response:
    s = request.app.state.settings
    return render(request, "upload.html", {
        "nav": "upload", "max_mb": s.max_upload_bytes // 2**20,
        "suffixes": "、".join(s.upload_suffixes), "accept": ",".join(s.upload_suffixes)})


class UploadLimits(BaseModel):
    max_bytes: int
    max_files: int
    suffixes: list[str]


@router.get("/api/uploads", tags=["upload"])
def upload_limits(request: Request, user: Annotated[Principal, Depends(api_with(Perm.UPLOAD))]) -> UploadLimits:
    """The upload page's data: what one request may carry (bytes, files, file types)."""
    s = request.app.state.settings
    return UploadLimits(max_bytes=s.max_upload_bytes, max_files=s.max_files,
                        suffixes=list(s.upload_suffixes))


def _one(request: Request, user: Principal, name: str, data: bytes) -> UploadResult:
    settings = request.app.state.settings
    lib = request.app.state.lib
    suffix = PurePath(name).suffix.lower()
    if suffix not in settings.upload_suffixes:
        return UploadResult(name=name, status="failed",
                            error=f"不支持的文件类型“{suffix or '无扩展名'}”，可上传："
                                  f"{'、'.join(settings.upload_suffixes)}")
    if not data:
        return UploadResult(name=name, status="failed", error="文件为空")
    # A reviewer's uploads of agencies new to the library are filed under the reviewer's region
    # (unless the agency's name places it elsewhere); an editor adds to their own agency only.
    fallback = user.region if user.role == "reviewer" else None
    parsed = parser(name, data)
    if isinstance(parsed, Bad):
        return UploadResult(name=name, status="failed", error=parsed.reason)
    if user.role != "admin":
        agency_id, region = request.app.state.backend.filing_of(parsed.agency, fallback)
        if not user.covers(agency_id, region):
            return UploadResult(name=name, status="refused", agency=parsed.agency,
                                year=parsed.year,
                                error=f"该报告属于“{parsed.agency}”，不在您的管辖范围内，未入库")
    try:
        res = lib.add_file(data, name, actor=actor(user), region=fallback, parsed=parsed)
    except Exception as e:  # the library reports bad files as results; anything else is one line
        return UploadResult(name=name, status="failed", error=f"内部错误：{type(e).__name__}")
    if res.status == "failed" or res.report_id is None:
        return UploadResult(name=name, status="failed", error=res.reason or "无法读取")
    row = request.app.state.backend.report_row(res.report_id)
    if row is None or not user.covers(row.agency_id, row.region):
        # Only when the roster changed between the check and the write (an agency renamed).
        return UploadResult(name=name, status="outside", report_id=None,
                            error="已入库，但该机关不在您的管辖范围内")
    return UploadResult(name=name, status=res.status, report_id=res.report_id,
                        version=res.version, agency=row.agency, year=row.year,
                        errors=row.errors, warnings=row.warnings,
                        url=f"/reports/{res.report_id}")


@router.post("/api/uploads", tags=["upload"], responses={403: {"model": UploadResults}})
async def upload(request: Request, user: Annotated[Principal, Depends(writer(Perm.UPLOAD))],
                 files: Annotated[list[UploadFile], File(description="报告文件，可多个")]) -> UploadResults:
    """Store uploaded report files; one result per file (ingested, duplicate, failed with the
    reason). Limits: size of the request, number of files, file types."""
    settings = request.app.state.settings
    if len(files) > settings.max_files:
        raise HTTPException(413, detail=f"一次最多上传 {settings.max_files} 个文件。")
    results = []
    for f in files:
        name = PurePath((f.filename or "upload").replace("\\", "/")).name[:200] or "upload"
        data = await f.read()
        results.append(await run_in_threadpool(_one, request, user, name, data))
    out = UploadResults(results=results)
    if all(r.status in ("refused", "failed") for r in results) and any(
            r.status == "refused" for r in results):
        return JSONResponse(out.model_dump(), status_code=403)
    return out
