"""HTML → Document: report pages as Word exports them and as government portals publish them.

The page is read in one pass into paragraphs and table grids (each with the element path and source
line it came from); the article is then chosen among them, so menus, breadcrumbs and footers never
reach the parser:

- the *core* is the smallest container holding every report marker: section headings
  ("一、总体情况" …) and report tables (第二十条 / 申请人情况 / 行政复议 …); pages without markers
  fall back to the container holding most of the page's non-link text;
- the report title ("…年政府信息公开工作年度报告") closest before the core extends the article
  upwards, so the title and the "发布时间" line under it are kept;
- blocks outside [title, end of core], inside page chrome (nav, header, footer, aside, form) below
  the article, or made only of page controls ("打印本页 关闭窗口") are dropped; a table between
  title and core (a CMS info table: 索引号, 发布日期…) is kept as one paragraph per row.

Tables: a table holding another table, a single row or column, or prose-sized cells is layout: its
cells are read as flowing text and inner tables become tables of their own. Other tables become
rectangular grids with rowspan/colspan expanded (copies `spanned=True`, same text and source) and
Word's empty spacer rows dropped, so one grid row is one printed row.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable

import lxml.etree
import lxml.html
from lxml.html import HtmlElement

from ..document import Block, Document, GridCell, Paragraph, Source, Table
from ..errors import ReadError
from ..textnorm import fold, looks_traditional, nfkc, simplify
from .encoding import decode, sniff_html

NOT_HTML = "不是 HTML 文件 / not an HTML file"
NO_TEXT = "HTML 页面中没有正文文本 / the HTML page contains no text"
TRUNCATED = "HTML 不完整（文件被截断），没有可读的正文 / truncated HTML, no readable text"

# Never rendered as text.
_SKIP_TAGS = frozenset({
    "head", "title", "meta", "link", "base", "script", "style", "noscript", "template", "iframe",
    "frame", "frameset", "object", "embed", "applet", "select", "option", "optgroup", "datalist",
    "input", "textarea", "button", "svg", "math", "canvas", "audio", "video", "map", "area", "xml",
})
# Page furniture; dropped below the article unless it holds the article's title or core.
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "form", "menu"})
# Elements that start and end a line of text.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu",
    "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead",
    "tr", "ul",
})
# Elements that can hold a whole article (a lowest common ancestor is widened to one of these).
_CONTAINER_TAGS = frozenset({
    "article", "blockquote", "body", "center", "dd", "div", "form", "html", "li", "main", "section",
    "td", "th",
})

# A report table has a few hundred positions; spans beyond this are broken markup.
_MAX_CELLS = 100_000
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden|mso-hide\s*:\s*all", re.I)
_ZERO_HEIGHT = re.compile(r"(?:^|;)\s*height\s*:\s*0(?:\.0+)?(?:pt|px|cm|mm|in)?\s*(?:;|$)", re.I)
_NO_BORDER = re.compile(r"border\s*:\s*none", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Wide (CJK) characters. A line break in the source between two of them is not a space (CSS Text:
# segment-break transformation); Word wraps its HTML in the middle of Chinese sentences.
_WIDE = r"\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff"
_CJK_BREAK = re.compile(rf"(?<=[{_WIDE}])[ \t\r]*\n[ \t\r\n]*(?=[{_WIDE}])")
_SPACES = re.compile(r"[\s\u200b\ufeff]+")

_SECTION_HEADING = re.compile(r"^(?:[一二三四五六七八九十]{1,3}|\d{1,2})")
_SECTION_KEYS = ("总体情况", "主动公开", "收到和处理", "依申请", "行政复议", "存在的主要问题", "存在问题",
                 "主要问题", "改进情况", "其他需要报告", "需要报告的事项")
_TABLE_KEYS = ("第二十条", "申请人情况", "勾稽", "本年新收", "上年结转", "结转下年度", "结果维持",
               "未经复议")
_TITLE = re.compile(r"政府(?:信息|资讯)公开.{0,12}年度报告")
_YEAR = re.compile(r"(?:19|20)\d\d|[〇零一二][〇零一二三四五六七八九]{3}")
_BREADCRUMB = re.compile(r"当前位置|當前位置|您的位置|首页|首頁|[>»›→]")
# Page controls that are not text of the report ("【打印本页】【关闭窗口】", "字号：大 中 小").
_UI_TOKEN = (r"打印本页|打印此页|打印|关闭窗口|关闭本页|关闭|返回顶部|返回|收藏本页|加入收藏|收藏|"
             r"分享到|分享|字号|字体|默认|扫一扫在手机打开当前页|扫一扫|大|中|小")
_UI_LINE = re.compile(rf"^(?:(?:{_UI_TOKEN})|[\s【】\[\]()（）|｜:：/·•])+$")
_UI_WORD = re.compile(_UI_TOKEN)

_PUBLISHED_META = ("pubdate", "publishdate", "firstpublishedtime", "article:published_time",
                   "dcterms.issued", "dc.date.issued", "dc.date", "publishedtime", "releasedate")
_OTHER_META = {"sitename": "site", "articletitle": "article_title", "contentsource": "source"}


def read_html(data: bytes, name: str) -> Document:
    """Read an HTML report page into a `Document` (form "html").

    Raises `ReadError` for empty, binary or non-HTML data and for pages without text.
    """
    text, encoding = decode(data, name)
    if not sniff_html(data):
        raise ReadError(name, NOT_HTML)
    try:
        return _read(text, encoding, name)
    except RecursionError as err:
        raise ReadError(name, "HTML 嵌套过深 / HTML nested too deeply") from err
    except (lxml.etree.Error, ValueError) as err:
        raise ReadError(name, f"无法解析 HTML / cannot parse HTML ({err})") from err


def _read(text: str, encoding: str, name: str) -> Document:
    root = _parse(text)
    if root is None:
        raise ReadError(name, _empty_problem(text))
    page = _Page(root)
    flow = _Flow(page)
    flow.walk(root, root)
    meta = _meta(root)
    meta["encoding"] = encoding
    blocks = _select_article(page, flow.placed, meta.get("article_title"))
    if not blocks:
        raise ReadError(name, _empty_problem(text))
    doc = Document(name=name, form="html", blocks=blocks, title=_page_title(root), meta=meta)
    if _is_traditional((doc.title or "") + doc.text()):
        doc.meta["script"] = "traditional"
    return doc


def _is_traditional(text: str) -> bool:
    """Printed in Traditional characters: `looks_traditional`, confirmed by how many characters
    the character-level conversion changes (a hint shared by both scripts must not decide)."""
    if not looks_traditional(text):
        return False
    changed = sum(1 for a, b in zip(text, simplify(text)) if a != b)
    cjk = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    return changed >= 3 and changed >= 0.05 * cjk


def _parse(text: str) -> HtmlElement | None:
    # lxml refuses str input that carries an XML encoding declaration; the text is already decoded.
    text = _XML_DECL.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    text = _BAD_CHARS.sub("", text)
    if not text.strip():
        return None
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, recover=True)
    try:
        return lxml.html.document_fromstring(text, parser=parser)
    except lxml.etree.ParserError:  # "Document is empty": only comments or a cut-off tag
        return None


def _empty_problem(text: str) -> str:
    closed = re.search(r"</(?:html|body)\s*>", text, re.I) is not None
    return NO_TEXT if closed else TRUNCATED


def _tag(el: HtmlElement) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _clean_line(raw: str) -> str:
    """Source text of one printed line: CJK-internal line breaks removed, spaces collapsed."""
    return _SPACES.sub(" ", _CJK_BREAK.sub("", raw)).strip()


class _Page:
    """The parsed tree with what the walk needs: document order, hidden parts, element paths."""

    def __init__(self, root: HtmlElement):
        self.root = root
        self.order: dict[HtmlElement, int] = {}
        self.last: dict[HtmlElement, int] = {}  # order of an element's last descendant
        self.skipped: set[HtmlElement] = set()
        self._paths: dict[HtmlElement, str] = {}
        self._positions: dict[HtmlElement, int] = {}
        self._number(root)

    def _number(self, root: HtmlElement) -> None:
        stack: list[tuple[HtmlElement, bool]] = [(root, False)]
        counter = 0
        while stack:
            el, done = stack.pop()
            if done:
                self.last[el] = counter - 1
                continue
            self.order[el] = counter
            counter += 1
            if _is_skipped(el):
                self.skipped.add(el)
            stack.append((el, True))
            children = [c for c in el if isinstance(c.tag, str)]
            stack.extend((c, False) for c in reversed(children))

    def contains(self, outer: HtmlElement, inner: HtmlElement) -> bool:
        return self.order[outer] <= self.order[inner] <= self.last[outer]

    def path(self, el: HtmlElement) -> str:
        """XPath-like element path, e.g. /html/body/div[2]/table[1]/tr[5]/td[3]."""
        cached = self._paths.get(el)
        if cached is not None:
            return cached
        parent = el.getparent()
        tag = _tag(el)
        if parent is None:
            result = "/" + tag
        elif tag in ("body", "head"):
            result = f"{self.path(parent)}/{tag}"
        else:
            result = f"{self.path(parent)}/{tag}[{self._position(parent, el)}]"
        self._paths[el] = result
        return result

    def _position(self, parent: HtmlElement, el: HtmlElement) -> int:
        """1-based index of `el` among its parent's children of the same tag (computed per parent)."""
        if el not in self._positions:
            counts: dict[object, int] = {}
            for child in parent:
                counts[child.tag] = counts.get(child.tag, 0) + 1
                self._positions[child] = counts[child.tag]
        return self._positions[el]

    def source(self, el: HtmlElement, line: int | None = None) -> Source:
        return Source(line=line if line is not None else el.sourceline, path=self.path(el))


