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

import codecs
import functools
import operator
import re
import string
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import chain
from typing import Iterable, NamedTuple

import lxml.etree

Element = lxml.etree._Element

from ..document import Block, Document, GridCell, Paragraph, Source, Table
from ..errors import ReadError
from ..textnorm import fold, looks_traditional, nfkc, traditional_chars
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
    # Word's repeated start tags are made bare in the page's bytes, before decoding: a GBK page
    # then decodes in half the time (the attributes are most of its bytes). A "<", a quote or a
    # ">" is never part of a multi-byte character in the encodings a page can be in (their
    # trail bytes are 0x40 and up), and UTF-16/32 pages hold no ASCII "<td " to replace.
    bared = _bare_repeated_tags(data) if len(data) >= _BARE_MIN else data
    if not sniff_html(data):
        decode(data, name)  # empty or binary data: that problem, not "not HTML"
        raise ReadError(name, NOT_HTML)
    try:
        try:
            return _read_bytes(bared, name, bared is not data)
        except _BareAsText:  # a start tag made bare was also text: the page as it is
            return _read_bytes(data, name, False)
    except RecursionError as err:
        raise ReadError(name, "HTML 嵌套过深 / HTML nested too deeply") from err
    except (lxml.etree.Error, ValueError) as err:
        raise ReadError(name, f"无法解析 HTML / cannot parse HTML ({err})") from err


def _read_bytes(data: bytes, name: str, bared: bool) -> Document:
    text, encoding = decode(data, name)
    bad_chars, may_hide = _scan_bytes(data, encoding)
    # UTF-8 bytes that need no cleaning are parsed as they are: libxml2 then reads UTF-8
    # directly instead of converting the decoded text back (same tree, same lines).
    # (No U+FFFD in the text: the bytes were valid UTF-8, not decoded with replacements.)
    raw = data if encoding == "utf-8" and not bad_chars and "\ufffd" not in text \
        and not data.startswith(codecs.BOM_UTF8) else None
    return _read(text, encoding, name, may_hide, bad_chars, raw, bared=bared)


class _BareAsText(Exception):
    """A start tag made bare in the page's bytes may also have been text (`_bare_tag_in_text`)."""


def _read(text: str, encoding: str, name: str, may_hide: bool = True,
          bad_chars: bool = True, utf8: bytes | None = None, strip: bool = True,
          bared: bool = False) -> Document:
    """`bared`: the text is of bytes whose repeated start tags were made bare (`read_html`)."""
    root = _parse(text, bad_chars, utf8)
    if root is None:
        raise ReadError(name, _empty_problem(text))
    page = _Page(root, may_hide, strip)
    # <meta> and <title> are skipped elements: found in the page's list of those (document
    # order), not by two more walks of the whole tree.
    meta = _meta([el for el in page.skip_list if el.tag == "meta"])
    title = _page_title(next((el for el in page.skip_list if el.tag == "title" and el is not root),
                             None))
    if bared and _bare_tag_in_text(root, meta, title):
        # A start tag made bare was also text (raw text, a <meta> content): the page is read
        # as it is. (A test of the tree and a few strings; a second parse only for such pages.)
        raise _BareAsText
    meta["encoding"] = encoding
    flow = _Flow(page)
    try:
        flow.walk(root, root)
    except _Unstripped:  # a table read with its inline markup stripped must be read as text
        page = flow = root = None
        return _read(text, encoding, name, may_hide, bad_chars, utf8, strip=False, bared=bared)
    blocks = _select_article(page, flow.placed, meta.get("article_title"))
    page._text_flow = None  # it refers back to the page: the tree is freed now, not by the GC
    if not blocks:
        raise ReadError(name, _empty_problem(text))
    doc = Document(name=name, form="html", blocks=blocks, title=title, meta=meta)
    if _is_traditional(_script_text(doc)):
        doc.meta["script"] = "traditional"
    return doc


def _script_text(doc: Document) -> str:
    """The title and all printed text of `doc`, for `_is_traditional`: `doc.text()` without its
    tabs and line breaks (neither is a Chinese character; one join instead of one per row)."""
    parts = [doc.title or ""]
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            parts.append(block.text)
        else:
            parts += [cell.text for row in block.rows for cell in row if not cell.spanned]
    return "".join(parts)


def _is_traditional(text: str) -> bool:
    """Printed in Traditional characters: `looks_traditional`, confirmed by how many characters
    the character-level conversion changes (a hint shared by both scripts must not decide)."""
    if not looks_traditional(text):
        return False
    # The positions `simplify` changes (it maps one character to one), counted per distinct
    # character: translating the whole text costs ten times more.
    counts = Counter(text)
    changing = traditional_chars()
    changed = sum([n for ch, n in counts.items() if ch in changing])
    cjk = sum([n for ch, n in counts.items() if "\u4e00" <= ch <= "\u9fff"])
    return changed >= 3 and changed >= 0.05 * cjk


