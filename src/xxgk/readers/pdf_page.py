"""One PDF page through pdfium: glyph runs and ruling lines, in the frame text is read in.

pdfium gives every glyph its loose box (advance width × font ascent/descent) in PDF user space.
Glyphs that follow each other on one baseline without a gap become a `Run` (a word or a piece of
one); what a run is next to — a space, a column, a cell border — is decided later, by geometry
(`pdf_layout`), never by the content stream's own word splitting.

Coordinates: a `Frame` turns user space (y up) into a top-left-origin frame rotated by a multiple
of 90°. Text is laid out in the frame of its own direction (so a page whose content is turned,
with or without /Rotate, reads the right way), and every box reported in a `Source` is in the
*display* frame: the page as a viewer shows it (/Rotate applied), in points from its top-left
corner.
"""

from __future__ import annotations

import ctypes
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from . import pdf_ffi as ffi

# Bounds that keep a hostile file's cost proportional to a real report's.
MAX_GLYPHS = 60_000  # per page; a dense report page has about 3 000
MAX_SEGMENTS = 30_000  # path segments examined per page for ruling lines
MAX_FORM_DEPTH = 8

# Text a broken or missing ToUnicode map produces: private use, replacement, control characters.
_BAD = re.compile("[\ue000-\uf8ff\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\U000f0000-\U0010ffff]")
# A word of pdfium's text stream: what lies between its spaces and line breaks (generated or
# printed; whether a space is printed does not matter, the gap it leaves does).
_WORD = re.compile(r"[^\s\u200b\ufeff]+")
# Kangxi radicals and CJK compatibility ideographs some fonts map common characters to
# ("⽇" for "日"): their NFKC form is the ordinary character, one for one.
_RADICALS = {cp: unicodedata.normalize("NFKC", chr(cp))
             for r in (range(0x2F00, 0x2FE0), range(0x2E80, 0x2F00), range(0xF900, 0xFB00))
             for cp in r if len(unicodedata.normalize("NFKC", chr(cp))) == 1
             and unicodedata.normalize("NFKC", chr(cp)) != chr(cp)}
_RADICAL = re.compile("[" + "".join(map(chr, sorted(_RADICALS))) + "]")  # any to translate

_ANGLE_TOLERANCE = math.radians(2.0)


@dataclass(frozen=True)
class Frame:
    """User space → a top-left-origin frame turned `rot` degrees counter-clockwise.

    For text whose baseline runs at `rot` degrees (counter-clockwise) the frame makes it run left
    to right, top to bottom; for a page with /Rotate R (clockwise) the frame with rot = R is what
    a viewer shows.
    """

    rot: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0 if self.rot in (0, 180) else self.y1 - self.y0

    @property
    def height(self) -> float:
        return self.y1 - self.y0 if self.rot in (0, 180) else self.x1 - self.x0

    def box(self, left: float, bottom: float, right: float, top: float) -> tuple[float, float, float, float]:
        """A user-space rectangle → (x0, top, x1, bottom) in this frame."""
        rot = self.rot
        if rot == 0:
            return left - self.x0, self.y1 - top, right - self.x0, self.y1 - bottom
        if rot == 90:
            return bottom - self.y0, left - self.x0, top - self.y0, right - self.x0
        if rot == 180:
            return self.x1 - right, bottom - self.y0, self.x1 - left, top - self.y0
        return self.y1 - top, self.x1 - right, self.y1 - bottom, self.x1 - left

    def unbox(self, u0: float, v0: float, u1: float, v1: float) -> tuple[float, float, float, float]:
        """The inverse of `box`: frame (x0, top, x1, bottom) → user (left, bottom, right, top)."""
        rot = self.rot
        if rot == 0:
            return u0 + self.x0, self.y1 - v1, u1 + self.x0, self.y1 - v0
        if rot == 90:
            return v0 + self.x0, u0 + self.y0, v1 + self.x0, u1 + self.y0
        if rot == 180:
            return self.x1 - u1, v0 + self.y0, self.x1 - u0, v1 + self.y0
        return self.x1 - v1, self.y1 - u1, self.x1 - v0, self.y1 - u0


