"""Storing reports: one parsed file → source, agency, report, version, findings, figures,
narratives and an audit row, inside the caller's transaction.

The parsing happens elsewhere (`xxgk.ingest`, possibly in worker processes); what arrives here is
a `Parsed` payload, already serialised, so the single writer only writes. This is the hot path of
a batch ingest: it speaks SQL Core with statements built once, nine statements for a new report of a
known agency (source, report, version, the neighbouring years in one query, findings, figures,
narratives, the report's counts, audit), and keeps agencies it has met in a cache the caller owns.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from ..checks import Context
from ..checks.catalogue import RULES
from ..model import Cell, Number, Report, Section
from ..textnorm import fold
from . import agencies, findings
from .models import (Agency, AgencyName, AuditEntry, Narrative, ReportRecord, Review, SourceFile,
                     Version, figure_keys, figures, utcnow)
from .records import IngestResult, UserInfo

Actor = str | UserInfo | None
_FIGURE_KEYS = frozenset(figure_keys())
R = ReportRecord.__table__
V = Version.__table__
S = SourceFile.__table__
A = Agency.__table__
AN = AgencyName.__table__
# Built once: a batch runs each of them thousands of times.
_SOURCE = select(S.c.id).where(S.c.sha256 == bindparam("sha"))
_LAST_NUMBER = select(func.max(V.c.number)).where(V.c.report_id == bindparam("r"))
_NEAR = select(R.c.id, R.c.year, R.c.current_version_id).where(
    R.c.agency_id == bindparam("a"), R.c.year.in_(bindparam("ys", expanding=True)),
    R.c.current_version_id.is_not(None))
# The report of the year and both neighbours in one query: the report to add a version to, and
# the reports the cross-year rules compare with.
_YEARS_AROUND = select(R.c.id, R.c.year, R.c.current_version_id).where(
    R.c.agency_id == bindparam("a"), R.c.year >= bindparam("y0"), R.c.year <= bindparam("y1"))
_AGENCY_BY_NAME = select(A.c.id, A.c.name, A.c.kind).join_from(
    AN, A, AN.c.agency_id == A.c.id).where(AN.c.folded == bindparam("k"))
_SET_REPORT = update(R).where(R.c.id == bindparam("rid"))
_INSERT_SOURCE = insert(S)
_INSERT_REPORT = insert(R)
_INSERT_VERSION = insert(V)
_INSERT_FIGURES = insert(figures)
_INSERT_NARRATIVES = insert(Narrative.__table__)
_INSERT_AUDIT = insert(AuditEntry.__table__)


def actor_of(actor: Actor) -> tuple[str, int | None]:
    """(name, user id) of whoever writes: a user, a name, or the person at the command line."""
    if isinstance(actor, UserInfo):
        return actor.username, actor.id
    if actor:
        return str(actor)[:100], None
    try:
        who = getpass.getuser()
    except Exception:  # no user name in the environment (containers)
        who = "unknown"
    return f"cli:{who}"[:100], None


def audit(s: Session | Connection, actor: Actor, action: str, target: str | None,
          detail: dict[str, Any] | None = None) -> None:
    name, user_id = actor_of(actor)
    conn = s if isinstance(s, Connection) else s.connection()
    conn.execute(_INSERT_AUDIT, {
        "at": utcnow(), "actor": name, "user_id": user_id, "action": action, "target": target,
        "detail": detail})


CellRow = tuple[Number | None, str | None, str | None, str]  # value, raw, unit, status
SectionRow = tuple[str, int, str | None, str]  # key, number, heading, text


@dataclass
class Parsed:
    """A file read and checked, ready to store. It crosses from a parser process to the writer,
    so it holds plain values only: str, bytes, numbers, tuples. (Shipping the report's tree of
    dataclasses instead cost 0.7 ms per report to pickle and unpickle, a quarter of what the
    writer spends on storing it; tuples cost a tenth of that.)"""

    name: str
    sha256: str
    size: int
    data_z: bytes  # the file's bytes, zlib-compressed
    document: str  # xxgk-report/1 JSON (parse-time findings only)
    findings: list[dict[str, Any]]  # the checks without last year's report
    agency: str
    year: int
    edition: str
    published: str | None
    title: str | None
    cells: dict[str, CellRow] = field(default_factory=dict)
    sections: list[SectionRow] = field(default_factory=list)

    def values(self) -> dict[str, Number | None]:
        """Every cell's value (`make_current` keeps the figures')."""
        return {k: c[0] for k, c in self.cells.items()}

    def light(self) -> Report:
        """The report as the cross-year rules read it: values, statuses, sections; no
        provenance."""
        return Report(edition=self.edition, year=self.year, agency=self.agency,
                      published=dt.date.fromisoformat(self.published) if self.published else None,
                      cells={k: Cell(*c) for k, c in self.cells.items()},
                      sections=[Section(*x) for x in self.sections], title=self.title)


def cell_rows(report: Report) -> dict[str, CellRow]:
    return {k: (c.value, c.raw, c.unit, c.status) for k, c in report.cells.items()}


class Recent:
    """The reports this writer stored last, by (agency, year) and version: last year's report of
    the next file in a folder is usually among them."""

    def __init__(self, size: int = 64):
        self.size = size
        self._items: dict[tuple[int, int], tuple[int, Report]] = {}

    def get(self, agency_id: int, year: int, version_id: int) -> Report | None:
        got = self._items.get((agency_id, year))
        return got[1] if got is not None and got[0] == version_id else None

    def put(self, agency_id: int, year: int, version_id: int, report: Report) -> None:
        self._items.pop((agency_id, year), None)
        self._items[(agency_id, year)] = (version_id, report)
        while len(self._items) > self.size:
            self._items.pop(next(iter(self._items)))


def values_of(report: Report) -> dict[str, Number | None]:
    return {k: c.value for k, c in report.cells.items() if k in _FIGURE_KEYS}


def sections_of(report: Report) -> list[SectionRow]:
    return [(sec.key, sec.number, sec.heading, sec.text) for sec in report.sections]


def source_state(s: Session, sha256: str, parser_version: str) -> str:
    """new · duplicate (stored and read by this parser) · reparse (stored, older parser only)."""
    src = s.scalar(select(SourceFile.id).where(SourceFile.sha256 == sha256))
    if src is None:
        return "new"
    versions = s.execute(select(Version.parser_version).where(Version.source_id == src)).all()
    if not versions:
        return "new"  # its reports were deleted: store it again
    return "duplicate" if any(v == parser_version for (v,) in versions) else "reparse"


@dataclass(frozen=True)
class AgencyRef:
    id: int
    name: str
    kind: str | None
    created: bool = False  # inserted by this transaction: it has no reports yet


class Agencies:
    """The agencies a writer has met, by folded name: the `size` used last. A national library
    holds tens of thousands, and the reports of one agency come together in a batch, so a few
    thousand spare nearly every lookup (one indexed query, ~20 µs, when missed). What a
    transaction adds is set aside until `commit()`; `rollback()` drops it (it may not exist).
    (Unbounded and copied per transaction, the cache cost the writer ~0.2 KB per agency for the
    whole batch, and the copy 0.18 ms per report at 50,000 agencies.)"""

    def __init__(self, size: int = 4096):
        self.size = size
        self._items: OrderedDict[str, AgencyRef] = OrderedDict()  # committed, least recent first
        self._new: dict[str, AgencyRef] = {}  # met by the transaction under way

    def get(self, key: str) -> AgencyRef | None:
        ref = self._new.get(key)
        if ref is None:
            ref = self._items.get(key)
            if ref is not None:
                self._items.move_to_end(key)
        return ref

    def put(self, key: str, ref: AgencyRef) -> None:
        self._new[key] = ref

    def commit(self) -> None:
        """The transaction committed: what it met exists."""
        for key, ref in self._new.items():
            self._items[key] = ref
            self._items.move_to_end(key)
        self._new.clear()
        while len(self._items) > self.size:
            self._items.popitem(last=False)

    def rollback(self) -> None:
        self._new.clear()

    def __len__(self) -> int:
        return len(self._items)


def _agency(s: Session, name: str, region: str | None, regions: set[str] | None,
            cache: Agencies | None) -> AgencyRef:
    key = fold(name)
    cached = cache.get(key) if cache is not None else None
    if cached is not None:
        return cached
    found = s.connection().execute(_AGENCY_BY_NAME, {"k": key}).first() if key else None
    if found is not None:
        ref = AgencyRef(found[0], found[1], found[2])
    else:
        known = regions if regions is not None else agencies.known_regions(s)
        # A region the agency's name places it in beats the batch's region, which is a fallback.
        made = agencies.insert(s, name, region=agencies.infer_region(name, known) or region)
        ref = AgencyRef(made[0], made[1], made[2], created=True)
        if regions is not None and made[3]:
            parts = made[3].split("/")
            regions.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    if cache is not None:
        # What the next transactions find: an agency that exists, with whatever reports.
        cache.put(key, AgencyRef(ref.id, ref.name, ref.kind))
    return ref


def store(s: Session, p: Parsed, actor: Actor, *, parser_version: str,
          region: str | None = None, regions: set[str] | None = None,
          cache: Agencies | None = None, recent: Recent | None = None,
          new_source: bool = False) -> IngestResult:
    """Store `p`; the caller commits. The caller tells `cache` (agencies met) whether the
    transaction committed (`commit()` / `rollback()`). `new_source`: the caller found no stored file
    with this hash before parsing it, so the source is inserted without looking again; should it
    have been stored since, its unique hash fails the insert and the caller tries again without."""
    conn = s.connection()
    state, src_id = "new", None
    if not new_source:
        src = conn.execute(_SOURCE, {"sha": p.sha256}).first()
        if src is not None:
            state = source_state(s, p.sha256, parser_version)
            if state == "duplicate":
                return IngestResult(p.name, "duplicate")
            src_id = src[0]
    if src_id is None:
        src_id = conn.execute(_INSERT_SOURCE, {
            "sha256": p.sha256, "size": p.size, "name": p.name[:1000], "data": p.data_z,
            "created_at": utcnow()}).inserted_primary_key[0]
    agency = _agency(s, p.agency, region, regions, cache)
    years = _years_around(conn, agency, p.year)
    this = years.pop(p.year, None)
    now = utcnow()
    if this is None:
        rid = conn.execute(_INSERT_REPORT, {
            "agency_id": agency.id, "year": p.year, "edition": p.edition, "errors": 0,
            "warnings": 0, "created_at": now, "updated_at": now}).inserted_primary_key[0]
        number = 1
    else:
        rid = this[0]
        number = (conn.execute(_LAST_NUMBER, {"r": rid}).scalar() or 0) + 1
    vid = conn.execute(_INSERT_VERSION, {
        "report_id": rid, "number": number, "source_id": src_id, "document": p.document,
        "producer": "parser", "parser_version": parser_version,
        "created_at": now}).inserted_primary_key[0]
    make_current(s, rid, agency.id, p.year, vid, p.document, values=p.values(),
                 sections=p.sections, own=p.findings, fresh=this is None, report=p.light(),
                 recent=recent, near={y: v for y, v in years.items() if v[1] is not None},
                 also={
                     "edition": p.edition,
                     "published": dt.date.fromisoformat(p.published) if p.published else None,
                     "deadline": agencies.deadline_for(p.year, agency.kind),
                     "title": (p.title or "")[:500] or None, "source": p.name[:1000]})
    audit(conn, actor, "ingest" if state == "new" else "reparse", f"report:{rid}",
          {"name": p.name, "sha256": p.sha256, "version": number, "agency": agency.name,
           "year": p.year})
    return IngestResult(p.name, "ingested" if state == "new" else "reparsed", rid, number)


def _years_around(conn: Connection, agency: AgencyRef, year: int) -> dict[int, tuple[int, int | None]]:
    """year → (report id, current version id) of the agency's reports of `year` ± 1."""
    if agency.created:
        return {}  # an agency this transaction made has no reports yet: no need to ask
    return {y: (rid, vid) for rid, y, vid in conn.execute(
        _YEARS_AROUND, {"a": agency.id, "y0": year - 1, "y1": year + 1})}


