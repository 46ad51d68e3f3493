"""Readers: a file or bytes → `Document`.

`read_path` and `read_bytes` are the entry points, dispatching on content, whatever the file name:
.doc/.wps, RTF and ODT are converted to DOCX with LibreOffice (`convert`), an XLSX workbook goes to
`xlsx.read_xlsx`, another zip or OLE container to `docx.read_docx` (which explains encrypted files),
PNG/JPEG/TIFF images to `image.read_image` (OCR), `%PDF-` to `pdf.read_pdf` (scanned pages by
OCR), HTML markup to `html.read_html`; anything else is decoded
(`encoding.decode`) and read by `text.read_text`, which recognises DOCX-extracted, PDF-extracted,
Markdown and web-copied text.
Every problem with the input is a `ReadError`: one line naming the file, never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from ..document import Document
from ..errors import ReadError

MAX_BYTES = 50 * 1024 * 1024  # a report is at most a few MB; beyond this it is not a report


def _too_large(size: int) -> str:
    mb = MAX_BYTES // (1024 * 1024)
    return f"文件过大（{size} 字节，上限 {mb} MB）/ file too large ({size} bytes, limit {mb} MB)"


def _os_problem(err: OSError) -> str:
    if isinstance(err, FileNotFoundError):
        return "文件不存在 / no such file"
    if isinstance(err, PermissionError):
        return "没有读取权限 / permission denied"
    if isinstance(err, IsADirectoryError) or err.errno == errno.EISDIR:
        return "是目录，不是文件 / is a directory, not a file"
    reason = err.strerror or type(err).__name__
    return f"无法读取文件（{reason}）/ cannot read the file ({reason})"


def read_file(path: Path, name: str) -> bytes:
    """The file's bytes, refusing directories and files over MAX_BYTES."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_BYTES:
            raise ReadError(name, _too_large(info.st_size))
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)  # pipes and devices have no size: read one byte past
    except OSError as err:
        raise ReadError(name, _os_problem(err)) from None
    if len(data) > MAX_BYTES:
        raise ReadError(name, _too_large(len(data)))
    return data


def read_path(path: Path) -> Document:
    """Read a report file (text, Markdown or HTML). The path as given names it in messages."""
    name = str(path)
    return read_bytes(read_file(Path(path), name), name)


def read_bytes(data: bytes, name: str) -> Document:
    """Read report bytes; `name` is the file name for messages and provenance."""
    if len(data) > MAX_BYTES:
        raise ReadError(name, _too_large(len(data)))
    # Imported here so a text file does not load the DOCX and PDF libraries.
    from .encoding import decode, sniff_html

    from .convert import office_kind

    kind = office_kind(data)
    if kind is not None:
        from .convert import read_converted

        return read_converted(data, name, kind)  # through LibreOffice: .doc/.wps/.rtf/.odt, .xls/.et
    if data.startswith(b"PK\x03\x04"):
        from .xlsx import is_workbook, read_xlsx

        if is_workbook(data):
            return read_xlsx(data, name)
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")):
        from .image import read_image  # PNG, JPEG, TIFF: read by OCR

        return read_image(data, name)
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")):
        from .docx import read_docx

        return read_docx(data, name)
    if b"%PDF-" in data[:1024]:
        from .pdf import read_pdf

        return read_pdf(data, name)
    if sniff_html(data):
        from .html import read_html

        return read_html(data, name)
    from .text import read_text

    text, encoding = decode(data, name)
    doc = read_text(text, name)
    doc.meta.setdefault("encoding", encoding)
    return doc


__all__ = ["MAX_BYTES", "read_bytes", "read_path"]
