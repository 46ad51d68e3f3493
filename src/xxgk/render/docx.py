"""DOCX in the national layout, with the conventions of government documents (GB/T 9704-2012).

- A4 portrait; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text block 156 × 225 mm);
  page numbers "— 1 —" centred in the footer (宋体 四号).
- Title 方正小标宋简体 二号 (22 pt) centred; section headings 黑体 三号 (16 pt); sub-headings
  楷体_GB2312 三号; narrative 仿宋_GB2312 三号, first line indented two characters, lines exactly
  28 pt apart; signature (agency, date) right-aligned four characters in.
- Tables in 宋体: 表二 小四 (12 pt), 表三 and 表四 五号 (10.5 pt), every merged cell of the template
  (`w:gridSpan`, `w:vMerge`), fixed column widths chosen so the narrow columns wrap their headers
  as the template does (三、本年度办理结果 one character per line), header rows repeated after a
  page break, rows never split.
- Every run names its East Asian font (`w:eastAsia`) and Latin font (Times New Roman) explicitly;
  the document defaults say the same, with no theme fonts to override them. The font table gives
  each Chinese font its usual substitute (`w:altName`): 仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体,
  方正小标宋简体 → 宋体, 黑体 → SimHei; a machine without them (Linux, LibreOffice) substitutes
  through its own font configuration.

Headings carry outline levels, so Word's navigation pane lists the six sections.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from ..model import Report
from .content import TITLE_TAIL, TableBlock, Text, blocks, title_of
from .layout import TableLayout

LATIN = "Times New Roman"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TEXT_WIDTH_MM = 156
ROW_HEIGHT = 1.35  # minimum row height, in multiples of the table font size


@dataclass(frozen=True)
class Face:
    """A paragraph style: East Asian font, size, alignment, indent."""

    name: str  # the style name Word shows
    font: str
    size: float  # pt
    align: WD_ALIGN_PARAGRAPH | None = None
    first_line: float = 0  # pt
    right: float = 0  # pt
    line: float | None = 28  # exact line spacing in pt (None: single)
    outline: int | None = None
    keep_next: bool = False  # kept on the page of the next paragraph (headings)
    after: float = 0  # space after, pt


TITLE = Face("报告标题", "方正小标宋简体", 22, WD_ALIGN_PARAGRAPH.CENTER, line=36, after=28)
HEADING = Face("一级标题", "黑体", 16, first_line=32, outline=0, keep_next=True)
SUBHEADING = Face("二级标题", "楷体_GB2312", 16, first_line=32, outline=1, keep_next=True)
BODY = Face("报告正文", "仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.JUSTIFY, first_line=32)
SIGNATURE = Face("落款", "仿宋_GB2312", 16, WD_ALIGN_PARAGRAPH.RIGHT, right=64)
TABLE_T2 = Face("表格文字", "宋体", 12, WD_ALIGN_PARAGRAPH.CENTER, line=None)
TABLE_SMALL = Face("表格文字（小）", "宋体", 10.5, WD_ALIGN_PARAGRAPH.CENTER, line=None)
FACES = {"title": TITLE, "heading": HEADING, "subheading": SUBHEADING, "paragraph": BODY,
         "signature": SIGNATURE, "date": SIGNATURE}
# Substitutes Word uses when a font is missing (font table w:altName).
ALT_NAMES = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体", "黑体": "SimHei",
             "宋体": "SimSun"}

# Column widths in mm per table; they add up to the text width.
_T3_LABELS = (7.5, 21, 50.5)  # 三、本年度办理结果 · （三）不予公开 · items


def _widths(layout: TableLayout) -> list[float]:
    if layout.table == "t2":
        first = 52.0
        rest = (TEXT_WIDTH_MM - first) / (layout.width - 1)
        return [first] + [rest] * (layout.width - 1)
    if layout.table == "t3":
        depth = layout.width - 7
        labels = list(_T3_LABELS[-depth:]) if depth <= len(_T3_LABELS) else [20.0] * depth
        rest = (TEXT_WIDTH_MM - sum(labels)) / (layout.width - depth)
        return labels + [rest] * (layout.width - depth)
    return [TEXT_WIDTH_MM / layout.width] * layout.width


def _fonts(rpr, font: str) -> None:
    """Set the Latin and East Asian fonts of a run or style (`w:rFonts`), no theme fonts."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:cs"), LATIN)
    fonts.set(qn("w:eastAsia"), font)
    fonts.set(qn("w:hint"), "eastAsia")


