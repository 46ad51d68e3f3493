"""The JSON Schema (draft 2020-12) of `xxgk-report/1`, generic or for one edition.

The generic schema is the file `schemas/xxgk-report-1.schema.json` shipped in the package (a copy is
published as `docs/xxgk-report-1.schema.json`; a test keeps them identical). The per-edition schema is
derived from it and from the edition data, so it can never disagree with `Edition.cell_keys()`: its
`cells` object lists exactly that edition's keys, each described by its Chinese label path.
"""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

from . import editions

SCHEMA_FILE = "xxgk-report-1.schema.json"


def schema_resource() -> str:
    """The text of the generic schema as shipped in the package."""
    return resources.files(__package__).joinpath("schemas", SCHEMA_FILE).read_text(encoding="utf-8")


def base_schema() -> dict[str, Any]:
    return json.loads(schema_resource())


def edition_schema(edition_key: str) -> dict[str, Any]:
    """The schema of a report printed in `edition_key`: exactly its cell keys, no others."""
    ed = editions.get(edition_key)
    schema = copy.deepcopy(base_schema())
    schema["$id"] = f"{schema['$id']}:edition-{ed.key}"
    schema["title"] = f"xxgk-report/1 ({ed.key})"
    schema["description"] = (f"{ed.title}（{ed.notice}）版本的报告解析结果。"
                             f"A report printed in the {ed.key} edition of the national format.")
    props = schema["properties"]
    props["edition"] = {"description": props["edition"]["description"], "const": ed.key}
    cells = props["cells"]
    cells.pop("propertyNames", None)
    cells["properties"] = {key: {"$ref": "#/$defs/cell", "description": spec.label}
                           for key, spec in ed.cells.items()}
    cells["additionalProperties"] = False
    # A suspect cell must be a cell of this edition too.
    schema["$defs"]["suspect"]["properties"]["cell"] = {"enum": ed.cell_keys()}
    return schema


def schema_text(edition_key: str | None = None) -> str:
    """What `xxgk schema` prints; for no edition it is byte-identical to the shipped file."""
    schema = base_schema() if edition_key is None else edition_schema(edition_key)
    return dump(schema)


def dump(schema: dict[str, Any]) -> str:
    """The one layout every schema file of the project uses."""
    return json.dumps(schema, ensure_ascii=False, indent=1) + "\n"
