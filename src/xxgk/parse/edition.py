"""Which edition a report printed its tables in, and the evidence for it.

Each edition lists markers: labels only its tables print (`markers` in editions/*.toml). The
edition whose markers appear most in the table regions wins; the evidence is the markers found.
With no marker at all the year decides (2019/2020 → 2019 edition, later → 2021).
"""

from __future__ import annotations

from .. import editions
from ..textnorm import fold
from .pieces import Line


def detect(lines: list[Line], year: int | None) -> tuple[str, list[str]]:
    text = "".join([fold(p.text) for ln in lines for p in ln.labels()])
    scores: dict[str, list[str]] = {}
    for ed in editions.all_editions():
        scores[ed.key] = [m for m in ed.markers if fold(m) in text]
    best = max(scores, key=lambda k: len(scores[k]))
    counts = sorted((len(v) for v in scores.values()), reverse=True)
    if counts[0] == 0 or counts[0] == counts[1]:
        key = editions.for_year(year).key if year else best
        why = f"版式标志不足，按报告年度 {year} 推定" if year else "版式标志不足"
        return key, [why] + [f"{k}: {', '.join(v)}" for k, v in scores.items() if v]
    return best, [f"{editions.get(best).notice} 标志: {m}" for m in scores[best]]