def _is_skipped(el: HtmlElement) -> bool:
    tag = _tag(el)
    if not tag or tag in _SKIP_TAGS:
        return True
    if el.get("hidden") is not None:
        return True
    return bool(_HIDDEN_STYLE.search(el.get("style") or ""))


@dataclass
class _Piece:
    text: str
    line: int | None
    pos: float  # document order of the text (element order; tails sit after the subtree)
    in_link: bool


@dataclass
class _Placed:
    """A block as read, with where it sits in the tree (for choosing the article)."""

    block: Block
    owner: HtmlElement  # the block element the text belongs to, or the table
    pos: float
    in_link: bool = False


@dataclass
class _Flow:
    """Walks a subtree in reading order, turning text into paragraphs and tables into grids."""

    page: _Page
    placed: list[_Placed] = field(default_factory=list)
    _pieces: list[_Piece] = field(default_factory=list)
    _owner: HtmlElement | None = None

    def walk(self, el: HtmlElement, owner: HtmlElement, in_link: bool = False) -> None:
        if el in self.page.skipped:
            return
        tag = _tag(el)
        if tag == "br":
            self._flush()
            return
        if tag == "table":
            self._flush()
            self._table(el)
            return
        block = tag in _BLOCK_TAGS
        if block:
            self._flush()
            owner = el
        in_link = in_link or tag == "a"
        pre = tag == "pre"
        self._add(el.text, el.sourceline, self.page.order[el], owner, in_link, pre)
        for child in el:
            if not isinstance(child.tag, str):
                continue
            self.walk(child, owner, in_link)
            pos = self.page.last[child] + 0.5
            self._add(child.tail, _tail_line(child), pos, owner, in_link, pre)
        if block:
            self._flush()

    def _add(self, text: str | None, line: int | None, pos: float, owner: HtmlElement,
             in_link: bool, pre: bool) -> None:
        if not text:
            return
        lines = text.split("\n") if pre else [text]
        for k, part in enumerate(lines):
            if k:
                self._flush()
            if not self._pieces:
                self._owner = owner
            # The text starts on the line of its tag, plus the line breaks before its first letter.
            at = None if line is None else line + k + part[:len(part) - len(part.lstrip())].count("\n")
            self._pieces.append(_Piece(part, at, pos, in_link))

    def _flush(self) -> None:
        if not self._pieces:
            return
        pieces, owner = self._pieces, self._owner
        self._pieces, self._owner = [], None
        text = _clean_line("".join(p.text for p in pieces))
        if not text or owner is None:
            return
        first = next(p for p in pieces if p.text.strip())
        linked = all(p.in_link for p in pieces if p.text.strip())
        para = Paragraph(text=text, source=self.page.source(owner, first.line))
        self.placed.append(_Placed(para, owner, first.pos, linked))

    def _table(self, table: HtmlElement) -> None:
        caption = next((c for c in table if _tag(c) == "caption"), None)
        if caption is not None:
            self.walk(caption, caption)
        rows = _rows(table, self.page.skipped)
        if _has_nested_table(rows):
            self._flow_cells(rows)
            return
        texts = {td: self._cell_text(td) for _, cells in rows for td in cells}
        expanded = _grid(self.page, rows, texts)
        grid = _drop_spacer_rows(expanded, rows) if expanded is not None else []
        width = len(grid[0]) if grid else 0
        if len(grid) <= 1 or width <= 1 or any(len(t) > 200 for t in texts.values()):
            self._flow_cells(rows)
            return
        table_block = Table(rows=[cells for _, cells in grid], source=self.page.source(table),
                            columns_aligned=True)
        self.placed.append(_Placed(table_block, table, float(self.page.order[table])))

    def _flow_cells(self, rows: list[tuple[HtmlElement, list[HtmlElement]]]) -> None:
        """A layout table: its cells are containers of ordinary text (and inner tables)."""
        for _, cells in rows:
            for td in cells:
                self.walk(td, td)

    def _cell_text(self, td: HtmlElement) -> str:
        sub = _Flow(self.page)
        sub.walk(td, td)
        return "\n".join(p.block.text for p in sub.placed if isinstance(p.block, Paragraph))


