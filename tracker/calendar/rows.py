"""The Core rows a VEVENT is written from: a meeting with its places and names, its participants.

Plain statements (no ORM objects), for the hand-written writer; a feed builds only its
stale pieces from them (``cache.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, select, type_coerce

from tracker.calendar.records import EventRecord, Participant
from tracker.extensions import db
from tracker.models import Agency, Election, Meeting, Participation, Person, Region, Venue

# Agency ids per lookup statement (bound parameters stay well under the limits).
CHUNK = 1000

_CITY = Region.__table__.alias("city")


def _meeting_columns() -> tuple[Any, ...]:
    m = Meeting.__table__.c
    venue = Venue.__table__.c
    city = _CITY.c
    region = Region.__table__.c
    election = Election.__table__.c
    return (
        m.id,
        m.uid,
        m.title,
        m.kind,
        m.theme,
        m.summary,
        m.starts_at,
        m.ends_at,
        m.timezone,
        m.time_unknown,
        m.status,
        m.status_reason,
        m.visibility,
        m.source_note,
        m.sequence,
        m.created_at,
        m.updated_at,
        venue.name.label("venue_name"),
        venue.address.label("venue_address"),
        city.name.label("venue_city"),
        venue.latitude,
        venue.longitude,
        region.name.label("region_name"),
        election.name.label("election_name"),
        m.version,
    )


def meeting_rows(conditions: Sequence[ColumnElement[bool]], executor: Any = None) -> Any:
    """The meetings matching ``conditions`` with everything their VEVENT shows.

    One Core statement (no ORM objects); callers select at most a chunk of meetings.
    """
    columns = _meeting_columns()
    m = Meeting.__table__
    venue = Venue.__table__
    city = _CITY
    region = Region.__table__
    election = Election.__table__
    stmt = (
        select(*columns)
        .select_from(
            m.join(region, region.c.id == m.c.region_id)
            .outerjoin(venue, venue.c.id == m.c.venue_id)
            .outerjoin(city, city.c.id == venue.c.city_id)
            .outerjoin(election, election.c.id == m.c.election_id)
        )
        .where(*conditions)
    )
    return (executor or db.session).execute(stmt)


_ROLES: dict[str | None, frozenset[str]] = {}


def _roles(text: str | None) -> frozenset[str]:
    """RoleSet's decoding, memoised: only a handful of distinct values exist."""
    found = _ROLES.get(text)
    if found is None:
        found = _ROLES[text] = frozenset(v for v in (text or "").split(",") if v)
    return found


def _add_agency_names(names: dict[int, str], wanted: set[int], executor: Any) -> None:
    """Fill ``names`` (short name by agency id) with the wanted ids it lacks.

    Kept across a feed's chunks: a few hundred distinct agencies serve thousands of
    participations, cheaper than joining the agency to every row.
    """
    missing = sorted(wanted.difference(names))
    a = Agency.__table__.c
    for start in range(0, len(missing), CHUNK):
        part = missing[start : start + CHUNK]
        names.update(executor.execute(select(a.id, a.short_name).where(a.id.in_(part))).all())


def participants(
    ids: Sequence[int], agencies: dict[int, str] | None = None, executor: Any = None
) -> dict[int, list[Participant]]:
    """The participations of these meetings, in their order, grouped by meeting."""
    grouped: dict[int, list[Participant]] = defaultdict(list)
    if not ids:
        return grouped
    executor = executor or db.session
    names = {} if agencies is None else agencies
    p = Participation.__table__.c
    person = Person.__table__
    stmt = (
        select(
            p.meeting_id,
            p.position,
            # The stored text, decoded by _roles: RoleSet's per-row decoding is slower.
            type_coerce(p.roles, String),
            p.represented_by,
            p.agency_id,
            person.c.name,
            person.c.rank,
            person.c.honorific,
            person.c.degrees,
            p.collective_label,
        )
        .select_from(Participation.__table__.outerjoin(person, person.c.id == p.person_id))
        .where(p.meeting_id.in_(ids))
        .order_by(p.meeting_id, p.order, p.id)
    )
    rows = executor.execute(stmt).all()
    _add_agency_names(names, {r[4] for r in rows if r[4] is not None}, executor)
    make = Participant._make
    for (
        mid,
        position,
        roles,
        represented,
        agency,
        name,
        rank,
        honorific,
        degrees,
        group,
    ) in rows:
        display = None
        if name is not None:
            # Person.display_name, from columns.
            display = " ".join(x for x in (rank, honorific, name) if x)
            if degrees:
                display = f"{display}, {degrees}"
        short = names.get(agency) if agency is not None else None
        grouped[mid].append(
            make((position, _roles(roles), represented, short, name, display, group))
        )
    return grouped


def record(row: Any, people: Sequence[Participant]) -> EventRecord:
    return EventRecord._make((*row[:24], tuple(people)))
