"""The report library: every agency's report of every year, with versions, corrections, review
and an audit log, in SQLite (default) or PostgreSQL. See docs/library.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import default_url, resolve_url
    from .library import Library

__all__ = ["Library", "default_url", "resolve_url"]


def __getattr__(name: str) -> Any:
    # Loaded on first use, so `xxgk.store.models` (used by xxgk.query) does not pull the facade,
    # which itself uses xxgk.query.
    if name == "Library":
        from .library import Library

        return Library
    if name in ("default_url", "resolve_url"):
        from . import engine

        return getattr(engine, name)
    raise AttributeError(name)