def _tail_line(el: HtmlElement) -> int | None:
    """The line a tail starts on: where the element's last descendant is."""
    last = el
    for last in el.iter():
        pass
    return last.sourceline or el.sourceline


def _rows(table: HtmlElement, skipped: set[HtmlElement]) -> list[tuple[HtmlElement, list[HtmlElement]]]:
    """The table's own rows (not those of nested tables) with their visible cells."""
    trs: list[HtmlElement] = []
    for child in table:
        tag = _tag(child)
        if child in skipped:
            continue
        if tag == "tr":
            trs.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            trs.extend(tr for tr in child if _tag(tr) == "tr" and tr not in skipped)
    return [(tr, [c for c in tr if _tag(c) in ("td", "th") and c not in skipped]) for tr in trs]


def _has_nested_table(rows: list[tuple[HtmlElement, list[HtmlElement]]]) -> bool:
    return any(td.find(".//table") is not None for _, cells in rows for td in cells)


def _span(value: str | None, limit: int) -> int:
    m = re.match(r"\s*[\"']?\s*(\d+)", value or "")
    return min(int(m.group(1)), limit) if m else 1


def _grid(page: _Page, rows: list[tuple[HtmlElement, list[HtmlElement]]],
          texts: dict[HtmlElement, str]) -> list[tuple[HtmlElement, list[GridCell]]] | None:
    """Expand rowspan/colspan into a rectangle; copies of a merged cell are `spanned`.

    None when the spans would make an absurd grid (more than _MAX_CELLS positions).
    """
    n = len(rows)
    taken: dict[tuple[int, int], GridCell] = {}
    for r, (_, cells) in enumerate(rows):
        c = 0
        for td in cells:
            while (r, c) in taken:
                c += 1
            rowspan = _span(td.get("rowspan"), 65534)
            rowspan = n - r if rowspan == 0 else min(rowspan, n - r)  # 0: to the end of the table
            colspan = max(1, _span(td.get("colspan"), 1000))
            src = page.source(td)
            for dr in range(rowspan):
                for dc in range(colspan):
                    copy = GridCell(texts[td], src, spanned=dr > 0 or dc > 0)
                    taken.setdefault((r + dr, c + dc), copy)
            c += colspan
            if len(taken) > _MAX_CELLS:
                return None
    width = max((c for _, c in taken), default=-1) + 1
    if width * n > _MAX_CELLS:
        return None
    grid = []
    for r, (tr, _) in enumerate(rows):
        pad = page.source(tr)
        grid.append((tr, [taken.get((r, c)) or GridCell("", pad) for c in range(width)]))
    return grid


