"""The report model: `Report` with its `Cell`s, `Section`s and `Finding`s, and its JSON form.

JSON format `xxgk-report/1` (schema: `schemas/xxgk-report-1.schema.json`). `Report.from_dict` also
accepts hand-written JSON whose cells are bare values (`{"t3.new_received.total": 9}`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from . import editions
from .document import Source

FORMAT_ID = "xxgk-report/1"
Status = Literal["read", "inferred", "missing"]
Severity = Literal["error", "warning", "info"]
Number = int | float


@dataclass(slots=True)
class Cell:
    """One data cell. `value` is None for a blank/"—"/"/" cell (`raw` keeps what was printed) and
    for a cell the parser could not read (`status="missing"`)."""

    value: Number | None
    raw: str | None = None
    unit: str | None = None
    status: Status = "read"
    source: Source | None = None
    rule: str | None = None  # for inferred cells: the rule that determined the value
    note: str | None = None  # e.g. why a cell is missing, or that a reading is ambiguous
    confidence: float | None = None  # OCR: how sure the recognizer was of the printed text (0–1)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "raw": self.raw, "unit": self.unit,
                             "status": self.status,
                             "source": self.source.to_dict() if self.source else None,
                             "rule": self.rule}
        if self.note:
            d["note"] = self.note
        if self.confidence is not None:
            d["confidence"] = self.confidence
        return d

    @classmethod
    def from_json(cls, d: Any) -> "Cell":
        if not isinstance(d, dict):
            if d is not None and (isinstance(d, bool) or not isinstance(d, (int, float))):
                raise ValueError(f"a cell value must be a number or null, not {d!r}")
            return cls(value=d, raw=None if d is None else _fmt(d))
        value = d.get("value")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"a cell value must be a number or null, not {value!r}")
        return cls(value=value, raw=d.get("raw"), unit=d.get("unit"),
                   status=d.get("status", "read"), source=Source.from_dict(d.get("source")),
                   rule=d.get("rule"), note=d.get("note"), confidence=d.get("confidence"))


def _fmt(v: Number) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


@dataclass
class Section:
    key: str  # overview | proactive | requests | appeals | problems | other
    number: int
    heading: str | None  # as printed; None when the section is missing
    text: str = ""  # verbatim narrative text (tables excluded)
    source: Source | None = None

    @property
    def missing(self) -> bool:
        return self.heading is None

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "number": self.number, "heading": self.heading,
                "text": self.text, "missing": self.missing,
                "source": self.source.to_dict() if self.source else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Section":
        return cls(d["key"], d["number"], d.get("heading"), d.get("text") or "",
                   Source.from_dict(d.get("source")))


@dataclass
class Suspect:
    """The cell most likely wrong when equations fail, and the value that satisfies them."""

    cell: str
    printed: Number | None
    suggested: Number

    def to_dict(self) -> dict[str, Any]:
        return {"cell": self.cell, "printed": self.printed, "suggested": self.suggested}


@dataclass
class Finding:
    rule: str
    severity: Severity
    cells: list[str]
    message: str  # Chinese, for officials
    message_en: str
    expected: Number | str | None = None
    actual: Number | str | None = None
    suspect: Suspect | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "severity": self.severity, "cells": self.cells,
                "message": self.message, "message_en": self.message_en,
                "expected": self.expected, "actual": self.actual,
                "suspect": self.suspect.to_dict() if self.suspect else None}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Finding":
        s = d.get("suspect")
        return cls(d["rule"], d["severity"], list(d.get("cells") or []), d["message"],
                   d.get("message_en", ""), d.get("expected"), d.get("actual"),
                   Suspect(s["cell"], s.get("printed"), s["suggested"]) if s else None)


@dataclass
class Report:
    edition: str  # "2019" | "2021": the edition the tables were printed in
    year: int | None = None
    agency: str | None = None
    published: dt.date | None = None
    cells: dict[str, Cell] = field(default_factory=dict)
    sections: list[Section] = field(default_factory=list)
    title: str | None = None
    edition_evidence: list[str] = field(default_factory=list)
    source_name: str | None = None  # file the report was read from
    source_form: str | None = None  # reader form, e.g. "html", "docx-text"
    findings: list[Finding] = field(default_factory=list)  # parse-time findings (ambiguity, format)

    @property
    def spec(self) -> editions.Edition:
        return editions.get(self.edition)

    def value(self, key: str) -> Number | None:
        c = self.cells.get(key)
        return None if c is None else c.value

    def num(self, key: str) -> Number:
        """The value for arithmetic: null counts as 0 (FORMAT.md)."""
        v = self.value(key)
        return 0 if v is None else v

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    # -- JSON ---------------------------------------------------------------------------------
    def to_dict(self, findings: list[Finding] | None = None) -> dict[str, Any]:
        keys = self.spec.cell_keys()
        ordered = {k: self.cells[k] for k in keys if k in self.cells}
        ordered.update({k: c for k, c in self.cells.items() if k not in ordered})
        return {
            "format": FORMAT_ID,
            "edition": self.edition,
            "year": self.year,
            "agency": self.agency,
            "published": self.published.isoformat() if self.published else None,
            "title": self.title,
            "edition_evidence": self.edition_evidence,
            "source": {"name": self.source_name, "form": self.source_form},
            "sections": [s.to_dict() for s in self.sections],
            "cells": {k: c.to_dict() for k, c in ordered.items()},
            "findings": [f.to_dict() for f in (self.findings if findings is None else findings)],
        }

    def to_json(self, findings: list[Finding] | None = None) -> str:
        return json.dumps(self.to_dict(findings), ensure_ascii=False, indent=1)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Report":
        """Load `xxgk-report/1` JSON or a hand-written report with bare cell values."""
        fmt = d.get("format")
        if fmt is not None and fmt != FORMAT_ID:
            raise ValueError(f"unsupported format {fmt!r} (xxgk reads {FORMAT_ID})")
        edition = str(d.get("edition") or "")
        if edition not in editions.EDITION_KEYS:
            raise ValueError(f"'edition' must be one of {', '.join(editions.EDITION_KEYS)}, "
                             f"not {d.get('edition')!r}")
        cells_in = d.get("cells")
        if not isinstance(cells_in, dict):
            raise ValueError("'cells' must be an object of cell key → value")
        known = set(editions.get(edition).cell_keys())
        unknown = sorted(set(cells_in) - known)
        if unknown:
            raise ValueError(f"unknown cell key(s) for edition {edition}: {', '.join(unknown[:5])}")
        cells = {}
        for k, v in cells_in.items():
            try:
                cells[k] = Cell.from_json(v)
            except ValueError as e:
                raise ValueError(f"cell {k}: {e}") from None
        published = d.get("published")
        year = d.get("year")
        if year is not None and not isinstance(year, int):
            raise ValueError(f"'year' must be an integer, not {year!r}")
        src = d.get("source") or {}
        return cls(
            edition=edition,
            year=year,
            agency=d.get("agency"),
            published=dt.date.fromisoformat(published) if published else None,
            cells=cells,
            sections=[Section.from_dict(s) for s in d.get("sections") or []],
            title=d.get("title"),
            edition_evidence=list(d.get("edition_evidence") or []),
            source_name=src.get("name") if isinstance(src, dict) else None,
            source_form=src.get("form") if isinstance(src, dict) else None,
            findings=[Finding.from_dict(f) for f in d.get("findings") or []],
        )
