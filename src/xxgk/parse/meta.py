"""Report metadata: title, agency (as the report names itself), year, publication date."""

from __future__ import annotations

import datetime as dt
import functools
import re

from ..textnorm import nfkc, simplify, to_simplified
from .pieces import Line

_TITLE_TAIL = re.compile(r"政\s*府\s*信\s*息\s*公\s*开\s*工\s*作\s*(?:的\s*)?(?:年\s*度\s*)?报\s*告")
_YEAR = re.compile(r"(20[1-3]\d)\s*年\s*度?")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_DATE = re.compile(r"(20\d{2})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_CN_DATE = re.compile(r"([二〇○零一二三四五六七八九O]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*"
                      r"([一二三四五六七八九十]{1,3})\s*日")
# What an agency name ends with; a title prefix that does not is not taken as an agency.
_AGENCY_END = re.compile(
    r"(人民政府|政府|委员会|管委会|办公室|办公厅|事务局|局|厅|委|办|院|署|中心|公司|所|队|站|馆|会|部|处|"
    r"街道办事处|街道|镇|乡|区|县|市|盟|旗|集团|银行|学校|大学)$")


def _is_title(text: str) -> bool:
    m = _TITLE_TAIL.search(simplify(text))
    # The title ends with the tail (a sentence citing "…年度报告格式的通知" is not a title).
    return bool(m) and len(text) <= 80 and len(text) - m.end() <= 6 and "格式" not in text[m.end():]


def find_title(lines: list[Line], limit: int = 12) -> tuple[str | None, int]:
    """The title ("…政府信息公开工作年度报告"), possibly printed over two lines, and its line index."""
    stripped = ((i, ln.text.strip()) for i, ln in enumerate(lines[: limit * 3]) if not ln.grid)
    paras = [(i, text) for i, text in stripped if text]
    for k, (i, text) in enumerate(paras[:limit]):
        prev = paras[k - 1][1] if k > 0 else ""
        joinable = 0 < len(prev) < 40 and not re.search(r"[。；，>：:]", prev)
        alone = _is_title(text)
        # "鹤岗市商务局2019年" + "政府信息公开工作年度报告", or "…2020年政府信息" + "公开工作年度报告".
        # Join unless this line alone is a complete title naming its agency (a name cut at the
        # break, "…城关镇人民" / "政府2020年…", leaves only a bare "政府").
        own = agency_from_title(text) if alone else None
        if joinable and _is_title(prev + text) and (own is None or len(own) <= 4) \
                and (not alone or agency_from_title(prev + text)):
            return prev + text, i
        if alone:
            return text, i
    return None, -1


def agency_from_title(title: str | None) -> str | None:
    if not title:
        return None
    return _agency_from_title(title)


@functools.lru_cache(maxsize=1024)
def _agency_from_title(title: str) -> str | None:
    """(Remembered: the parser asks for the title's agency when it finds the title and again
    for the report; titles recur in a batch.)"""
    t = re.sub(r"\s+", "", nfkc(title))
    if simplify(t).startswith("关于"):
        t = t[2:]
    m = _TITLE_TAIL.search(simplify(t))
    head = t[: m.start()] if m else t
    head = re.sub(r"(20[1-3]\d)年度?", "", head).strip("（）()《》〈〉 ")
    if simplify(head).endswith("关于"):  # "XX局关于2020年度政府信息公开工作的年度报告"
        head = head[:-2]
    if len(head) < 2 or not _AGENCY_END.search(simplify(head)):
        return None
    return head


def page_title(title: str | None) -> str | None:
    """A page <title> without the site name portals append ("…年度报告_XX市人民政府")."""
    if not title:
        return None
    head = re.split(r"\s*(?:[_|｜]|--|—|\s-\s)\s*", title.strip())[0]
    return head if _TITLE_TAIL.search(simplify(head)) else None


def as_simplified(name: str | None) -> str | None:
    """Agency names are kept in Simplified characters, so a portal's 繁體 page and its original
    name the same agency."""
    if name is None or simplify(name) == name:
        return name
    return to_simplified(name)


def agency_from_signature(lines: list[Line]) -> str | None:
    """The agency printed above the closing date ("方正县工业信息科技局 / 2021年1月20日")."""
    paras = _paragraph_texts(lines)
    for k in range(len(paras) - 1, max(len(paras) - 6, 0) - 1, -1):
        if (_DATE.fullmatch(nfkc(paras[k]).strip()) or _CN_DATE.fullmatch(paras[k])) and k > 0:
            cand = re.sub(r"\s+", "", paras[k - 1])
            if 2 <= len(cand) <= 40 and _AGENCY_END.search(simplify(cand)) \
                    and not re.search(r"[。，；：]", cand):
                return cand
    return None


_PERIOD = re.compile(r"(?:自|从|统计期限[为是]?)\s*(20[1-3]\d)\s*年\s*1\s*月\s*1\s*日")
_YEAR_OPENING = re.compile(r"(?:^|[。；\s])(20[1-3]\d)\s*年(?:度)?\s*[，,、]|(20[1-3]\d)\s*年度")
# Years inside citations ("《条例》（2019年修订）", "国办公开办函〔2021〕30号") are not the report year.
_CITATION = re.compile(r"《[^》]*》|（[^）]*修订[^）]*）|\([^)]*修订[^)]*\)|〔\d{4}〕|\[\d{4}\]")


def year_of(title: str | None, lines: list[Line]) -> int | None:
    if title:
        m = _YEAR.search(nfkc(title))
        if m:
            return int(m.group(1))
    # The statistics period ("自2021年1月1日起至…"), else "2021年，我局…" / "2021年度" in the
    # opening text, citations removed.
    opening = [_CITATION.sub("", nfkc(ln.text)) for ln in lines[:60] if not ln.grid]
    for pattern in (_PERIOD, _YEAR_OPENING):
        for text in opening:
            m = pattern.search(text)
            if m:
                return int(next(g for g in m.groups() if g))
    for text in opening:
        m = _YEAR.search(text)
        if m:
            return int(m.group(1))
    return None


_ISSUER = re.compile(r"^(?:发布机构|发文机关|发布单位|信息来源|来源)\s*[:：]\s*(\S{2,30}?)(?:\s|$)")


def agency_from_page(lines: list[Line]) -> str | None:
    """The issuing agency a portal prints above the article ("发布机构：XX县民政局")."""
    for ln in lines[:30]:
        if ln.grid:
            continue
        m = _ISSUER.search(nfkc(ln.text).strip())
        if m and _AGENCY_END.search(simplify(m.group(1))):
            return m.group(1)
    return None


def _paragraph_texts(lines: list[Line]) -> list[str]:
    """The stripped texts of the lines that are not table rows, blank ones left out."""
    return [text for text in (ln.text.strip() for ln in lines if not ln.grid) if text]


def _cn_number(s: str) -> int:
    if "十" in s:
        a, _, b = s.partition("十")
        return (_CN_DIGITS.get(a, 1) if a else 1) * 10 + (_CN_DIGITS.get(b, 0) if b else 0)
    return int("".join(str(_CN_DIGITS[c]) for c in s))


def published_date(lines: list[Line], year: int | None, meta_date: str | None = None) -> dt.date | None:
    """The date the report is signed with (its last standalone date line), else one printed under
    the title ("（2022年1月20日）", "发布日期：2022-01-20"), else a page's meta date."""
    paras = _paragraph_texts(lines)
    for text in reversed(paras[-8:]):
        t = nfkc(text).strip()
        d = _date_in(t, whole=True)
        if d is not None and (year is None or d.year >= year):
            return d
    for text in paras[:8]:
        t = re.sub(r"^(?:发布日期|发布时间|日期|成文日期)\s*[:：]\s*", "", nfkc(text).strip()).strip("()（） ")
        d = _date_in(t, whole=True) or _date_in(t.split()[0], whole=True) if t else None
        if d is not None and (year is None or d.year > year):
            return d
    if meta_date:
        d = _date_in(nfkc(meta_date), whole=False)
        if d is not None:
            return d
    return None


def _date_in(t: str, whole: bool) -> dt.date | None:
    m = (_DATE.fullmatch(t) if whole else _DATE.search(t))
    try:
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        m = _CN_DATE.fullmatch(t) if whole else _CN_DATE.search(t)
        if m:
            return dt.date(_cn_number(m.group(1)), _cn_number(m.group(2)), _cn_number(m.group(3)))
    except (ValueError, KeyError):
        return None
    return None
