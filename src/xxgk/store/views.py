"""Read-only views over the library: the region tree of a year, dashboard aggregates, search.

Sums come from the `figures` table (one column per cell key), so a dashboard over ten thousand
reports is a handful of SELECTs rather than ten thousand JSON documents.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, case, func, literal, select

from .. import editions
from ..checks.catalogue import RULES
from ..query import Filters, contains, in_region, normalise_region, where
from . import agencies
from .models import (Agency, FindingRecord, Narrative, ReportRecord, Review, SourceFile, Version,
                     figures)
from .records import Review as ReviewState
from .records import ReportDetail, ReportRow, StoredFinding, VersionInfo, aware
from .writer import load as load_document
from .records import (AgencyYear, Dashboard, OutcomeRow, RegionNode, RuleCount, SearchHit,
                      YearTrend)

if TYPE_CHECKING:
    from .library import Library

UNASSIGNED = "（未设地区）"
_PARSE_RULES = {"R-ambiguous": "读法不唯一", "R-unreadable": "单元格无法识别",
                "R-not-found": "报告中未找到表格行"}


# -- region tree ------------------------------------------------------------------------------
def region_tree(lib: "Library", year: int, *, root: str | None = None,
                today: dt.date | None = None) -> RegionNode:
    """Agencies under `root` (everything when None) by region, each with its report of `year`:
    on time, late, undated, missing (no report and the deadline has passed) or not yet due."""
    today = today or dt.date.today()
    root = normalise_region(root)
    with lib.read() as s:
        q = select(Agency)
        if root:
            q = q.where(in_region(Agency.region, root))
        members = s.scalars(q.order_by(Agency.name)).all()
        reps = {r.agency_id: r for r in s.scalars(
            select(ReportRecord).where(ReportRecord.year == year,
                                       ReportRecord.agency_id.in_([a.id for a in members])))}
        infos = [(agencies.info(a), reps.get(a.id)) for a in members]
    top = RegionNode(root or "", (root or "全部").rsplit("/", 1)[-1])
    nodes: dict[str, RegionNode] = {top.path: top}

    def node(path: str) -> RegionNode:
        if path in nodes:
            return nodes[path]
        parent = node(path.rsplit("/", 1)[0]) if "/" in path else top
        n = RegionNode(path, path.rsplit("/", 1)[-1])
        parent.children.append(n)
        nodes[path] = n
        return n

    for info, rep in infos:
        deadline = agencies.deadline_for(year, info.kind)
        if rep is None:
            status = "missing" if today > deadline else "not_due"
            entry = AgencyYear(info, None, None, deadline, status)
        else:
            due = rep.deadline or deadline
            status = ("undated" if rep.published is None else
                      "late" if rep.published > due else "on_time")
            entry = AgencyYear(info, rep.id, rep.published, due, status, rep.errors)
        path = info.region or (top.path if root else UNASSIGNED)
        node(path).agencies.append(entry)
    _count(top)
    _sort(top)
    return top


def _count(n: RegionNode) -> None:
    for c in n.children:
        _count(c)
    n.total = len(n.agencies) + sum(c.total for c in n.children)
    n.published = sum(1 for a in n.agencies if a.report_id is not None) + \
        sum(c.published for c in n.children)
    n.late = sum(1 for a in n.agencies if a.status == "late") + sum(c.late for c in n.children)
    n.missing = sum(1 for a in n.agencies if a.status == "missing") + \
        sum(c.missing for c in n.children)


def _sort(n: RegionNode) -> None:
    # A region's own government first, then its departments, then townships.
    order = {"government": 0, "department": 1, "township": 2}
    n.agencies.sort(key=lambda a: (order.get(a.agency.kind or "", 3), a.agency.name))
    n.children.sort(key=lambda c: c.path)
    for c in n.children:
        _sort(c)


# -- dashboard --------------------------------------------------------------------------------
def _col(key: str) -> Any:
    return figures.c[key]


def _row_total(row: str) -> Any:
    """A table-3 row's 总计, or the sum of its applicant columns when the total is blank."""
    ed = editions.get(editions.EDITION_KEYS[-1])
    parts = [func.coalesce(_col(f"t3.{row}.{c.key}"), 0) for c in ed.t3_columns if c.key != "total"]
    return func.coalesce(_col(f"t3.{row}.total"), sum(parts[1:], parts[0]))


