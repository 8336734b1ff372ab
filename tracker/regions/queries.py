"""Read queries for the public region pages and the API (public meetings only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from tracker.extensions import db
from tracker.kept import kept
from tracker.meetings.queries import PUBLIC, Choice
from tracker.models import Meeting, Region


@dataclass(frozen=True)
class MeetingCount:
    """A region's public meetings, and how many of them were cancelled."""

    meetings: int = 0
    cancelled: int = 0

    def __add__(self, other: MeetingCount) -> MeetingCount:
        return MeetingCount(self.meetings + other.meetings, self.cancelled + other.cancelled)


NONE = MeetingCount()


def _compute_counts() -> dict[int, MeetingCount]:
    """One grouped count over public meetings; a province adds its regencies' and cities'."""
    cancelled = func.sum(case((Meeting.status == "cancelled", 1), else_=0))
    rows = db.session.execute(
        select(Meeting.region_id, func.count(), cancelled).where(PUBLIC).group_by(Meeting.region_id)
    )
    own = {region_id: MeetingCount(n, int(c or 0)) for region_id, n, c in rows}
    counts = dict(own)
    for region_id, parent_id in db.session.execute(select(Region.id, Region.parent_id)):
        if parent_id is not None and region_id in own:
            counts[parent_id] = counts.get(parent_id, NONE) + own[region_id]
    return counts


def meeting_counts() -> dict[int, MeetingCount]:
    """{region id: its public meeting count}, a province including its regencies and cities.

    Kept until the next committed write (meetings and regions move the change counter).
    """
    return kept("region_public_meeting_counts", _compute_counts)


def provinces() -> list[Region]:
    """The provinces, by code."""
    stmt = select(Region).where(Region.kind == "province").order_by(Region.code)
    return list(db.session.execute(stmt).scalars())


def find_region(code: str, *options: ORMOption) -> Region | None:
    """The region with this code, loading ``options`` with it."""
    stmt = select(Region).where(Region.code == code).options(*options)
    return db.session.execute(stmt).scalar_one_or_none()


def region_page(code: str) -> Region | None:
    """The region with this code, with its parent and its regencies and cities loaded."""
    return find_region(code, joinedload(Region.parent), selectinload(Region.children))


def region_list(
    kind: str = "", parent: Region | None = None, province: Region | None = None
) -> list[Region]:
    """Regions by code: of one kind, the children of ``parent``, or all of ``province``."""
    stmt = select(Region).options(joinedload(Region.parent)).order_by(Region.code)
    if kind:
        stmt = stmt.where(Region.kind == kind)
    if parent is not None:
        stmt = stmt.where(Region.parent_id == parent.id)
    if province is not None:
        stmt = stmt.where(or_(Region.id == province.id, Region.parent_id == province.id))
    return list(db.session.execute(stmt).scalars())


@dataclass(frozen=True)
class RegionMenus:
    """The meeting list's two-step region choice: provinces, then one province's regions."""

    provinces: list[Choice] = field(default_factory=list)
    # Regencies and cities by their province's code.
    regencies: dict[str, list[Choice]] = field(default_factory=dict)


def _compute_menus() -> RegionMenus:
    menus = RegionMenus()
    codes: dict[int, str] = {}
    rows = db.session.execute(
        select(Region.id, Region.code, Region.name, Region.parent_id).order_by(
            Region.parent_id.is_not(None), Region.code
        )
    )
    for region_id, code, name, parent_id in rows:
        if parent_id is None:
            codes[region_id] = code
            menus.provinces.append(Choice(code, name))
        elif parent_id in codes:
            menus.regencies.setdefault(codes[parent_id], []).append(Choice(code, name, True))
    return menus


def region_menus() -> RegionMenus:
    """The provinces and each province's regencies and cities, kept until the next write."""
    return kept("region_menus", _compute_menus)
