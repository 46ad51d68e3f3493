"""Command groups beyond parse/check/schema, each in its own module with `register(app)`.

The core commands live in `xxgk.cli`; every other face (render, library, web) adds its commands
here so that `cli.py` stays the one entry point without growing into every subsystem.
"""

from __future__ import annotations

import importlib

import typer

# Each module exposes `register(app: typer.Typer) -> None`.
MODULES: tuple[str, ...] = ("web", "library", "author")


def register_all(app: typer.Typer) -> None:
    for name in MODULES:
        importlib.import_module(f"{__name__}.{name}").register(app)