def _t4_total(group: str) -> Any:
    return func.coalesce(_col(f"t4.{group}.total"), 0)


def _num(x: Any) -> int | float:
    if x is None:
        return 0
    f = float(x)
    return int(f) if f.is_integer() else round(f, 6)


def _rows_for(ed: editions.Edition, key: str) -> list[str]:
    """An edition's table-3 rows for an outcome: the group's rows, or the row itself (2019 prints
    （六）其他处理 as one row, 2021 as a group of three)."""
    grouped = [r.key for r in ed.rows_in_group(key) if r.key != key]
    if grouped and any(g.key == key for g in ed.t3_groups):
        return grouped
    return [key] if any(r.key == key for r in ed.t3_rows) else []


def outcome_groups() -> list[tuple[str, str, dict[str, list[str]]]]:
    """(key, label, edition → row keys) of the outcome groups of table 3, from the edition data:
    （一）（二） are rows, （三）–（六） groups of rows (or one row), （七） the total."""
    out: list[tuple[str, str, dict[str, list[str]]]] = []
    newest = editions.get(editions.EDITION_KEYS[-1])
    for row in newest.rows_in_group("results"):
        key, label = row.key, row.label
        if row.group != "results":
            key, label = row.group or "", newest.group(row.group or "").label
        if any(k == key for k, _, _ in out):
            continue
        out.append((key, label, {ed.key: _rows_for(ed, key) for ed in editions.all_editions()}))
    total = [o for o in out if o[0] == "total_processed"]
    return [o for o in out if o[0] != "total_processed"] + total


def dashboard(lib: "Library", filters: Filters | None = None) -> Dashboard:
    ed = editions.get(editions.EDITION_KEYS[-1])
    cols = [c.key for c in ed.t3_columns]
    groups = outcome_groups()
    keys = sorted({f"t3.{row}.{c}" for _, _, per in groups for rows in per.values()
                   for row in rows for c in cols} | {f"t3.new_received.{c}" for c in cols})
    keys = [k for k in keys if k in figures.c]
    base = (select().select_from(ReportRecord)
            .join(Agency, Agency.id == ReportRecord.agency_id)
            .join(figures, figures.c.report_id == ReportRecord.id).where(where(filters)))
    with lib.read() as s:
        count = s.scalar(base.with_only_columns(func.count(ReportRecord.id))) or 0
        sums = s.execute(base.with_only_columns(*[func.sum(_col(k)) for k in keys])).one()
        total_of = dict(zip(keys, (_num(x) for x in sums)))
        late = and_(ReportRecord.published.is_not(None), ReportRecord.deadline.is_not(None),
                    ReportRecord.published > ReportRecord.deadline)
        trend_rows = s.execute(base.with_only_columns(
            ReportRecord.year, func.count(ReportRecord.id),
            func.sum(_row_total("new_received")), func.sum(_row_total("total_processed")),
            func.sum(_row_total("granted")), func.sum(_t4_total("review")),
            func.sum(_t4_total("litigation_direct") + _t4_total("litigation_after_review")),
            func.sum(case((late, 1), else_=0)),
            func.sum(case((ReportRecord.errors > 0, 1), else_=0)))
            .group_by(ReportRecord.year).order_by(ReportRecord.year)).all()
        top = _top_rules(s, filters)
    outcomes = []
    for key, label, per in groups:
        rows = {row for in_edition in per.values() for row in in_edition}  # shared rows once
        values = {c: _num(sum(total_of.get(f"t3.{row}.{c}", 0) for row in rows)) for c in cols}
        outcomes.append(OutcomeRow(key, label, values))
    applicants = {c: total_of.get(f"t3.new_received.{c}", 0) for c in cols}
    trends = [YearTrend(int(y), int(n), _num(rec), _num(proc), _num(gr), _num(rv), _num(lit),
                        int(lt or 0), int(er or 0))
              for y, n, rec, proc, gr, rv, lit, lt, er in trend_rows]
    return Dashboard(int(count), outcomes, applicants, [(c.key, c.label) for c in ed.t3_columns],
                     trends, top)


