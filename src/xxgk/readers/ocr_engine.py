"""The OCR models: text detection (DB) and line recognition (CRNN/SVTR with CTC), run locally.

The models are PaddleOCR's PP-OCRv4 Chinese detection and recognition networks as shipped inside
the `rapidocr-onnxruntime` wheel (the optional extra `xxgk[ocr]`), run with onnxruntime. Nothing
is downloaded at run time: the ONNX files are read from the installed package, and the character
set from the recognition model's own metadata.

The pre- and post-processing is our own rather than rapidocr's pipeline, for what the table
reader needs and rapidocr does not give: every recognised character with its position along the
line, its probability and the runner-up class (so the rules can repair a misread digit and a
cell's confidence is the least sure of its characters), recognition batched by width (a page of
single-digit cells would otherwise be padded to 320 px each) and no text-direction classifier
(pages are deskewed and upright before they get here).

When numpy, OpenCV, onnxruntime or the models are missing, `engine()` raises a `ReadError`
naming the file and `pip install 'xxgk[ocr]'`.
"""

from __future__ import annotations

import importlib.util
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ReadError

if TYPE_CHECKING:  # only for annotations: the OCR libraries are optional
    import numpy as np

MODEL_PACKAGE = "rapidocr_onnxruntime"
DET_MODEL = "models/ch_PP-OCRv4_det_infer.onnx"
REC_MODEL = "models/ch_PP-OCRv4_rec_infer.onnx"

MISSING = ("需要 OCR 才能读取，但未安装 OCR 组件（pip install 'xxgk[ocr]'）/ needs OCR, which is "
           "not installed: pip install 'xxgk[ocr]'")

REC_HEIGHT = 48  # the recognition network's input height
REC_STRIDE = 8  # input columns per output time step
DET_MAX_SIDE = 1280  # detection runs on the page scaled down to this (10 pt text stays ≥ 14 px high at 150 dpi)
DET_THRESH = 0.3  # DB: pixel probability of text
BOX_THRESH = 0.5  # DB: mean probability of a text region
UNCLIP = 1.5  # DB: the shrunk kernel grows back by area × UNCLIP / perimeter
REC_BATCH = 16
REC_MAX_WIDTH = 3200  # input columns at most (a page-wide line at 300 dpi is 2600); wider is squeezed
# Letters and signs a recogniser gives for a digit.
EQUIVALENT = {"0": "Oo〇", "1": "lI|", "2": "", "3": "", "4": "", "5": "", "6": "", "7": "", "8": "", "9": ""}
DIGIT_OF = {c: d for d, alike in EQUIVALENT.items() for c in (*alike, chr(ord(d) + 0xFEE0))}


@dataclass(frozen=True, slots=True)
class Glyph:
    """One recognised character: its centre along the crop (pixels of the crop), probability,
    and the runner-up character with its probability."""

    char: str
    x: float
    prob: float
    alt: str
    alt_prob: float


@dataclass(frozen=True, slots=True)
class Reading:
    """What the recogniser read in one crop."""

    glyphs: tuple[Glyph, ...]

    @property
    def text(self) -> str:
        return "".join(g.char for g in self.glyphs)


