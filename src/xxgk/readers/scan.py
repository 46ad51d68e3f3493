"""One scanned page (a grey image) → the `PageContent` the PDF layout reads: text runs from OCR and
ruling lines from line detection, in points from the top-left corner of the page.

The PDF reader's layout (`pdf_layout`: lines, ruled grids with merged cells, whitespace tables,
paragraphs, furniture, rows split over pages) then reads a scan exactly as it reads a born-digital
page; only where the runs and rules come from differs.

Steps, each bounded by the page size (at most MAX_PIXELS):

1. **Upright and level.** A page whose lines of text mostly run up or down is turned a quarter,
   one whose longest lines read better half turned is turned round; then it is deskewed by the
   angle (within ±MAX_SKEW°) that makes the rows of ink sharpest (projection profile, coarse then
   fine). Ink is what is darker than Otsu's threshold, without isolated pixels (speckle).
2. **Rules.** Straight strokes much longer than a character, found on a faint-ink map (grey
   hairlines count), are ruling lines where they meet other rules (a cell border ends on a
   border); they become `Rule`s and are painted out before recognition, so a cell's digits are
   read without its borders.
3. **Text.** The detector finds text regions, cut where a rule crosses them; a region is one
   line, a column of upright characters (vertical table headers: read side by side, or turned
   when they were set sideways), or several lines run together (split at the gaps in its rows of
   ink). A ruled cell holding ink but no detected text is read as well. Each line is recognised;
   every character keeps its position, so text spanning two cells is cut at the rule between
   them, like a PDF run.
4. **Runs.** A line becomes runs at its spaces and at the real gaps in its ink, each with the
   glyph edges the layout uses; the font size is estimated from the height of the ink (Chinese
   fills about 0.88 em, digits and Latin capitals 0.7). Recogniser habits are undone: O for 0 in
   a number, a speck read as a point beside a number, a lone dash read as 一 or 1, a slash as 1.

Each recognised character is also kept as an `OcrGlyph` (its box, probability and runner-up), for
the per-cell confidence and the repair of digits (`ocr_review`).
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field, replace

import cv2
import numpy as np

from .ocr_engine import Engine, Glyph, Reading
from .pdf_layout import Grid, grids
from .pdf_page import Frame, PageContent, Rule, Run, View

MAX_PIXELS = 40_000_000  # a page at 600 dpi; larger images are scaled down first
MAX_SKEW = 5.0  # degrees
MIN_SKEW = 0.2  # degrees: a page turned less is read as it is (a rule drifts 1 px in 290)
RULE_MIN_EM = 1.6  # a straight stroke this many em long is a ruling line (a character is ≤ 1 em)
MAX_BOXES = 4000  # text regions per page; a page of a report has a few hundred
UPRIGHT_SURE = 0.85  # mean probability above which a column of characters is taken as upright

_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\u3000-\u303f]")
# Characters a recogniser gives for a digit inside a number (O for 0, l for 1, …).
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "o": "0", "〇": "0", "D": "0", "l": "1", "I": "1", "|": "1",
                                   "i": "1", "S": "5", "s": "5", "B": "8", "Z": "2", "z": "2", "g": "9"})
_SPECKS = ".,，。·'`\"“”‘’:：;；"  # what a speck of grain beside a number is read as
_NUMERIC_CONTEXT = re.compile(r"^[增减+\-−]?[0-9OoDlIi|SsBZzg,，.．]+$")


@dataclass(frozen=True, slots=True)
class OcrGlyph:
    """A recognised character: box in page points (x0, top, x1, bottom), probability, runner-up."""

    char: str
    box: tuple[float, float, float, float]
    prob: float
    alt: str
    alt_prob: float


@dataclass
class ScanPage:
    content: PageContent
    glyphs: list[OcrGlyph] = field(default_factory=list)
    skew: float = 0.0  # degrees the page was turned back
    em: float = 0.0  # body text size, points
    turned: int = 0  # degrees the page was turned clockwise to read it upright


class TooManyRegions(Exception):
    """A page with more text regions than any report page (MAX_BOXES): not a document scan."""


# --------------------------------------------------------------------------- clean-up

def to_gray(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return image if image.dtype == np.uint8 else cv2.convertScaleAbs(image)
    if image.shape[2] == 4:
        # Transparent areas are paper.
        alpha = image[:, :, 3:4].astype(np.float32) / 255.0
        rgb = image[:, :, :3].astype(np.float32) * alpha + 255.0 * (1 - alpha)
        image = rgb.astype(np.uint8)
    return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def bound(gray: np.ndarray, dpi: float) -> tuple[np.ndarray, float]:
    """Scale a page larger than MAX_PIXELS down (time and memory stay bounded)."""
    h, w = gray.shape
    if h * w <= MAX_PIXELS:
        return gray, dpi
    s = math.sqrt(MAX_PIXELS / (h * w))
    return cv2.resize(gray, (int(w * s), int(h * s)), interpolation=cv2.INTER_AREA), dpi * s


def _binary(gray: np.ndarray) -> np.ndarray:
    """Ink = 1: darker than Otsu's threshold (kept below the paper, so grain stays paper), with
    isolated dark pixels (speckle) dropped. No smoothing filter: a median would erase hairline
    rules, and the recogniser reads grainy text as it is."""
    t, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    ink = (gray < min(t, 200)).astype(np.uint8)
    neighbours = cv2.filter2D(ink, -1, np.ones((3, 3), np.float32), borderType=cv2.BORDER_CONSTANT)
    ink[neighbours <= 1] = 0
    return ink


def _profile_score(ink: np.ndarray, angle: float) -> float:
    h, w = ink.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    turned = cv2.warpAffine(ink, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0)
    rows = turned.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def skew_angle(gray: np.ndarray) -> float:
    """The angle (degrees, counter-clockwise positive as OpenCV turns) that levels the text: the
    middle of the angles whose row profile is (within 0.5%) the sharpest, coarse then fine."""
    h, w = gray.shape
    s = min(1.0, 1000.0 / max(h, w))
    ink = _binary(cv2.resize(gray, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA))
    if ink.sum() < 50:
        return 0.0
    coarse = np.arange(-MAX_SKEW, MAX_SKEW + 1e-9, 0.25)
    best = coarse[int(np.argmax([_profile_score(ink, float(a)) for a in coarse]))]
    fine = np.arange(best - 0.3, best + 0.3 + 1e-9, 0.05)
    scores = np.array([_profile_score(ink, float(a)) for a in fine])
    top = fine[scores >= 0.995 * scores.max()]
    return round(float(top.mean()), 2)


def _faint(gray: np.ndarray) -> np.ndarray:
    """Ink for finding rules: anything clearly darker than the paper. Rules are often printed grey
    and thin (and JPEG lightens them further), well above the text's threshold; only a long
    straight run of such pixels counts, so grain and speckle never make one."""
    paper = float(np.percentile(gray, 90))
    around = gray[gray >= paper - 40]
    grain = float(around.std()) if around.size else 0.0
    return (gray < paper - max(30.0, 4.0 * grain)).astype(np.uint8)


def deskew(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """The page levelled: grey, its ink (`_binary`) and faint ink (`_faint`), and the angle it was
    turned by. The ink is found before turning and turned without interpolation: a hairline rule
    blurred over two rows of pixels would fade. Below MIN_SKEW° the page is left as it is (the
    estimate's own noise)."""
    ink, faint = _binary(gray), _faint(gray)
    angle = skew_angle(gray)
    if abs(angle) < MIN_SKEW:
        return gray, ink, faint, 0.0
    h, w = gray.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)

    def turn(a: np.ndarray, flags: int, border: int) -> np.ndarray:
        return cv2.warpAffine(a, m, (w, h), flags=flags, borderValue=border)

    return (turn(gray, cv2.INTER_CUBIC, 255), turn(ink, cv2.INTER_NEAREST, 0),
            turn(faint, cv2.INTER_NEAREST, 0), angle)