@dataclass(slots=True)
class Run:
    """Glyphs on one baseline, each starting where the previous one ends."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    # The left edge of every glyph, then the right edge of the last; None for a word pdfium
    # gave whole (its glyphs are then taken as evenly spaced).
    edges: list[float] | None
    size: float  # font size in points, as printed (text matrix and CTM applied)

    def glyph_edges(self) -> list[float]:
        if self.edges is not None:
            return self.edges
        step = (self.x1 - self.x0) / max(1, len(self.text))
        return [self.x0 + k * step for k in range(len(self.text) + 1)]

    @property
    def height(self) -> float:
        return self.bottom - self.top


@dataclass(slots=True)
class Rule:
    """A ruling line: `pos` across it, [a, b] along it (frame coordinates)."""

    pos: float
    a: float
    b: float


@dataclass
class View:
    """What one text direction of a page holds, in that direction's frame."""

    frame: Frame
    runs: list[Run] = field(default_factory=list)
    hrules: list[Rule] = field(default_factory=list)
    vrules: list[Rule] = field(default_factory=list)


@dataclass
class PageContent:
    number: int  # 1-based
    display: Frame
    views: list[View]  # the main text direction first
    glyphs: int = 0
    bad_glyphs: int = 0
    image_area: float = 0.0  # share of the page covered by images (a scan covers all of it)

    def display_bbox(self, frame: Frame, box: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        """A box in `frame` → the display frame, rounded to 0.1 pt."""
        if frame.rot != self.display.rot:
            box = self.display.box(*frame.unbox(*box))
        x0, top, x1, bottom = box
        return (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))

    def display_rounder(self, frame: Frame) -> Callable[[float, float, float, float], tuple[float, float, float, float]]:
        """`display_bbox` for `frame` as a function of the four coordinates (for a table's cells:
        when `frame` is the display frame, rounding is all there is to do)."""
        if frame.rot == self.display.rot:
            return lambda x0, top, x1, bottom: (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))
        return lambda x0, top, x1, bottom: self.display_bbox(frame, (x0, top, x1, bottom))


class PageTooDense(Exception):
    """A page with more glyphs than any report page (MAX_GLYPHS)."""


def extract(page: Any, number: int) -> PageContent:
    """Runs and rules of one page, grouped by text direction. `page` is a raw pdfium page
    (`FPDF_LoadPage`), and its text page is loaded and closed here: pypdfium2's page and text page
    objects (a finalizer and weak references each) cost about 25 µs a page, for nothing used here."""
    box = pdfium_c.FS_RECTF()
    if not pdfium_c.FPDF_GetPageBoundingBox(page, box):
        raise pdfium.PdfiumError("Failed to get page bounding box.")
    left, bottom, right, top = box.left, box.bottom, box.right, box.top
    quarter = pdfium_c.FPDFPage_GetRotation(page)
    if quarter == -1:
        raise pdfium.PdfiumError("Failed to get page rotation.")
    rotation = (0, 90, 180, 270)[quarter]
    display = Frame(rotation, left, bottom, right, top)
    content = PageContent(number, display, [])
    textpage = pdfium_c.FPDFText_LoadPage(page)
    if not textpage:
        raise pdfium.PdfiumError("Failed to load text page.")
    try:
        runs_by_rot = _runs(textpage, content, (left, bottom, right, top))
    finally:
        pdfium_c.FPDFText_ClosePage(textpage)
    hrules, vrules, image_area = _graphics(page)
    content.image_area = image_area / max(1.0, (right - left) * (top - bottom))
    if len(runs_by_rot) == 1:
        main = next(iter(runs_by_rot))
    else:
        main = max(runs_by_rot, key=lambda r: sum([len(x.text) for x in runs_by_rot[r]]), default=rotation)
    for rot in [main, *sorted(r for r in runs_by_rot if r != main)]:
        frame = Frame(rot, left, bottom, right, top)
        view = View(frame, _on_page(runs_by_rot.get(rot, []), frame))
        _add_rules(view, hrules, vrules)
        content.views.append(view)
    return content


def _on_page(runs: list[Run], frame: Frame) -> list[Run]:
    """Text placed outside the page box is not printed (a producer's hidden leftovers)."""
    w, h = frame.width, frame.height
    return [r for r in runs if 0 <= (r.x0 + r.x1) / 2 <= w and 0 <= (r.top + r.bottom) / 2 <= h]


# --------------------------------------------------------------------------- glyphs

