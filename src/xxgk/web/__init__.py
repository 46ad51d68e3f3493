"""The web app: reviewers and agencies work on the report library in a browser (Chinese UI).

`create_app(lib, settings)` builds the FastAPI application over a `xxgk.store.Library`; `xxgk serve`
runs it with uvicorn.
"""

from __future__ import annotations

from .app import create_app
from .config import Settings

__all__ = ["create_app", "Settings"]
