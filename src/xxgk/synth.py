"""Random consistent reports and their renderings in the layouts real reports come in.

For property tests, benchmarks and accuracy measurement. `random_report` draws a `Report` whose
cells satisfy the hard rules H1–H7 of FORMAT.md exactly, with the distributions real reports show
(many zeros, natural persons dominating applicants, tens of thousands of 行政许可 decisions at
large agencies, dashes and blanks where real reports leave cells empty). `render_<layout>` prints
it the way a real report reaches xxgk:

- `docx_text`: text extracted from DOCX (one cell per tab-indented line, blank line between rows);
- `pdf_text`: text extracted from PDF (tab-separated rows, labels split, cells lost);
- `web_text`: text copied from a web page (each row's cells run together);
- `markdown`: a PDF→Markdown converter's output (pipe tables broken at page footers);
- `html_word`: Word-exported HTML inside a government portal page (UTF-8/GBK/GB18030);
- `html_clean`: clean semantic HTML.

`truth_json` gives the truth file `shared/tools/score.py` compares parser output against.
Everything is driven by the `random.Random` passed in: the same seed gives the same output.

Two deliberate limits keep `truth_json` exact for every layout: text extracted from PDF prints
null cells as dashes (a blank there would vanish and its truth would become whatever the rules
imply), and it loses only numeric cells the rules still determine (`_losses_determined`).
"""

from __future__ import annotations

import datetime as dt
import functools
import html as htmllib
import math
import random
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Literal

from . import editions
from .editions import Edition, Row
from .model import Cell, Number, Report, Section

LAYOUTS = ("docx_text", "pdf_text", "web_text", "markdown", "html_word", "html_clean")
TEXT_LAYOUTS = ("docx_text", "pdf_text", "web_text", "markdown")
HTML_LAYOUTS = ("html_word", "html_clean")
SUFFIXES = {"docx_text": ".txt", "pdf_text": ".txt", "web_text": ".txt", "markdown": ".md",
            "html_word": ".html", "html_clean": ".html"}

AgencyKind = Literal["government", "department", "town"]
Values = dict[str, "Number | None"]


# ---------------------------------------------------------------------------------------------
# Agencies
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Agency:
    name: str
    kind: AgencyKind
    tier: int  # 0 town, 1 county department, 2 county government / city department, 3 city
    site: str  # the government portal that publishes the report
    profile: str  # which table-2 rows have numbers: light, licensing, enforcer, police, ...
    we: str  # how the narrative names the agency: 我局, 我县, 我镇 …


# (city, its counties and districts); every name survives s2t→t2s unchanged.
_CITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("佳木斯市", ("桦川县", "汤原县", "富锦市", "同江市", "抚远市")),
    ("鹤岗市", ("萝北县", "绥滨县", "向阳区", "工农区")),
    ("哈尔滨市", ("方正县", "依兰县", "宾县", "通河县", "木兰县", "延寿县", "道里区")),
    ("杭州市", ("西湖区", "余杭区", "桐庐县", "淳安县")),
    ("宁波市", ("鄞州区", "象山县", "宁海县")),
    ("苏州市", ("昆山市", "吴江区", "常熟市")),
    ("成都市", ("武侯区", "郫都区", "金堂县")),
    ("绵阳市", ("江油市", "三台县", "盐亭县")),
    ("深圳市", ("福田区", "南山区", "宝安区")),
    ("青岛市", ("黄岛区", "即墨区", "胶州市")),
    ("郑州市", ("中牟县", "新郑市", "登封市")),
    ("长沙市", ("浏阳市", "长沙县", "宁乡市")),
)
# Municipalities: their districts print the city name first ("上海市浦东新区市场监督管理局").
_MUNICIPALITIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("上海市", ("浦东新区", "黄浦区", "静安区", "徐汇区", "闵行区", "崇明区")),
    ("重庆市", ("渝中区", "万州区", "涪陵区")),
    ("北京市", ("朝阳区", "海淀区", "延庆区")),
)
# (department, table-2 profile, self-reference)
_DEPARTMENTS: tuple[tuple[str, str, str], ...] = (
    ("商务局", "light", "我局"), ("市场监督管理局", "enforcer", "我局"),
    ("工业信息科技局", "light", "我局"), ("财政局", "fees", "我局"), ("教育局", "licensing", "我局"),
    ("卫生健康委员会", "licensing", "我委"), ("生态环境局", "enforcer", "我局"),
    ("自然资源局", "licensing", "我局"), ("住房和城乡建设局", "licensing", "我局"),
    ("交通运输局", "enforcer", "我局"), ("水务局", "licensing", "我局"),
    ("农业农村局", "enforcer", "我局"), ("民政局", "licensing", "我局"),
    ("人力资源和社会保障局", "licensing", "我局"), ("司法局", "light", "我局"),
    ("审计局", "light", "我局"), ("统计局", "light", "我局"),
    ("文化广电和旅游局", "licensing", "我局"), ("应急管理局", "enforcer", "我局"),
    ("发展和改革委员会", "light", "我委"), ("公安局", "police", "我局"),
    ("医疗保障局", "light", "我局"), ("退役军人事务局", "light", "我局"),
    ("行政审批局", "approver", "我局"), ("城市管理综合执法局", "enforcer", "我局"),
    ("人民政府办公室", "light", "我办"),
)
_TOWNS = ("悦来镇", "苏家店镇", "星火乡", "新城镇", "东河乡", "横头山镇", "梧桐镇", "城关镇",
          "长发镇", "大林镇", "建设街道", "向阳街道")


def _county_we(county: str) -> str:
    return {"县": "我县", "区": "我区", "市": "我市"}.get(county[-1:], "本机关")


def _town_agency(rng: random.Random, county: str, site: str) -> Agency:
    town = rng.choice(_TOWNS)
    if town.endswith("街道"):
        name, we = town + "办事处", "本街道"
    else:
        name, we = town + "人民政府", "我" + town[-1]
    if rng.random() < 0.5:
        name = county + name
    return Agency(name, "town", 0, site, "town", we)


def random_agency(rng: random.Random) -> Agency:
    """An agency from realistic name parts: city and county governments, their departments, towns."""
    if rng.random() < 0.18:
        muni, districts = rng.choice(_MUNICIPALITIES)
        district = rng.choice(districts)
        county, city, site = muni + district, muni, muni + district + "人民政府"
        county_tier = 3
    else:
        city, counties = rng.choice(_CITIES)
        county = rng.choice(counties)
        site = county + "人民政府"
        county_tier = 2
    roll = rng.random()
    if roll < 0.10:
        return Agency(city + "人民政府", "government", 3, city + "人民政府", "government", "我市")
    if roll < 0.30:
        return Agency(site, "government", county_tier, site, "government", _county_we(county))
    if roll < 0.85:
        dept, profile, we = rng.choice(_DEPARTMENTS)
        if roll < 0.50 and not county.startswith(city):
            return Agency(city + dept, "department", 2, city + "人民政府", profile, we)
        return Agency(county + dept, "department", county_tier - 1, site, profile, we)
    return _town_agency(rng, county, site)


def agency_from_name(name: str) -> Agency:
    """Best-effort `Agency` for a given name (kind, site and self-reference from its suffix)."""
    if re.search(r"(镇|乡)人民政府$|街道办事处$", name):
        m = re.match(r"(.+?[县区市])(?=.+(镇|乡|街道))", name)
        site = m.group(1) + "人民政府" if m else name
        return Agency(name, "town", 0, site, "town", "本街道" if "街道" in name else "我镇")
    if name.endswith("人民政府"):
        return Agency(name, "government", 2, name, "government", _county_we(name[:-4] or "县"))
    for dept, profile, we in _DEPARTMENTS:
        if name.endswith(dept) and len(name) > len(dept):
            return Agency(name, "department", 1, name[: -len(dept)] + "人民政府", profile, we)
    return Agency(name, "department", 1, name, "light", "本机关")


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------

def _loguniform(rng: random.Random, lo: int, hi: int) -> int:
    """An integer in [lo, hi], uniform in log scale (most counts are small, a few very large)."""
    if hi <= lo:
        return lo
    v = math.exp(rng.uniform(math.log(lo + 1), math.log(hi + 1))) - 1
    return max(lo, min(hi, int(v)))


def _binomial(rng: random.Random, n: int, p: float) -> int:
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if n < 40:
        return sum(1 for _ in range(n) if rng.random() < p)
    v = round(rng.gauss(n * p, math.sqrt(n * p * (1 - p))))
    return max(0, min(n, v))


def _multinomial(rng: random.Random, n: int, weights: list[float]) -> list[int]:
    """Split n into len(weights) non-negative parts (sequential binomials: exact sum)."""
    out = []
    rest = float(sum(weights))
    for w in weights[:-1]:
        k = _binomial(rng, n, w / rest if rest > 0 else 0.0)
        out.append(k)
        n -= k
        rest -= w
    out.append(n)
    return out


def _money(cents: int) -> Number:
    """万元 with at most two decimals, as int when whole."""
    return cents // 100 if cents % 100 == 0 else float(Decimal(cents) / 100)