# --------------------------------------------------------------------------- rules

@dataclass
class _Lines:
    hrules: list[tuple[float, float, float]]  # (y, x0, x1), pixels
    vrules: list[tuple[float, float, float]]  # (x, y0, y1), pixels
    mask: np.ndarray  # pixels of the rules (to paint out)


def _segments(ink: np.ndarray, length: int, thick: float, horizontal: bool
              ) -> list[tuple[float, float, float, np.ndarray]]:
    """Straight thin strokes at least `length` pixels long: (position across, start, end, pixels)."""
    shape = (length, 1) if horizontal else (1, length)
    opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, shape))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        along, across = (w, h) if horizontal else (h, w)
        # A stroke left slightly tilted is thicker than its pen; a filled block is no rule.
        if area / along > thick or across > thick + 0.01 * along:
            continue
        pixels = labels[y:y + h, x:x + w] == i
        if horizontal:
            out.append((y + h / 2, float(x), float(x + w), (y, x, pixels)))
        else:
            out.append((x + w / 2, float(y), float(y + h), (y, x, pixels)))
    return out


def find_rules(ink: np.ndarray, em_px: float, tol: float,
               text: list[tuple[int, int, int, int, float]]) -> _Lines:
    """The ruling lines of tables. Candidates are horizontal strokes longer than RULE_MIN_EM em and
    vertical ones longer than a character, not lying inside a detected text region (the frame of
    a large 国 in a title). A vertical is a cell border where it ends on horizontal candidates at
    both ends (or at one, when it is longer than RULE_MIN_EM em: a table without outer borders);
    a horizontal where such a border meets it, or standing alone when it is long (an underline,
    a three-line table)."""
    thick = max(3.0, 0.3 * em_px)
    boxes = np.array([b[:4] for b in text], dtype=np.float64).reshape(-1, 4)

    def in_text(x0: float, y0: float, x1: float, y1: float) -> bool:
        return bool(np.any((boxes[:, 0] <= x0) & (boxes[:, 1] <= y0) & (boxes[:, 2] >= x1) & (boxes[:, 3] >= y1)))

    hs = [s for s in _segments(ink, max(12, int(RULE_MIN_EM * em_px)), thick, True)
          if not in_text(s[1], s[0], s[2], s[0])]
    vs = [s for s in _segments(ink, max(8, int(0.8 * em_px)), thick, False)
          if not in_text(s[0], s[1], s[0], s[2])]

    def meets(y: float, x0: float, x1: float, x: float, y0: float, y1: float) -> bool:
        return x0 - tol <= x <= x1 + tol and y0 - tol <= y <= y1 + tol

    keep_v = []
    for x, c, d, _ in vs:
        ends = [any(meets(y, a, b, x, end, end) for y, a, b, _ in hs) for end in (c, d)]
        keep_v.append(all(ends) or (any(ends) and d - c >= RULE_MIN_EM * em_px))
    kept_v = [v for v, k in zip(vs, keep_v) if k]
    keep_h = [any(meets(y, a, b, x, c, d) for x, c, d, _ in kept_v) or b - a >= 6 * em_px for y, a, b, _ in hs]
    mask = np.zeros_like(ink)
    hrules, vrules = [], []
    for segs, keep, out in ((hs, keep_h, hrules), (vs, keep_v, vrules)):
        for (pos, a, b, (y, x, pixels)), k in zip(segs, keep):
            if k:
                out.append((pos, a, b))
                mask[y:y + pixels.shape[0], x:x + pixels.shape[1]][pixels] = 1
    mask = cv2.dilate(mask, np.ones((3, 3), np.uint8))
    return _Lines(hrules, vrules, mask)


