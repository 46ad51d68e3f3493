"""The pdfium entry points the PDF reader calls once per glyph or page object, declared untyped.

pypdfium2's bindings declare every handle argument as a typed pointer and return handles as new
pointer objects: ctypes checks and converts each argument on every call, which is half the cost
of a per-glyph query. The same C functions are declared here without argument types, so handles
are passed as the `c_void_p` they already are, integers as C ints, and out-parameters as the
address of a buffer allocated once (`out`). Only functions whose arguments are all handles,
pointers and ints are declared this way (an untyped float argument would be passed wrongly).
"""

from __future__ import annotations

import codecs
import ctypes
import struct
from typing import Any

import pypdfium2.raw as pdfium_c


class Handle(ctypes.c_void_p):
    """A pdfium handle returned as is (a `c_void_p` subclass is not converted to an int)."""


def _untyped(fn: Any, restype: Any = ctypes.c_int) -> Any:
    proto = ctypes.CFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)
    proto.argtypes = None  # no per-call conversion: callers pass c_void_p, ints and addresses
    return proto


def handle(obj: Any) -> Handle:
    """A pypdfium2 raw handle (typed pointer) as an untyped one."""
    return Handle(ctypes.cast(obj, ctypes.c_void_p).value)


def out(ctype: Any) -> tuple[Any, ctypes.c_void_p]:
    """A buffer and its address, to pass as an out-parameter."""
    buf = ctype()
    return buf, ctypes.c_void_p(ctypes.addressof(buf))


# (textpage, index, FS_RECTF*) → bool; FS_RECTF is left, top, right, bottom.
text_loose_box = _untyped(pdfium_c.FPDFText_GetLooseCharBox)
# (textpage, index, FS_MATRIX*) → bool; FS_MATRIX is a, b, c, d, e, f.
text_matrix = _untyped(pdfium_c.FPDFText_GetMatrix)
# (textpage, index) → bool
text_map_error = _untyped(pdfium_c.FPDFText_HasUnicodeMapError)
# (page, index) → page object
page_object = _untyped(pdfium_c.FPDFPage_GetObject, Handle)
# (page object) → FPDF_PAGEOBJ_*
object_type = _untyped(pdfium_c.FPDFPageObj_GetType)
# (form object, index) → page object
form_object = _untyped(pdfium_c.FPDFFormObj_GetObject, Handle)
# (form object) → count
form_count = _untyped(pdfium_c.FPDFFormObj_CountObjects)

RECT = struct.Struct("4f").unpack_from  # FS_RECTF → (left, top, right, bottom)
MATRIX = struct.Struct("6f").unpack_from  # FS_MATRIX → (a, b, c, d, e, f)
# (path object) → number of segments
path_count_segments = _untyped(pdfium_c.FPDFPath_CountSegments)
# (path object, int* fill mode, FPDF_BOOL* stroke) → bool
path_draw_mode = _untyped(pdfium_c.FPDFPath_GetDrawMode)
# (page object, unsigned* r, g, b, a) → bool
stroke_color = _untyped(pdfium_c.FPDFPageObj_GetStrokeColor)
fill_color = _untyped(pdfium_c.FPDFPageObj_GetFillColor)
# (page object, float* left, bottom, right, top) → bool
object_bounds = _untyped(pdfium_c.FPDFPageObj_GetBounds)
# (page object, FS_MATRIX*) → bool
object_matrix = _untyped(pdfium_c.FPDFPageObj_GetMatrix)
# (path object, index) → segment; (segment, float* x, float* y) → bool; (segment) → type, closes
path_segment = _untyped(pdfium_c.FPDFPath_GetPathSegment, Handle)
segment_point = _untyped(pdfium_c.FPDFPathSegment_GetPoint)
segment_type = _untyped(pdfium_c.FPDFPathSegment_GetType)
segment_close = _untyped(pdfium_c.FPDFPathSegment_GetClose)

FLOATS2 = struct.Struct("2f").unpack_from
INTS2 = struct.Struct("2i").unpack_from
UINTS4 = struct.Struct("4I").unpack_from


def text_range(textpage: Any, n: int) -> str:
    """The text of a raw text page of n > 0 characters, as pypdfium2's
    `PdfTextPage.get_text_range()` gives it (characters pdfium leaves out of its text at either
    end are not asked for), without needing its `PdfTextPage` object."""
    first, last = 0, n - 1
    while True:
        if first > last:
            return ""
        t_start = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, first)
        if t_start == -1:
            first += 1
            continue
        t_end = pdfium_c.FPDFText_GetTextIndexFromCharIndex(textpage, last)
        if t_end == -1:
            last -= 1
            continue
        break
    # With the terminating NUL; the length rounded up to a power of two, as ctypes makes (and
    # caches) an array type per length: a new type costs 50 times a buffer.
    size = t_end + 2 - t_start
    buffer = (ctypes.c_ushort * (1 << max(10, (size - 1).bit_length())))()
    written = pdfium_c.FPDFText_GetText(textpage, first, last - first + 1, buffer)
    end = written - 1 if written > 0 else size - 1  # (pypdfium2 slices its exact buffer [:-1])
    return codecs.decode(memoryview(buffer)[:end], "utf-16-le", errors="ignore")


def out_array(ctype: Any, n: int) -> tuple[Any, list[ctypes.c_void_p]]:
    """An array of n values and the address of each element, to pass as n out-parameters."""
    buf = (ctype * n)()
    size = ctypes.sizeof(ctype)
    base = ctypes.addressof(buf)
    return buf, [ctypes.c_void_p(base + k * size) for k in range(n)]