def _add_style(document, face: Face) -> None:
    style = document.styles.add_style(face.name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    style.font.size = Pt(face.size)
    _fonts(style.element.get_or_add_rPr(), face.font)
    pf = style.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(face.after)
    if face.line is not None:
        pf.line_spacing = Pt(face.line)  # exact
    else:
        pf.line_spacing = 1.0
    if face.align is not None:
        pf.alignment = face.align
    if face.first_line:
        pf.first_line_indent = Pt(face.first_line)
    if face.right:
        pf.right_indent = Pt(face.right)
    if face.keep_next:
        pf.keep_with_next = True
    if face.outline is not None:
        level = OxmlElement("w:outlineLvl")
        level.set(qn("w:val"), str(face.outline))
        style.element.get_or_add_pPr().append(level)


def _defaults(document) -> None:
    """Document defaults: explicit fonts (theme fonts would override w:eastAsia), Chinese
    language, no paragraph spacing."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _fonts(rpr, BODY.font)
    lang = rpr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY.size)
    _fonts(normal.element.get_or_add_rPr(), BODY.font)


def _font_table(document) -> None:
    """Declare the Chinese fonts with their usual substitutes."""
    part = next(p for p in document.part.package.iter_parts()
                if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, alt in ALT_NAMES.items():
        font = etree.SubElement(root, f"{{{W_NS}}}font", {f"{{{W_NS}}}name": name})
        etree.SubElement(font, f"{{{W_NS}}}altName", {f"{{{W_NS}}}val": alt})
        etree.SubElement(font, f"{{{W_NS}}}charset", {f"{{{W_NS}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{W_NS}}}family",
                         {f"{{{W_NS}}}val": "modern" if "体" in name else "roman"})
        etree.SubElement(font, f"{{{W_NS}}}pitch", {f"{{{W_NS}}}val": "variable"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page(document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(28)
    # Page numbers: "— 1 —", 宋体 四号, centred.
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, "— ", "宋体", 14)
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, None),
                       ("end", None)):
        run = footer.add_run()
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        elif text is not None:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            run.text = "1"
        run.font.size = Pt(14)
        _fonts(run._r.get_or_add_rPr(), "宋体")
    _run(footer, " —", "宋体", 14)


def _run(paragraph, text: str, font: str, size: float) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    _fonts(run._r.get_or_add_rPr(), font)


_TITLE_TAIL = re.compile(r"\d{4}年" + TITLE_TAIL + "$")
TITLE_LINE = 20  # characters of 二号 type on one line of the text block


def _paragraph(document, block: Text) -> None:
    face = FACES[block.kind]
    paragraph = document.add_paragraph(style=face.name)
    tail = _TITLE_TAIL.search(block.text) if block.kind == "title" else None
    if tail is not None and len(block.text) > TITLE_LINE:
        # The agency on the first line, "<year>年政府信息公开工作年度报告" on the second, as
        # government titles break (never in the middle of a word).
        at = tail.start()
        if at > 0:
            _run(paragraph, block.text[:at], face.font, face.size)
            paragraph.runs[-1].add_break()
            _run(paragraph, block.text[at:], face.font, face.size)
            return
    _run(paragraph, block.text, face.font, face.size)


def _blank(document, face: Face) -> None:
    document.add_paragraph(style=face.name)


def _el(tag: str, parent=None, **attrs: str):
    el = OxmlElement(tag)
    for k, v in attrs.items():
        el.set(qn(k), v)
    if parent is not None:
        parent.append(el)
    return el


def _twips(mm: float) -> str:
    return str(round(mm * 56.7))


def _table(document, block: TableBlock) -> None:
    """The table written as WordprocessingML: a merged cell is one `w:tc` with `w:gridSpan`
    (columns) and `w:vMerge` restart/continue (rows), as Word writes the template."""
    layout = block.layout
    face = TABLE_T2 if layout.table == "t2" else TABLE_SMALL
    style_id = document.styles[face.name].style_id
    widths = _widths(layout)
    tbl = _el("w:tbl")
    pr = _el("w:tblPr", tbl)
    _el("w:tblStyle", pr, **{"w:val": document.styles["Table Grid"].style_id})
    _el("w:tblW", pr, **{"w:w": _twips(sum(widths)), "w:type": "dxa"})
    _el("w:jc", pr, **{"w:val": "center"})
    borders = _el("w:tblBorders", pr)
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        _el(f"w:{side}", borders, **{"w:val": "single", "w:sz": "4", "w:space": "0",
                                     "w:color": "000000"})
    _el("w:tblLayout", pr, **{"w:type": "fixed"})
    margins = _el("w:tblCellMar", pr)
    for side in ("left", "right"):  # 1 mm: the narrow columns keep room for their text
        _el(f"w:{side}", margins, **{"w:w": "57", "w:type": "dxa"})
    _el("w:tblLook", pr, **{"w:val": "04A0", "w:firstRow": "1", "w:lastRow": "0",
                            "w:firstColumn": "1", "w:lastColumn": "0", "w:noHBand": "0",
                            "w:noVBand": "1"})
    grid = _el("w:tblGrid", tbl)
    for w in widths:
        _el("w:gridCol", grid, **{"w:w": _twips(w)})
    rows = layout.grid()
    # Every row kept with the next: a table moves to the next page whole rather than split (one
    # that is longer than a page still breaks, its header rows repeated).
    keep = len(rows) - 1
    for ri, line in enumerate(rows):
        tr = _el("w:tr", tbl)
        tr_pr = _el("w:trPr", tr)
        _el("w:cantSplit", tr_pr)
        _el("w:trHeight", tr_pr, **{"w:val": str(round(face.size * 20 * ROW_HEIGHT)),
                                   "w:hRule": "atLeast"})
        if ri < layout.header_rows:
            _el("w:tblHeader", tr_pr)  # repeated at the top of each page
        for slot in line:
            if slot.col != slot.origin_col:
                continue  # covered by the gridSpan of the cell to its left
            cell = slot.cell
            tc = _el("w:tc", tr)
            tc_pr = _el("w:tcPr", tc)
            _el("w:tcW", tc_pr, **{"w:w": _twips(sum(widths[slot.col:slot.col + cell.colspan])),
                                   "w:type": "dxa"})
            if cell.colspan > 1:
                _el("w:gridSpan", tc_pr, **{"w:val": str(cell.colspan)})
            if cell.rowspan > 1:
                merge = _el("w:vMerge", tc_pr)
                if slot.origin:
                    merge.set(qn("w:val"), "restart")
            _el("w:vAlign", tc_pr, **{"w:val": "center"})
            p = _el("w:p", tc)
            p_pr = _el("w:pPr", p)
            _el("w:pStyle", p_pr, **{"w:val": style_id})
            if ri < keep:
                _el("w:keepNext", p_pr)
            text = "" if not slot.origin else (
                block.values.get(cell.key, "") if cell.key is not None else cell.text)
            if text:
                p.append(_run_el(text, face))
    document.element.body.append(tbl)
    _keep_sectpr_last(document)


def _run_el(text: str, face: Face):
    r = _el("w:r")
    rpr = _el("w:rPr", r)
    _fonts(rpr, face.font)
    half_points = str(round(face.size * 2))
    _el("w:sz", rpr, **{"w:val": half_points})
    _el("w:szCs", rpr, **{"w:val": half_points})
    t = _el("w:t", r)
    t.set(qn("xml:space"), "preserve")
    t.text = text
    return r


def _keep_sectpr_last(document) -> None:
    """The body's section properties must stay its last child."""
    body = document.element.body
    sect = body.find(qn("w:sectPr"))
    if sect is not None:
        body.remove(sect)
        body.append(sect)


def _properties(document, report: Report) -> None:
    props = document.core_properties
    props.title = title_of(report)
    props.author = report.agency or ""
    props.last_modified_by = report.agency or ""
    props.comments = f"xxgk: 表格版本 {report.edition}"
    # Fixed times: the same report gives the same file.
    when = dt.datetime.combine(report.published, dt.time(9)) if report.published else \
        dt.datetime(report.year + 1 if report.year else 2000, 1, 1)
    props.created = props.modified = when
    props.revision = 1


def render_docx(report: Report) -> bytes:
    document = docx.Document()
    _defaults(document)
    _font_table(document)
    for face in (TITLE, HEADING, SUBHEADING, BODY, SIGNATURE, TABLE_T2, TABLE_SMALL):
        _add_style(document, face)
    _page(document)
    signed = False
    for block in blocks(report):
        if isinstance(block, TableBlock):
            _table(document, block)
            _blank(document, TABLE_T2)  # a little air below the table
            continue
        if block.kind in ("signature", "date") and not signed:
            signed = True
            _blank(document, BODY)  # the signature stands apart from the text
            _blank(document, BODY)
        _paragraph(document, block)
    _properties(document, report)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
