"""The report model's JSON (xxgk-report/1): round trips, hand-written bare values, rejections."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk import editions
from xxgk.document import Source
from xxgk.errors import NotAReport, ReadError, XxgkError
from xxgk.load import load_report, report_from_dict
from xxgk.model import FORMAT_ID, Cell, Finding, Report, Section, Suspect

ROOT = Path(__file__).resolve().parent.parent
TRUTH = sorted((ROOT / "examples" / "truth").glob("*.json"))
FIXTURES = ROOT / "tests" / "fixtures" / "cli"


def full_report() -> Report:
    """A report using every field the format has."""
    ed = editions.get("2021")
    cells = {k: Cell(0, "0", "件", "read", Source(line=40 + i, span=(2, 3)))
             for i, k in enumerate(ed.cell_keys())}
    cells["t2.art20_8.fees.fee_amount"] = Cell(1.77, "1.77万元", "万元", "read",
                                               Source(path="/html/body/table[1]/tr[9]/td[2]"))
    cells["t3.granted.natural_person"] = Cell(9, None, "件", "inferred", None, rule="H1:natural_person")
    cells["t3.granted.research"] = Cell(None, None, None, "missing", None,
                                        note="两种读法都满足勾稽关系 two readings fit the rules")
    cells["t3.carried_over.commercial"] = Cell(None, "—", None, "read", Source(line=80, span=(5, 6)))
    cells["t4.review.total"] = Cell(3, "3", "件", "read",
                                    Source(page=4, bbox=(72.0, 400.5, 90.0, 412.0)))
    sections = [Section(s.key, s.number, s.heading, f"{s.heading}的正文", Source(line=s.number))
                for s in ed.sections[:5]]
    sections.append(Section("other", 6, None))
    finding = Finding("H1", "error", ["t3.new_received.natural_person", "t3.total_processed.natural_person"],
                      "自然人列：一 + 二 ≠ （七）+ 四", "column natural_person does not balance",
                      expected=15, actual=12,
                      suspect=Suspect("t3.total_processed.natural_person", 12, 15))
    return Report(edition="2021", year=2022, agency="某某市人民政府办公室",
                  published=dt.date(2023, 1, 30), cells=cells, sections=sections,
                  title="某某市人民政府办公室2022年政府信息公开工作年度报告",
                  edition_evidence=["本年制发件数", "国办公开办函〔2021〕30号"],
                  source_name="report.html", source_form="html", findings=[finding])


def test_full_report_round_trips_exactly() -> None:
    report = full_report()
    doc = json.loads(report.to_json())
    assert doc["format"] == FORMAT_ID
    again = Report.from_dict(doc)
    assert again == report
    assert again.to_dict() == doc


def test_to_dict_orders_cells_as_the_edition_does() -> None:
    report = full_report()
    shuffled = Report.from_dict({**report.to_dict(),
                                 "cells": dict(reversed(report.to_dict()["cells"].items()))})
    assert list(shuffled.to_dict()["cells"]) == editions.get("2021").cell_keys()


@pytest.mark.parametrize("path", TRUTH, ids=lambda p: p.stem)
def test_truth_files_load_as_bare_values(path: Path) -> None:
    truth = json.loads(path.read_text(encoding="utf-8"))
    report = Report.from_dict(truth)
    assert report.edition == truth["edition"]
    assert report.year == truth["year"]
    assert {k: c.value for k, c in report.cells.items()} == truth["cells"]
    assert all(c.status == "read" for c in report.cells.values())
    # Serialising and reading back keeps every value.
    again = Report.from_dict(json.loads(report.to_json()))
    assert {k: c.value for k, c in again.cells.items()} == truth["cells"]


def test_bare_values_keep_their_text_and_nulls() -> None:
    report = Report.from_dict({"edition": "2019", "cells": {
        "t2.art20_9.central_procurement.proc_amount": 25.1,
        "t3.new_received.total": 9,
        "t4.review.total": None,
        "t3.granted.total": {"value": 4, "raw": "4件", "status": "read"},
    }})
    amount = report.cells["t2.art20_9.central_procurement.proc_amount"]
    assert (amount.value, amount.raw) == (25.1, "25.1")
    assert (report.cells["t3.new_received.total"].raw, report.value("t3.new_received.total")) == ("9", 9)
    assert report.value("t4.review.total") is None and report.num("t4.review.total") == 0
    assert report.cells["t3.granted.total"].raw == "4件"
    assert report.year is None and report.sections == [] and report.findings == []


@settings(max_examples=60, deadline=None)
@given(edition=st.sampled_from(editions.EDITION_KEYS), data=st.data())
def test_any_cell_values_round_trip(edition: str, data: st.DataObject) -> None:
    keys = editions.get(edition).cell_keys()
    chosen = data.draw(st.lists(st.sampled_from(keys), unique=True, max_size=40))
    value = st.one_of(st.none(), st.integers(-10**9, 10**9),
                      st.floats(allow_nan=False, allow_infinity=False, width=64))
    cells = {k: data.draw(value) for k in chosen}
    report = Report.from_dict({"edition": edition, "cells": cells})
    again = Report.from_dict(json.loads(report.to_json()))
    assert again == report
    assert {k: c.value for k, c in again.cells.items()} == cells


@pytest.mark.parametrize("doc, fragment", [
    ({"format": "xxgk-report/0", "edition": "2019", "cells": {}}, "unsupported format"),
    ({"edition": "2020", "cells": {}}, "'edition' must be one of"),
    ({"cells": {"t3.new_received.total": 1}}, "'edition' must be one of"),
    ({"edition": "2019", "cells": [1, 2]}, "'cells' must be an object"),
    ({"edition": "2019", "cells": {"t3.bogus.total": 1}}, "unknown cell key"),
    # a key of the other edition is unknown too
    ({"edition": "2019", "cells": {"t2.art20_1.regulations.issued": 1}}, "unknown cell key"),
    ({"edition": "2021", "cells": {"t2.art20_9.central_procurement.proc_items": 1}}, "unknown cell key"),
    ({"edition": "2019", "cells": {"t3.new_received.total": "9"}}, "must be a number or null"),
    ({"edition": "2019", "cells": {"t3.new_received.total": True}}, "must be a number or null"),
    ({"edition": "2019", "cells": {"t3.new_received.total": {"value": "9"}}}, "must be a number or null"),
    ({"edition": "2019", "year": "2020", "cells": {}}, "'year' must be an integer"),
])
def test_model_rejects(doc: dict, fragment: str) -> None:
    with pytest.raises(ValueError, match=fragment):
        Report.from_dict(doc)
    # The loader says the same in Chinese and English, naming the file.
    with pytest.raises(XxgkError) as err:
        report_from_dict("r.json", doc)
    line = str(err.value)
    assert line.startswith("r.json: ") and "\n" not in line
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.value.problem)


def test_loader_names_the_unknown_keys() -> None:
    with pytest.raises(XxgkError) as err:
        load_report(FIXTURES / "unknown_keys.json")
    assert "t3.new_recieved.natural_person" in err.value.problem
    assert "t9.nothing" in err.value.problem
    assert "（2 个）" in err.value.problem


@pytest.mark.parametrize("doc", [[1, 2], "report", 3, None])
def test_loader_rejects_non_objects(doc: object) -> None:
    with pytest.raises(XxgkError, match="顶层应为对象"):
        report_from_dict("x.json", doc)


def test_loader_rejects_json_that_is_not_a_report() -> None:
    with pytest.raises(NotAReport):
        report_from_dict("package.json", {"name": "left-pad", "version": "1.0.0"})


def test_loader_reports_bad_nested_fields_in_one_line() -> None:
    doc = {"edition": "2019", "cells": {}, "sections": [{"number": 1}], "published": "2021-13-45"}
    with pytest.raises(XxgkError) as err:
        report_from_dict("r.json", doc)
    assert "invalid report JSON" in err.value.problem and "\n" not in str(err.value)


def test_json_is_sniffed_by_content(tmp_path: Path) -> None:
    doc = {"edition": "2019", "cells": {"t3.new_received.total": 9}}
    as_txt = tmp_path / "saved-from-browser.txt"
    as_txt.write_bytes(b"\xef\xbb\xbf\n  " + json.dumps(doc).encode())
    report = load_report(as_txt)
    assert report.value("t3.new_received.total") == 9
    assert report.source_name == str(as_txt)


@pytest.mark.parametrize("content, error, fragment", [
    (b"", ReadError, "文件为空"),
    (b"  \n\t\n", ReadError, "文件为空"),
    (b'{"edition": "2019", "cells": {', ReadError, "被截断"),
    (b'{"edition": "2019", "cells": {"t3.new_rece', ReadError, "被截断"),
    (b'{"edition": "2019", "cells": {,}}', ReadError, "JSON 格式错误（第1行第31列）"),
    ('{"edition": "2019", "agency": "统计局", "cells": {}}'.encode("gb18030"), ReadError, "不是 UTF-8"),
])
def test_loader_rejects_bad_json_files(tmp_path: Path, content: bytes, error: type, fragment: str) -> None:
    path = tmp_path / "r.json"
    path.write_bytes(content)
    with pytest.raises(error, match=fragment) as err:
        load_report(path)
    assert err.value.name == str(path)


def test_loader_rejects_missing_paths_and_directories(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="文件不存在"):
        load_report(tmp_path / "nope.txt")
    with pytest.raises(ReadError, match="目录"):
        load_report(tmp_path)


def test_xxgk_report_json_loads_back_from_a_file(tmp_path: Path) -> None:
    report = full_report()
    path = tmp_path / "out.json"
    path.write_text(report.to_json(), encoding="utf-8")
    assert load_report(path) == report
