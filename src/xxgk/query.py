"""Which reports: the filters shared by `xxgk query`, `xxgk export`, the library API and the web.

A `Filters` is plain data; `where(filters)` turns it into SQL conditions over the `reports` and
`agencies` tables, so every face selects reports the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true

from . import editions
from .store.models import Agency, AgencyName, Narrative, ReportRecord
from .textnorm import fold


def normalise_region(path: str | None) -> str | None:
    """"黑龙江省 / 佳木斯市/桦川县/" → "黑龙江省/佳木斯市/桦川县"; empty → None."""
    if path is None:
        return None
    parts = [p.strip() for p in path.replace("／", "/").replace("\\", "/").split("/")]
    parts = [p for p in parts if p]
    return "/".join(parts) or None


NOTHING = "\x00"  # a region no agency is in


def within(path: str, region: str) -> bool:
    """`path` is `region` or below it."""
    return path == region or path.startswith(region + "/")


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def in_region(column: Any, region: str) -> ColumnElement[bool]:
    """`column` is the region or a region below it."""
    return or_(column == region, column.like(_like_escape(region) + "/%", escape="\\"))


def contains(column: Any, text: str) -> ColumnElement[bool]:
    return column.like("%" + _like_escape(text) + "%", escape="\\")


@dataclass(frozen=True)
class Filters:
    region: str | None = None  # a region path: the region and everything below it
    years: tuple[int, ...] = ()  # any of these years
    agency: str | None = None  # part of an agency's name or alias
    agency_id: int | None = None
    edition: str | None = None
    has_errors: bool | None = None
    late: bool | None = None  # True: after the deadline; False: on time (unknown dates: neither)
    text: str | None = None  # title, agency or narrative contains it

    def __post_init__(self) -> None:
        if self.edition is not None and self.edition not in editions.EDITION_KEYS:
            raise ValueError(f"unknown edition {self.edition!r}")
        object.__setattr__(self, "region", normalise_region(self.region))
        object.__setattr__(self, "years", tuple(sorted(set(int(y) for y in self.years))))

    @classmethod
    def from_options(cls, *, region: str | None = None, year: list[int] | None = None,
                     agency: str | None = None, edition: str | None = None,
                     has_errors: bool | None = None, late: bool | None = None,
                     text: str | None = None) -> "Filters":
        return cls(region=region, years=tuple(year or ()), agency=agency or None,
                   edition=edition or None, has_errors=has_errors, late=late, text=text or None)

    def narrowed(self, scope: "Filters") -> "Filters":
        """These filters within a user's scope (`Library.scope`): the scope's region and agency
        win when they are narrower."""
        region = self.region
        if scope.region is not None:
            if region is None or within(scope.region, region):
                region = scope.region
            elif not within(region, scope.region):
                region = NOTHING
        agency_id = scope.agency_id if scope.agency_id is not None else self.agency_id
        if scope.agency_id is not None and self.agency_id not in (None, scope.agency_id):
            agency_id = -1  # another agency than the user's own: nothing matches
        return replace(self, region=region, agency_id=agency_id)

    def is_empty(self) -> bool:
        return self == Filters()

    def describe(self) -> str:
        """The filters in Chinese, for headings and summaries."""
        parts = []
        if self.region:
            parts.append(f"地区 {self.region}")
        if self.years:
            parts.append("年度 " + "、".join(str(y) for y in self.years))
        if self.agency:
            parts.append(f"机关含“{self.agency}”")
        if self.agency_id is not None:
            parts.append(f"机关编号 {self.agency_id}")
        if self.edition:
            parts.append(f"{self.edition}版")
        if self.has_errors is not None:
            parts.append("有错误" if self.has_errors else "无错误")
        if self.late is not None:
            parts.append("逾期发布" if self.late else "按期发布")
        if self.text:
            parts.append(f"含文字“{self.text}”")
        return "，".join(parts) if parts else "全部报告"


def where(f: Filters | None) -> ColumnElement[bool]:
    """The SQL condition over `reports` joined with `agencies`."""
    if f is None:
        return true()
    conds: list[ColumnElement[bool]] = []
    if f.region == NOTHING or f.agency_id == -1:
        return false()
    if f.region:
        conds.append(in_region(Agency.region, f.region))
    if f.years:
        conds.append(ReportRecord.year.in_(f.years))
    if f.agency:
        folded = fold(f.agency) or f.agency
        conds.append(or_(
            contains(Agency.name, f.agency),
            exists(select(AgencyName.folded).where(AgencyName.agency_id == Agency.id,
                                                    contains(AgencyName.folded, folded)))))
    if f.agency_id is not None:
        conds.append(ReportRecord.agency_id == f.agency_id)
    if f.edition:
        conds.append(ReportRecord.edition == f.edition)
    if f.has_errors is True:
        conds.append(ReportRecord.errors > 0)
    elif f.has_errors is False:
        conds.append(ReportRecord.errors == 0)
    if f.late is not None:
        known = and_(ReportRecord.published.is_not(None), ReportRecord.deadline.is_not(None))
        after = ReportRecord.published > ReportRecord.deadline
        conds.append(and_(known, after if f.late else ~after))
    if f.text:
        conds.append(or_(
            contains(Agency.name, f.text), contains(ReportRecord.title, f.text),
            exists(select(Narrative.report_id).where(Narrative.report_id == ReportRecord.id,
                                                      contains(Narrative.text, f.text)))))
    return and_(true(), *conds)
