"""Read queries for meetings, shared by pages, API and feeds.

Everything public goes through ``public_meetings`` or ``PUBLIC``: internal
meetings never reach a public page, count, chart, export or feed. The list's filters
live in ``filters`` and a meeting page's groupings and labels in ``display``; their
names are importable from here too, as callers have always imported them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, func, literal_column, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from tracker import search_query
from tracker.extensions import db
from tracker.kept import kept
from tracker.meetings.display import (
    PLANNED_LABELS,
    Quote,
    attendance_label,
    countdown_days,
    countdown_label,
    evidence_by_release,
    numbered_evidence,
    participations_by_role,
    primary_role,
)
from tracker.meetings.filters import (
    ATTENDANCE_FILTERS,
    EARLIEST_DAY,
    FILTER_KEYS,
    LATEST_DAY,
    REFERENCE_KEYS,
    MeetingFilters,
    attendance_condition,
    filter_conditions,
    find_agency,
    local_day_bound,
    parse_date,
    parse_filters,
    participation_conditions,
    role_condition,
)
from tracker.models import (
    Agency,
    BodyTally,
    BodyTotal,
    Coverage,
    Election,
    Evidence,
    Meeting,
    Participation,
    Region,
    Venue,
)

__all__ = [
    "ATTENDANCE_FILTERS",
    "EARLIEST_DAY",
    "FILTER_KEYS",
    "LATEST_DAY",
    "PLANNED_LABELS",
    "PUBLIC",
    "REFERENCE_KEYS",
    "Choice",
    "MeetingFilters",
    "Quote",
    "attendance_condition",
    "attendance_label",
    "count_meetings",
    "countdown_days",
    "countdown_label",
    "evidence_by_release",
    "filter_choices",
    "filter_conditions",
    "filtered_meetings",
    "find_agency",
    "list_options",
    "list_total",
    "meeting_detail",
    "meetings_for_export",
    "numbered_evidence",
    "parse_date",
    "parse_filters",
    "participation_conditions",
    "participations_by_role",
    "primary_role",
    "public_meetings",
    "role_condition",
    "upcoming_and_recent",
    "wib_today",
]

# The one visibility rule every public query starts from.
PUBLIC = Meeting.visibility == "public"
# A text search counts its matches up to this many, then says "more than" (count_meetings).
SEARCH_COUNT_CAP = 1000


def list_options() -> list[Any]:
    """Eager loads for what a list row shows (constant statements per page).

    Many-to-one relations ride along in the page's own statement; participations come
    in one more, with their agency and person joined.
    """
    return [
        joinedload(Meeting.venue).joinedload(Venue.city),
        joinedload(Meeting.region),
        joinedload(Meeting.election),
        selectinload(Meeting.participations).options(
            joinedload(Participation.agency), joinedload(Participation.person)
        ),
    ]


def public_meetings() -> Select[Meeting]:
    """Public meetings, newest first, with what a list row shows loaded eagerly."""
    return (
        db.select(Meeting)
        .where(PUBLIC)
        .options(*list_options())
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )


def filtered_meetings(filters: MeetingFilters) -> Select[Meeting]:
    """Public meetings matching the filters, newest first, eagerly loaded."""
    return public_meetings().where(*filter_conditions(filters))


def meeting_detail(meeting_id: int, include_internal: bool = False) -> Meeting | None:
    """One meeting with everything its page shows, or None."""
    stmt = (
        db.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.venue).selectinload(Venue.city),
            selectinload(Meeting.region).selectinload(Region.parent),
            selectinload(Meeting.election),
            selectinload(Meeting.participations)
            .selectinload(Participation.agency)
            .selectinload(Agency.region),
            selectinload(Meeting.participations).selectinload(Participation.person),
            selectinload(Meeting.participations)
            .selectinload(Participation.evidence)
            .selectinload(Evidence.press_release),
            selectinload(Meeting.coverages).selectinload(Coverage.press_release),
        )
    )
    if not include_internal:
        stmt = stmt.where(PUBLIC)
    return db.session.execute(stmt).scalar_one_or_none()


def upcoming_and_recent(today: date, limit: int = 5) -> tuple[list[Meeting], list[Meeting]]:
    """Public meetings from today on (soonest first) and before today (latest first).

    A cancelled meeting is not coming: it is left out of the first list.
    """
    start = local_day_bound(today, "ge")
    upcoming = (
        db.session.execute(
            db.select(Meeting)
            .where(PUBLIC, start, Meeting.status != "cancelled")
            .options(*list_options())
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    before = local_day_bound(today, "lt")
    recent = db.session.execute(public_meetings().where(before).limit(limit)).scalars().all()
    return list(upcoming), list(recent)


@dataclass(frozen=True)
class Choice:
    """One option of a filter menu: plain data, so it can be kept between requests."""

    value: str
    label: str
    nested: bool = False


def _in_public_meetings() -> ColumnElement[bool]:
    """Agencies that took part in a public meeting, cancelled ones included.

    Both halves read rows kept at commit (``tracker/rankings/tally.py``): the counted
    meetings' bodies from their totals, the cancelled meetings' from the tally's
    partial index of them, read for its distinct bodies (SQLite skips from one body to
    the next: 1 ms where a UNION of the rows took 23 ms at 100,000 meetings). Probing
    every agency of the full registry for a participation took 164 ms on PostgreSQL,
    on the first request after every write.
    """
    counted = select(BodyTotal.agency_id).where(BodyTotal.meetings > 0)
    # A literal 1: SQLite reads a partial index only for the very condition it names.
    called_off = BodyTally.called_off == literal_column("1")
    cancelled = select(BodyTally.agency_id).distinct().where(called_off)
    return or_(Agency.id.in_(counted), Agency.id.in_(cancelled))


def _compute_choices() -> dict[str, list[Choice]]:
    elections = db.session.execute(
        select(Election.slug, Election.name).order_by(Election.polling_day)
    ).all()
    agencies = db.session.execute(
        select(Agency.slug, Agency.short_name)
        .where(_in_public_meetings())
        .order_by(Agency.short_name)
    ).all()
    return {
        "elections": [Choice(slug, name) for slug, name in elections],
        "agencies": [Choice(slug, name) for slug, name in agencies],
    }


def list_total(filters: MeetingFilters) -> tuple[int, bool]:
    """(total a list shows, whether it is capped): a capped total is the cap, a lower bound."""
    total = count_meetings(filters)
    if filters.q and total > SEARCH_COUNT_CAP:
        return SEARCH_COUNT_CAP, True
    return total, False


def filter_choices() -> dict[str, list[Choice]]:
    """Options for the filter form: elections, and agencies seen in public meetings.

    Regions come in two steps from ``tracker.regions.queries.region_menus``.

    Kept until the next committed write (both come from tables that move the
    change counter): building them reads every agency's participations.
    """
    return kept("meeting_filter_choices", _compute_choices)


def _capped_search_count(filters: MeetingFilters) -> int:
    """A text search's matches, counted to one past the cap."""
    # Counting every match of a common word cost 20x the page itself (170 ms against
    # 8 ms for "kpu" at 100,000 meetings on PostgreSQL); one past the cap says "more".
    # Nothing but the search: SQLite reads the matches until the cap. Other filters
    # may reject most matches, so those walk their own indexes.
    only_q = set(filters.args()) == {"q"}
    streamed = (
        search_query.streamed_matches(select(Meeting.id).where(PUBLIC), filters.q)
        if only_q
        else None
    )
    if streamed is not None:
        return _count_to_cap(streamed)
    conditions = filter_conditions(filters)  # fetches the search's first matches
    # Those matches may hold enough that pass the other filters: then the count need not
    # read the rest (19 ms down to 2 ms for "politik uang" at 100,000 meetings on PostgreSQL).
    sample = search_query.some_matches(filters.q)
    if sample is not None:
        others = filter_conditions(replace(filters, q=""))
        found = _count_to_cap(select(Meeting.id).where(PUBLIC, *others, search_query.among(sample)))
        if found > SEARCH_COUNT_CAP:
            return found
    return _count_to_cap(select(Meeting.id).where(PUBLIC, *conditions))


