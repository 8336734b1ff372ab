"""Pure iCalendar builders: a meeting as a VEVENT, a feed as a VCALENDAR.

Nothing here touches the database or the request. Every value written comes from the
data (never the clock or a random source) so the same meetings always give the same
bytes; see ``tracker/calendar/cache.py`` for how the pieces are stored and reused.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, cached_property
from typing import Any, NamedTuple

from flask_babel import get_locale
from icalendar import (
    Calendar,
    Component,
    Event,
    Timezone,
    vCalAddress,
    vDDDTypes,
    vDuration,
    vText,
)
from icalendar.enums import CLASS, STATUS, TRANSP

from tracker.calendar import writer
from tracker.i18n import gettext as _
from tracker.labels import MEETING_KIND_LABELS

# Bump when the output of meeting_to_event changes: every stored VEVENT is then rebuilt.
BUILDER_VERSION = 2
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
    # False when base_url is the request's own host (development without PUBLIC_BASE_URL):
    # such output is never stored, kept as a file or cached publicly.
    shared: bool = True

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

    @cached_property
    def _url_parts(self) -> tuple[str, str]:
        before, _marker, after = self.meeting_path.partition("{id}")
        return self.base_url + before, after

    def meeting_url(self, meeting_id: int) -> str:
        """The absolute address of a meeting's public page."""
        before, after = self._url_parts
        return f"{before}{meeting_id}{after}"


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


@dataclass(frozen=True)
class Phrases:
    """The translated sentence templates of DESCRIPTION, looked up once per build."""

    cancelled: str
    postponed: str
    theme: str
    no_hour: str
    no_end: str
    chair: str
    speakers: str
    agencies: str
    source_note: str
    details: str
    represented: str
    kinds: dict[str, str]


_PHRASES: dict[str, Phrases] = {}


def phrases() -> Phrases:
    """The templates in the current locale (gettext without variables: unformatted)."""
    locale = str(get_locale() or "")
    found = _PHRASES.get(locale)
    if found is None:
        found = _PHRASES[locale] = Phrases(
            cancelled=_("Rapat ini DIBATALKAN."),
            postponed=_("Rapat ini ditunda ke waktu di atas."),
            theme=_("Tema: %(theme)s"),
            no_hour=_("Jam rapat tidak disebutkan dalam sumber."),
            no_end=_("Waktu selesai tidak disebutkan; durasi di kalender hanya perkiraan."),
            chair=_("Pimpinan rapat: %(name)s"),
            speakers=_("Pemateri: %(names)s"),
            agencies=_("Instansi: %(names)s"),
            source_note=_("Catatan sumber: %(note)s"),
            details=_("Rincian: %(url)s"),
            represented=_("diwakili %(name)s"),
            kinds={k: str(v) for k, v in MEETING_KIND_LABELS.items()},
        )
    return found


def _participant(p: Participant, words: Phrases) -> str:
    text = p.position or p.label
    if p.person_name is not None and p.person_name not in text:
        text += f" ({p.person_display})"
    if p.represented_by:
        text += " — " + words.represented % {"name": p.represented_by}
    return text


def _location(record: EventRecord) -> str | None:
    if record.venue_name is None:
        return None
    parts = [record.venue_name]
    if record.venue_address:
        parts.append(record.venue_address)
    if record.venue_city is not None and record.venue_city not in " ".join(parts):
        parts.append(record.venue_city)
    return ", ".join(parts)