def make_current(s: Session, report_id: int, agency_id: int, year: int, version_id: int,
                 document: str, *, values: dict[str, Number | None],
                 sections: Iterable[tuple[str, int, str | None, str]],
                 own: list[dict[str, Any]], report: Report | None = None,
                 fresh: bool = False, also: dict[str, Any] | None = None,
                 recent: Recent | None = None,
                 near: dict[int, tuple[int, int]] | None = None) -> None:
    """Make a version the report's current one: findings (with last year's report), figures,
    narratives, counts; then re-run the cross-year rules of next year's report. `fresh`: the
    report was created in this transaction (nothing of it to replace); `also`: more columns of
    the report row to set in the same statement; `near`: year → (report id, current version id)
    of the agency's reports of the years before and after, when the caller knows them."""
    conn = s.connection()
    if near is None:
        near = {y: (rid, vid) for rid, y, vid in conn.execute(
            _NEAR, {"a": agency_id, "ys": [year - 1, year + 1]})}
    cross: list[dict[str, Any]] = []
    if year - 1 in near:
        report = report or load(document, light=True)
        vid = near[year - 1][1]
        previous = recent.get(agency_id, year - 1, vid) if recent is not None else None
        cross = cross_year(report, previous or load_version(s, vid))
    found = [d for d in own if d["rule"] not in findings.CROSS_YEAR] + cross
    if not fresh:
        conn.execute(delete(figures).where(figures.c.report_id == report_id))
        conn.execute(delete(Narrative.__table__).where(Narrative.report_id == report_id))
    findings.replace(s, version_id, found, fresh=True)
    row: dict[str, Any] = {k: None if x is None else float(x) for k, x in values.items()
                           if k in _FIGURE_KEYS}
    row["report_id"] = report_id
    conn.execute(_INSERT_FIGURES, row)
    rows = [{"report_id": report_id, "section": key, "number": number, "heading": heading,
             "text": text} for key, number, heading, text in sections]
    if rows:
        conn.execute(_INSERT_NARRATIVES, rows)
    errors, warnings = findings.count(found, () if fresh else dismissed(s, report_id))
    conn.execute(_SET_REPORT, {"rid": report_id, "current_version_id": version_id,
                               "errors": errors, "warnings": warnings, "updated_at": utcnow(),
                               **(also or {})})
    if year + 1 in near:
        report = report or load(document, light=True)
        refresh_cross_year(s, *near[year + 1], previous=report)
    if recent is not None and report is not None:
        recent.put(agency_id, year, version_id, report)


