"""Import an agency's published agenda (.ics) as meetings, matched by UID.

The import checks the whole file first and reports every problem with its line; it
writes through the meeting operations and never commits. When it raises
``ImportRejected`` the caller rolls back, so a bad file leaves nothing behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from tracker.calendar.ical import CANCELLED_PREFIX
from tracker.extensions import db
from tracker.formatting import zone_abbreviation
from tracker.i18n import gettext as _
from tracker.meetings import operations as ops
from tracker.models import INDONESIAN_ZONES, Election, Meeting, Region, User
from tracker.validation import ValidationError

MAX_EVENTS = 5000
MAX_ERRORS = 50
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
_NAME = re.compile(r"^[A-Za-z0-9-]+")
OWN_PRODID = "Rakor Tracker"


@dataclass(frozen=True, order=True)
class ImportProblem:
    """One reason the file was refused, at its line (1-based)."""

    line: int
    reason: str


class ImportRejected(Exception):
    """The file cannot be imported; nothing may be kept."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = sorted(problems)[:MAX_ERRORS]
        super().__init__("; ".join(f"line {p.line}: {p.reason}" for p in self.problems))


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    meetings: list[Meeting] = field(default_factory=list)


@dataclass
class _Block:
    """A top-level VEVENT as written: where it starts and where each property is."""

    begin: int
    props: dict[str, int] = field(default_factory=dict)

    def line(self, name: str) -> int:
        return self.props.get(name, self.begin)


def _decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ImportRejected(
            [ImportProblem(line, _("Berkas bukan teks UTF-8 yang sah."))]
        ) from error
    if "\x00" in text:
        # RFC 5545 forbids control characters, and PostgreSQL cannot store NUL.
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise ImportRejected([ImportProblem(line, _("Berkas berisi karakter NUL (kode 0)."))])
    return text


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfold continuation lines (RFC 5545 §3.1), keeping each property's first line."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(re.split(r"\r\n|\n|\r", text), start=1):
        if raw[:1] in (" ", "\t") and lines:
            first, content = lines[-1]
            lines[-1] = (first, content + raw[1:])
        elif raw.strip():
            lines.append((number, raw))
    return lines


def _structure(text: str) -> list[_Block]:
    """Check nesting and find the VEVENT blocks; raise with the line of each fault."""
    problems: list[ImportProblem] = []
    lines = _logical_lines(text)
    if not lines or lines[0][1].strip().upper() != "BEGIN:VCALENDAR":
        raise ImportRejected([ImportProblem(1, _("Berkas harus diawali BEGIN:VCALENDAR."))])
    stack: list[tuple[str, int]] = []
    blocks: list[_Block] = []
    closed = False
    for number, content in lines:
        name_match = _NAME.match(content)
        if closed:
            problems.append(
                ImportProblem(number, _("Ada isi setelah END:VCALENDAR (satu kalender saja)."))
            )
            break
        if ":" not in content or name_match is None:
            problems.append(ImportProblem(number, _("Baris ini bukan properti iCalendar.")))
            continue
        name = name_match.group(0).upper()
        value = content.split(":", 1)[1].strip().upper()
        if name == "BEGIN":
            stack.append((value, number))
            if value == "VEVENT" and len(stack) == 2:
                blocks.append(_Block(number))
        elif name == "END":
            if not stack or stack[-1][0] != value:
                expected = stack[-1][0] if stack else "-"
                problems.append(
                    ImportProblem(
                        number,
                        _(
                            "END:%(found)s tidak cocok; yang terbuka BEGIN:%(open)s.",
                            found=value,
                            open=expected,
                        ),
                    )
                )
                break
            stack.pop()
            closed = not stack
        else:
            if name == "PRODID" and len(stack) == 1 and OWN_PRODID.upper() in value:
                problems.append(
                    ImportProblem(
                        number,
                        _(
                            "Berkas ini ekspor Rakor Tracker sendiri; mengimpornya akan "
                            "menimpa rapat yang sudah ada."
                        ),
                    )
                )
            if len(stack) == 2 and stack[-1][0] == "VEVENT" and blocks:
                blocks[-1].props.setdefault(name, number)
    if stack and not problems:
        kind, number = stack[-1]
        problems.append(ImportProblem(number, _("BEGIN:%(kind)s tidak pernah ditutup.", kind=kind)))
    if problems:
        raise ImportRejected(problems)
    return blocks


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
    value = event.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _fields(event: Event, region: Region) -> dict[str, Any]:
    """The meeting fields an event carries (region, kind and election come from the form)."""
    for name in ("RRULE", "RDATE", "RECURRENCE-ID"):
        if event.get(name) is not None:
            raise _Refused(name, _("Acara berulang tidak didukung; ekspor tiap rapat tersendiri."))
    title = _text(event, "SUMMARY")
    if title is None:
        raise _Refused("SUMMARY", _("SUMMARY (judul) wajib ada."))
    if title.startswith(CANCELLED_PREFIX.strip()):
        title = title[len(CANCELLED_PREFIX.strip()) :].strip()
    values: dict[str, Any] = {"title": " ".join(title.split())}
    values.update(_times(event, region))
    description = _text(event, "DESCRIPTION")
    if description is not None:
        values["summary"] = description
    location = _text(event, "LOCATION")
    if location is not None:
        if len(location) > 200:
            raise _Refused("LOCATION", _("LOCATION paling panjang 200 karakter."))
        geo = event.get("GEO")
        city = region if region.kind != "province" else None
        venue = ops.find_or_create_venue(
            location,
            city,
            latitude=getattr(geo, "latitude", None),
            longitude=getattr(geo, "longitude", None),
        )
        values["venue_id"] = venue.id
    if str(event.get("CLASS", "")).upper() in ("PRIVATE", "CONFIDENTIAL"):
        # Never publish what the source marked private.
        values["visibility"] = "internal"
    return values


