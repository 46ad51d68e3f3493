"""The official layout of the three tables (`xxgk.render.layout`): the grid every writer and the web
UI share, checked against what FORMAT.md says the template merges."""

from __future__ import annotations

import pytest

from xxgk import editions
from xxgk.render.layout import CORNER_RULE, TABLES, layouts, table_layout

EDITIONS = editions.EDITION_KEYS


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_cell_key_once_in_reading_order(edition: str) -> None:
    keys = [k for layout in layouts(edition) for k in layout.keys()]
    assert keys == editions.get(edition).cell_keys()  # the order of cell-keys.json


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("table", TABLES)
def test_grid_is_rectangular_and_spans_cover_it_exactly(edition: str, table: str) -> None:
    layout = table_layout(edition, table)
    grid = layout.grid()
    assert all(len(line) == layout.width for line in grid)
    for line in grid:
        for slot in line:
            cell = slot.cell
            assert slot.origin_row <= slot.row < slot.origin_row + cell.rowspan
            assert slot.origin_col <= slot.col < slot.origin_col + cell.colspan
            assert slot.origin == ((slot.row, slot.col) == (slot.origin_row, slot.origin_col))
    origins = [s for line in grid for s in line if s.origin]
    assert sum(s.cell.rowspan * s.cell.colspan for s in origins) == len(grid) * layout.width
    for key in layout.keys():
        r, c = layout.locate(key)
        assert grid[r][c].cell.key == key and grid[r][c].origin


@pytest.mark.parametrize("edition", EDITIONS)
def test_table3_header_tree_and_group_rows(edition: str) -> None:
    ed = editions.get(edition)
    t3 = table_layout(edition, "t3")
    corner, applicants = t3.rows[0]
    assert (corner.role, corner.text, corner.rowspan, corner.colspan) == ("corner", CORNER_RULE, 3, 3)
    assert (applicants.text, applicants.colspan) == ("申请人情况", 7)
    natural, legal, total = t3.rows[1]
    assert (natural.text, natural.rowspan, legal.text, legal.colspan, total.text, total.rowspan) == \
        ("自然人", 2, "法人或其他组织", 5, "总计", 2)
    assert [c.text for c in t3.rows[2]] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert t3.header_rows == 3 and t3.width == 10
    groups = {c.text: c for row in t3.rows for c in row if c.role == "group"}
    outcomes = len(ed.rows_in_group("results"))
    assert groups["三、本年度办理结果"].rowspan == outcomes and groups["三、本年度办理结果"].vertical
    assert groups["（三）不予公开"].rowspan == 8
    assert groups["（四）无法提供"].rowspan == 3
    assert groups["（五）不予处理"].rowspan == 5
    # （六）其他处理: one row of its own in 2019, a group of three in 2021.
    if edition == "2021":
        assert groups["（六）其他处理"].rowspan == 3
    else:
        assert "（六）其他处理" not in groups
        row = next(r for r in t3.rows if any(c.text == "（六）其他处理" for c in r))
        assert next(c for c in row if c.text == "（六）其他处理").colspan == 2
    first = t3.rows[3]  # 一、本年新收: its label spans the three label columns
    assert (first[0].text, first[0].colspan) == (ed.t3_row("new_received").label, 3)


@pytest.mark.parametrize("edition", EDITIONS)
def test_table4_header_tree(edition: str) -> None:
    t4 = table_layout(edition, "t4")
    assert [(c.text, c.colspan) for c in t4.rows[0]] == [("行政复议", 5), ("行政诉讼", 10)]
    second = t4.rows[1]
    assert [(c.text, c.rowspan) for c in second[:5]] == [
        ("结果维持", 2), ("结果纠正", 2), ("其他结果", 2), ("尚未审结", 2), ("总计", 2)]
    assert [(c.text, c.colspan) for c in second[5:]] == [("未经复议直接起诉", 5), ("复议后起诉", 5)]
    assert len(t4.rows[2]) == 10 and len(t4.rows[3]) == 15
    assert t4.rows[3][0].key == "t4.review.upheld" and t4.rows[3][-1].key == "t4.litigation_after_review.total"


def test_table2_blocks_stretch_their_last_column() -> None:
    t2 = table_layout("2021", "t2")
    assert t2.width == 4
    captions = [r[0].text for r in t2.rows if r[0].role == "caption"]
    assert captions == ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项"]
    fees = next(r for r in t2.rows if r[0].text == "行政事业性收费")
    assert [(c.key, c.colspan) for c in fees[1:]] == [("t2.art20_8.fees.fee_amount", 3)]
    t2_2019 = table_layout("2019", "t2")
    procurement = next(r for r in t2_2019.rows if r[0].text == "政府集中采购")
    assert [c.colspan for c in procurement] == [1, 1, 2]


def test_headers_of_a_cell_name_its_row_and_column() -> None:
    t3 = table_layout("2021", "t3")
    texts = [c.text for c in t3.headers_of("t3.withheld_third_party.commercial")]
    assert texts == ["申请人情况", "法人或其他组织", "商业企业", "三、本年度办理结果", "（三）不予公开",
                     "4.保护第三方合法权益"]
    texts = [c.text for c in t3.headers_of("t3.new_received.natural_person")]
    assert texts == ["申请人情况", "自然人", "一、本年新收政府信息公开申请数量"]
    t2 = table_layout("2021", "t2")  # a table-2 cell is labelled by its own block's header
    assert [c.text for c in t2.headers_of("t2.art20_6.coercion.decisions")] == ["本年处理决定数量", "行政强制"]
    t4 = table_layout("2019", "t4")
    assert [c.text for c in t4.headers_of("t4.litigation_direct.pending")] == ["行政诉讼", "未经复议直接起诉", "尚未审结"]


def test_unknown_table_and_key() -> None:
    with pytest.raises(KeyError):
        table_layout("2021", "t5")  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        table_layout("2021", "t3").locate("t2.art20_1.regulations.issued")