def dismissed(s: Session, report_id: int) -> set[str]:
    return set(s.scalars(select(Review.fingerprint).where(Review.report_id == report_id,
                                                          Review.state == "dismissed")))


def recount(s: Session, report_id: int) -> None:
    """errors / warnings of a report's current version, dismissed findings not counted."""
    vid = s.scalar(select(R.c.current_version_id).where(R.c.id == report_id))
    found = findings.as_dicts(s, vid) if vid is not None else []
    errors, warnings = findings.count(found, dismissed(s, report_id))
    s.execute(update(R).where(R.c.id == report_id).values(errors=errors, warnings=warnings))


def refresh_cross_year(s: Session, report_id: int, version_id: int,
                       previous: Report | None) -> None:
    """Re-run P1–P3 and F6 of a report's current version against `previous`."""
    own = [d for d in findings.as_dicts(s, version_id) if d["rule"] not in findings.CROSS_YEAR]
    cross = (cross_year(load_version(s, version_id), previous) if previous is not None else [])
    findings.replace(s, version_id, own + cross)
    recount(s, report_id)


def cross_year(report: Report, previous: Report) -> list[dict[str, Any]]:
    ctx = Context(report, previous)
    return [f.to_dict() for r in RULES if r.id in findings.CROSS_YEAR and r.applies(ctx)
            for f in r.check(ctx)]


