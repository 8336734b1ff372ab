"""Import an agency's published agenda (.ics) as meetings, matched by UID.

The import checks the whole file first and reports every problem with its line: the
raw text in one linear pass (``prescan``), then every parsed event, before anything is
written. It writes through the meeting operations and never commits. When it raises
``ImportRejected`` the caller rolls back, so a bad file leaves nothing behind.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from tracker.calendar.ical import CANCELLED_PREFIX
from tracker.calendar.plaintext import html_to_text
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
    "SUMMARY": (Meeting.title, False),
    "DESCRIPTION": (Meeting.summary, True),
    "LOCATION": (Venue.name, False),
}


# UIDs longer than the column (Outlook/Exchange write ~112 characters) are stored as a
# digest of the UID: the same UID always finds the same meeting again.
MAX_UID = 1000
UID_DIGEST = "sha256-"
# What calendars put before the title of a cancelled event (Outlook: "Canceled: ").
CANCEL_PREFIXES = ("canceled:", "cancelled:", "dibatalkan:", CANCELLED_PREFIX.strip().lower())


@dataclass(frozen=True)
class Context:
    """What the whole file says about its events: region, wall-clock zone, method."""

    region: Region
    floating_zone: str | None = None  # X-WR-TIMEZONE, when it names an Indonesian zone
    floating_problem: str | None = None  # why X-WR-TIMEZONE cannot be used, if so
    cancel: bool = False  # METHOD:CANCEL: every event in it is cancelled


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
    # A cancellation that names no time or title: only an existing meeting can take it.
    cancel_only: bool = False


class _Refused(Exception):
    def __init__(self, prop: str, reason: str) -> None:
        super().__init__(reason)
        self.prop = prop
        self.reason = reason


def _zone_of(value: datetime) -> str | None:
    key = getattr(value.tzinfo, "key", None)
    key = ZONE_ALIASES.get(key, key) if key else None
    return key if key in INDONESIAN_ZONES else None


def _tzid(event: Event, prop: str) -> str | None:
    """The TZID parameter of a DTSTART/DTEND as written (never a tzinfo's repr)."""
    value = event.get(prop)
    params = getattr(value, "params", {})
    return clean_text(str(params["TZID"])) if "TZID" in params else None


def _floating(
    value: datetime, prop: str, tzid: str | None, context: Context
) -> tuple[datetime, str]:
    """A time without zone: read on the calendar's X-WR-TIMEZONE, else the region's clock."""
    if tzid is not None:
        # icalendar leaves a time floating when its TZID names no zone it knows.
        reason = _(
            'TZID "%(zone)s" tidak dikenal: berkas tidak memuat VTIMEZONE-nya dan '
            "namanya bukan zona IANA.",
            zone=tzid,
        )
        raise _Refused(prop, reason)
    if context.floating_problem is not None:
        raise _Refused(prop, context.floating_problem)
    home = context.floating_zone or context.region.timezone
    return value.replace(tzinfo=ZoneInfo(home)), home


def _localize(
    value: datetime, prop: str, tzid: str | None, context: Context
) -> tuple[datetime, str]:
    """Put a DTSTART/DTEND into an Indonesian zone, or refuse it with the reason."""
    region = context.region
    home = region.timezone
    if value.tzinfo is None or value.utcoffset() is None:
        return _floating(value, prop, tzid, context)
    zone = _zone_of(value)
    if zone is not None:
        return value.astimezone(ZoneInfo(zone)), zone
    offset = value.utcoffset() or timedelta(0)
    moment = value.astimezone(ZoneInfo(home))
    if offset == timedelta(0) or offset == moment.utcoffset():
        # UTC, or another name for the region's own offset (Outlook's "SE Asia
        # Standard Time"): the same instant, written in the region's zone.
        return moment, home
    raise _Refused(
        prop,
        _(
            "Zona waktu %(zone)s (UTC%(offset)+g) bukan zona Indonesia dan tidak sama dengan "
            "zona wilayah %(region)s (%(home)s).",
            zone=tzid or getattr(value.tzinfo, "key", None) or "-",
            offset=offset.total_seconds() / 3600,
            region=region.name,
            home=zone_abbreviation(moment),
        ),
    )


def _value(event: Event, name: str) -> Any:
    prop = event.get(name)
    return getattr(prop, "dt", None) if prop is not None else None


def _outlook_all_day(event: Event, start: datetime, end: Any) -> tuple[date, date] | None:
    """Outlook's all-day entry, written midnight to midnight with its own flag, as dates."""
    flag = str(event.get("X-MICROSOFT-CDO-ALLDAYEVENT", "")).strip().upper()
    if flag != "TRUE" or not isinstance(end, datetime) or end <= start:
        return None
    if start.time() != time(0) or end.time() != time(0):
        return None
    return start.date(), end.date()


def _timed(event: Event, start: datetime, context: Context) -> dict[str, Any]:
    end = _value(event, "DTEND")
    duration = _value(event, "DURATION")
    starts_at, zone = _localize(start, "DTSTART", _tzid(event, "DTSTART"), context)
    ends_at = None
    if isinstance(end, datetime):
        ends_at = _localize(end, "DTEND", _tzid(event, "DTEND"), context)[0]
        ends_at = ends_at.astimezone(ZoneInfo(zone))
    elif end is not None:
        raise _Refused("DTEND", _("DTEND harus berjenis sama dengan DTSTART."))
    elif isinstance(duration, timedelta):
        ends_at = starts_at + duration
    return {"starts_at": starts_at, "ends_at": ends_at, "timezone": zone, "time_unknown": False}


def _dated(start: date, end: Any, duration: Any, region: Region) -> dict[str, Any]:
    """An all-day entry: the date is known, the hour is not (DTEND is exclusive)."""
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


def _times(event: Event, context: Context) -> dict[str, Any]:
    start = _value(event, "DTSTART")
    end = _value(event, "DTEND")
    if start is None:
        raise _Refused("DTSTART", _("DTSTART wajib ada."))
    if isinstance(start, datetime):
        days = _outlook_all_day(event, start, end)
        if days is None:
            return _timed(event, start, context)
        start, end = days
    if not isinstance(start, date):
        raise _Refused("DTSTART", _("DTSTART bukan tanggal yang sah."))
    return _dated(start, end, _value(event, "DURATION"), context.region)


def _text(event: Event, name: str) -> str | None:
    """A text property without invisible characters, within its column's length."""
    value = event.get(name)
    if value is None:
        return None
    column, multiline = TEXT_PROPERTIES[name]
    raw = str(value)
    if multiline:
        # Google writes descriptions as HTML (<b>, <br>, links): keep only their text.
        raw = html_to_text(raw)
    text = clean_text(raw, multiline=multiline)
    limit = max_length(column)
    if len(text) > limit:
        raise _Refused(name, _("%(name)s paling panjang %(max)d karakter.", name=name, max=limit))
    return text or None


def stored_uid(uid: str) -> str:
    """The UID a meeting keeps: the event's own, or its digest when longer than the column."""
    if len(uid) <= max_length(Meeting.uid):
        return uid
    return UID_DIGEST + hashlib.sha256(uid.encode("utf-8")).hexdigest()


def _uid(event: Event, seen: dict[str, int], block: Block) -> str:
    """The event's UID, refused when missing, too long or used before in the file."""
    value = event.get("UID")
    uid = clean_text(str(value)) if value is not None else ""
    if not uid:
        raise _Refused("UID", _("VEVENT tanpa UID."))
    if len(uid) > MAX_UID:
        raise _Refused(
            "UID", _("%(name)s paling panjang %(max)d karakter.", name="UID", max=MAX_UID)
        )
    if uid in seen:
        raise _Refused("UID", _("UID ganda; sudah dipakai di baris %(line)s.", line=seen[uid]))
    seen[uid] = block.line("UID")
    return uid


def _title(event: Event, cancelled: bool) -> str | None:
    """SUMMARY without the word a calendar puts before a cancelled event's title."""
    title = _text(event, "SUMMARY")
    if title is None:
        return None
    prefixes = CANCEL_PREFIXES if cancelled else CANCEL_PREFIXES[-1:]
    lowered = title.lower()
    for prefix in prefixes:
        if lowered.startswith(prefix):
            return title[len(prefix) :].strip() or None
    return title


def _entry(event: Event, uid: str, block: Block, context: Context) -> _Entry:
    """The meeting fields an event carries (region, kind and election come from the form)."""
    status = str(event.get("STATUS", "")).upper()
    cancelled = context.cancel or status == "CANCELLED"
    values: dict[str, Any] = {}
    title = _title(event, cancelled)
    if title is not None:
        values["title"] = title
    elif not cancelled:
        raise _Refused("SUMMARY", _("SUMMARY (judul) wajib ada."))
    if not cancelled or event.get("DTSTART") is not None:
        values.update(_times(event, context))
    description = _text(event, "DESCRIPTION")
    if description is not None:
        values["summary"] = description
    if str(event.get("CLASS", "")).upper() in ("PRIVATE", "CONFIDENTIAL"):
        # Never publish what the source marked private.
        values["visibility"] = "internal"
    entry = _Entry(stored_uid(uid), block, values, cancelled, _text(event, "LOCATION"))
    entry.geo = event.get("GEO")
    entry.cancel_only = "title" not in values or "starts_at" not in values
    return entry


def _parse(text: str, blocks: list[Block]) -> tuple[Calendar, list[Event]]:
    """The calendar and its VEVENTs, from the pre-scanned text, parsed by icalendar."""
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise refuse(1, str(error)) from error
    events = calendar.events
    if len(events) != len(blocks):
        raise refuse(1, _("Susunan VEVENT tidak terbaca."))
    if not events:
        raise refuse(1, _("Berkas tidak berisi satu pun VEVENT."))
    return calendar, events


def _floating_zone(value: Any, line: int) -> tuple[str | None, str | None]:
    """The Indonesian zone X-WR-TIMEZONE names, or why floating times cannot use it."""
    if value is None:
        return None, None
    name = clean_text(str(value))
    name = ZONE_ALIASES.get(name, name)
    if name in INDONESIAN_ZONES:
        return name, None
    try:
        ZoneInfo(name)
        why = _("bukan zona Indonesia")
    except (ZoneInfoNotFoundError, ValueError):
        why = _("bukan nama zona IANA")
    reason = _(
        'Waktu tanpa zona dibaca menurut X-WR-TIMEZONE di baris %(line)s, tetapi "%(zone)s" '
        "%(why)s.",
        line=line,
        zone=name,
        why=why,
    )
    return None, reason


def _context(calendar: Calendar, lines: dict[str, int], region: Region) -> Context:
    """What the calendar's own properties say about all its events."""
    zone, problem = _floating_zone(calendar.get("X-WR-TIMEZONE"), lines.get("X-WR-TIMEZONE", 1))
    method = str(calendar.get("METHOD", "")).strip().upper()
    return Context(region, zone, problem, cancel=method == "CANCEL")


def _unknown_targets(entries: list[_Entry]) -> list[ImportProblem]:
    """Cancellations without a time or title whose meeting does not exist (yet)."""
    wanted = [e for e in entries if e.cancel_only]
    if not wanted:
        return []
    uids = [e.uid for e in wanted]
    known = set(db.session.execute(db.select(Meeting.uid).where(Meeting.uid.in_(uids))).scalars())
    reason = _(
        "Pembatalan untuk rapat yang belum tercatat; tanpa DTSTART dan SUMMARY "
        "rapatnya tidak dapat dibuat."
    )
    return [ImportProblem(e.block.begin, reason) for e in wanted if e.uid not in known]


def _check(events: list[Event], blocks: list[Block], context: Context) -> list[_Entry]:
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
                entries.append(_entry(event, uid, block, context))
        except _Refused as refused:
            bad.append(ImportProblem(block.line(refused.prop), refused.reason))
        problems.extend(bad)
    problems.extend(_unknown_targets(entries))
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
    else:
        if entry.cancelled:
            # A cancellation notice carries the old title, not a new one.
            values.pop("title", None)
        if ops.update_meeting(meeting, values, user):
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
    calendar, events = _parse(scanned.text, scanned.blocks)
    entries = _check(events, scanned.blocks, _context(calendar, scanned.calendar, region))
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
