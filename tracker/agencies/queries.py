"""Read queries for the public agency pages and the API (public meetings only)."""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from tracker.extensions import db
from tracker.kept import kept, paginate_ids
from tracker.labels import ROLE_ORDER
from tracker.meetings.queries import PUBLIC, parse_date
from tracker.models import (
    AGENCY_KINDS,
    ATTENDANCE,
    Agency,
    AgencyAlias,
    BodyPairTotal,
    BodyTally,
    BodyTotal,
    Meeting,
    Participation,
    Region,
    Venue,
)
from tracker.models.agency import normalize_name

# Months of the per-month chart; older activity is summed in the totals only.
CHART_MONTHS = 36


def _meeting_counts(*conditions: ColumnElement[bool]) -> dict[int, int]:
    """{agency id: distinct meetings} over participations passing ``conditions``."""
    rows = db.session.execute(
        select(Participation.agency_id, func.count(func.distinct(Participation.meeting_id)))
        .where(Participation.agency_id.is_not(None), *conditions)
        .group_by(Participation.agency_id)
    )
    return {agency_id: n for agency_id, n in rows if agency_id is not None}


def public_meeting_counts() -> dict[int, int]:
    """{agency id: number of public meetings} for every agency that has any.

    Every meeting of an agency minus its non-public ones: both read indexes alone
    (participation (agency, meeting) in order; the few non-public meetings, then their
    participations by meeting), where joining each participation to its meeting to test
    its visibility would read the whole meeting table at random.
    """
    every = _meeting_counts()
    hidden = _meeting_counts(
        Participation.meeting_id.in_(select(Meeting.id).where(Meeting.visibility != "public"))
    )
    counts = {agency_id: n - hidden.get(agency_id, 0) for agency_id, n in every.items()}
    return {agency_id: n for agency_id, n in counts.items() if n > 0}


def all_meeting_counts() -> dict[int, int]:
    """Every agency's public meeting count, recounted only after a committed write.

    Counting reads every participation, too much for each request; the result is kept
    under the change counter (``tracker/kept.py``), which moves with any write to
    meetings or participations, a change of visibility included. Only public meetings
    are ever counted.
    """
    return kept("agency_public_meeting_counts", public_meeting_counts)


def today() -> date:
    """Today's date where it comes first in Indonesia (WIT), so a body formed today counts."""
    return datetime.now(ZoneInfo("Asia/Jayapura")).date()


def existing_on(day: date) -> ColumnElement[bool]:
    """Agencies that existed on ``day``: formed by then and not yet dissolved or renamed."""
    return and_(
        or_(Agency.valid_from.is_(None), Agency.valid_from <= day),
        or_(Agency.valid_until.is_(None), Agency.valid_until >= day),
    )


def formed_by(day: date) -> ColumnElement[bool]:
    """Agencies formed by ``day``, including those since dissolved (shown as such)."""
    return or_(Agency.valid_from.is_(None), Agency.valid_from <= day)


def parse_day(value: str) -> tuple[date | None, str | None]:
    """An ``on`` argument as a date, or the reason it is none (empty: no date, no error)."""
    errors: dict[str, str] = {}
    day = parse_date(value, "on", errors)
    return day, errors.get("on")


def agency_list(
    q: str = "", kind: str = "", eager: bool = True, on: date | None = None
) -> Select[Agency]:
    """Agencies matching a name or alias, by name (``ranked_agency_ids`` ranks them).

    With ``on``, only those that existed that day; without, those formed by today
    (a dissolved body stays listed: its record is history).
    """
    stmt = select(Agency).order_by(Agency.short_name, Agency.id)
    stmt = stmt.where(existing_on(on) if on else formed_by(today()))
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


def ranked_agency_ids(q: str = "", kind: str = "", on: date | None = None) -> list[int]:
    """Ids of the matching agencies: most public meetings first, then by name."""
    counts = all_meeting_counts()
    ids = db.session.execute(agency_list(q, kind, eager=False, on=on).with_only_columns(Agency.id))
    # A stable sort keeps the name order (short name, id) among equal counts.
    return sorted(ids.scalars(), key=lambda agency_id: -counts.get(agency_id, 0))


def agency_page(
    q: str, kind: str, page: int, per_page: int, max_per_page: int, on: date | None = None
) -> Pagination:
    """One page of matching agencies, busiest first; out-of-range pages are empty."""
    # Kept until the next write (and per day: "formed by today" moves at midnight), so
    # paging through thousands of bodies does not rank them all again per page.
    # Under the page counter too: a search also matches aliases, which move only that one.
    ranked = kept(
        ("agency_ranked_ids", q, kind, on, today()),
        lambda: tuple(ranked_agency_ids(q, kind, on)),
        pages=True,
    )
    return paginate_ids(
        select(Agency).options(selectinload(Agency.region), selectinload(Agency.aliases)),
        Agency.id,
        ranked,
        page=page,
        per_page=per_page,
        max_per_page=max_per_page,
    )


def _title_matches(needle: str) -> list[Any]:
    """Conditions for "<head's title> <region>" ("kapolda kaltim" is Polda Kaltim), or a
    national body's whole title ("kapolri" is Mabes Polri, "ketua kpu ri" KPU RI).
    """
    words = needle.split()
    conditions = [and_(Agency.region_id.is_(None), func.lower(Agency.head_title) == needle)]
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


