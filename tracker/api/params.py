"""The API's query and path parameters as pydantic models, each described once.

The OpenAPI document's parameters are generated from these (tracker/api/openapi.py).
The views read the parameters themselves, with the app's own translated messages, and
share the bounds below; the models are not used to parse requests.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, WithJsonSchema

from tracker.api.schemas import AgencyKind, MeetingKind, RegionKind, Status
from tracker.routing import MAX_PAGE

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
# PostgreSQL's integer: a larger id in a path is refused by the schema, not by the database.
MAX_ID = 2_147_483_647
# Years 1900-2999: other dates are refused with 400 (tracker/meetings/queries.py).
FilterDay = Annotated[
    str,
    WithJsonSchema({"type": "string", "format": "date", "pattern": "^(19|2[0-9])[0-9]{2}-"}),
]


class Paging(BaseModel):
    """Which page of a list, and how long."""

    page: int = Field(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")
    per_page: int = Field(
        DEFAULT_PER_PAGE,
        ge=1,
        le=MAX_PER_PAGE,
        description=f"Items per page (1–{MAX_PER_PAGE}, default {DEFAULT_PER_PAGE}).",
    )


class Format(BaseModel):
    """JSON or CSV, for every list."""

    format: Literal["json", "csv"] = Field(
        "json", description="json (default) or csv: every list is also a CSV download."
    )


class MeetingFilters(BaseModel):
    """The meeting list's filters, as on the HTML list."""

    q: str = Field(
        "",
        max_length=200,
        description="Full-text search: titles, themes, agency names and aliases (Kapolda "
        "Kaltim), press-release text. Every word must match (as a word prefix).",
    )
    date_from: FilterDay = Field(
        "",
        description="Meetings on or after this local date (YYYY-MM-DD, 1900-01-01 to 2999-12-31).",
    )
    date_to: FilterDay = Field(
        "",
        description="Meetings on or before this local date (YYYY-MM-DD, 1900-01-01 to 2999-12-31).",
    )
    region: str = Field(
        "",
        max_length=16,
        description="Region code (BPS), e.g. 64 or 64.71; a province includes its regencies "
        "and cities.",
    )
    agency: str = Field(
        "",
        max_length=120,
        description="Agency slug, e.g. polda-kaltim (old slugs of merged agencies work).",
    )
    election: str = Field("", max_length=60, description="Election slug, e.g. pemilu-2024.")
    kind: MeetingKind = Field("", description="Meeting kind.")
    status: Status = Field("", description="Meeting status.")


class AgencyFilters(BaseModel):
    """The agency list's filters."""

    q: str = Field("", max_length=120, description="Part of a name or alias.")
    kind: AgencyKind = Field("", description="Agency kind.")
    on: FilterDay = Field(
        "",
        description="Only agencies that existed that day (YYYY-MM-DD, 1900-01-01 to "
        "2999-12-31); without it, those formed by today (dissolved ones included).",
    )


class RegionFilters(BaseModel):
    """The region list's filters."""

    kind: RegionKind = Field("", description="Region kind.")
    parent: str = Field(
        "",
        max_length=16,
        description="Code of a province: its regencies and cities (an unknown code is 404).",
    )
    province: str = Field(
        "",
        max_length=16,
        description="Code of a province: the province itself and its regencies and cities "
        "(an unknown code, or a regency's, is 404).",
    )


class MeetingPath(BaseModel):
    """The meeting a path names."""

    meeting_id: int = Field(ge=1, le=MAX_ID, description="Meeting id.")


class AgencyPath(BaseModel):
    """The agency a path names."""

    slug: str = Field(pattern="^[a-z0-9-]{1,120}$", description="Agency slug.")


class PressReleasePath(BaseModel):
    """The press release a path names."""

    release_id: int = Field(ge=1, le=MAX_ID, description="Press release id.")


class ElectionPath(BaseModel):
    """The election a path names."""

    slug: str = Field(pattern="^[a-z0-9-]{1,60}$", description="Election slug.")