_T2_LEVELS = {  # profile → (licensing, other services, penalty, coercion, fees) magnitude 0..3
    "light": (0, 0, 0, 0, 0), "licensing": (2, 1, 1, 0, 1), "enforcer": (2, 1, 3, 2, 1),
    "police": (2, 1, 3, 3, 2), "fees": (0, 1, 0, 0, 2), "approver": (3, 2, 0, 0, 1),
    "government": (3, 2, 3, 2, 2), "town": (1, 1, 0, 0, 0),
}


def _items(rng: random.Random, level: int, tier: int) -> int:
    """A number of 权力事项 (项目数量) for a row of the given magnitude."""
    if level == 0 or rng.random() < 0.15:
        return 0
    return _loguniform(rng, 1, (20, 150, 600, 1800)[level] * (1 + tier) // 2)


def _decisions(rng: random.Random, level: int, tier: int) -> int:
    """A number of 处理决定 for a row of the given magnitude (行政许可 at large agencies: 10⁴–10⁵)."""
    if level == 0 or rng.random() < 0.2:
        return 0
    return _loguniform(rng, 1, (40, 2000, 30000, 180000)[level] * (1 + tier) // 4)


def _delta(rng: random.Random, prev: int) -> int:
    if prev == 0 or rng.random() < 0.35:
        return 0 if prev == 0 and rng.random() < 0.7 else rng.randint(0, 30)
    return rng.randint(-prev // 2, max(1, prev // 3))


def _t2_values(rng: random.Random, ed: Edition, ag: Agency) -> Values:
    lic, svc, pen, coe, fee = _T2_LEVELS[ag.profile]
    t = ag.tier
    rules = ag.kind == "government" and t >= 3
    v: Values = {}
    if ed.key == "2019":
        made = rng.randint(0, 6) if rules and rng.random() < 0.6 else 0
        v |= {"t2.art20_1.regulations.new_made": made, "t2.art20_1.regulations.new_published": made,
              "t2.art20_1.regulations.total_published": made + (rng.randint(5, 150) if rules else 0)}
        made = _loguniform(rng, 0, (3, 10, 30, 60)[t]) if rng.random() < 0.6 else 0
        pub = made if rng.random() < 0.8 else rng.randint(0, made)
        v |= {"t2.art20_1.normative_docs.new_made": made,
              "t2.art20_1.normative_docs.new_published": pub,
              "t2.art20_1.normative_docs.total_published":
                  pub + (_loguniform(rng, 0, 40 * (t + 1)) if rng.random() < 0.6 else 0)}
        for block, row, level in (("art20_5", "licensing", lic), ("art20_5", "other_services", svc),
                                  ("art20_6", "penalty", pen), ("art20_6", "coercion", coe)):
            prev = _items(rng, level, t)
            v |= {f"t2.{block}.{row}.prev_items": prev,
                  f"t2.{block}.{row}.delta_items": _delta(rng, prev),
                  f"t2.{block}.{row}.decisions": _decisions(rng, level, t) if prev or level else 0}
        prev = _items(rng, fee, t) // 10
        v |= {"t2.art20_8.fees.prev_items": prev,
              "t2.art20_8.fees.delta_items": rng.randint(-min(prev, 3), 2) if prev else 0}
        items = _loguniform(rng, 0, (5, 30, 120, 400)[t]) if rng.random() < 0.7 else 0
        cents = _procurement_cents(rng, items, t)
        v |= {"t2.art20_9.central_procurement.proc_items": items,
              "t2.art20_9.central_procurement.proc_amount": _money(cents)}
    else:
        issued = rng.randint(0, 6) if rules and rng.random() < 0.6 else 0
        v |= {"t2.art20_1.regulations.issued": issued,
              "t2.art20_1.regulations.repealed": rng.randint(0, 3) if issued else 0,
              "t2.art20_1.regulations.in_force": issued + (rng.randint(5, 150) if rules else 0)}
        issued = _loguniform(rng, 0, (3, 10, 30, 60)[t]) if rng.random() < 0.6 else 0
        v |= {"t2.art20_1.normative_docs.issued": issued,
              "t2.art20_1.normative_docs.repealed":
                  _loguniform(rng, 0, 10 * (t + 1)) if rng.random() < 0.3 else 0,
              "t2.art20_1.normative_docs.in_force":
                  issued + (_loguniform(rng, 0, 60 * (t + 1)) if rng.random() < 0.7 else 0)}
        v |= {"t2.art20_5.licensing.decisions": _decisions(rng, lic, t),
              "t2.art20_6.penalty.decisions": _decisions(rng, pen, t),
              "t2.art20_6.coercion.decisions": _decisions(rng, coe, t)}
        cents = 0
        if fee and rng.random() < 0.5:
            cents = _loguniform(rng, 1, (0, 50_000, 5_000_000, 90_000_000)[fee])
            cents = cents // 100 * 100 if rng.random() < 0.4 else cents
        v["t2.art20_8.fees.fee_amount"] = _money(cents)
    return v


def _procurement_cents(rng: random.Random, items: int, tier: int) -> int:
    """采购总金额 in hundredths of 万元: from a few thousand 元 to tens of 亿元 for a city."""
    if items == 0:
        return 0
    cents = _loguniform(rng, 50, (5_000, 500_000, 5_000_000, 30_000_000)[tier])
    roll = rng.random()
    if roll < 0.15 and cents >= 1_000_000:  # a round amount, printable as "1.8 亿元"
        cents = cents // 10_000 * 10_000
    elif roll < 0.45:
        cents = cents // 100 * 100
    return cents


# Relative frequency of the outcome rows of table 3 (before per-report jitter).
_OUTCOME_WEIGHTS = {
    "granted": 40.0, "partially_granted": 8.0, "withheld_state_secret": 0.3,
    "withheld_prohibited": 0.8, "withheld_three_safety": 0.4, "withheld_third_party": 1.5,
    "withheld_internal_affairs": 1.5, "withheld_process_info": 1.5,
    "withheld_enforcement_file": 0.8, "withheld_admin_query": 1.5, "unable_not_held": 16.0,
    "unable_needs_creation": 2.0, "unable_unclear": 2.0, "rejected_petition": 3.0,
    "rejected_duplicate": 2.5, "rejected_publication": 0.8, "rejected_excessive": 0.8,
    "rejected_confirmation": 0.6, "other": 4.0, "other_overdue_correction": 2.0,
    "other_overdue_fee": 0.2, "other_other": 2.5,
}
_ORG_WEIGHTS = (0.45, 0.04, 0.05, 0.2, 0.26)  # commercial, research, social, legal, other


def _applicants(rng: random.Random, n: int) -> list[int]:
    """Split n applications over the six applicant columns; natural persons dominate."""
    if n == 0:
        return [0] * 6
    share = 1.0 if rng.random() < 0.35 else rng.uniform(0.6, 0.98)
    persons = min(n, max(0, round(n * share)))
    return [persons] + _multinomial(rng, n - persons, list(_ORG_WEIGHTS))


def _outcome_rows(ed: Edition) -> list[Row]:
    return [r for r in ed.rows_in_group("results") if r.key != "total_processed"]


def _t3_values(rng: random.Random, ed: Edition, ag: Agency, empty: bool) -> Values:
    cols = [c.key for c in ed.t3_columns]
    app_cols = cols[:-1]
    outcomes = _outcome_rows(ed)
    if empty:
        n = carried = 0
    else:
        n = _loguniform(rng, 1, (6, 40, 400, 3000)[ag.tier])
        carried = _loguniform(rng, 0, max(1, n // 6)) if ag.tier >= 2 and rng.random() < 0.4 else 0
    new = _applicants(rng, n)
    old = _applicants(rng, carried)
    q = rng.uniform(0.0, 0.12) if ag.tier >= 2 and rng.random() < 0.5 else 0.0
    forward = [_binomial(rng, a + b, q) for a, b in zip(new, old)]
    weights = [_OUTCOME_WEIGHTS[r.key] * rng.expovariate(1.0) for r in outcomes]
    grid = {r.key: [0] * 6 for r in outcomes}
    for j in range(6):
        split = _multinomial(rng, new[j] + old[j] - forward[j], weights)
        for r, k in zip(outcomes, split):
            grid[r.key][j] = k
    grid["new_received"] = new
    grid["carried_over"] = old
    grid["carried_forward"] = forward
    grid["total_processed"] = [sum(grid[r.key][j] for r in outcomes) for j in range(6)]
    v: Values = {}
    for row in ed.t3_rows:
        vals = grid[row.key]
        for c, x in zip(app_cols, vals):
            v[f"t3.{row.key}.{c}"] = x
        v[f"t3.{row.key}.total"] = sum(vals)
    return v


def _t4_values(rng: random.Random, ed: Edition, ag: Agency, empty: bool) -> Values:
    v: Values = {}
    scale = (1, 2, 6, 40)[ag.tier]
    for g, odds in zip(ed.t4_groups, (0.45, 0.3, 0.15)):
        n = 0 if empty or rng.random() > odds else _loguniform(rng, 1, scale)
        parts = _multinomial(rng, n, [0.6, 0.1, 0.15, 0.15])
        for c, x in zip(ed.t4_columns[:4], parts):
            v[f"t4.{g.key}.{c.key}"] = x
        v[f"t4.{g.key}.total"] = n
    return v


# ---------------------------------------------------------------------------------------------
# Null cells: only cells whose value is 0 become null, so every equation still holds.
# ---------------------------------------------------------------------------------------------

_DASHES = ("—", "—", "—", "/", "-", "——", "－")


def _t3_null_marks(rng: random.Random, ed: Edition, v: Values) -> dict[str, str]:
    cols = [c.key for c in ed.t3_columns]
    rows = [r.key for r in ed.t3_rows]
    dash = rng.choice(_DASHES)
    marks: dict[str, str] = {}
    everything_zero = all(v[f"t3.{r}.{c}"] == 0 for r in rows for c in cols)
    mode = rng.choices(["none", "dash_org_cols", "blank_zero_rows", "seed002", "blank_zeros"],
                       [55, 14, 13, 10, 8])[0]
    if everything_zero and rng.random() < 0.12:
        return {f"t3.{r}.{c}": "" for r in rows for c in cols}
    blank_total = rng.random() < 0.3

    def zero_row(r: str) -> bool:
        return all(v[f"t3.{r}.{c}"] == 0 for c in cols)

    for r in rows:
        for c in cols:
            key = f"t3.{r}.{c}"
            if v[key] != 0:
                continue
            org = c not in ("natural_person", "total")
            if mode == "dash_org_cols" and org and all(v[f"t3.{x}.{c}"] == 0 for x in rows):
                marks[key] = dash
            elif mode == "blank_zero_rows" and zero_row(r) and (c != "total" or blank_total):
                marks[key] = ""
            elif mode == "seed002" and c != "total":
                marks[key] = "" if zero_row(r) else dash
            elif mode == "blank_zeros":
                marks[key] = ""
    return marks


def _t2_null_marks(rng: random.Random, ed: Edition, v: Values, ag: Agency) -> dict[str, str]:
    marks: dict[str, str] = {}
    mark = rng.choice(("", "", "—", "/", "无"))
    for b in ed.t2:
        for r in b.rows:
            keys = [f"t2.{b.key}.{r.key}.{c.key}" for c in b.columns]
            if all(v[k] == 0 for k in keys) and rng.random() < (0.35 if ag.tier < 3 else 0.1):
                marks.update({k: mark for k in keys})
    return marks


def _t4_null_marks(rng: random.Random, ed: Edition, v: Values) -> dict[str, str]:
    keys = [k for k in ed.cell_keys() if k.startswith("t4.")]
    if all(v[k] == 0 for k in keys) and rng.random() < 0.12:
        mark = rng.choice(("", "—", "/"))
        return {k: mark for k in keys}
    return {}


# ---------------------------------------------------------------------------------------------
# Narrative
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Facts:
    """The numbers the narrative quotes (from the tables, so P4 holds)."""

    year: int
    we: str
    site: str
    received: int  # 一、本年新收 总计
    persons: int
    carried: int
    done: int  # （七）总计 总计
    forward: int
    review: int
    litigation: int
    granted: int
    docs: int


_INTRO = (
    "{year}年，{we}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》"
    "（以下简称《条例》）和上级关于政务公开工作的部署要求，坚持“以公开为常态、不公开为例外”，持续推进政府信息公开工作。",
    "{year}年，在上级政务公开办的正确指导下，{we}严格落实《条例》各项要求，围绕中心工作，不断完善政务公开制度，"
    "扎实推进决策、执行、管理、服务、结果公开，政府信息公开工作取得积极进展。",
    "{year}年，{we}政府信息公开工作按照上级的总体部署和具体要求，以贯彻落实《条例》为主线，以完善公开机制、拓宽公开渠道、"
    "丰富公开内容为重点，进一步巩固政务公开成果，提高政务公开水平。",
)
_PROACTIVE = (
    "{year}年，{we}通过{site}门户网站主动公开政府信息{n}条，其中政策文件{docs}件，工作动态、通知公告等信息{m}条。",
    "全年累计主动公开政府信息{n}条，及时发布机构职能、政策文件、财政预决算、重点领域等信息，主动公开规范性文件{docs}件。",
    "{we}依托{site}门户网站、政务新媒体等平台，全年主动公开各类政府信息{n}条，政策解读{k}篇。",
)
_REQUESTS_SOME = (
    "{year}年，{we}共收到政府信息公开申请{received}件，上年结转{carried}件，已办结{done}件，结转下年度继续办理{forward}件。",
    "全年共收到政府信息公开申请{received}件，其中自然人申请{persons}件、法人或其他组织申请{orgs}件，均在法定期限内予以答复。",
    "{year}年共收到政府信息依申请公开{received}件，予以公开{granted}件，所有申请均已按时答复。",
)
_REQUESTS_NONE = (
    "{year}年，{we}未收到政府信息公开申请。",
    "{year}年，{we}共收到政府信息公开申请0件。",
    "本年度{we}未收到公民、法人或其他组织提出的政府信息公开申请。",
)
_MANAGEMENT = (
    "严格落实政府信息公开保密审查制度，对拟公开的政府信息依法依规做好保密审查，做到“先审查、后公开”和“一事一审”。",
    "建立健全政府信息公开工作机制，及时更新政府信息公开指南和目录，落实专人负责政府信息公开的各项工作任务。",
    "加强政府信息源头管理，规范公文公开属性认定，对现行有效的规范性文件进行清理并及时公开清理结果。",
)
_PLATFORM = (
    "充分发挥{site}门户网站政府信息公开第一平台作用，规范栏目设置，及时更新信息，全年网站发布信息{n}条。",
    "持续加强政务新媒体建设，通过政务微信公众号发布信息{k}期，进一步拓宽政府信息公开渠道。",
    "按照政府网站建设指引要求，进一步优化信息公开专栏，完善与上级政府信息公开平台的对接。",
)
_OVERSIGHT = (
    "将政府信息公开工作纳入年度目标责任考核，定期开展自查自纠，对发现的问题及时整改到位。",
    "成立政务公开工作领导小组，明确主要领导负总责、分管领导具体抓、专人负责落实的工作机制，全年组织业务培训{t}次。",
    "主动接受社会监督，畅通意见反馈渠道，本年度未发生因政府信息公开工作受到责任追究的情况。",
)
_APPEALS_NONE = (
    "{year}年，{we}未发生因政府信息公开被申请行政复议、提起行政诉讼的情况。",
    "本年度无政府信息公开行政复议、行政诉讼案件。",
)
_APPEALS_SOME = (
    "{year}年，{we}因政府信息公开被申请行政复议{review}件、提起行政诉讼{litigation}件。",
    "全年共发生政府信息公开行政复议{review}件，行政诉讼{litigation}件。",
)
_PROBLEMS = (
    "{year}年，{we}政府信息公开工作取得了一定成效，但仍存在一些不足：一是主动公开的深度和广度有待进一步拓展；"
    "二是政策解读形式较为单一；三是工作人员业务水平有待进一步提高。",
    "一是信息公开的及时性有待加强，部分信息更新不够及时；二是依申请公开答复的规范化水平有待提升。",
    "存在问题：政府信息公开的范围和内容不够充实，公开渠道和领域还有待拓展，新媒体平台建设亟需加快。",
)
_IMPROVE = (
    "下一步，{we}将进一步加强组织领导，完善工作机制，加大政策解读力度，不断提升政府信息公开工作质量。",
    "改进措施：（一）加强学习培训，提高业务能力；（二）规范公开程序，提升公开质量；（三）拓宽公开渠道，回应社会关切。",
    "{next}年，{we}将着力完善制度，着力拓宽领域，着力提升功能，推动政府信息公开工作再上新台阶。",
)
_OTHER_2021 = (
    "本年度{we}未收取信息处理费。",
    "根据《政府信息公开信息处理费管理办法》，本年度{we}未发出收费通知，未收取信息处理费。",
    "{we}无其他需要报告的事项。",
)
_OTHER_2019 = ("无其他需要报告的事项。", "{we}无其他需要报告的事项。", "本年度无其他需要报告的事项。")
_PLAN = (
    "1、建立健全组织机构。落实政府信息公开工作机构、人员配置，及时调整政务公开工作领导小组。",
    "2、积极组织学习培训。组织有关人员学习《条例》，提高依法公开水平，规范信息发布程序。",
    "3、不断完善各项制度。做好政府信息公开指南和目录的编制和修订工作，按时做好政府信息公开统计工作。",
)

_HEADINGS = {
    "overview": (("一、总体情况", 70), ("一、政府信息公开总体情况", 15), ("一、概述", 8),
                 ("一、总体情况概述", 7)),
    "proactive": (("二、主动公开政府信息情况", 70), ("二、政府信息主动公开情况", 20),
                  ("二、主动公开政府信息", 10)),
    "requests": (("三、收到和处理政府信息公开申请情况", 80), ("三、收到和处理政府信息依申请公开情况", 12),
                 ("三、依申请公开政府信息情况", 8)),
    "appeals": (("四、政府信息公开行政复议、行政诉讼情况", 78),
                ("4、 政府信息公开被申请行政复议、提起行政诉讼情况", 8),
                ("四、政府信息公开被申请行政复议、提起行政诉讼情况", 14)),
    "problems": (("五、存在的主要问题及改进情况", 70), ("五、存在问题及改进措施", 12),
                 ("五、存在的问题及改进情况", 10), ("五、存在的主要问题及改进措施", 8)),
    "other": (("六、其他需要报告的事项", 85), ("六、其他需要报告事项", 7), ("六、{next}年工作思路", 4),
              (None, 4)),
}


def _pick(rng: random.Random, options: tuple, **facts: object) -> str:
    return rng.choice(options).format(**facts)


def _weighted(rng: random.Random, options: tuple[tuple[object, int], ...]) -> object:
    return rng.choices([o for o, _ in options], [w for _, w in options])[0]


def _facts(cells: dict[str, Cell], ag: Agency, year: int) -> _Facts:
    def n(key: str) -> int:
        return int(cells[key].value or 0)

    docs_key = next(k for k in cells if k.startswith("t2.art20_1.normative_docs."))
    return _Facts(year, ag.we, ag.site, n("t3.new_received.total"),
                  n("t3.new_received.natural_person"), n("t3.carried_over.total"),
                  n("t3.total_processed.total"), n("t3.carried_forward.total"), n("t4.review.total"),
                  n("t4.litigation_direct.total") + n("t4.litigation_after_review.total"),
                  n("t3.granted.total"), n(docs_key))


def _requests_sentence(rng: random.Random, f: _Facts) -> str:
    if f.received == 0:
        return _pick(rng, _REQUESTS_NONE, year=f.year, we=f.we)
    options = _REQUESTS_SOME if f.forward == 0 else _REQUESTS_SOME[:1]
    return _pick(rng, options, year=f.year, we=f.we, received=f.received, carried=f.carried,
                 done=f.done, forward=f.forward, persons=f.persons, orgs=f.received - f.persons,
                 granted=f.granted)


def _appeals_sentence(rng: random.Random, f: _Facts) -> str:
    if f.review == 0 and f.litigation == 0:
        return _pick(rng, _APPEALS_NONE, year=f.year, we=f.we)
    return _pick(rng, _APPEALS_SOME, year=f.year, we=f.we, review=f.review,
                 litigation=f.litigation)


def _overview_text(rng: random.Random, ed: Edition, f: _Facts) -> str:
    n = _loguniform(rng, 20, 3000)
    fill = dict(year=f.year, we=f.we, site=f.site, n=n, docs=f.docs, m=max(0, n - f.docs),
                k=rng.randint(2, 60), t=rng.randint(1, 6))
    intro = _pick(rng, _INTRO, **fill)
    if ed.key == "2021" or rng.random() < 0.3:
        parts = [intro]
        subs = ("（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）政府信息公开平台建设",
                "（五）监督保障")
        if ed.key == "2019":
            subs = ("（一）主动公开全面落实", "（二）依申请公开政府信息情况", "（三）加强规范管理",
                    "（四）平台建设稳步推进", "（五）强化监督保障")
        bodies = (_pick(rng, _PROACTIVE, **fill), _requests_sentence(rng, f),
                  _pick(rng, _MANAGEMENT, **fill), _pick(rng, _PLATFORM, **fill),
                  _pick(rng, _OVERSIGHT, **fill))
        for head, body in zip(subs, bodies):
            if rng.random() < 0.2:  # heading and body on one line, as many reports print it
                parts.append(head + rng.choice(("。", "：", "　")) + body)
            else:
                parts += [head, body]
        return "\n".join(parts)
    return "\n".join([intro, _pick(rng, _PROACTIVE, **fill), _requests_sentence(rng, f)])


def _sections(rng: random.Random, ed: Edition, f: _Facts) -> list[Section]:
    out = []
    for spec in ed.sections:
        heading = _weighted(rng, _HEADINGS[spec.key])
        if heading is not None:
            heading = str(heading).format(next=f.year + 1)
        if spec.key == "overview":
            text = _overview_text(rng, ed, f)
        elif spec.key == "proactive":
            text = "" if rng.random() < 0.7 else "本年度主动公开政府信息情况如下："
        elif spec.key == "requests":
            text = "" if rng.random() < 0.6 else _requests_sentence(rng, f)
        elif spec.key == "appeals":
            text = "" if rng.random() < 0.6 else _appeals_sentence(rng, f)
        elif spec.key == "problems":
            text = "\n".join([_pick(rng, _PROBLEMS, year=f.year, we=f.we),
                              _pick(rng, _IMPROVE, we=f.we, next=f.year + 1)])
        elif heading is not None and "工作思路" in heading:
            text = "\n".join(_PLAN)
        else:
            text = "" if heading is None else _pick(
                rng, _OTHER_2021 if ed.key == "2021" else _OTHER_2019, we=f.we)
        out.append(Section(spec.key, spec.number, heading, text))
    return out


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------

def _make_cell(kind: str, value: Number | None, mark: str | None) -> Cell:
    if mark is not None:
        return Cell(None, raw=mark)
    assert value is not None
    unit = {"count": "件", "signed": None, "money": "万元"}[kind]
    return Cell(value, raw=_plain_text(value), unit=unit)


def _plain_text(value: Number) -> str:
    if isinstance(value, float):
        return format(Decimal(str(value)).quantize(Decimal("0.01")).normalize(), "f")
    return str(value)


def _published(rng: random.Random, ag: Agency, year: int) -> dt.date:
    """A date between early January and the deadline of 第四十九条 (Jan 31 / Mar 31)."""
    deadline = dt.date(year + 1, 1, 31) if ag.kind == "department" else dt.date(year + 1, 3, 31)
    start = dt.date(year + 1, 1, 6)
    return start + dt.timedelta(days=rng.randint(0, (deadline - start).days))


def _title(rng: random.Random, agency: str, year: int) -> str:
    return str(_weighted(rng, ((f"{agency}{year}年政府信息公开工作年度报告", 70),
                               (f"{agency}{year}年度政府信息公开工作年度报告", 15),
                               (f"{agency}关于{year}年度政府信息公开工作的年度报告", 5),
                               (f"{year}年度政府信息公开工作报告", 10))))


def random_report(rng: random.Random, edition: str, *, year: int | None = None,
                  agency: str | None = None, zero_share: float = 0.3) -> Report:
    """A report of `edition` whose cells satisfy H1–H7 exactly.

    `zero_share` is the probability that the agency received no applications and faced no
    appeals (tables 3 and 4 all zero), as small agencies do. `year` defaults to a year the
    edition is used for; the publication date is before the deadline of 第四十九条.
    """
    ed = editions.get(edition)
    ag = random_agency(rng) if agency is None else agency_from_name(agency)
    if year is None:
        year = rng.randint(ed.first_year, ed.last_year or ed.first_year + 4)
    empty = rng.random() < zero_share
    values: Values = {}
    values |= _t2_values(rng, ed, ag)
    values |= _t3_values(rng, ed, ag, empty)
    values |= _t4_values(rng, ed, ag, empty)
    marks = _t2_null_marks(rng, ed, values, ag)
    marks |= _t3_null_marks(rng, ed, values)
    marks |= _t4_null_marks(rng, ed, values)
    cells = {k: _make_cell(spec.kind, values[k], marks.get(k)) for k, spec in ed.cells.items()}
    facts = _facts(cells, ag, year)
    return Report(edition=ed.key, year=year, agency=ag.name, published=_published(rng, ag, year),
                  cells=cells, sections=_sections(rng, ed, facts),
                  title=_title(rng, ag.name, year))


def truth_json(report: Report) -> dict:
    """The report as a truth file (shared/seeds/truth/*.json): metadata and bare cell values."""
    return {"agency": report.agency, "year": report.year, "edition": report.edition,
            "cells": {k: report.cells[k].value for k in report.spec.cell_keys()}}


# ---------------------------------------------------------------------------------------------
# Rendering: one table model (the official layout with its merged cells) shared by all layouts
# ---------------------------------------------------------------------------------------------

CellKind = Literal["caption", "head", "corner", "label", "group", "value"]


@dataclass
class _TCell:
    """A printed table cell at its origin; `\\n` in `text` is a line break inside the cell."""

    text: str
    kind: CellKind = "label"
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None  # the cell key of a value cell
    vertical: bool = False  # printed vertically in the official template


@dataclass
class _Table:
    name: str  # t2 | t3 | t4
    width: int
    rows: list[list[_TCell]]
    head: int = 0  # header rows a converter repeats after a page break


Position = Literal["origin", "vcont", "hcont"]


def _expand(table: _Table) -> list[list[tuple[_TCell, Position]]]:
    """The full grid: each position holds its cell and whether it is the cell's origin, a row
    below it (vcont, first column of the span) or a column to its right (hcont)."""
    taken: dict[tuple[int, int], tuple[_TCell, Position]] = {}
    for ri, row in enumerate(table.rows):
        ci = 0
        for cell in row:
            while (ri, ci) in taken:
                ci += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    pos: Position = "origin" if dr == dc == 0 else "vcont" if dc == 0 else "hcont"
                    taken[(ri + dr, ci + dc)] = (cell, pos)
            ci += cell.colspan
    nrows = max(r for r, _ in taken) + 1
    return [[taken[(r, c)] for c in range(table.width) if (r, c) in taken] for r in range(nrows)]


@dataclass(frozen=True)
class _Style:
    """The printing choices one document makes (label variants, number formats)."""

    ascii_brackets: bool
    item_sep: str  # "1." "1．" "1、"
    partial: str  # （二）部分公开… label variant (may contain a line break)
    unclear: str  # "3.补正后申请内容仍不明确" or "3.申请内容不明确"
    quotes: tuple[str, str]
    total7: str
    delta: str  # word_space ("减 232") | word ("减232") | sign ("-232")
    money: str  # how money cells print, see `_money_text`
    thousands: bool  # "31,668"
    caption_rows: bool  # a title row inside tables 2–4 ("主动公开政府信息情况")
    corner_brackets: bool
    null_blank: str  # what a blank null cell prints ("" except where a layout needs a mark)


_PARTIAL = ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
            "（二）部分公开（区分处理的，只记这一情形，不计其他情形）",
            "（二）部分公开\n（区分处理的，只计这一情形，不计其他情形）",
            "（二）部分公开（区分处理的，只计这一情形，\n不计其他情形）")


def _style(report: Report, rng: random.Random, *, null_blank: str = "") -> _Style:
    money = (str(_weighted(rng, (("wan_suffix", 35), ("wan_header", 25), ("bare", 15),
                                 ("yuan_header", 10), ("yuan_suffix", 8), ("yi_suffix", 7))))
             if report.edition == "2019"
             else str(_weighted(rng, (("bare", 70), ("wan_suffix", 20), ("fixed2", 10)))))
    return _Style(
        ascii_brackets=rng.random() < 0.15,
        item_sep=str(_weighted(rng, ((".", 80), ("．", 12), ("、", 8)))),
        partial=str(_weighted(rng, tuple(zip(_PARTIAL, (50, 25, 15, 10))))),
        unclear="3.申请内容不明确" if rng.random() < 0.15 else "3.补正后申请内容仍不明确",
        quotes=rng.choice((("“", "”"), ("“", "”"), ("\"", "\""), ("‘", "’"))),
        total7="总计" if rng.random() < 0.08 else "（七）总计",
        delta=str(_weighted(rng, (("word_space", 40), ("word", 30), ("sign", 30)))),
        money=money,
        thousands=rng.random() < 0.08,
        caption_rows=rng.random() < 0.2,
        corner_brackets=rng.random() < 0.85,
        null_blank=null_blank,
    )


def _brackets(text: str, style: _Style) -> str:
    return text.replace("（", "(").replace("）", ")") if style.ascii_brackets else text


def _row_label(row: Row, style: _Style) -> str:
    if row.key == "partially_granted":
        label = style.partial
    elif row.key == "unable_unclear":
        label = style.unclear
    elif row.key == "total_processed":
        label = style.total7
    else:
        label = row.label.replace("“", style.quotes[0]).replace("”", style.quotes[1])
    if row.item:
        label = re.sub(r"^(\d)\.", lambda m: m.group(1) + style.item_sep, label)
    return _brackets(label, style)


def _money_text(value: Number, style: _Style) -> str:
    wan = Decimal(_plain_text(value))
    yuan = format((wan * 10000).normalize(), "f")
    m = style.money
    yi = wan / 10000
    if m == "yi_suffix" and wan >= 10000 and yi == yi.quantize(Decimal("0.01")):
        return format(yi.normalize(), "f") + " 亿元"
    if m in ("wan_suffix", "yi_suffix"):
        return _plain_text(value) + ("万元" if wan else "")
    if m == "yuan_header":
        return yuan
    if m == "yuan_suffix":
        return yuan + "元"
    if m == "fixed2":
        return format(wan.quantize(Decimal("0.01")), "f")
    return _plain_text(value)


def _delta_text(value: int, style: _Style) -> str:
    if value == 0:
        return "0"
    if style.delta == "sign":
        return str(value)
    sep = " " if style.delta == "word_space" else ""
    return f"{'减' if value < 0 else '增'}{sep}{abs(value)}"


def _value_text(report: Report, key: str, style: _Style) -> str:
    cell = report.cells[key]
    if cell.value is None:
        raw = cell.raw or ""
        return raw if raw.strip() else style.null_blank
    kind = report.spec.cells[key].kind
    if kind == "money":
        return _money_text(cell.value, style)
    if kind == "signed":
        return _delta_text(int(cell.value), style)
    v = int(cell.value)
    return f"{v:,}" if style.thousands and v >= 10000 else str(v)


def _money_header(label: str, style: _Style) -> str:
    """The printed money column header; its unit must agree with `_money_text`."""
    if label.startswith("采购总金额"):
        return {"wan_header": "采购总金额（万元）", "yuan_header": "采购总金额（元）"}.get(
            style.money, "采购总金额")
    return label


def _t2_table(report: Report, style: _Style) -> _Table:
    ed = report.spec
    rows: list[list[_TCell]] = []
    if style.caption_rows:
        rows.append([_TCell("主动公开政府信息情况", "caption", colspan=4)])
    for b in ed.t2:
        rows.append([_TCell(_brackets(b.caption, style), "caption", colspan=4)])
        heads = [_TCell("信息内容", "head")]
        heads += [_TCell(_money_header(c.label, style) if c.kind == "money" else c.label, "head")
                  for c in b.columns]
        heads[-1].colspan = 4 - len(b.columns)
        rows.append(heads)
        for r in b.rows:
            cells = [_TCell(r.label, "label")]
            cells += [_TCell(_value_text(report, f"t2.{b.key}.{r.key}.{c.key}", style), "value",
                             key=f"t2.{b.key}.{r.key}.{c.key}") for c in b.columns]
            cells[-1].colspan = 4 - len(b.columns)
            rows.append(cells)
    return _Table("t2", 4, rows)


def _t3_table(report: Report, style: _Style) -> _Table:
    ed = report.spec
    corner = "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"
    corner = _brackets(f"（{corner}）", style) if style.corner_brackets else corner
    rows: list[list[_TCell]] = []
    if style.caption_rows:
        rows.append([_TCell("收到和处理政府信息公开申请情况", "caption", colspan=10)])
    head = len(rows)
    rows.append([_TCell(corner, "corner", rowspan=3, colspan=3), _TCell("申请人情况", "head", colspan=7)])
    rows.append([_TCell("自然人", "head", rowspan=2, vertical=True),
                 _TCell("法人或其他组织", "head", colspan=5), _TCell("总计", "head", rowspan=2)])
    rows.append([_TCell(c.label, "head", vertical=c.key == "other_org")
                 for c in ed.t3_columns[1:6]])
    groups = {g.key: g for g in ed.t3_groups}
    opened: set[str] = set()
    for row in ed.t3_rows:
        cells: list[_TCell] = []
        chain = []
        g = row.group
        while g is not None:
            chain.insert(0, g)
            g = groups[g].parent
        for gk in chain:
            if gk not in opened:
                opened.add(gk)
                span = len(ed.rows_in_group(gk))
                label = _brackets(groups[gk].label, style)
                cells.append(_TCell(label, "group", rowspan=span, vertical=gk == "results"))
        cells.append(_TCell(_row_label(row, style), "label", colspan=3 - len(chain)))
        cells += [_TCell(_value_text(report, f"t3.{row.key}.{c.key}", style), "value",
                         key=f"t3.{row.key}.{c.key}") for c in ed.t3_columns]
        rows.append(cells)
    return _Table("t3", 10, rows, head=head + 3)


def _t4_table(report: Report, style: _Style) -> _Table:
    ed = report.spec
    cols = [c.label for c in ed.t4_columns]
    rows: list[list[_TCell]] = []
    if style.caption_rows:
        rows.append([_TCell("政府信息公开行政复议、行政诉讼情况", "caption", colspan=15)])
    head = len(rows)
    rows.append([_TCell("行政复议", "head", colspan=5), _TCell("行政诉讼", "head", colspan=10)])
    rows.append([_TCell(c, "head", rowspan=2, vertical=True) for c in cols]
                + [_TCell("未经复议直接起诉", "head", colspan=5), _TCell("复议后起诉", "head", colspan=5)])
    rows.append([_TCell(c, "head", vertical=True) for c in cols * 2])
    rows.append([_TCell(_value_text(report, f"t4.{g.key}.{c.key}", style), "value",
                        key=f"t4.{g.key}.{c.key}") for g in ed.t4_groups for c in ed.t4_columns])
    return _Table("t4", 15, rows, head=head + 3)


# The document as a sequence of blocks every renderer walks.
BlockKind = Literal["title", "heading", "sub", "para", "table", "sign"]


def _is_subheading(line: str) -> bool:
    return bool(re.match(r"^（[一二三四五六七八九十]）", line)) and len(line) <= 16


def _cn_date(d: dt.date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _blocks(report: Report, style: _Style, rng: random.Random) -> list[tuple[BlockKind, object]]:
    tables = {"proactive": _t2_table(report, style), "requests": _t3_table(report, style),
              "appeals": _t4_table(report, style)}
    out: list[tuple[BlockKind, object]] = [("title", report.title or "")]
    for s in report.sections:
        if s.heading is not None:
            out.append(("heading", s.heading))
            for line in s.text.split("\n") if s.text else []:
                out.append(("sub" if _is_subheading(line) else "para", line))
        if s.key in tables:
            out.append(("table", tables[s.key]))
    agency = report.agency or ""
    if agency not in (report.title or "") or rng.random() < 0.5:
        out.append(("sign", agency))
        if report.published:
            out.append(("sign", _cn_date(report.published)))
    return out


def _split_at(rng: random.Random, text: str) -> tuple[str, str]:
    k = rng.randint(max(1, len(text) // 3), max(1, 2 * len(text) // 3))
    return text[:k], text[k:]


# --------------------------------------------------------------------------- docx_text

def _vertical(text: str, rng: random.Random, chunk: int) -> str:
    """A vertical header as DOCX extraction prints it: the numbering, then a character or two
    per line ("三、\\n本\\n年\\n度…", "（三）\\n不予\\n公开")."""
    m = re.match(r"^(（[一二三四五六七]）|\([一二三四五六七]\)|[一二三四]、)", text)
    prefix = m.group(1) if m else ""
    rest = text[len(prefix):]
    parts = [rest[i:i + chunk] for i in range(0, len(rest), chunk)]
    return "\n".join(([prefix] if prefix else []) + parts)


def _docx_table(table: _Table, rng: random.Random, pad: str, blank: str,
                vertical_chunk: int) -> list[str]:
    lines: list[str] = []
    for row in _expand(table):
        for cell, pos in row:
            if pos == "hcont":
                continue
            if pos == "vcont":
                lines.append("\t")
                continue
            text = cell.text
            if cell.kind == "value":
                text = (pad + text) if text else blank
            elif cell.vertical and vertical_chunk:
                text = _vertical(text, rng, vertical_chunk)
            first, *more = text.split("\n")
            lines.append("\t" + first)
            lines += more
        lines.append("")
    lines.append("")
    return lines


def render_docx_text(report: Report, rng: random.Random) -> str:
    """Text as extracted from a DOCX file (the style of seeds 000–003)."""
    style = _style(report, rng)
    blocks = _blocks(report, style, rng)
    pad = str(_weighted(rng, (("", 55), (" ", 20), ("　", 15), ("　　", 10))))
    blank = rng.choice(("", " ", "　"))
    chunk = int(_weighted(rng, ((0, 55), (1, 35), (2, 10))))
    tables_at = [i for i, (k, _) in enumerate(blocks) if k == "table"]
    bookmark = rng.choice(tables_at + [len(blocks) - 1]) if rng.random() < 0.7 else -1
    out: list[str] = []
    for i, (kind, x) in enumerate(blocks):
        if i == bookmark:
            out.append("[bookmark: _GoBack]")
        if kind == "table":
            assert isinstance(x, _Table)
            out += _docx_table(x, rng, pad, blank, chunk)
        elif kind == "title":
            title = str(x)
            if len(title) > 16 and rng.random() < 0.4:
                out += list(_split_at(rng, title)) + [""]
            else:
                out += [(" " if rng.random() < 0.2 else "") + title, ""]
        elif kind == "heading":
            out.append((" " if rng.random() < 0.1 else "") + str(x))
        else:
            out.append(str(x))
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- pdf_text

def _row_values(report: Report, row: str) -> list[Number | None]:
    return [report.cells[f"t3.{row}.{c.key}"].value for c in report.spec.t3_columns]


def _losses_determined(report: Report, lossy: dict[str, int]) -> bool:
    """True when the rules still determine every value of table 3 after `lossy[row]` cells of
    each row are lost (positions unknown to the reader).

    A row is determined when it is complete; when it is all zeros and lost one cell (H2 then
    gives 0 wherever the gap is); when it is the only undetermined row of an equation set (H3
    over the outcome rows and （七）, H1 over 一, 二, （七）, 四: every column of it follows); or
    when every undetermined outcome row is all zeros and （七） is known (non-negative cells
    summing to 0). Only rows without null cells may lose cells, so a gap can never make a
    printed dash and a lost 0 trade places.
    """
    ed = report.spec
    rows = [r.key for r in ed.t3_rows]

    def zero(r: str) -> bool:
        return all(v == 0 for v in _row_values(report, r))

    known = {r for r in rows if r not in lossy}
    known |= {r for r, n in lossy.items() if n == 1 and zero(r)}
    outcomes = [r.key for r in _outcome_rows(ed)]
    sets = (outcomes + ["total_processed"],
            ["new_received", "carried_over", "total_processed", "carried_forward"])
    changed = True
    while changed:
        changed = False
        for s in sets:
            unknown = [r for r in s if r not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                changed = True
        unknown = [r for r in outcomes if r not in known]
        if unknown and "total_processed" in known and all(zero(r) for r in unknown):
            known.update(unknown)
            changed = True
    return all(r in known for r in rows)


def lost_cells(report: Report, rng: random.Random) -> set[str]:
    """Cells a PDF extraction of `report` loses (empty cells collapse): numeric table-3 cells the
    rules still determine (`_losses_determined`), and one cell of an all-zero table 4.

    `render_pdf_text(report, rng)` draws these first, so calling this with an rng in the same
    state tells which cells that rendering lost."""
    if rng.random() < 0.45:
        return set()
    ed = report.spec
    cols = [c.key for c in ed.t3_columns]
    candidates = [r.key for r in ed.t3_rows if None not in _row_values(report, r.key)]
    rng.shuffle(candidates)
    lost: dict[str, list[str]] = {}
    for r in candidates[: rng.randint(1, 6)]:
        trial = lost | {r: rng.sample(cols, 1 if rng.random() < 0.7 else 2)}
        if _losses_determined(report, {k: len(v) for k, v in trial.items()}):
            lost = trial
    keys = {f"t3.{r}.{c}" for r, cs in lost.items() for c in cs}
    t4 = [k for k in ed.cell_keys() if k.startswith("t4.")]
    if all(report.cells[k].value == 0 for k in t4) and rng.random() < 0.3:
        keys.add(rng.choice(t4))
    return keys


def _pdf_spaced(text: str) -> str:
    """PDF extraction puts spaces between Chinese text and digits: "2020 年", "9 件"."""
    text = re.sub(r"(?<=[^\x00-\x7f])(?=\d)", " ", text)
    return re.sub(r"(?<=\d)(?=[^\x00-\x7f])", " ", text)


def _wrap(text: str, width: int) -> list[str]:
    return [text[i:i + width] for i in range(0, len(text), width)] or [""]


def _pdf_label(cell: _TCell, table: _Table, rng: random.Random, column: int,
               before: list[str], after: list[str], carry: dict[int, str]) -> str:
    """A label as PDF extraction prints it: split with a space, over two lines, or across the
    rows of a merged cell."""
    text = cell.text.replace("\n", " " if rng.random() < 0.5 else "")
    if cell.kind == "group" and cell.rowspan > 1:
        mode = _weighted(rng, (("first", 55), ("split", 30), ("lost", 15 if cell.vertical is False else 0)))
        if mode == "split":
            text, carry[id(cell)] = _split_at(rng, text)
        elif mode == "lost":
            text = ""
        elif len(text) > 6 and rng.random() < 0.5:
            text = " ".join(_split_at(rng, text))
    elif cell.kind == "corner" and rng.random() < 0.5:
        carry[id(cell)], text = text, ""  # printed on the second header line (seed 004)
    elif cell.kind == "head" and table.name == "t3" and len(text) >= 4 and rng.random() < 0.5:
        text = " ".join(_split_at(rng, text))
    elif cell.kind == "label" and table.name == "t3" and len(text) > 10 * cell.colspan \
            and rng.random() < 0.35:  # wraps in its column: items and （二）, not 一、二、四
        a, b = _split_at(rng, text)
        mode = _weighted(rng, (("join", 60), ("before", 20), ("after", 20)))
        if mode == "join":
            text = f"{a} {b}"
        elif mode == "before":
            before.append("\t" * column + a)
            text = b
        else:
            after.append("\t" * column + b)
            text = a
    return text


def _pdf_table(table: _Table, rng: random.Random, lost: set[str]) -> list[str]:
    grid = _expand(table)
    keep_hcont = rng.random() < 0.5
    stray_from = rng.randrange(len(grid)) if rng.random() < 0.35 else len(grid)
    carry: dict[int, str] = {}
    lines: list[str] = []
    for ri, row in enumerate(grid):
        fields: list[str] = []
        before: list[str] = []
        after: list[str] = []
        for cell, pos in row:
            if pos == "hcont":
                if keep_hcont or rng.random() < 0.5:
                    fields.append("")
            elif pos == "vcont":
                fields.append(carry.pop(id(cell), ""))
            elif cell.kind == "value":
                if cell.key not in lost:
                    fields.append(cell.text)
            else:
                fields.append(_pdf_label(cell, table, rng, len(fields), before, after, carry))
        line = "\t".join(fields) + ("\t\t\t" if ri >= stray_from else "")
        lines += before + [line] + after
    return lines


def render_pdf_text(report: Report, rng: random.Random) -> str:
    """Text as extracted from a PDF file (the style of seed 004): tab-separated rows, labels
    split, some empty fields, some cells lost where the rules still determine them."""
    lost = lost_cells(report, rng)  # first draw: `lost_cells` with the same rng state replays it
    style = _style(report, rng, null_blank=rng.choice(("—", "/", "-")))
    spaced = rng.random() < 0.6
    wrap = rng.randint(34, 44) if rng.random() < 0.25 else 0
    out: list[str] = ["", ""] if rng.random() < 0.5 else []
    for kind, x in _blocks(report, style, rng):
        if isinstance(x, _Table):
            out += _pdf_table(x, rng, lost)
            if x.name == "t2" and rng.random() < 0.15:
                out.append("--------\t----\t--------")
            out.append("")
            continue
        text = _pdf_spaced(str(x)) if spaced else str(x)
        if kind == "title" and len(text) > 12 and rng.random() < 0.4:
            text = " ".join(_split_at(rng, text))
        out += (_wrap(text, wrap) if wrap and kind == "para" else [text]) + [""]
    return "\n".join(out)


# --------------------------------------------------------------------------- web_text

_NAV = ("首页", "政务公开", "政府信息公开", "政务服务", "互动交流", "走进" , "专题专栏")


def _portal_date(report: Report) -> str:
    return report.published.isoformat() if report.published else ""


def render_web_text(report: Report, rng: random.Random) -> str:
    """Text copied or crawled from a web page: each table row's cells run together on one line
    ("行政规范性文件128450"), blank cells vanish, dashes stay; the portal's navigation and footer
    come along."""
    style = _style(report, rng)
    ag = agency_from_name(report.agency or "")
    nav = [n + (ag.site[:-4] if n == "走进" else "") for n in _NAV]
    out = [ag.site]
    out += nav if rng.random() < 0.5 else ["  ".join(nav)]
    out += ["当前位置：首页 > 政务公开 > 政府信息公开年报", report.title or "",
            f"发布时间：{_portal_date(report)}　来源：{report.agency}　浏览次数：{rng.randint(30, 3000)}",
            "【字体：大 中 小】"]
    for kind, x in _blocks(report, style, rng):
        if isinstance(x, _Table):
            for row in x.rows:
                line = "".join(c.text.replace("\n", "") for c in row)
                if line.strip():
                    out.append(line)
        else:
            out.append(str(x))
    out += ["【打印本页】【关闭窗口】", f"主办：{ag.site}办公室",
            f"网站标识码：{rng.randint(10**9, 10**10 - 1)}　ICP备{rng.randint(10**7, 10**8 - 1)}号",
            f"联系电话：0{rng.randint(10, 999)}-{rng.randint(1000000, 9999999)}"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- markdown

class _Pager:
    """Counts lines on the current page and prints the page footer ("— 3 —") at a break."""

    def __init__(self, rng: random.Random, out: list[str]):
        self.rng = rng
        self.out = out
        self.page = 1
        self.used = rng.randint(0, 20)
        self.capacity = rng.randint(28, 44)
        self.footer = rng.choice(("— {} —", "— {} —", "- {} -", "—{}—"))

    def tick(self, cost: int) -> bool:
        """Account for `cost` lines; returns True when a page break was printed first."""
        if self.used + cost <= self.capacity:
            self.used += cost
            return False
        self.out += ["", self.footer.format(self.page), ""]
        self.page += 1
        self.used = cost
        return True


def _md_table(table: _Table, pager: _Pager, repeat_spans: bool, br: str,
              repeat_header: bool) -> None:
    out = pager.out
    texts = [[("" if pos != "origin" and not repeat_spans else cell.text.replace("\n", br))
              for cell, pos in row] for row in _expand(table)]
    sep = "|" + "|".join(["---"] * table.width) + "|"

    def emit(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    out.append("")
    fresh = True
    for ri, row in enumerate(texts):
        if pager.tick(1) and ri > 0:
            fresh = True
            if repeat_header and 0 < table.head <= ri:
                out.append(emit(texts[0]))
                out.append(sep)
                out += [emit(h) for h in texts[1:table.head]]
                fresh = False
        out.append(emit(row))
        if fresh:
            out.append(sep)
            fresh = False
    out.append("")


def render_markdown(report: Report, rng: random.Random) -> str:
    """Markdown as a PDF→Markdown converter writes it: pipe tables broken into fragments at page
    breaks with a footer line ("— 3 —"), sometimes the header rows repeated after the break."""
    style = _style(report, rng)
    repeat_spans = rng.random() < 0.4
    br = rng.choice(("<br>", " ", ""))
    heads = str(_weighted(rng, (("#", 50), ("bold", 30), ("plain", 20))))
    repeat_header = rng.random() < 0.5
    out: list[str] = []
    pager = _Pager(rng, out)
    for kind, x in _blocks(report, style, rng):
        if isinstance(x, _Table):
            _md_table(x, pager, repeat_spans, br, repeat_header)
            continue
        text = str(x)
        pager.tick(1 + len(text) // 38)
        if kind == "title":
            text = f"# {text}" if heads != "plain" else text
        elif kind == "heading":
            text = {"#": f"## {text}", "bold": f"**{text}**"}.get(heads, text)
        elif kind == "sub" and heads == "#":
            text = f"### {text}"
        out += [text, ""]
    return "\n".join(out).replace("\n\n\n", "\n\n") + "\n"


# --------------------------------------------------------------------------- html_word

@functools.lru_cache(maxsize=1)
def _s2t() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("s2t").convert


_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _w_runs(text: str, font: str, size: str, font_tag: bool) -> str:
    """Word splits runs where the script changes: ASCII runs carry lang=EN-US."""
    runs = []
    for part in re.findall(r"[\x00-\x7f]+|[^\x00-\x7f]+", text):
        esc = htmllib.escape(part, quote=False)
        if part.isascii():
            runs.append(f"<span lang=EN-US style='font-size:{size};font-family:\"Times New Roman\"'>"
                        f"{esc}</span>")
        else:
            runs.append(f"<span style='font-size:{size};font-family:{font}'>{esc}</span>")
    inner = "".join(runs)
    return f'<font face="{font}">{inner}</font>' if font_tag and inner else inner


def _w_para(text: str, font_tag: bool, *, kind: BlockKind = "para") -> str:
    if kind == "title":
        return (f"<p class=MsoNormal align=center style='text-align:center;line-height:28.0pt'><b>"
                f"{_w_runs(text, '方正小标宋简体', '22.0pt', font_tag)}</b><o:p></o:p></p>")
    if kind in ("heading", "sub"):
        font = "黑体" if kind == "heading" else "楷体_GB2312"
        return (f"<p class=MsoNormal style='text-indent:32.0pt;mso-char-indent-count:2.0;"
                f"line-height:28.0pt'><b>{_w_runs(text, font, '16.0pt', font_tag)}</b>"
                f"<span lang=EN-US><o:p></o:p></span></p>")
    align = " align=right style='text-align:right'" if kind == "sign" else (
        " style='text-indent:32.0pt;mso-char-indent-count:2.0;line-height:28.0pt;"
        "mso-line-height-rule:exactly'")
    return (f"<p class=MsoNormal{align}>{_w_runs(text, '仿宋_GB2312', '16.0pt', font_tag)}"
            f"<span lang=EN-US><o:p></o:p></span></p>")


def _w_td(cell: _TCell, width: int, font_tag: bool, fullwidth: bool) -> str:
    attrs = f"width={width * cell.colspan}"
    attrs += f" colspan={cell.colspan}" if cell.colspan > 1 else ""
    attrs += f" rowspan={cell.rowspan}" if cell.rowspan > 1 else ""
    style = (f"width:{width * cell.colspan * 0.75:.1f}pt;border:solid windowtext 1.0pt;"
             "border-top:none;mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt")
    if cell.vertical:
        style += ";layout-flow:vertical-ideographic"
    text = cell.text.translate(_FULLWIDTH) if fullwidth and cell.kind == "value" else cell.text
    paras = []
    for line in text.split("\n"):
        body = _w_runs(line, "宋体", "10.5pt", font_tag) if line.strip() else (
            "<span lang=EN-US style='font-size:10.5pt'><o:p>&nbsp;</o:p></span>")
        paras.append(f"<p class=MsoNormal align=center style='text-align:center'>{body}</p>")
    return f"<td {attrs} valign=center style='{style}'>{''.join(paras)}</td>"


def _w_table(table: _Table, rng: random.Random, font_tag: bool, fullwidth: bool) -> str:
    width = {"t2": 140, "t3": 62, "t4": 40}[table.name]
    rows = []
    for i, row in enumerate(table.rows):
        tds = "\n  ".join(_w_td(c, width, font_tag, fullwidth) for c in row)
        rows.append(f" <tr style='mso-yfti-irow:{i};height:{rng.choice((15, 20, 28))}.0pt'>\n  {tds}\n </tr>")
    if rng.random() < 0.3:  # Word's column-width row, a trap for readers
        tds = "".join(f"<td width={width} style='border:none'></td>" for _ in range(table.width))
        rows.append(f" <![if !supportMisalignedColumns]>\n <tr height=0>{tds}</tr>\n <![endif]>")
    return ("<div align=center>\n<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
            "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt;"
            "mso-yfti-tbllook:1184;mso-padding-alt:0cm 5.4pt 0cm 5.4pt'>\n"
            + "\n".join(rows) + "\n</table>\n</div>")


_WORD_HEAD = """<!--[if gte mso 9]><xml>
 <w:WordDocument>
  <w:View>Normal</w:View>
  <w:Zoom>0</w:Zoom>
  <w:PunctuationKerning/>
  <w:DrawingGridVerticalSpacing>7.8 磅</w:DrawingGridVerticalSpacing>
 </w:WordDocument>
</xml><![endif]-->
<style>
<!--
 /* Font Definitions */
 @font-face {font-family:宋体; panose-1:2 1 6 0 3 1 1 1 1 1;}
 @font-face {font-family:仿宋_GB2312; mso-font-charset:134;}
 p.MsoNormal, li.MsoNormal, div.MsoNormal {mso-style-parent:""; margin:0cm; margin-bottom:.0001pt;
  text-align:justify; text-justify:inter-ideograph; font-size:10.5pt; font-family:"Times New Roman";}
 @page Section1 {size:595.3pt 841.9pt; margin:72.0pt 90.0pt 72.0pt 90.0pt;}
 div.Section1 {page:Section1;}
-->
</style>"""


def _word_body(report: Report, rng: random.Random, style: _Style) -> str:
    font_tag = rng.random() < 0.25
    fullwidth = rng.random() < 0.2
    parts = ["<div class=Section1 style='layout-grid:15.6pt'>"]
    for kind, x in _blocks(report, style, rng):
        if isinstance(x, _Table):
            parts.append(_w_table(x, rng, font_tag, fullwidth))
        else:
            parts.append(_w_para(str(x), font_tag, kind=kind))
    parts.append("</div>")
    return "\n".join(parts)


def render_html_word(report: Report, rng: random.Random) -> bytes:
    """A Word-exported HTML report (mso styles, <o:p>, <font>, &nbsp;, the official rowspans and
    colspans) inside a government portal page, encoded UTF-8, GBK or GB18030; sometimes with
    full-width digits or converted to Traditional Chinese."""
    style = _style(report, rng)
    ag = agency_from_name(report.agency or "")
    encoding = str(_weighted(rng, (("utf-8", 50), ("gbk", 35), ("gb18030", 15))))
    charset = {"utf-8": "utf-8", "gbk": "gb2312", "gb18030": "gb18030"}[encoding]
    title = htmllib.escape(report.title or "")
    nav = "".join(f'<li><a href="/{i}/">{n}</a></li>' for i, n in enumerate(_NAV[:6]))
    page = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}" />
<title>{title}_{htmllib.escape(ag.site)}</title>
<meta name="ArticleTitle" content="{title}" />
<meta name="PubDate" content="{_portal_date(report)} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}" />
<meta name="ContentSource" content="{htmllib.escape(report.agency or '')}" />
<link rel="stylesheet" type="text/css" href="/css/index.css" />
{_WORD_HEAD}
<script type="text/javascript" src="/js/jquery.min.js"></script>
</head>
<body>
<div class="top"><div class="logo"><a href="/">{htmllib.escape(ag.site)}</a></div>
<div class="search"><input type="text" value="请输入关键字" /><button>搜索</button></div></div>
<div class="nav"><ul>{nav}<li><a href="/ndbg/">政府信息公开年报</a></li></ul></div>
<div class="position">当前位置：<a href="/">首页</a>&nbsp;&gt;&nbsp;<a href="/1/">政务公开</a>&nbsp;&gt;&nbsp;<a href="/ndbg/">政府信息公开年报</a></div>
<div class="article">
<h1 class="title">{title}</h1>
<div class="info">发布时间：{_portal_date(report)}&nbsp;&nbsp;来源：{htmllib.escape(report.agency or '')}&nbsp;&nbsp;浏览次数：<span id="hits">{rng.randint(30, 5000)}</span>&nbsp;&nbsp;【字体：<a href="#">大</a> <a href="#">中</a> <a href="#">小</a>】</div>
<div class="TRS_Editor">
{_word_body(report, rng, style)}
</div>
<div class="share">【<a href="javascript:window.print()">打印本页</a>】【<a href="javascript:window.close()">关闭窗口</a>】</div>
</div>
<div class="footer">
<p>主办：{htmllib.escape(ag.site)}办公室&nbsp;&nbsp;承办：{htmllib.escape(ag.site)}信息中心</p>
<p>网站标识码：{rng.randint(10**9, 10**10 - 1)}&nbsp;&nbsp;ICP备{rng.randint(10**7, 10**8 - 1)}号</p>
</div>
<script type="text/javascript">$(function(){{ $("#hits").load("/hits?id={rng.randint(1000, 99999)}"); }});</script>
</body>
</html>
"""
    if rng.random() < 0.15:
        page = _traditional(page)
    return page.encode(encoding, errors="xmlcharrefreplace")


def _traditional(page: str) -> str:
    """The page's text (not its markup) in Traditional Chinese, as a converted site serves it.
    Converting only the text nodes, in one call, keeps OpenCC (pure Python) affordable."""
    parts = re.split(r"(<[^>]*>)", page)
    texts = [i for i, p in enumerate(parts) if not p.startswith("<") and not p.isascii()]
    converted = _s2t()("\x00".join(parts[i] for i in texts)).split("\x00")
    for i, t in zip(texts, converted, strict=True):
        parts[i] = t
    return "".join(parts)


# --------------------------------------------------------------------------- html_clean

def _clean_cell(cell: _TCell) -> str:
    tag, scope = {"value": ("td", None), "label": ("th", "row"), "group": ("th", "rowgroup"),
                  "head": ("th", "col"), "corner": ("td", None),
                  "caption": ("th", "colgroup")}[cell.kind]
    attrs = f' scope="{scope}"' if scope else ""
    attrs += f' colspan="{cell.colspan}"' if cell.colspan > 1 else ""
    attrs += f' rowspan="{cell.rowspan}"' if cell.rowspan > 1 else ""
    text = "<br>".join(htmllib.escape(line) for line in cell.text.split("\n"))
    return f"<{tag}{attrs}>{text}</{tag}>"


def _clean_table(table: _Table) -> str:
    rows = list(table.rows)
    head = table.head
    out = ["<table>"]
    # A title row inside the table becomes the caption (table 2's own block captions stay rows).
    if len(rows[0]) == 1 and rows[0][0].kind == "caption" and (
            table.name != "t2" or rows[1][0].kind == "caption"):
        out.append(f"<caption>{htmllib.escape(rows.pop(0)[0].text)}</caption>")
        head = max(0, head - 1)

    def tr(row: list[_TCell]) -> str:
        return "<tr>" + "".join(_clean_cell(c) for c in row) + "</tr>"

    if table.name == "t2":  # one tbody per 第二十条第（X）项 block
        for i, row in enumerate(rows):
            if row[0].kind == "caption":
                out += (["</tbody>"] if i else []) + ["<tbody>"]
            out.append(tr(row))
        out.append("</tbody>")
    else:
        out += ["<thead>", *map(tr, rows[:head]), "</thead>", "<tbody>", *map(tr, rows[head:]),
                "</tbody>"]
    out.append("</table>")
    return "\n".join(out)


def render_html_clean(report: Report, rng: random.Random) -> str:
    """Clean semantic HTML: headings, paragraphs, tables with thead/tbody, th scope and the
    official rowspans and colspans."""
    style = _style(report, rng)
    title = htmllib.escape(report.title or "")
    out = ["<!DOCTYPE html>", '<html lang="zh-CN">', "<head>", '<meta charset="utf-8">',
           f"<title>{title}</title>", "</head>", "<body>", "<main>", "<article>"]
    for kind, x in _blocks(report, style, rng):
        if isinstance(x, _Table):
            out.append(_clean_table(x))
        elif kind == "title":
            date = report.published
            out += ["<header>", f"<h1>{title}</h1>",
                    f'<p><time datetime="{date.isoformat()}">{_cn_date(date)}</time></p>'
                    if date else "", "</header>"]
        else:
            tag = {"heading": "h2", "sub": "h3"}.get(kind, "p")
            cls = ' class="signature"' if kind == "sign" else ""
            out.append(f"<{tag}{cls}>{htmllib.escape(str(x))}</{tag}>")
    out += ["</article>", "</main>", "</body>", "</html>"]
    return "\n".join(x for x in out if x) + "\n"


# --------------------------------------------------------------------------- dispatch

RENDERERS: dict[str, Callable[[Report, random.Random], "str | bytes"]] = {
    "docx_text": render_docx_text,
    "pdf_text": render_pdf_text,
    "web_text": render_web_text,
    "markdown": render_markdown,
    "html_word": render_html_word,
    "html_clean": render_html_clean,
}


def render(report: Report, layout: str, rng: random.Random) -> str | bytes:
    """Render `report` in `layout` (one of `LAYOUTS`)."""
    try:
        return RENDERERS[layout](report, rng)
    except KeyError:
        raise ValueError(f"unknown layout {layout!r}; layouts: {', '.join(LAYOUTS)}") from None


def as_bytes(rendered: str | bytes) -> bytes:
    """The bytes of a rendering as a file holds them (text layouts are UTF-8)."""
    return rendered if isinstance(rendered, bytes) else rendered.encode("utf-8")
