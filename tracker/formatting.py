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


def format_clock(moment: datetime, locale: str | None = None) -> str:
    """'09.00 WITA' in Indonesian, '09:00 WITA' in English."""
    loc = locale or current_language()
    # Babel's HH.mm / HH:mm: two digits each, the same digits in both languages.
    separator = "." if loc == "id" else ":"
    return f"{moment.hour:02d}{separator}{moment.minute:02d} {zone_abbreviation(moment)}"


def format_local(moment: datetime, tz_name: str, locale: str | None = None) -> str:
    """'Selasa, 6 Februari 2024 pukul 09.00 WITA' for an aware datetime."""
    local = moment.astimezone(ZoneInfo(tz_name))
    loc = locale or current_language()
    word = "pukul" if loc == "id" else "at"
    return f"{format_day(local.date(), loc)} {word} {format_clock(local, loc)}"


def format_meeting_when(meeting: Any, locale: str | None = None) -> str:
    """The meeting's date and time in its own zone, or the date alone."""
    loc = locale or current_language()
    start = meeting.local_start
    if meeting.time_unknown:
        return (
            f"{format_day(start.date(), loc)} ({zone_abbreviation(start)}, "
            + gettext("jam tidak disebutkan")
            + ")"
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
