"""Rankings: the bodies that met most within a meeting-list filter (issue 17).

Only public meetings that were not cancelled count: a cancelled meeting's participants
were expected, not there. A body is counted once per meeting, however many of its
people came. "Attended" is any recorded attendance but absent; absences are counted
apart and shown, never added to the total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

from sqlalchemy import ColumnElement, Subquery, func, select, true
from sqlalchemy.orm import aliased

from tracker.extensions import db
from tracker.kept import kept
from tracker.labels import ROLE_ORDER
from tracker.meetings.queries import PUBLIC, MeetingFilters, filter_conditions
from tracker.models import Agency, BodyPairTotal, BodyTally, BodyTotal, Meeting, Region
from tracker.models.tally import FORUM_FLAGS, TALLY_FLAGS

# Importing tally installs the listeners that keep the tables read here.
from tracker.rankings.tally import tally_sums
from tracker.regions.queries import NONE as NO_MEETINGS
from tracker.regions.queries import meeting_counts

# Attendance columns, in the order the table shows them.
ATTENDANCE_COLUMNS = ("present", "represented", "unknown", "absent")
# The per-body sums a ranking reads, in the order of ``tally_sums``.
SUMMED = (*TALLY_FLAGS, *FORUM_FLAGS)
# Bodies whose frequent partners the ranking page lists, and partners per body.
PARTNER_BODIES = 10
PARTNERS_EACH = 3
# (slug, short name, shared meetings) of one body's partners.
Partners = tuple[tuple[str, str, int], ...]


@dataclass(frozen=True)
class RankRow:
    """One body's figures within the filter (plain data, kept between requests)."""

    agency_id: int
    slug: str
    short_name: str
    attended: int
    by_role: tuple[tuple[str, int], ...]
    by_attendance: tuple[tuple[str, int], ...]
    # Forkopimda meetings of its province where a statutory member was absent / represented.
    forum_absent: int = 0
    forum_represented: int = 0

    def role(self, role: str) -> int:
        """Meetings attended in this role."""
        return dict(self.by_role)[role]

    def attendance(self, attendance: str) -> int:
        """Meetings with this recorded attendance."""
        return dict(self.by_attendance)[attendance]


@dataclass(frozen=True)
class Ranking:
    """The ranked bodies, the meetings counted, and each body's frequent partners."""

    rows: tuple[RankRow, ...]
    meetings: int
    partners: dict[int, Partners] = field(default_factory=dict)


def counted_meetings(filters: MeetingFilters) -> list[ColumnElement[bool]]:
    """The meetings a ranking counts: public, not cancelled, matching the filters."""
    return [PUBLIC, Meeting.status != "cancelled", *filter_conditions(filters)]


def _within(filters: MeetingFilters) -> list[ColumnElement[bool]]:
    """The tally rows a ranking sums: counted meetings matching the filters (counted first).

    A province alone is one range of the tally's province index. With other filters
    the matching meetings come first: narrowing by province as well led PostgreSQL to
    walk the whole province's rows (17,000 for two months of Jawa Timur at 100,000
    meetings) and test each one's meeting.
    """
    within = [BodyTally.counted == true()]
    region = _region_alone(filters)
    if region is not None and region.parent_id is None:
        return [*within, BodyTally.province_id == region.id]
    conditions = filter_conditions(filters)
    if conditions:
        # PUBLIC adds nothing to ``counted`` but lets the meetings come from the
        # (visibility, region, start) index: one range per region within the dates.
        matching = select(Meeting.id).where(PUBLIC, *conditions)
        within.append(BodyTally.meeting_id.in_(matching))
    return within


def _region_alone(filters: MeetingFilters) -> Region | None:
    """The filters' region when they name nothing else."""
    if filters.region is None or filter_conditions(replace(filters, region=None)):
        return None
    return filters.region


def _per_body(filters: MeetingFilters) -> Subquery:
    """Each body's sums within the filters: kept totals without a filter, else the tally.

    Summed per body first (in index order), then joined to the few bodies found.
    """
    if not filter_conditions(filters):
        totals = [getattr(BodyTotal, name) for name in SUMMED]
        kept = select(BodyTotal.agency_id, *totals).where(BodyTotal.meetings > 0)
        return kept.subquery()
    sums = [total.label(name) for total, name in zip(tally_sums(), SUMMED, strict=True)]
    grouped = select(BodyTally.agency_id, *sums).where(*_within(filters))
    return grouped.group_by(BodyTally.agency_id).subquery()


