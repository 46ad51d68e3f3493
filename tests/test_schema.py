"""The JSON Schema of xxgk-report/1: valid, in step with the model and the edition data, published."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from test_model import full_report
from xxgk import editions
from xxgk.cli import app
from xxgk.jsonschema import SCHEMA_FILE, base_schema, edition_schema, schema_resource, schema_text
from xxgk.model import Report

ROOT = Path(__file__).resolve().parent.parent
TRUTH = sorted((ROOT / "examples" / "truth").glob("*.json"))
EXAMPLES = sorted((ROOT / "examples").glob("*.txt"))
DOCS_COPY = ROOT / "docs" / SCHEMA_FILE


def validator(schema: dict) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())


def errors(schema: dict, doc: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator(schema).iter_errors(doc)]


@pytest.mark.parametrize("edition", [None, *editions.EDITION_KEYS])
def test_schemas_are_valid_draft_2020_12(edition: str | None) -> None:
    schema = base_schema() if edition is None else edition_schema(edition)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_docs_copy_is_the_package_copy() -> None:
    assert DOCS_COPY.read_text(encoding="utf-8") == schema_resource(), (
        "docs/xxgk-report-1.schema.json is stale: run `xxgk schema > docs/xxgk-report-1.schema.json`")


def test_package_copy_is_in_canonical_layout() -> None:
    # `xxgk schema` prints exactly the shipped file, so the docs copy can be regenerated from it.
    assert schema_text() == schema_resource()


def test_edition_schema_lists_exactly_the_edition_keys_with_labels() -> None:
    for ed in editions.all_editions():
        cells = edition_schema(ed.key)["properties"]["cells"]
        assert list(cells["properties"]) == ed.cell_keys()
        assert cells["additionalProperties"] is False
        for key, prop in cells["properties"].items():
            assert prop["description"] == ed.cells[key].label
            assert prop["$ref"] == "#/$defs/cell"


def test_schema_knows_the_section_keys_of_the_edition_data() -> None:
    keys = base_schema()["$defs"]["section"]["properties"]["key"]["enum"]
    for ed in editions.all_editions():
        assert keys == [s.key for s in ed.sections]


def test_schema_requires_what_to_dict_always_writes() -> None:
    doc = full_report().to_dict()
    schema = base_schema()
    assert set(schema["required"]) == set(doc)
    assert set(schema["$defs"]["finding"]["required"]) == set(doc["findings"][0])
    assert set(schema["$defs"]["section"]["required"]) == set(doc["sections"][0])
    cell = doc["cells"]["t3.granted.research"]  # the one with a note
    assert set(schema["$defs"]["cell"]["required"]) | {"note"} == set(cell)


@pytest.mark.parametrize("path", TRUTH, ids=lambda p: p.stem)
def test_truth_files_reserialised_validate(path: Path) -> None:
    report = Report.from_dict(json.loads(path.read_text(encoding="utf-8")))
    doc = json.loads(report.to_json())
    assert errors(base_schema(), doc) == []
    assert errors(edition_schema(report.edition), doc) == []


def test_full_report_validates() -> None:
    doc = full_report().to_dict()
    assert errors(base_schema(), doc) == []
    assert errors(edition_schema("2021"), doc) == []
    assert errors(edition_schema("2019"), doc) != []  # its keys and edition are 2021's


@pytest.mark.parametrize("mutate, where", [
    (lambda d: d.update(format="xxgk-report/2"), "format"),
    (lambda d: d.update(edition="2020"), "edition"),
    (lambda d: d.update(published="30.01.2023"), "published"),
    (lambda d: d.pop("findings"), ""),
    (lambda d: d["cells"]["t3.granted.total"].update(status="guessed"), "status"),
    (lambda d: d["cells"]["t3.granted.total"].update(value="9"), "value"),
    (lambda d: d["cells"]["t3.granted.total"].pop("raw"), "raw"),
    (lambda d: d["cells"]["t3.granted.total"]["source"].update(span=[1]), "span"),
    (lambda d: d["cells"].update({"T3 granted": d["cells"]["t3.granted.total"]}), "cells"),
    (lambda d: d["findings"][0].update(severity="fatal"), "severity"),
    (lambda d: d["findings"][0]["suspect"].pop("suggested"), "suspect"),
    (lambda d: d["sections"][0].update(key="summary"), "key"),
    (lambda d: d.update(extra=1), ""),
])
def test_schema_rejects_malformed_reports(mutate, where: str) -> None:
    doc = copy.deepcopy(full_report().to_dict())
    mutate(doc)
    found = errors(base_schema(), doc)
    assert found, "the schema accepted a malformed report"
    assert any(where in e for e in found)


def test_edition_schema_rejects_a_key_of_the_other_edition() -> None:
    doc = full_report().to_dict()
    doc["cells"]["t2.art20_9.central_procurement.proc_items"] = doc["cells"]["t4.review.total"]
    assert errors(base_schema(), doc) == []  # well formed…
    assert any("proc_items" in e for e in errors(edition_schema("2021"), doc))  # …but not 2021's


def test_schema_command_prints_the_schemas() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout == schema_resource()
    for ed in editions.EDITION_KEYS:
        result = runner.invoke(app, ["schema", "--edition", ed])
        assert result.exit_code == 0
        schema = json.loads(result.stdout)
        assert schema["properties"]["edition"]["const"] == ed
        assert list(schema["properties"]["cells"]["properties"]) == editions.get(ed).cell_keys()
    result = runner.invoke(app, ["schema", "--edition", "2020"])
    assert result.exit_code == 2


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_cli_output_validates(path: Path) -> None:
    result = CliRunner().invoke(app, ["parse", str(path)])
    assert result.exit_code in (0, 1), result.stderr
    doc = json.loads(result.stdout)
    assert errors(base_schema(), doc) == []
    assert errors(edition_schema(doc["edition"]), doc) == []
