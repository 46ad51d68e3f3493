"""`Library`: the Python API of the report library (docs/library.md).

Every method runs in its own short transaction and returns plain records (`store.records`), so the
command line, the web app and tests use it the same way. Every write records who did it in the
audit table, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from .. import checks, editions
from ..model import Report
from ..query import Filters, where
from . import agencies, engine as engines, findings, sessions, users, views, writer
from .models import (Agency, AuditEntry, FindingRecord, Narrative, ReportRecord,
                     Review, SourceFile, User, Version, figures)
from .records import (REVIEW_STATES, AgencyInfo, AuditRecord, CellDelta, Dashboard,
                      IngestResult, IngestSummary, RegionNode, ReportDetail, ReportRow,
                      Review as ReviewInfo, SearchHit, StoredFinding, UserInfo, VersionDetail,
                      VersionInfo, aware)
from .writer import Actor, actor_of, audit

if TYPE_CHECKING:
    from ..aggregate import Aggregate
    from ..compare import Comparison

_ORDER = {"agency": (Agency.name, ReportRecord.year), "year": (ReportRecord.year, Agency.name),
          "published": (ReportRecord.published, Agency.name),
          "errors": (ReportRecord.errors, Agency.name), "id": (ReportRecord.id,)}
CORRECTION_NOTE = "人工更正 / corrected"


class Library:
    """A report library in a database (SQLite file or PostgreSQL)."""

    def __init__(self, engine: Engine, url: str):
        self.engine = engine
        self._writer = engines.writer(engine)
        self._url = url

    # -- opening ------------------------------------------------------------------------------
    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> "Library":
        resolved = engines.resolve_url(url)
        engine = engines.make_engine(resolved)
        if migrate:
            engines.migrate(engine)
        return cls(engine, resolved)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> "Library":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def url(self) -> str:
        return make_url(self._url).render_as_string(hide_password=True)

    @property
    def database_file(self) -> Path | None:
        """The SQLite file, or None for a server database."""
        return engines.sqlite_file(self._url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as s, s.begin():
            yield s

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One writing transaction: committed when the block ends, rolled back on an exception."""
        with Session(self._writer, expire_on_commit=False) as s, s.begin():
            yield s

    def revision(self) -> int:
        with self.read() as s:
            return int(s.scalar(select(func.max(AuditEntry.id))) or 0)

    # -- agencies -----------------------------------------------------------------------------
    def add_agency(self, name: str, *, region: str | None = None, kind: str | None = None,
                   level: str | None = None, aliases: Iterable[str] = (),
                   actor: Actor = None) -> AgencyInfo:
        with self.write() as s:
            if agencies.find(s, name) is not None:
                raise ValueError(f"机关“{name}”已存在 / agency {name!r} exists")
            a = agencies.create(s, name, region=region, kind=kind, level=level, aliases=aliases)
            audit(s, actor, "agency.add", f"agency:{a.id}", {"name": a.name, "region": a.region})
            return agencies.info(a)

    def update_agency(self, agency_id: int, *, name: str | None = None,
                      region: str | None = None, kind: str | None = None,
                      level: str | None = None, aliases: Iterable[str] | None = None,
                      actor: Actor = None) -> AgencyInfo:
        with self.write() as s:
            a = s.get(Agency, agency_id)
            if a is None:
                raise KeyError(f"no agency {agency_id}")
            before = agencies.info(a)
            agencies.update(s, a, name=name, region=region, kind=kind, level=level,
                            aliases=aliases)
            if a.kind != before.kind:
                for rep in s.scalars(select(ReportRecord).where(ReportRecord.agency_id == a.id)):
                    rep.deadline = agencies.deadline_for(rep.year, a.kind)
            after = agencies.info(a)
            audit(s, actor, "agency.update", f"agency:{a.id}",
                  {k: [getattr(before, k), getattr(after, k)]
                   for k in ("name", "region", "kind", "level")
                   if getattr(before, k) != getattr(after, k)}
                  | ({"aliases": list(after.aliases)} if before.aliases != after.aliases else {}))
            return after

    def agency(self, name_or_id: str | int) -> AgencyInfo | None:
        with self.read() as s:
            a = agencies.find(s, name_or_id)
            return None if a is None else agencies.info(a)

    def agencies(self, region: str | None = None) -> list[AgencyInfo]:
        from ..query import in_region, normalise_region

        with self.read() as s:
            q = select(Agency)
            region = normalise_region(region)
            if region:
                q = q.where(in_region(Agency.region, region))
            rows = s.scalars(q.order_by(Agency.region, Agency.name)).all()
            return [agencies.info(a) for a in rows]

    def import_agencies(self, rows: Iterable[Mapping[str, Any]], *, actor: Actor = None) -> int:
        """A roster (name, region, kind, level, aliases): creates or updates each agency."""
        n = 0
        with self.write() as s:
            for row in rows:
                name = str(row.get("name") or "").strip()
                if not name:
                    continue
                aliases = row.get("aliases") or ()
                if isinstance(aliases, str):
                    aliases = [x for x in aliases.replace("；", ";").split(";") if x.strip()]
                kind = row.get("kind") or None
                level = row.get("level") or None
                a = agencies.find(s, name)
                if a is None:
                    a = agencies.create(s, name, region=row.get("region") or None, kind=kind,
                                        level=level, aliases=aliases)
                else:
                    agencies.update(s, a, region=row.get("region") or None, kind=kind,
                                    level=level, aliases=list(aliases) or None)
                    for rep in s.scalars(select(ReportRecord).where(ReportRecord.agency_id == a.id)):
                        rep.deadline = agencies.deadline_for(rep.year, a.kind)
                n += 1
            audit(s, actor, "agency.import", None, {"agencies": n})
        return n

    def regions(self) -> list[str]:
        with self.read() as s:
            return sorted(agencies.known_regions(s))

    # -- ingest -------------------------------------------------------------------------------
    def ingest(self, paths: Sequence[str | Path], *, workers: int = 1, region: str | None = None,
               actor: Actor = None,
               progress: Callable[[int, int, str], None] | None = None,
               total: int | None = None, summary: IngestSummary | None = None) -> IngestSummary:
        """Files, folders and zip archives (see xxgk.ingest); `summary` fills as it goes."""
        from ..ingest import ingest

        return ingest(self, paths, workers=workers, region=region, actor=actor,
                      progress=progress, total=total, summary=summary)

    def add_file(self, data: bytes, name: str, *, actor: Actor = None,
                 region: str | None = None, parsed: Any = None) -> IngestResult:
        """Store one uploaded document (a zip archive is refused: `add_archive`); `parsed`: what
        `ingest.parse_one` made of it, when the caller has read it already."""
        from ..ingest import add_file

        return add_file(self, data, name, actor=actor, region=region, parsed=parsed)

    def add_archive(self, data: bytes, name: str, *, actor: Actor = None,
                    region: str | None = None) -> list[IngestResult]:
        """Store every document of an uploaded zip archive, one result each."""
        from ..ingest import add_archive

        return add_archive(self, data, name, actor=actor, region=region)

    def add_report(self, report: Report, *, source: bytes | None, name: str, actor: Actor = None,
                   region: str | None = None) -> IngestResult:
        from ..ingest import add_report

        return add_report(self, report, source=source, name=name, actor=actor, region=region)

    # -- reports ------------------------------------------------------------------------------
    def _rows(self, s: Session, f: Filters | None, order: str = "agency",
              limit: int | None = None, offset: int = 0) -> list[ReportRow]:
        versions = (select(func.count(Version.id)).where(Version.report_id == ReportRecord.id)
                    .scalar_subquery())
        desc = order.startswith("-")
        cols = _ORDER.get(order.lstrip("-"))
        if cols is None:
            raise ValueError(f"order must be one of {', '.join(_ORDER)} (prefix - to reverse)")
        q = (select(ReportRecord, Agency.name, Agency.region, Agency.kind, versions)
             .join(Agency, Agency.id == ReportRecord.agency_id).where(where(f))
             .order_by(*[c.desc() if desc else c for c in cols], ReportRecord.id))
        if limit is not None:
            q = q.limit(limit)
        if offset:
            q = q.offset(offset)
        return [_row(r, name, region, kind, n) for r, name, region, kind, n in s.execute(q)]

    def reports(self, filters: Filters | None = None, *, limit: int | None = None,
                offset: int = 0, order: str = "agency") -> list[ReportRow]:
        with self.read() as s:
            return self._rows(s, filters, order, limit, offset)

    def count_reports(self, filters: Filters | None = None) -> int:
        with self.read() as s:
            return int(s.scalar(select(func.count(ReportRecord.id))
                                .join(Agency, Agency.id == ReportRecord.agency_id)
                                .where(where(filters))) or 0)

    def report_row(self, report_id: int) -> ReportRow | None:
        with self.read() as s:
            return _row_by_id(s, report_id)

    def find_report(self, agency: str | int, year: int) -> ReportRow | None:
        with self.read() as s:
            a = agencies.find(s, agency)
            if a is None:
                return None
            rid = s.scalar(select(ReportRecord.id).where(ReportRecord.agency_id == a.id,
                                                         ReportRecord.year == year))
            return None if rid is None else _row_by_id(s, rid)

    def report(self, report_id: int) -> ReportDetail:
        with self.read() as s:
            row = _row_by_id(s, report_id)
            if row is None or row.version_id is None:
                raise KeyError(f"no report {report_id}")
            v = s.get(Version, row.version_id)
            assert v is not None
            return ReportDetail(row, _version_info(s, v), writer.load(v.document),
                                findings.stored(s, report_id, v.id))

    def versions(self, report_id: int) -> list[VersionInfo]:
        with self.read() as s:
            rows = s.scalars(select(Version).where(Version.report_id == report_id)
                             .order_by(Version.number)).all()
            return [_version_info(s, v) for v in rows]

    def version(self, version_id: int) -> VersionDetail:
        with self.read() as s:
            v = s.get(Version, version_id)
            if v is None:
                raise KeyError(f"no version {version_id}")
            return VersionDetail(_version_info(s, v), writer.load(v.document),
                                 findings.stored(s, v.report_id, v.id))

    def source(self, version_id: int) -> tuple[str, bytes]:
        """The name and bytes of the file a version was read from."""
        with self.read() as s:
            v = s.get(Version, version_id)
            if v is None or v.source_id is None:
                raise KeyError(f"no source for version {version_id}")
            src = s.get(SourceFile, v.source_id)
            assert src is not None
            return src.name, zlib.decompress(src.data)

    def diff_versions(self, version_a: int, version_b: int) -> list[CellDelta]:
        from ..compare import cell_deltas

        a, b = self.version(version_a).report, self.version(version_b).report
        return [d for d in cell_deltas(a, b) if d.changed]

    def correct(self, report_id: int, cells: Mapping[str, int | float | None], *,
                author: Actor, reason: str, published: dt.date | None = None) -> VersionInfo:
        """A new version with `cells` changed by hand; checks re-run. Nothing is written when a
        key, a value or the reason is wrong (ValueError)."""
        if not reason or not reason.strip():
            raise ValueError("更正须说明理由 / a correction needs a reason")
        if not cells and published is None:
            raise ValueError("没有要更正的内容 / nothing to correct")
        who, _ = actor_of(author)
        with self.write() as s:
            rep = s.get(ReportRecord, report_id)
            if rep is None or rep.current_version_id is None:
                raise KeyError(f"no report {report_id}")
            base = s.get(Version, rep.current_version_id)
            assert base is not None
            doc = json.loads(base.document)
            changes = _apply_correction(doc, cells, reason.strip(), published)
            report = Report.from_dict(doc)
            own = [f.to_dict() for f in checks.run(report)]
            number = (s.scalar(select(func.max(Version.number))
                               .where(Version.report_id == rep.id)) or 0) + 1
            v = Version(report_id=rep.id, number=number, source_id=base.source_id,
                        document=json.dumps(report.to_dict(), ensure_ascii=False,
                                            separators=(",", ":")),
                        producer="correction", parser_version=base.parser_version, author=who,
                        reason=reason.strip(), based_on_id=base.id)
            s.add(v)
            s.flush()
            if published is not None:
                rep.published = published
            s.flush()
            writer.make_current(s, rep.id, rep.agency_id, rep.year, v.id, v.document,
                                values=writer.values_of(report),
                                sections=writer.sections_of(report), own=own, report=report)
            audit(s, author, "correct", f"report:{rep.id}",
                  {"version": number, "reason": reason.strip(), "cells": changes})
            s.flush()
            return _version_info(s, v)

    def recheck(self, report_id: int | None = None, *, actor: Actor = None) -> int:
        """Re-run every check on the current version of one report, or of every report."""
        with self.read() as s:
            ids = ([report_id] if report_id is not None else
                   list(s.scalars(select(ReportRecord.id).order_by(ReportRecord.year))))
        n = 0
        for rid in ids:
            with self.write() as s:
                rep = s.get(ReportRecord, rid)
                if rep is None or rep.current_version_id is None:
                    continue
                v = s.get(Version, rep.current_version_id)
                assert v is not None
                report = writer.load(v.document)
                previous = writer.previous_report(s, rep.agency_id, rep.year)
                found = checks.run(report, previous)
                findings.replace(s, v.id, [f.to_dict() for f in found])
                writer.recount(s, rid)
                audit(s, actor, "recheck", f"report:{rid}", {"findings": len(found)})
                n += 1
        return n

    def delete_report(self, report_id: int, *, actor: Actor = None) -> None:
        with self.write() as s:
            rep = s.get(ReportRecord, report_id)
            if rep is None:
                raise KeyError(f"no report {report_id}")
            version_ids = select(Version.id).where(Version.report_id == report_id)
            s.execute(delete(FindingRecord).where(FindingRecord.version_id.in_(version_ids)))
            s.execute(delete(Review).where(Review.report_id == report_id))
            s.execute(delete(Narrative).where(Narrative.report_id == report_id))
            s.execute(delete(figures).where(figures.c.report_id == report_id))
            rep.current_version_id = None
            s.flush()
            s.execute(update(Version).where(Version.report_id == report_id)
                      .values(based_on_id=None))
            s.execute(delete(Version).where(Version.report_id == report_id))
            detail = {"agency_id": rep.agency_id, "year": rep.year}
            s.delete(rep)
            audit(s, actor, "delete", f"report:{report_id}", detail)

    # -- findings and review ------------------------------------------------------------------
    def findings(self, report_id: int, *, version_id: int | None = None) -> list[StoredFinding]:
        with self.read() as s:
            if version_id is None:
                version_id = s.scalar(select(ReportRecord.current_version_id)
                                      .where(ReportRecord.id == report_id))
                if version_id is None:
                    raise KeyError(f"no report {report_id}")
            return findings.stored(s, report_id, version_id)

    def review(self, report_id: int, fingerprint: str, state: str | None, *, by: Actor,
               note: str | None = None) -> ReviewInfo | None:
        """Confirm or dismiss a current finding (None clears the decision)."""
        if state is not None and state not in REVIEW_STATES:
            raise ValueError(f"state must be one of {', '.join(REVIEW_STATES)} or None")
        who, _ = actor_of(by)
        with self.write() as s:
            rep = s.get(ReportRecord, report_id)
            if rep is None:
                raise KeyError(f"no report {report_id}")
            exists = s.scalar(select(FindingRecord.id).where(
                FindingRecord.version_id == rep.current_version_id,
                FindingRecord.fingerprint == fingerprint).limit(1))
            if exists is None:
                raise KeyError(f"report {report_id} has no current finding {fingerprint}")
            r = s.scalar(select(Review).where(Review.report_id == report_id,
                                              Review.fingerprint == fingerprint))
            out = None
            if state is None:
                if r is not None:
                    s.delete(r)
            else:
                if r is None:
                    r = Review(report_id=report_id, fingerprint=fingerprint, state=state, by=who)
                    s.add(r)
                r.state, r.by, r.note, r.at = state, who, note, writer.utcnow()
                out = ReviewInfo(state, who, aware(r.at), note)
            s.flush()
            writer.recount(s, report_id)
            audit(s, by, "review", f"report:{report_id}",
                  {"fingerprint": fingerprint, "state": state, "note": note})
            return out

    # -- users --------------------------------------------------------------------------------
    def add_user(self, username: str, password: str, role: str, *, region: str | None = None,
                 agency: str | int | None = None, actor: Actor = None) -> UserInfo:
        username = username.strip()
        if not username or len(username) > 100:
            raise ValueError("用户名应为 1–100 个字符 / a username has 1–100 characters")
        with self.write() as s:
            if users.find(s, username) is not None:
                raise ValueError(f"用户名“{username}”已被使用 / username {username!r} is taken")
            region, agency_id = users.validate(s, role, region, agency)
            u = User(username=username, password_hash=users.hash_password(password), role=role,
                     region=region, agency_id=agency_id, disabled=False)
            s.add(u)
            s.flush()
            audit(s, actor, "user.add", f"user:{u.id}",
                  {"username": username, "role": role, "region": region, "agency_id": agency_id})
            return users.info(s, u)

    def authenticate(self, username: str, password: str) -> UserInfo | None:
        with self.read() as s:
            u = users.find(s, username)
            if u is None:
                users.verify(_dummy_hash(), password)  # same time as for a real user
                return None
            if u.disabled or not users.verify(u.password_hash, password):
                return None
            needs = users.hasher().check_needs_rehash(u.password_hash)
            info = users.info(s, u)
        if needs:
            with self.write() as s:
                u = users.find(s, info.id)
                assert u is not None
                u.password_hash = users.hash_password(password)
        return info

    def set_password(self, username: str, password: str, *, actor: Actor = None) -> UserInfo:
        with self.write() as s:
            u = _user(s, username)
            u.password_hash = users.hash_password(password)
            sessions.end_all(s, u.id)  # a stolen session must not outlive the password
            audit(s, actor, "user.password", f"user:{u.id}", {"username": u.username})
            return users.info(s, u)

    def set_disabled(self, username: str, disabled: bool, *, actor: Actor = None) -> UserInfo:
        with self.write() as s:
            u = _user(s, username)
            u.disabled = disabled
            if disabled:
                sessions.end_all(s, u.id)
            audit(s, actor, "user.disable" if disabled else "user.enable", f"user:{u.id}",
                  {"username": u.username})
            return users.info(s, u)

    def update_user(self, username: str, *, role: str | None = None, region: str | None = None,
                    agency: str | int | None = None, actor: Actor = None) -> UserInfo:
        with self.write() as s:
            u = _user(s, username)
            new_role = role or u.role
            region_v, agency_id = users.validate(
                s, new_role, region if region is not None else u.region,
                agency if agency is not None else u.agency_id)
            before = (u.role, u.region, u.agency_id)
            u.role, u.region, u.agency_id = new_role, region_v, agency_id
            if (u.role, u.region, u.agency_id) != before:
                sessions.end_all(s, u.id)  # signed in again under the new rights
            audit(s, actor, "user.update", f"user:{u.id}",
                  {"username": u.username, "before": list(before),
                   "after": [u.role, u.region, u.agency_id]})
            return users.info(s, u)

    def user(self, username_or_id: str | int) -> UserInfo | None:
        with self.read() as s:
            u = users.find(s, username_or_id)
            return None if u is None else users.info(s, u)

    def users(self) -> list[UserInfo]:
        with self.read() as s:
            return [users.info(s, u) for u in s.scalars(select(User).order_by(User.username))]

    def scope(self, user: UserInfo) -> Filters:
        return users.scope(user)

    def can_edit(self, user: UserInfo, report_id: int) -> bool:
        with self.read() as s:
            got = s.execute(select(Agency.id, Agency.region)
                            .join(ReportRecord, ReportRecord.agency_id == Agency.id)
                            .where(ReportRecord.id == report_id)).first()
        return got is not None and users.may_edit(user, got[0], got[1])

    # -- audit --------------------------------------------------------------------------------
    def audit(self, *, limit: int = 100, offset: int = 0, actor: str | None = None,
              action: str | None = None, target: str | None = None) -> list[AuditRecord]:
        with self.read() as s:
            q = select(AuditEntry)
            if actor is not None:
                q = q.where(AuditEntry.actor == actor)
            if action is not None:
                q = q.where(AuditEntry.action == action)
            if target is not None:
                q = q.where(AuditEntry.target == target)
            rows = s.scalars(q.order_by(AuditEntry.id.desc()).limit(limit).offset(offset))
            return [AuditRecord(a.id, aware(a.at), a.actor, a.user_id, a.action, a.target,
                                a.detail) for a in rows]

    # -- analysis -----------------------------------------------------------------------------
    def compare(self, report_a: int, report_b: int, *, boilerplate: bool = True) -> "Comparison":
        from ..compare import compare_reports

        a, b = self.report(report_a), self.report(report_b)
        others = views.same_year_narratives(self, b.row.year, b.row.agency_id) if boilerplate else []
        return compare_reports(a.report, b.report, others=others, a_id=report_a,
                               b_id=report_b)

    def compare_agency(self, agency: str | int, year_a: int, year_b: int,
                       *, boilerplate: bool = True) -> "Comparison":
        rows = [self.find_report(agency, y) for y in (year_a, year_b)]
        for y, r in zip((year_a, year_b), rows):
            if r is None:
                raise KeyError(f"库中没有“{agency}”{y}年度的报告 / no {y} report of {agency!r}")
        assert rows[0] is not None and rows[1] is not None
        return self.compare(rows[0].id, rows[1].id, boilerplate=boilerplate)

    def aggregate(self, region: str, year: int) -> "Aggregate":
        from ..aggregate import aggregate_library

        return aggregate_library(self, region, year)

    def region_tree(self, year: int, *, root: str | None = None,
                    today: dt.date | None = None) -> RegionNode:
        return views.region_tree(self, year, root=root, today=today)

    def dashboard(self, filters: Filters | None = None) -> Dashboard:
        return views.dashboard(self, filters)

    def search(self, text: str, filters: Filters | None = None, *,
               limit: int = 50) -> list[SearchHit]:
        return views.search(self, text, filters, limit=limit)


