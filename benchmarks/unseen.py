#!/usr/bin/env python3
"""An independent adversarial corpus: reports published the way real portals and tools publish them.

Written without reading `xxgk.synth` or the test fixture builders, so that it does not share their
assumptions. From random values that satisfy the format's equations (both editions, 2019 and 2021
tables) it writes each report as a page of one of the kinds real sites serve, and derives the text
forms from those pages with the tools that make them in practice:

  html      Word "另存为网页" (mso classes, <o:p>, digits split over <span>s, one <p> per character
            in vertical labels, GBK), WPS export, TRS / Hanweb CMS pages (div.TRS_Editor, #zoom,
            inline styles, <p> and <br> in cells, site chrome with numbers of its own), cells pasted
            from Excel (class=xl65, x:num, <col>), a header table apart from its body, table 3
            split at a page break with its header repeated, 表一/表二 captions, 单位：件, notes
  webcopy   the page's text as a browser copies it (Chromium `innerText`, via Playwright)
  crawl     a crawler's text: lxml `text_content()` of the article container (cells of compact
            CMS markup run together, blank cells vanish)
  markdown  a PDF→Markdown converter's output: pipe tables (merged cells empty, <br> in cells),
            tables cut at page footers ("— 3 —", "第 3 页 共 8 页") with the header sometimes
            repeated, MinerU-style <table> blocks, headings as "##" or bold
  docx/pdf  a sample of the html converted by LibreOffice (`soffice --convert-to docx|pdf`)

Values: blanks printed "", "—", "/" or "-" (truth null), zeros, thousands separators, full-width
digits, 件 suffixes in table 2, signed 本年增/减 ("增 33", "减 5", "-8"), procurement in 元/万元/亿元,
2021 fees in 万元 with decimals. Label variants: brackets （一）/(一)/一、, 1./1、/（1）, 其中：, spaces
inside labels, 只计/只记, quote styles of “三安全一稳定”, abbreviated 2021 （六） items, group rows
printed as their own rows (one sometimes missing), two detail rows swapped.

    .venv/bin/python benchmarks/unseen.py --n 40 --out /tmp/unseen           # generate + parse + score
    .venv/bin/python benchmarks/unseen.py --n 40 --out /tmp/unseen --office 10  # + LibreOffice DOCX/PDF
    .venv/bin/python benchmarks/unseen.py --out /tmp/unseen --score-only --verbose

Per form: score.py's line, then the wrong cells the parse flags (missing, inferred by a rule, or named
by R-ambiguous), those it does not (silent: listed with --verbose) and the right cells it flags.

Layout: OUT/truth/NAME.json (the seeds' truth format), OUT/<form>/NAME.<ext>,
OUT/parsed-<form>/NAME.json; re-score one form with
`python ../shared/tools/score.py OUT/truth OUT/parsed-html --verbose`.
"""

from __future__ import annotations

import argparse
import html as htmlmod
import json
import pathlib
import random
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parents[1]
SCORE = ROOT.parent / "shared" / "tools" / "score.py"
XXGK = ROOT / ".venv" / "bin" / "xxgk"

# ---------------------------------------------------------------------------------------------
# The format, written out here (not taken from xxgk.editions: this corpus must not share its data)
# ---------------------------------------------------------------------------------------------

T3_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
APPLICANTS = T3_COLS[:6]

WITHHELD = [("withheld_state_secret", "属于国家秘密"), ("withheld_prohibited", "其他法律行政法规禁止公开"),
            ("withheld_three_safety", "危及“三安全一稳定”"), ("withheld_third_party", "保护第三方合法权益"),
            ("withheld_internal_affairs", "属于三类内部事务信息"), ("withheld_process_info", "属于四类过程性信息"),
            ("withheld_enforcement_file", "属于行政执法案卷"), ("withheld_admin_query", "属于行政查询事项")]
UNABLE = [("unable_not_held", "本机关不掌握相关政府信息"), ("unable_needs_creation", "没有现成信息需要另行制作"),
          ("unable_unclear", "补正后申请内容仍不明确")]
REJECTED = [("rejected_petition", "信访举报投诉类申请"), ("rejected_duplicate", "重复申请"),
            ("rejected_publication", "要求提供公开出版物"), ("rejected_excessive", "无正当理由大量反复申请"),
            ("rejected_confirmation", "要求行政机关确认或重新出具已获取信息")]