class _Glyphs:
    """Per-glyph queries on a pdfium text page (each one a C call: ask only what is needed)."""

    def __init__(self, textpage: Any, pagebox: tuple[float, float, float, float]):
        self.raw = textpage
        self.handle = ffi.handle(textpage)
        left, bottom, right, top = pagebox
        self.frames = {rot: Frame(rot, left, bottom, right, top) for rot in (0, 90, 180, 270)}
        self.rect, self.rect_out = ffi.out(pdfium_c.FS_RECTF)
        self.matrix, self.matrix_out = ffi.out(pdfium_c.FS_MATRIX)
        # Font size by (matrix, box height): glyphs of one font at one size share both.
        self._sizes: dict[tuple[float, ...], float] = {}
        # Quarter turn by matrix (a, b): a page has a handful.
        self._turns: dict[tuple[float, float], int | None] = {}

    def box(self, k: int) -> tuple[float, float, float, float]:
        """Loose box (left, bottom, right, top) in user space."""
        ffi.text_loose_box(self.handle, k, self.rect_out)
        left, top, right, bottom = ffi.RECT(self.rect)
        return left, bottom, right, top

    def style(self, k: int, box: tuple[float, float, float, float]) -> tuple[int | None, float, bool]:
        """(quarter turn of the text, None when off-axis; font size as printed; Unicode map
        broken) of glyph k, whose loose box is `box`."""
        h = self.handle
        ffi.text_matrix(h, k, self.matrix_out)
        a, b, c, d, _, _ = ffi.MATRIX(self.matrix)
        turn = self._turn(a, b)
        across = box[3] - box[1] if turn in (0, 180) else box[2] - box[0]
        return turn, self.size(k, a, b, c, d, across), bool(ffi.text_map_error(h, k))

    def _turn(self, a: float, b: float) -> int | None:
        turn = self._turns.get((a, b), -1)
        if turn == -1:
            turn = 0 if b == 0 and a > 0 else _rotation_of(a, b)
            self._turns[(a, b)] = turn
        return turn

    def size(self, k: int, a: float, b: float, c: float, d: float, across: float) -> float:
        key = (a, b, c, d, round(across, 2))
        size = self._sizes.get(key)
        if size is None:
            size = pdfium_c.FPDFText_GetFontSize(self.raw, k) * math.sqrt(abs(a * d - b * c))
            self._sizes[key] = size
        return size