def _drop_spacer_rows(grid: list[tuple[HtmlElement, list[GridCell]]],
                      rows: list[tuple[HtmlElement, list[HtmlElement]]]
                      ) -> list[tuple[HtmlElement, list[GridCell]]]:
    """Drop rows that print nothing: Word's `height=0` rows of borderless empty cells."""
    cells_of = dict(rows)
    kept = []
    for tr, cells in grid:
        if any(cell.text for cell in cells) or not _is_spacer(tr, cells_of[tr], cells):
            kept.append((tr, cells))
    return kept


def _is_spacer(tr: HtmlElement, tds: list[HtmlElement], cells: list[GridCell]) -> bool:
    if tr.get("height", "").strip() in ("0", "0px") or _ZERO_HEIGHT.search(tr.get("style") or ""):
        return True
    if not tds or not cells:
        return True
    # A blank printed cell still holds something (&nbsp;, <p>); a spacer cell holds nothing.
    return all(_NO_BORDER.search(td.get("style") or "") and len(td) == 0
               and not (td.text or "").strip(" \t\r\n") for td in tds)


def _select_article(page: _Page, placed: list[_Placed], article_title: str | None) -> list[Block]:
    """Keep the blocks of the report article; see the module docstring."""
    if not placed:
        return []
    core = _core(page, placed)
    title = _title_owner(page, placed, core, article_title)
    start = min(page.order[title], page.order[core]) if title is not None else page.order[core]
    allowed = _ancestors(core) | (_ancestors(title) if title is not None else set())
    article = _lca(page, [core, title]) if title is not None else core
    kept = []
    for item in placed:
        inside = page.contains(core, item.owner)
        between = start <= item.pos < page.order[core]
        if not (inside or between):
            continue
        if _under_chrome(item.owner, article, allowed) or _is_ui_line(item.block):
            continue
        if isinstance(item.block, Table) and not inside:
            # Between title and report: a CMS info table (索引号, 发布日期…), not a report table.
            kept.extend(_rows_as_paragraphs(item.block))
        else:
            kept.append(item.block)
    if not kept:  # the choice failed; better the whole page without chrome than nothing
        kept = [p.block for p in placed
                if not _under_chrome(p.owner, page.root, set(), forms=False)
                and not _is_ui_line(p.block)]
    return kept