def _aggregate(filters: MeetingFilters, limit: int | None) -> list[RankRow]:
    """Every body's figures in one grouped statement over the tally (no statement per body).

    ``body_tally`` holds one row per body and meeting, so a sum per body counts it once
    per meeting however many of its people came.
    """
    per_body = _per_body(filters)
    totals = [per_body.c[name] for name in SUMMED]
    stmt = (
        select(Agency.id, Agency.slug, Agency.short_name, *totals)
        .join(per_body, per_body.c.agency_id == Agency.id)
        .order_by(totals[0].desc(), Agency.short_name, Agency.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    roles = len(ROLE_ORDER)
    return [
        RankRow(
            agency_id,
            slug,
            name,
            int(n),
            tuple(zip(ROLE_ORDER, map(int, counts[:roles]), strict=True)),
            tuple(zip(ATTENDANCE_COLUMNS, map(int, counts[roles:]), strict=True)),
            int(forum_absent),
            int(forum_represented),
        )
        for agency_id, slug, name, n, *counts, forum_absent, forum_represented in (
            db.session.execute(stmt)
        )
    ]


def _count(filters: MeetingFilters) -> int:
    """How many meetings the ranking counts (a region alone: from the kept region counts)."""
    region = _region_alone(filters)
    if region is not None:
        counts = meeting_counts().get(region.id, NO_MEETINGS)
        return counts.meetings - counts.cancelled
    stmt = select(func.count()).select_from(Meeting).where(*counted_meetings(filters))
    return int(db.session.execute(stmt).scalar_one())


def _pair_totals(filters: MeetingFilters, agency_ids: list[int]) -> Subquery:
    """(body, partner, shared meetings): kept pairs without a filter, else from the tally."""
    if not filter_conditions(filters):
        return (
            select(
                BodyPairTotal.agency_id,
                BodyPairTotal.partner_id,
                BodyPairTotal.meetings.label("n"),
            )
            .where(BodyPairTotal.agency_id.in_(agency_ids))
            .subquery()
        )
    other = aliased(BodyTally)
    # Tally rows are one per body and meeting: counting pairs counts shared meetings.
    # Pairs are counted first and named after, so the bodies are read once per partner.
    return (
        select(BodyTally.agency_id, other.agency_id.label("partner_id"), func.count().label("n"))
        .join(other, other.meeting_id == BodyTally.meeting_id)
        .where(
            *_within(filters),
            BodyTally.agency_id.in_(agency_ids),
            BodyTally.attended == 1,
            other.agency_id != BodyTally.agency_id,
            other.attended == 1,
        )
        .group_by(BodyTally.agency_id, other.agency_id)
        .subquery()
    )


def partners(filters: MeetingFilters, agency_ids: list[int]) -> dict[int, Partners]:
    """For each body, the bodies it attended the most counted meetings with.

    Pairs of tally rows of the same meeting, both attended (kept in ``body_pair_total``
    for the national ranking); each body keeps its ``PARTNERS_EACH`` most frequent,
    ties by name.
    """
    if not agency_ids:
        return {}
    pairs = _pair_totals(filters, agency_ids)
    stmt = (
        select(pairs.c.agency_id, Agency.slug, Agency.short_name, pairs.c.n)
        .join(Agency, Agency.id == pairs.c.partner_id)
        .order_by(pairs.c.agency_id, pairs.c.n.desc(), Agency.short_name, Agency.id)
    )
    out: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    for agency_id, slug, name, n in db.session.execute(stmt):
        if len(out[agency_id]) < PARTNERS_EACH:
            out[agency_id].append((slug, name, n))
    return {agency_id: tuple(items) for agency_id, items in out.items()}


def _compute(filters: MeetingFilters, limit: int | None, with_partners: bool) -> Ranking:
    rows = _aggregate(filters, limit)
    ids = [row.agency_id for row in rows[:PARTNER_BODIES]] if with_partners else []
    return Ranking(tuple(rows), _count(filters), partners(filters, ids))


def ranking(
    filters: MeetingFilters, limit: int | None = None, with_partners: bool = True
) -> Ranking:
    """The bodies ranked by meetings attended within the filters, in three statements.

    Kept until the next committed write (as the meeting counts are), except for text
    searches: their documents include press releases, which do not move the counter.
    """
    if filters.q:
        return _compute(filters, limit, with_partners)
    key = ("rankings", tuple(sorted(filters.args().items())), limit, with_partners)
    return kept(key, lambda: _compute(filters, limit, with_partners))