def _parse(text: str, bad_chars: bool = True, utf8: bytes | None = None) -> Element | None:
    """The tree of `text` (`utf8`: the same text as UTF-8 bytes, when the caller has them)."""
    # lxml refuses str input that carries an XML encoding declaration; the text is already decoded.
    if _XML_DECL.match(text):
        text = _XML_DECL.sub(lambda m: "\n" * m.group(0).count("\n"), text)
        utf8 = None
    if bad_chars:
        text = _BAD_CHARS.sub("", text)
        utf8 = None
    if not text or text.isspace():
        return None
    if utf8 is None:
        # libxml2 reads UTF-8 natively; given the text, lxml hands it over as UTF-16 (a page with
        # Chinese characters) for libxml2 to convert: encoding it here is 3 % faster in all.
        try:
            utf8 = text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: let lxml have the text
            pass
    # Plain lxml elements: lxml.html's element classes cost a Python lookup per element proxy.
    # No table of id attributes: nothing here looks elements up by id.
    parser = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, recover=True,
                                   collect_ids=False, encoding="utf-8" if utf8 is not None else None)
    try:
        return lxml.etree.fromstring(utf8 if utf8 is not None else text, parser)
    except (lxml.etree.XMLSyntaxError, lxml.etree.ParserError):  # "Document is empty": only
        return None  # comments or a cut-off tag


# Word repeats a few start tags with long attribute lists hundreds of times (every table cell:
# `<td width=62 valign=top style='width:46.5pt;border:solid …'>`, `<p class=MsoNormal
# align=center style='text-align:center'>`), and libxml2 spends most of its parse on attributes
# (a Word page parses in half the time without them). The start tags seen at least twice among
# a few samples of the page are replaced by the bare tag when the reader consults none of their
# attributes (spans, hiding, spacer styles), their line breaks kept so that every line number
# stays: one `bytes.replace` costs less than parsing the attributes it removes.
_BARE_MIN = 20_000  # smaller pages: the sampling would cost more than it saves
_BARE_OPENERS = (b"<td ", b"<p ")
_BARE_SAMPLES = 8
# Attributes that are read (rowspan/colspan, `hidden`, hiding and spacer styles), entities (a
# hiding style can be spelled with character references), a "<" (not one tag).
_BARE_UNSAFE = (b"span", b"hid", b"display", b"visib", b"height", b"&", b"<", b"\x00")
_NO_BORDER_BYTES = re.compile(rb"border\s*:\s*none")
_BARE_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# Elements whose content libxml2 keeps as text (not skipped by the reader; <title> is read too).
_RAW_TEXT_TAGS = ("xmp", "plaintext", "noembed", "noframes")


def _bare_repeated_tags(data: bytes) -> bytes:
    """`data` with its most repeated removable <td>/<p> start tags bare (`data` itself if none)."""
    n = len(data)
    for opener in _BARE_OPENERS:
        seen: dict[bytes, int] = {}
        last = -1
        for i in range(_BARE_SAMPLES):
            start = data.find(opener, max(n * i // _BARE_SAMPLES, last + 1))
            if start < 0:
                break
            end = data.find(b">", start)
            if end < 0:
                break
            last = start
            tag = data[start:end + 1]
            seen[tag] = seen.get(tag, 0) + 1
        for tag, k in seen.items():
            if k >= 2 and _bare_safe(tag):
                breaks = bytes([c for c in tag if c in b"\r\n"])
                data = data.replace(tag, opener[:-1] + breaks + b">")
    return data


def _bare_safe(tag: bytes) -> bool:
    """Whether a start tag's attributes can go: none is read, and the tag ends where it seems to."""
    low = tag[1:].lower()
    if any([w in low for w in _BARE_UNSAFE]) or _NO_BORDER_BYTES.search(low):
        return False
    if not low.isascii() and b"border" in low:
        return False  # "border:\u00a0none" (a space to the reader's pattern, not to bytes')
    if len(low.translate(None, _BARE_CONTROLS)) != len(low):
        return False  # what the byte scans look for (`_scan_bytes`) stays in the page
    if low.count(b"'") % 2 or low.count(b'"') % 2:
        return False  # a quoted value holds the ">": the tag goes on
    return not low[:-1].rstrip().endswith(b"/")  # <p … />: an empty element to libxml2


def _bare_tag_in_text(root: Element, meta: dict[str, str], title: str | None) -> bool:
    """Could a replaced start tag have been text, not a tag? Only in raw-text elements and
    attribute values; of those the reader reads the page title and <meta> contents."""
    return (next(root.iter(*_RAW_TEXT_TAGS), None) is not None or "<" in (title or "")
            or any(["<" in value for value in meta.values()]))


# Decodings in which a control character can only come from its own ASCII byte (multi-byte
# sequences never hold bytes below 0x40): the bytes tell, in C, whether `_BAD_CHARS` has work.
_ASCII_SAFE = frozenset({"utf-8", "gb18030", "big5", "cp1252", "ascii"})
_BAD_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])


# ASCII letters to lower case and every `_BAD_BYTES` byte to NUL: one copy of the page answers
# both questions of `_scan_bytes` (a lower-cased copy and a filtered one cost twice as much).
_FOLD_BYTES = bytes.maketrans(string.ascii_uppercase.encode() + _BAD_BYTES,
                              string.ascii_lowercase.encode() + b"\x00" * len(_BAD_BYTES))


