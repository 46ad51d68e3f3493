"""The neutral document (xxgk.document): `Source` is an immutable value, cells and paragraphs are
plain records; every reader and the parser rely on how they compare, print and travel."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from xxgk.document import Document, GridCell, Paragraph, Source, Table


def test_source_fields_defaults_and_keywords() -> None:
    src = Source(12, (3, 5), "/html/body/p[2]")
    assert (src.line, src.span, src.path, src.page, src.bbox) == (12, (3, 5), "/html/body/p[2]", None, None)
    assert Source() == Source(None, None, None, None, None)
    pdf = Source(page=2, bbox=(1.0, 2.0, 3.0, 4.0))
    assert pdf.line is None and pdf.page == 2 and pdf.bbox == (1.0, 2.0, 3.0, 4.0)


def test_source_is_immutable() -> None:
    src = Source(1, None, "/p")
    with pytest.raises(AttributeError):
        src.line = 2  # type: ignore[misc]
    with pytest.raises(AttributeError):
        src.extra = 1  # type: ignore[attr-defined]


def test_source_compares_hashes_and_prints_by_its_fields() -> None:
    a, b = Source(7, (0, 2), "/x"), Source(line=7, span=(0, 2), path="/x")
    assert a == b and hash(a) == hash(b) and len({a, b}) == 1
    assert a != Source(7, (0, 3), "/x")
    assert repr(a) == "Source(line=7, span=(0, 2), path='/x', page=None, bbox=None)"


def test_source_made_from_its_fields_in_c_is_the_same_value() -> None:
    """The HTML reader makes sources with `tuple.__new__(Source, fields)`."""
    made = tuple.__new__(Source, (3, None, "/td[1]", None, None))
    assert type(made) is Source and made == Source(3, None, "/td[1]") and made.path == "/td[1]"


def test_source_survives_pickle_and_copies() -> None:
    src = Source(4, (1, 2), "/p[1]", 3, (0.5, 1.5, 2.5, 3.5))
    for again in (pickle.loads(pickle.dumps(src, protocol=pickle.HIGHEST_PROTOCOL)),
                  pickle.loads(pickle.dumps(src, protocol=0)), copy.copy(src), copy.deepcopy(src)):
        assert type(again) is Source and again == src


def test_source_dict_round_trip_and_substrings() -> None:
    src = Source(5, (10, 20), "/html/body/p[3]", 2, (1.0, 2.0, 3.0, 4.0))
    assert src.to_dict() == {"line": 5, "span": [10, 20], "path": "/html/body/p[3]", "page": 2,
                             "bbox": [1.0, 2.0, 3.0, 4.0]}
    assert Source.from_dict(src.to_dict()) == src
    assert Source.from_dict(None) is None and Source.from_dict({}) is None
    assert src.sub(2, 4) == Source(5, (12, 14), "/html/body/p[3]", 2, (1.0, 2.0, 3.0, 4.0))
    assert Source(9).sub(1, 3) == Source(9, (1, 3))
    assert Source(path="/td[1]").sub(1, 3) == Source(path="/td[1]")
    assert src.describe() == "p.2 line 5:10-20 /html/body/p[3]"


def test_cells_and_paragraphs_are_slotted_records() -> None:
    src = Source(1, None, "/td[1]")
    cell = GridCell("12", src)
    assert cell == GridCell("12", src, False) and cell != GridCell("12", src, True)
    assert repr(cell) == f"GridCell(text='12', source={src!r}, spanned=False)"
    assert not hasattr(cell, "__dict__") and not hasattr(Paragraph("x", src), "__dict__")
    assert dataclasses.replace(cell, spanned=True).spanned
    assert pickle.loads(pickle.dumps(cell)) == cell
    para = Paragraph("一、总体情况", src)
    assert para.kind == "paragraph" and copy.deepcopy(para) == para


def test_document_text_skips_spanned_copies() -> None:
    src = Source(1)
    table = Table(rows=[[GridCell("a", src), GridCell("a", src, True), GridCell("b", src)]], source=src)
    doc = Document("d.html", "html", [Paragraph("题", src), table])
    assert doc.text() == "题\na\tb"
    assert doc.paragraphs() == [Paragraph("题", src)] and doc.tables() == [table]
