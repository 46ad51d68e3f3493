"""Settings of the web app: where the library is, the session secret, and the limits on uploads."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

MB = 2**20


@dataclass
class Settings:
    db_url: str
    secret_key: str
    # Secure cookies only over HTTPS: the embedded server listens on 127.0.0.1 over plain HTTP.
    https_only: bool = False
    session_max_age: int = 8 * 3600  # one working day
    max_upload_bytes: int = 20 * MB  # per request; one report is at most a few MB
    max_files: int = 50  # per upload request
    upload_suffixes: tuple[str, ...] = (".txt", ".md", ".html", ".htm", ".json", ".docx", ".pdf",
                                        ".doc", ".wps", ".rtf", ".odt", ".zip")
    login_attempts: int = 5  # failures allowed per window and account
    login_attempts_per_address: int = 30  # per window and client address (an office shares one)
    login_window: int = 15 * 60  # seconds
    seeds_dir: Path | None = None
    extra: dict[str, object] = field(default_factory=dict)


def secret_for(db_path: Path | None) -> str:
    """The session secret: kept in a 0600 file beside an SQLite library, so sessions survive a
    restart; random per process otherwise (a PostgreSQL deployment passes XXGK_SECRET_KEY)."""
    env = os.environ.get("XXGK_SECRET_KEY")
    if env:
        return env
    if db_path is None:
        return secrets.token_urlsafe(32)
    path = db_path.with_name(db_path.name + ".web-secret")
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(32)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key)
        return key


def default_seeds_dir() -> Path | None:
    """The bundled sample reports (`examples/` of the source tree, or of the working directory)."""
    here = Path(__file__).resolve()
    for candidate in (here.parents[3] / "examples", Path.cwd() / "examples"):
        if candidate.is_dir() and any(candidate.glob("*.txt")):
            return candidate
    return None
