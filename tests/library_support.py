"""Test support for the library tests: the county fixtures of tests/fixtures/library (built by
its make_fixtures.py) and their known answers."""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path
from typing import Any

FIX = Path(__file__).parent / "fixtures" / "library"
REPORTS = FIX / "reports"
HC = "黑龙江省/佳木斯市/桦川县"
TY = "黑龙江省/佳木斯市/汤原县"


@functools.cache
def expected() -> dict[str, Any]:
    return json.loads((FIX / "expected.json").read_text(encoding="utf-8"))


@functools.cache
def truth() -> dict[str, dict[str, Any]]:
    """"agency/year" → cell key → value, as the fixtures were made."""
    return json.loads((FIX / "truth.json").read_text(encoding="utf-8"))


def roster() -> list[dict[str, str]]:
    with (FIX / "roster.csv").open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def load_county(lib: Any) -> Any:
    """The roster and every fixture report, as a reviewer would load them."""
    lib.import_agencies(roster(), actor="tester")
    return lib.ingest([REPORTS], actor="tester")


def report_id(lib: Any, agency: str, year: int) -> int:
    row = lib.find_report(agency, year)
    assert row is not None, (agency, year)
    return row.id


def cli(*args: object, env: dict[str, str] | None = None) -> Any:
    """`xxgk ARGS…` in this process (`.stdout`, `.stderr`, `.exit_code`)."""
    from typer.testing import CliRunner

    from xxgk.cli import app

    return CliRunner().invoke(app, [str(a) for a in args], env=env)
