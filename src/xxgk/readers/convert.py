"""Formats read through LibreOffice: legacy Word/WPS documents (.doc, .wps), RTF and ODT → DOCX;
legacy Excel workbooks and WPS spreadsheets (.xls, .et) → XLSX.

These are converted with LibreOffice headless when it is installed (`soffice`), then read by the
DOCX or XLSX reader; without it the user gets one line naming the file and the missing tool.
The kind is recognised by content, whatever the file is called: an OLE compound file holding a
"WordDocument" stream is a Word 97–2003 or WPS document, one holding a "Workbook" (or Excel 5's
"Book") stream an Excel 97–2003 workbook or a WPS spreadsheet (WPS writes .et files in the Excel
format); `{\\rtf` opens RTF; ODT is a zip whose first member names its type.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..document import Document
from ..errors import ReadError

CONVERT_TIMEOUT = 120  # seconds: a report converts in a few; a hung office process must not block a batch

_KINDS = {"doc": ("旧版 Word/WPS 文档（.doc/.wps）", "legacy Word or WPS document (.doc/.wps)"),
          "rtf": ("RTF 文档", "RTF document"),
          "odt": ("OpenDocument 文档（.odt）", "OpenDocument text (.odt)"),
          "xls": ("旧版 Excel/WPS 表格（.xls/.et）", "legacy Excel or WPS spreadsheet (.xls/.et)")}
_TARGET = {"doc": "docx", "rtf": "docx", "odt": "docx", "xls": "xlsx"}
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def office_kind(data: bytes) -> str | None:
    """Which LibreOffice-readable format `data` is, if any: "doc", "rtf", "odt" or "xls".

    An encrypted DOCX or XLSX is an OLE file too, but with an "EncryptedPackage" (the DOCX reader
    explains it).
    """
    if data.startswith(_OLE):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return None
        if "WordDocument".encode("utf-16-le") in data:
            return "doc"
        if "Workbook".encode("utf-16-le") in data or "Book\0\0".encode("utf-16-le") in data:
            return "xls"
        return None
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if data.startswith(b"PK\x03\x04") and b"mimetypeapplication/vnd.oasis.opendocument.text" in data[:200]:
        return "odt"
    return None


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def read_converted(data: bytes, name: str, kind: str) -> Document:
    """A document of `kind` (see `office_kind`) converted by LibreOffice and read; its form is
    the kind ("doc", "xls", …)."""
    converted = convert(data, name, kind)
    if _TARGET[kind] == "xlsx":
        from .xlsx import read_xlsx

        doc = read_xlsx(converted, name)
    else:
        from .docx import read_docx

        doc = read_docx(converted, name)
    doc.form = kind
    return doc


def convert(data: bytes, name: str, kind: str) -> bytes:
    """Convert a document of `kind` to DOCX (documents) or XLSX (spreadsheets) with LibreOffice."""
    zh, en = _KINDS[kind]
    target = _TARGET[kind]
    soffice = _soffice()
    if soffice is None:
        raise ReadError(name, f"是{zh}，需要 LibreOffice 转换，但本机未安装 LibreOffice（soffice）"
                              f" / a {en}: reading it needs LibreOffice (soffice), which is not installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-convert-") as tmp:
        src = Path(tmp) / f"report.{kind}"
        src.write_bytes(data)
        # A private profile: a user's running LibreOffice or a stale lock must not block us.
        cmd = [soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", target, "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise ReadError(name, f"LibreOffice 转换超时（{CONVERT_TIMEOUT} 秒）/ LibreOffice conversion "
                                  f"timed out ({CONVERT_TIMEOUT} s)") from None
        out = Path(tmp) / f"report.{target}"
        if not out.exists() or out.stat().st_size == 0:
            raise ReadError(name, f"LibreOffice 无法转换此{zh}（文件可能已损坏）"
                                  f" / LibreOffice could not convert this {en} (the file may be damaged)")
        return out.read_bytes()


def to_docx(data: bytes, name: str, kind: str) -> bytes:
    """Convert a word-processor document of `kind` to DOCX bytes (see `convert`)."""
    return convert(data, name, kind)


__all__ = ["CONVERT_TIMEOUT", "convert", "office_kind", "read_converted", "to_docx"]