# -- helpers ----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return users.hasher().hash("not a password of anyone")


def _user(s: Session, username: str | int) -> User:
    u = users.find(s, username)
    if u is None:
        raise KeyError(f"没有用户“{username}” / no user {username!r}")
    return u


def _row(r: ReportRecord, agency: str, region: str | None, kind: str | None,
         versions: int) -> ReportRow:
    return ReportRow(r.id, r.agency_id, agency, region, kind, r.year, r.edition, r.published,
                     r.deadline, r.source, r.title, r.errors, r.warnings, int(versions or 0),
                     r.current_version_id, aware(r.updated_at))


def _row_by_id(s: Session, report_id: int) -> ReportRow | None:
    versions = (select(func.count(Version.id)).where(Version.report_id == ReportRecord.id)
                .scalar_subquery())
    got = s.execute(select(ReportRecord, Agency.name, Agency.region, Agency.kind, versions)
                    .join(Agency, Agency.id == ReportRecord.agency_id)
                    .where(ReportRecord.id == report_id)).first()
    return None if got is None else _row(*got)


def _version_info(s: Session, v: Version) -> VersionInfo:
    src = s.get(SourceFile, v.source_id) if v.source_id is not None else None
    return VersionInfo(v.id, v.report_id, v.number, v.producer, v.parser_version, v.author,
                       v.reason, v.based_on_id, aware(v.created_at), v.source_id,
                       src.sha256 if src else None, src.name if src else None)


