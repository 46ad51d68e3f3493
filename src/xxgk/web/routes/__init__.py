"""The routes, one module per page family; each page has its JSON twin under /api."""

from __future__ import annotations

from fastapi import FastAPI

from . import (account, compare, compose, dashboard, regions, reports, search, upload, users)

MODULES = (account, upload, reports, compare, regions, dashboard, compose, search, users)


def register_routes(app: FastAPI) -> None:
    for module in MODULES:
        app.include_router(module.router)


def iter_routes(app: FastAPI):  # type: ignore[no-untyped-def]
    """Every route of the app, included routers flattened (FastAPI keeps an included router as
    one entry of `app.routes`)."""
    stack = list(app.routes)
    while stack:
        route = stack.pop(0)
        inner = getattr(route, "original_router", None)
        if inner is not None:
            stack[:0] = list(inner.routes)
        else:
            yield route