def previous_report(s: Session, agency_id: int, year: int) -> Report | None:
    """The current version of the agency's report of `year - 1`, if stored."""
    vid = s.scalar(select(R.c.current_version_id).where(
        R.c.agency_id == agency_id, R.c.year == year - 1, R.c.current_version_id.is_not(None)))
    return None if vid is None else load_version(s, vid)


def load(document: str, light: bool = False) -> Report:
    """A stored document as a `Report`; `light`: without provenance (as `Parsed.light`), three times
    faster, for the rules."""
    d = json.loads(document)
    if not light:
        return Report.from_dict(d)
    published = d.get("published")
    return Report(
        edition=d["edition"], year=d.get("year"), agency=d.get("agency"),
        published=dt.date.fromisoformat(published) if published else None,
        cells={k: Cell(c.get("value"), c.get("raw"), c.get("unit"), c.get("status", "read"))
               for k, c in d["cells"].items()},
        sections=[Section(x["key"], x["number"], x.get("heading"), x.get("text") or "")
                  for x in d.get("sections") or []],
        title=d.get("title"))


def load_version(s: Session, version_id: int, light: bool = True) -> Report:
    """A version's report for the rules (`light` by default: the rules read no provenance)."""
    doc = s.scalar(select(V.c.document).where(V.c.id == version_id))
    assert doc is not None
    return load(doc, light=light)
