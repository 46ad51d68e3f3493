"""Stored findings: a stable fingerprint per finding, so review decisions outlive re-checks."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..checks import SEVERITY_ORDER
from ..checks.catalogue import RULES
from ..model import Finding
from .models import FindingRecord, Review
from .records import Review as ReviewInfo
from .records import StoredFinding, aware

# The rules that look at last year's report: re-run when a neighbouring year is stored.
CROSS_YEAR = frozenset(r.id for r in RULES if "previous" in r.needs)
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def fingerprint(rule: str, cells: Iterable[str], message_en: str = "") -> str:
    """rule | sorted cells; a finding about no cell (a section, the date) adds its English message
    with the figures blanked, so "section 1 copied" and "section 5 copied" differ but this year's
    similarity or days late do not matter."""
    cells = sorted(set(cells))
    extra = "" if cells else _DIGITS.sub("#", message_en)
    return hashlib.sha1(f"{rule}|{','.join(cells)}|{extra}".encode()).hexdigest()


def finding_fingerprint(f: Finding | dict[str, Any]) -> str:
    if isinstance(f, Finding):
        return fingerprint(f.rule, f.cells, f.message_en)
    return fingerprint(f["rule"], f.get("cells") or (), f.get("message_en") or "")



def _order(d: dict[str, Any]) -> tuple[int, str]:
    return SEVERITY_ORDER.get(d["severity"], 3), d["rule"]


def replace(s: Session, version_id: int, found: list[dict[str, Any]], *,
            fresh: bool = False) -> None:
    """The version's findings become `found` (finding dicts, as `Finding.to_dict`); `fresh`: the
    version has none yet."""
    if not fresh:
        s.connection().execute(delete(FindingRecord.__table__)
                               .where(FindingRecord.version_id == version_id))
    rows = []
    seen: set[tuple[Any, ...]] = set()
    for i, d in enumerate(sorted(found, key=_order)):
        key = (d["rule"], d["severity"], tuple(d.get("cells") or ()), d["message"])
        if key in seen:
            continue
        seen.add(key)
        fp = finding_fingerprint(d)
        rows.append({"version_id": version_id, "ordinal": i, "rule": d["rule"],
                     "severity": d["severity"], "cells": list(d.get("cells") or []),
                     "message": d["message"], "message_en": d.get("message_en") or "",
                     "expected": d.get("expected"), "actual": d.get("actual"),
                     "suspect": d.get("suspect"), "fingerprint": fp})
    if rows:
        s.connection().execute(FindingRecord.__table__.insert(), rows)


def as_dicts(s: Session, version_id: int) -> list[dict[str, Any]]:
    rows = s.scalars(select(FindingRecord).where(FindingRecord.version_id == version_id)
                     .order_by(FindingRecord.ordinal)).all()
    return [{"rule": r.rule, "severity": r.severity, "cells": list(r.cells or []),
             "message": r.message, "message_en": r.message_en, "expected": r.expected,
             "actual": r.actual, "suspect": r.suspect} for r in rows]


def stored(s: Session, report_id: int, version_id: int) -> list[StoredFinding]:
    reviews = {r.fingerprint: r for r in s.scalars(select(Review).where(Review.report_id == report_id))}
    out = []
    for r in s.scalars(select(FindingRecord).where(FindingRecord.version_id == version_id)
                       .order_by(FindingRecord.ordinal)):
        rv = reviews.get(r.fingerprint)
        out.append(StoredFinding(
            r.id, r.fingerprint, r.rule, r.severity, tuple(r.cells or ()), r.message,
            r.message_en, r.expected, r.actual, r.suspect,
            None if rv is None else ReviewInfo(rv.state, rv.by, aware(rv.at), rv.note)))
    return out


def count(found: Iterable[dict[str, Any]], dismissed: Iterable[str]) -> tuple[int, int]:
    """(errors, warnings) among `found`, dismissed fingerprints not counted."""
    skip = set(dismissed)
    errors = warnings = 0
    for d in found:
        if skip and finding_fingerprint(d) in skip:
            continue
        errors += d["severity"] == "error"
        warnings += d["severity"] == "warning"
    return errors, warnings