def attendance(agency: Agency) -> Select[Participation]:
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


def attendance_page(agency: Agency, page: int, per_page: int, max_per_page: int) -> Pagination:
    """A page of the agency's attendance history, newest first.

    The order of the whole history is kept until the next committed write (as ids), so
    a page loads only its own rows instead of sorting and counting the record each time.
    """
    agency_id = agency.id
    ordered = (
        select(Participation.id)
        .join(Meeting, Meeting.id == Participation.meeting_id)
        .where(Participation.agency_id == agency_id, PUBLIC)
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc(), Participation.id)
    )

    def ids() -> array[int]:
        return array("q", db.session.execute(ordered).scalars())

    return paginate_ids(
        attendance(agency),
        Participation.id,
        kept(("agency_attendance_ids", agency_id), ids),
        page=page,
        per_page=per_page,
        max_per_page=max_per_page,
    )


@dataclass(frozen=True)
class Partner:
    """Another agency as a partner list names it (plain data, kept between requests)."""

    slug: str
    short_name: str


@dataclass(frozen=True)
class AgencyStats:
    """Counts for an agency page: meetings, roles, attendance, months, partners."""

    meetings: int
    by_role: tuple[tuple[str, int], ...]
    by_attendance: tuple[tuple[str, int], ...]
    per_month: tuple[tuple[str, int], ...]
    partners: tuple[tuple[Partner, int], ...]
    cancelled: int = 0  # meetings it was to attend that were called off


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


def _own_public_meetings(agency_id: int) -> Select[int]:
    """Ids of the public meetings an agency took part in (index-only on participation)."""
    return (
        select(Participation.meeting_id)
        .join(Meeting, Meeting.id == Participation.meeting_id)
        .where(Participation.agency_id == agency_id, PUBLIC)
    )


def agency_stats(agency: Agency, partner_limit: int = 10) -> AgencyStats:
    """An agency's public attendance figures, kept until the next committed write.

    Every figure comes from meetings, participations and agencies, all of which move
    the change counter (``tracker/kept.py``).
    """
    agency_id = agency.id
    return kept(
        ("agency_stats", agency_id, partner_limit),
        lambda: _compute_stats(agency_id, partner_limit),
    )


def _compute_stats(agency_id: int, partner_limit: int) -> AgencyStats:
    """An agency's public attendance from the rows kept at commit, in three statements.

    Roles and attendance are the body's totals over counted meetings (public, not
    cancelled: ``body_total``), as its row in the rankings shows them; months and
    cancelled meetings an index range of its tally rows; partners its kept pairs, the
    bodies it attended most counted meetings with (``tracker/rankings/``). Each read
    follows the agency's own record, not the size of the archive.
    """
    total = db.session.get(BodyTotal, agency_id)
    public = or_(BodyTally.counted == true(), BodyTally.called_off == 1)
    month_rows = db.session.execute(
        select(BodyTally.month, func.count(), func.sum(BodyTally.called_off))
        .where(BodyTally.agency_id == agency_id, public)
        .group_by(BodyTally.month)
    ).all()
    months: Counter[str] = Counter({month: n for month, n, _off in month_rows})
    partner_rows = db.session.execute(
        select(Agency.slug, Agency.short_name, BodyPairTotal.meetings)
        .join(BodyPairTotal, BodyPairTotal.partner_id == Agency.id)
        .where(BodyPairTotal.agency_id == agency_id)
        .order_by(BodyPairTotal.meetings.desc(), Agency.short_name, Agency.id)
        .limit(partner_limit)
    ).all()
    return AgencyStats(
        meetings=sum(months.values()),
        by_role=_figures(total, ROLE_ORDER),
        by_attendance=_figures(total, ATTENDANCE),
        per_month=tuple(_month_series(months)),
        partners=tuple((Partner(slug, name), n) for slug, name, n in partner_rows),
        cancelled=sum(int(off or 0) for _month, _n, off in month_rows),
    )


def _figures(total: BodyTotal | None, names: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    """The non-zero counts of these ``body_total`` columns, in order."""
    if total is None:
        return ()
    counts = ((name, int(getattr(total, name))) for name in names)
    return tuple((name, n) for name, n in counts if n)


def agencies_for_export(
    q: str = "", kind: str = "", on: date | None = None
) -> list[tuple[Agency, list[str], int]]:
    """Every matching agency with its aliases and public meeting count, busiest first."""
    rank = {agency_id: n for n, agency_id in enumerate(ranked_agency_ids(q, kind, on))}
    matching = agency_list(q, kind, eager=False, on=on)
    agencies = sorted(
        db.session.execute(matching.options(joinedload(Agency.region))).unique().scalars(),
        key=lambda agency: rank.get(agency.id, len(rank)),
    )
    ids = matching.with_only_columns(Agency.id).order_by(None)
    aliases: dict[int, list[str]] = {}
    for agency_id, alias in db.session.execute(
        select(AgencyAlias.agency_id, AgencyAlias.alias)
        .where(AgencyAlias.agency_id.in_(ids))
        .order_by(AgencyAlias.alias)
    ):
        aliases.setdefault(agency_id, []).append(alias)
    counts = all_meeting_counts()
    return [(a, aliases.get(a.id, []), counts.get(a.id, 0)) for a in agencies]
