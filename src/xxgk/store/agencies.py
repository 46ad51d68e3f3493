"""Agencies: what kind an agency is, where it sits, and finding one by any of its names."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..checks.deadline import agency_kind, deadline
from ..query import normalise_region
from ..textnorm import fold, nfkc
from .models import Agency, AgencyName
from .records import KINDS, LEVELS, AgencyInfo

_TOWNSHIP = re.compile(r"(?:镇|乡|苏木)(?:人民)?政府$|街道(?:办事处)?$|街道工作委员会$")


def kind_from_name(name: str) -> str:
    """government · department · township, as the name says (第四十九条's two kinds, and the
    townships below the county level)."""
    core = nfkc(name).strip()
    if _TOWNSHIP.search(core):
        return "township"
    return agency_kind(core) or "department"


def level_from_region(region: str | None, kind: str | None) -> str | None:
    """A region's depth names its level (省/市/县); a township sits below its county."""
    if kind == "township":
        return "township"
    if not region:
        return None
    depth = region.count("/") + 1
    return LEVELS[min(depth, len(LEVELS)) - 1]


def deadline_for(year: int, kind: str | None) -> dt.date:
    """第四十九条: departments by 1月31日, governments (townships report like them) by 3月31日."""
    return deadline(year, "department" if kind == "department" else "government")


def info(a: Agency) -> AgencyInfo:
    return AgencyInfo(a.id, a.name, tuple(a.aliases or ()), a.region, a.level, a.kind)


def find(s: Session, name_or_id: str | int) -> Agency | None:
    if isinstance(name_or_id, int):
        return s.get(Agency, name_or_id)
    key = fold(name_or_id)
    if not key:
        return None
    agency_id = s.scalar(select(AgencyName.agency_id).where(AgencyName.folded == key))
    return None if agency_id is None else s.get(Agency, agency_id)


def _set_names(s: Session, a: Agency) -> None:
    """Rebuild the lookup rows of an agency: its name and aliases, folded."""
    s.execute(delete(AgencyName).where(AgencyName.agency_id == a.id))
    names = {fold(n) for n in [a.name, *(a.aliases or [])] if fold(n)}
    for n in sorted(names):
        taken = s.scalar(select(AgencyName.agency_id).where(AgencyName.folded == n))
        if taken is not None and taken != a.id:
            other = s.get(Agency, taken)
            raise ValueError(f"名称“{n}”已属于机关“{other.name if other else taken}” / the name "
                             f"is already another agency's")
        s.add(AgencyName(folded=n, agency_id=a.id))
    s.flush()


def _check(kind: str | None, level: str | None) -> None:
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if level is not None and level not in LEVELS:
        raise ValueError(f"level must be one of {', '.join(LEVELS)}, not {level!r}")


def create(s: Session, name: str, *, region: str | None = None, kind: str | None = None,
           level: str | None = None, aliases: Iterable[str] = ()) -> Agency:
    name = nfkc(name).strip()
    if not name:
        raise ValueError("机关名称为空 / empty agency name")
    _check(kind, level)
    region = normalise_region(region)
    kind = kind or kind_from_name(name)
    a = Agency(name=name, aliases=sorted({x.strip() for x in aliases if x.strip()} - {name}),
               region=region, kind=kind, level=level or level_from_region(region, kind))
    s.add(a)
    s.flush()
    _set_names(s, a)
    return a


def insert(s: Session, name: str, *, region: str | None = None) -> tuple[int, str, str, str | None]:
    """`create` without ORM objects, for the batch writer: (id, name, kind, region)."""
    from sqlalchemy import insert as sql_insert

    name = nfkc(name).strip()
    if not name:
        raise ValueError("机关名称为空 / empty agency name")
    region = normalise_region(region)
    kind = kind_from_name(name)
    conn = s.connection()
    key = fold(name)
    taken = conn.execute(select(AgencyName.agency_id).where(AgencyName.folded == key)).first()
    if taken is not None:
        raise ValueError(f"名称“{name}”已属于另一机关 / the name is already another agency's")
    agency_id = conn.execute(sql_insert(Agency.__table__), {
        "name": name, "aliases": [], "region": region, "kind": kind,
        "level": level_from_region(region, kind),
        "created_at": dt.datetime.now(dt.UTC).replace(tzinfo=None)}).inserted_primary_key[0]
    conn.execute(sql_insert(AgencyName.__table__), {"folded": key, "agency_id": agency_id})
    return agency_id, name, kind, region


def update(s: Session, a: Agency, *, name: str | None = None, region: str | None = None,
           kind: str | None = None, level: str | None = None,
           aliases: Iterable[str] | None = None) -> None:
    _check(kind, level)
    if name is not None:
        a.name = nfkc(name).strip()
    if region is not None:
        a.region = normalise_region(region)
    if kind is not None:
        a.kind = kind
    if level is not None:
        a.level = level
    elif region is not None or kind is not None:
        a.level = level_from_region(a.region, a.kind)
    if aliases is not None:
        a.aliases = sorted({x.strip() for x in aliases if x.strip()} - {a.name})
    s.flush()
    _set_names(s, a)


def known_regions(s: Session) -> set[str]:
    """Every region path agencies are in, with the paths above them."""
    out: set[str] = set()
    for (r,) in s.execute(select(Agency.region).where(Agency.region.is_not(None)).distinct()):
        parts = r.split("/")
        out.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def infer_region(name: str, regions: Iterable[str]) -> str | None:
    """The deepest known region whose trailing parts start the agency's name: "桦川县财政局" and
    "佳木斯市桦川县财政局" → "黑龙江省/佳木斯市/桦川县"; None when no region fits."""
    n = fold(name)
    best: tuple[int, int, str] | None = None
    for path in regions:
        parts = path.split("/")
        for i in range(len(parts)):
            prefix = fold("".join(parts[i:]))
            if prefix and n.startswith(prefix) and len(n) > len(prefix):
                cand = (len(prefix), len(parts), path)
                if best is None or cand[:2] > best[:2]:
                    best = cand
                break
    return None if best is None else best[2]
