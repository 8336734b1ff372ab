"""What the meeting-list downloads read: public meetings only, in a fixed number of statements.

Both exports take the meeting list's filters. Each reads at most ``limit`` rows (the
caller asks for one more than it writes, to know when the file was cut), and loads
what its rows show with one statement per kind of record, however many rows.
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased, contains_eager, joinedload, lazyload, load_only
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.strategy_options import _AbstractLoad

from tracker.extensions import db
from tracker.meetings.queries import PUBLIC, MeetingFilters, filter_conditions
from tracker.models import Coverage, Evidence, Meeting, Participation, PressRelease, Region

# Newest first, as on the list.
ORDER = (Meeting.starts_at.desc(), Meeting.id.desc())


def _matching_ids(filters: MeetingFilters) -> Select[int]:
    return select(Meeting.id).where(PUBLIC, *filter_conditions(filters))


def _release_columns() -> list[_AbstractLoad]:
    # Only what a row names; a release's text never leaves with an export. (_AbstractLoad
    # is the type SQLAlchemy gives load_only() and takes in Load.options(); no public alias.)
    return [
        load_only(PressRelease.id, PressRelease.url, PressRelease.title, PressRelease.outlet),
        lazyload(PressRelease.snapshot),
    ]


def meetings_to_export(filters: MeetingFilters, limit: int) -> list[Meeting]:
    """Up to ``limit`` public meetings, with participants and press releases (three statements)."""
    conditions = [PUBLIC, *filter_conditions(filters)]
    meetings = list(
        db.session.execute(
            select(Meeting)
            .where(*conditions)
            .options(
                joinedload(Meeting.region).joinedload(Region.parent),
                joinedload(Meeting.venue),
                joinedload(Meeting.election),
            )
            .order_by(*ORDER)
            .limit(limit)
        ).scalars()
    )
    ids = select(Meeting.id).where(*conditions).order_by(*ORDER).limit(limit)
    participations = db.session.execute(
        select(Participation)
        .where(Participation.meeting_id.in_(ids))
        .options(joinedload(Participation.agency), joinedload(Participation.person))
        .order_by(Participation.meeting_id, Participation.order, Participation.id)
    ).scalars()
    coverages = db.session.execute(
        select(Coverage)
        .where(Coverage.meeting_id.in_(ids))
        .options(joinedload(Coverage.press_release).options(*_release_columns()))
        .order_by(Coverage.meeting_id, Coverage.id)
    ).scalars()
    by_meeting: dict[int, list[Participation]] = {m.id: [] for m in meetings}
    for p in participations:
        by_meeting.setdefault(p.meeting_id, []).append(p)
    sources: dict[int, list[Coverage]] = {m.id: [] for m in meetings}
    for c in coverages:
        sources.setdefault(c.meeting_id, []).append(c)
    for m in meetings:
        set_committed_value(m, "participations", by_meeting[m.id])
        set_committed_value(m, "coverages", sources[m.id])
    return meetings


def _participations(filters: MeetingFilters, limit: int) -> tuple[Select, Select]:
    """The participations of the matching meetings in list order, and their ids."""
    meeting = aliased(Meeting, name="exported_meeting")
    order = (
        meeting.starts_at.desc(),
        meeting.id.desc(),
        Participation.order,
        Participation.id,
    )
    # The filters (an agency's EXISTS among them) stay inside their own subquery, so
    # they select meetings, never the participation rows of the outer statement.
    inside = Participation.meeting_id.in_(_matching_ids(filters))
    rows = (
        select(Participation)
        .join(meeting, Participation.meeting_id == meeting.id)
        .where(inside)
        .options(
            contains_eager(Participation.meeting.of_type(meeting)).options(
                joinedload(meeting.region).joinedload(Region.parent),
                joinedload(meeting.election),
            ),
            joinedload(Participation.agency),
            joinedload(Participation.person),
        )
        .order_by(*order)
        .limit(limit)
    )
    ids = (
        select(Participation.id)
        .join(meeting, Participation.meeting_id == meeting.id)
        .where(inside)
        .order_by(*order)
        .limit(limit)
    )
    return rows, ids


def attendance_to_export(filters: MeetingFilters, limit: int) -> list[Participation]:
    """Up to ``limit`` participations in public meetings, with their evidence (two statements)."""
    rows, ids = _participations(filters, limit)
    participations = list(db.session.execute(rows).unique().scalars())
    evidence = db.session.execute(
        select(Evidence)
        .where(Evidence.participation_id.in_(ids))
        .options(joinedload(Evidence.press_release).options(*_release_columns()))
        .order_by(Evidence.participation_id, Evidence.id)
    ).scalars()
    grouped: dict[int, list[Evidence]] = {p.id: [] for p in participations}
    for item in evidence:
        grouped.setdefault(item.participation_id, []).append(item)
    for p in participations:
        set_committed_value(p, "evidence", grouped[p.id])
    return participations
