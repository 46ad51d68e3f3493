"""Formats read through LibreOffice: legacy Word/WPS (.doc, .wps), RTF and ODT → DOCX.

These are converted with LibreOffice headless when it is installed (`soffice`), then read by the
DOCX reader; without it the user gets one line naming the file and the missing tool.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ReadError

CONVERT_TIMEOUT = 120  # seconds: a report converts in a few; a hung office process must not block a batch

_KINDS = {"doc": ("旧版 Word/WPS 文档（.doc/.wps）", "legacy Word or WPS document (.doc/.wps)"),
          "rtf": ("RTF 文档", "RTF document"),
          "odt": ("OpenDocument 文档（.odt）", "OpenDocument text (.odt)")}


def office_kind(data: bytes) -> str | None:
    """Which LibreOffice-readable word-processor format `data` is, if any.

    OLE compound files holding a "WordDocument" stream are Word 97–2003 and WPS documents; an
    encrypted DOCX is an OLE file too, but with an "EncryptedPackage" (the DOCX reader explains it).
    """
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptedPackage".encode("utf-16-le") in data:
            return None
        return "doc" if "WordDocument".encode("utf-16-le") in data else None
    if data.lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if data.startswith(b"PK\x03\x04") and b"mimetypeapplication/vnd.oasis.opendocument.text" in data[:200]:
        return "odt"
    return None


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(data: bytes, name: str, kind: str) -> bytes:
    """Convert a document of `kind` (see `office_kind`) to DOCX bytes with LibreOffice."""
    zh, en = _KINDS[kind]
    soffice = _soffice()
    if soffice is None:
        raise ReadError(name, f"是{zh}，需要 LibreOffice 转换，但本机未安装 LibreOffice（soffice）"
                              f" / a {en}: reading it needs LibreOffice (soffice), which is not installed")
    with tempfile.TemporaryDirectory(prefix="xxgk-convert-") as tmp:
        src = Path(tmp) / f"report.{kind}"
        src.write_bytes(data)
        # A private profile: a user's running LibreOffice or a stale lock must not block us.
        cmd = [soffice, f"-env:UserInstallation={Path(tmp, 'profile').as_uri()}", "--headless",
               "--norestore", "--nolockcheck", "--convert-to", "docx", "--outdir", tmp, str(src)]
        try:
            subprocess.run(cmd, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise ReadError(name, f"LibreOffice 转换超时（{CONVERT_TIMEOUT} 秒）/ LibreOffice conversion "
                                  f"timed out ({CONVERT_TIMEOUT} s)") from None
        out = Path(tmp) / "report.docx"
        if not out.exists() or out.stat().st_size == 0:
            raise ReadError(name, f"LibreOffice 无法转换此{zh}（文件可能已损坏）"
                                  f" / LibreOffice could not convert this {en} (the file may be damaged)")
        return out.read_bytes()
