"""What the library hands out: plain frozen dataclasses, detached from any database session."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Number, Report

Role = Literal["admin", "reviewer", "editor", "viewer"]
ROLES: tuple[str, ...] = ("admin", "reviewer", "editor", "viewer")
ReviewState = Literal["confirmed", "dismissed"]
REVIEW_STATES: tuple[str, ...] = ("confirmed", "dismissed")
AgencyKind = Literal["government", "department", "township"]
KINDS: tuple[str, ...] = ("government", "department", "township")
LEVELS: tuple[str, ...] = ("province", "city", "county", "township")


def aware(t: dt.datetime | None) -> dt.datetime | None:
    """Stored timestamps are naive UTC."""
    return None if t is None else t.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class AgencyInfo:
    id: int
    name: str
    aliases: tuple[str, ...]
    region: str | None
    level: str | None
    kind: str | None


@dataclass(frozen=True)
class ReportRow:
    id: int
    agency_id: int
    agency: str
    region: str | None
    kind: str | None
    year: int
    edition: str
    published: dt.date | None
    deadline: dt.date | None
    source: str | None
    title: str | None
    errors: int
    warnings: int
    versions: int
    version_id: int | None
    updated_at: dt.datetime | None

    @property
    def late(self) -> bool | None:
        """Published after the 第四十九条 deadline; None when the date is not known."""
        if self.published is None or self.deadline is None:
            return None
        return self.published > self.deadline


@dataclass(frozen=True)
class VersionInfo:
    id: int
    report_id: int
    number: int
    producer: str  # parser | correction
    parser_version: str | None
    author: str | None
    reason: str | None
    based_on_id: int | None
    created_at: dt.datetime | None
    source_id: int | None
    source_sha256: str | None
    source_name: str | None


@dataclass(frozen=True)
class Review:
    state: str
    by: str
    at: dt.datetime | None
    note: str | None


@dataclass(frozen=True)
class StoredFinding:
    id: int
    fingerprint: str
    rule: str
    severity: str
    cells: tuple[str, ...]
    message: str
    message_en: str
    expected: Any
    actual: Any
    suspect: dict[str, Any] | None
    review: Review | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "fingerprint": self.fingerprint, "rule": self.rule,
                "severity": self.severity, "cells": list(self.cells), "message": self.message,
                "message_en": self.message_en, "expected": self.expected,
                "actual": self.actual, "suspect": self.suspect,
                "review": None if self.review is None else {
                    "state": self.review.state, "by": self.review.by,
                    "at": self.review.at.isoformat() if self.review.at else None,
                    "note": self.review.note}}


@dataclass(frozen=True)
class ReportDetail:
    row: ReportRow
    version: VersionInfo
    report: Report
    findings: list[StoredFinding]


@dataclass(frozen=True)
class VersionDetail:
    info: VersionInfo
    report: Report
    findings: list[StoredFinding]


@dataclass(frozen=True)
class CellDelta:
    key: str
    label: str
    a: Number | None
    b: Number | None

    @property
    def delta(self) -> Number | None:
        if self.a is None or self.b is None:
            return None
        d = self.b - self.a
        return round(d, 6) if isinstance(d, float) else d

    @property
    def changed(self) -> bool:
        return self.a != self.b


@dataclass(frozen=True)
class UserInfo:
    id: int
    username: str
    role: str
    region: str | None
    agency_id: int | None
    agency: str | None
    created_at: dt.datetime | None
    disabled: bool


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: dt.datetime | None
    actor: str
    user_id: int | None
    action: str
    target: str | None
    detail: dict[str, Any] | None


IngestStatus = Literal["ingested", "reparsed", "duplicate", "failed"]


@dataclass(frozen=True)
class IngestResult:
    name: str
    status: IngestStatus
    report_id: int | None = None
    version: int | None = None  # the version number stored
    reason: str | None = None  # why it failed


@dataclass
class IngestSummary:
    ingested: int = 0
    reparsed: int = 0
    duplicates: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    report_ids: list[int] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, result: IngestResult) -> None:
        if result.status == "ingested":
            self.ingested += 1
        elif result.status == "reparsed":
            self.reparsed += 1
        elif result.status == "duplicate":
            self.duplicates += 1
        else:
            self.failed.append((result.name, result.reason or ""))
        if result.report_id is not None and result.status in ("ingested", "reparsed"):
            self.report_ids.append(result.report_id)

    @property
    def total(self) -> int:
        return self.ingested + self.reparsed + self.duplicates + len(self.failed)


# -- views ----------------------------------------------------------------------------------------
AgencyYearStatus = Literal["on_time", "late", "undated", "missing", "not_due"]


@dataclass(frozen=True)
class AgencyYear:
    agency: AgencyInfo
    report_id: int | None
    published: dt.date | None
    deadline: dt.date
    status: AgencyYearStatus
    errors: int = 0


@dataclass
class RegionNode:
    path: str
    name: str
    agencies: list[AgencyYear] = field(default_factory=list)
    children: list["RegionNode"] = field(default_factory=list)
    published: int = 0  # in the subtree
    late: int = 0
    missing: int = 0
    total: int = 0  # agencies in the subtree

    def find(self, path: str) -> "RegionNode | None":
        if self.path == path:
            return self
        for c in self.children:
            if path == c.path or path.startswith(c.path + "/") or not c.path:
                got = c.find(path)
                if got is not None:
                    return got
        return None


@dataclass(frozen=True)
class OutcomeRow:
    key: str  # granted | partially_granted | withheld | unable | rejected | other | total_processed
    label: str
    values: dict[str, Number]  # applicant column → total


@dataclass(frozen=True)
class YearTrend:
    year: int
    reports: int
    received: Number
    processed: Number
    granted: Number
    review: Number
    litigation: Number
    late: int
    with_errors: int


@dataclass(frozen=True)
class RuleCount:
    rule: str
    title: str
    reports: int
    findings: int


@dataclass(frozen=True)
class Dashboard:
    reports: int
    outcomes: list[OutcomeRow]
    applicants: dict[str, Number]  # new applications by applicant column
    columns: list[tuple[str, str]]  # applicant column key, label
    trends: list[YearTrend]
    top_rules: list[RuleCount]


@dataclass(frozen=True)
class SearchHit:
    row: ReportRow
    section: str | None  # None: the match is in the agency name or title
    snippet: str
