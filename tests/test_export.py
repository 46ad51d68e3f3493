"""Export (xxgk.export, `xxgk export`): csv, xlsx, parquet and json, long and wide, with filters,
read back and held against the fixtures' truth."""

from __future__ import annotations

import csv
import json
from itertools import zip_longest
from pathlib import Path

import pytest

from xxgk import editions
from xxgk.errors import XxgkError
from xxgk.export import LONG, columns, export
from xxgk.query import Filters
from xxgk.store import Library

import library_support as support



@pytest.fixture(scope="module")
def county(module_db_url):
    with Library.open(module_db_url) as lib:
        support.load_county(lib)
        yield lib


def _read(path: Path, fmt: str) -> list[dict]:
    if fmt == "csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            return list(csv.DictReader(f))
    if fmt == "json":
        return json.loads(path.read_text(encoding="utf-8"))
    if fmt == "parquet":
        import pyarrow.parquet as pq

        return pq.read_table(path).to_pylist()
    from openpyxl import load_workbook

    rows = list(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    # a row's empty cells at its end are not stored: pad to the header
    return [dict(zip_longest(rows[0], r[:len(rows[0])])) for r in rows[1:]]


def _num(v):
    if v in (None, ""):
        return None
    return float(v)


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "parquet"])
def test_long_layout(county, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    f = Filters(region=support.HC, years=(2021,))
    n = export(county, out, fmt, "long", f)
    rows = _read(out, fmt)
    assert len(rows) == n and list(rows[0]) == list(LONG)
    reports = county.reports(f)
    assert n == sum(len(editions.get(r.edition).cell_keys()) for r in reports) == 5 * 200 + 198  # 民政局 prints the 2019 tables
    truth = support.truth()
    for row in rows:
        expected = truth[f"{row['agency']}/{int(row['year'])}"][row["key"]]
        assert _num(row["value"]) == _num(expected), row
        assert row["status"] == "read"
    assert {r["source"] for r in rows} == {r.source for r in reports}


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "parquet"])
def test_wide_layout(county, tmp_path, fmt):
    out = tmp_path / f"out.{fmt}"
    n = export(county, out, fmt, "wide", Filters(years=(2021,), agency="汤原县"))
    rows = _read(out, fmt)
    assert n == len(rows) == 3 and list(rows[0]) == columns("wide")
    truth = support.truth()
    for row in rows:
        t = truth[f"{row['agency']}/2021"]
        for key in editions.get("2021").cell_keys():
            assert _num(row[key]) == _num(t[key]), key
        for key in ("t2.art20_9.central_procurement.proc_items", "t3.other.total"):
            assert _num(row[key]) is None  # 2019-only cells are empty for 2021 tables


def test_filters_and_empty_exports(county, tmp_path):
    assert export(county, tmp_path / "late.json", "json", "wide", Filters(late=True)) == 1
    assert _read(tmp_path / "late.json", "json")[0]["agency"] == "桦川县教育局"
    assert export(county, tmp_path / "none.csv", "csv", "long", Filters(years=(1999,))) == 0
    assert _read(tmp_path / "none.csv", "csv") == []
    assert export(county, tmp_path / "none.xlsx", "xlsx", "long", Filters(years=(1999,))) == 0
    with pytest.raises(XxgkError):
        export(county, tmp_path / "x.doc", "doc", "long")  # type: ignore[arg-type]


def test_cli_export(county, module_db_url, tmp_path):
    out = tmp_path / "桦川县.xlsx"
    run = support.cli("export", "-o", out, "--layout", "wide", "--region", support.HC, "--year",
                      "2020", "--year", "2021", "--db", module_db_url)
    assert run.exit_code == 0, run.stderr
    assert "11 行" in run.stdout and len(_read(out, "xlsx")) == 11
    bad = support.cli("export", "-o", tmp_path / "x.txt", "--db", module_db_url)
    assert bad.exit_code == 2 and bad.stderr.count("\n") == 1