OTHER_2021 = [("other_overdue_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
              ("other_overdue_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
              ("other_other", "其他")]
# Shorter wordings some agencies print for the long 2021 （六） items.
OTHER_2021_SHORT = {"other_overdue_correction": "申请人无正当理由逾期不补正",
                    "other_overdue_fee": "申请人逾期未缴纳费用"}

CN_NUM = "一二三四五六七八九十"
FW = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


def outcome_rows(ed: str) -> list[str]:
    rows = ["granted", "partially_granted"] + [k for k, _ in WITHHELD] + [k for k, _ in UNABLE] + [k for k, _ in REJECTED]
    rows += [k for k, _ in OTHER_2021] if ed == "2021" else ["other"]
    return rows


def t2_keys(ed: str) -> list[str]:
    if ed == "2019":
        return [f"t2.art20_1.{r}.{c}" for r in ("regulations", "normative_docs") for c in ("new_made", "new_published", "total_published")] + \
            [f"t2.art20_5.{r}.{c}" for r in ("licensing", "other_services") for c in ("prev_items", "delta_items", "decisions")] + \
            [f"t2.art20_6.{r}.{c}" for r in ("penalty", "coercion") for c in ("prev_items", "delta_items", "decisions")] + \
            ["t2.art20_8.fees.prev_items", "t2.art20_8.fees.delta_items",
             "t2.art20_9.central_procurement.proc_items", "t2.art20_9.central_procurement.proc_amount"]
    return [f"t2.art20_1.{r}.{c}" for r in ("regulations", "normative_docs") for c in ("issued", "repealed", "in_force")] + \
        ["t2.art20_5.licensing.decisions", "t2.art20_6.penalty.decisions", "t2.art20_6.coercion.decisions",
         "t2.art20_8.fees.fee_amount"]


T4_GROUPS = ("review", "litigation_direct", "litigation_after_review")
T4_COLS = ("upheld", "corrected", "other", "pending", "total")

# ---------------------------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------------------------

REGIONS = ["杭州市余杭区", "宁波市鄞州区", "佛山市南海区", "淮安市", "赣州市章贡区", "洛阳市", "绵阳市涪城区",
           "苏州市吴江区", "合肥市蜀山区", "济南市历下区", "昆明市", "南宁市青秀区", "大同市", "长沙县", "桐乡市",
           "上海市徐汇区", "北京市朝阳区", "天津市滨海新区", "重庆市江北区", "哈尔滨市道里区", "呼和浩特市"]
DEPTS = ["人民政府", "人民政府办公室", "教育局", "生态环境局", "市场监督管理局", "自然资源和规划局", "住房和城乡建设局",
         "交通运输局", "卫生健康委员会", "财政局", "民政局", "人力资源和社会保障局", "农业农村局", "应急管理局",
         "城市管理局", "水利局", "商务局", "文化广电旅游体育局", "审计局", "退役军人事务局", "医疗保障局"]


@dataclass
class Values:
    edition: str
    year: int
    agency: str
    cells: dict  # key -> None | int | float (the truth)
    raw: dict = field(default_factory=dict)  # key -> printed text where it is not the plain number


def _spread(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    out = [0] * len(weights)
    for _ in range(n):
        out[rng.choices(range(len(weights)), weights)[0]] += 1
    return out


def make_values(rng: random.Random, i: int) -> Values:
    ed = rng.choice(("2019", "2021"))
    year = rng.choice((2019, 2020)) if ed == "2019" else rng.choice((2021, 2022, 2023, 2024))
    agency = rng.choice(REGIONS) + rng.choice(DEPTS)
    cells: dict = {}
    scale = rng.choices(("zero", "small", "medium", "big"), (0.15, 0.45, 0.3, 0.1))[0]
    top = {"zero": 0, "small": 12, "medium": 150, "big": 4000}[scale]
    rows = outcome_rows(ed)
    weights = [6, 1.5] + [0.3, 0.3, 0.1, 0.4, 0.6, 0.8, 0.2, 0.3] + [3, 0.8, 0.4] + [0.8, 0.7, 0.1, 0.2, 0.3]
    weights += [0.4, 0.1, 0.5] if ed == "2021" else [0.6]
    active = {"natural_person": 0.95, "commercial": 0.55, "research": 0.1, "social_org": 0.12,
              "legal_service": 0.3, "other_org": 0.25}
    for col in APPLICANTS:
        n = rng.randint(0, top) if rng.random() < active[col] else 0
        if col != "natural_person":
            n //= rng.randint(2, 8)
        split = _spread(rng, n, weights) if n < 400 else [round(n * w / sum(weights) * rng.uniform(0.6, 1.4)) for w in weights]
        for r, v in zip(rows, split):
            cells[f"t3.{r}.{col}"] = v
        tot = sum(split)
        cells[f"t3.total_processed.{col}"] = tot
        fwd = rng.randint(0, max(0, tot // 5)) if rng.random() < 0.4 else 0
        prev = rng.randint(0, tot + fwd) if rng.random() < 0.35 else 0
        prev = min(prev, max(0, tot // 4 + fwd))
        cells[f"t3.carried_forward.{col}"] = fwd
        cells[f"t3.carried_over.{col}"] = prev
        cells[f"t3.new_received.{col}"] = tot + fwd - prev
    for r in ["new_received", "carried_over"] + rows + ["total_processed", "carried_forward"]:
        cells[f"t3.{r}.total"] = sum(cells[f"t3.{r}.{c}"] for c in APPLICANTS)
    # table 4
    for g in T4_GROUPS:
        busy = rng.random() < (0.35 if g == "review" else 0.2)
        parts = [rng.choice((0, 0, 1, 2, 3, 5, 12)) if busy else 0 for _ in range(4)]
        for c, v in zip(T4_COLS[:4], parts):
            cells[f"t4.{g}.{c}"] = v
        cells[f"t4.{g}.total"] = sum(parts)
    # table 2
    def count(big: bool = False) -> int:
        return rng.choice((0, 0, 0, 1, 2, 3, 5, 8, 13, 21, 46)) if not big else rng.choice((0, 3, 48, 469, 1672, 31668, 169807, 1234567))
    raw: dict = {}
    if ed == "2019":
        for r in ("regulations", "normative_docs"):
            made = count() if r == "normative_docs" else rng.choice((0, 0, 0, 1))
            pub = made if rng.random() < 0.8 else max(0, made - 1)
            cells[f"t2.art20_1.{r}.new_made"] = made
            cells[f"t2.art20_1.{r}.new_published"] = pub
            cells[f"t2.art20_1.{r}.total_published"] = pub + count()
        for blk, r in (("art20_5", "licensing"), ("art20_5", "other_services"), ("art20_6", "penalty"), ("art20_6", "coercion")):
            prev = count()
            delta = rng.choice((0, 0, 1, 2, -1, -3, 33, -232)) if prev or rng.random() < 0.3 else 0
            cells[f"t2.{blk}.{r}.prev_items"] = prev
            cells[f"t2.{blk}.{r}.delta_items"] = delta
            cells[f"t2.{blk}.{r}.decisions"] = count(big=True)
        cells["t2.art20_8.fees.prev_items"] = count()
        cells["t2.art20_8.fees.delta_items"] = rng.choice((0, 0, 0, -1, 2))
        cells["t2.art20_9.central_procurement.proc_items"] = count()
        cells["t2.art20_9.central_procurement.proc_amount"] = rng.choice((0, 1.77, 1245.95, 18000, 356.2, 25.1, 3.5))
    else:
        for r in ("regulations", "normative_docs"):
            issued = rng.choice((0, 0, 0, 1)) if r == "regulations" else count()
            cells[f"t2.art20_1.{r}.issued"] = issued
            cells[f"t2.art20_1.{r}.repealed"] = rng.choice((0, 0, 0, 1, 2, 4))
            cells[f"t2.art20_1.{r}.in_force"] = issued + count()
        cells["t2.art20_5.licensing.decisions"] = count(big=True)
        cells["t2.art20_6.penalty.decisions"] = count(big=True)
        cells["t2.art20_6.coercion.decisions"] = count()
        cells["t2.art20_8.fees.fee_amount"] = rng.choice((0, 0, 12.5, 0.36, 1203.75, 86, 3.2))
    return Values(ed, year, agency, cells, raw)


# ---------------------------------------------------------------------------------------------
# Printing numbers the way a report does
# ---------------------------------------------------------------------------------------------

@dataclass
class Style:
    """One report's habits: how it prints numbers and labels, and the page it is served in."""
    page: str              # word | wps | trs | hanweb | excel_cms
    blank: str             # how a null/zero-as-blank prints: "", "—", "/", "-"
    zero_blank: float      # share of zeros printed blank (truth null)
    commas: bool
    fullwidth: bool
    jian: bool             # 件 after table-2 counts
    paren: str             # "full" （一） | "half" (一)
    item_sep: str          # "." | "、" | "．" | paren
    spaces: bool           # spaces inside some labels
    quote: str
    zhiji: str
    short_other: bool
    group_rows: bool       # table 3 printed with a single label column and group rows
    drop_group: bool
    swap: bool
    vertical: bool
    caption: bool
    unit: bool
    note: bool
    split_header: bool     # header rows in their own table
    page_break: bool       # table 3 cut in two with its header repeated
    heading: str           # cn | arabic | part | bold
    proc_unit: str         # 2019 procurement: inline | wan | yuan | yi
    delta_style: str       # words | signs | plain
    compact: bool          # no whitespace between tags (CMS editors)
    spans: bool            # digits split over spans (Word)
    t4_flat: bool          # table 4 printed as two header rows + values without rowspans
    cell_p: float          # share of CMS cells whose text sits in a <p> (pasted from Word: all; edited: a few)


def make_style(rng: random.Random) -> Style:
    page = rng.choice(("word", "wps", "trs", "hanweb", "excel_cms"))
    return Style(
        page=page,
        blank=rng.choice(("", "—", "/", "-", "")),
        zero_blank=rng.choice((0.0, 0.0, 0.0, 0.3, 1.0)),
        commas=rng.random() < 0.4,
        fullwidth=rng.random() < 0.12,
        jian=rng.random() < 0.15,
        paren=rng.choice(("full", "full", "full", "half")),
        item_sep=rng.choice((".", ".", "、", "．", "paren")),
        spaces=rng.random() < 0.2,
        quote=rng.choice(("“三安全一稳定”", "“三安全一稳定”", "\"三安全一稳定\"", "‘三安全一稳定’", "三安全一稳定")),
        zhiji=rng.choice(("只计", "只记")),
        short_other=rng.random() < 0.25,
        group_rows=rng.random() < 0.2,
        drop_group=rng.random() < 0.3,
        swap=rng.random() < 0.1,
        vertical=rng.random() < 0.4,
        caption=rng.random() < 0.3,
        unit=rng.random() < 0.25,
        note=rng.random() < 0.2,
        split_header=rng.random() < 0.12,
        page_break=rng.random() < 0.15,
        heading=rng.choice(("cn", "cn", "cn", "arabic", "part", "bold")),
        proc_unit=rng.choice(("inline", "wan", "yuan", "yi", "plain")),
        delta_style=rng.choice(("words", "signs", "plain")),
        compact=page in ("trs", "hanweb") and rng.random() < 0.7 or page == "excel_cms" and rng.random() < 0.3,
        spans=page in ("word", "wps") and rng.random() < 0.7,
        t4_flat=rng.random() < 0.15,
        cell_p=rng.choice((0.0, 0.0, 1.0, 0.01)),
    )


def num(style: Style, v, *, t2: bool = False) -> str:
    if v is None:
        return style.blank
    if isinstance(v, float) and v != int(v):
        s = f"{v:,.2f}".rstrip("0").rstrip(".") if style.commas else f"{v:.2f}".rstrip("0").rstrip(".")
    else:
        v = int(v)
        s = f"{v:,}" if style.commas and abs(v) >= 1000 else str(v)
    if style.fullwidth:
        s = s.translate(FW)
    if t2 and style.jian:
        s += "件"
    return s


def apply_blanks(rng: random.Random, style: Style, vals: Values) -> None:
    """Zeros a report prints blank become null in the truth (a blank is not a zero)."""
    if style.zero_blank == 0:
        return
    for k, v in list(vals.cells.items()):
        if v == 0 and rng.random() < style.zero_blank and not k.startswith("t2.art20_9") and "delta" not in k:
            vals.cells[k] = None


def delta_text(style: Style, v) -> str:
    if v is None:
        return style.blank
    if style.delta_style == "words":
        s = "0" if v == 0 else (f"增{v}" if v > 0 else f"减{-v}")
        return s.replace("增", "增 ") if style.spaces else s
    if style.delta_style == "signs":
        return "0" if v == 0 else (f"+{v}" if v > 0 else f"-{-v}")
    return str(v)


def money_text(style: Style, v, unit: str) -> str:
    if v is None:
        return style.blank
    if unit == "yuan":
        return num(style, round(v * 10000))
    if unit == "yi":
        if v >= 10000:
            return f"{v / 10000:g}亿元"
        return f"{v:g}万元"
    if unit == "inline":
        return f"{v:g}万元" if v else "0"
    return num(style, v)


# ---------------------------------------------------------------------------------------------
# The abstract page: paragraphs and tables (cells with lines, spans); every renderer reads it
# ---------------------------------------------------------------------------------------------

@dataclass
class C:
    lines: list            # the cell's text, one entry per printed line
    rs: int = 1
    cs: int = 1
    kind: str = "label"    # label | num | head
    vertical: bool = False


@dataclass
class Table:
    rows: list             # list of list[C]
    caption: str = ""
    unit: str = ""
    note: str = ""
    header_rows: int = 0   # rows a page break repeats


@dataclass
class Para:
    text: str
    kind: str = "p"        # p | h1 | title | sign


def gl(style: Style, i: int) -> str:
    """（一） in the report's brackets."""
    return f"（{CN_NUM[i]}）" if style.paren == "full" else f"({CN_NUM[i]})"


def il(style: Style, i: int) -> str:
    """1. in the report's item style."""
    if style.item_sep == "paren":
        return f"（{i}）"
    return f"{i}{style.item_sep}"


def spaced(style: Style, rng: random.Random, s: str) -> str:
    if style.spaces and len(s) > 3 and rng.random() < 0.3:
        k = rng.randint(1, len(s) - 1)
        return s[:k] + " " + s[k:]
    return s


def vert(style: Style, text: str) -> C:
    return C(list(text), vertical=True) if style.vertical else C([text])


def t2_table(rng: random.Random, style: Style, v: Values) -> Table:
    c = v.cells
    rows: list = []
    n = lambda k: C([num(style, c[k], t2=True)], kind="num")  # noqa: E731
    if v.edition == "2019":
        heads1 = ["本年新制作数量", "本年新公开数量", "对外公开总数量"]
        heads5 = ["上一年项目数量", "本年增/减", "处理决定数量"]
        rows.append([C(["第二十条第（一）项"], cs=4, kind="head")])
        rows.append([C(["信息内容"], kind="head")] + [C([h], kind="head") for h in heads1])
        for r, lab in (("regulations", "规章"), ("normative_docs", "规范性文件")):
            rows.append([C([spaced(style, rng, lab)])] + [n(f"t2.art20_1.{r}.{col}") for col in ("new_made", "new_published", "total_published")])
        for blk, item, rs in (("art20_5", "（五）", (("licensing", "行政许可"), ("other_services", "其他对外管理服务事项"))),
                              ("art20_6", "（六）", (("penalty", "行政处罚"), ("coercion", "行政强制")))):
            rows.append([C([f"第二十条第{item}项"], cs=4, kind="head")])
            rows.append([C(["信息内容"], kind="head")] + [C([h], kind="head") for h in heads5])
            for r, lab in rs:
                rows.append([C([spaced(style, rng, lab)]), n(f"t2.{blk}.{r}.prev_items"),
                             C([delta_text(style, c[f"t2.{blk}.{r}.delta_items"])], kind="num"), n(f"t2.{blk}.{r}.decisions")])
        rows.append([C(["第二十条第（八）项"], cs=4, kind="head")])
        rows.append([C(["信息内容"], kind="head"), C(["上一年项目数量"], kind="head"), C(["本年增/减"], kind="head"), C([""], kind="head")])
        rows.append([C(["行政事业性收费"]), n("t2.art20_8.fees.prev_items"),
                     C([delta_text(style, c["t2.art20_8.fees.delta_items"])], kind="num"), C([""], kind="num")])
        rows.append([C(["第二十条第（九）项"], cs=4, kind="head")])
        amount_head = {"wan": "采购总金额（万元）", "yuan": "采购总金额（元）"}.get(style.proc_unit, "采购总金额")
        rows.append([C(["信息内容"], kind="head"), C(["采购项目数量"], kind="head"), C([amount_head], cs=2, kind="head")])
        amt = c["t2.art20_9.central_procurement.proc_amount"]
        unit = {"plain": "inline"}.get(style.proc_unit, style.proc_unit)
        rows.append([C(["政府集中采购"]), n("t2.art20_9.central_procurement.proc_items"),
                     C([money_text(style, amt, unit)], cs=2, kind="num")])
    else:
        rows.append([C(["第二十条第（一）项"], cs=4, kind="head")])
        rows.append([C(["信息内容"], kind="head")] + [C([h], kind="head") for h in ("本年制发件数", "本年废止件数", "现行有效件数")])
        for r, lab in (("regulations", "规章"), ("normative_docs", "行政规范性文件")):
            rows.append([C([spaced(style, rng, lab)])] + [n(f"t2.art20_1.{r}.{col}") for col in ("issued", "repealed", "in_force")])
        for item, rs in (("（五）", (("art20_5.licensing", "行政许可"),)),
                         ("（六）", (("art20_6.penalty", "行政处罚"), ("art20_6.coercion", "行政强制")))):
            rows.append([C([f"第二十条第{item}项"], cs=4, kind="head")])
            rows.append([C(["信息内容"], kind="head"), C(["本年处理决定数量"], cs=3, kind="head")])
            for r, lab in rs:
                rows.append([C([lab]), C([num(style, c[f"t2.{r}.decisions"], t2=True)], cs=3, kind="num")])
        rows.append([C(["第二十条第（八）项"], cs=4, kind="head")])
        fee_head = rng.choice(("本年收费金额（单位：万元）", "本年收费金额(单位:万元)", "本年收费金额（单位：万元）"))
        rows.append([C(["信息内容"], kind="head"), C([fee_head], cs=3, kind="head")])
        fee = c["t2.art20_8.fees.fee_amount"]
        rows.append([C(["行政事业性收费"]), C([num(style, fee)], cs=3, kind="num")])
    return Table(rows, caption="表一：主动公开政府信息情况" if style.caption else "",
                 unit="单位：件" if style.unit and v.edition == "2019" else "")


def t3_labels(style: Style, ed: str) -> list:
    """(key, group index or None, label) for each printed row, in the format's order."""
    out = [("new_received", None, "一、本年新收政府信息公开申请数量"), ("carried_over", None, "二、上年结转政府信息公开申请数量"),
           ("granted", None, f"{gl(style, 0)}予以公开"),
           ("partially_granted", None, f"{gl(style, 1)}部分公开（区分处理的，{style.zhiji}这一情形，不计其他情形）")]
    for g, items in ((2, WITHHELD), (3, UNABLE), (4, REJECTED)):
        for j, (k, lab) in enumerate(items, 1):
            lab = lab.replace("“三安全一稳定”", style.quote)
            out.append((k, g, f"{il(style, j)}{lab}"))
    if ed == "2021":
        for j, (k, lab) in enumerate(OTHER_2021, 1):
            if style.short_other:
                lab = OTHER_2021_SHORT.get(k, lab)
            out.append((k, 5, f"{il(style, j)}{lab}"))
    else:
        out.append(("other", None, f"{gl(style, 5)}其他处理"))
    out.append(("total_processed", None, f"{gl(style, 6)}总计"))
    out.append(("carried_forward", None, "四、结转下年度继续办理"))
    return out


GROUP_NAMES = {2: "不予公开", 3: "无法提供", 4: "不予处理", 5: "其他处理"}


def t3_header(style: Style) -> list:
    corner = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    width = 1 if style.group_rows else 3
    person, total = vert(style, "自然人"), vert(style, "总计")
    person.rs = total.rs = 2
    return [[C([corner], rs=3, cs=width, kind="head"), C(["申请人情况"], cs=7, kind="head")],
            [person, C(["法人或其他组织"], cs=5, kind="head"), total],
            [C([h], kind="head") for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构")] + [vert(style, "其他")]]


def t3_table(rng: random.Random, style: Style, v: Values) -> Table:
    c = v.cells
    labels = t3_labels(style, v.edition)
    if style.swap:
        i = rng.choice([i for i in range(4, len(labels) - 3) if labels[i][1] is not None and labels[i + 1][1] == labels[i][1]])
        labels[i], labels[i + 1] = labels[i + 1], labels[i]
    head = t3_header(style)
    for row in head[1:]:
        for cell in row:
            if cell.vertical is False and cell.lines[0] in ("自然人", "总计", "其他"):
                cell.kind = "head"
    vals = lambda k: [C([num(style, c[f"t3.{k}.{col}"])], kind="num") for col in T3_COLS]  # noqa: E731
    body: list = []
    if style.group_rows:
        # one label column; groups printed as rows of their own; 三、本年度办理结果 a row too
        dropped = rng.choice((2, 3, 4)) if style.drop_group else None
        seen: set = set()
        for k, g, lab in labels:
            if k == "granted":
                body.append([C(["三、本年度办理结果"])] + [C([""], kind="num") for _ in T3_COLS])
            if g is not None and g not in seen:
                seen.add(g)
                if g != dropped:
                    body.append([C([f"{gl(style, g)}{GROUP_NAMES[g]}"])] + [C([""], kind="num") for _ in T3_COLS])
            body.append([C([lab])] + vals(k))
        return Table(head + body, header_rows=3)
    n_outcomes = sum(1 for k, g, _ in labels if k not in ("new_received", "carried_over", "carried_forward"))
    i = 0
    while i < len(labels):
        k, g, lab = labels[i]
        row: list = []
        if k in ("new_received", "carried_over", "carried_forward"):
            row.append(C([lab], cs=3))
        else:
            if k == "granted":
                row.append(vert(style, "三、本年度办理结果") if style.vertical else C(["三、本年度办理结果"]))
                row[-1].rs = n_outcomes
            if g is None:
                row.append(C([lab], cs=2))
            else:
                first = i == 0 or labels[i - 1][1] != g
                if first:
                    size = sum(1 for _, gg, _ in labels if gg == g)
                    name = f"{gl(style, g)}{GROUP_NAMES[g]}"
                    gcell = C([name[:3], name[3:]] if style.vertical and rng.random() < 0.5 else [name], rs=size)
                    row.append(gcell)
                row.append(C([lab]))
        body.append(row + vals(k))
        i += 1
    return Table(head + body, caption="表二：收到和处理政府信息公开申请情况" if style.caption else "",
                 unit="单位：件" if style.unit else "",
                 note="注：本表数据统计时间为1月1日至12月31日。" if style.note else "", header_rows=3)


def t4_table(style: Style, v: Values) -> Table:
    c = v.cells
    five = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    vals = [C([num(style, c[f"t4.{g}.{col}"])], kind="num") for g in T4_GROUPS for col in T4_COLS]
    if style.t4_flat:
        rows = [[C(["行政复议"], cs=5, kind="head"), C(["行政诉讼（未经复议直接起诉）"], cs=5, kind="head"),
                 C(["行政诉讼（复议后起诉）"], cs=5, kind="head")],
                [C([h], kind="head") for _ in range(3) for h in five], vals]
    else:
        rows = [[C(["行政复议"], cs=5, kind="head"), C(["行政诉讼"], cs=10, kind="head")],
                [C([h], rs=2, kind="head") for h in five] + [C(["未经复议直接起诉"], cs=5, kind="head"), C(["复议后起诉"], cs=5, kind="head")],
                [C([h], kind="head") for _ in range(2) for h in five], vals]
    return Table(rows, caption="表三：政府信息公开行政复议、行政诉讼情况" if style.caption else "")


HEADINGS = [["总体情况"], ["主动公开政府信息情况", "政府信息主动公开情况"],
            ["收到和处理政府信息公开申请情况", "收到和处理政府信息依申请公开情况"],
            ["政府信息公开行政复议、行政诉讼情况", "因政府信息公开申请行政复议、提起行政诉讼情况"],
            ["存在的主要问题及改进情况", "存在的主要问题及改进措施"], ["其他需要报告的事项"]]


def heading(style: Style, i: int, text: str) -> Para:
    if style.heading == "arabic":
        return Para(f"{i + 1}. {text}" if i % 2 else f"{i + 1}、{text}", "h1")
    if style.heading == "part":
        return Para(f"第{CN_NUM[i]}部分 {text}", "h1")
    return Para(f"{CN_NUM[i]}、{text}", "h1b" if style.heading == "bold" else "h1")


def narrative(rng: random.Random, v: Values, i: int) -> list:
    c = v.cells
    y = v.year
    got = c["t3.new_received.total"] or 0
    if i == 0:
        ps = [f"{y}年，{v.agency}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》"
              f"和上级关于政务公开工作的部署要求，围绕中心工作，深化主动公开，规范依申请公开，现将本年度政府信息公开工作情况报告如下。",
              f"{CN_NUM[0]}是主动公开。全年通过门户网站主动公开政府信息{rng.randint(120, 3000)}条，其中政策解读{rng.randint(3, 40)}篇，"
              f"回应社会关切{rng.randint(1, 30)}次。",
              f"{CN_NUM[1]}是依申请公开。{y}年共收到政府信息公开申请{got}件，均在法定期限内答复。"]
        if v.edition == "2021":
            ps.append("三是政府信息管理。严格落实信息发布保密审查制度，全年未发生泄密事件。")
        return ps
    if i == 4:
        return ["存在的主要问题：一是主动公开的深度和广度有待加强；二是政策解读形式较为单一。",
                f"改进措施：{y + 1}年，我们将进一步加强业务培训，提升公开质量。"]
    if i == 5:
        return [rng.choice(("本年度未收取信息处理费。", "无其他需要报告的事项。",
                            f"依据《政府信息公开信息处理费管理办法》，本机关{y}年度未收取信息处理费。"))]
    return []


def build_page(rng: random.Random, v: Values, style: Style) -> list:
    blocks: list = [Para(f"{v.agency}{v.year}年政府信息公开工作年度报告", "title")]
    if rng.random() < 0.4:
        blocks.append(Para(f"（{v.year + 1}年1月{rng.randint(10, 30)}日）", "p"))
    tables = {1: t2_table(rng, style, v), 2: t3_table(rng, style, v), 3: t4_table(style, v)}
    for i in range(6):
        blocks.append(heading(style, i, rng.choice(HEADINGS[i])))
        blocks.extend(Para(t) for t in narrative(rng, v, i))
        if i in tables:
            blocks.append(tables[i])
    blocks.append(Para(v.agency, "sign"))
    blocks.append(Para(f"{v.year + 1}年1月{rng.randint(10, 31)}日", "sign"))
    return blocks


# ---------------------------------------------------------------------------------------------
# HTML renderers
# ---------------------------------------------------------------------------------------------

E = htmlmod.escape


def _split_spans(rng: random.Random, s: str, style: Style) -> str:
    if not style.spans or len(s) < 2 or rng.random() < 0.5:
        return f"<span lang=EN-US>{E(s)}</span>"
    out = []
    k = 0
    while k < len(s):
        step = rng.randint(1, 2)
        out.append(f"<span lang=EN-US style='font-size:10.5pt;font-family:\"Times New Roman\"'>{E(s[k:k + step])}</span>")
        k += step
    return "".join(out)


def cell_html(rng: random.Random, style: Style, c: C, tag: str = "td") -> str:
    attrs = ""
    if c.rs > 1:
        attrs += f" rowspan={c.rs}" if style.page in ("word", "wps") else f' rowspan="{c.rs}"'
    if c.cs > 1:
        attrs += f" colspan={c.cs}" if style.page in ("word", "wps") else f' colspan="{c.cs}"'
    text = [t for t in c.lines]
    empty = all(t == "" for t in text)
    if style.page in ("word", "wps"):
        w = 40 if c.kind == "num" else 120
        st = ("border:solid windowtext 1.0pt;border-top:none;mso-border-alt:solid windowtext .5pt;"
              "padding:0cm 5.4pt 0cm 5.4pt")
        cls = "MsoNormal" if style.page == "word" else "MsoNormal"
        align = " align=center style='text-align:center'" if c.kind != "label" else ""
        if empty:
            inner = f"<p class={cls}{align}><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
        elif c.kind == "num":
            inner = f"<p class={cls}{align}>{_split_spans(rng, text[0], style)}<span lang=EN-US><o:p></o:p></span></p>"
        else:
            font = "宋体" if style.page == "word" else "仿宋_GB2312"
            inner = "\n  ".join(f"<p class={cls}{align}><span style='font-size:10.5pt;font-family:{font}'>{E(t)}"
                                f"<span lang=EN-US><o:p></o:p></span></span></p>" for t in text)
        return f"<td width={w} valign=top style='{st}'{attrs}>\n  {inner}\n  </td>"
    if style.page == "excel_cms":
        cls = "xl66" if c.kind == "num" else ("xl67" if c.kind == "head" else "xl65")
        x = ""
        raw = text[0] if text else ""
        if c.kind == "num" and re.fullmatch(r"-?[\d,]+(\.\d+)?", raw):
            x = f' x:num="{raw.replace(",", "")}"' if "," in raw else " x:num"
        inner = "<br>".join(E(t) for t in text) if not empty else ""
        return f'<td class="{cls}"{attrs}{x}>{inner}</td>'
    # trs / hanweb
    st = ' style="border:1px solid #000;text-align:center;vertical-align:middle;"' if style.page == "trs" else ' valign="middle" align="center"'
    if empty:  # editors keep an empty pasted cell's <p>, or normalise it to <br> or nothing
        inner = rng.choice(("<p>&nbsp;</p>", "<p>&nbsp;</p>", "<br>", "")) if rng.random() < style.cell_p \
            else rng.choice(("&nbsp;", ""))
    elif c.vertical or len(text) > 1:
        inner = "<br>".join(E(t) for t in text) if rng.random() < 0.6 else "".join(f"<p>{E(t)}</p>" for t in text)
    elif rng.random() < style.cell_p:
        inner = f'<p style="text-align:center;line-height:1.5em"><span style="font-size:14px;font-family:宋体">{E(text[0])}</span></p>'
    else:
        inner = E(text[0])
    return f"<{tag}{attrs}{st}>{inner}</{tag}>"


def table_html(rng: random.Random, style: Style, t: Table) -> str:
    parts = []
    if t.caption:
        parts.append(_para_html(style, Para(t.caption, "cap")))
    if t.unit:
        parts.append(_para_html(style, Para(t.unit, "unit")))

    def one(rows: list) -> str:
        nl = "" if style.compact else "\n"
        if style.page in ("word", "wps"):
            head = ("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 width=568 "
                    "style='width:426.0pt;border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>")
        elif style.page == "excel_cms":
            ncols = max(sum(c.cs for c in r) for r in rows)
            head = ("<table border=\"0\" cellpadding=\"0\" cellspacing=\"0\" width=\"860\" x:str "
                    "style=\"border-collapse:collapse;table-layout:fixed;width:645pt\">" + nl +
                    nl.join(f'<col width="{60 if j else 200}" style="width:{45 if j else 150}pt">' for j in range(ncols)))
        elif style.page == "trs":
            head = '<table border="1" cellspacing="0" cellpadding="0" style="border-collapse:collapse;width:100%;">'
        else:
            head = '<table width="100%" border="1" cellspacing="0" cellpadding="0" align="center">'
        tr = '<tr height=20 style="height:15.0pt">' if style.page == "excel_cms" else "<tr>"
        body = nl.join(tr + nl +
                       nl.join(cell_html(rng, style, c) for c in r) + nl + "</tr>" for r in rows)
        tb = "<tbody>" if style.page in ("trs", "hanweb") else ""
        tbe = "</tbody>" if tb else ""
        return f"{head}{nl}{tb}{body}{tbe}{nl}</table>"

    rows = t.rows
    if t.header_rows and style.split_header:
        parts.append(one(rows[:t.header_rows]))
        parts.append(one(rows[t.header_rows:]))
    elif t.header_rows and style.page_break:
        cut = t.header_rows + 2 + (len(rows) - t.header_rows) // 2
        # a cut inside a rowspan: the spanning cell is re-printed, shortened, as Word does on splitting a table
        first, second = _cut_rows(rows, cut)
        parts.append(one(first))
        if style.page in ("word", "wps"):
            parts.append("<span lang=EN-US style='font-size:10.5pt'><br clear=all style='page-break-before:always'></span>")
        parts.append(one(rows[:t.header_rows] + second))
    else:
        parts.append(one(rows))
    if t.note:
        parts.append(_para_html(style, Para(t.note, "p")))
    return "\n".join(parts)


def _cut_rows(rows: list, cut: int) -> tuple:
    """Split rows at `cut`; a rowspan crossing the cut is divided (and its label repeated below)."""
    first = [[C(list(c.lines), c.rs, c.cs, c.kind, c.vertical) for c in r] for r in rows[:cut]]
    second = [[C(list(c.lines), c.rs, c.cs, c.kind, c.vertical) for c in r] for r in rows[cut:]]
    col = {id(c): j for line in grid(first) for j, c in enumerate(line) if c is not None}
    carry: list = []  # (grid column, cell) for spans crossing the cut: always the leftmost labels
    for i, r in enumerate(first):
        for c in r:
            if i + c.rs > cut:
                left = i + c.rs - cut
                c.rs = cut - i
                carry.append((col[id(c)], C(list(c.lines), left, c.cs, c.kind, c.vertical)))
    if second:
        second[0][:0] = [c for _, c in sorted(carry, key=lambda x: x[0])]
    return first, second


def _para_html(style: Style, p: Para) -> str:
    t = E(p.text)
    if style.page in ("word", "wps"):
        if p.kind == "title":
            return (f"<p class=MsoNormal align=center style='text-align:center'><b><span "
                    f"style='font-size:22.0pt;font-family:方正小标宋简体'>{t}</span></b></p>")
        if p.kind in ("h1", "h1b"):
            return f"<p class=MsoNormal style='text-indent:32.0pt'><span style='font-size:16.0pt;font-family:黑体'>{t}</span></p>"
        if p.kind == "sign":
            return f"<p class=MsoNormal align=right style='text-align:right'><span style='font-size:16.0pt;font-family:仿宋_GB2312'>{t}</span></p>"
        if p.kind in ("cap", "unit"):
            al = "center" if p.kind == "cap" else "right"
            return f"<p class=MsoNormal align={al} style='text-align:{al}'><span style='font-family:黑体'>{t}</span></p>"
        return (f"<p class=MsoNormal style='text-indent:32.0pt;line-height:28.0pt'><span "
                f"style='font-size:16.0pt;font-family:仿宋_GB2312'>{t}</span></p>")
    if p.kind == "title":
        return f'<p style="text-align:center"><strong><span style="font-size:22px">{t}</span></strong></p>'
    if p.kind == "h1b":
        return f'<p style="text-indent:2em"><strong>{t}</strong></p>'
    if p.kind == "h1":
        return f'<p style="text-indent:2em;"><span style="font-family:黑体">{t}</span></p>'
    if p.kind == "sign" or p.kind == "unit":
        return f'<p style="text-align:right">{t}</p>'
    if p.kind == "cap":
        return f'<p style="text-align:center"><strong>{t}</strong></p>'
    return f'<p style="text-indent:2em;line-height:1.75em">{t}</p>'


def render_html(rng: random.Random, v: Values, style: Style, blocks: list) -> bytes:
    body = "\n".join(table_html(rng, style, b) if isinstance(b, Table) else _para_html(style, b) for b in blocks)
    if style.page in ("word", "wps"):
        enc = "gb2312" if style.page == "word" else "utf-8"
        gen = "Microsoft Word 15" if style.page == "word" else "WPS Office"
        doc = (f"<html xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" "
               f"xmlns:w=\"urn:schemas-microsoft-com:office:word\" xmlns=\"http://www.w3.org/TR/REC-html40\">\n<head>\n"
               f"<meta http-equiv=Content-Type content=\"text/html; charset={enc}\">\n<meta name=Generator content=\"{gen}\">\n"
               f"<title>{E(blocks[0].text)}</title>\n<style>\n<!--\n /* Font Definitions */\n @font-face\n\t{{font-family:宋体;}}\n"
               f"p.MsoNormal, li.MsoNormal, div.MsoNormal\n\t{{margin:0cm;margin-bottom:.0001pt;text-align:justify;"
               f"font-size:10.5pt;font-family:\"Times New Roman\";}}\n-->\n</style>\n</head>\n"
               f"<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>\n<div class=WordSection1 "
               f"style='layout-grid:15.6pt'>\n{body}\n</div>\n</body>\n</html>\n")
        return doc.encode("gb18030" if enc == "gb2312" else "utf-8")
    site = v.agency
    chrome_top = (f'<div class="header"><div class="logo">{E(site)}</div><ul class="nav"><li><a href="/">首页</a></li>'
                  f'<li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li></ul></div>\n'
                  f'<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政府信息公开</a> &gt; 年报</div>\n')
    meta = (f'<div class="info">发布时间：{v.year + 1}-01-{rng.randint(10, 28):02d} 来源：{E(site)} 浏览次数：{rng.randint(100, 99999)} '
            f'<span>字号：[ 大 中 小 ]</span></div>\n')
    footer = (f'<div class="footer"><p>主办单位：{E(site)} 网站标识码：{rng.randint(1000000000, 9999999999)}</p>'
              f'<p>备案号：浙ICP备{rng.randint(10000000, 99999999)}号-1 公网安备 {rng.randint(10**13, 10**14 - 1)}号</p></div>')
    if style.page == "trs":
        article = f'<div class="TRS_Editor"><div class="Custom_UnionStyle">\n{body}\n</div></div>'
        wrap = f'<div class="article"><h1 class="title">{E(blocks[0].text)}</h1>\n{meta}<div class="content">{article}</div></div>'
    elif style.page == "hanweb":
        wrap = f'<div class="main"><div class="wzy_title">{E(blocks[0].text)}</div>\n{meta}<div id="zoom">\n{body}\n</div></div>'
    else:
        wrap = f'<div class="view TRS_UEDITOR trs_paper_default trs_word trs_key4format">\n{body}\n</div>'
    doc = (f'<!DOCTYPE html>\n<html>\n<head>\n<meta charset="utf-8">\n<title>{E(blocks[0].text)}_{E(site)}</title>\n'
           f'<meta name="SiteName" content="{E(site)}">\n<meta name="ArticleTitle" content="{E(blocks[0].text)}">\n'
           f'<link rel="stylesheet" href="/css/style.css">\n<script>var _hmt=_hmt||[];</script>\n</head>\n<body>\n'
           f'{chrome_top}{wrap}\n{footer}\n</body>\n</html>\n')
    return doc.encode("utf-8")


# ---------------------------------------------------------------------------------------------
# Text forms
# ---------------------------------------------------------------------------------------------

def crawl_text(data: bytes) -> str:
    """What a crawler keeps: lxml text_content() of the article container, whitespace as it comes."""
    import lxml.html

    root = lxml.html.document_fromstring(data)
    for sel in ('//div[@class="TRS_Editor"]', '//div[@id="zoom"]', '//div[contains(@class,"TRS_UEDITOR")]',
                '//div[@class="WordSection1"]'):
        found = root.xpath(sel)
        if found:
            node = found[0]
            break
    else:
        node = root.body
    title = root.findtext(".//title") or ""
    text = node.text_content()
    # crawlers strip each line and drop empty ones
    lines = [ln.strip() for ln in text.replace("\r", "").split("\n")]
    return title.split("_")[0] + "\n" + "\n".join(ln for ln in lines if ln) + "\n"


def md_cell(c: C) -> str:
    return "<br>".join(t for t in c.lines if t) if not c.vertical else "".join(c.lines)


def grid(rows: list) -> list:
    """Rows of C expanded to a full grid: spanned positions hold None."""
    out: list = []
    taken: dict = {}
    for i, r in enumerate(rows):
        line: list = []
        j = 0
        it = iter(r)
        while True:
            while (i, j) in taken:
                line.append(None)
                j += 1
            c = next(it, None)
            if c is None:
                break
            for di in range(c.rs):
                for dj in range(c.cs):
                    if di or dj:
                        taken[(i + di, j + dj)] = True
            line.append(c)
            j += 1
            for _ in range(c.cs - 1):
                line.append(None)
                j += 1
        out.append(line)
    width = max(len(x) for x in out)
    return [x + [None] * (width - len(x)) for x in out]


def render_markdown(rng: random.Random, v: Values, style: Style, blocks: list) -> str:
    page = [1]
    total_pages = rng.randint(6, 12)
    footer_kind = rng.choice(("dash", "page", "num"))
    mineru = rng.random() < 0.25

    def footer() -> str:
        page[0] += 1
        n = page[0]
        return {"dash": f"— {n} —", "page": f"第 {n} 页 共 {total_pages} 页", "num": f"- {n} -"}[footer_kind]

    out: list = []
    for b in blocks:
        if isinstance(b, Para):
            if b.kind == "title":
                out.append(f"# {b.text}")
            elif b.kind in ("h1", "h1b"):
                out.append(f"## {b.text}" if rng.random() < 0.6 else f"**{b.text}**")
            else:
                txt = b.text
                if len(txt) > 60 and rng.random() < 0.3:
                    k = rng.randint(20, len(txt) - 20)
                    out.append(txt[:k])
                    out.append(footer())
                    out.append(txt[k:])
                    continue
                out.append(txt)
            continue
        if b.caption:
            out.append(b.caption)
        if b.unit:
            out.append(b.unit)
        g = grid(b.rows)
        if mineru:
            rows_html = []
            for r in b.rows:
                rows_html.append("<tr>" + "".join(
                    f"<td{f' rowspan={c.rs}' if c.rs > 1 else ''}{f' colspan={c.cs}' if c.cs > 1 else ''}>{E(md_cell(c))}</td>"
                    for c in r) + "</tr>")
            out.append("<html><body><table>" + "".join(rows_html) + "</table></body></html>")
        else:
            lines = ["| " + " | ".join(md_cell(c) if c is not None else "" for c in r) + " |" for r in g]
            sep = "|" + "|".join("---" for _ in g[0]) + "|"
            hn = max(1, b.header_rows or 1)
            cut = None
            if len(g) > 12 and rng.random() < 0.6:
                cut = rng.randint(hn + 3, len(g) - 3)
            if cut is None:
                out.append("\n".join([lines[0], sep] + lines[1:]))
            else:
                out.append("\n".join([lines[0], sep] + lines[1:cut]))
                out.append(footer())
                rest = lines[cut:]
                if rng.random() < 0.5:
                    rest = lines[:hn] + rest
                    out.append("\n".join([rest[0], sep] + rest[1:]))
                else:
                    out.append("\n".join([rest[0], sep] + rest[1:]))
        if b.note:
            out.append(b.note)
    return "\n\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------
# Corpus, parse, score
# ---------------------------------------------------------------------------------------------

FORMS = ("html", "webcopy", "crawl", "markdown")


def generate(out: pathlib.Path, n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    for d in ("truth",) + FORMS:
        (out / d).mkdir(parents=True, exist_ok=True)
    names = []
    pages = {}
    for i in range(n):
        v = make_values(rng, i)
        style = make_style(rng)
        apply_blanks(rng, style, v)
        name = f"u{i:03d}_{style.page}_{v.edition}"
        names.append(name)
        blocks = build_page(rng, v, style)
        data = render_html(rng, v, style, blocks)
        (out / "html" / f"{name}.html").write_bytes(data)
        pages[name] = data
        (out / "crawl" / f"{name}.txt").write_text(crawl_text(data), encoding="utf-8")
        (out / "markdown" / f"{name}.md").write_text(render_markdown(rng, v, style, blocks), encoding="utf-8")
        truth = {"agency": v.agency, "year": v.year, "edition": v.edition, "cells": v.cells}
        (out / "truth" / f"{name}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
        with (out / "styles.jsonl").open("a", encoding="utf-8") as f:  # each report's habits, for grouping misses
            f.write(json.dumps({"name": name, **style.__dict__}, ensure_ascii=False) + "\n")
    _browser_copies(out, names)
    return names


def _browser_copies(out: pathlib.Path, names: list[str]) -> None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright missing: no webcopy form", file=sys.stderr)
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page()
        for name in names:
            page.goto((out / "html" / f"{name}.html").resolve().as_uri())
            (out / "webcopy" / f"{name}.txt").write_text(page.evaluate("document.body.innerText"), encoding="utf-8")
        browser.close()


def office(out: pathlib.Path, names: list[str], k: int, seed: int) -> None:
    if not shutil.which("soffice"):
        print("soffice missing: no docx/pdf forms", file=sys.stderr)
        return
    pick = random.Random(seed + 1).sample(names, min(k, len(names)))
    for fmt in ("docx", "pdf"):
        (out / fmt).mkdir(exist_ok=True)
        with tempfile.TemporaryDirectory() as prof:
            srcs = [str(out / "html" / f"{n}.html") for n in pick]
            target = "docx:MS Word 2007 XML" if fmt == "docx" else "pdf:writer_pdf_Export"
            subprocess.run(["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--infilter=HTML (StarWriter)",
                            "--convert-to", target, "--outdir", str(out / fmt)] + srcs,
                           check=False, capture_output=True, timeout=1200)


def parse_and_score(out: pathlib.Path, forms: list[str], verbose: bool) -> dict:
    results = {}
    for form in forms:
        src = out / form
        if not src.is_dir() or not any(src.iterdir()):
            continue
        dst = out / f"parsed-{form}"
        shutil.rmtree(dst, ignore_errors=True)
        dst.mkdir()
        files = sorted(str(p) for p in src.iterdir())
        subprocess.run([str(XXGK), "parse", *files, "--format", "json", "-o", str(dst)], capture_output=True, check=False)
        truth = out / "truth"
        if form in ("docx", "pdf"):  # only the sampled reports
            truth = out / f"truth-{form}"
            shutil.rmtree(truth, ignore_errors=True)
            truth.mkdir()
            for p in src.iterdir():
                shutil.copy(out / "truth" / f"{p.stem}.json", truth)
        res = subprocess.run([sys.executable, str(SCORE), str(truth), str(dst)] + (["--verbose"] if verbose else []),
                             capture_output=True, text=True, check=False)
        lines = res.stdout.strip().splitlines()
        if verbose:
            print(f"== {form}")
            print("\n".join(ln for ln in lines if not re.search(r": (\d+)/\1$", ln)))
        results[form] = lines[-2:]
        print(f"{form:9s} {lines[-1]}  ({lines[-2]})")
        flags = flag_counts(truth, dst)
        print(f"{'':9s} wrong {flags['wrong']}: flagged {flags['flagged']}, silent {flags['silent']}; "
              f"flagged but right {flags['flagged_right']}")
        if verbose:
            for name, key, want, got in flags["silent_cells"]:
                print(f"  silent: {name} {key} want {want!r} got {got!r}")
    return results


def flag_counts(truth: pathlib.Path, parsed: pathlib.Path) -> dict:
    """Wrong cells that the parse flags (status `missing`, `inferred` by a rule, or named by an
    R-ambiguous finding) and those it does not (silent), and right cells it flags."""
    def same(a: object, b: object) -> bool:
        if a is None or b is None:
            return a is None and b is None
        return abs(float(a) - float(b)) < 1e-6  # type: ignore[arg-type]

    counts = {"wrong": 0, "flagged": 0, "silent": 0, "flagged_right": 0, "silent_cells": []}
    for tf in sorted(truth.glob("*.json")):
        pf = parsed / tf.name
        if not pf.exists():
            continue
        want = json.loads(tf.read_text(encoding="utf-8"))["cells"]
        got = json.loads(pf.read_text(encoding="utf-8"))
        ambiguous = {k for f in got.get("findings", []) if f["rule"] == "R-ambiguous" for k in f["cells"]}
        for key, value in want.items():
            cell = got["cells"].get(key) or {"value": None, "status": "missing"}
            flagged = cell["status"] == "missing" or (cell["status"] == "inferred" and cell.get("rule")) \
                or key in ambiguous
            if not same(cell["value"], value):
                counts["wrong"] += 1
                counts["flagged" if flagged else "silent"] += 1
                if not flagged:
                    counts["silent_cells"].append((tf.stem, key, value, cell["value"]))
            elif key in ambiguous:
                counts["flagged_right"] += 1
    return counts


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--out", type=pathlib.Path, default=pathlib.Path("/tmp/xxgk-unseen"))
    ap.add_argument("--office", type=int, default=0, help="convert this many html reports with LibreOffice")
    ap.add_argument("--score-only", action="store_true")
    ap.add_argument("--forms", default=",".join(FORMS + ("docx", "pdf")))
    ap.add_argument("--verbose", action="store_true")
    a = ap.parse_args(argv)
    if not a.score_only:
        shutil.rmtree(a.out, ignore_errors=True)
        names = generate(a.out, a.n, a.seed)
        if a.office:
            office(a.out, names, a.office, a.seed)
    parse_and_score(a.out, a.forms.split(","), a.verbose)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