# --------------------------------------------------------------------------- text regions

@dataclass
class _Region:
    """Text to recognise: its ink box in pixels; a column region holds characters stacked one per
    line (a vertical table header), with the box of each."""

    x0: int
    y0: int
    x1: int
    y1: int
    chars: list[tuple[int, int, int, int]] | None = None

    @property
    def area(self) -> int:
        return (self.x1 - self.x0) * (self.y1 - self.y0)


def _ink_box(ink: np.ndarray, x0: int, y0: int, x1: int, y1: int) -> tuple[int, int, int, int] | None:
    part = ink[y0:y1, x0:x1]
    rows = np.flatnonzero(part.any(axis=1))
    cols = np.flatnonzero(part.any(axis=0))
    if rows.size == 0 or cols.size == 0:
        return None
    return x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1


def _bands(ink_rows: np.ndarray, min_gap: int) -> list[tuple[int, int]]:
    """Runs of inked rows separated by at least `min_gap` blank rows."""
    idx = np.flatnonzero(ink_rows)
    if idx.size == 0:
        return []
    out = [[int(idx[0]), int(idx[0]) + 1]]
    for k in idx[1:].tolist():
        if k - out[-1][1] >= min_gap:
            out.append([k, k + 1])
        else:
            out[-1][1] = k + 1
    return [(a, b) for a, b in out]


def _split_at_rules(box: tuple[int, int, int, int], lines: _Lines) -> list[tuple[int, int, int, int]]:
    """A detector box cut where ruling lines cross it: text never runs over a cell border, but the
    detector's margin can reach into the next cell."""
    x0, y0, x1, y1 = box
    ys = sorted({int(y) for y, a, b in lines.hrules
                 if y0 + 1 < y < y1 - 1 and min(b, x1) - max(a, x0) >= 0.5 * (x1 - x0)})
    xs = sorted({int(x) for x, a, b in lines.vrules
                 if x0 + 1 < x < x1 - 1 and min(b, y1) - max(a, y0) >= 0.5 * (y1 - y0)})
    cols = list(zip([x0, *xs], [*xs, x1]))
    rows = list(zip([y0, *ys], [*ys, y1]))
    return [(a, c, b, d) for c, d in rows for a, b in cols]


