"""Rankings: the bodies that met most within a meeting-list filter (issue 17).

Only public meetings that were not cancelled count: a cancelled meeting's participants
were expected, not there. A body is counted once per meeting, however many of its
people came. "Attended" is any recorded attendance but absent; absences are counted
apart and shown, never added to the total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Subquery, func, select, text, true
from sqlalchemy.orm import aliased

from tracker import reference
from tracker.extensions import db
from tracker.kept import kept
from tracker.labels import ROLE_ORDER
from tracker.meetings.queries import PUBLIC, MeetingFilters, filter_conditions
from tracker.models import Agency, BodyTally, BodyTotal, Meeting, Region
from tracker.models.tally import TALLY_FLAGS, flagged
from tracker.rankings.tally import Rows  # importing tally installs the listeners it keeps

# Attendance columns, in the order the table shows them.
ATTENDANCE_COLUMNS = ("present", "represented", "unknown", "absent")
# Statutory seats of a provincial Forkopimda (PP 12/2022 Pasal 3) recognised by kind, as
# on the election pages; the military seat is the Kodam covering the province.
SEAT_KINDS = ("regional_government", "legislature", "police", "prosecutor")
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
    """The tally rows a ranking sums: counted meetings matching the filters (counted first)."""
    conditions = filter_conditions(filters)
    within = [BodyTally.counted == true()]
    if conditions:
        within.append(BodyTally.meeting_id.in_(select(Meeting.id).where(*conditions)))
    return within


def _per_body(filters: MeetingFilters) -> Subquery:
    """Each body's sums within the filters: kept totals without a filter, else the tally.

    Summed per body first (in index order), then joined to the few bodies found.
    """
    if not filter_conditions(filters):
        totals = [getattr(BodyTotal, name) for name in TALLY_FLAGS]
        kept = select(BodyTotal.agency_id, *totals).where(BodyTotal.meetings > 0)
        return kept.subquery()
    sums = [func.sum(getattr(BodyTally, name)).label(name) for name in TALLY_FLAGS]
    grouped = select(BodyTally.agency_id, *sums).where(*_within(filters))
    return grouped.group_by(BodyTally.agency_id).subquery()


def _aggregate(filters: MeetingFilters, limit: int | None) -> list[RankRow]:
    """Every body's figures in one grouped statement over the tally (no statement per body).

    ``body_tally`` holds one row per body and meeting, so a sum per body counts it once
    per meeting however many of its people came.
    """
    per_body = _per_body(filters)
    totals = [per_body.c[name] for name in TALLY_FLAGS]
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
        )
        for agency_id, slug, name, n, *counts in db.session.execute(stmt)
    ]


def _count(filters: MeetingFilters) -> int:
    """How many meetings the ranking counts."""
    stmt = select(func.count()).select_from(Meeting).where(*counted_meetings(filters))
    return int(db.session.execute(stmt).scalar_one())


def _kodam_covers(
    name: str, valid_from: date | None, until: date | None, code: str, day: date
) -> bool:
    """Whether a Kodam (by name and validity) covered a province on a day."""
    if code not in reference.kodam_coverage().get(name, ()):
        return False
    return not (valid_from and day < valid_from) and not (until and day > until)


def _flagged_rows(filters: MeetingFilters, province: Any, *columns: Any) -> Rows:
    """Counted Forkopimda tally rows with an absence or representation, joined to the
    meeting's ``province`` (an alias of Region the caller also selects from)."""
    return (
        select(*columns)
        .select_from(BodyTally)
        .join(Meeting, Meeting.id == BodyTally.meeting_id)
        .join(Agency, Agency.id == BodyTally.agency_id)
        .join(Region, Region.id == Meeting.region_id)
        .join(province, province.id == func.coalesce(Region.parent_id, Region.id))
        .where(
            # The partial index's own condition (counted included), so the database uses it.
            text(flagged("body_tally")),
            *_within(filters)[1:],
        )
    )