class Engine:
    """The two ONNX sessions and the character set; one per process (`engine()`)."""

    def __init__(self, det_path: Path, rec_path: Path):
        import numpy as np
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.log_severity_level = 3  # onnxruntime's warnings are not the user's business
        opts.enable_cpu_mem_arena = False  # do not keep the largest page's buffers for good
        opts.intra_op_num_threads = min(4, os.cpu_count() or 1)
        # Threads that spin while waiting for work take the CPU from everything else (and from
        # each other on a busy machine: 2–3× slower there).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._np = np
        self.det = ort.InferenceSession(str(det_path), opts, providers=["CPUExecutionProvider"])
        self.rec = ort.InferenceSession(str(rec_path), opts, providers=["CPUExecutionProvider"])
        meta = self.rec.get_modelmeta().custom_metadata_map
        # Class 0 is the CTC blank; the model's dictionary follows, then the space.
        self.chars = ["", *meta["character"].splitlines(), " "]
        # Characters that print alike and mean one digit (0 O o 〇 ０, 1 l I | １, 5 ５ …): a glyph's
        # probability is its class's, or a plain "0" would seem unsure between 0 and O.
        index = {c: i for i, c in enumerate(self.chars) if c}
        self._equiv: dict[int, np.ndarray] = {}
        for digit, alike in EQUIVALENT.items():
            members = [index[c] for c in {digit, chr(ord(digit) + 0xFEE0), *alike} if c in index]
            for m in members:
                self._equiv[m] = np.array(sorted(members))
        self._det_in = self.det.get_inputs()[0].name
        self._rec_in = self.rec.get_inputs()[0].name
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ detection

    def detect(self, gray: "np.ndarray") -> list[tuple[int, int, int, int, float]]:
        """Text regions of an upright page: (x0, y0, x1, y1, score) in pixels of `gray`."""
        import cv2

        np = self._np
        h, w = gray.shape[:2]
        scale = min(1.0, DET_MAX_SIDE / max(h, w))
        nh, nw = max(32, int(round(h * scale / 32)) * 32), max(32, int(round(w * scale / 32)) * 32)
        small = cv2.resize(gray, (nw, nh), interpolation=cv2.INTER_AREA)
        x = (small.astype(np.float32) / 127.5 - 1.0)[None, None]
        x = np.repeat(x, 3, axis=1)
        with self._lock:
            prob = self.det.run(None, {self._det_in: x})[0][0, 0]
        mask = (prob > DET_THRESH).astype(np.uint8)
        mask = cv2.dilate(mask, np.ones((2, 2), np.uint8))
        n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
        sx, sy = w / nw, h / nh
        out = []
        for i in range(1, n):
            x0, y0, bw, bh, area = (int(v) for v in stats[i])
            if bw < 2 or bh < 2:
                continue
            region = labels[y0:y0 + bh, x0:x0 + bw] == i
            score = float(prob[y0:y0 + bh, x0:x0 + bw][region].mean())
            if score < BOX_THRESH:
                continue
            d = bw * bh * UNCLIP / (2 * (bw + bh))
            out.append((max(0, int((x0 - d) * sx)), max(0, int((y0 - d) * sy)),
                        min(w, int(round((x0 + bw + d) * sx))), min(h, int(round((y0 + bh + d) * sy))),
                        score))
        return out

    # ------------------------------------------------------------------ recognition

    def recognize(self, crops: list["np.ndarray"]) -> list[Reading]:
        """Read each crop (grey, one line of text, any size) as one line."""
        import cv2

        np = self._np
        lines: list[np.ndarray] = []
        scales: list[float] = []
        for crop in crops:
            h, w = crop.shape[:2]
            s = REC_HEIGHT / max(1, h)
            width = max(REC_STRIDE, min(REC_MAX_WIDTH, int(np.ceil(w * s))))
            lines.append(cv2.resize(crop, (width, REC_HEIGHT), interpolation=cv2.INTER_AREA if s < 1
                                    else cv2.INTER_CUBIC))
            scales.append(width / max(1, w))
        order = sorted(range(len(lines)), key=lambda k: lines[k].shape[1])
        out: list[Reading | None] = [None] * len(lines)
        i = 0
        while i < len(order):
            # Lines of similar width together: padding costs as much as text.
            narrowest = lines[order[i]].shape[1]
            j = i + 1
            while j < len(order) and j - i < REC_BATCH and \
                    lines[order[j]].shape[1] <= max(1.25 * narrowest, narrowest + 32):
                j += 1
            batch_ids = order[i:j]
            width = max(lines[k].shape[1] for k in batch_ids)
            width = -(-width // REC_STRIDE) * REC_STRIDE
            batch = np.zeros((len(batch_ids), 3, REC_HEIGHT, width), np.float32)
            for b, k in enumerate(batch_ids):
                line = lines[k].astype(np.float32) / 127.5 - 1.0
                batch[b, :, :, :line.shape[1]] = line
            with self._lock:
                probs = self.rec.run(None, {self._rec_in: batch})[0]
            steps = probs.shape[1]
            step_px = width / steps
            for b, k in enumerate(batch_ids):
                out[k] = self._decode(probs[b], step_px / scales[k])
            i = j
        return [r if r is not None else Reading(()) for r in out]

    def _decode(self, probs: "np.ndarray", step_px: float) -> Reading:
        """CTC best path: a character per run of equal non-blank steps; its probability is the
        best step's, its position that step's centre (in crop pixels)."""
        np = self._np
        best = probs.argmax(axis=1)
        glyphs: list[Glyph] = []
        prev = 0
        start = 0
        for t, cls in enumerate(best.tolist()):
            if cls != prev:
                if prev != 0:
                    glyphs.append(self._glyph(probs, start, t, prev, step_px, np))
                start = t
                prev = cls
        if prev != 0:
            glyphs.append(self._glyph(probs, start, len(best), prev, step_px, np))
        return Reading(tuple(glyphs))

    def _glyph(self, probs: "np.ndarray", a: int, b: int, cls: int, step_px: float, np: Any) -> Glyph:
        span = probs[a:b]
        t = int(span[:, cls].argmax())
        row = span[t]
        same = self._equiv.get(cls)
        p = float(row[same].sum()) if same is not None else float(row[cls])
        ranked = np.argpartition(row, -4)[-4:]
        alt, alt_p = "", 0.0
        for c in ranked.tolist():
            if c != 0 and (c != cls if same is None else c not in same) and float(row[c]) > alt_p:
                alt, alt_p = self.chars[c], float(row[c])
        if alt in DIGIT_OF:
            alt = DIGIT_OF[alt]
        return Glyph(self.chars[cls], (a + t + 0.5) * step_px, min(1.0, p), alt, alt_p)


_ENGINE: Engine | None = None
_ENGINE_LOCK = threading.Lock()


def _model_dir() -> Path | None:
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def available() -> bool:
    """Are the OCR libraries and models installed?"""
    try:
        import cv2  # noqa: F401
        import numpy  # noqa: F401
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    base = _model_dir()
    return base is not None and (base / DET_MODEL).is_file() and (base / REC_MODEL).is_file()


def engine(name: str) -> Engine:
    """The process's OCR engine, loaded on first use; a `ReadError` naming `name` without it."""
    global _ENGINE
    if _ENGINE is not None:
        return _ENGINE
    with _ENGINE_LOCK:
        if _ENGINE is None:
            if not available():
                raise ReadError(name, MISSING)
            base = _model_dir()
            assert base is not None
            _ENGINE = Engine(base / DET_MODEL, base / REC_MODEL)
    return _ENGINE


__all__ = ["Engine", "Glyph", "MISSING", "Reading", "available", "engine"]