def _regions(ink: np.ndarray, boxes: list[tuple[int, int, int, int, float]], em_px: float,
             lines: _Lines) -> list[_Region]:
    """Detector boxes → text to read, tight to the ink: lines, columns of upright characters, and
    boxes that hold several lines split into them."""
    out: list[_Region] = []
    parts = [p for bx0, by0, bx1, by1, _ in boxes for p in _split_at_rules((bx0, by0, bx1, by1), lines)]
    for bx0, by0, bx1, by1 in parts:
        box = _ink_box(ink, bx0, by0, bx1, by1)
        if box is None:
            continue
        x0, y0, x1, y1 = box
        w, h = x1 - x0, y1 - y0
        if h >= 1.5 * em_px and h >= 1.5 * w and w <= 1.6 * em_px:
            chars = [c for a, b in _char_cells(ink[y0:y1, x0:x1], max(w / 0.95, em_px))
                     if (c := _ink_box(ink, x0, y0 + a, x1, y0 + b)) is not None]
            out.append(_Region(x0, y0, x1, y1, chars))
            continue
        if h >= 1.7 * em_px and w >= 2 * em_px:
            bands = _merge_bands(_bands(ink[y0:y1, x0:x1].any(axis=1), max(2, int(0.12 * em_px))), em_px)
            if len(bands) >= 2:
                out.extend(_Region(*c) for a, b in bands if (c := _ink_box(ink, x0, y0 + a, x1, y0 + b)))
                continue
        out.append(_Region(x0, y0, x1, y1))
    regions = _drop_nested(out)
    for r in regions:
        if not r.chars:
            _take_trailing_mark(ink, r, regions, em_px)
    return regions


def _take_trailing_mark(ink: np.ndarray, region: _Region, regions: list[_Region], em_px: float) -> None:
    """Stretch a line over a small mark just after it that the detector left out: the full stop
    or comma closing the line ("…行政诉讼0件。" read without its 。 looks like a table row)."""
    x_end = min(ink.shape[1], region.x1 + int(1.1 * em_px))
    window = ink[region.y0:region.y1, region.x1:x_end]
    cols = np.flatnonzero(window.any(axis=0))
    if cols.size == 0 or cols[0] > 0.8 * em_px:
        return
    run_end = int(cols[0])
    for c in cols[1:].tolist():
        if c - run_end > 1:
            break
        run_end = c
    rows = np.flatnonzero(window[:, cols[0]:run_end + 1].any(axis=1))
    x0, x1 = region.x1 + int(cols[0]), region.x1 + run_end + 1
    if x1 - x0 > 0.6 * em_px or rows[-1] - rows[0] + 1 > 0.55 * em_px:
        return  # a character, not a mark: the detector would have seen it
    if any(o is not region and o.x0 < x1 and x0 < o.x1 and o.y0 < region.y1 and region.y0 < o.y1 for o in regions):
        return
    region.x1 = x1


def _drop_nested(regions: list[_Region]) -> list[_Region]:
    """A region lying mostly inside a larger one is the detector seeing part of a line twice."""
    ordered = sorted(regions, key=lambda r: -r.area)
    kept: list[_Region] = []
    for r in ordered:
        inside = False
        for big in kept:
            ix = min(r.x1, big.x1) - max(r.x0, big.x0)
            iy = min(r.y1, big.y1) - max(r.y0, big.y0)
            if ix > 0 and iy > 0 and ix * iy >= 0.7 * r.area:
                inside = True
                break
        if not inside:
            kept.append(r)
    return sorted(kept, key=lambda r: (r.y0, r.x0))


def _merge_bands(bands: list[tuple[int, int]], em_px: float) -> list[tuple[int, int]]:
    """Ink bands → text lines: a band too thin for a line (a stroke of a character split off by
    a gap inside it, like the top of 二) joins its nearest neighbour."""
    lines: list[list[int]] = []
    for a, b in bands:
        if lines and (b - a < 0.45 * em_px or lines[-1][1] - lines[-1][0] < 0.45 * em_px) \
                and b - lines[-1][0] <= 1.15 * em_px:
            lines[-1][1] = b
        else:
            lines.append([a, b])
    return [(a, b) for a, b in lines]


def _char_cells(column: np.ndarray, em: float) -> list[tuple[int, int]]:
    """Rows of a column of upright characters, one range per character. Characters stand at a
    regular pitch (found by the autocorrelation of the column's rows of ink); the cuts go through
    the emptiest rows at that pitch, so a small mark (、 at the foot of its place) stays apart
    from the character it nearly touches."""
    rows = column.sum(axis=1).astype(np.float64)
    h = rows.size
    if h < 1.6 * em:
        return [(0, h)]
    centred = rows - rows.mean()
    lags = range(max(2, int(0.9 * em)), min(h - 1, int(2.2 * em)) + 1)
    if not lags:
        return [(0, h)]
    pitch = max(lags, key=lambda p: float(np.dot(centred[:-p], centred[p:])) / (h - p))
    # The phase whose cuts cross the least ink (cuts from just above the first row).
    best_phase, best_cost = 0, float("inf")
    for phase in range(pitch):
        cuts = np.arange(phase, h, pitch)
        cost = float(rows[cuts].sum())
        if cost < best_cost:
            best_phase, best_cost = phase, cost
    cuts = [0, *[c for c in range(best_phase, h, pitch) if 0 < c < h], h]
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if rows[a:b].any()]


