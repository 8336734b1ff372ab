"""Read queries for the public agency pages and the API (public meetings only)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, selectinload

from tracker.calendar import state
from tracker.extensions import db
from tracker.labels import ROLE_ORDER
from tracker.meetings.queries import PUBLIC
from tracker.models import (
    AGENCY_KINDS,
    ATTENDANCE,
    INDONESIAN_ZONES,
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


# Every agency's public meeting count for one reading of the change counter, per
# database: {engine url: ((epoch, generation), {agency id: count})}.
_counts: dict[str, tuple[tuple[str, int], dict[int, int]]] = {}


def all_meeting_counts() -> dict[int, int]:
    """Every agency's public meeting count, recounted only after a committed write.

    Counting reads every participation, too much for each request. The calendar change
    counter moves at the commit of any write to meetings or participations (a change of
    visibility included) and its epoch is drawn per database, so counts kept under its
    reading are never stale, and they never counted anything but public meetings.
    """
    reading = state.read()
    key = (reading.epoch, reading.generation)
    url = str(db.engine.url)
    kept = _counts.get(url)
    if kept is not None and kept[0] == key:
        return kept[1]
    counts = {agency_id: n for agency_id, n in db.session.execute(public_meeting_counts())}
    _counts[url] = (key, counts)
    return counts


def agency_list(q: str = "", kind: str = "", eager: bool = True) -> Select[tuple[Agency]]:
    """Agencies matching a name or alias, by name (``ranked_agency_ids`` ranks them)."""
    stmt = select(Agency).order_by(Agency.short_name, Agency.id)
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


def ranked_agency_ids(q: str = "", kind: str = "") -> list[int]:
    """Ids of the matching agencies: most public meetings first, then by name."""
    counts = all_meeting_counts()
    ids = db.session.execute(agency_list(q, kind, eager=False).with_only_columns(Agency.id))
    # A stable sort keeps the name order (short name, id) among equal counts.
    return sorted(ids.scalars(), key=lambda agency_id: -counts.get(agency_id, 0))


class RankedPagination(Pagination):
    """A page of agencies in the order of ``ranked_agency_ids`` (computed in Python)."""

    def _query_items(self) -> list[Any]:
        ids = self._query_args["ids"][self._query_offset : self._query_offset + self.per_page]
        if not ids:
            return []
        found = db.session.execute(
            select(Agency)
            .where(Agency.id.in_(ids))
            .options(selectinload(Agency.region), selectinload(Agency.aliases))
        ).scalars()
        by_id = {agency.id: agency for agency in found}
        return [by_id[agency_id] for agency_id in ids if agency_id in by_id]

    def _query_count(self) -> int:
        return len(self._query_args["ids"])


def agency_page(q: str, kind: str, page: int, per_page: int, max_per_page: int) -> Pagination:
    """One page of matching agencies, busiest first; out-of-range pages are empty."""
    return RankedPagination(
        page=page,
        per_page=per_page,
        max_per_page=max_per_page,
        error_out=False,
        ids=ranked_agency_ids(q, kind),
    )


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
    counts = all_meeting_counts()
    return {agency_id: counts[agency_id] for agency_id in agency_ids if agency_id in counts}


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


def _own_public_meetings(agency_id: int) -> Select[tuple[int]]:
    """Ids of the public meetings an agency took part in (index-only on participation)."""
    return (
        select(Participation.meeting_id)
        .join(Meeting, Meeting.id == Participation.meeting_id)
        .where(Participation.agency_id == agency_id, PUBLIC)
    )


def _zone_offsets() -> dict[str, str]:
    """SQLite date modifiers for Indonesia's zones, e.g. '+8 hours' for Asia/Makassar."""
    offsets = {}
    for zone in INDONESIAN_ZONES:
        # Fixed offsets: Indonesia has no daylight saving time.
        offset = datetime(2024, 1, 1, tzinfo=ZoneInfo(zone)).utcoffset() or timedelta(0)
        offsets[zone] = f"{int(offset.total_seconds()) // 60:+d} minutes"
    return offsets


def local_month() -> ColumnElement[str]:
    """'YYYY-MM' of each meeting's start in its own zone, computed by the database."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone(Meeting.timezone, Meeting.starts_at), "YYYY-MM")
    shift = case(_zone_offsets(), value=Meeting.timezone, else_="+0 minutes")
    return func.strftime("%Y-%m", Meeting.starts_at, shift)


def agency_stats(agency: Agency, partner_limit: int = 10) -> AgencyStats:
    """Aggregate an agency's public attendance in a fixed number of statements.

    Every figure is grouped in SQL from the agency's own meetings, so the cost follows
    the agency's record, not the size of the archive.
    """
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
    # Months in each meeting's own zone; each public meeting counted once.
    month = local_month()
    months: Counter[str] = Counter(
        dict(
            db.session.execute(
                select(month, func.count())
                .where(Meeting.id.in_(_own_public_meetings(agency.id)))
                .group_by(month)
            ).all()
        )
    )
    # Partners: every other agency in the same meetings, grouped over participation
    # rows found by meeting id (the (meeting_id, agency_id) index answers it alone).
    other = aliased(Participation)
    shared = func.count(func.distinct(other.meeting_id)).label("n")
    counted = (
        select(other.agency_id, shared)
        .where(other.meeting_id.in_(_own_public_meetings(agency.id)), other.agency_id != agency.id)
        .group_by(other.agency_id)
        .subquery()
    )
    partner_rows = db.session.execute(
        select(Agency, counted.c.n)
        .join(counted, counted.c.agency_id == Agency.id)
        .order_by(counted.c.n.desc(), Agency.short_name, Agency.id)
        .limit(partner_limit)
    ).all()
    return AgencyStats(
        meetings=sum(months.values()),
        by_role=[(r, roles[r]) for r in ROLE_ORDER if roles[r]],
        by_attendance=[(a, presence[a]) for a in ATTENDANCE if presence[a]],
        per_month=_month_series(months),
        partners=[(a, n) for a, n in partner_rows],
    )


def agencies_for_export(q: str = "", kind: str = "") -> list[tuple[Agency, list[str], int]]:
    """Every matching agency with its aliases and public meeting count, busiest first."""
    rank = {agency_id: n for n, agency_id in enumerate(ranked_agency_ids(q, kind))}
    agencies = sorted(
        db.session.execute(agency_list(q, kind, eager=False).options(joinedload(Agency.region)))
        .unique()
        .scalars(),
        key=lambda agency: rank.get(agency.id, len(rank)),
    )
    ids = agency_list(q, kind, eager=False).with_only_columns(Agency.id).order_by(None)
    aliases: dict[int, list[str]] = {}
    for agency_id, alias in db.session.execute(
        select(AgencyAlias.agency_id, AgencyAlias.alias)
        .where(AgencyAlias.agency_id.in_(ids))
        .order_by(AgencyAlias.alias)
    ):
        aliases.setdefault(agency_id, []).append(alias)
    counts = all_meeting_counts()
    return [(a, aliases.get(a.id, []), counts.get(a.id, 0)) for a in agencies]