def _core(page: _Page, placed: list[_Placed]) -> HtmlElement:
    markers = [p.owner for p in placed if not p.in_link and _is_marker(p.block)]
    core = _lca(page, markers) if markers else _densest(page, placed)
    while _tag(core) not in _CONTAINER_TAGS and core.getparent() is not None:
        core = core.getparent()
    return core


# `fold` converts Traditional characters itself, so short headings and titles compare too.
_comparable = fold


def _is_marker(block: Block) -> bool:
    if isinstance(block, Paragraph):
        if len(block.text) > 80:  # a heading, not prose (also spares OpenCC long paragraphs)
            return False
        folded = _comparable(block.text)
        return (len(folded) <= 40 and bool(_SECTION_HEADING.match(folded))
                and any(k in folded for k in _SECTION_KEYS))
    folded = _comparable("".join(cell.text for row in block.rows for cell in row if not cell.spanned))
    return any(k in folded for k in _TABLE_KEYS)


def _densest(page: _Page, placed: list[_Placed]) -> HtmlElement:
    """No report markers: descend from the body while one child holds most of the text."""
    weight: dict[HtmlElement, int] = {}
    for item in placed:
        if item.in_link or _under_chrome(item.owner, page.root, set(), forms=False):
            continue
        size = len(_block_text(item.block))
        for el in _ancestors(item.owner):
            weight[el] = weight.get(el, 0) + size
    node = page.root
    while True:
        children = [c for c in node if weight.get(c, 0) > 0]
        if not children:
            return node
        best = max(children, key=lambda c: weight[c])
        if weight[best] < 0.55 * weight.get(node, 0):
            return node
        node = best


