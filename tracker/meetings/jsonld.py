"""schema.org Event data for a meeting page, safe to embed in a <script> block."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from tracker.models import Meeting

EVENT_STATUS = {
    "scheduled": "https://schema.org/EventScheduled",
    "held": "https://schema.org/EventScheduled",
    "postponed": "https://schema.org/EventRescheduled",
    "cancelled": "https://schema.org/EventCancelled",
}


def meeting_event(meeting: Meeting, url: str) -> dict[str, Any]:
    """The meeting as a schema.org Event (public fields only)."""
    event: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.title,
        "url": url,
        "eventStatus": EVENT_STATUS[meeting.status],
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
    }
    if meeting.time_unknown:
        # A date with no stated hour: schema.org accepts a plain date.
        event["startDate"] = meeting.local_date.isoformat()
    else:
        event["startDate"] = meeting.local_start.isoformat()
        if meeting.local_end is not None:
            event["endDate"] = meeting.local_end.isoformat()
    if meeting.summary or meeting.theme:
        event["description"] = meeting.summary or meeting.theme
    place: dict[str, Any] = {"@type": "Place"}
    address: dict[str, Any] = {"@type": "PostalAddress", "addressCountry": "ID"}
    address["addressRegion"] = meeting.region.province.name
    if meeting.venue is not None:
        place["name"] = meeting.venue.name
        if meeting.venue.address:
            address["streetAddress"] = meeting.venue.address
        if meeting.venue.city is not None:
            address["addressLocality"] = meeting.venue.city.name
        if meeting.venue.latitude is not None and meeting.venue.longitude is not None:
            place["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": meeting.venue.latitude,
                "longitude": meeting.venue.longitude,
            }
    else:
        place["name"] = meeting.region.name
    place["address"] = address
    event["location"] = place
    chair = meeting.chair
    if chair is not None and chair.agency is not None:
        event["organizer"] = {
            "@type": "GovernmentOrganization",
            "name": chair.agency.full_name,
            "alternateName": chair.agency.short_name,
        }
    return event


def script_json(data: Any) -> Markup:
    """JSON for an inline <script type="application/ld+json"> block.

    "</script>" or "<!--" in the data could end the block early, so <, > and &
    become \\u escapes (still valid JSON, same value once parsed).
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)  # noqa: S704 - escaped above for the script context
