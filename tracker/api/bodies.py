"""The bodies the API answers with: lists, single items, errors and the extractor's proposal.

Each endpoint's body is one of these (tracker/api/openapi.py lists which); the items
inside come from tracker/api/schemas.py.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from tracker.api.schemas import (
    Agency,
    AgencyDetail,
    Attendance,
    Day,
    Election,
    ElectionDetail,
    Meeting,
    MeetingSummary,
    PressRelease,
    PressReleaseDetail,
    Region,
    Schema,
    Url,
)


class Meta(Schema):
    """Where a page stands in its list."""

    page: int
    per_page: int
    total: int
    pages: int
    total_capped: bool = Field(
        default=False,
        description="True when total is a lower bound: a text search (q) counts its "
        "matches to 1,000 and no further.",
    )


class Links(Schema):
    """Links to this page and its neighbours, keeping the query's filters."""

    self: Url
    first: Url
    last: Url
    next: Url | None
    prev: Url | None


Item = TypeVar("Item", bound=BaseModel)


class ListBody(Schema, Generic[Item]):
    """A list: its items, paging meta and links."""

    data: list[Item]
    meta: Meta
    links: Links


class MeetingList(ListBody[MeetingSummary]):
    """Public meetings, a page of them."""

    suggestion: str | None = Field(
        description="When q finds at most 3 meetings: a better spelling of q that finds "
        "more with the same filters ('balikpapn' -> 'balikpapan'), else null."
    )


class AgencyList(ListBody[Agency]):
    """Agencies, a page of them."""


class AttendanceList(ListBody[Attendance]):
    """An agency's attendance lines, a page of them."""


class PressReleaseList(ListBody[PressRelease]):
    """Press releases, a page of them."""


class ElectionList(ListBody[Election]):
    """Every election."""


class RegionList(ListBody[Region]):
    """Regions matching the filters."""


class MeetingBody(Schema):
    """One meeting."""

    data: Meeting


class AgencyBody(Schema):
    """One agency."""

    data: AgencyDetail


class PressReleaseBody(Schema):
    """One press release."""

    data: PressReleaseDetail


class ElectionBody(Schema):
    """One election."""

    data: ElectionDetail


class ErrorDetail(Schema):
    """What went wrong; ``fields`` names the parameters at fault, when any."""

    code: int = Field(description="The HTTP status.")
    message: str
    # Left out of the body when empty, so not required in the document.
    fields: dict[str, str] = Field(default_factory=dict, exclude_if=lambda fields: not fields)


class Error(Schema):
    """Every API error."""

    error: ErrorDetail


class ExtractRequest(Schema):
    """A press release to extract a meeting from."""

    text: str
    published: Day | None = None


class ProposalWarning(Schema):
    """Something the extractor wants a person to check."""

    code: str
    message: str
    suggested_date: Day | None = None
    field: str | None = Field(None, description="The form field it belongs beside.")


class Proposal(Schema):
    """The extractor's proposal (tracker/press/extraction builds it; the view passes it on)."""

    title: str | None = None
    meeting_kind: str | None = None
    theme: str | None = None
    start_date: Day | None
    suggested_date: Day | None = None
    start_time: str | None = None
    end_time: str | None = None
    timezone: str | None = None
    venue_name: str | None = None
    venue_address: str | None = None
    city: str | None = None
    province: str | None = None
    chair: dict[str, Any] | None = None
    agencies: list[dict[str, Any]]
    collective_attendees: list[str] = []
    speakers: list[dict[str, Any]]
    election: str | None = None
    status: str | None = None
    evidence: dict[str, Any] = {}
    confidence: dict[str, Any] = {}
    warnings: list[ProposalWarning]
