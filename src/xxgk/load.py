"""Any input the CLI accepts → `Report`.

Two kinds of input: JSON (an `xxgk-report/1` document, or a hand-written one whose cells are bare
values), and a published report in any form the readers know (text, HTML, …). JSON is recognised by
its content, not only by the `.json` extension: a report saved as `.txt` never starts with "{".
Every failure becomes an `XxgkError` whose problem is one line, Chinese first then English.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from . import editions
from .errors import NotAReport, ReadError, XxgkError
from .model import FORMAT_ID, Report
from . import readers
from .readers import MAX_BYTES, read_bytes

_BOMS = (b"\xef\xbb\xbf",)
_MAX_LISTED = 5  # unknown keys named in a message


def load_report(path: Path) -> Report:
    """Read `path` as a report; raise `XxgkError` (one-line problem) for anything that is not one."""
    name = str(path)
    data = read_file(path)
    if path.suffix.lower() in YAML_SUFFIXES:
        return report_from_yaml(name, data)
    if _looks_like_json(path, data):
        return report_from_json(name, data)
    # Imported here: the parser pulls in OpenCC and the rule machinery, which JSON does not need.
    from .parse import parse_document

    # The bytes already read go to the readers, so the file is read once.
    return parse_document(read_bytes(data, name))


def report_from_bytes(name: str, data: bytes) -> Report:
    """`load_report` for bytes already in memory (uploads, archive members); `name` names them."""
    if len(data) > MAX_BYTES:
        raise ReadError(name, f"文件过大（上限 {MAX_BYTES // 2**20} MB）/ file too large "
                              f"(limit {MAX_BYTES // 2**20} MB)")
    if not data.strip():
        raise ReadError(name, "文件为空 / empty file")
    if _looks_like_json(Path(name), data):
        return report_from_json(name, data)
    from .parse import parse_document

    return parse_document(read_bytes(data, name))


def read_file(path: Path) -> bytes:
    """The bytes of a report file (at most `MAX_BYTES`), or a one-line `ReadError`."""
    name = str(path)
    data = readers.read_file(path, name)
    if not data.strip():
        raise ReadError(name, "文件为空 / empty file")
    return data


def _looks_like_json(path: Path, data: bytes) -> bool:
    if path.suffix.lower() == ".json":
        return True
    head = data.lstrip()
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):].lstrip()
    # "[" is not enough: text extracted from DOCX may start with "[bookmark: _GoBack]".
    return head.startswith(b"{") and not head.startswith(b"{\\rtf")  # RTF opens with "{" too


def report_from_json(name: str, data: bytes) -> Report:
    """An `xxgk-report/1` document or hand-written report JSON → `Report`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ReadError(name, f"JSON 不是 UTF-8 编码 / JSON is not UTF-8 (byte {e.start})") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise ReadError(name, f"JSON 在第{e.lineno}行中断，文件不完整（被截断？）/ JSON ends "
                                  f"early at line {e.lineno} (truncated file?)") from None
        raise ReadError(name, f"JSON 格式错误（第{e.lineno}行第{e.colno}列）/ "
                              f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None
    return report_from_dict(name, doc)


YAML_SUFFIXES = (".yaml", ".yml")


def report_from_yaml(name: str, data: bytes) -> Report:
    """A hand-written report in YAML: the fields of the JSON; `published` may be a YAML date and
    `sections` a mapping of section key (overview … other) to its text."""
    import yaml

    try:
        doc = yaml.safe_load(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ReadError(name, "YAML 不是 UTF-8 编码 / YAML is not UTF-8") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f"第{mark.line + 1}行" if mark is not None else ""
        raise ReadError(name, f"YAML 格式错误{at} / invalid YAML"
                              f"{f' at line {mark.line + 1}' if mark is not None else ''}") from None
    if isinstance(doc, dict):
        if hasattr(doc.get("published"), "isoformat"):
            doc["published"] = doc["published"].isoformat()
        if isinstance(doc.get("sections"), dict) and str(doc.get("edition")) in editions.EDITION_KEYS:
            texts = doc["sections"]
            doc["sections"] = [{"key": s.key, "number": s.number, "heading": s.heading,
                                "text": str(texts.get(s.key) or "").strip()}
                               for s in editions.get(str(doc["edition"])).sections]
    return report_from_dict(name, doc)


def report_from_dict(name: str, doc: Any) -> Report:
    _check_shape(name, doc)
    try:
        report = Report.from_dict(doc)
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
        raise XxgkError(name, f"报告 JSON 内容无效 / invalid report JSON: {_one_line(detail)}") from None
    if report.source_name is None:
        report.source_name = name
    return report


def _check_shape(name: str, doc: Any) -> None:
    """The mistakes people make in report JSON, explained in Chinese as well (the model's own
    validation, which runs next, speaks English only)."""
    if not isinstance(doc, dict):
        raise XxgkError(name, f"JSON 顶层应为对象 / the top level must be an object, not {_kind(doc)}")
    if not {"format", "edition", "cells"} & doc.keys():
        raise NotAReport(name, "JSON 不是报告（没有 edition 和 cells）/ JSON but not a report: "
                               "no 'edition' or 'cells'")
    fmt = doc.get("format")
    if fmt is not None and fmt != FORMAT_ID:
        raise XxgkError(name, f"不支持的格式 {fmt!r}，xxgk 读取 {FORMAT_ID} / "
                              f"unsupported format {fmt!r} (xxgk reads {FORMAT_ID})")
    edition = doc.get("edition")
    if str(edition) not in editions.EDITION_KEYS or isinstance(edition, bool):
        known = "、".join(editions.EDITION_KEYS)
        raise XxgkError(name, f"edition 应为 {known} 之一 / 'edition' must be one of "
                              f"{', '.join(editions.EDITION_KEYS)}, not {edition!r}")
    cells = doc.get("cells")
    if not isinstance(cells, dict):
        raise XxgkError(name, "缺少 cells 对象（单元格键 → 数值）/ 'cells' must be an object of "
                              "cell key → value")
    known_keys = set(editions.get(str(edition)).cell_keys())
    unknown = sorted(k for k in cells if k not in known_keys)
    if unknown:
        listed = ", ".join(unknown[:_MAX_LISTED]) + (" …" if len(unknown) > _MAX_LISTED else "")
        raise XxgkError(name, f"{edition} 版本没有这些单元格键（{len(unknown)} 个）/ unknown cell "
                              f"key(s) for edition {edition}: {listed}")
    for key, cell in cells.items():
        value = cell.get("value") if isinstance(cell, dict) else cell
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
            raise XxgkError(name, f"单元格 {key} 的值应为数字或 null / cell {key}: the value must be "
                                  f"a number or null, not {value!r}")


def _kind(v: Any) -> str:
    return {list: "an array", str: "a string", int: "a number", float: "a number",
            bool: "a boolean", type(None): "null"}.get(type(v), type(v).__name__)


def _one_line(text: str) -> str:
    return " ".join(text.split())
