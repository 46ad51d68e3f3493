"""Bytes → text: find the encoding of a report file, refuse binary data.

Chinese government pages are UTF-8 or GBK/GB2312 (decoded as GB18030, their superset); their
declarations are often wrong (a CMS migrated to UTF-8 still printing `charset=gb2312`, Word pages
declaring nothing). The order is therefore:

1. empty input and known binary formats (PDF, ZIP/DOCX, OLE/DOC, images…) are refused;
2. a byte-order mark decides (UTF-8, UTF-16, UTF-32); UTF-16 without BOM is recognised by its NULs;
3. NUL bytes or many control characters: binary, refused;
4. non-ASCII data that is valid UTF-8 is UTF-8 whatever a declaration says (GBK or Big5 text is
   practically never valid UTF-8, while UTF-8 text often decodes "successfully" as GB18030 into
   mojibake), unless it is so short that only the GB18030 reading is Chinese;
5. for HTML, the `<meta charset>` / `http-equiv` / XML declaration in the first 4 KB, if it decodes
   the data cleanly;
6. by content: GB18030, then Big5, kept only if the result is Chinese text made of common
   characters; else the least damaged decoding, or an error when every decoding is badly damaged.
"""

from __future__ import annotations

import codecs
import functools
import re

from ..errors import ReadError

_HEAD = 4096  # where declarations and HTML markers are looked for
_SAMPLE = 8192  # where binary markers are counted

EMPTY = "文件为空 / the file is empty"

# Leading bytes of formats that are not text. ZIP is refined below (DOCX, XLSX, OFD…).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"),
    (b"PK\x03\x04", "ZIP"),
    (b"PK\x05\x06", "ZIP"),
    (b"PK\x07\x08", "ZIP"),
    (b"\xd0\xcf\x11\xe0", "OLE (DOC/XLS/WPS)"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"\x1f\x8b", "GZIP"),
    (b"Rar!\x1a\x07", "RAR"),
    (b"7z\xbc\xaf\x27\x1c", "7Z"),
    (b"{\\rtf", "RTF"),
)
_ZIP_MEMBERS: tuple[tuple[bytes, str], ...] = (
    (b"word/", "DOCX (Word)"),
    (b"xl/", "XLSX (Excel)"),
    (b"ppt/", "PPTX (PowerPoint)"),
    (b"OFD.xml", "OFD"),
    (b"mimetype", "ODF/EPUB"),
)

# Longest first: the UTF-32-LE BOM starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls that do not occur in text (tab, newlines, form feed and ESC of ISO-2022 excluded).
_CONTROL = frozenset(range(0x00, 0x09)) | frozenset(range(0x0E, 0x1B)) | frozenset(range(0x1C, 0x20))
_CONTROL_BYTES = bytes(sorted(_CONTROL))  # for bytes.translate(None, delete): counting in C

# Declared labels → the decoder used (WHATWG practice: GB2312/GBK pages are decoded as GB18030,
# Latin-1 labels are windows-1252, a UTF-16 label readable as ASCII cannot be UTF-16).
_LABELS: dict[str, str] = {
    **dict.fromkeys(["gb2312", "gbk", "gb_2312", "gb_2312-80", "gb18030", "x-gbk", "cp936", "ms936",
                     "windows-936", "euc-cn", "csgb2312", "chinese", "iso-ir-58", "csiso58gb231280",
                     "gb-2312", "gb2312-80"], "gb18030"),
    **dict.fromkeys(["big5", "big-5", "cp950", "x-x-big5", "big5-hkscs", "csbig5", "cn-big5",
                     "big5hkscs"], "big5"),
    **dict.fromkeys(["utf-8", "utf8", "unicode-1-1-utf-8", "utf-16", "utf-16le", "utf-16be",
                     "unicode"], "utf-8"),
    **dict.fromkeys(["iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii",
                     "windows-1252", "cp1252", "iso_8859-1"], "cp1252"),
}
# Declarations that are usually wrong on Chinese pages: content decides before them.
_WEAK = {"cp1252"}
_CJK_FAMILY = ("gb18030", "big5")

_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)["']""", re.I)

_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<!doctype\s+html", re.I | re.S)
_HTML_ROOTS = re.compile(r"<(?:html|head|body)[\s>/]", re.I)
_MARKDOWN_LINE = re.compile(r"^(?:#{1,6} |\|.*\|\s*$)", re.M)  # a heading or a table row
_TAG = re.compile(r"</?(html|head|body|meta|title|table|tbody|tr|td|th|p|div|span|font|br|h[1-6]|"
                  r"ul|ol|li|a|b|strong|img|center|style|script)[\s>/]", re.I)

