"""A throwaway PostgreSQL cluster for the library tests.

Started once per test session with the machine's own `initdb` / `pg_ctl` (on PATH or under
/usr/lib/postgresql/*/bin), listening only on a unix socket in a temporary directory, with
durability off (a test cluster loses nothing worth keeping), and stopped at the end. PostgreSQL
refuses to run as root, so under root (as in CI) the server runs as the `postgres` system user
(which the Debian package creates) through `runuser`.

Each test gets a fresh database copied from a template that already holds the migrated schema.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

PORT = 5432  # the socket lives in a private directory, so the port number cannot clash
USER = "xxgk"
TEMPLATE = "xxgk_template"


class Unavailable(Exception):
    """PostgreSQL cannot be started here (the message says why)."""


def _bindir() -> Path:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if candidates:
        return Path(candidates[-1]).parent
    raise Unavailable("PostgreSQL is not installed (no pg_ctl on PATH or under "
                      "/usr/lib/postgresql/*/bin); install the `postgresql` package")


class Cluster:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = Path(tempfile.mkdtemp(prefix="xxgk-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._as: list[str] = []
        self._counter = itertools.count(1)
        self.started = False
        if os.geteuid() == 0:
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                raise Unavailable("running as root and there is no `postgres` system user to run "
                                  "the server as") from None
            if shutil.which("runuser") is None:
                raise Unavailable("running as root and `runuser` is missing")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        cmd = self._as + [str(self.bindir / args[0]), *args[1:]]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise Unavailable(f"{args[0]} failed ({done.returncode}): "
                              f"{(done.stderr or done.stdout).strip()[-1500:]}\n{log}")

    def start(self) -> "Cluster":
        self._run("initdb", "-D", str(self.data), "-U", USER, "--auth=trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        opts = (f"-k {self.root} -p {PORT} -c listen_addresses='' -c fsync=off "
                f"-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", opts, "-w",
                  "-t", "60", "start")
        self.started = True
        return self

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@/{database}?host={self.root}&port={PORT}"

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(host=str(self.root), port=PORT, user=USER, dbname="postgres",
                             autocommit=True) as conn:
            conn.execute(sql)

    def make_template(self) -> None:
        """A database with the migrated schema, copied for each test."""
        from xxgk.store import Library

        self._admin(f"CREATE DATABASE {TEMPLATE}")
        Library.open(self.url(TEMPLATE)).close()  # closes every connection: copying needs none

    def new_database(self) -> str:
        name = f"test_{os.getpid()}_{next(self._counter)}"
        self._admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def stop(self) -> None:
        if self.started:
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except Unavailable:
                pass
            self.started = False
        shutil.rmtree(self.root, ignore_errors=True)