def forum_absences(filters: MeetingFilters) -> dict[int, dict[str, int]]:
    """{agency id: {"absent": n, "represented": n}} at its own province's Forkopimda.

    Only what the record says: a statutory member (the province's Pemprov, DPRD, Polda,
    Kejati, or the Kodam covering it that day) recorded absent or represented at a
    Forkopimda meeting of that province. A member the sources do not mention is not
    absent, so it is never flagged. The rows read are those absences alone: the
    province's own bodies counted in SQL, the Kodam rows checked against the Kodam
    table one by one (which Kodam covered a province changed over time).
    """
    province = aliased(Region, name="province")
    own = (
        _flagged_rows(
            filters,
            province,
            Agency.id,
            func.sum(BodyTally.absent),
            func.sum(BodyTally.represented),
        )
        .where(
            Agency.kind.in_(SEAT_KINDS),
            Agency.region_id == province.id,
            Agency.parent_id.is_(None),
        )
        .group_by(Agency.id)
    )
    found = {
        agency_id: {"absent": int(absent), "represented": int(represented)}
        for agency_id, absent, represented in db.session.execute(own)
    }
    for agency_id, marks in _kodam_absences(filters).items():
        found[agency_id] = marks
    return {a: {k: n for k, n in marks.items() if n} for a, marks in found.items()}


def _kodam_absences(filters: MeetingFilters) -> dict[int, dict[str, int]]:
    """The Kodam rows of forum_absences: each meeting's day against the Kodam table."""
    province = aliased(Region, name="province")
    stmt = _flagged_rows(
        filters,
        province,
        BodyTally.absent,
        BodyTally.represented,
        Agency.id,
        Agency.short_name,
        Agency.valid_from,
        Agency.valid_until,
        province.code,
        Meeting.starts_at,
        Meeting.timezone,
    ).where(Agency.kind == "military")
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"absent": 0, "represented": 0})
    for (
        absent,
        represented,
        agency_id,
        name,
        start,
        until,
        code,
        starts_at,
        zone,
    ) in db.session.execute(stmt):
        day = starts_at.astimezone(ZoneInfo(zone)).date()
        if _kodam_covers(name, start, until, code, day):
            counts[agency_id]["absent"] += absent
            counts[agency_id]["represented"] += represented
    return dict(counts)


def partners(filters: MeetingFilters, agency_ids: list[int]) -> dict[int, Partners]:
    """For each body, the bodies it attended the most counted meetings with.

    One grouped statement over pairs of tally rows of the same meeting, both attended;
    each body keeps its ``PARTNERS_EACH`` most frequent, ties by name.
    """
    if not agency_ids:
        return {}
    other = aliased(BodyTally)
    # Tally rows are one per body and meeting: counting pairs counts shared meetings.
    # Pairs are counted first and named after, so the bodies are read once per partner.
    pairs = (
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
    flags = forum_absences(filters)
    rows = [
        RankRow(
            **{
                **row.__dict__,
                "forum_absent": flags.get(row.agency_id, {}).get("absent", 0),
                "forum_represented": flags.get(row.agency_id, {}).get("represented", 0),
            }
        )
        for row in rows
    ]
    ids = [row.agency_id for row in rows[:PARTNER_BODIES]] if with_partners else []
    return Ranking(tuple(rows), _count(filters), partners(filters, ids))


def ranking(
    filters: MeetingFilters, limit: int | None = None, with_partners: bool = True
) -> Ranking:
    """The bodies ranked by meetings attended within the filters, in five statements.

    Kept until the next committed write (as the meeting counts are), except for text
    searches: their documents include press releases, which do not move the counter.
    """
    if filters.q:
        return _compute(filters, limit, with_partners)
    key = ("rankings", tuple(sorted(filters.args().items())), limit, with_partners)
    return kept(key, lambda: _compute(filters, limit, with_partners))