def _runs(textpage: Any, content: PageContent,
          pagebox: tuple[float, float, float, float]) -> dict[int, list[Run]]:
    """The page's runs by text direction.

    pdfium's text stream separates words (its generated spaces and line breaks). A word is taken
    as one run when its first and last glyphs show it is: on one baseline, in order, and no wider
    than its glyphs' advances allow (no hidden gap). Otherwise, and for text with unreadable
    characters, its glyphs are examined one by one.

    The loop runs once per word of every page: the glyph queries of `_Glyphs.box` and
    `_Glyphs.style` are written out in it.
    """
    raw = textpage
    n = pdfium_c.FPDFText_CountChars(raw)
    if n <= 0:
        return {}
    if n > MAX_GLYPHS:
        raise PageTooDense(n)
    text = ffi.text_range(raw, n)
    if len(text) != n:  # pdfium left out or inserted characters: ask per glyph
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, k) or 0xFFFD) for k in range(n))
    if _RADICAL.search(text) is not None:  # rare: spare the per-character translation
        text = text.translate(_RADICALS)
    suspicious = _BAD.search(text) is not None
    g = _Glyphs(textpage, pagebox)
    h = g.handle
    get_box, rect_out, rect, unpack_rect = ffi.text_loose_box, g.rect_out, g.rect, ffi.RECT
    get_matrix, matrix_out, matrix = ffi.text_matrix, g.matrix_out, g.matrix
    matrix_abcd = (ctypes.c_char * 16).from_buffer(matrix)  # its bytes: a, b, c, d as floats
    map_error = ffi.text_map_error
    frames = g.frames
    # Per text matrix (by its bytes, cheaper than its four floats): the quarter turn, and font
    # sizes by the exact glyph height (no rounding), for `_Glyphs.size`.
    styles: dict[bytes, tuple[int | None, dict[float, float], tuple[float, float, float, float]]] = {}
    ox, oy = frames[0].x0, frames[0].y1
    runs: dict[int, list[Run]] = {}
    glyphs = bad = 0
    for m in _WORD.finditer(text):
        a, b = m.span()
        glyphs += b - a
        if suspicious and _BAD.search(text, a, b):
            bad += _glyph_runs(g, text, a, b, runs)
            continue
        get_box(h, a, rect_out)
        left, top, right, bottom = unpack_rect(rect)
        get_matrix(h, a, matrix_out)
        style = styles.get(matrix_abcd.raw)
        if style is None:
            ma, mb, mc, md, _, _ = ffi.MATRIX(matrix)
            style = styles[matrix_abcd.raw] = (g._turn(ma, mb), {}, (ma, mb, mc, md))
        turn, sizes, abcd = style
        across = top - bottom if turn == 0 or turn == 180 else right - left
        size = sizes.get(across)
        if size is None:
            size = sizes[across] = g.size(a, *abcd, across)
        if map_error(h, a):
            bad += b - a
            continue
        if turn is None:
            continue
        # The word as one run (`Frame.box` written out for upright text), or its glyphs one by
        # one when its first and last glyphs do not show a plain word.
        if turn == 0:
            x0, y0, x1, y1 = left - ox, oy - top, right - ox, oy - bottom
        else:
            x0, y0, x1, y1 = frames[turn].box(left, bottom, right, top)
        if not 1.0 <= size <= 1000.0:  # no usable size: the box height is close to it
            size = y1 - y0
        if b - a == 1:
            run = Run(text[a:b], x0, y0, x1, y1, None, size) if y1 > y0 else None
        else:
            get_box(h, b - 1, rect_out)
            left, top, right, bottom = unpack_rect(rect)
            if turn == 0:
                lx0, ly0, lx1, ly1 = left - ox, oy - top, right - ox, oy - bottom
            else:
                lx0, ly0, lx1, ly1 = frames[turn].box(left, bottom, right, top)
            # max() and min() written out (this runs for every word)
            height = ly1 - ly0 if ly1 - ly0 > y1 - y0 else y1 - y0
            advance = lx1 - lx0 if lx1 - lx0 > x1 - x0 else x1 - x0
            width = lx1 - x0
            # On one baseline, in order, and no wider than the glyphs' advances allow.
            if height > 0 and abs(ly1 - y1) <= 0.25 * height and lx0 >= x1 - 0.1 * height \
                    and 0 < width <= (b - a - 1) * advance * 1.1 + (lx1 - lx0) + 0.1 * height:
                run = Run(text[a:b], x0, ly0 if ly0 < y0 else y0, lx1, ly1 if ly1 > y1 else y1, None, size)
            else:
                run = None
        if run is not None:
            try:
                runs[turn].append(run)
            except KeyError:
                runs[turn] = [run]
        else:
            bad += _glyph_runs(g, text, a, b, runs)
    content.glyphs += glyphs
    content.bad_glyphs += bad
    return runs


def _glyph_runs(g: _Glyphs, text: str, a: int, b: int, runs: dict[int, list[Run]]) -> int:
    """Runs of the glyphs text[a:b] one by one (adjacent on one baseline); returns how many
    glyphs were unreadable (private use, unmapped, …) and left out."""
    bad = 0
    cur: Run | None = None
    turn: int | None = 0
    frame = g.frames[0]
    broken = False
    for k in range(a, b):
        ch = text[k]
        if _BAD.match(ch):
            bad += 1
            cur = None
            continue
        left, bottom, right, top = g.box(k)
        if cur is not None:
            x0, y0, x1, y1 = frame.box(left, bottom, right, top)
            h = y1 - y0
            if h > 0 and -0.25 * h <= x0 - cur.x1 <= 0.1 * h and abs(y1 - cur.bottom) <= 0.2 * h:
                cur.text += ch
                cur.x1 = max(cur.x1, x1)
                cur.top, cur.bottom = min(cur.top, y0), max(cur.bottom, y1)
                assert cur.edges is not None
                cur.edges[-1] = x0
                cur.edges.append(x1)
                continue
        if right <= left and top <= bottom:
            cur = None
            continue  # a glyph without extent (pdfium's own markers)
        turn, size, broken = g.style(k, (left, bottom, right, top))
        if broken:
            bad += 1
        if turn is None or broken:
            cur = None
            continue
        frame = g.frames[turn]
        x0, y0, x1, y1 = frame.box(left, bottom, right, top)
        if not 1.0 <= size <= 1000.0:
            size = y1 - y0
        cur = Run(ch, x0, y0, x1, y1, [x0, x1], size)
        runs.setdefault(turn, []).append(cur)
    return bad


