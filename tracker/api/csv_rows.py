"""The API's CSV downloads, one row per item: the headers and the rows under them.

The CSV is flat and for spreadsheets, so it is not the JSON's shape; tracker/api/export.py
writes it out, neutralising cells that spreadsheets would run as formulas.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import url_for

from tracker.formatting import zone_label
from tracker.meetings.queries import countdown_days
from tracker.models import Agency, Election, Meeting, Participation, PressRelease

MEETING_CSV_HEADER = (
    "id",
    "local_date",
    "local_time",
    "zone",
    "time_unknown",
    "title",
    "kind",
    "status",
    "region_code",
    "region",
    "venue",
    "election",
    "days_to_polling",
    "chair",
    "agencies",
    "url",
)


def meeting_csv_row(meeting: Meeting) -> list[Any]:
    """A meeting as one CSV row (agencies joined with '; ')."""
    start = meeting.local_start
    chair = meeting.chair
    return [
        meeting.id,
        start.date().isoformat(),
        "" if meeting.time_unknown else start.strftime("%H:%M"),
        zone_label(meeting.timezone),
        "yes" if meeting.time_unknown else "no",
        meeting.title,
        meeting.kind,
        meeting.status,
        meeting.region.code,
        meeting.region.name,
        meeting.venue.name if meeting.venue else "",
        meeting.election.slug if meeting.election else "",
        countdown_days(meeting),
        (chair.position or chair.label) if chair else "",
        "; ".join(p.agency.short_name for p in meeting.participations if p.agency),
        url_for("meetings.detail", meeting_id=meeting.id, _external=True),
    ]


ATTENDANCE_CSV_HEADER = (
    "meeting_id",
    "local_date",
    "zone",
    "meeting",
    "kind",
    "status",
    "region",
    "roles",
    "attendance",
    "represented_by",
    "position",
    "person",
    "url",
)


def attendance_csv_row(p: Participation) -> list[Any]:
    """One attendance line as a CSV row."""
    m = p.meeting
    return [
        m.id,
        m.local_date.isoformat(),
        zone_label(m.timezone),
        m.title,
        m.kind,
        m.status,
        m.region.name,
        ";".join(sorted(p.roles)),
        p.attendance,
        p.represented_by,
        p.position,
        p.person.display_name if p.person is not None else "",
        url_for("meetings.detail", meeting_id=m.id, _external=True),
    ]


AGENCY_CSV_HEADER = (
    "slug",
    "short_name",
    "full_name",
    "kind",
    "head_title",
    "region_code",
    "aliases",
    "meetings",
)


def agency_csv_row(agency: Agency, aliases: Sequence[str], meetings: int) -> list[Any]:
    """An agency as one CSV row (aliases joined with '; ')."""
    return [
        agency.slug,
        agency.short_name,
        agency.full_name,
        agency.kind,
        agency.head_title,
        agency.region.code if agency.region else "",
        "; ".join(aliases),
        meetings,
    ]


PRESS_RELEASE_CSV_HEADER = ("id", "published_at", "outlet", "title", "url", "meeting_ids", "body")


def press_release_csv_row(release: PressRelease, links: Sequence[tuple[int, str]]) -> list[Any]:
    """A press release as one CSV row, with the ids of the public meetings it covers."""
    return [
        release.id,
        release.published_at.isoformat() if release.published_at else "",
        release.outlet,
        release.title,
        release.url,
        " ".join(str(meeting_id) for meeting_id, _relation in links),
        release.body,
    ]


ELECTION_CSV_HEADER = ("slug", "name", "kind", "polling_day", "scope_region_code", "meetings")


def election_csv_row(election: Election, meetings: int) -> list[Any]:
    """An election as one CSV row."""
    return [
        election.slug,
        election.name,
        election.kind,
        election.polling_day.isoformat(),
        election.scope_region.code if election.scope_region else "",
        meetings,
    ]


# The region's JSON fields, in this order (regions have no nested data to flatten).
REGION_CSV_HEADER = ("code", "name", "short", "kind", "timezone", "zone", "parent_code", "meetings")
