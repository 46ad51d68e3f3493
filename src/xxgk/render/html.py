"""HTML ready to paste into a portal CMS: one self-contained page, no scripts, no external assets.

- `<h1>` title, `<h2>` section headings, `<h3>` sub-headings, `<p>` narrative, the signature
  right-aligned with a `<time>`;
- the tables as semantic tables in the official layout: `rowspan`/`colspan` as the template merges
  them, `<thead>` for the header rows of 表三 and 表四, one `<tbody>` per 第二十条 block of 表二,
  `<th scope>` for every label, and on every data cell `headers="…"` naming the header cells that
  label it (complex tables need it for screen readers), an `aria-label` naming the table;
- presentation inline on the tables (border, collapse, vertical headers) because CMS editors often
  drop a `<style>` block; the page's `<style>` only sets the fonts (government conventions, with
  the common fallbacks).
"""

from __future__ import annotations

import html

from ..model import Report
from .content import TableBlock, Text, blocks, title_of
from .layout import TABLE_NUMBERS, LayoutCell, TableLayout

_STYLE = """body{max-width:48em;margin:2em auto;line-height:1.8;font-size:16pt;
font-family:"仿宋_GB2312","仿宋",FangSong,STFangsong,"Noto Serif CJK SC",serif}
h1{text-align:center;font-size:22pt;font-weight:normal;
font-family:"方正小标宋简体","方正小标宋_GBK","华文中宋",STZhongsong,"Noto Serif CJK SC",serif}
h2{font-size:16pt;font-weight:normal;text-indent:2em;
font-family:"黑体",SimHei,STHeiti,"Noto Sans CJK SC",sans-serif}
h3{font-size:16pt;font-weight:normal;text-indent:2em;
font-family:"楷体_GB2312","楷体",KaiTi,STKaiti,serif}
p{text-indent:2em;margin:0}
p.signature{text-align:right;text-indent:0;padding-right:4em}
table{font-size:10.5pt;font-family:"宋体",SimSun,"Noto Serif CJK SC",serif;line-height:1.4;margin:1em auto}"""

_TABLE = 'border="1" style="border-collapse:collapse;margin:1em auto;text-align:center"'
_CELL = "padding:2px 4px;vertical-align:middle"
_VERTICAL = ";writing-mode:vertical-rl;text-orientation:upright"


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _attrs(cell: LayoutCell, extra: str = "") -> str:
    out = extra
    if cell.colspan > 1:
        out += f' colspan="{cell.colspan}"'
    if cell.rowspan > 1:
        out += f' rowspan="{cell.rowspan}"'
    return out + f' style="{_CELL}{_VERTICAL if cell.vertical else ""}"'


_SCOPE = {"caption": "colgroup", "corner": None, "label": "row", "group": "rowgroup"}


def _ids(layout: TableLayout) -> dict[int, str]:
    """An id per header cell (by identity: equal labels in different places are different cells)."""
    out: dict[int, str] = {}
    for ri, row in enumerate(layout.rows):
        for ci, cell in enumerate(row):
            if cell.is_header:
                out[id(cell)] = f"{layout.table}-{ri + 1}-{ci + 1}"
    return out


def _scope(cell: LayoutCell) -> str | None:
    if cell.role == "head":
        return "colgroup" if cell.colspan > 1 else "col"
    return _SCOPE.get(cell.role)


def _cell(cell: LayoutCell, block: TableBlock, ids: dict[int, str]) -> str:
    if cell.key is not None:
        headers = " ".join(ids[id(h)] for h in block.layout.headers_of(cell.key))
        text = _e(block.values.get(cell.key, ""))
        return f'<td headers="{headers}"{_attrs(cell)}>{text}</td>'
    scope = _scope(cell)
    extra = f' id="{ids[id(cell)]}"' + (f' scope="{scope}"' if scope else "")
    tag = "td" if cell.role == "corner" else "th"  # the corner is a note, not a header
    body = "<br>".join(_e(line) for line in cell.text.split("\n"))
    return f"<{tag}{_attrs(cell, extra)}>{body}</{tag}>"


def _table(block: TableBlock) -> list[str]:
    layout = block.layout
    ids = _ids(layout)
    label = f"{TABLE_NUMBERS[layout.table]} {layout.title}"
    out = [f'<table {_TABLE} aria-label="{_e(label)}">']

    def tr(row: tuple[LayoutCell, ...]) -> str:
        return "<tr>" + "".join(_cell(c, block, ids) for c in row) + "</tr>"

    rows = layout.rows
    if layout.header_rows:
        out += ["<thead>", *map(tr, rows[:layout.header_rows]), "</thead>", "<tbody>",
                *map(tr, rows[layout.header_rows:]), "</tbody>"]
    else:  # table 2: a body per 第二十条 block, opened by its caption row
        for i, row in enumerate(rows):
            if row[0].role == "caption":
                out += (["</tbody>"] if i else []) + ["<tbody>"]
            out.append(tr(row))
        out.append("</tbody>")
    out.append("</table>")
    return out


def _text(block: Text) -> str:
    if block.kind == "title":
        return f"<h1>{_e(block.text)}</h1>"
    if block.kind == "heading":
        return f"<h2>{_e(block.text)}</h2>"
    if block.kind == "subheading":
        return f"<h3>{_e(block.text)}</h3>"
    return f"<p>{_e(block.text)}</p>"


def render_html(report: Report) -> str:
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>{_e(title_of(report))}</title>", f"<style>\n{_STYLE}\n</style>", "</head>",
           "<body>", "<article>"]
    for block in blocks(report):
        if isinstance(block, TableBlock):
            out += _table(block)
        elif block.kind == "date" and report.published is not None:
            out.append(f'<p class="signature"><time datetime="{report.published.isoformat()}">'
                       f"{_e(block.text)}</time></p>")
        elif block.kind == "signature":
            out.append(f'<p class="signature">{_e(block.text)}</p>')
        else:
            out.append(_text(block))
    out += ["</article>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
