"""Opening ZIP containers (DOCX, later XLSX and ODT) without trusting their headers.

A ZIP archive describes its own sizes, and a hostile one lies: a few kilobytes can claim (or
really inflate to) gigabytes, or hold millions of entries. `open_zip` refuses archives whose
central directory already announces too much (entries, total size, compression ratio);
`read_member` then reads one entry in chunks and stops as soon as the bytes actually produced
exceed the caller's limit or the ratio, so a header that lies cannot exhaust memory either.
Every problem is a `ReadError` naming the file.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from ..errors import ReadError

MAX_ENTRIES = 5000  # a DOCX has a few dozen parts; thousands means a crafted archive
MAX_TOTAL = 200 * 1024 * 1024  # total uncompressed size announced by the central directory
MAX_RATIO = 100  # uncompressed : compressed, checked for entries over RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024  # small entries (styles, settings) may compress very well
CHUNK = 64 * 1024

NOT_ZIP = "不是 ZIP 压缩包（DOCX 等 Office 文件是 ZIP 格式）/ not a ZIP archive (DOCX and other Office files are ZIP)"
CORRUPT = "ZIP 压缩包已损坏或不完整 / the ZIP archive is corrupt or truncated"
ENCRYPTED_ENTRY = "ZIP 压缩包中的文件已加密 / the ZIP archive's entries are encrypted"


def _bomb(detail: str) -> str:
    return f"疑似 ZIP 炸弹（{detail}），拒绝解压 / suspected zip bomb ({detail}), not extracted"


def open_zip(data: bytes, name: str) -> zipfile.ZipFile:
    """The archive in `data`, after checking what its central directory announces."""
    if not data.startswith(b"PK"):
        raise ReadError(name, NOT_ZIP)
    announced = _announced_entries(data)
    if announced is not None and announced > MAX_ENTRIES:
        # Checked before zipfile builds one object per entry of a crafted directory.
        raise ReadError(name, _bomb(f"{announced} 个条目 / entries, > {MAX_ENTRIES}"))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError,
            NotImplementedError):  # NotImplementedError: an unknown zip version (a damaged header)
        raise ReadError(name, CORRUPT) from None
    if len(infos) > MAX_ENTRIES:
        raise ReadError(name, _bomb(f"{len(infos)} 个条目 / entries, > {MAX_ENTRIES}"))
    total = sum(info.file_size for info in infos)
    if total > MAX_TOTAL:
        raise ReadError(name, _bomb(f"解压后 {total} 字节 / {total} bytes uncompressed, "
                                    f"> {MAX_TOTAL // (1024 * 1024)} MB"))
    for info in infos:
        _check_ratio(info, info.file_size, name)
    return zf


def _announced_entries(data: bytes) -> int | None:
    """The entry count of the end-of-central-directory record (ZIP64 aware), None if not found."""
    at = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 0xFFFF))
    if at < 0 or len(data) < at + 22:
        return None
    count = struct.unpack_from("<H", data, at + 10)[0]
    if count != 0xFFFF or at < 20 or data[at - 20:at - 16] != b"PK\x06\x07":
        return count
    offset = struct.unpack_from("<Q", data, at - 12)[0]  # the ZIP64 end record
    if data[offset:offset + 4] != b"PK\x06\x06" or len(data) < offset + 40:
        return count
    return struct.unpack_from("<Q", data, offset + 32)[0]


def _check_ratio(info: zipfile.ZipInfo, size: int, name: str) -> None:
    if size > RATIO_FLOOR and size > MAX_RATIO * max(info.compress_size, 1):
        raise ReadError(name, _bomb(f"{info.filename} 压缩比 / compression ratio "
                                    f"{size // max(info.compress_size, 1)}:1 > {MAX_RATIO}:1"))


def read_member(zf: zipfile.ZipFile, member: str, name: str, limit: int) -> bytes:
    """The bytes of `member`, at most `limit` of them (else a `ReadError`), read in chunks."""
    try:
        info = zf.getinfo(member)
    except KeyError:
        raise ReadError(name, f"ZIP 压缩包中缺少 {member} / {member} missing from the archive") from None
    if info.flag_bits & 0x1:
        raise ReadError(name, ENCRYPTED_ENTRY)
    if info.file_size > limit:
        raise ReadError(name, _too_big(member, info.file_size, limit))
    out = bytearray()
    try:
        with zf.open(info) as f:
            while chunk := f.read(CHUNK):
                out += chunk
                if len(out) > limit:
                    raise ReadError(name, _too_big(member, len(out), limit))
                _check_ratio(info, len(out), name)
    except ReadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            RuntimeError):
        # CRC mismatch, truncated data, unsupported compression method, encryption.
        raise ReadError(name, CORRUPT) from None
    return bytes(out)


def _too_big(member: str, size: int, limit: int) -> str:
    return (f"{member} 过大（{size} 字节，上限 {limit} 字节）/ "
            f"{member} too large ({size} bytes, limit {limit} bytes)")


__all__ = ["MAX_ENTRIES", "MAX_RATIO", "MAX_TOTAL", "RATIO_FLOOR", "open_zip", "read_member"]
