"""Pure iCalendar builders: a meeting as a VEVENT, a feed as a VCALENDAR.

Nothing here touches the database or the request. Every value written comes from the
data (never the clock or a random source) so the same meetings always give the same
bytes; see ``tracker/calendar/cache.py`` for how the pieces are stored and reused.
Beside it: ``settings`` (what the output depends on), ``records`` (a meeting as plain
values), ``description`` (the DESCRIPTION text) and ``vtimezone`` (the VTIMEZONEs).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import Any

from icalendar import Calendar, Event, vCalAddress, vDuration, vText
from icalendar.enums import CLASS, STATUS, TRANSP

from tracker.calendar import writer
from tracker.calendar.description import Phrases, describe, phrases
from tracker.calendar.records import EventRecord, record_from
from tracker.calendar.settings import CalendarSettings, FeedInfo
from tracker.calendar.vtimezone import ZoneSpan, timezone_text, zone_span

CALENDAR_FOOTER = "END:VCALENDAR\r\n"
CANCELLED_PREFIX = "[DIBATALKAN] "


def _location(record: EventRecord) -> str | None:
    if record.venue_name is None:
        return None
    parts = [record.venue_name]
    if record.venue_address:
        parts.append(record.venue_address)
    if record.venue_city is not None and record.venue_city not in " ".join(parts):
        parts.append(record.venue_city)
    return ", ".join(parts)


def _dates(record: EventRecord) -> tuple[date, date]:
    """All-day span: first day and the exclusive end day (RFC 5545 §3.6.1)."""
    tz = writer.zone(record.timezone)
    first = record.starts_at.astimezone(tz).date()
    last = record.ends_at.astimezone(tz).date() if record.ends_at is not None else first
    return first, max(last, first) + timedelta(days=1)


def _times(record: EventRecord, settings: CalendarSettings) -> tuple[datetime, datetime]:
    tz = writer.zone(record.timezone)
    start = record.starts_at.astimezone(tz)
    end = record.ends_at.astimezone(tz) if record.ends_at is not None else None
    if end is None or end <= start:
        end = start + settings.default_duration
    return start, end


def _categories(record: EventRecord, words: Phrases) -> list[str]:
    categories = [words.kinds.get(record.kind, record.kind), record.region_name]
    if record.election_name is not None:
        categories.append(record.election_name)
    return categories


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        # Never write a floating time: clients would read it in the viewer's zone.
        raise ValueError("naive datetime in calendar export")
    return moment.astimezone(UTC)


def meeting_to_event(meeting: Any, settings: CalendarSettings) -> Event:
    """Build the VEVENT of one meeting with icalendar (RFC 5545, METHOD:PUBLISH).

    The reference for ``event_text``: tests check that both give the same lines.
    """
    record = record_from(meeting)
    words = phrases()
    event = Event()
    event.add("UID", record.uid)
    # DTSTAMP and LAST-MODIFIED come from the data, never from now(): the bytes (and
    # so the ETag) only change when the meeting does.
    event.add("DTSTAMP", _utc(record.updated_at))
    event.add("CREATED", _utc(record.created_at))
    event.add("LAST-MODIFIED", _utc(record.updated_at))
    event.add("SEQUENCE", int(record.sequence or 0))
    if record.time_unknown:
        first, after = _dates(record)
        event.add("DTSTART", first)
        event.add("DTEND", after)
    else:
        start, end = _times(record, settings)
        event.add("DTSTART", start)
        event.add("DTEND", end)
    cancelled = record.status == "cancelled"
    # Clients that strike cancelled events through still show the title; the prefix
    # tells readers of the others (and of exported copies) what happened.
    event.add("SUMMARY", (CANCELLED_PREFIX if cancelled else "") + record.title)
    event.add("DESCRIPTION", describe(record, settings, words))
    location = _location(record)
    if location:
        event.add("LOCATION", location)
    if record.latitude is not None and record.longitude is not None:
        event.add("GEO", (float(record.latitude), float(record.longitude)))
    event.add("CATEGORIES", _categories(record, words))
    event.add("URL", settings.meeting_url(record.id))
    organizer = vCalAddress(f"mailto:{settings.organizer_email}")
    organizer.params["CN"] = settings.organizer_name
    event.add("ORGANIZER", organizer)
    event.add("STATUS", STATUS.CANCELLED if cancelled else STATUS.CONFIRMED)
    # Other people's meetings: they must not block the subscriber's free/busy time.
    event.add("TRANSP", TRANSP.TRANSPARENT)
    event.add("CLASS", CLASS.PUBLIC if record.visibility == "public" else CLASS.PRIVATE)
    return event


@cache
def organizer_line(email: str, name: str) -> str:
    """The ORGANIZER line, serialized once by icalendar (CN quoting and escaping)."""
    organizer = vCalAddress(f"mailto:{email}")
    organizer.params["CN"] = name
    event = Event()
    event.add("ORGANIZER", organizer)
    text = event.to_ical().decode("utf-8")
    return text[len("BEGIN:VEVENT\r\n") : -len("END:VEVENT\r\n")]


def write_event(record: EventRecord, settings: CalendarSettings, words: Phrases) -> str:
    """The serialized VEVENT of one meeting, written line by line (see ``writer``).

    Properties in icalendar's order: its canonical VEVENT order, then alphabetical.
    Written for speed (a cold 100,000-event feed calls it 100,000 times): lines that
    cannot pass 74 octets are not folded, values that need no escaping skip it.
    """
    cancelled = record.status == "cancelled"
    tzid = record.timezone
    if record.time_unknown:
        first, after = _dates(record)
        span = (
            f"DTSTART;VALUE=DATE:{writer.date_value(first)}\r\n"
            f"DTEND;VALUE=DATE:{writer.date_value(after)}\r\n"
        )
    else:
        start, end = _times(record, settings)
        param = writer.param_value(tzid)
        span = writer.fold(f"DTSTART;TZID={param}:{writer.local_stamp(start)}") + "\r\n"
        span += writer.fold(f"DTEND;TZID={param}:{writer.local_stamp(end)}") + "\r\n"
    stamp = writer.utc_stamp(record.updated_at)
    categories = ",".join(writer.escape_text(c) for c in _categories(record, words))
    location = _location(record)
    geo = (
        f"GEO:{float(record.latitude)};{float(record.longitude)}\r\n"
        if record.latitude is not None and record.longitude is not None
        else ""
    )
    title = (CANCELLED_PREFIX + record.title) if cancelled else record.title
    return (
        "BEGIN:VEVENT\r\n"
        f"{writer.text_line('SUMMARY', title)}"
        f"{span}"
        f"DTSTAMP:{stamp}\r\n"
        f"{writer.text_line('UID', record.uid)}"
        f"SEQUENCE:{int(record.sequence or 0)}\r\n"
        f"{writer.fold('CATEGORIES:' + categories)}\r\n"
        f"{'CLASS:PUBLIC' if record.visibility == 'public' else 'CLASS:PRIVATE'}\r\n"
        f"CREATED:{writer.utc_stamp(record.created_at)}\r\n"
        f"{writer.text_line('DESCRIPTION', describe(record, settings, words))}"
        f"{geo}"
        f"LAST-MODIFIED:{stamp}\r\n"
        f"{writer.text_line('LOCATION', location) if location else ''}"
        f"{organizer_line(settings.organizer_email, settings.organizer_name)}"
        f"{'STATUS:CANCELLED' if cancelled else 'STATUS:CONFIRMED'}\r\n"
        "TRANSP:TRANSPARENT\r\n"
        f"{writer.plain_line('URL', writer.strip_breaks(settings.meeting_url(record.id)))}"
        "END:VEVENT\r\n"
    )


def event_text(meeting: Any, settings: CalendarSettings) -> str:
    """The serialized VEVENT of one meeting (CRLF lines, folded, escaped)."""
    return write_event(record_from(meeting), settings, phrases())


# Bump when calendar_head's output changes: feed keys (and so cached bodies) move on.
HEAD_VERSION = 2


def _calendar_text(cal: Calendar, feed: FeedInfo) -> None:
    """Name and description as TEXT, escaped (RFC 5545 §3.3.11).

    icalendar 7.3's ``Calendar.new`` writes NAME, X-WR-CALNAME and X-WR-CALDESC raw, and
    vobject and Radicale cut a raw name at its first comma.
    """
    cal.add("DESCRIPTION", vText(feed.description))
    cal.add("X-WR-CALDESC", vText(feed.description))
    cal.add("NAME", vText(feed.name))
    cal.add("X-WR-CALNAME", vText(feed.name))


def calendar_head(
    feed: FeedInfo,
    settings: CalendarSettings,
    zones: Mapping[str, ZoneSpan] | Iterable[str],
) -> str:
    """Everything before the first VEVENT: calendar properties and sorted VTIMEZONEs.

    ``zones`` maps each TZID the events use to the span they cover (a plain TZID stands
    for the zone as it is now); each VTIMEZONE holds only what that span needs.
    """
    cal = Calendar.new(
        prodid=settings.prodid,
        uid=feed.uid,
        method="PUBLISH",
        source=feed.source_url,
        url=feed.page_url,
        calscale="GREGORIAN",
    )
    _calendar_text(cal, feed)
    # RFC 7986 requires VALUE=DURATION; icalendar leaves it out unless told.
    cal.add("REFRESH-INTERVAL", settings.refresh, parameters={"VALUE": "DURATION"})
    # Outlook's hint, as a duration string (a timedelta would be written "1:00:00").
    cal.add("X-PUBLISHED-TTL", vDuration(settings.refresh).to_ical().decode("ascii"))
    text = cal.to_ical().decode("utf-8")
    head = text[: -len(CALENDAR_FOOTER)]
    spans: dict[str, ZoneSpan | None] = (
        dict(zones) if isinstance(zones, Mapping) else dict.fromkeys(zones)
    )
    # Always the feed's home zone: an empty feed is still a valid calendar. Sorted, so
    # the order never depends on the hash seed (add_missing_timezones' does).
    spans.setdefault(feed.home_zone, None)
    return head + "".join(timezone_text(z, spans[z]) for z in sorted(spans))


def sort_key(meeting: Any) -> tuple[datetime, str]:
    """Events are ordered by start, then UID: a stable order for stable bytes."""
    return (meeting.starts_at, meeting.uid)


def meeting_spans(meetings: Iterable[Any], settings: CalendarSettings) -> dict[str, ZoneSpan]:
    """Per zone, the local span the timed meetings cover (DTEND included)."""
    bounds: dict[str, tuple[datetime, datetime]] = {}
    for m in meetings:
        if m.time_unknown:
            continue  # all-day: VALUE=DATE, no TZID
        start, end = _times(m, settings)
        low, high = bounds.get(m.timezone, (start, end))
        bounds[m.timezone] = (min(low, start), max(high, end))
    return {z: zone_span(z, *b) for z, b in bounds.items()}


def build_calendar(meetings: Sequence[Any], feed: FeedInfo, settings: CalendarSettings) -> bytes:
    """Build a whole calendar from meetings, without any stored pieces."""
    ordered = sorted(meetings, key=sort_key)
    head = calendar_head(feed, settings, meeting_spans(ordered, settings))
    body = "".join(event_text(m, settings) for m in ordered)
    return (head + body + CALENDAR_FOOTER).encode("utf-8")
