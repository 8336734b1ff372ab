"""Pure iCalendar builders: a meeting as a VEVENT, a feed as a VCALENDAR.

Nothing here touches the database or the request. Every value written comes from the
data (never the clock or a random source) so the same meetings always give the same
bytes; see ``tracker/calendar/cache.py`` for how the pieces are stored and reused.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from icalendar import Calendar, Event, Timezone, vCalAddress, vDuration
from icalendar.enums import CLASS, STATUS, TRANSP

from tracker.i18n import gettext as _
from tracker.labels import MEETING_KIND_LABELS

# Bump when the output of meeting_to_event changes: every stored VEVENT is then rebuilt.
BUILDER_VERSION = 1
# Namespace for the stable calendar UIDs of feeds (RFC 7986 UID, never random).
FEED_NAMESPACE = uuid.UUID("5d0c2b0e-8f4f-4d8e-9b53-6f1f3c6a2a11")
CALENDAR_FOOTER = "END:VCALENDAR\r\n"
CANCELLED_PREFIX = "[DIBATALKAN] "


@dataclass(frozen=True)
class CalendarSettings:
    """What the output depends on beyond the meeting itself."""

    base_url: str  # scheme and host (and any path prefix), no trailing slash
    organizer_email: str
    organizer_name: str
    prodid: str = "-//Rakor Tracker//Rapat Koordinasi 1.0//ID"
    refresh: timedelta = timedelta(hours=1)
    default_duration: timedelta = timedelta(hours=2)
    meeting_path: str = "/meetings/{id}"

    @property
    def fingerprint(self) -> str:
        """A short hash of everything that shapes a stored VEVENT besides the meeting."""
        raw = "|".join(
            (
                str(BUILDER_VERSION),
                self.base_url,
                self.organizer_email,
                self.organizer_name,
                str(int(self.default_duration.total_seconds())),
                self.meeting_path,
            )
        )
        return hashlib.sha256(raw.encode()).hexdigest()[:16]

    def meeting_url(self, meeting_id: int) -> str:
        """The absolute address of a meeting's public page."""
        return self.base_url + self.meeting_path.format(id=meeting_id)


@dataclass(frozen=True)
class FeedInfo:
    """The calendar-level properties of one feed."""

    key: str  # canonical scope, e.g. "agency=bawaslu-kaltim&region=64"
    name: str
    description: str
    source_url: str  # the https address of the feed itself
    page_url: str  # the human page about it
    home_zone: str = "Asia/Jakarta"

    @property
    def uid(self) -> str:
        """A calendar UID fixed by the scope, so the bytes do not change per request."""
        return str(uuid.uuid5(FEED_NAMESPACE, self.key))


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        # Never write a floating time: clients would read it in the viewer's zone.
        raise ValueError("naive datetime in calendar export")
    return moment.astimezone(UTC)


def _dates(meeting: Any) -> tuple[date, date]:
    """All-day span: first day and the exclusive end day (RFC 5545 §3.6.1)."""
    first = meeting.local_start.date()
    last = meeting.local_end.date() if meeting.ends_at is not None else first
    return first, max(last, first) + timedelta(days=1)


def _times(meeting: Any, settings: CalendarSettings) -> tuple[datetime, datetime]:
    start = meeting.local_start
    end = meeting.local_end
    if end is None or end <= start:
        end = start + settings.default_duration
    return start, end


def _participant(p: Any) -> str:
    text = p.position or p.label
    if p.person is not None and p.person.name not in text:
        text += f" ({p.person.display_name})"
    if p.represented_by:
        text += " — " + _("diwakili %(name)s", name=p.represented_by)
    return text


def _location(meeting: Any) -> str | None:
    venue = meeting.venue
    if venue is None:
        return None
    parts = [venue.name]
    if venue.address:
        parts.append(venue.address)
    if venue.city is not None and venue.city.name not in " ".join(parts):
        parts.append(venue.city.name)
    return ", ".join(parts)


def describe(meeting: Any, settings: CalendarSettings) -> str:
    """The plain-text DESCRIPTION: status, theme, chair, speakers, agencies, source note."""
    lines: list[str] = []
    reason = meeting.status_reason
    if meeting.status == "cancelled":
        lines.append(_("Rapat ini DIBATALKAN.") + (f" {reason}" if reason else ""))
    elif meeting.status == "postponed":
        lines.append(_("Rapat ini ditunda ke waktu di atas.") + (f" {reason}" if reason else ""))
    if meeting.theme:
        lines.append(_("Tema: %(theme)s", theme=meeting.theme))
    if meeting.summary:
        lines.append(meeting.summary)
    if meeting.time_unknown:
        lines.append(_("Jam rapat tidak disebutkan dalam sumber."))
    elif meeting.ends_at is None:
        lines.append(_("Waktu selesai tidak disebutkan; durasi di kalender hanya perkiraan."))
    chair = meeting.chair
    if chair is not None:
        lines.append(_("Pimpinan rapat: %(name)s", name=_participant(chair)))
    speakers = [p for p in meeting.participations if p.is_speaker]
    if speakers:
        names = "; ".join(_participant(p) for p in speakers)
        lines.append(_("Pemateri: %(names)s", names=names))
    agencies: list[str] = []
    for p in meeting.participations:
        if p.agency is not None and p.agency.short_name not in agencies:
            agencies.append(p.agency.short_name)
    if agencies:
        lines.append(_("Instansi: %(names)s", names=", ".join(agencies)))
    if meeting.source_note:
        lines.append(_("Catatan sumber: %(note)s", note=meeting.source_note))
    lines.append(_("Rincian: %(url)s", url=settings.meeting_url(meeting.id)))
    return "\n".join(lines)