_CJK = re.compile(r"[\u4e00-\u9fff]")
# Frequent characters of Chinese prose and of the report format. A wrong guess (GBK read as Big5,
# Big5 or UTF-8 read as GB18030) turns text into mostly rare characters.
_COMMON_SIMPLIFIED = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子"
    "说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机"
    "当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心"
    "反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程"
    "展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期"
    "根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志"
    "世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每"
    "目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律"
    "叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近千周委素技备半办青省列习响约支般史感劳"
    "便团往历市克何除消构府称太准精值号率族维划选标写存候亲快效院查型王按格养易置派层片始却专状育厂"
    "京识适属包住调满县局照参细引听该价严政府信息公开申请依予部分不予处理复议诉讼维持纠正尚未审结总"
    "计年度报告主动本年新收结转办理结果国家秘密法律行政法规禁止保护第三方合法权益内部事务过程性执法"
    "案卷查询无法提供掌握相关没有现成需要另行制作补正后内容仍明确信访举报投诉重复要求出版物正当理由"
    "大量反复确认重新出具已获取逾期缴纳费用其他自然人法人组织商业企业科研机构社会公益服务情况存在问"
    "题改进措施需要报告事项工作平台建设监督保障规章规范性文件许可处罚强制收费采购金额项目数量件"
)


@functools.lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """Frequent characters in both scripts (Traditional forms derived with OpenCC, once)."""
    import opencc

    simplified = set(_COMMON_SIMPLIFIED)
    return frozenset(simplified | set(opencc.OpenCC("s2t").convert(_COMMON_SIMPLIFIED)))


def decode(data: bytes, name: str) -> tuple[str, str]:
    """Decode a report file. Returns (text without BOM, encoding name).

    Raises `ReadError` for empty input, binary data and text in no recognisable encoding.
    """
    if not data:
        raise ReadError(name, EMPTY)
    kind = _magic(data)
    if kind:
        raise ReadError(name, f"二进制文件（看起来是 {kind}），不是文本或 HTML / "
                              f"binary data (looks like {kind}), not text or HTML")
    text, encoding = _decode_unicode_forms(data, name)
    if text is None:
        _refuse_binary(data, name)
        text, encoding = _decode_by_content(data, _declared(data), name)
    if not text or text.isspace():  # (not `strip()`: a copy of the whole page to test it)
        raise ReadError(name, EMPTY)
    return text, encoding


def sniff_html(data: bytes) -> bool:
    """Is this HTML (a page, or a fragment starting with markup) rather than plain text?

    Text that merely contains markup (Markdown from pandoc embeds merged-cell tables as raw HTML)
    is not HTML: read as HTML, its line structure would be lost.
    """
    head = _ascii_head(data)
    if _HTML_START.match(head):
        return True
    root = _HTML_ROOTS.search(head)
    # A page may have stray text before its <html>; Markdown converters (MinerU) write whole
    # <html><body><table> blocks after the document's own headings and table rows.
    if root is not None and not _MARKDOWN_LINE.search(head, 0, root.start()):
        return True
    tags = {m.group(1).lower() for m in _TAG.finditer(head)}
    return head.lstrip().startswith("<") and len(tags) >= 2