def _top_rules(s: Any, filters: Filters | None, limit: int = 10) -> list[RuleCount]:
    dismissed = (select(literal(1)).where(Review.report_id == ReportRecord.id,
                                          Review.fingerprint == FindingRecord.fingerprint,
                                          Review.state == "dismissed").exists())
    rows = s.execute(
        select(FindingRecord.rule, func.count(func.distinct(ReportRecord.id)), func.count())
        .join(ReportRecord, ReportRecord.current_version_id == FindingRecord.version_id)
        .join(Agency, Agency.id == ReportRecord.agency_id)
        .where(where(filters), FindingRecord.severity.in_(("error", "warning")), ~dismissed)
        .group_by(FindingRecord.rule)
        .order_by(func.count(func.distinct(ReportRecord.id)).desc(), func.count().desc(),
                  FindingRecord.rule)
        .limit(limit)).all()
    titles = {r.id: r.title for r in RULES} | _PARSE_RULES
    return [RuleCount(rule, titles.get(rule, rule), int(n_rep), int(n))
            for rule, n_rep, n in rows]


# -- search -----------------------------------------------------------------------------------
SNIPPET = 40  # characters on each side of the match


def _snippet(text: str, needle: str) -> str:
    at = text.find(needle)
    if at < 0:
        return text[: 2 * SNIPPET]
    start, end = max(0, at - SNIPPET), min(len(text), at + len(needle) + SNIPPET)
    return ("…" if start else "") + text[start:end].replace("\n", " ") + ("…" if end < len(text) else "")


def search(lib: "Library", text: str, filters: Filters | None = None, *,
           limit: int = 50) -> list[SearchHit]:
    """Reports whose agency, title or narrative contains `text` (within `filters`), newest year
    first; one hit per report, with the first matching section's snippet."""
    from .library import _row_by_id

    needle = text.strip()
    if not needle:
        return []
    f = filters or Filters()
    with lib.read() as s:
        found: dict[int, tuple[str | None, str]] = {}
        named = s.execute(
            select(ReportRecord.id, Agency.name, ReportRecord.title)
            .join(Agency, Agency.id == ReportRecord.agency_id)
            .where(where(f), contains(Agency.name, needle) | contains(ReportRecord.title, needle))
            .order_by(ReportRecord.year.desc(), Agency.name).limit(limit)).all()
        for rid, name, title in named:
            found[rid] = (None, _snippet(title or name, needle) if needle in (title or "") else name)
        if len(found) < limit:
            hits = s.execute(
                select(Narrative.report_id, Narrative.section, Narrative.number, Narrative.text)
                .join(ReportRecord, ReportRecord.id == Narrative.report_id)
                .join(Agency, Agency.id == ReportRecord.agency_id)
                .where(where(f), contains(Narrative.text, needle))
                .order_by(ReportRecord.year.desc(), Agency.name, Narrative.number)).all()
            for rid, section, _, body in hits:
                if rid not in found:
                    found[rid] = (section, _snippet(body, needle))
                    if len(found) >= limit:
                        break
        out = []
        for rid, (section, snip) in found.items():
            row = _row_by_id(s, rid)
            if row is not None:
                out.append(SearchHit(row, section, snip))
    out.sort(key=lambda h: (-h.row.year, h.row.agency))
    return out[:limit]


