"""Import an agency's published agenda (.ics) as meetings, matched by UID.

The import checks the whole file first and reports every problem with its line: the
raw text in one linear pass (``prescan``), then every parsed event, before anything is
written. It writes through the meeting operations and never commits. When it raises
``ImportRejected`` the caller rolls back, so a bad file leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from tracker.calendar.ical import CANCELLED_PREFIX
from tracker.calendar.prescan import Block, ImportProblem, ImportRejected, refuse, scan
from tracker.extensions import db
from tracker.formatting import zone_abbreviation
from tracker.i18n import gettext as _
from tracker.meetings import operations as ops
from tracker.models import INDONESIAN_ZONES, Election, Meeting, Region, User, Venue
from tracker.validation import ValidationError, clean_text, max_length

__all__ = ["ImportProblem", "ImportRejected", "ImportResult", "import_calendar"]

# Old IANA names that still turn up in exported calendars.
ZONE_ALIASES = {"Asia/Ujung_Pandang": "Asia/Makassar"}
# Which property a field error from the operations belongs to.
FIELD_PROPERTY = {
    "title": "SUMMARY",
    "starts_at": "DTSTART",
    "ends_at": "DTEND",
    "timezone": "DTSTART",
    "summary": "DESCRIPTION",
    "venue": "LOCATION",
    "status_reason": "STATUS",
}
# The column each imported text goes to (its length is the staff form's limit), and
# whether its line breaks are kept.
TEXT_PROPERTIES = {
    "UID": (Meeting.uid, False),
    "SUMMARY": (Meeting.title, False),
    "DESCRIPTION": (Meeting.summary, True),
    "LOCATION": (Venue.name, False),
}


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    meetings: list[Meeting] = field(default_factory=list)


@dataclass
class _Entry:
    """One checked VEVENT, ready to write."""

    uid: str
    block: Block
    values: dict[str, Any]
    cancelled: bool
    location: str | None = None
    geo: Any = None


class _Refused(Exception):
    def __init__(self, prop: str, reason: str) -> None:
        super().__init__(reason)
        self.prop = prop
        self.reason = reason


def _zone_of(value: datetime) -> str | None:
    key = getattr(value.tzinfo, "key", None)
    key = ZONE_ALIASES.get(key, key) if key else None
    return key if key in INDONESIAN_ZONES else None


def _localize(value: datetime, prop: str, region: Region) -> tuple[datetime, str]:
    """Put a DTSTART/DTEND into an Indonesian zone, or refuse it with the reason."""
    home = region.timezone
    if value.tzinfo is None or value.utcoffset() is None:
        # Floating time: the agenda's own wall clock, i.e. the region's.
        return value.replace(tzinfo=ZoneInfo(home)), home
    zone = _zone_of(value)
    if zone is not None:
        return value.astimezone(ZoneInfo(zone)), zone
    offset = value.utcoffset() or timedelta(0)
    moment = value.astimezone(ZoneInfo(home))
    if offset == timedelta(0) or offset == moment.utcoffset():
        # UTC, or another name for the region's own offset (Outlook's "SE Asia
        # Standard Time"): the same instant, written in the region's zone.
        return moment, home
    hours = offset.total_seconds() / 3600
    raise _Refused(
        prop,
        _(
            "Zona waktu %(zone)s (UTC%(offset)+g) bukan zona Indonesia dan tidak sama dengan "
            "zona wilayah %(region)s (%(home)s).",
            zone=str(value.tzinfo),
            offset=hours,
            region=region.name,
            home=zone_abbreviation(moment),
        ),
    )


def _value(event: Event, name: str) -> Any:
    prop = event.get(name)
    return getattr(prop, "dt", None) if prop is not None else None


def _times(event: Event, region: Region) -> dict[str, Any]:
    start = _value(event, "DTSTART")
    end = _value(event, "DTEND")
    duration = _value(event, "DURATION")
    if start is None:
        raise _Refused("DTSTART", _("DTSTART wajib ada."))
    if isinstance(start, datetime):
        starts_at, zone = _localize(start, "DTSTART", region)
        ends_at = None
        if isinstance(end, datetime):
            ends_at = _localize(end, "DTEND", region)[0].astimezone(ZoneInfo(zone))
        elif end is not None:
            raise _Refused("DTEND", _("DTEND harus berjenis sama dengan DTSTART."))
        elif isinstance(duration, timedelta):
            ends_at = starts_at + duration
        return {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "timezone": zone,
            "time_unknown": False,
        }
    if not isinstance(start, date):
        raise _Refused("DTSTART", _("DTSTART bukan tanggal yang sah."))
    # An all-day entry: the date is known, the hour is not (DTEND is exclusive).
    zone = region.timezone
    last = start
    if isinstance(end, date) and not isinstance(end, datetime):
        last = max(start, end - timedelta(days=1))
    elif end is not None:
        raise _Refused("DTEND", _("DTEND harus berjenis sama dengan DTSTART."))
    elif isinstance(duration, timedelta) and duration.days > 1:
        last = start + timedelta(days=duration.days - 1)
    return {
        "starts_at": ops.local_datetime(start, None, zone),
        "ends_at": ops.local_datetime(last, None, zone) if last != start else None,
        "timezone": zone,
        "time_unknown": True,
    }


def _text(event: Event, name: str) -> str | None:
    """A text property without invisible characters, within its column's length."""
    value = event.get(name)
    if value is None:
        return None
    column, multiline = TEXT_PROPERTIES[name]
    text = clean_text(str(value), multiline=multiline)
    limit = max_length(column)
    if len(text) > limit:
        raise _Refused(name, _("%(name)s paling panjang %(max)d karakter.", name=name, max=limit))
    return text or None