def _magic(data: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            if kind == "ZIP":
                head = data[:65536]
                return next((k for member, k in _ZIP_MEMBERS if member in head), kind)
            return kind
    return None


def _decode_unicode_forms(data: bytes, name: str) -> tuple[str | None, str]:
    """BOM-marked data, and UTF-16 without BOM (recognised by NULs on one side of each pair)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode_tolerant(data[len(bom):], encoding, name), encoding
    utf16 = _sniff_utf16(data)
    if utf16:
        return _decode_tolerant(data, utf16, name), utf16
    return None, ""


def _decode_tolerant(data: bytes, encoding: str, name: str) -> str:
    """Decode with a known encoding; a few broken sequences are replaced, many are an error."""
    text = data.decode(encoding, errors="replace")
    bad = text.count("\ufffd")
    if bad and bad > max(3, len(text) // 100):
        raise ReadError(name, f"不是有效的 {encoding} 文本 / not valid {encoding} text")
    return text


def _sniff_utf16(data: bytes) -> str | None:
    sample = data[:_SAMPLE]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2], sample[1::2]
    # ASCII-heavy text (markup, digits) in UTF-16 has a NUL in most high bytes and none in the low.
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def _refuse_binary(data: bytes, name: str) -> None:
    sample = data[:_SAMPLE]
    if b"\x00" in sample:
        raise ReadError(name, "二进制文件（含 NUL 字节），不是文本或 HTML / "
                              "binary data (contains NUL bytes), not text or HTML")
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls >= 3 and controls > len(sample) / 100:
        raise ReadError(name, "二进制文件（含大量控制字符），不是文本或 HTML / "
                              "binary data (many control characters), not text or HTML")


def _ascii_head(data: bytes) -> str:
    """The first 4 KB as text good enough to look for ASCII markup."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data[len(bom):_HEAD * 4].decode(encoding, errors="ignore")[:_HEAD]
    utf16 = _sniff_utf16(data)
    if utf16:
        return data[:_HEAD * 2].decode(utf16, errors="ignore")
    return data[:_HEAD].decode("latin-1")


def _declared(data: bytes) -> str | None:
    """The decoder named by an HTML/XML declaration in the first 4 KB (None if absent/unknown)."""
    if not sniff_html(data):
        return None
    head = data[:_HEAD]
    m = _XML_DECL.match(head) or _META_CHARSET.search(head)
    if not m:
        return None
    return _canonical(m.group(1).decode("ascii", errors="ignore"))


def _canonical(label: str) -> str | None:
    label = label.strip().lower()
    if label in _LABELS:
        return _LABELS[label]
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _decode_by_content(data: bytes, declared: str | None, name: str) -> tuple[str, str]:
    if data.isascii():
        return data.decode("ascii"), declared or "utf-8"
    text = _strict(data, "utf-8")
    if text is not None:
        rival_encoding = declared if declared in _CJK_FAMILY else "gb18030"
        rival = _strict(data, rival_encoding)
        if rival is not None and _chinese_only_in(rival, text):
            return rival, rival_encoding
        return text, "utf-8"
    if declared and declared not in _WEAK and declared != "utf-8":
        text = _strict(data, declared)
        if text is not None:
            return text, declared
    for encoding in _CJK_FAMILY:
        text = _strict(data, encoding)
        if text is not None and _plausible_chinese(text):
            return text, encoding
    if declared in _WEAK:
        text = _strict(data, declared)
        if text is not None:
            return text, declared
    return _least_damaged(data, declared, name)


def _least_damaged(data: bytes, declared: str | None, name: str) -> tuple[str, str]:
    """No clean decoding: keep the one with fewest broken sequences, then most common characters."""
    candidates = dict.fromkeys(["utf-8", *([declared] if declared else []), *_CJK_FAMILY])
    scored = []
    for encoding in candidates:
        text = _replace(data, encoding)
        scored.append((text.count("\ufffd"), -_common_ratio(text), encoding, text))
    bad, _, encoding, text = min(scored)
    if bad > max(3, len(text) // 50):
        raise ReadError(name, "无法识别文本编码（不是 UTF-8、GB18030 或 Big5）/ "
                              "unknown text encoding (not UTF-8, GB18030 or Big5)")
    return text, encoding


def _codec(encoding: str) -> tuple[str, ...]:
    """Python codecs for an encoding name: Big5 pages are mostly cp950 (Microsoft's Big5)."""
    return ("cp950", "big5hkscs") if encoding == "big5" else (encoding,)


def _strict(data: bytes, encoding: str) -> str | None:
    for codec in _codec(encoding):
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def _replace(data: bytes, encoding: str) -> str:
    return data.decode(_codec(encoding)[0], errors="replace")


def _common_ratio(text: str) -> float:
    cjk = _CJK.findall(text)
    if not cjk:
        return 0.0
    common = _common()
    return sum(1 for ch in cjk if ch in common) / len(cjk)


def _chinese_only_in(rival: str, utf8: str) -> bool:
    """Short GBK text can be valid UTF-8 ("强" is C7 BF, UTF-8 "ǿ"): the UTF-8 reading is then
    not Chinese while the other one is, in common characters."""
    rival_cjk, utf8_cjk = _CJK.findall(rival), _CJK.findall(utf8)
    common = _common()
    rival_common = sum(1 for ch in rival_cjk if ch in common)
    utf8_common = sum(1 for ch in utf8_cjk if ch in common)
    return (rival_common > utf8_common and rival_common >= 0.5 * len(rival_cjk)
            and utf8_common < 0.5 * max(len(utf8_cjk), 1))


def _plausible_chinese(text: str) -> bool:
    """Chinese text, not mojibake: some CJK, mostly common characters (short samples pass)."""
    cjk = len(_CJK.findall(text))
    if cjk == 0:
        return False
    return cjk < 20 or _common_ratio(text) >= 0.25