# -- narratives of a year (copied boilerplate) ------------------------------------------------
def same_year_narratives(lib: "Library", year: int,
                         agency_id: int | None = None) -> list[tuple[int, str, dict[str, str]]]:
    """(report id, agency, section → text) of the reports of `year` by agencies other than
    `agency_id`."""
    with lib.read() as s:
        got = s.execute(
            select(Narrative.report_id, Agency.name, Narrative.section, Narrative.text)
            .join(ReportRecord, ReportRecord.id == Narrative.report_id)
            .join(Agency, Agency.id == ReportRecord.agency_id)
            .where(ReportRecord.year == year, ReportRecord.agency_id != (agency_id or -1))
            .order_by(Narrative.report_id)).all()
    by: dict[int, tuple[str, dict[str, str]]] = {}
    texts: defaultdict[int, dict[str, str]] = defaultdict(dict)
    for rid, agency, section, text in got:
        texts[rid][section] = text
        by[rid] = (agency, texts[rid])
    return [(rid, agency, secs) for rid, (agency, secs) in by.items()]


# -- the report page -----------------------------------------------------------------------------------
# Built once: a statement made anew per call costs its construction and SQLAlchemy's adaptation of
# the cached compiled form to the new objects, more than the query itself.
_R, _A, _V, _S, _F, _W = ReportRecord, Agency, Version, SourceFile, FindingRecord, Review
_PAGE_ROW = (select(_R.id, _R.agency_id, _A.name, _A.region, _A.kind, _R.year, _R.edition,
                    _R.published, _R.deadline, _R.source, _R.title, _R.errors, _R.warnings,
                    _R.current_version_id, _R.updated_at)
             .join(_A, _A.id == _R.agency_id).where(_R.id == bindparam("rid")))
_PAGE_VERSIONS = (select(_V.id, _V.report_id, _V.number, _V.producer, _V.parser_version, _V.author,
                         _V.reason, _V.based_on_id, _V.created_at, _V.source_id, _S.sha256,
                         _S.name)
                  .outerjoin(_S, _S.id == _V.source_id).where(_V.report_id == bindparam("rid"))
                  .order_by(_V.number))
_PAGE_DOCUMENT = select(_V.document).where(_V.id == bindparam("vid"))
_PAGE_REVIEWS = (select(_W.fingerprint, _W.state, _W.by, _W.at, _W.note)
                 .where(_W.report_id == bindparam("rid")))
_PAGE_FINDINGS = (select(_F.id, _F.fingerprint, _F.rule, _F.severity, _F.cells, _F.message,
                         _F.message_en, _F.expected, _F.actual, _F.suspect)
                  .where(_F.version_id == bindparam("vid")).order_by(_F.ordinal))


def report_page(lib: "Library", report_id: int) -> tuple[ReportDetail, list[VersionInfo]] | None:
    """The current version of a report with its findings, and the report's versions: what
    `Library.report` and `Library.versions` give, in five prepared Core queries without ORM
    objects. None when there is no such report (or it has no version)."""
    with lib.read() as s:
        conn = s.connection()
        r = conn.execute(_PAGE_ROW, {"rid": report_id}).first()
        if r is None or r.current_version_id is None:
            return None
        vid = r.current_version_id
        infos = [VersionInfo(v.id, v.report_id, v.number, v.producer, v.parser_version, v.author,
                             v.reason, v.based_on_id, aware(v.created_at), v.source_id, v.sha256,
                             v.name)
                 for v in conn.execute(_PAGE_VERSIONS, {"rid": report_id})]
        document = conn.execute(_PAGE_DOCUMENT, {"vid": vid}).scalar_one()
        reviews = {w.fingerprint: ReviewState(w.state, w.by, aware(w.at), w.note)
                   for w in conn.execute(_PAGE_REVIEWS, {"rid": report_id})}
        found = [StoredFinding(f.id, f.fingerprint, f.rule, f.severity, tuple(f.cells or ()),
                               f.message, f.message_en, f.expected, f.actual, f.suspect,
                               reviews.get(f.fingerprint))
                 for f in conn.execute(_PAGE_FINDINGS, {"vid": vid})]
    current = next(v for v in infos if v.id == vid)
    row = ReportRow(r.id, r.agency_id, r.name, r.region, r.kind, r.year, r.edition, r.published,
                    r.deadline, r.source, r.title, r.errors, r.warnings, len(infos), vid,
                    aware(r.updated_at))
    return ReportDetail(row, current, load_document(document), found), infos
