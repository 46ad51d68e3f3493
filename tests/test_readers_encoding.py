"""Encoding detection and binary refusal (xxgk.readers.encoding)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from xxgk.errors import ReadError
from xxgk.readers.encoding import EMPTY, _COMMON_SIMPLIFIED, decode, sniff_html

SEEDS = Path("/work/shared/seeds")
REPORT = ("一、总体情况\n2021年，本机关共收到政府信息公开申请30件，上年结转2件，"
          "予以公开11件，部分公开4件，不予公开2件，无法提供7件，不予处理3件。\n"
          "二、主动公开政府信息情况\n第二十条第（一）项\t规章\t0\t0\t0\n")
TRADITIONAL = ("一、總體情況\n2021年，本機關共收到政府信息公開申請30件，上年結轉2件，"
               "予以公開11件，部分公開4件，不予公開2件，無法提供7件，不予處理3件。\n"
               "二、主動公開政府信息情況\n")


def page(charset_meta: str, body: str, title: str = "annual report") -> str:
    return (f"<!DOCTYPE html>\n<html>\n<head>\n{charset_meta}\n<title>{title}</title>\n</head>\n"
            f"<body>\n<div class=\"zoom\"><p>{body}</p></div>\n</body>\n</html>\n")


# --- what decides the encoding -----------------------------------------------------------------

def test_plain_utf8() -> None:
    assert decode(REPORT.encode("utf-8"), "a.txt") == (REPORT, "utf-8")


def test_utf8_bom_is_removed() -> None:
    text, encoding = decode(codecs.BOM_UTF8 + REPORT.encode("utf-8"), "a.txt")
    assert (text, encoding) == (REPORT, "utf-8")


def test_bom_wins_over_a_wrong_declaration() -> None:
    html = page('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', REPORT)
    text, encoding = decode(codecs.BOM_UTF8 + html.encode("utf-8"), "a.html")
    assert encoding == "utf-8" and text == html


@pytest.mark.parametrize("bom,codec,name", [
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
])
def test_unicode_boms(bom: bytes, codec: str, name: str) -> None:
    assert decode(bom + REPORT.encode(codec), "a.txt") == (REPORT, name)


def test_utf16_without_bom_is_recognised_by_its_nuls() -> None:
    html = page('<meta charset="utf-16">', REPORT)
    assert decode(html.encode("utf-16-le"), "a.html") == (html, "utf-16-le")


def test_gbk_page_declaring_gb2312_is_decoded_as_gb18030() -> None:
    # 镕 and 䶮 are outside GB2312 (GBK and GB18030 only): a gb2312 decoder would fail on them.
    body = REPORT + "朱镕基 䶮"
    html = page('<meta charset="gb2312">', body)
    text, encoding = decode(html.encode("gb18030"), "a.html")
    assert encoding == "gb18030" and text == html


@pytest.mark.parametrize("declaration", [
    '<meta http-equiv="Content-Type" content="text/html; charset=GBK">',
    "<meta http-equiv=Content-Type content='text/html;charset=gb_2312-80'>",
    '<meta charset=x-gbk />',
])
def test_declaration_forms(declaration: str) -> None:
    html = page(declaration, REPORT)
    assert decode(html.encode("gbk"), "a.html") == (html, "gb18030")


def test_xml_declaration() -> None:
    xhtml = '<?xml version="1.0" encoding="GBK"?>\n' + page("", REPORT)
    assert decode(xhtml.encode("gbk"), "a.html") == (xhtml, "gb18030")


def test_declared_utf8_but_gbk_content_is_gb18030() -> None:
    html = page('<meta charset="utf-8">', REPORT)
    assert decode(html.encode("gbk"), "a.html") == (html, "gb18030")


def test_declared_gb2312_but_utf8_content_is_utf8() -> None:
    # A CMS moved to UTF-8 and kept its old template.
    html = page('<meta charset="gb2312">', REPORT)
    assert decode(html.encode("utf-8"), "a.html") == (html, "utf-8")


def test_latin1_declaration_on_a_chinese_page_is_overruled() -> None:
    html = page('<meta charset="iso-8859-1">', REPORT)
    assert decode(html.encode("gbk"), "a.html") == (html, "gb18030")


def test_latin1_declaration_kept_when_content_is_not_chinese() -> None:
    html = page('<meta charset="iso-8859-1">', "Caf\u00e9 cr\u00e8me, na\u00efve r\u00e9sum\u00e9. " * 3)
    assert decode(html.encode("cp1252"), "a.html") == (html, "cp1252")


def test_declaration_is_ignored_in_plain_text() -> None:
    # Not HTML: the "charset=" inside a sentence declares nothing; content decides.
    text = "网页源码中的 charset=utf-8 声明。\n" + REPORT
    assert decode(text.encode("gbk"), "a.txt") == (text, "gb18030")


def test_undeclared_gbk_text() -> None:
    assert decode(REPORT.encode("gbk"), "a.txt") == (REPORT, "gb18030")


def test_declared_big5() -> None:
    html = page('<meta charset="big5">', TRADITIONAL)
    assert decode(html.encode("big5"), "a.html") == (html, "big5")


def test_undeclared_big5_is_not_taken_for_gbk() -> None:
    # Big5 bytes are valid GB18030 too; the characters they make there are rare ones.
    assert decode((TRADITIONAL * 2).encode("big5"), "a.txt") == (TRADITIONAL * 2, "big5")


def test_ascii_page_keeps_its_declared_name() -> None:
    html = page('<meta charset="gb2312">', "2021 annual report")
    assert decode(html.encode("ascii"), "a.html") == (html, "gb18030")
    assert decode(b"plain ascii\n", "a.txt") == ("plain ascii\n", "utf-8")


def test_a_few_broken_bytes_do_not_stop_reading() -> None:
    # A CMS cut a UTF-8 string in the middle of a character.
    data = REPORT.encode("utf-8") * 5 + "公开".encode("utf-8")[:-1] + b"\n"
    text, encoding = decode(data, "a.txt")
    assert encoding == "utf-8" and text.startswith(REPORT) and text.count("\ufffd") == 1


def test_seed_files_are_utf8() -> None:
    for path in sorted(SEEDS.glob("*.txt"))[:2]:
        text, encoding = decode(path.read_bytes(), path.name)
        assert encoding == "utf-8" and "总体情况" in text


# Chinese in common characters mixed with anything else (Latin, symbols, emoji, rare CJK).
_MIXED = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cc", "Cs")),
                                    st.sampled_from(_COMMON_SIMPLIFIED)), min_size=1)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(_COMMON_SIMPLIFIED), min_size=1), _MIXED)
def test_utf8_chinese_text_round_trips(chinese: str, mixed: str) -> None:
    text = chinese + mixed + chinese
    assert decode(text.encode("utf-8"), "a.txt") == (text, "utf-8")


def test_short_gbk_text_that_is_valid_utf8() -> None:
    # "强" is C7 BF in GBK, which UTF-8 reads as "ǿ".
    assert decode("0强".encode("gbk"), "a.txt") == ("0强", "gb18030")
    # Latin text stays UTF-8: its GB18030 reading is not made of common Chinese characters.
    assert decode("Café crème brûlée".encode("utf-8"), "a.txt") == ("Café crème brûlée", "utf-8")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(_COMMON_SIMPLIFIED + "，。、（）0123456789 \n"), min_size=2))
def test_chinese_gbk_text_round_trips(text: str) -> None:
    # Two bytes of punctuation ("0。") are as much Big5 as GBK: a document has Chinese words.
    assume(sum(ch in _COMMON_SIMPLIFIED for ch in text) >= 2)
    data = text.encode("gbk")
    assert decode(data, "a.txt") == (text, "gb18030")


# --- what is refused ---------------------------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"   \n\t ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\r\n"])
def test_empty(data: bytes) -> None:
    with pytest.raises(ReadError) as err:
        decode(data, "report.html")
    assert err.value.problem == EMPTY and err.value.name == "report.html"


@pytest.mark.parametrize("data,kind", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00\x08\x00[Content_Types].xml....word/document.xml", "DOCX"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00data.csv", "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00\x00\x00", "OLE"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "JPEG"),
])
def test_known_binary_formats_are_named(data: bytes, kind: str) -> None:
    with pytest.raises(ReadError) as err:
        decode(data, "x.html")
    assert kind in err.value.problem and "二进制" in err.value.problem


def test_nul_bytes() -> None:
    data = "报告".encode("utf-8") + b"\x00\x01\x02\x03abc\x00" * 10
    with pytest.raises(ReadError, match="NUL"):
        decode(data, "x.bin")


def test_control_characters() -> None:
    data = bytes(range(1, 9)) * 20 + "报告正文".encode("utf-8") * 10
    with pytest.raises(ReadError, match="控制字符"):
        decode(data, "x.bin")


def test_undecodable_bytes() -> None:
    data = "报告".encode("utf-8") + b"\xff\x80\xfe\x81" * 100
    with pytest.raises(ReadError, match="编码"):
        decode(data, "x.txt")


# --- sniff_html ----------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"<!DOCTYPE html><html><body><p>x</p></body></html>",
    b"\n\n  <!-- saved from url=(0047)http://www.example.gov.cn/ -->\n<!doctype html>\n<html>",
    b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
    b"<html xmlns:o=\"urn:schemas-microsoft-com:office:office\">\n<head>",
    "<p>一、总体情况</p><table><tr><td>规章</td></tr></table>".encode("utf-8"),
    codecs.BOM_UTF16_LE + "<html><body>报告</body></html>".encode("utf-16-le"),
    codecs.BOM_UTF8 + b"<meta charset=\"utf-8\"><div>x</div>",
    # A portal page with stray text (a server's warning) before its <html>.
    b"Warning: session_start() failed\n<html><head><title>x</title></head><body>",
])
def test_sniff_html_yes(data: bytes) -> None:
    assert sniff_html(data)


@pytest.mark.parametrize("data", [
    REPORT.encode("utf-8"),
    "规章 < 规范性文件，a<b 且 c>d".encode("utf-8"),
    "# 年度报告\n\n| 规章 | 0 |\n|---|---|\n一、总体情况<br>\n".encode("utf-8"),
    # Markdown (pandoc) with a merged-cell table kept as raw HTML: text first, markup inside.
    ("# 年度报告\n\n一、总体情况\n\n<table>\n<tr>\n<td rowspan=\"2\">规章</td>\n<td>0</td>\n</tr>\n"
     "</table>\n<p>说明</p>\n").encode("utf-8"),
    # MinerU writes every table as a whole <html><body><table> block between Markdown lines.
    ("# 年度报告\n\n## 二、主动公开政府信息情况\n\n<html><body><table><tr><td>规章</td><td>0</td>"
     "</tr></table></body></html>\n").encode("utf-8"),
    b"",
])
def test_sniff_html_no(data: bytes) -> None:
    assert not sniff_html(data)


def test_sniff_html_on_seed_text() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        assert not sniff_html(path.read_bytes()), path.name