def _rotation_of(a: float, b: float) -> int | None:
    """The quarter turn (counter-clockwise) of a glyph whose matrix maps the baseline to (a, b);
    None when the text runs off-axis."""
    if a == 0 and b == 0:
        return 0
    angle = math.atan2(b, a) % (2 * math.pi)
    quarter = round(angle / (math.pi / 2))
    if abs(angle - quarter * math.pi / 2) > _ANGLE_TOLERANCE:
        return None
    return 90 * (quarter % 4)


# --------------------------------------------------------------------------- graphics

_Matrix = tuple[float, float, float, float, float, float]
_IDENTITY: _Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)


def _compose(m: _Matrix, n: _Matrix) -> _Matrix:
    """Apply m, then n (PDF row-vector convention)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


class _Graphics:
    """Axis-aligned line segments in user space and the image area, gathered from page objects
    (the ctypes out-parameters are allocated once: this runs for every object of every page;
    objects are untyped handles, see `pdf_ffi`)."""

    def __init__(self) -> None:
        self.hsegs: list[tuple[float, float, float]] = []  # (y, x0, x1)
        self.vsegs: list[tuple[float, float, float]] = []  # (x, y0, y1)
        self.image_area = 0.0
        self.segments = 0
        self._f, self._f_out = ffi.out_array(ctypes.c_float, 4)
        self._mode, self._mode_out = ffi.out_array(ctypes.c_int, 2)
        self._rgba, self._rgba_out = ffi.out_array(ctypes.c_uint, 4)
        self._matrix, self._matrix_out = ffi.out(pdfium_c.FS_MATRIX)

    def visit(self, obj: ffi.Handle, parent: _Matrix | None, depth: int) -> None:
        kind = ffi.object_type(obj)
        if kind == _PATH:
            self.path(obj, parent)
        elif kind == _FORM and depth < MAX_FORM_DEPTH:
            m = self.matrix(obj) if parent is None else _compose(self.matrix(obj), parent)
            for j in range(ffi.form_count(obj)):
                self.visit(ffi.form_object(obj, j), m, depth + 1)
        elif kind == _IMAGE:
            box = self.bounds(obj, parent)
            if box is not None:
                self.image_area += (box[2] - box[0]) * (box[3] - box[1])

    def matrix(self, obj: ffi.Handle) -> _Matrix:
        if not ffi.object_matrix(obj, self._matrix_out):
            return _IDENTITY
        return ffi.MATRIX(self._matrix)

    def bounds(self, obj: ffi.Handle, parent: _Matrix | None) -> tuple[float, float, float, float] | None:
        """(x0, y0, x1, y1) in user space (bounds of an object in a form are in form space)."""
        if not ffi.object_bounds(obj, *self._f_out):
            return None
        xa, ya, xb, yb = ffi.RECT(self._f)
        if parent is not None:
            (xa, ya), (xb, yb) = _apply(parent, xa, ya), _apply(parent, xb, yb)
        return min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)

    def is_light(self, obj: ffi.Handle, stroke: bool) -> bool:
        """White or invisible paint: not a rule anyone sees."""
        getter = ffi.stroke_color if stroke else ffi.fill_color
        if not getter(obj, *self._rgba_out):
            return False
        r, g, b, a = ffi.UINTS4(self._rgba)
        return a < 40 or min(r, g, b) > 235

    def path(self, obj: ffi.Handle, parent: _Matrix | None) -> None:
        nseg = ffi.path_count_segments(obj)
        if nseg < 2:
            return
        self.segments += nseg
        if self.segments > MAX_SEGMENTS:
            return
        if not ffi.path_draw_mode(obj, *self._mode_out):
            return
        fill, stroke = ffi.INTS2(self._mode)
        stroked, filled = bool(stroke), fill != 0
        if not stroked and not filled or self.is_light(obj, stroked):
            return
        # Bounds at most 2.5 pt thick: a rule whatever its segments (the common case, settled
        # without walking them).
        box = self.bounds(obj, parent)
        if box is not None and self.thin(*box):
            return
        m = self.matrix(obj)
        if parent is not None:
            m = _compose(m, parent)
        for points, is_closed in _subpaths(obj, nseg, m, self._f, self._f_out):
            if stroked:
                _edges(points, is_closed, self)
            elif len(points) <= 5:
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                self.thin(min(xs), min(ys), max(xs), max(ys))

    def thin(self, x0: float, y0: float, x1: float, y1: float) -> bool:
        """Record a rectangle at most 2.5 pt thick as a rule."""
        if y1 - y0 <= 2.5 and x1 - x0 > 1.0:
            self.hsegs.append(((y0 + y1) / 2, x0, x1))
            return True
        if x1 - x0 <= 2.5 and y1 - y0 > 1.0:
            self.vsegs.append(((x0 + x1) / 2, y0, y1))
            return True
        return False


_PATH, _FORM, _IMAGE = pdfium_c.FPDF_PAGEOBJ_PATH, pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_IMAGE


def _graphics(page: Any
              ) -> tuple[list[tuple[float, float, float]], list[tuple[float, float, float]], float]:
    """Horizontal and vertical rule segments (user space) and the area images cover (`page`: a
    raw pdfium page)."""
    g = _Graphics()
    raw = ffi.handle(page)
    get, kind_of, path = ffi.page_object, ffi.object_type, g.path
    for i in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = get(raw, i)
        kind = kind_of(obj)
        if kind == _TEXT:  # most objects: nothing to look at
            continue
        if kind == _PATH:
            path(obj, None)
        else:
            g.visit(obj, None, 0)
        if g.segments > MAX_SEGMENTS:  # a drawing, not a document page: no rules from it
            return [], [], g.image_area
    return g.hsegs, g.vsegs, g.image_area


_TEXT = pdfium_c.FPDF_PAGEOBJ_TEXT


def _apply(m: _Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _subpaths(obj: ffi.Handle, nseg: int, m: _Matrix, xy: ctypes.Array, xy_out: list[ctypes.c_void_p]
              ) -> list[tuple[list[tuple[float, float]], bool]]:
    """The path's straight subpaths in user space, with whether each is closed (curves left out)."""
    out: list[tuple[list[tuple[float, float]], bool]] = []
    points: list[tuple[float, float]] = []
    closed = curved = False
    x_out, y_out = xy_out[0], xy_out[1]
    for k in range(nseg):
        seg = ffi.path_segment(obj, k)
        ffi.segment_point(seg, x_out, y_out)
        kind = ffi.segment_type(seg)
        if kind == pdfium_c.FPDF_SEGMENT_MOVETO and points:
            if not curved:
                out.append((points, closed))
            points, closed, curved = [], False, False
        x, y = ffi.FLOATS2(xy)
        points.append(_apply(m, x, y))
        curved = curved or kind == pdfium_c.FPDF_SEGMENT_BEZIERTO
        closed = closed or bool(ffi.segment_close(seg))
    if points and not curved:
        out.append((points, closed))
    return out