def _fmt(v: int | float) -> str:
    return str(int(v)) if float(v).is_integer() else repr(v)


def _apply_correction(doc: dict[str, Any], cells: Mapping[str, int | float | None],
                      reason: str, published: dt.date | None) -> dict[str, list[Any]]:
    """Change the document's cells in place; {key: [old, new]}. ValueError for a wrong key or
    value."""
    known = set(editions.get(str(doc["edition"])).cell_keys())
    changes: dict[str, list[Any]] = {}
    for key, value in cells.items():
        if key not in known:
            raise ValueError(f"{doc['edition']} 版本没有单元格 {key} / edition {doc['edition']} "
                             f"has no cell {key}")
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise ValueError(f"单元格 {key} 的值应为数字或空 / cell {key}: a number or null, "
                             f"not {value!r}")
        old = doc["cells"].get(key) or {}
        changes[key] = [old.get("value"), value]
        doc["cells"][key] = {"value": value, "raw": None if value is None else _fmt(value),
                             "unit": old.get("unit") if value is not None else None,
                             "status": "read", "source": old.get("source"), "rule": None,
                             "note": f"{CORRECTION_NOTE}: {reason}"}
    if published is not None:
        changes["published"] = [doc.get("published"), published.isoformat()]
        doc["published"] = published.isoformat()
    # Parse-time findings about a corrected cell (ambiguous or unreadable reading) are settled.
    doc["findings"] = [f for f in doc.get("findings") or []
                       if not set(f.get("cells") or ()) & set(cells)]
    return changes

