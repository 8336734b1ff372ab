"""Dates and times for people: Babel in the current language, zone always shown."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as babel_format_date
from flask import Flask

from tracker.i18n import current_language, gettext

# Indonesian zone abbreviations by UTC offset; the same words are used in English.
ZONE_ABBREVIATIONS = {7: "WIB", 8: "WITA", 9: "WIT"}


def zone_abbreviation(moment: datetime) -> str:
    """WIB, WITA or WIT for an aware datetime (UTC offset otherwise)."""
    offset = moment.utcoffset() or timedelta(0)
    hours = int(offset.total_seconds() // 3600)
    return ZONE_ABBREVIATIONS.get(hours, f"UTC{hours:+d}")


def zone_label(tz_name: str) -> str:
    """The abbreviation for an IANA zone name, e.g. Asia/Makassar -> WITA."""
    return zone_abbreviation(datetime(2024, 1, 1, tzinfo=ZoneInfo(tz_name)))


@lru_cache(maxsize=16)
def _babel_locale(code: str) -> Locale:
    # Parsing the locale is most of what one formatted date costs; list pages format
    # dozens per request.
    return Locale.parse(code)


@lru_cache(maxsize=4096)
def _format_date(value: date, pattern: str, code: str) -> str:
    return babel_format_date(value, pattern, locale=_babel_locale(code))


def _date_text(value: date, pattern: str, locale: str | None) -> str:
    code = locale or current_language()
    # Only plain dates are memoised: equal datetimes in different zones hash alike.
    if type(value) is date:
        return _format_date(value, pattern, code)
    return babel_format_date(value, pattern, locale=_babel_locale(code))


def format_day(value: date, locale: str | None = None) -> str:
    """'Selasa, 6 Februari 2024' / 'Tuesday, 6 February 2024'."""
    return _date_text(value, "EEEE, d MMMM y", locale)


def format_short_day(value: date, locale: str | None = None) -> str:
    """'6 Feb 2024'."""
    return _date_text(value, "d MMM y", locale)


def format_month(value: date, locale: str | None = None) -> str:
    """'Februari 2024' (a calendar's heading)."""
    return _date_text(value, "LLLL y", locale)


def format_weekday(value: date, width: str = "EEEE", locale: str | None = None) -> str:
    """'Senin' ('EEE': 'Sen')."""
    return _date_text(value, width, locale)


def format_clock(moment: datetime, locale: str | None = None) -> str:
    """'09.00 WITA' in Indonesian, '09:00 WITA' in English."""
    loc = locale or current_language()
    # Babel's HH.mm / HH:mm: two digits each, the same digits in both languages.
    separator = "." if loc == "id" else ":"
    return f"{moment.hour:02d}{separator}{moment.minute:02d} {zone_abbreviation(moment)}"


def format_local(
    moment: datetime, tz_name: str, locale: str | None = None, *, time_known: bool = True
) -> str:
    """'Selasa, 6 Februari 2024 pukul 09.00 WITA' for an aware datetime.

    With ``time_known=False`` (nobody stated the hour) only the day in that zone:
    'Selasa, 6 Februari 2024'.
    """
    local = moment.astimezone(ZoneInfo(tz_name))
    loc = locale or current_language()
    if not time_known:
        return format_day(local.date(), loc)
    word = "pukul" if loc == "id" else "at"
    return f"{format_day(local.date(), loc)} {word} {format_clock(local, loc)}"


def format_stated(
    moment: date | datetime | None, tz_name: str | None = None, time_known: bool = True
) -> str:
    """A moment as far as somebody stated it: the day alone, or the day and hour with its zone.

    A plain date, an unknown hour or an unknown zone give the day only (never an
    hour converted from an invented midnight); the filter ``local_date_or_time``.
    """
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return format_day(moment)
    if not tz_name:
        return format_day(moment.date())
    return format_local(moment, tz_name, time_known=time_known)


def stated_iso(
    moment: date | datetime | None, tz_name: str | None = None, time_known: bool = True
) -> str:
    """The same moment for <time datetime>: an ISO day (in the zone), or the instant."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return moment.isoformat()
    if not tz_name:
        return moment.date().isoformat()
    if time_known:
        return moment.isoformat()
    return moment.astimezone(ZoneInfo(tz_name)).date().isoformat()


def publication_zone(release: Any, zone: str | None = None) -> str | None:
    """The zone a release's stated hour belongs to, or None when nothing says.

    Its own zone (as given on the page or by staff), else ``zone`` (the meeting page's),
    else the zone of the region of the first meeting it reports.
    """
    if release.published_zone:
        return str(release.published_zone)
    if zone:
        return zone
    for coverage in release.coverages:
        meeting = coverage.meeting
        return str(meeting.region.timezone if meeting.region is not None else meeting.timezone)
    return None


def _publication(release: Any, zone: str | None) -> tuple[date | datetime | None, str | None]:
    if release.published_at is not None:
        tz = publication_zone(release, zone)
        if tz is not None:
            return release.published_at, tz
    if release.published_date is not None:
        return release.published_date, None
    return release.published_at, None


def format_published(release: Any, zone: str | None = None) -> str:
    """A release's publication: the day alone, or with its stated hour in its zone."""
    return format_stated(*_publication(release, zone))


def published_iso(release: Any, zone: str | None = None) -> str:
    """The publication for <time datetime>: the day, or the stated instant in its zone."""
    return stated_iso(*_publication(release, zone))


def format_meeting_iso(meeting: Any) -> str:
    """A meeting's start for <time datetime>: its local day when nobody stated the hour."""
    return stated_iso(meeting.starts_at, meeting.timezone, not meeting.time_unknown)


def format_meeting_when(meeting: Any, locale: str | None = None) -> str:
    """The meeting's date and time in its own zone, or the date alone."""
    loc = locale or current_language()
    start = meeting.local_start
    if meeting.time_unknown:
        return (
            f"{format_local(meeting.starts_at, meeting.timezone, loc, time_known=False)} "
            f"({zone_abbreviation(start)}, " + gettext("jam tidak disebutkan") + ")"
        )
    text = format_local(meeting.starts_at, meeting.timezone, loc)
    end = meeting.local_end
    if end is not None:
        if end.date() == start.date():
            text += f"–{format_clock(end, loc)}"
        else:
            text += " – " + format_local(meeting.ends_at, meeting.timezone, loc)
    return text


def format_iso_day(value: str) -> str:
    """An ISO date string as a long day, e.g. for the extractor's suggestions."""
    return format_day(date.fromisoformat(value))


def register(app: Flask) -> None:
    """Register the filters templates use."""
    app.add_template_filter(format_iso_day, "iso_day")
    app.add_template_filter(format_day, "day")
    app.add_template_filter(format_short_day, "short_day")
    app.add_template_filter(format_meeting_when, "meeting_when")
    app.add_template_filter(zone_label, "zone_label")
    app.add_template_filter(format_local, "local_time")
    app.add_template_filter(format_stated, "local_date_or_time")
    app.add_template_filter(stated_iso, "local_date_or_time_iso")
    app.add_template_filter(format_meeting_iso, "meeting_iso")