def _scan_bytes(data: bytes, encoding: str) -> tuple[bool, bool]:
    """(May the text hold control characters to remove? May the page hide an element?)

    An element can be hidden only where one of `_HIDING_WORDS` occurs (in any case).
    """
    if encoding.startswith(("utf-16", "utf-32")):
        return True, True  # the bytes are not ASCII-compatible
    folded = data.translate(_FOLD_BYTES)
    return (encoding not in _ASCII_SAFE or b"\x00" in folded,
            any(w.search(folded) for w in _HIDING_WORDS))


def _empty_problem(text: str) -> str:
    closed = re.search(r"</(?:html|body)\s*>", text, re.I) is not None
    return NO_TEXT if closed else TRUNCATED


def _tag(el: Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


# All text inside an element, as "".join(el.itertext()) gives it, serialised by libxml2 in one
# call (four times faster; comments and processing instructions are gone since the parse).
_inner_text = functools.partial(lxml.etree.tostring, method="text", encoding="unicode",
                                with_tail=False)
# The same called directly where it runs per cell or paragraph: the partial's merging of keyword
# arguments costs a quarter of the call.
_tostring = lxml.etree.tostring


@functools.lru_cache(maxsize=4096)
def _clean_line(raw: str) -> str:
    """Source text of one printed line: CJK-internal line breaks removed, spaces collapsed."""
    if "\n" in raw:
        raw = _CJK_BREAK.sub("", raw)
    if "\u200b" in raw or "\ufeff" in raw:
        return _SPACES.sub(" ", raw).strip()
    return " ".join(raw.split())  # the same as _SPACES for every other character, in C


# Elements the walk must visit one by one; everything else is inline markup (<span>, <font>,
# <o:p>…) whose text is taken in one piece. Hidden elements are added per page.
_STRUCTURAL_TAGS = tuple(_BLOCK_TAGS | _SKIP_TAGS | {"br", "table", "a", "pre"})
# Words without which no element can be hidden (in the page's bytes, any case).
# (Each a regular expression: for a 100 KB page, re's literal search is faster than `in`.)
# "hid" stands for the `hidden` attribute, "visibility:hidden" and "mso-hide": two searches of the
# page instead of four (a word that merely contains "hid" costs only the exact test, `_hidden`).
_HIDING_WORDS = tuple(map(re.compile, (b"hid", b"display")))
_HIDDEN_ATTR = lxml.etree.XPath("//*[@hidden]")
_STYLES = lxml.etree.XPath("//@style")


_getparent = lxml.etree._Element.getparent  # (without an attribute lookup per call)


def _hidden(root: Element) -> list[Element]:
    """Elements hidden by the `hidden` attribute or their style."""
    found = list(_HIDDEN_ATTR(root))
    for style in _STYLES(root):
        low = style.lower()
        if ("display" in low or "visibility" in low or "mso-hide" in low) \
                and _HIDDEN_STYLE.search(style):
            found.append(style.getparent())
    return found


class _Page:
    """The parsed tree with what the walk needs: hidden parts, which elements need a visit of
    their own, document order and element paths.

    Document order is numbered as the walk enters elements (inline markup read in one piece is
    one position): the article choice only compares text positions with the positions of block
    elements, which this numbering orders exactly as the full document order does.
    """

    def __init__(self, root: Element, may_hide: bool = True, strip: bool = True):
        self.root = root
        self.order: dict[Element, int] = {}
        self.last: dict[Element, int] = {}  # order of an element's last numbered descendant
        self._counter = 0
        structural = list(root.iter(*_STRUCTURAL_TAGS))
        # The skipped elements by a walk in C (cheaper than reading 700 tags in Python); the
        # same walk finds the tables, and so the tables that hold another table (their
        # ancestors: `_has_nested_table`, without a walk of each table's cells).
        found = list(root.iter(*_SKIP_TAGS, "table"))
        tables = [el for el in found if el.tag == "table"]
        self.skip_list: list[Element] = [el for el in found if el.tag != "table"] \
            if tables else found
        self.skipped: set[Element] = set(self.skip_list)
        self.nesting: set[Element] = set()
        if len(tables) > 1:
            for table in tables:
                self.nesting.update(table.iterancestors("table"))
        hidden = _hidden(root) if may_hide else []
        self.skipped.update(hidden)
        # Tables may have their inline markup stripped (`_Flow._table`) unless a hidden element
        # could be among it (its text would join its parent's).
        self.strip = strip and not hidden
        # `deep`: elements with a structural or hidden element below them; `visit`: those and the
        # structural and hidden elements themselves. An element outside `visit` is plain inline
        # text; a block outside `deep` is one paragraph.
        visit: set[Element] = set(structural)
        visit.update(hidden)
        # The parents of those (`map` in C); a parent in `visit` brings its own ancestors, so
        # only the other parents (inline markup around a <br>, a hidden span…) are climbed from.
        deep = set(map(_getparent, chain(structural, hidden)))
        deep.discard(None)
        add, getparent = deep.add, _getparent
        for el in deep - visit:
            node = getparent(el)
            while node is not None and node not in deep:
                add(node)
                node = getparent(node)
        self.deep = deep
        visit |= deep
        self.visit = visit
        self._paths: dict[Element, str] = {}
        self._positions: dict[Element, int] = {}
        self._text_flow: _Flow | None = None

    def enter(self, el: Element) -> int:
        at = self.order.get(el)
        if at is None:
            at = self.order[el] = self._counter
            self._counter += 1
        return at

    def leave(self, el: Element) -> int:
        at = self.last.get(el)
        if at is None:
            at = self.last[el] = self._counter - 1
        return at

    def contains(self, outer: Element, inner: Element) -> bool:
        return self.order[outer] <= self.order[inner] <= self.last[outer]

    def path(self, el: Element) -> str:
        """XPath-like element path, e.g. /html/body/div[2]/table[1]/tr[5]/td[3]."""
        cached = self._paths.get(el)
        if cached is not None:
            return cached
        parent = el.getparent()
        tag = el.tag
        tag = tag.lower() if isinstance(tag, str) else ""  # (`_tag`, reading the tag once)
        if parent is None:
            result = "/" + tag
        elif tag in ("body", "head"):
            result = f"{self.path(parent)}/{tag}"
        else:
            result = f"{self.path(parent)}/{tag}[{self._position(parent, el)}]"
        self._paths[el] = result
        return result

    def _position(self, parent: Element, el: Element) -> int:
        """1-based index of `el` among its parent's children of the same tag (computed per parent)."""
        positions = self._positions
        if el not in positions:
            counts: dict[object, int] = {}
            for child in parent:
                tag = child.tag
                positions[child] = counts[tag] = counts.get(tag, 0) + 1
        return positions[el]

    def source(self, el: Element, line: int | None = None) -> Source:
        line = line if line is not None else el.sourceline
        return _source(Source, (line, None, self.path(el), None, None))

    def cell_texts(self, rows: list[tuple[Element, list[Element]]]) -> list[list[str]]:
        """`cell_text` of every cell of a table's rows."""
        deep, skipped = self.deep, self.skipped
        tostring, clean, block_texts = _tostring, _clean_line, self._block_texts
        out = []
        for _, cells in rows:
            texts = []
            for td in cells:
                if td not in deep:  # inline markup only
                    text = tostring(td, method="text", encoding="unicode", with_tail=False) \
                        if len(td) else td.text
                    texts.append(clean(text) if text else "")
                    continue
                if len(td) == 1:
                    # Word's cell, <td><p><span>…</span></p></td>: `_block_texts` inlined for one
                    # paragraph of inline markup (the same text; a call less per cell).
                    p = td[0]
                    text, tail, tag = td.text, p.tail, p.tag
                    if tag in _BLOCK_TAGS and tag != "pre" and p not in deep \
                            and p not in skipped and not (text and text.strip()) \
                            and not (tail and tail.strip()):
                        text = tostring(p, method="text", encoding="unicode", with_tail=False) \
                            if len(p) else p.text
                        texts.append(clean(text) if text else "")
                        continue
                blocks = block_texts(td)
                texts.append("\n".join(blocks) if blocks is not None else self.cell_text(td))
            out.append(texts)
        return out

    def cell_text(self, td: Element) -> str:
        """A table cell's text: its paragraphs, one per line."""
        if td not in self.deep:  # inline markup only
            text = _inner_text(td) if len(td) else td.text
            return _clean_line(text) if text else ""
        texts = self._block_texts(td)
        if texts is None:  # anything but paragraphs of inline markup: walk it
            flow = self._text_flow
            if flow is None:
                flow = self._text_flow = _Flow(self, text_only=True)
            flow.walk(td, td)
            texts, flow.texts = flow.texts, []
        return "\n".join(texts)

    def _block_texts(self, td: Element) -> list[str] | None:
        """The texts of a cell made of blocks holding inline markup only (Word: <td><p><span>…),
        None for any other cell."""
        text = td.text
        if text and text.strip():
            return None
        texts = []
        deep, skipped = self.deep, self.skipped
        for child in td:
            tag = child.tag
            if tag not in _BLOCK_TAGS or tag == "pre" or child in deep or child in skipped:
                return None
            tail = child.tail
            if tail and tail.strip():
                return None
            text = _tostring(child, method="text", encoding="unicode", with_tail=False) \
                if len(child) else child.text
            if text:
                text = _clean_line(text)
                if text:
                    texts.append(text)
        return texts


# How a piece of text sits in the tree, for its source line (found only for a paragraph's first
# piece): the element's own text, the text after it (tail), or all text inside an inline element.
_TEXT, _TAIL, _INSIDE = 0, 1, 2


class _Piece(NamedTuple):
    text: str
    pos: float  # document order of the text (element order; tails sit after the subtree)
    in_link: bool
    el: Element
    how: int  # _TEXT, _TAIL or _INSIDE
    k: int  # line index within a <pre> text


_piece = tuple.__new__  # a `_Piece` made in C (the named tuple's __new__ runs in Python)


def _piece_line(piece: _Piece) -> int | None:
    """The line a piece starts on: its tag's line, plus the line breaks before its first letter."""
    el, text = piece.el, piece.text
    if piece.how == _TEXT:
        line = el.sourceline
    elif piece.how == _TAIL:
        line = _tail_line(el)
    else:
        line, text = _first_text(el)
    if line is None:
        return None
    return line + piece.k + text.count("\n", 0, _LEADING_SPACE.match(text).end())


_LEADING_SPACE = re.compile(r"\s*")  # what `str.lstrip()` removes, measured without a copy


def _first_text(el: Element) -> tuple[int | None, str]:
    """The first text with a letter inside an inline element, and the line it starts on."""
    text = el.text
    if text and text.strip():
        return el.sourceline, text
    for child in el:
        if isinstance(child.tag, str):
            found = _first_text(child)
            if found[1]:
                return found
            tail = child.tail
            if tail and tail.strip():
                return _tail_line(child), tail
    return None, ""


@dataclass(slots=True)
class _Placed:
    """A block as read, with where it sits in the tree (for choosing the article)."""

    block: Block
    owner: Element  # the block element the text belongs to, or the table
    pos: float
    in_link: bool = False


class _Flow:
    """Walks a subtree in reading order, turning text into paragraphs and tables into grids.

    `text_only`: only the paragraphs' texts are wanted (a table cell's content).
    """

    def __init__(self, page: _Page, text_only: bool = False):
        self.page = page
        self.text_only = text_only
        self.placed: list[_Placed] = []
        self.texts: list[str] = []
        self._pieces: list[_Piece] = []
        self._owner: Element | None = None

    def walk(self, el: Element, owner: Element, in_link: bool = False) -> None:
        page = self.page
        order = page.enter(el)
        if el in page.skipped:
            page.leave(el)
            return
        tag = el.tag
        if tag == "br":
            self._flush()
            page.leave(el)
            return
        if tag == "table":
            self._flush()
            self._table(el)
            page.leave(el)
            return
        block = tag in _BLOCK_TAGS
        if block:
            self._flush()
            owner = el
            if el not in page.deep and tag != "pre":
                # Inline markup only: one paragraph, its text read in one call.
                text = _tostring(el, method="text", encoding="unicode", with_tail=False) \
                    if len(el) else el.text
                if text and not text.isspace():  # (a blank one would print nothing)
                    self._pieces.append(_piece(_Piece, (text, order, in_link, el, _INSIDE, 0)))
                    self._owner = owner
                    self._flush()
                page.leave(el)
                return
        in_link = in_link or tag == "a"
        pre = tag == "pre"
        text = el.text
        if text:
            self._add(text, order, owner, in_link, pre, el, _TEXT)
        visit = page.visit
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if child in visit:
                self.walk(child, owner, in_link)
                last = page.last[child]
            else:  # inline markup without structure inside: its text in one piece
                last = page.enter(child)
                page.last.setdefault(child, last)
                inside = _tostring(child, method="text", encoding="unicode", with_tail=False) \
                    if len(child) else child.text
                if inside and (self._pieces or not inside.isspace()):  # (as in `_add`)
                    if not self._pieces:
                        self._owner = owner
                    self._pieces.append(_piece(_Piece, (inside, last, in_link, child, _INSIDE, 0)))
            tail = child.tail
            if tail:
                self._add(tail, last + 0.5, owner, in_link, pre, child, _TAIL)
        if block:
            self._flush()
        page.leave(el)

    def _add(self, text: str, pos: float, owner: Element, in_link: bool, pre: bool,
             el: Element, how: int) -> None:
        if pre and "\n" in text:
            for k, part in enumerate(text.split("\n")):
                if k:
                    self._flush()
                if part:
                    if not self._pieces:
                        self._owner = owner
                    self._pieces.append(_piece(_Piece, (part, pos, in_link, el, how, k)))
            return
        if not self._pieces:
            if text.isspace():
                # Blank text before a line's first piece (the line breaks between Word's
                # paragraphs): the cleaned line would drop it, and the line's first piece, owner
                # and links are those of the pieces with a letter.
                return
            self._owner = owner
        self._pieces.append(_piece(_Piece, (text, pos, in_link, el, how, 0)))

    def _flush(self) -> None:
        pieces = self._pieces
        if not pieces:
            return
        owner = self._owner
        self._pieces, self._owner = [], None
        text = _clean_line(pieces[0].text if len(pieces) == 1 else "".join(p.text for p in pieces))
        if not text or owner is None:
            return
        if self.text_only:
            self.texts.append(text)
            return
        if len(pieces) == 1:  # (its text has a letter: the cleaned line is not empty)
            first, linked = pieces[0], pieces[0].in_link
        else:
            first = next(p for p in pieces if p.text.strip())
            linked = all(p.in_link for p in pieces if p.text.strip())
        para = Paragraph(text=text, source=self.page.source(owner, _piece_line(first)))
        self.placed.append(_Placed(para, owner, first.pos, linked))

    def _table(self, table: Element) -> None:
        caption = next(table.iterchildren("caption"), None)  # (found in C, not row by row)
        if caption is not None:
            self.walk(caption, caption)
        rows, where = _rows(table, self.page.skipped)
        if _has_nested_table(self.page, table, rows):
            self._flow_cells(rows)
            return
        # A table that will be a grid (two rows or more, a row of two cells or more: a grid
        # unless its cells hold prose) has its inline markup (Word's <font><span>, <o:p>)
        # stripped, in C: most cells are then <td><p>text</p></td>, their texts read without a
        # serialisation each. The texts are the same; a grid's sources are its cells' and rows'
        # (not moved). Should the table still be read as text after all, the page is read again
        # without stripping (`_Unstripped`), as the lines of its paragraphs could move.
        stripped = self.page.strip and len(rows) > 1 and any(len(cells) > 1 for _, cells in rows)
        if stripped:
            lxml.etree.strip_tags(table, *_INLINE_WRAPPERS)
        texts = self.page.cell_texts(rows)
        expanded = _grid(self.page, rows, where, texts)
        grid = _drop_spacer_rows(expanded, rows, stripped) if expanded is not None else []
        width = len(grid[0]) if grid else 0
        if len(grid) <= 1 or width <= 1 or max(map(len, chain.from_iterable(texts)), default=0) > 200:
            if stripped:
                raise _Unstripped
            self._flow_cells(rows)
            return
        if self.text_only:
            return
        table_block = Table(rows=[cells for _, cells in grid], source=self.page.source(table),
                            columns_aligned=True)
        self.placed.append(_Placed(table_block, table, float(self.page.order[table])))

    def _flow_cells(self, rows: list[tuple[Element, list[Element]]]) -> None:
        """A layout table: its cells are containers of ordinary text (and inner tables)."""
        for _, cells in rows:
            for td in cells:
                self.walk(td, td)


# Inline markup stripped from tables read as grids; none of it is structural or hidden there.
_INLINE_WRAPPERS = ("span", "font", "o:p")


class _Unstripped(Exception):
    """A table whose inline markup was stripped turned out to be a layout table."""


def _tail_line(el: Element) -> int | None:
    """The line a tail starts on: where the element's last descendant is."""
    last = el
    for last in el.iter():
        pass
    return last.sourceline or el.sourceline


def _rows(table: Element, skipped: set[Element]) -> tuple[list[tuple[Element, list[Element]]],
                                                           list[tuple[Element, int, bool]]]:
    """The table's own rows (not those of nested tables) with their visible cells; and where
    each row is: its parent, its 1-based index among the parent's <tr> children (its path,
    without counting its siblings once more per row) and whether all its children are visible
    <td> (its cells' paths are then their positions)."""
    # (The HTML parser gives tag names in lower case: children are found by tag in C.)
    trs: list[Element] = []
    where: list[tuple[Element, int, bool]] = []
    k = 0  # <tr> children of the table itself, hidden ones included
    for child in table.iterchildren("tr", "thead", "tbody", "tfoot"):
        is_tr = child.tag == "tr"
        if is_tr:
            k += 1
        if child in skipped:
            continue
        if is_tr:
            trs.append(child)
            where.append((table, k, False))
        else:
            for j, tr in enumerate(child.iterchildren("tr"), 1):
                if tr not in skipped:
                    trs.append(tr)
                    where.append((child, j, False))
    # (Cells picked by tag in Python: an `iterchildren` iterator per row costs more.)
    rows = []
    for r, tr in enumerate(trs):
        cells = [c for c in tr if c.tag == "td" and c not in skipped]
        if len(cells) == len(tr):  # the usual row: one tag read per cell
            where[r] = (*where[r][:2], True)
        else:
            cells = [c for c in tr if (c.tag == "td" or c.tag == "th") and c not in skipped]
        rows.append((tr, cells))
    return rows, where


def _has_nested_table(page: _Page, table: Element, rows: list[tuple[Element, list[Element]]]
                      ) -> bool:
    if table not in page.nesting:  # no table below it
        return False
    return any(td.find(".//table") is not None for _, cells in rows for td in cells)


# A `Source` made from its five fields in C (`Source(…)` runs the named tuple's __new__ in Python).
_source = tuple.__new__

_SPAN = re.compile(r"\s*[\"']?\s*(\d+)")
_TD_PATHS = tuple(f"/td[{k}]" for k in range(1, 129))  # a cell's path after its row's


def _span(value: str | None, limit: int) -> int:
    if value is None:
        return 1
    m = _SPAN.match(value)
    return min(int(m.group(1)), limit) if m else 1


class _Spans(dict):
    """`_span` of attribute values, remembered ("2", "3"… recur in every table): a hit is one
    dictionary lookup in C."""

    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def __missing__(self, value: str | None) -> int:
        if len(self) >= 1024:  # broken markup must not grow it without end
            self.clear()
        found = self[value] = _span(value, self.limit)
        return found


_ROWSPAN = _Spans(65534).__getitem__
_COLSPAN = _Spans(1000).__getitem__


def _grid(page: _Page, rows: list[tuple[Element, list[Element]]],
          where: list[tuple[Element, int, bool]],
          texts: list[list[str]]) -> list[tuple[Element, list[GridCell]]] | None:
    """Expand rowspan/colspan into a rectangle; copies of a merged cell are `spanned`.

    None when the spans would make an absurd grid (more than _MAX_CELLS positions).
    """
    n = len(rows)
    out: list[list[GridCell | None]] = [[] for _ in range(n)]  # positions taken, per row
    count = 0  # positions taken in all
    paths_of, path_of = page._paths, page.path
    parent_path: Element | None = None
    prefix = ""
    for r, ((tr, cells), (parent, k, all_td)) in enumerate(zip(rows, where)):
        row = out[r]
        c = 0
        # The row's path from its parent's (`_Page.path` would count the parent's children
        # again for each row).
        base = paths_of.get(tr)
        if base is None:
            if parent is not parent_path:
                parent_path, prefix = parent, path_of(parent) + "/tr["
            base = paths_of[tr] = f"{prefix}{k}]"
        # A cell's path counts the children of its row with its tag (hidden ones included).
        m = len(cells)
        if all_td and m <= len(_TD_PATHS):
            paths = None  # `base + _TD_PATHS[k]`, made with the cells
        else:
            counts: dict[object, int] = {}
            index: dict[Element, int] = {}
            for child in tr:
                counts[child.tag] = index[child] = counts.get(child.tag, 0) + 1
            paths = []
            for td in cells:
                low = td.tag.lower()
                paths.append(f"{base}/{low}[{index[td]}]" if low not in ("body", "head")
                             else f"{base}/{low}")
        rowspans = [td.get("rowspan") for td in cells]
        colspans = [td.get("colspan") for td in cells]
        plain = rowspans.count(None) == m and colspans.count(None) == m
        # Cells from above (a label column's rowspan) take only the row's first positions (None:
        # a position not taken yet; a GridCell is true): the row's cells follow them.
        follow = not row or all(row)
        if follow and plain:
            # The usual row: none of its cells spans.
            made = [GridCell(text, _source(Source, (td.sourceline, None, base + tail, None, None)))
                    for td, text, tail in zip(cells, texts[r], _TD_PATHS)] if paths is None else \
                [GridCell(text, _source(Source, (td.sourceline, None, path, None, None)))
                 for td, text, path in zip(cells, texts[r], paths)]
            if row:
                row.extend(made)
            else:
                out[r] = made
            count += m
            continue
        if paths is None:
            paths = [base + tail for tail in _TD_PATHS[:m]]
        if follow and rowspans.count(None) == m:
            # Cells spanning columns only (a label over two columns, a row-wide heading): each
            # is appended with its copies. (A merged cell's copies are one spanned GridCell:
            # cells are never changed once read.)
            append, extend = row.append, row.extend
            for td, text, path, cs in zip(cells, texts[r], paths, colspans):
                src = _source(Source, (td.sourceline, None, path, None, None))
                append(GridCell(text, src))
                colspan = 1 if cs is None else max(1, _COLSPAN(cs))
                if colspan > 1:
                    extend([GridCell(text, src, True)] * (colspan - 1))
                count += colspan
                if count > _MAX_CELLS:
                    return None
            continue
        for td, text, path, rs, cs in zip(cells, texts[r], paths, rowspans, colspans):
            while c < len(row) and row[c] is not None:
                c += 1
            src = _source(Source, (td.sourceline, None, path, None, None))
            if rs is None and cs is None:
                rowspan = colspan = 1
            else:
                rowspan = _ROWSPAN(rs)
                rowspan = n - r if rowspan == 0 else min(rowspan, n - r)  # 0: to the table's end
                colspan = max(1, _COLSPAN(cs))
            if rowspan == 1 and c == len(row):  # at the row's end: its positions are all free
                row.append(GridCell(text, src))
                if colspan > 1:
                    row.extend([GridCell(text, src, True)] * (colspan - 1))
                c += colspan
                count += colspan
                if count > _MAX_CELLS:
                    return None
                continue
            if rowspan == 1 and colspan == 1:
                row[c] = GridCell(text, src)
                c += 1
                count += 1
                continue
            copy = None  # the merged cell's spanned copy, made for its first copy
            for dr in range(rowspan):
                below = out[r + dr]
                for dc in range(colspan):
                    at = c + dc
                    if at >= len(below):
                        below.extend([None] * (at + 1 - len(below)))
                    if below[at] is None:
                        if dr or dc:
                            if copy is None:
                                copy = GridCell(text, src, True)
                            below[at] = copy
                        else:
                            below[at] = GridCell(text, src)
                        count += 1
            c += colspan
            if count > _MAX_CELLS:
                return None
    width = max((len(row) for row in out), default=0)
    if width * n > _MAX_CELLS:
        return None
    grid = []
    for (tr, _), row in zip(rows, out):
        if len(row) < width:
            row.extend([None] * (width - len(row)))
        if not all(row):  # positions no cell covers (None; a GridCell is true): blank, at the row's element
            pad = page.source(tr)
            row = [cell or GridCell("", pad) for cell in row]
        grid.append((tr, row))
    return grid


_cell_text = operator.attrgetter("text")  # (in C, with `map`: no comprehension per row)


def _drop_spacer_rows(grid: list[tuple[Element, list[GridCell]]],
                      rows: list[tuple[Element, list[Element]]], stripped: bool = False
                      ) -> list[tuple[Element, list[GridCell]]]:
    """Drop rows that print nothing: Word's `height=0` rows of borderless empty cells."""
    cells_of = dict(rows)
    kept = []
    for tr, cells in grid:
        if any(map(_cell_text, cells)) or not _is_spacer(tr, cells_of[tr], cells, stripped):
            kept.append((tr, cells))
    return kept


def _is_spacer(tr: Element, tds: list[Element], cells: list[GridCell],
               stripped: bool = False) -> bool:
    if tr.get("height", "").strip() in ("0", "0px") or _ZERO_HEIGHT.search(tr.get("style") or ""):
        return True
    if not tds or not cells:
        return True
    # A blank printed cell still holds something (&nbsp;, <p>); a spacer cell holds nothing.
    empty = all(_NO_BORDER.search(td.get("style") or "") and len(td) == 0
                and not (td.text or "").strip(" \t\r\n") for td in tds)
    if empty and stripped:
        raise _Unstripped  # the cells may have held empty inline markup before
    return empty


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


def _core(page: _Page, placed: list[_Placed]) -> Element:
    markers = [p.owner for p in placed if not p.in_link and _is_marker(p.block)]
    core = _lca(page, markers) if markers else _densest(page, placed)
    while _tag(core) not in _CONTAINER_TAGS and core.getparent() is not None:
        core = core.getparent()
    return core


# `fold` converts Traditional characters itself, so short headings and titles compare too.
_comparable = fold
_CN_NUMERALS = frozenset("一二三四五六七八九十")  # what `_SECTION_HEADING` starts with, but digits


def _is_marker(block: Block) -> bool:
    if isinstance(block, Paragraph):
        text = block.text
        if len(text) > 80:  # a heading, not prose (also spares OpenCC long paragraphs)
            return False
        if "\u4e00" <= text[:1] <= "\u9fff":
            # A Han character folds to what it folds to alone, at the start of the folded
            # text: a numbered heading starts with a numeral (spares folding most lines).
            first = _comparable(text[0])
            if first and first[0] not in _CN_NUMERALS:
                return False
        folded = _comparable(text)
        return (len(folded) <= 40 and bool(_SECTION_HEADING.match(folded))
                and any(k in folded for k in _SECTION_KEYS))
    # A report table's key is in its header: its first rows' text is the start of its whole
    # text, so a key found there is found in the whole (a third of the joining, mostly).
    head = "".join([cell.text for row in block.rows[:3] for cell in row if not cell.spanned])
    if any(k in head for k in _TABLE_KEYS):
        return True
    text = "".join([cell.text for row in block.rows for cell in row if not cell.spanned])
    # Each key is its own folded form, so a key printed as it is shows without folding.
    return any(k in text for k in _TABLE_KEYS) or any(k in _comparable(text) for k in _TABLE_KEYS)


def _densest(page: _Page, placed: list[_Placed]) -> Element:
    """No report markers: descend from the body while one child holds most of the text."""
    weight: dict[Element, int] = {}
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


def _title_owner(page: _Page, placed: list[_Placed], core: Element,
                 article_title: str | None) -> Element | None:
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


def _ancestors(el: Element) -> set[Element]:
    """The element and all its ancestors."""
    return {el, *el.iterancestors()}


def _lca(page: _Page, elements: Iterable[Element | None]) -> Element:
    """The lowest common ancestor (or self) of the elements."""
    found = [el for el in elements if el is not None]
    # The first element's ancestry; each other element climbs only until it meets it (markers
    # are mostly siblings: a step or two), and the highest meeting point is the answer.
    ancestry = [found[0], *found[0].iterancestors()]
    height = {el: k for k, el in enumerate(ancestry)}
    lowest = 0
    for el in found[1:]:
        node: Element | None = el
        while node is not None and node not in height:
            node = node.getparent()
        if node is None:  # not in the same tree
            return page.root
        lowest = max(lowest, height[node])
    return ancestry[lowest]


def _under_chrome(el: Element, article: Element, allowed: set[Element],
                  forms: bool = True) -> bool:
    """Inside page furniture below `article` that holds neither the title nor the core.

    `forms=False` when the article is not known yet: ASP.NET pages wrap the whole body in a form.
    """
    node: Element | None = el
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


def _page_title(el: Element | None) -> str | None:
    """The text of the page's first <title> (`el`)."""
    if el is None:
        return None
    text = _clean_line("".join(el.itertext()))
    return text or None


def _meta(metas: list[Element]) -> dict[str, str]:
    """Publication date and CMS meta tags (TRS/Hanweb: PubDate, SiteName, ArticleTitle…), from
    the page's <meta> elements in document order."""
    found: dict[str, str] = {}
    for el in metas:
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
