"""Upload: several files at once (drag and drop, one request per file from the page so each shows
its own progress and result); each file is stored by the library in its own transaction."""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from ..auth import actor, Perm, Principal
from ..deps import page_with, writer
from ..templating import render


router = APIRouter()


class UploadResult(BaseModel):
    name: str
    status: str  # ingested | reparsed | duplicate | failed | outside
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
    try:
        res = lib.add_file(data, name, actor=actor(user), region=user.region)
    except Exception as e:  # the library reports bad files as results; anything else is one line
        return UploadResult(name=name, status="failed", error=f"内部错误：{type(e).__name__}")
    if res.status == "failed" or res.report_id is None:
        return UploadResult(name=name, status="failed", error=res.reason or "无法读取")
    row = request.app.state.backend.report_row(res.report_id)
    if row is None or not user.covers(row.agency_id, row.region):
        return UploadResult(name=name, status="outside", report_id=None,
                            error="已入库，但该机关不在您的管辖范围内")
    return UploadResult(name=name, status=res.status, report_id=res.report_id,
                        version=res.version, agency=row.agency, year=row.year,
                        errors=row.errors, warnings=row.warnings,
                        url=f"/reports/{res.report_id}")


@router.post("/api/uploads", tags=["upload"])
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
    return UploadResults(results=results)
