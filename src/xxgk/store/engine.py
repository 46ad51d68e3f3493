"""Where the library lives and how it is opened: URL resolution, engine settings, migrations."""

from __future__ import annotations

import os
from pathlib import Path

from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from alembic.config import Config

ENV_VAR = "XXGK_DB"
# The newest migration. Opening a library compares it with the database's without loading
# Alembic (a third of a second); tests hold it equal to the migrations' head.
HEAD = "0002"
MIGRATIONS = Path(__file__).with_name("migrations")
WRITE_OPTION = "xxgk_write"
_MIGRATION_LOCK = 0x78786B67  # "xxgk": PostgreSQL advisory lock held while migrating


def default_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("xxgk")) / "library.db"


def default_url() -> str:
    """`$XXGK_DB`, else the SQLite file under the user's data directory."""
    env = os.environ.get(ENV_VAR, "").strip()
    return resolve_url(env) if env else f"sqlite:///{default_path()}"


def resolve_url(given: str | None) -> str:
    """A `--db` argument → SQLAlchemy URL: URLs as they are (`postgresql://` means psycopg 3),
    anything else is a path to an SQLite file."""
    if given is None or not given.strip():
        return default_url()
    given = given.strip()
    if "://" not in given:
        return f"sqlite:///{Path(given).expanduser().resolve()}"
    if given.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + given.split("://", 1)[1]
    return given


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL (None for in-memory or other databases)."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def make_engine(url: str) -> Engine:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # The driver's own transaction handling does not cover DDL and cannot take the write lock
    # up front; SQLAlchemy emits BEGIN itself (`_sqlite_begin`).
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    # WAL: the web server reads while an ingest writes. synchronous=NORMAL: a commit survives the
    # process being killed (the WAL is in the OS cache), only a power cut may lose the last ones.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=60000")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    # A writing transaction takes the write lock when it starts: one that started reading and
    # then wrote could fail at once (SQLITE_BUSY) when another writer committed in between.
    immediate = conn.get_execution_options().get(WRITE_OPTION)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def writer(engine: Engine) -> Engine:
    """The engine for writing transactions (on SQLite: BEGIN IMMEDIATE)."""
    return engine.execution_options(**{WRITE_OPTION: True})


def alembic_config() -> "Config":
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def head_revision() -> str | None:
    """The head of the migration scripts (Alembic's view)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (nothing to do when it is there already)."""
    if current_revision(engine) == HEAD:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    head = head_revision()
    cfg = alembic_config()
    with writer(engine).begin() as conn:
        if conn.dialect.name == "postgresql":
            # Two processes opening a new library at once: the second waits, then finds it done.
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
