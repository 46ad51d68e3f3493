"""The library's tables as SQLAlchemy 2 models.

The schema is created and changed only by the Alembic migrations in `migrations/versions`; a test
holds these models equal to what the migrations build (`alembic.autogenerate.compare_metadata`).
Timestamps are naive UTC (SQLite has no time zones); `records` attaches UTC when handing them out.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (JSON, Boolean, Column, Date, DateTime, Float, ForeignKey, Integer,
                        LargeBinary, MetaData, String, Table, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from .. import editions

# Constraint names fixed by convention, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Agency(Base):
    __tablename__ = "agencies"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    region: Mapped[str | None] = mapped_column(String(300), index=True)
    level: Mapped[str | None] = mapped_column(String(20))  # province | city | county | township
    kind: Mapped[str | None] = mapped_column(String(20))  # government | department | township
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class AgencyName(Base):
    """Every name an agency is known by (its name and aliases), folded: the lookup index."""

    __tablename__ = "agency_names"

    folded: Mapped[str] = mapped_column(String(200), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)


class ReportRecord(Base):
    """One agency's report for one year; its content lives in its versions."""

    __tablename__ = "reports"
    __table_args__ = (UniqueConstraint("agency_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    edition: Mapped[str] = mapped_column(String(8))
    published: Mapped[dt.date | None] = mapped_column(Date)
    deadline: Mapped[dt.date | None] = mapped_column(Date)  # 第四十九条, from the agency's kind
    source: Mapped[str | None] = mapped_column(String(1000))  # URL or file name
    title: Mapped[str | None] = mapped_column(String(500))
    # The cycle reports → versions → reports is closed after both tables exist (use_alter).
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", use_alter=True), nullable=True)
    errors: Mapped[int] = mapped_column(Integer, default=0)  # current, not dismissed
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class SourceFile(Base):
    """The bytes of a stored file (zlib), once per content hash."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(1000))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Version(Base):
    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("report_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id"), index=True)
    # The xxgk-report/1 document without findings, as JSON text (written as produced by the
    # parser workers, so the single writer does not serialise it again).
    document: Mapped[str] = mapped_column(Text)
    producer: Mapped[str] = mapped_column(String(20))  # parser | correction
    parser_version: Mapped[str | None] = mapped_column(String(40))
    author: Mapped[str | None] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    based_on_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class FindingRecord(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    rule: Mapped[str] = mapped_column(String(20), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    cells: Mapped[list[str]] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    expected: Mapped[Any] = mapped_column(JSON, nullable=True)
    actual: Mapped[Any] = mapped_column(JSON, nullable=True)
    suspect: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    fingerprint: Mapped[str] = mapped_column(String(40))


class Review(Base):
    """A reviewer's decision on a finding, by fingerprint: survives re-checks and new versions."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("report_id", "fingerprint"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(20))  # confirmed | dismissed
    by: Mapped[str] = mapped_column(String(100))
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    note: Mapped[str | None] = mapped_column(Text)


class Narrative(Base):
    """The current version's section texts: search and copied-text detection without JSON."""

    __tablename__ = "narratives"

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), primary_key=True)
    section: Mapped[str] = mapped_column(String(20), primary_key=True)
    number: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))  # admin | reviewer | editor | viewer
    region: Mapped[str | None] = mapped_column(String(300))  # reviewers: a region subtree
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))  # editors
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class WebSession(Base):
    """A signed-in web session, revocable: the cookie carries a random token, this row its SHA-256
    (a copy of the table is no key to anyone's session). Logging out deletes the row; a password,
    role or region change and disabling the user delete all of the user's rows."""

    __tablename__ = "web_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)


class LoginAttempt(Base):
    """A sign-in attempt by account and by client address, while its password is being checked
    (`failed` false) and, once it failed, as a failure: throttling that every server process sees."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), index=True)  # "user:<name>" | "ip:<address>"
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    failed: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditEntry(Base):
    __tablename__ = "audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target: Mapped[str | None] = mapped_column(String(100))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


def figure_keys() -> list[str]:
    """Every canonical cell key of every edition, newest edition's order first."""
    keys: list[str] = []
    for ed in reversed(editions.all_editions()):
        keys += [k for k in ed.cell_keys() if k not in keys]
    return keys


# One column per cell key: sums over thousands of reports are one SELECT (a table of one row per
# cell would be ~200 rows per report). Core table: its columns are data, not code.
figures = Table(
    "figures", Base.metadata,
    Column("report_id", ForeignKey("reports.id"), primary_key=True),
    *(Column(key, Float, nullable=True) for key in figure_keys()),
)