def _uid(event: Event, seen: dict[str, int], block: Block) -> str:
    """The event's UID, refused when missing or used before in the file."""
    uid = _text(event, "UID")
    if uid is None:
        raise _Refused("UID", _("VEVENT tanpa UID."))
    if uid in seen:
        raise _Refused("UID", _("UID ganda; sudah dipakai di baris %(line)s.", line=seen[uid]))
    seen[uid] = block.line("UID")
    return uid


def _entry(event: Event, uid: str, block: Block, region: Region) -> _Entry:
    """The meeting fields an event carries (region, kind and election come from the form)."""
    title = _text(event, "SUMMARY")
    if title is None:
        raise _Refused("SUMMARY", _("SUMMARY (judul) wajib ada."))
    if title.startswith(CANCELLED_PREFIX.strip()):
        title = title[len(CANCELLED_PREFIX.strip()) :].strip()
    values: dict[str, Any] = {"title": title}
    values.update(_times(event, region))
    description = _text(event, "DESCRIPTION")
    if description is not None:
        values["summary"] = description
    if str(event.get("CLASS", "")).upper() in ("PRIVATE", "CONFIDENTIAL"):
        # Never publish what the source marked private.
        values["visibility"] = "internal"
    cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
    return _Entry(uid, block, values, cancelled, _text(event, "LOCATION"), event.get("GEO"))


def _parse(text: str, blocks: list[Block]) -> list[Event]:
    """The VEVENTs of the pre-scanned text, parsed by icalendar."""
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise refuse(1, str(error)) from error
    events = calendar.events
    if len(events) != len(blocks):
        raise refuse(1, _("Susunan VEVENT tidak terbaca."))
    if not events:
        raise refuse(1, _("Berkas tidak berisi satu pun VEVENT."))
    return events


def _check(events: list[Event], blocks: list[Block], region: Region) -> list[_Entry]:
    """Check every event before anything is written; raise with every problem and its line."""
    problems: list[ImportProblem] = []
    entries: list[_Entry] = []
    seen: dict[str, int] = {}
    for event, block in zip(events, blocks, strict=True):
        bad = [
            ImportProblem(block.line(n), _("Nilai %(name)s tidak sah: %(why)s", name=n, why=w))
            for n, w in event.errors
        ]
        try:
            uid = _uid(event, seen, block)
            if not bad:
                entries.append(_entry(event, uid, block, region))
        except _Refused as refused:
            bad.append(ImportProblem(block.line(refused.prop), refused.reason))
        problems.extend(bad)
    if problems:
        raise ImportRejected(problems)
    return entries


def _apply(
    entry: _Entry, region: Region, defaults: dict[str, Any], user: User | None, result: ImportResult
) -> None:
    values = dict(entry.values)
    if entry.location is not None:
        venue = ops.find_or_create_venue(
            entry.location,
            region if region.kind != "province" else None,
            latitude=getattr(entry.geo, "latitude", None),
            longitude=getattr(entry.geo, "longitude", None),
        )
        values["venue_id"] = venue.id
    meeting = db.session.execute(
        db.select(Meeting).where(Meeting.uid == entry.uid)
    ).scalar_one_or_none()
    if meeting is None:
        meeting = ops.create_meeting({**defaults, **values}, user)
        # The agenda's UID is the meeting's from now on: the next import finds it.
        meeting.uid = entry.uid
        db.session.flush()
        result.created += 1
    elif ops.update_meeting(meeting, values, user):
        result.updated += 1
    else:
        result.unchanged += 1
    if entry.cancelled and meeting.status != "cancelled":
        ops.cancel_meeting(meeting, _("Dibatalkan menurut kalender yang diimpor."), user)
        result.cancelled += 1
    result.meetings.append(meeting)


def _refusals(entry: _Entry, error: ValidationError) -> list[ImportProblem]:
    """An operation's field errors, each at the line of the property it came from."""
    problems = []
    for name, reason in error.errors.items():
        prop = FIELD_PROPERTY.get(name, "")
        problems.append(ImportProblem(entry.block.line(prop), f"{prop or name}: {reason}"))
    return problems


def import_calendar(
    data: bytes,
    region: Region,
    kind: str = "rakor",
    visibility: str = "public",
    election: Election | None = None,
    user: User | None = None,
) -> ImportResult:
    """Create or update (by UID) one meeting per VEVENT of an .ics file.

    :raises ImportRejected: with every problem and its line; the caller must roll back.
    """
    scanned = scan(data)
    entries = _check(_parse(scanned.text, scanned.blocks), scanned.blocks, region)
    defaults = {
        "region_id": region.id,
        "kind": kind,
        "visibility": visibility,
        "election_id": election.id if election else None,
    }
    result = ImportResult()
    for entry in entries:
        try:
            _apply(entry, region, defaults, user, result)
        except ValidationError as error:
            # The rest would repeat this flush's refusal; the caller rolls back.
            raise ImportRejected(_refusals(entry, error)) from error
    return result