def _title_owner(page: _Page, placed: list[_Placed], core: HtmlElement,
                 article_title: str | None) -> HtmlElement | None:
    """The report title printed closest before the core, else the first one inside it."""
    wanted = _comparable(article_title) if article_title else None
    before = None
    for item in placed:
        if not isinstance(item.block, Paragraph) or item.in_link:
            continue
        inside = page.contains(core, item.owner)
        if item.pos >= page.order[core] and not inside:
            continue
        if _is_title(item.block.text, wanted):
            if inside:
                return before if before is not None else item.owner
            before = item.owner
    return before


def _is_title(text: str, wanted: str | None) -> bool:
    if len(text) > 100 or _BREADCRUMB.search(text):
        return False
    folded = _comparable(text)
    if wanted and folded == wanted:
        return True
    return bool(_TITLE.search(folded)) and bool(_YEAR.search(nfkc(text)))


def _ancestors(el: HtmlElement) -> set[HtmlElement]:
    """The element and all its ancestors."""
    return {el, *el.iterancestors()}


def _lca(page: _Page, elements: Iterable[HtmlElement | None]) -> HtmlElement:
    chains = [[*reversed(list(el.iterancestors())), el] for el in elements if el is not None]
    common = chains[0]
    for chain in chains[1:]:
        k = 0
        while k < min(len(common), len(chain)) and common[k] is chain[k]:
            k += 1
        common = common[:k]
    return common[-1] if common else page.root


def _under_chrome(el: HtmlElement, article: HtmlElement, allowed: set[HtmlElement],
                  forms: bool = True) -> bool:
    """Inside page furniture below `article` that holds neither the title nor the core.

    `forms=False` when the article is not known yet: ASP.NET pages wrap the whole body in a form.
    """
    node: HtmlElement | None = el
    while node is not None and node is not article:
        tag = _tag(node)
        if tag in _CHROME_TAGS and node not in allowed and (forms or tag != "form"):
            return True
        node = node.getparent()
    return False


def _is_ui_line(block: Block) -> bool:
    if not isinstance(block, Paragraph):
        return False
    text = block.text
    if not _UI_LINE.match(text):
        return False
    words = _UI_WORD.findall(text)
    return len(words) >= 2 or any(len(w) >= 2 for w in words)


def _rows_as_paragraphs(table: Table) -> list[Paragraph]:
    out = []
    for row in table.rows:
        printed = [c for c in row if not c.spanned and c.text]
        if printed:
            text = " ".join(c.text.replace("\n", " ") for c in printed)
            out.append(Paragraph(text=text, source=printed[0].source))
    return out


def _block_text(block: Block) -> str:
    if isinstance(block, Paragraph):
        return block.text
    return "".join(cell.text for row in block.rows for cell in row if not cell.spanned)


def _page_title(root: HtmlElement) -> str | None:
    el = root.find(".//title")
    if el is None:
        return None
    text = _clean_line(el.text_content())
    return text or None


def _meta(root: HtmlElement) -> dict[str, str]:
    """Publication date and CMS meta tags (TRS/Hanweb: PubDate, SiteName, ArticleTitle…)."""
    found: dict[str, str] = {}
    for el in root.iter("meta"):
        key = (el.get("name") or el.get("property") or el.get("itemprop") or "").strip().lower()
        content = unicodedata.normalize("NFC", (el.get("content") or "")).strip()
        if key and content and key not in found:
            found[key] = content
    meta: dict[str, str] = {}
    published = next((found[k] for k in _PUBLISHED_META if k in found), None)
    if published:
        meta["published"] = published
    for key, as_key in _OTHER_META.items():
        if key in found:
            meta[as_key] = found[key]
    return meta