def _unread_cells(ink: np.ndarray, grids: list[Grid], regions: list[_Region], em_px: float,
                  px: float) -> list[_Region]:
    """Ink in ruled cells the detector left out (a lone thin digit on a grainy scan): the table's
    structure says where a value would be, so each cell holding no detected text but marks a
    character's size is read as well."""
    out: list[_Region] = []
    centres = [((r.x0 + r.x1) / 2, (r.y0 + r.y1) / 2) for r in regions]
    inset = max(3, int(0.15 * em_px))
    for grid in grids:
        extent: dict[int, list[int]] = {}
        for r, row in enumerate(grid.ids):
            for c, cid in enumerate(row):
                e = extent.setdefault(cid, [r, c, r, c])
                e[2], e[3] = max(e[2], r), max(e[3], c)
        for r0, c0, r1, c1 in extent.values():
            x0, x1 = int(grid.xs[c0] * px) + inset, int(grid.xs[c1 + 1] * px) - inset
            y0, y1 = int(grid.ys[r0] * px) + inset, int(grid.ys[r1 + 1] * px) - inset
            if x1 - x0 < 0.3 * em_px or y1 - y0 < 0.3 * em_px:
                continue
            if any(x0 <= cx <= x1 and y0 <= cy <= y1 for cx, cy in centres):
                continue
            n, _, stats, _ = cv2.connectedComponentsWithStats(ink[y0:y1, x0:x1], connectivity=8)
            marks = [stats[i] for i in range(1, n)
                     if max(stats[i][2], stats[i][3]) >= 0.35 * em_px and stats[i][4] >= 0.03 * em_px * em_px]
            if not marks:
                continue
            bx0 = x0 + min(int(m[0]) for m in marks)
            by0 = y0 + min(int(m[1]) for m in marks)
            bx1 = x0 + max(int(m[0] + m[2]) for m in marks)
            by1 = y0 + max(int(m[1] + m[3]) for m in marks)
            if by1 - by0 <= 1.5 * em_px:  # one line: more would not have escaped the detector
                out.append(_Region(bx0, by0, bx1, by1))
    return out


# --------------------------------------------------------------------------- recognition

@dataclass
class _Job:
    """A region and the images that may read it: the line itself; for a column, its characters
    side by side (upright) and the column turned either way (text set sideways)."""

    region: _Region
    crops: list[np.ndarray]
    origins: list[int]  # x of each crop in page pixels (lines)
    tiles: list[tuple[int, int]] = field(default_factory=list)  # x range of each character tile


def _line_job(region: _Region, clean: np.ndarray, pad: int, em_px: float, lines: _Lines) -> _Job:
    """The line's crop: its ink with a margin (a flat mark gets more height: cropped to its own
    it would be blown up into a bar); what lies beyond a cell border is painted out."""
    side = pad
    x0 = max(0, region.x0 - side)
    half = (region.y1 - region.y0) / 2
    if half < 0.15 * em_px:  # a flat mark (—, _): cropped to its own height it becomes a bar
        half = 0.3 * em_px
    half += pad
    middle = (region.y0 + region.y1) / 2
    top, bottom = max(0, int(middle - half)), int(math.ceil(middle + half))
    crop = clean[top:bottom, x0:region.x1 + side]
    cx = (region.x0 + region.x1) / 2
    for y, a, b in lines.hrules:
        # What lies beyond a cell border is another cell's: paper in this crop.
        if a <= cx <= b and top < y < region.y0:
            crop = crop.copy() if crop.base is not None else crop
            crop[:int(y) + 2 - top] = 255
        elif a <= cx <= b and region.y1 < y < bottom:
            crop = crop.copy() if crop.base is not None else crop
            crop[int(y) - 1 - top:] = 255
    cy, right = (region.y0 + region.y1) / 2, region.x1 + side
    for x, a, b in lines.vrules:
        if a <= cy <= b and x0 < x < region.x0:
            crop = crop.copy() if crop.base is not None else crop
            crop[:, :int(x) + 2 - x0] = 255
        elif a <= cy <= b and region.x1 < x < right:
            crop = crop.copy() if crop.base is not None else crop
            crop[:, int(x) - 1 - x0:] = 255
    return _Job(region, [crop], [x0])


