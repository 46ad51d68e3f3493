"""P4: figures quoted in the narrative against the tables; F6: narrative copied from last year.

P4 is deliberately conservative — a false alarm costs an official's trust, a miss costs little:
- only a handful of phrasings are read, each with the number right after the phrase and a unit;
- a sentence about another scope (全市, 各乡镇, 县直各部门, 全X系统 …) is not compared: a
  government's narrative often gives figures for its whole area while its tables are 本级;
- a sentence naming another year, 上年/同比, or an approximate number (余, 多) is not compared;
- in a government's report a sentence without an explicit own-level subject (本级, 本机关 …) may
  still mean the whole area, so a mismatch there is only an info.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..model import Finding, Number, Report, Section, Severity
from ..textnorm import fold, fold_once, nfkc_lines
from .context import Context
from .deadline import agency_kind
from .labels import num, plain

_NUM = r"(?P<n>\d+|[零〇一二两三四五六七八九十百]+)"
_UNIT = r"\s*(?:件|个|条|起|宗|次|份)"
_LINK = r"(?:的)?\s*(?:共|合计|总计|累计|计|为|是|达|了|有)*\s*"
_SENTENCE_END = re.compile(r"[。；;！!？?\n]+")
_OTHER_YEAR = re.compile(r"(\d{4})\s*年")
_RELATIVE = re.compile(r"上年|去年|上一年|前年|同比|环比|同期|往年|历年")
_CARRIED_LABEL = re.compile(r"上(?:一)?年(?:度)?结转")
_BROAD = re.compile(
    r"全(?:市|县|区|省|州|盟|旗|镇|乡|街道|国|辖区)|各(?:部门|乡镇|乡|镇|街道|单位|县|区|市|地|级|委办局)"
    r"|[县市区省州旗]直|全[^，。；、\s]{0,8}系统|系统内|下属|所属|辖区内|本地区|本行政区")
_OWN = re.compile(r"本级|本机关|本单位|本部门|本局|本委|本办|本厅|本中心|本院|"
                  r"我(?:局|委|办|厅|部|署|中心|院|单位|部门|馆|站|所|机关)")
# A sentence starting so continues the subject of the one before.
_CONTINUES = re.compile(r"^\s*(?:其中|另外|另|此外|包括|分别|以上)")
_APPEALS_CONTEXT = re.compile(r"信息公开|依申请")
_REQUESTS_CONTEXT = re.compile(r"申请")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """"9", "十二", "二十三", "一百零五" → int; None if it is not a plain number."""
    if text.isdigit():
        return int(text)
    total, current, digit_last = 0, 0, False
    for ch in text:
        if ch in _CN_DIGITS:
            if digit_last and current != 0:
                return None  # "二〇二二" is a year spelled out, not a count; 零 may lead a digit
            current, digit_last = _CN_DIGITS[ch], True
        elif ch in "十百":
            total += (current or 1) * (10 if ch == "十" else 100)
            current, digit_last = 0, False
        else:
            return None
    return total + current


# -- what the tables say --------------------------------------------------------------------------
def _row_total(r: Report, prefix: str, parts: list[str]) -> Number | None:
    """A row's 总计, or the sum of its parts when the total is blank; None if a cell is absent or
    unreadable."""
    keys = [f"{prefix}.total"] + [f"{prefix}.{p}" for p in parts]
    if any(k not in r.cells or r.cells[k].status == "missing" for k in keys):
        return None
    total = r.value(f"{prefix}.total")
    return total if total is not None else sum(r.num(f"{prefix}.{p}") for p in parts)


def _t3(r: Report, *rows: str) -> Number | None:
    parts = [c.key for c in r.spec.t3_columns if c.key != "total"]
    got = [_row_total(r, f"t3.{row}", parts) for row in rows]
    return None if any(g is None for g in got) else sum(got)  # type: ignore[misc]


def _t3_group(r: Report, group: str) -> Number | None:
    return _t3(r, *[row.key for row in r.spec.rows_in_group(group)])


def _t4(r: Report, *groups: str) -> Number | None:
    parts = [c.key for c in r.spec.t4_columns if c.key != "total"]
    got = [_row_total(r, f"t4.{g}", parts) for g in groups]
    return None if any(g is None for g in got) else sum(got)  # type: ignore[misc]


def _litigation(r: Report) -> list[Number | None]:
    """Both kinds of litigation together; a nonzero figure of one kind alone is a fair quote too
    (but "no litigation" must mean none of either)."""
    both = _t4(r, "litigation_direct", "litigation_after_review")
    alone = (_t4(r, "litigation_direct"), _t4(r, "litigation_after_review"))
    return [both] + [x for x in alone if x]


def _normative(r: Report) -> list[Number | None]:
    """Every figure of the 规范性文件 row: a narrative may quote any of them."""
    prefix = "t2.art20_1.normative_docs"
    return [r.value(k) for k in r.spec.cells if k.startswith(prefix + ".")]


@dataclass(frozen=True)
class Target:
    """A phrasing of the narrative and the table figures it may quote (first: the main one)."""

    key: str
    zh: str  # the table figure, for messages
    en: str
    pattern: re.Pattern[str]
    accepted: Callable[[Report], list[Number | None]]
    cells: Callable[[Report], list[str]]
    context: re.Pattern[str] | None = None  # the sentence must mention it …
    context_section: str | None = None  # … unless it is in this section
    forbid: re.Pattern[str] | None = None  # in the sentence
    forbid_match: re.Pattern[str] | None = None  # in the matched text


def _rx(body: str) -> re.Pattern[str]:
    return re.compile(body)


_RECEIVED_VERB = r"(?:收到|受理|接收|接到|新收)"
TARGETS: tuple[Target, ...] = (
    Target("new_received", "表三“一、本年新收政府信息公开申请数量·总计”", "t3.new_received.total",
           _rx(_RECEIVED_VERB + r"[^，。；,;：:\d]{0,14}?(?:依申请公开|申请)(?:件数|数量|总数)?"
               + _LINK + _NUM + _UNIT),
           lambda r: [_t3(r, "new_received"), _t3(r, "new_received", "carried_over")],
           lambda r: ["t3.new_received.total"],
           forbid_match=_rx(r"复议|诉讼|信访|举报|投诉|咨询|未|没有")),
    Target("granted", "表三“（一）予以公开·总计”", "t3.granted.total",
           _rx(r"(?<!不)(?<!部分)予以公开" + _LINK + _NUM + _UNIT),
           lambda r: [_t3(r, "granted")], lambda r: ["t3.granted.total"],
           context=_REQUESTS_CONTEXT, context_section="requests", forbid=_rx(r"主动")),
    Target("partially_granted", "表三“（二）部分公开·总计”", "t3.partially_granted.total",
           _rx(r"部分(?:予以)?公开" + _LINK + _NUM + _UNIT),
           lambda r: [_t3(r, "partially_granted")], lambda r: ["t3.partially_granted.total"],
           context=_REQUESTS_CONTEXT, context_section="requests", forbid=_rx(r"主动")),
    Target("withheld", "表三“（三）不予公开”各项总计之和", "sum of t3 withheld totals",
           _rx(r"不予(?:以)?公开" + _LINK + _NUM + _UNIT),
           lambda r: [_t3_group(r, "withheld")],
           lambda r: [f"t3.{x.key}.total" for x in r.spec.rows_in_group("withheld")],
           context=_REQUESTS_CONTEXT, context_section="requests"),
    Target("unable", "表三“（四）无法提供”各项总计之和", "sum of t3 unable totals",
           _rx(r"无法提供" + _LINK + _NUM + _UNIT),
           lambda r: [_t3_group(r, "unable")],
           lambda r: [f"t3.{x.key}.total" for x in r.spec.rows_in_group("unable")],
           context=_REQUESTS_CONTEXT, context_section="requests"),
    Target("rejected", "表三“（五）不予处理”各项总计之和", "sum of t3 rejected totals",
           _rx(r"不予处理" + _LINK + _NUM + _UNIT),
           lambda r: [_t3_group(r, "rejected")],
           lambda r: [f"t3.{x.key}.total" for x in r.spec.rows_in_group("rejected")],
           context=_REQUESTS_CONTEXT, context_section="requests"),
    Target("carried_over", "表三“二、上年结转政府信息公开申请数量·总计”", "t3.carried_over.total",
           _rx(r"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开)?(?:申请)?" + _LINK + _NUM + _UNIT),
           lambda r: [_t3(r, "carried_over")], lambda r: ["t3.carried_over.total"]),
    Target("carried_forward", "表三“四、结转下年度继续办理·总计”", "t3.carried_forward.total",
           _rx(r"结转(?:至|到)?下(?:一)?年度?(?:继续办理)?" + _LINK + _NUM + _UNIT),
           lambda r: [_t3(r, "carried_forward")], lambda r: ["t3.carried_forward.total"]),
    Target("review", "表四“行政复议·总计”", "t4.review.total",
           _rx(r"行政复议(?:案件|申请)?" + _LINK + _NUM + _UNIT),
           lambda r: [_t4(r, "review")], lambda r: ["t4.review.total"],
           context=_APPEALS_CONTEXT, context_section="appeals",
           forbid=_rx(r"受理|办理|审理|收到|接到|复议机关|决定")),
    Target("litigation", "表四“行政诉讼”两项总计之和", "t4 litigation totals",
           _rx(r"行政诉讼(?:案件)?" + _LINK + _NUM + _UNIT),
           _litigation,
           lambda r: ["t4.litigation_direct.total", "t4.litigation_after_review.total"],
           context=_APPEALS_CONTEXT, context_section="appeals",
           forbid=_rx(r"审理|受理|办理|应诉|出庭")),
    Target("normative_docs", "表二“第二十条第（一）项·规范性文件”", "t2 normative documents",
           _rx(r"规范性文件" + _LINK + _NUM + _UNIT),
           _normative, lambda r: [k for k in r.spec.cells if ".normative_docs." in k],
           context=_rx(r"主动公开|制发|印发|发布|制定"), context_section="proactive",
           forbid=_rx(r"清理|审查|审核|备案|征求意见|解读|修订|起草|废止|宣传|培训")),
)

# "未收到…申请", "未发生…行政复议和行政诉讼": the figure is 0. Only whole clauses count.
_ZERO_RECEIVED = _rx(r"(?:未|没有)" + _RECEIVED_VERB + r"(?P<gap>[^，。；,;\d]{0,20}?)申请$")
_ZERO_APPEALS = _rx(r"(?:未|没有)(?:发生|出现|产生|有)?(?P<gap>[^，。；,;\d]{0,20}?)"
                    r"(?:行政)?复议(?P<both>(?:和|及|与|、|或)(?:行政)?诉讼)?(?:案件|的?情况|事项)?$")
_ZERO_FORBID = _rx(r"涉及|有关|关于|类|商业|个人|隐私|第三方|纠错|纠正|败诉|撤销|违法|结果|维持|复议后")


@dataclass(frozen=True)
class Quote:
    """A figure the narrative states, with where it was said."""

    target: Target
    number: int
    section: str
    sentence: str
    scope: str  # "own" | "unknown"


def quotes(report: Report) -> list[Quote]:
    """The table figures the narrative quotes, outside other scopes and other years."""
    out: list[Quote] = []
    for section in report.sections:
        previous_broad = False
        for sentence in _sentences(section.text):
            continues = previous_broad and bool(_CONTINUES.match(sentence))
            broad = bool(_BROAD.search(sentence)) or continues
            previous_broad = broad
            if broad or not _quotable(sentence) or _elsewhen(sentence, report.year):
                continue
            scope = "own" if _is_own(sentence, report.agency) else "unknown"
            out += _sentence_quotes(section, sentence, scope)
    return out


# Every phrasing above ends in a number and a unit; "未…" and "没有…" state a zero.
_NUMBER_UNIT = re.compile(r"(?:\d+|[零〇一二两三四五六七八九十百]+)" + _UNIT)


def _quotable(sentence: str) -> bool:
    """Can the sentence quote a figure at all? (A cheap test before the phrasings.)"""
    return "未" in sentence or "没有" in sentence or _NUMBER_UNIT.search(sentence) is not None


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(nfkc_lines(text)) if s.strip()]


def _elsewhen(sentence: str, year: int | None) -> bool:
    """The sentence speaks of another year (or compares with one)."""
    if _RELATIVE.search(_CARRIED_LABEL.sub("", sentence)):
        return True
    return year is not None and any(int(y) != year for y in _OTHER_YEAR.findall(sentence))


def _is_own(sentence: str, agency: str | None) -> bool:
    return bool(_OWN.search(sentence)) or (bool(agency) and fold(agency or "") in fold(sentence))


# Text every match of a target's pattern holds: a sentence without it cannot quote that figure
# (tested before the patterns, which are many per sentence).
_NEEDS = {"new_received": "申请", "granted": "予以公开", "partially_granted": "部分",
          "withheld": "不予", "unable": "无法提供", "rejected": "不予处理", "carried_over": "结转",
          "carried_forward": "结转", "review": "行政复议", "litigation": "行政诉讼",
          "normative_docs": "规范性文件"}


_TARGET_NEEDS = tuple((t, _NEEDS.get(t.key)) for t in TARGETS)
_BY_KEY = {t.key: t for t in TARGETS}


def _sentence_quotes(section: Section, sentence: str, scope: str) -> list[Quote]:
    out = []
    for t, needs in _TARGET_NEEDS:
        if needs is not None and needs not in sentence:
            continue
        if t.forbid is not None and t.forbid.search(sentence):
            continue
        if (t.context is not None and section.key != t.context_section
                and not t.context.search(sentence)):
            continue
        for m in t.pattern.finditer(sentence):
            if t.forbid_match is not None and t.forbid_match.search(m.group(0)):
                continue
            if t.key == "new_received" and "公开" not in m.group(0):
                continue  # "收到申请" alone may be any kind of application
            n = cn_number(m.group("n"))
            if n is not None:
                out.append(Quote(t, n, section.key, sentence, scope))
    if "未" in sentence or "没有" in sentence:  # what both zero phrasings start with
        out += _zero_quotes(section, sentence, scope)
    return out


def _zero_quotes(section: Section, sentence: str, scope: str) -> list[Quote]:
    out = []
    by_key = _BY_KEY
    for clause in re.split(r"[，,]", sentence):
        clause = clause.strip()
        m = _ZERO_RECEIVED.search(clause)
        if m and "公开" in m.group("gap") and not _ZERO_FORBID.search(m.group("gap")):
            out.append(Quote(by_key["new_received"], 0, section.key, sentence, scope))
        m = _ZERO_APPEALS.search(clause)
        if m and not _ZERO_FORBID.search(m.group(0)) and (
                section.key == "appeals" or _APPEALS_CONTEXT.search(sentence)):
            out.append(Quote(by_key["review"], 0, section.key, sentence, scope))
            if m.group("both"):
                out.append(Quote(by_key["litigation"], 0, section.key, sentence, scope))
    return out


# -- P4 -------------------------------------------------------------------------------------------
def quoted_figures(ctx: Context) -> list[Finding]:
    """P4: each quoted figure that matches none of the table figures it may stand for."""
    r = ctx.report
    government = agency_kind(r.agency) != "department"
    seen: set[tuple[str, int]] = set()
    out = []
    for q in quotes(r):
        accepted = q.target.accepted(r)
        if not accepted or accepted[0] is None or (q.target.key, q.number) in seen:
            continue
        seen.add((q.target.key, q.number))
        if any(a is not None and abs(a - q.number) < 1e-6 for a in accepted):
            continue
        severity: Severity = "info" if government and q.scope == "unknown" else "warning"
        out.append(_mismatch(q, plain(accepted[0]), q.target.cells(r), severity))
    return out


def _mismatch(q: Quote, table: Number, cells: list[str], severity: Severity) -> Finding:
    quote = q.sentence if len(q.sentence) <= 80 else q.sentence[:78] + "……"
    hint_zh = ("（该句未写明是本级还是全地区的数字，请核对统计口径）" if severity == "info" else "")
    hint_en = (" (the sentence does not say whether the figure is for this level of government "
               "or the whole area)" if severity == "info" else "")
    return Finding(
        "P4", severity, cells,
        f"正文“{quote}”所述数字{q.number}与{q.target.zh}（{num(table)}）不一致{hint_zh}。",
        f"The narrative says {q.number} (\"{quote}\") but the table gives {num(table)} for "
        f"{q.target.en}{hint_en}.",
        table, q.number)


# -- F6 -------------------------------------------------------------------------------------------
COPY_RATIO = 0.9
MIN_COPY_CHARS = 60  # shorter sections ("无其他需要报告的事项") are alike every year by nature
_DIGITS = re.compile(r"\d+")


@functools.lru_cache(maxsize=256)
def _comparable_text(text: str) -> str:
    """Folded text without numbers: a copy with this year's figures filled in is still a copy.
    A few hundred remembered: a batch ingest compares each report with last year's, whose texts
    it folded when it stored that one."""
    return _DIGITS.sub("", fold_once(text))


def similarity(a: str, b: str) -> float:
    """difflib ratio of two narrative texts after normalisation."""
    return difflib.SequenceMatcher(None, _comparable_text(a), _comparable_text(b),
                                   autojunk=False).ratio()


def _copied(a: str, b: str) -> float | None:
    """The similarity if above COPY_RATIO; the cheap upper bounds skip most pairs. They are
    difflib's real_quick_ratio (lengths) and quick_ratio (characters in common), computed before
    building a SequenceMatcher, whose index of the second text costs more than both."""
    x, y = _comparable_text(a), _comparable_text(b)
    total = len(x) + len(y)
    if _bound(min(len(x), len(y)), total) <= COPY_RATIO:
        return None
    if _bound(sum((Counter(x) & Counter(y)).values()), total) <= COPY_RATIO:
        return None
    ratio = difflib.SequenceMatcher(None, x, y, autojunk=False).ratio()
    return ratio if ratio > COPY_RATIO else None


def _bound(matches: int, total: int) -> float:
    return 2.0 * matches / total if total else 1.0  # as difflib's ratios


def copied_sections(ctx: Context) -> list[Finding]:
    """F6: a section whose text is (nearly) last year's."""
    prev = ctx.comparable_previous
    if prev is None:
        return []
    out = []
    for s in ctx.report.sections:
        last = prev.section(s.key)
        if last is None:
            continue
        if min(len(_comparable_text(t)) for t in (s.text, last.text)) < MIN_COPY_CHARS:
            continue
        ratio = _copied(s.text, last.text)
        if ratio is not None:
            out.append(Finding(
                "F6", "warning", [],
                f"第{s.number}部分正文与上年报告相似度为{ratio:.0%}，疑似照搬上年内容，"
                f"请按本年度实际情况撰写。",
                f"Section {s.number} ({s.key}) is {ratio:.0%} similar to last year's report: "
                f"it looks copied.", round(COPY_RATIO, 2), round(ratio, 3)))
    return out
