"""A meeting as the plain values its VEVENT shows, read from ORM objects (or Core rows)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple


class Participant(NamedTuple):
    """What a VEVENT shows of one participation."""

    position: str | None
    roles: frozenset[str]
    represented_by: str | None
    agency_name: str | None
    person_name: str | None
    person_display: str | None
    collective_label: str | None

    @property
    def label(self) -> str:
        """How the participant is named in lists: the body, else the group, else the person."""
        return self.agency_name or self.collective_label or self.person_name or ""


class EventRecord(NamedTuple):
    """Everything a meeting's VEVENT shows, as plain values (from ORM objects or Core rows)."""

    id: int
    uid: str
    title: str
    kind: str
    theme: str | None
    summary: str | None
    starts_at: datetime
    ends_at: datetime | None
    timezone: str
    time_unknown: bool
    status: str
    status_reason: str | None
    visibility: str
    source_note: str | None
    sequence: int | None
    created_at: datetime
    updated_at: datetime
    venue_name: str | None
    venue_address: str | None
    venue_city: str | None
    latitude: float | None
    longitude: float | None
    region_name: str
    election_name: str | None
    participants: tuple[Participant, ...] = ()


def participant_from(p: Any) -> Participant:
    """The record of a Participation object."""
    person = p.person
    return Participant(
        p.position,
        frozenset(p.roles or ()),
        p.represented_by,
        p.agency.short_name if p.agency is not None else None,
        person.name if person is not None else None,
        person.display_name if person is not None else None,
        p.collective_label,
    )


def record_from(meeting: Any) -> EventRecord:
    """The record of a Meeting object (transient or loaded)."""
    if isinstance(meeting, EventRecord):
        return meeting
    venue = meeting.venue
    city = venue.city if venue is not None else None
    election = meeting.election
    return EventRecord(
        id=meeting.id,
        uid=meeting.uid,
        title=meeting.title,
        kind=meeting.kind,
        theme=meeting.theme,
        summary=meeting.summary,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        timezone=meeting.timezone,
        time_unknown=bool(meeting.time_unknown),
        status=meeting.status,
        status_reason=meeting.status_reason,
        visibility=meeting.visibility,
        source_note=meeting.source_note,
        sequence=meeting.sequence,
        created_at=meeting.created_at,
        updated_at=meeting.updated_at,
        venue_name=venue.name if venue is not None else None,
        venue_address=venue.address if venue is not None else None,
        venue_city=city.name if city is not None else None,
        latitude=venue.latitude if venue is not None else None,
        longitude=venue.longitude if venue is not None else None,
        region_name=meeting.region.name,
        election_name=election.name if election is not None else None,
        participants=tuple(participant_from(p) for p in meeting.participations),
    )
