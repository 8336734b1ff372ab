"""When an imported event happens: DTSTART, DTEND and DURATION put into an Indonesian zone.

Times without a zone are read on the file's X-WR-TIMEZONE, else on the region's clock;
a zone that is neither Indonesian nor the region's own offset is refused with the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Calendar, Event

from tracker.formatting import zone_abbreviation
from tracker.i18n import gettext as _
from tracker.meetings import operations as ops
from tracker.models import INDONESIAN_ZONES, Region
from tracker.validation import clean_text

# Old IANA names that still turn up in exported calendars.
ZONE_ALIASES = {"Asia/Ujung_Pandang": "Asia/Makassar"}


@dataclass(frozen=True)
class Context:
    """What the whole file says about its events: region, wall-clock zone, method."""

    region: Region
    floating_zone: str | None = None  # X-WR-TIMEZONE, when it names an Indonesian zone
    floating_problem: str | None = None  # why X-WR-TIMEZONE cannot be used, if so
    cancel: bool = False  # METHOD:CANCEL: every event in it is cancelled


class Refused(Exception):
    """A property refused, with the reason; reported at that property's line."""

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
        raise Refused(prop, reason)
    if context.floating_problem is not None:
        raise Refused(prop, context.floating_problem)
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
    raise Refused(
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
        raise Refused("DTEND", _("DTEND harus berjenis sama dengan DTSTART."))
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
        raise Refused("DTEND", _("DTEND harus berjenis sama dengan DTSTART."))
    elif isinstance(duration, timedelta) and duration.days > 1:
        last = start + timedelta(days=duration.days - 1)
    return {
        "starts_at": ops.local_datetime(start, None, zone),
        "ends_at": ops.local_datetime(last, None, zone) if last != start else None,
        "timezone": zone,
        "time_unknown": True,
    }


def event_times(event: Event, context: Context) -> dict[str, Any]:
    start = _value(event, "DTSTART")
    end = _value(event, "DTEND")
    if start is None:
        raise Refused("DTSTART", _("DTSTART wajib ada."))
    if isinstance(start, datetime):
        days = _outlook_all_day(event, start, end)
        if days is None:
            return _timed(event, start, context)
        start, end = days
    if not isinstance(start, date):
        raise Refused("DTSTART", _("DTSTART bukan tanggal yang sah."))
    return _dated(start, end, _value(event, "DURATION"), context.region)


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


def file_context(calendar: Calendar, lines: dict[str, int], region: Region) -> Context:
    """What the calendar's own properties say about all its events."""
    zone, problem = _floating_zone(calendar.get("X-WR-TIMEZONE"), lines.get("X-WR-TIMEZONE", 1))
    method = str(calendar.get("METHOD", "")).strip().upper()
    return Context(region, zone, problem, cancel=method == "CANCEL")