def _edges(points: list[tuple[float, float]], is_closed: bool, g: _Graphics) -> None:
    """Stroked segments that run along an axis."""
    pairs = list(zip(points, points[1:]))
    if is_closed and len(points) > 2:
        pairs.append((points[-1], points[0]))
    for (xa, ya), (xb, yb) in pairs:
        if abs(ya - yb) <= 0.5 and abs(xa - xb) > 1.0:
            g.hsegs.append(((ya + yb) / 2, min(xa, xb), max(xa, xb)))
        elif abs(xa - xb) <= 0.5 and abs(ya - yb) > 1.0:
            g.vsegs.append(((xa + xb) / 2, min(ya, yb), max(ya, yb)))


def _add_rules(view: View, hsegs: list[tuple[float, float, float]],
               vsegs: list[tuple[float, float, float]]) -> None:
    """User-space segments → the view's horizontal and vertical rules."""
    f = view.frame
    for y, xa, xb in hsegs:
        u0, v0, u1, v1 = f.box(xa, y, xb, y)
        _place(view, u0, v0, u1, v1)
    for x, ya, yb in vsegs:
        u0, v0, u1, v1 = f.box(x, ya, x, yb)
        _place(view, u0, v0, u1, v1)


def _place(view: View, u0: float, v0: float, u1: float, v1: float) -> None:
    if v1 - v0 < u1 - u0:
        view.hrules.append(Rule((v0 + v1) / 2, u0, u1))
    else:
        view.vrules.append(Rule((u0 + u1) / 2, v0, v1))


__all__ = ["Frame", "MAX_GLYPHS", "PageContent", "PageTooDense", "Rule", "Run", "View", "extract"]
