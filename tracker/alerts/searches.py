"""A meeting-list filter as a saved search: its normalised query, its words, its meetings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from werkzeug.datastructures import MultiDict

from tracker.extensions import db
from tracker.formatting import format_meeting_when, format_short_day
from tracker.i18n import gettext as _
from tracker.labels import MEETING_KIND_LABELS, STATUS_LABELS
from tracker.meetings import queries
from tracker.models import Meeting
from tracker.site.places import place_line

# A feed or digest lists at most this many meetings; the list page has the rest.
FEED_LIMIT = 50


def normalised_query(filters: queries.MeetingFilters) -> str:
    """The filters as one canonical query string: sorted keys, only those set."""
    return urlencode(sorted(filters.args().items()))


def filters_of(query: str) -> queries.MeetingFilters:
    """Parse a stored normalised query back into filters."""
    return queries.parse_filters(MultiDict(parse_qsl(query)))


def describe(filters: queries.MeetingFilters) -> str:
    """What the search covers, in words, e.g. 'Balikpapan · Bawaslu Kaltim · Rakor'."""
    parts: list[str] = []
    if filters.q:
        parts.append(f"“{filters.q}”")
    if filters.region is not None:
        parts.append(filters.region.name)
    if filters.agency is not None:
        parts.append(filters.agency.short_name)
    if filters.election is not None:
        parts.append(filters.election.name)
    if filters.kind:
        parts.append(str(MEETING_KIND_LABELS.get(filters.kind, filters.kind)))
    if filters.status:
        parts.append(str(STATUS_LABELS.get(filters.status, filters.status)))
    if filters.date_from or filters.date_to:
        start = format_short_day(filters.date_from) if filters.date_from else "…"
        end = format_short_day(filters.date_to) if filters.date_to else "…"
        parts.append(f"{start} – {end}")
    return " · ".join(parts) if parts else _("semua rapat publik")


def changed_meetings(
    filters: queries.MeetingFilters,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = FEED_LIMIT,
) -> list[Meeting]:
    """Public meetings matching the filters, most recently changed first (in since..until]."""
    stmt = (
        queries.filtered_meetings(filters)
        .order_by(None)
        .order_by(Meeting.updated_at.desc(), Meeting.id.desc())
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(Meeting.updated_at > since)
    if until is not None:
        stmt = stmt.where(Meeting.updated_at <= until)
    return list(db.session.execute(stmt).scalars().unique())


def bodies(meeting: Meeting) -> list[str]:
    """The names of the bodies and groups taking part, each once, in the meeting's order."""
    names: list[str] = []
    for participation in meeting.participations:
        if (label := participation.label) and label not in names:
            names.append(label)
    return names


def meeting_lines(meeting: Meeting, locale: str | None = None) -> dict[str, Any]:
    """What a feed entry or digest line says about a meeting, as plain text."""
    return {
        "title": meeting.title,
        "when": format_meeting_when(meeting, locale),
        "place": place_line(meeting),
        "bodies": ", ".join(bodies(meeting)),
    }


def summary_text(lines: dict[str, Any]) -> str:
    """The lines of ``meeting_lines`` as one plain-text summary."""
    parts: Sequence[str] = [lines["when"], lines["place"]]
    if lines["bodies"]:
        parts = [*parts, _("Instansi: %(bodies)s", bodies=lines["bodies"])]
    return "\n".join(parts)