def _column_job(region: _Region, clean: np.ndarray, pad: int, em_px: float) -> _Job:
    assert region.chars is not None
    height = max(y1 - y0 for _, y0, _, y1 in region.chars) + 2 * pad
    gap = max(2, int(0.25 * em_px))
    pieces, tiles, x = [], [], 0
    for cx0, cy0, cx1, cy1 in region.chars:
        tile = np.full((height, cx1 - cx0 + gap), 255, np.uint8)
        top = (height - (cy1 - cy0)) // 2
        tile[top:top + cy1 - cy0, gap // 2:gap // 2 + cx1 - cx0] = clean[cy0:cy1, cx0:cx1]
        pieces.append(tile)
        tiles.append((x, x + tile.shape[1]))
        x += tile.shape[1]
    upright = np.hstack(pieces) if pieces else np.full((height, 8), 255, np.uint8)
    column = clean[max(0, region.y0 - pad):region.y1 + pad, max(0, region.x0 - pad):region.x1 + pad]
    return _Job(region, [upright, np.rot90(column, -1).copy(), np.rot90(column, 1).copy()], [0], tiles)


def _score(reading: Reading) -> float:
    if not reading.glyphs:
        return -1.0
    return sum(g.prob for g in reading.glyphs) / len(reading.glyphs)


# --------------------------------------------------------------------------- runs

def _is_wide(ch: str) -> bool:
    return _WIDE.match(ch) is not None


def _em_of(text: str, ink_height: float) -> float | None:
    """The font size a line's ink height implies, or None when its characters do not say."""
    if any(_is_wide(c) and c not in "，。、；：？！（）《》“”‘’【】—…" for c in text):
        return ink_height / 0.88
    if any(c.isdigit() or c.isupper() for c in text):
        return ink_height / 0.70
    return None


def _numeric(text: str) -> bool:
    """Plainly a number, whose look-alike letters are digits ("1O" → "10"); a lone O is a zero."""
    if text in ("O", "o", "〇", "D"):
        return True
    return _NUMERIC_CONTEXT.match(text) is not None and any(c.isdigit() for c in text)


def _clean_chars(glyphs: list[Glyph]) -> list[Glyph]:
    """Recogniser habits undone: look-alike letters in numbers, a speck beside a number read as a
    point or comma ("0." for 0), a lone dash read as 一, 丶 (a radical) for 、, a degree sign or
    middle dot for the full stop after Chinese text."""
    text = "".join(g.char for g in glyphs).strip()
    if _numeric(text.strip(_SPECKS)):
        glyphs = [replace(g, char=g.char.translate(_DIGIT_LOOKALIKES)) for g in glyphs]
        while glyphs and glyphs[-1].char in _SPECKS + " ":
            glyphs = glyphs[:-1]
        while len(glyphs) > 1 and glyphs[0].char in _SPECKS + " ":
            glyphs = glyphs[1:]
    if len(glyphs) == 1 and glyphs[0].char in "一－―":  # a dash alone, not the character 一
        return [replace(glyphs[0], char="—")]
    out = []
    for k, g in enumerate(glyphs):
        if g.char == "丶":
            g = replace(g, char="、")
        elif g.char in "°·" and k == len(glyphs) - 1 and k and _is_wide(glyphs[k - 1].char):
            g = replace(g, char="。")
        out.append(g)
    return out


def _null_mark(glyphs: list[Glyph], ink: np.ndarray) -> list[Glyph]:
    """A lone mark read, unsure, as "1" when its ink says otherwise: a stroke leaning like "/" or
    lying flat like "—" (the null marks of a table cell; grain makes the recogniser hesitate)."""
    if len(glyphs) != 1 or glyphs[0].char != "1" or glyphs[0].prob >= 0.95:
        return glyphs
    ys, xs = np.nonzero(ink)
    if ys.size < 5:
        return glyphs
    height, width = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    if width > 2 * height:
        return [replace(glyphs[0], char="—")]
    lean = np.polyfit(ys.astype(np.float64), xs.astype(np.float64), 1)[0]  # x per row, downwards
    if lean < -0.25:  # the top to the right of the foot
        return [replace(glyphs[0], char="/")]
    return glyphs


def _in_number(ch: str) -> bool:
    return ch.isdigit() or ch in ".,，．"


def _blank_gap(inked: np.ndarray, x0: int, a: float, b: float) -> tuple[float, float] | None:
    """The widest run of blank pixel columns between two glyph centres (page x), if any."""
    lo, hi = max(0, int(math.ceil(a)) - x0), min(inked.size, int(b) - x0)
    if hi <= lo:
        return None
    blank = ~inked[lo:hi]
    if not blank.any():
        return None
    edges = np.diff(np.concatenate(([0], blank.view(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    k = int(np.argmax(ends - starts))
    return float(x0 + lo + starts[k]), float(x0 + lo + ends[k])


class _PageRuns:
    """Collects the runs of a page and the glyphs behind them, in points."""

    def __init__(self, pt: float):
        self.pt = pt
        self.runs: list[Run] = []
        self.glyphs: list[OcrGlyph] = []

    def glyph(self, g: Glyph, box: tuple[float, float, float, float]) -> None:
        pt = self.pt
        self.glyphs.append(OcrGlyph(g.char, (round(box[0] * pt, 1), round(box[1] * pt, 1),
                                             round(box[2] * pt, 1), round(box[3] * pt, 1)),
                                    round(g.prob, 4), g.alt, round(g.alt_prob, 4)))

    def run(self, text: str, box: tuple[float, float, float, float], edges: list[float] | None,
            em: float) -> None:
        pt = self.pt
        self.runs.append(Run(text, box[0] * pt, box[1] * pt, box[2] * pt, box[3] * pt,
                             None if edges is None else [e * pt for e in edges], em * pt))

    def line(self, reading: Reading, region: _Region, origin: int, em: float, ink: np.ndarray) -> None:
        """A recognised line → runs, as a PDF's text layer gives them: glyphs that touch. Between
        two glyphs the edge is the blank gap in the line's ink (`inked`: one flag per pixel column
        of the region), else halfway between their centres. A run ends at a gap of 0.3 em (0.75 em
        inside a number: full-width digits stand that far apart) and at a space the recogniser
        saw; the layout then decides what a gap means, as for a PDF."""
        inked = ink.any(axis=0)
        glyphs: list[Glyph] = []
        spaced: list[bool] = []
        space = False
        for g in _null_mark(_clean_chars(list(reading.glyphs)), ink):
            if not g.char.strip():
                space = True
                continue
            glyphs.append(g)
            spaced.append(space)
            space = False
        if not glyphs:
            return
        n = len(glyphs)
        centres = [origin + g.x for g in glyphs]
        left = [float(region.x0)] + [0.0] * (n - 1)
        right = [0.0] * (n - 1) + [float(region.x1)]
        for k in range(n - 1):
            gap = _blank_gap(inked, region.x0, centres[k], centres[k + 1])
            if gap is None:
                right[k] = left[k + 1] = (centres[k] + centres[k + 1]) / 2
            else:
                right[k], left[k + 1] = gap
        top, bottom = float(region.y0), float(region.y1)
        current: list[int] = []

        def flush() -> None:
            if current:
                edges = [left[k] for k in current] + [right[current[-1]]]
                text = "".join(glyphs[k].char for k in current)
                self.run(text, (edges[0], top, edges[-1], bottom), edges, em)
                current.clear()

        for k, g in enumerate(glyphs):
            if current:
                gap = left[k] - right[k - 1]
                number = _in_number(glyphs[k - 1].char) and _in_number(g.char)
                if gap >= (0.75 if number else 0.3) * em or (spaced[k] and not (number and gap < 0.75 * em)):
                    flush()
            current.append(k)
            self.glyph(g, (left[k], top, right[k], bottom))
        flush()

    def column(self, job: _Job, best: int, reading: Reading, em: float) -> None:
        """A column read upright (a run per character, at its own box) or sideways (one run)."""
        region = job.region
        assert region.chars is not None
        glyphs = _clean_chars(list(reading.glyphs))
        if best == 0:
            by_tile: dict[int, list[Glyph]] = {}
            for g in glyphs:
                k = next((i for i, (a, b) in enumerate(job.tiles) if a <= g.x < b), None)
                if k is not None and g.char.strip():
                    by_tile.setdefault(k, []).append(g)
            for k, gs in sorted(by_tile.items()):
                box = tuple(float(v) for v in region.chars[k])
                self.run("".join(g.char for g in gs), box, None, em)  # type: ignore[arg-type]
                for g in gs:
                    self.glyph(g, box)  # type: ignore[arg-type]
            return
        text = "".join(g.char for g in glyphs if g.char.strip())
        if not text:
            return
        box = (float(region.x0), float(region.y0), float(region.x1), float(region.y1))
        self.run(text, box, None, em)
        for g in glyphs:
            # Along the turned column: clockwise, its left is the top; counter-clockwise, the bottom.
            y = region.y0 + g.x if best == 1 else region.y1 - g.x
            self.glyph(g, (box[0], y - 0.5 * em, box[2], y + 0.5 * em))


# --------------------------------------------------------------------------- the page

def _text_em(ink: np.ndarray, boxes: list[tuple[int, int, int, int, float]], guess: float) -> float:
    """The body text's em in pixels: the ink of a line of Chinese fills about 0.88 em; the median
    over the lines of several characters (the rules already painted out of `ink`)."""
    heights = []
    for x0, y0, x1, y1, _ in boxes:
        box = _ink_box(ink, x0, y0, x1, y1)
        if box is not None and box[2] - box[0] >= 3 * (box[3] - box[1]):
            heights.append(box[3] - box[1])
    if len(heights) < 3:
        return guess
    return max(6.0, statistics.median(heights) / 0.88)


def _sideways(boxes: list[tuple[int, int, int, int, float]]) -> bool:
    """Most lines of text run up or down the page: it was scanned (or printed) turned."""
    wide = sum(1 for x0, y0, x1, y1, _ in boxes if x1 - x0 > 2 * (y1 - y0))
    tall = sum(1 for x0, y0, x1, y1, _ in boxes if y1 - y0 > 2 * (x1 - x0))
    return tall > max(5, 2 * wide)


def _upside_down(gray: np.ndarray, boxes: list[tuple[int, int, int, int, float]], engine: Engine) -> bool:
    """The longest lines read better turned half round."""
    lines = sorted((b for b in boxes if b[2] - b[0] > 3 * (b[3] - b[1])), key=lambda b: b[0] - b[2])[:8]
    if not lines:
        return False
    crops = [gray[y0:y1, x0:min(x1, x0 + 6 * (y1 - y0))] for x0, y0, x1, y1, _ in lines]  # a few characters
    readings = engine.recognize(crops + [np.rot90(c, 2).copy() for c in crops])
    upright = sum(_score(r) for r in readings[:len(crops)])
    turned = sum(_score(r) for r in readings[len(crops):])
    return turned > upright + 0.15 * len(crops)


def _upright(gray: np.ndarray, engine: Engine
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float, int, list[tuple[int, int, int, int, float]]]:
    """The page deskewed and turned so its text reads left to right: grey, ink, faint ink, skew
    angle, quarter turns made clockwise, and the detected text regions."""
    turns = 0
    levelled = deskew(gray)
    boxes = engine.detect(levelled[0])
    if _sideways(boxes):
        gray, turns = np.ascontiguousarray(np.rot90(gray, -1)), 1
        levelled = deskew(gray)
        boxes = engine.detect(levelled[0])
    if _upside_down(levelled[0], boxes, engine):
        turns += 2
        g, ink, faint, angle = levelled
        h, w = g.shape
        levelled = (np.ascontiguousarray(np.rot90(g, 2)), np.ascontiguousarray(np.rot90(ink, 2)),
                    np.ascontiguousarray(np.rot90(faint, 2)), angle)
        boxes = [(w - x1, h - y1, w - x0, h - y0, sc) for x0, y0, x1, y1, sc in boxes]
    return (*levelled, turns, boxes)


def read_page(gray: np.ndarray, number: int, dpi: float, engine: Engine) -> ScanPage:
    """A grey page image at `dpi` → its runs and rules (points), and the recognised glyphs. A page
    scanned turned is read upright: its boxes are in the frame of the upright page."""
    gray, dpi = bound(gray, dpi)
    gray, ink, faint, angle, turns, boxes = _upright(gray, engine)
    if len(boxes) > MAX_BOXES:
        raise TooManyRegions(len(boxes))
    pt = 72.0 / dpi
    h, w = gray.shape
    frame = Frame(0, 0.0, 0.0, w * pt, h * pt)
    heights = sorted(y1 - y0 for x0, y0, x1, y1, _ in boxes if x1 - x0 > y1 - y0)
    # A detector box is the line's ink with a margin around it: about 1.4 em high.
    em_px = min(max(0.7 * heights[len(heights) // 2] if heights else 0.15 * dpi, 6.0), 0.5 * dpi)
    lines = find_rules(faint, em_px, max(2.0, 0.02 * dpi), boxes)
    clean = gray.copy()
    clean[lines.mask > 0] = 255
    ink[lines.mask > 0] = 0
    em_px = _text_em(ink, boxes, em_px)
    regions = _regions(ink, boxes, em_px, lines)
    hrules = [Rule(y * pt, x0 * pt, x1 * pt) for y, x0, x1 in lines.hrules]
    vrules = [Rule(x * pt, y0 * pt, y1 * pt) for x, y0, y1 in lines.vrules]
    regions += _unread_cells(ink, grids(View(frame, [], hrules, vrules)), regions, em_px, 1 / pt)
    pad = max(2, int(0.15 * em_px))
    jobs = [_column_job(r, clean, pad, em_px) if r.chars else _line_job(r, clean, pad, em_px, lines)
            for r in regions]
    # Every line, and every column read upright; a column read poorly so is read turned as well.
    chosen = list(zip([0] * len(jobs), engine.recognize([j.crops[0] for j in jobs])))
    unsure = [k for k, j in enumerate(jobs) if len(j.crops) > 1 and _score(chosen[k][1]) < UPRIGHT_SURE]
    turned = iter(engine.recognize([c for k in unsure for c in jobs[k].crops[1:]]))
    for k in unsure:
        for variant in range(1, len(jobs[k].crops)):
            reading = next(turned)
            if _score(reading) > _score(chosen[k][1]) + 0.05:
                chosen[k] = (variant, reading)
    sizes = [e for job, (_, rd) in zip(jobs, chosen)
             if not job.region.chars and (e := _em_of(rd.text, job.region.y1 - job.region.y0)) is not None]
    body_em = statistics.median(sizes) if sizes else em_px
    collect = _PageRuns(pt)
    for job, (best, reading) in zip(jobs, chosen):
        r = job.region
        if r.chars:
            collect.column(job, best, reading, body_em)
        else:
            collect.line(reading, r, job.origins[0], _em_of(reading.text, r.y1 - r.y0) or body_em,
                         ink[r.y0:r.y1, r.x0:r.x1])
    view = View(frame, collect.runs, hrules, vrules)
    content = PageContent(number, frame, [view], glyphs=sum(len(r.text) for r in collect.runs))
    return ScanPage(content, collect.glyphs, angle, body_em * pt, 90 * turns)


__all__ = ["MAX_PIXELS", "OcrGlyph", "ScanPage", "TooManyRegions", "read_page", "to_gray"]