def meeting_to_event(meeting: Any, settings: CalendarSettings) -> Event:
    """Build the VEVENT of one meeting (RFC 5545, published with METHOD:PUBLISH)."""
    event = Event()
    event.add("UID", meeting.uid)
    # DTSTAMP and LAST-MODIFIED come from the data, never from now(): the bytes (and
    # so the ETag) only change when the meeting does.
    event.add("DTSTAMP", _utc(meeting.updated_at))
    event.add("CREATED", _utc(meeting.created_at))
    event.add("LAST-MODIFIED", _utc(meeting.updated_at))
    event.add("SEQUENCE", int(meeting.sequence or 0))
    if meeting.time_unknown:
        first, after = _dates(meeting)
        event.add("DTSTART", first)
        event.add("DTEND", after)
    else:
        start, end = _times(meeting, settings)
        event.add("DTSTART", start)
        event.add("DTEND", end)
    cancelled = meeting.status == "cancelled"
    # Clients that strike cancelled events through still show the title; the prefix
    # tells readers of the others (and of exported copies) what happened.
    event.add("SUMMARY", (CANCELLED_PREFIX if cancelled else "") + meeting.title)
    event.add("DESCRIPTION", describe(meeting, settings))
    location = _location(meeting)
    if location:
        event.add("LOCATION", location)
    venue = meeting.venue
    if venue is not None and venue.latitude is not None and venue.longitude is not None:
        event.add("GEO", (float(venue.latitude), float(venue.longitude)))
    categories = [str(MEETING_KIND_LABELS.get(meeting.kind, meeting.kind)), meeting.region.name]
    if meeting.election is not None:
        categories.append(meeting.election.name)
    event.add("CATEGORIES", categories)
    event.add("URL", settings.meeting_url(meeting.id))
    organizer = vCalAddress(f"mailto:{settings.organizer_email}")
    organizer.params["CN"] = settings.organizer_name
    event.add("ORGANIZER", organizer)
    event.add("STATUS", STATUS.CANCELLED if cancelled else STATUS.CONFIRMED)
    # Other people's meetings: they must not block the subscriber's free/busy time.
    event.add("TRANSP", TRANSP.TRANSPARENT)
    event.add("CLASS", CLASS.PUBLIC if meeting.visibility == "public" else CLASS.PRIVATE)
    return event


def event_text(meeting: Any, settings: CalendarSettings) -> str:
    """The serialized VEVENT of one meeting (CRLF lines, folded, escaped)."""
    return meeting_to_event(meeting, settings).to_ical().decode("utf-8")


@cache
def timezone_text(tzid: str) -> str:
    """The VTIMEZONE of an IANA zone, valid 1970–2038 (no LMT offsets with seconds)."""
    zone = Timezone.from_tzid(tzid)
    # icalendar puts a COMMENT directly under VTIMEZONE, where RFC 5545 does not list it.
    zone.pop("COMMENT", None)
    return zone.to_ical().decode("utf-8")


def calendar_head(feed: FeedInfo, settings: CalendarSettings, tzids: Iterable[str]) -> str:
    """Everything before the first VEVENT: calendar properties and sorted VTIMEZONEs."""
    cal = Calendar.new(
        prodid=settings.prodid,
        uid=feed.uid,
        name=feed.name,
        description=feed.description,
        method="PUBLISH",
        source=feed.source_url,
        url=feed.page_url,
        calscale="GREGORIAN",
    )
    # RFC 7986 requires VALUE=DURATION; icalendar leaves it out unless told.
    cal.add("REFRESH-INTERVAL", settings.refresh, parameters={"VALUE": "DURATION"})
    # Outlook's hint, as a duration string (a timedelta would be written "1:00:00").
    cal.add("X-PUBLISHED-TTL", vDuration(settings.refresh).to_ical().decode("ascii"))
    text = cal.to_ical().decode("utf-8")
    head = text[: -len(CALENDAR_FOOTER)]
    # Sorted, and always the feed's home zone: an empty feed is still a valid calendar,
    # and the order never depends on the hash seed (add_missing_timezones' does).
    zones = sorted(set(tzids) | {feed.home_zone})
    return head + "".join(timezone_text(z) for z in zones)


def sort_key(meeting: Any) -> tuple[datetime, str]:
    """Events are ordered by start, then UID: a stable order for stable bytes."""
    return (meeting.starts_at, meeting.uid)


def build_calendar(meetings: Sequence[Any], feed: FeedInfo, settings: CalendarSettings) -> bytes:
    """Build a whole calendar from meetings, without any stored pieces."""
    ordered = sorted(meetings, key=sort_key)
    head = calendar_head(feed, settings, {m.timezone for m in ordered if not m.time_unknown})
    body = "".join(event_text(m, settings) for m in ordered)
    return (head + body + CALENDAR_FOOTER).encode("utf-8")
