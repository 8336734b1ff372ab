"""Read queries for the public agency pages and the API (public meetings only)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from tracker.extensions import db
from tracker.labels import ROLE_ORDER
from tracker.meetings.queries import PUBLIC
from tracker.models import (
    AGENCY_KINDS,
    ATTENDANCE,
    Agency,
    AgencyAlias,
    Meeting,
    Participation,
    Region,
    Venue,
)
from tracker.models.agency import normalize_name

# Months of the per-month chart; older activity is summed in the totals only.
CHART_MONTHS = 36


def public_meeting_counts() -> Select[tuple[int, int]]:
    """(agency id, number of public meetings) for every agency that has any."""
    return (
        select(Participation.agency_id, func.count(func.distinct(Participation.meeting_id)))
        .join(Meeting, Meeting.id == Participation.meeting_id)
        .where(PUBLIC, Participation.agency_id.is_not(None))
        .group_by(Participation.agency_id)
    )


def agency_list(q: str = "", kind: str = "", eager: bool = True) -> Select[tuple[Agency]]:
    """Agencies matching a name or alias, those with most public meetings first."""
    counts = public_meeting_counts().subquery()
    busy = func.coalesce(counts.c[1], 0)
    stmt = (
        select(Agency)
        .outerjoin(counts, counts.c.agency_id == Agency.id)
        .order_by(busy.desc(), Agency.short_name, Agency.id)
    )
    if eager:
        stmt = stmt.options(selectinload(Agency.region), selectinload(Agency.aliases))
    if kind in AGENCY_KINDS:
        stmt = stmt.where(Agency.kind == kind)
    needle = normalize_name(q)
    if needle:
        like = f"%{needle}%"
        alias_hit = select(AgencyAlias.agency_id).where(AgencyAlias.normalized.like(like))
        stmt = stmt.where(
            or_(
                func.lower(Agency.short_name).like(like),
                func.lower(Agency.full_name).like(like),
                Agency.id.in_(alias_hit),
                *_title_matches(needle),
            )
        )
    return stmt


def _title_matches(needle: str) -> list[Any]:
    """Conditions for "<head's title> <region>": "kapolda kaltim" is Polda Kaltim."""
    words = needle.split()
    conditions = []
    for cut in range(1, len(words)):
        title, place = " ".join(words[:cut]), " ".join(words[cut:])
        regions = select(Region.id).where(
            or_(func.lower(Region.short) == place, func.lower(Region.name) == place)
        )
        conditions.append(
            and_(func.lower(Agency.head_title) == title, Agency.region_id.in_(regions))
        )
    return conditions


def meeting_counts(agency_ids: list[int]) -> dict[int, int]:
    """Public meeting counts for these agencies (absent ones have none)."""
    if not agency_ids:
        return {}
    rows = db.session.execute(
        public_meeting_counts().where(Participation.agency_id.in_(agency_ids))
    ).all()
    return {agency_id: count for agency_id, count in rows}


def attendance(agency: Agency) -> Select[tuple[Participation]]:
    """The agency's participations in public meetings, newest first."""
    return (
        select(Participation)
        .join(Participation.meeting)
        .where(Participation.agency_id == agency.id, PUBLIC)
        .options(
            # All many-to-one: joined, so a CSV of any length is one statement.
            contains_eager(Participation.meeting).options(
                joinedload(Meeting.region),
                joinedload(Meeting.venue).joinedload(Venue.city),
                joinedload(Meeting.election),
            ),
            joinedload(Participation.person),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc(), Participation.id)
    )


@dataclass
class AgencyStats:
    """Counts for an agency page: meetings, roles, attendance, months, partners."""

    meetings: int
    by_role: list[tuple[str, int]]
    by_attendance: list[tuple[str, int]]
    per_month: list[tuple[str, int]]
    partners: list[tuple[Agency, int]]


def _month_series(months: Counter[str]) -> list[tuple[str, int]]:
    """Every month from the first to the last with activity (zeros included)."""
    if not months:
        return []
    first, last = min(months), max(months)
    year, month = int(first[:4]), int(first[5:])
    series: list[tuple[str, int]] = []
    while True:
        key = f"{year:04d}-{month:02d}"
        series.append((key, months.get(key, 0)))
        if key >= last:
            break
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return series[-CHART_MONTHS:]


def agency_stats(agency: Agency, partner_limit: int = 10) -> AgencyStats:
    """Aggregate an agency's public attendance in a fixed number of statements."""
    base = (
        select(Participation.roles, Participation.attendance, func.count())
        .join(Meeting, Meeting.id == Participation.meeting_id)
        .where(Participation.agency_id == agency.id, PUBLIC)
        .group_by(Participation.roles, Participation.attendance)
    )
    roles: Counter[str] = Counter()
    presence: Counter[str] = Counter()
    for role_set, status, count in db.session.execute(base):
        for role in role_set or {"attendee"}:
            roles[role] += count
        presence[status] += count
    # Months in each meeting's own zone: one row per meeting, grouped here.
    starts = db.session.execute(
        select(Meeting.starts_at, Meeting.timezone).where(
            PUBLIC,
            Meeting.id.in_(
                select(Participation.meeting_id).where(Participation.agency_id == agency.id)
            ),
        )
    ).all()
    months: Counter[str] = Counter()
    for starts_at, tz_name in starts:
        local = starts_at.astimezone(ZoneInfo(tz_name))
        months[f"{local.year:04d}-{local.month:02d}"] += 1
    other = aliased(Participation)
    partner_rows = db.session.execute(
        select(Agency, func.count(func.distinct(other.meeting_id)).label("n"))
        .join(other, other.agency_id == Agency.id)
        .join(
            Participation,
            and_(
                Participation.meeting_id == other.meeting_id,
                Participation.agency_id == agency.id,
            ),
        )
        .join(Meeting, Meeting.id == other.meeting_id)
        .where(PUBLIC, Agency.id != agency.id)
        .group_by(Agency.id)
        .order_by(func.count(func.distinct(other.meeting_id)).desc(), Agency.short_name)
        .limit(partner_limit)
    ).all()
    return AgencyStats(
        meetings=len(starts),
        by_role=[(r, roles[r]) for r in ROLE_ORDER if roles[r]],
        by_attendance=[(a, presence[a]) for a in ATTENDANCE if presence[a]],
        per_month=_month_series(months),
        partners=[(a, n) for a, n in partner_rows],
    )


def agencies_for_export(q: str = "", kind: str = "") -> list[tuple[Agency, list[str], int]]:
    """Every matching agency with its aliases and public meeting count (three statements)."""
    agencies = (
        db.session.execute(agency_list(q, kind, eager=False).options(joinedload(Agency.region)))
        .unique()
        .scalars()
        .all()
    )
    ids = agency_list(q, kind, eager=False).with_only_columns(Agency.id).order_by(None)
    aliases: dict[int, list[str]] = {}
    for agency_id, alias in db.session.execute(
        select(AgencyAlias.agency_id, AgencyAlias.alias)
        .where(AgencyAlias.agency_id.in_(ids))
        .order_by(AgencyAlias.alias)
    ):
        aliases.setdefault(agency_id, []).append(alias)
    counts = {aid: n for aid, n in db.session.execute(public_meeting_counts())}
    return [(a, aliases.get(a.id, []), counts.get(a.id, 0)) for a in agencies]
