"""Page data cached per library revision (`Library.revision()` grows with every write), so a cached
page, user or scope is never older than the last write. The revision is read once per request.
Concurrent misses of one key compute it once (the others wait for that result)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request
from sqlalchemy import func, select

from ..store.models import AuditEntry

T = TypeVar("T")
_REVISION = select(func.max(AuditEntry.id))


class RevisionCache:
    def __init__(self, lib: Any, size: int = 2048):
        self.lib = lib
        self.size = size
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._flights: dict[Hashable, threading.Lock] = {}

    def _read_revision(self) -> int:
        # `Library.revision`, with the statement built once (it runs on every request).
        with self.lib.engine.connect() as conn:
            return int(conn.execute(_REVISION).scalar() or 0)

    def revision(self, request: Request | None) -> int:
        if request is None:
            return self._read_revision()
        rev = getattr(request.state, "revision", None)
        if rev is None:
            rev = request.state.revision = self._read_revision()
        return rev

    def get(self, key: Hashable, compute: Callable[[], T], request: Request | None = None) -> T:
        full = (self.revision(request), key)
        with self._lock:
            if full in self._data:
                self._data.move_to_end(full)
                return self._data[full]
            flight = self._flights.setdefault(full, threading.Lock())
        with flight:
            with self._lock:
                if full in self._data:
                    return self._data[full]
            try:
                value = compute()
            finally:
                with self._lock:
                    self._flights.pop(full, None)
            with self._lock:
                self._data[full] = value
                while len(self._data) > self.size:
                    self._data.popitem(last=False)
        return value
