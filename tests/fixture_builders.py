"""Test support: the fixture builders (tests/fixtures/<kind>/make_fixtures.py) as modules, so tests
can reuse their renderers and the geometry they drew."""

from __future__ import annotations

import importlib.util
import pathlib
from types import ModuleType

FIXTURES = pathlib.Path(__file__).parent / "fixtures"


def load(kind: str) -> ModuleType:
    """tests/fixtures/<kind>/make_fixtures.py, imported under the name "<kind>_fixtures"."""
    spec = importlib.util.spec_from_file_location(f"{kind}_fixtures", FIXTURES / kind / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
