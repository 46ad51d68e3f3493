"""PNG, JPEG and TIFF images of a report (a photographed or scanned page, a multi-page TIFF from a
scanner) → `Document`, read by OCR (`ocr`).

Recognised by their first bytes, whatever the file is called. Each page (each frame of a TIFF) is
turned upright by its EXIF orientation and read at its own resolution (the dpi the file records;
without one, as if the image were a page of A4 width). Cell boxes are in points of that page, like
a PDF's: `bbox × dpi / 72` gives image pixels (`doc.meta["dpi"]`).

Refused with one clear `ReadError` each: OCR not installed, a damaged or truncated image, one of
more than `scan.MAX_PIXELS` pixels per page or more than `ocr.MAX_OCR_PAGES` pages, an image with
no text, and an image with text but no table (a photo of a notice is not a report).
"""

from __future__ import annotations

import io
import warnings

from ..document import Document
from ..errors import ReadError

SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"II*\x00": "TIFF", b"MM\x00*": "TIFF"}
A4_WIDTH_IN = 8.27
MIN_DPI, MAX_DPI = 50.0, 1200.0

DAMAGED = "图片已损坏或不完整，无法读取 / damaged or truncated image, cannot be read"
TOO_BIG = ("图片过大（{n} 像素，上限 {limit} 像素）/ image too large ({n} pixels, limit {limit})")
NO_TEXT = "图片中没有可识别的文字 / no text found in the image"
NO_TABLE = ("图片中没有表格，不是年度报告 / no table in the image: not an annual report")


def image_kind(data: bytes) -> str | None:
    """"PNG", "JPEG" or "TIFF" when `data` starts like one."""
    return next((kind for sig, kind in SIGNATURES.items() if data.startswith(sig)), None)


def read_image(data: bytes, name: str) -> Document:
    """Read an image of a report (one page, or a TIFF of several) by OCR."""
    from . import ocr, ocr_engine

    ocr_engine.engine(name)  # OCR missing: say so before anything else
    kind = image_kind(data) or "image"
    pages = _pages(data, name)
    doc = ocr.read_images(pages, name, form=kind.lower())
    doc.meta["dpi"] = ",".join(f"{dpi:.0f}" for _, dpi in pages)
    if not any(doc.glyphs.values()):
        raise ReadError(name, NO_TEXT)
    if not doc.tables():
        raise ReadError(name, NO_TABLE)
    return doc


def _pages(data: bytes, name: str) -> list:
    """The image's frames as grey arrays with their dpi, upright."""
    import numpy as np
    from PIL import Image, ImageOps, UnidentifiedImageError

    from .ocr import MAX_OCR_PAGES, TOO_MANY_SCANNED
    from .scan import MAX_PIXELS

    out = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            image = Image.open(io.BytesIO(data))
            frames = getattr(image, "n_frames", 1)
            if frames > MAX_OCR_PAGES:
                raise ReadError(name, TOO_MANY_SCANNED.format(n=frames, limit=MAX_OCR_PAGES))
            for k in range(frames):
                image.seek(k)
                w, h = image.size
                if w * h > MAX_PIXELS:
                    raise ReadError(name, TOO_BIG.format(n=w * h, limit=MAX_PIXELS))
                frame = ImageOps.exif_transpose(image) if k == 0 else image
                gray = np.asarray(frame.convert("L"))
                out.append((gray, _dpi(image.info.get("dpi"), gray.shape[1], gray.shape[0])))
    except ReadError:
        raise
    except Image.DecompressionBombError:
        raise ReadError(name, TOO_BIG.format(n="?", limit=MAX_PIXELS)) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise ReadError(name, DAMAGED) from None
    return out


def _dpi(recorded: object, width: int, height: int) -> float:
    """The resolution the file records, if plausible; else that of a page of A4 width (the
    shorter side of a landscape page)."""
    try:
        dpi = float(recorded[0])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    if MIN_DPI <= dpi <= MAX_DPI:
        return dpi
    return min(MAX_DPI, max(MIN_DPI, min(width, height) / A4_WIDTH_IN))


__all__ = ["image_kind", "read_image"]
