"""What the API's responses hold, as pydantic models: the one description of the JSON contract.

The serialisers return these models' data (tracker/api/serializers.py); each view
validates its whole body against a model of tracker/api/bodies.py and answers with that
model's dump, and the OpenAPI document's components are generated from the same models
(tracker/api/openapi.py), so the JSON and the document cannot drift apart. Times stay
strings the serialisers format (ISO 8601 in the meeting's zone), typed only for the document.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from tracker.models import AGENCY_KINDS, ATTENDANCE, MEETING_KINDS, ROLES, STATUSES
from tracker.models.region import REGION_KINDS

Day = Annotated[str, WithJsonSchema({"type": "string", "format": "date"})]
DateTime = Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
Url = Annotated[str, WithJsonSchema({"type": "string", "format": "uri"})]
# A day when nobody stated the hour (time_unknown), else an instant with its offset.
Stated = Annotated[
    str,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "format": "date-time"},
            ],
            "description": "The day alone (YYYY-MM-DD) when time_unknown, else the local "
            "date-time.",
        }
    ),
]
Zone = Annotated[str, WithJsonSchema({"enum": ["WIB", "WITA", "WIT"]})]
RegionKind = Annotated[str, WithJsonSchema({"enum": list(REGION_KINDS)})]
AgencyKind = Annotated[str, WithJsonSchema({"enum": list(AGENCY_KINDS)})]
MeetingKind = Annotated[str, WithJsonSchema({"enum": list(MEETING_KINDS)})]
Status = Annotated[str, WithJsonSchema({"enum": list(STATUSES)})]
Role = Annotated[str, WithJsonSchema({"enum": list(ROLES)})]
AttendanceState = Annotated[str, WithJsonSchema({"enum": list(ATTENDANCE)})]
Relation = Annotated[str, WithJsonSchema({"enum": ["reports", "announces", "mentions"]})]


class Schema(BaseModel):
    """A part of the contract: a key the serialisers add that it does not name is an error."""

    # Not a promise to clients (the document leaves objects open to new fields); it makes
    # a serialiser and its model disagree loudly instead of dropping the key.
    model_config = ConfigDict(extra="forbid")


class RegionRef(Schema):
    """A region as a short reference."""

    code: str
    name: str
    kind: RegionKind


class Region(RegionRef):
    """A region in full, with its public meeting count."""

    short: str
    timezone: str
    zone: Zone
    parent_code: str | None
    meetings: int


class AgencyRef(Schema):
    """An agency as a short reference."""

    slug: str
    short_name: str
    url: Url


class Agency(AgencyRef):
    """An agency with its names and public meeting count."""

    full_name: str
    kind: AgencyKind
    head_title: str | None
    region: RegionRef | None
    aliases: list[str]
    valid_from: Day | None
    valid_until: Day | None
    meetings: int
    html_url: Url


class MonthCount(Schema):
    """Public meetings in one month."""

    month: Annotated[str, Field(pattern="^[0-9]{4}-[0-9]{2}$")]
    meetings: int


class Partner(Schema):
    """An agency met with, and how often."""

    agency: AgencyRef
    meetings: int


class AgencyDetail(Agency):
    """An agency with its attendance counts."""

    by_role: dict[str, int]
    by_attendance: dict[str, int]
    per_month: list[MonthCount]
    meets_most_with: list[Partner]
    attendance_url: Url


class ElectionRef(Schema):
    """An election as a meeting names it."""

    slug: str
    name: str
    polling_day: Day


class Election(ElectionRef):
    """An election with its polling day and public meeting count."""

    kind: str
    scope_region: RegionRef | None
    meetings: int
    url: Url
    html_url: Url


class Venue(Schema):
    """Where a meeting was held."""

    name: str
    address: str | None
    city: RegionRef | None
    latitude: float | None
    longitude: float | None


class Participant(Schema):
    """Who took part, in which roles, and whether they came."""

    agency: AgencyRef | None
    person: str | None
    label: str
    position: str | None
    roles: list[Role]
    attendance: AttendanceState
    represented_by: str | None


class Evidence(Schema):
    """A sentence of a press release that shows a participation."""

    press_release_id: int
    sentence: str


class ParticipantDetail(Participant):
    """A participation with its topic and evidence."""

    topic: str | None
    evidence: list[Evidence]


class MeetingSummary(Schema):
    """A meeting as listed: when, where, what, who."""

    id: int
    uid: str
    title: str
    kind: MeetingKind
    status: Status
    status_reason: str | None
    theme: str | None
    starts_at: DateTime
    ends_at: DateTime | None
    local_date: Day
    time_unknown: bool
    start: Stated
    end: Stated | None
    timezone: str
    zone: Zone
    region: RegionRef
    venue: Venue | None
    election: ElectionRef | None
    days_to_polling: int | None = Field(
        description="Days from the meeting's local date to polling day (H-n is n)."
    )
    # A Sequence, so that Meeting can narrow the items to ParticipantDetail.
    participants: Sequence[Participant]
    url: Url
    html_url: Url


class PressReleaseRef(Schema):
    """A press release as a short reference."""

    id: int
    title: str
    outlet: str
    url: Url | None
    published_date: Day | None
    published_at: DateTime | None
    published_zone: str | None = Field(description="The IANA zone the hour was given in.")
    api_url: Url


class MeetingPressRelease(PressReleaseRef):
    """A press release covering a meeting, and how."""

    relation: Relation


class Meeting(MeetingSummary):
    """A meeting with every public detail, evidence and sources included."""

    participants: Sequence[ParticipantDetail]
    summary: str | None
    source_note: str | None
    updated_at: DateTime
    press_releases: list[MeetingPressRelease]


class AttendanceMeeting(Schema):
    """The meeting of an attendance line."""

    id: int
    title: str
    kind: MeetingKind
    status: Status
    starts_at: DateTime
    local_date: Day
    time_unknown: bool
    start: Stated
    region: RegionRef
    url: Url


class Attendance(Schema):
    """One line of an agency's attendance history."""

    meeting: AttendanceMeeting
    person: str | None
    position: str | None
    roles: list[Role]
    attendance: AttendanceState
    represented_by: str | None
    topic: str | None


class CoveredMeeting(Schema):
    """A public meeting a press release covers."""

    id: int
    title: str
    relation: str
    url: Url


class PressRelease(PressReleaseRef):
    """A press release and the public meetings it covers."""

    section: str | None
    byline: str | None
    meetings: list[CoveredMeeting]
    html_url: Url


class PressReleaseDetail(PressRelease):
    """A press release with its text, when staff marked it to be shown in full."""

    shown_in_full: bool
    body: str | None


class ElectionDetail(Election):
    """An election with its public meetings up to polling day."""

    meetings_before_polling: list[MeetingSummary]