def _count_to_cap(matches: Select[Any]) -> int:
    capped = select(func.count()).select_from(matches.limit(SEARCH_COUNT_CAP + 1).subquery())
    return int(db.session.execute(capped).scalar_one())


def count_meetings(filters: MeetingFilters) -> int:
    """How many public meetings match the filters; a text search counts to one past the cap.

    A result above ``SEARCH_COUNT_CAP`` means "more than the cap" (see
    ``list_total``). Other counts are exact and kept until the next committed write;
    text searches are not kept: their documents include press releases, whose writes do
    not move the change counter.
    """
    if filters.q:
        return _capped_search_count(filters)
    stmt = select(func.count()).select_from(Meeting).where(PUBLIC, *filter_conditions(filters))
    key = ("public_meeting_total", tuple(sorted(filters.args().items())))
    return kept(key, lambda: int(db.session.execute(stmt).scalar_one()))


def meetings_for_export(filters: MeetingFilters, limit: int) -> list[Meeting]:
    """Up to ``limit`` public meetings matching the filters, for CSV, in two statements.

    Many-to-one relations are joined; participations come from one query over the
    same filtered ids (selectinload would add a statement per 500 meetings).
    """
    conditions = [PUBLIC, *filter_conditions(filters)]
    order = (Meeting.starts_at.desc(), Meeting.id.desc())
    meetings = (
        db.session.execute(
            select(Meeting)
            .where(*conditions)
            .options(
                joinedload(Meeting.region),
                joinedload(Meeting.venue),
                joinedload(Meeting.election),
            )
            .order_by(*order)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    ids = select(Meeting.id).where(*conditions).order_by(*order).limit(limit)
    participations = db.session.execute(
        select(Participation)
        .where(Participation.meeting_id.in_(ids))
        .options(joinedload(Participation.agency), joinedload(Participation.person))
        .order_by(Participation.meeting_id, Participation.order, Participation.id)
    ).scalars()
    grouped: dict[int, list[Participation]] = {m.id: [] for m in meetings}
    for p in participations:
        grouped.setdefault(p.meeting_id, []).append(p)
    for m in meetings:
        set_committed_value(m, "participations", grouped[m.id])
    return list(meetings)


def wib_today() -> date:
    """Today's date in WIB, the zone national announcements use."""
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()