def describe(meeting: Any, settings: CalendarSettings, words: Phrases | None = None) -> str:
    """The plain-text DESCRIPTION: status, theme, chair, speakers, agencies, source note."""
    record = record_from(meeting)
    words = words or phrases()
    lines: list[str] = []
    reason = record.status_reason
    if record.status == "cancelled":
        lines.append(words.cancelled + (f" {reason}" if reason else ""))
    elif record.status == "postponed":
        lines.append(words.postponed + (f" {reason}" if reason else ""))
    if record.theme:
        lines.append(words.theme % {"theme": record.theme})
    if record.summary:
        lines.append(record.summary)
    if record.time_unknown:
        lines.append(words.no_hour)
    elif record.ends_at is None:
        lines.append(words.no_end)
    people = record.participants
    if people:
        chair = next((p for p in people if "chair" in p.roles), None)
        if chair is not None:
            lines.append(words.chair % {"name": _participant(chair, words)})
        speakers = [p for p in people if "speaker" in p.roles]
        if speakers:
            names = "; ".join(_participant(p, words) for p in speakers)
            lines.append(words.speakers % {"names": names})
        agencies: list[str] = []
        for p in people:
            if p.agency_name is not None and p.agency_name not in agencies:
                agencies.append(p.agency_name)
        if agencies:
            lines.append(words.agencies % {"names": ", ".join(agencies)})
    if record.source_note:
        lines.append(words.source_note % {"note": record.source_note})
    lines.append(words.details % {"url": settings.meeting_url(record.id)})
    return "\n".join(lines)


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
# The first and last local wall-clock time a feed shows in one zone.
ZoneSpan = tuple[datetime, datetime]


@cache
def _zone_parts(tzid: str) -> tuple[Timezone, tuple[tuple[datetime, ...], ...]]:
    """The zone's VTIMEZONE (1970–2038) and the onsets of each STANDARD/DAYLIGHT part."""
    zone = Timezone.from_tzid(tzid)
    # icalendar puts a COMMENT directly under VTIMEZONE, where RFC 5545 does not list it.
    zone.pop("COMMENT", None)
    return zone, tuple(_onsets(part) for part in zone.subcomponents)


def _onsets(part: Component) -> tuple[datetime, ...]:
    """When one STANDARD/DAYLIGHT part takes effect: its DTSTART and RDATEs, sorted."""
    start = part["DTSTART"]
    # Observances start at a local date-time (RFC 5545 §3.6.5), never a date or duration.
    assert isinstance(start, vDDDTypes) and isinstance(start.dt, datetime)
    found = [start.dt]
    rdates = part.get("RDATE", [])
    for rdate in rdates if isinstance(rdates, list) else [rdates]:
        found += [d.dt for d in rdate.dts]
    return tuple(sorted(found))


def _in_force(onsets: Sequence[Sequence[datetime]], span: ZoneSpan | None) -> tuple[int, ...]:
    """The parts whose rules hold at some time of the span (None: the zone as it is now)."""
    every = sorted((onset, i) for i, times in enumerate(onsets) for onset in times)
    first, last = span if span is not None else (every[-1][0], every[-1][0])
    before = [i for onset, i in every if onset <= first]
    keep = {before[-1] if before else every[0][1]}
    keep.update(i for onset, i in every if first < onset <= last)
    return tuple(sorted(keep))


@cache
def _timezone_block(tzid: str, parts: tuple[int, ...]) -> str:
    zone, _onsets = _zone_parts(tzid)
    block = Timezone()
    block.update(zone)
    for i in parts:
        block.add_component(zone.subcomponents[i])
    return block.to_ical().decode("utf-8")


def timezone_text(tzid: str, span: ZoneSpan | None = None) -> str:
    """A minimal VTIMEZONE: only the observances in force during the span.

    Outlook keeps one rule per block and may pick a historical one (Asia/Pontianak's
    1970-1988 WITA), so a feed of current meetings gets the current observance alone.
    The default 1970 start is kept: no LMT offsets with seconds.
    """
    _zone, onsets = _zone_parts(tzid)
    return _timezone_block(tzid, _in_force(onsets, span))


def zone_span(tzid: str, first: datetime, last: datetime) -> ZoneSpan:
    """The span, as local wall-clock times of the zone, of instants from first to last."""
    zone = writer.zone(tzid)
    return (
        first.astimezone(zone).replace(tzinfo=None),
        last.astimezone(zone).replace(tzinfo=None),
    )


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