def _apply(
    uid: str,
    values: dict[str, Any],
    cancelled: bool,
    defaults: dict[str, Any],
    user: User | None,
    result: ImportResult,
) -> None:
    meeting = db.session.execute(db.select(Meeting).where(Meeting.uid == uid)).scalar_one_or_none()
    if meeting is None:
        meeting = ops.create_meeting({**defaults, **values}, user)
        # The agenda's UID is the meeting's from now on: the next import finds it.
        meeting.uid = uid
        db.session.flush()
        result.created += 1
    elif ops.update_meeting(meeting, values, user):
        result.updated += 1
    else:
        result.unchanged += 1
    if cancelled and meeting.status != "cancelled":
        ops.cancel_meeting(meeting, _("Dibatalkan menurut kalender yang diimpor."), user)
        result.cancelled += 1
    result.meetings.append(meeting)


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
    text = _decode(data)
    blocks = _structure(text)
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise ImportRejected([ImportProblem(1, str(error))]) from error
    events = calendar.events
    if len(events) != len(blocks):
        raise ImportRejected([ImportProblem(1, _("Susunan VEVENT tidak terbaca."))])
    if not events:
        raise ImportRejected([ImportProblem(1, _("Berkas tidak berisi satu pun VEVENT."))])
    if len(events) > MAX_EVENTS:
        raise ImportRejected(
            [ImportProblem(1, _("Paling banyak %(n)s acara per berkas.", n=MAX_EVENTS))]
        )
    defaults = {
        "region_id": region.id,
        "kind": kind,
        "visibility": visibility,
        "election_id": election.id if election else None,
    }
    problems: list[ImportProblem] = []
    seen: dict[str, int] = {}
    result = ImportResult()
    for event, block in zip(events, blocks, strict=True):
        bad = [
            ImportProblem(block.line(n), _("Nilai %(name)s tidak sah: %(why)s", name=n, why=w))
            for n, w in event.errors
        ]
        uid = _text(event, "UID")
        if uid is None:
            bad.append(ImportProblem(block.begin, _("VEVENT tanpa UID.")))
        elif len(uid) > 80:
            bad.append(ImportProblem(block.line("UID"), _("UID paling panjang 80 karakter.")))
        elif uid in seen:
            bad.append(
                ImportProblem(
                    block.line("UID"),
                    _("UID ganda; sudah dipakai di baris %(line)s.", line=seen[uid]),
                )
            )
        if bad or uid is None:
            problems.extend(bad)
            continue
        seen[uid] = block.line("UID")
        try:
            values = _fields(event, region)
            if not problems:
                cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
                _apply(uid, values, cancelled, defaults, user, result)
        except _Refused as refused:
            problems.append(ImportProblem(block.line(refused.prop), refused.reason))
        except ValidationError as error:
            for name, reason in error.errors.items():
                prop = FIELD_PROPERTY.get(name, "")
                problems.append(ImportProblem(block.line(prop), f"{prop or name}: {reason}"))
    if problems:
        raise ImportRejected(problems)
    return result
