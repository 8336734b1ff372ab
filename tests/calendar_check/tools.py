"""Run the independent calendar checkers, and the RFC 5545 invariants every feed keeps.

The tools are optional on a laptop but required in CI: a test that needs one skips when
it is missing, unless TRACKER_TEST_REQUIRE_CALENDAR_TOOLS=1 (set by .ci/run) turns the
skip into a failure.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

HERE = Path(__file__).resolve().parent
REQUIRED = os.environ.get("TRACKER_TEST_REQUIRE_CALENDAR_TOOLS") == "1"
CANONICAL_ZONES = {"Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"}


def missing(reason: str) -> None:
    """Skip the test, or fail it where the tools are required (CI)."""
    if REQUIRED:
        pytest.fail(f"{reason} (TRACKER_TEST_REQUIRE_CALENDAR_TOOLS=1)")
    pytest.skip(reason)


@cache
def _libical() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("ical") or "libical.so.3"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.icalparser_parse_string.argtypes = [ctypes.c_char_p]
    lib.icalparser_parse_string.restype = ctypes.c_void_p
    lib.icalrestriction_check.argtypes = [ctypes.c_void_p]
    lib.icalrestriction_check.restype = ctypes.c_int
    lib.icalcomponent_as_ical_string.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_as_ical_string.restype = ctypes.c_char_p
    lib.icalcomponent_free.argtypes = [ctypes.c_void_p]
    lib.icalerror_set_errors_are_fatal.argtypes = [ctypes.c_int]
    lib.icalerror_set_errors_are_fatal(0)
    for name in ("icalcomponent_get_first_property", "icalcomponent_get_next_property"):
        getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_int]
        getattr(lib, name).restype = ctypes.c_void_p
    lib.icalproperty_get_property_name.argtypes = [ctypes.c_void_p]
    lib.icalproperty_get_property_name.restype = ctypes.c_char_p
    lib.icalproperty_get_value.argtypes = [ctypes.c_void_p]
    lib.icalproperty_get_value.restype = ctypes.c_void_p
    lib.icalvalue_isa.argtypes = [ctypes.c_void_p]
    lib.icalvalue_isa.restype = ctypes.c_int
    lib.icalvalue_kind_to_string.argtypes = [ctypes.c_int]
    lib.icalvalue_kind_to_string.restype = ctypes.c_char_p
    for name in ("icalvalue_get_text", "icalvalue_get_x"):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
        getattr(lib, name).restype = ctypes.c_char_p
    return lib


ANY_PROPERTY = 0  # ICAL_ANY_PROPERTY


class IcalTime(ctypes.Structure):
    """libical 3's ``struct icaltimetype``, returned by value."""

    _fields_ = [
        *((name, ctypes.c_int) for name in ("year", "month", "day", "hour", "minute", "second")),
        ("is_date", ctypes.c_int),
        ("is_daylight", ctypes.c_int),
        ("zone", ctypes.c_void_p),
    ]


def _event_functions(lib: ctypes.CDLL) -> None:
    lib.icalcomponent_string_to_kind.argtypes = [ctypes.c_char_p]
    lib.icalcomponent_string_to_kind.restype = ctypes.c_int
    for name in ("icalcomponent_get_first_component", "icalcomponent_get_next_component"):
        getattr(lib, name).argtypes = [ctypes.c_void_p, ctypes.c_int]
        getattr(lib, name).restype = ctypes.c_void_p
    for name in ("icalcomponent_get_dtstart", "icalcomponent_get_dtend"):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
        getattr(lib, name).restype = IcalTime
    lib.icalcomponent_get_uid.argtypes = [ctypes.c_void_p]
    lib.icalcomponent_get_uid.restype = ctypes.c_char_p
    lib.icaltime_as_timet_with_zone.argtypes = [IcalTime, ctypes.c_void_p]
    lib.icaltime_as_timet_with_zone.restype = ctypes.c_int64


def _instant(lib: ctypes.CDLL, value: IcalTime) -> dict[str, Any]:
    """Like check.mjs prints: a date, or the UTC instant and whether a zone was found."""
    if value.is_date:
        return {"date": date(value.year, value.month, value.day).isoformat()}
    seconds = lib.icaltime_as_timet_with_zone(value, value.zone)
    moment = datetime.fromtimestamp(seconds, UTC)
    return {"utc": moment.isoformat().replace("+00:00", "Z"), "zoned": bool(value.zone)}


def libical_events(data: bytes) -> dict[str, dict[str, Any]]:
    """Each VEVENT's start and end as libical computes them (its VTIMEZONE lookup), by UID."""
    lib = _libical()
    if lib is None:
        missing("libical is not installed (Debian package libical3)")
    _event_functions(lib)
    comp = lib.icalparser_parse_string(data)
    assert comp, "libical could not parse the calendar"
    kind = lib.icalcomponent_string_to_kind(b"VEVENT")
    found: dict[str, dict[str, Any]] = {}
    try:
        event = lib.icalcomponent_get_first_component(comp, kind)
        while event:
            uid = lib.icalcomponent_get_uid(event).decode("utf-8")
            start = _instant(lib, lib.icalcomponent_get_dtstart(event))
            found[uid] = {"start": start, "end": _instant(lib, lib.icalcomponent_get_dtend(event))}
            event = lib.icalcomponent_get_next_component(comp, kind)
    finally:
        lib.icalcomponent_free(comp)
    return found


def libical_texts(data: bytes) -> dict[str, str]:
    """The calendar's own TEXT and X- properties as libical decodes them (unescaped)."""
    lib = _libical()
    if lib is None:
        missing("libical is not installed (Debian package libical3)")
    comp = lib.icalparser_parse_string(data)
    assert comp, "libical could not parse the calendar"
    found: dict[str, str] = {}
    try:
        prop = lib.icalcomponent_get_first_property(comp, ANY_PROPERTY)
        while prop:
            value = lib.icalproperty_get_value(prop)
            kind = lib.icalvalue_kind_to_string(lib.icalvalue_isa(value))
            getter = {b"TEXT": lib.icalvalue_get_text, b"X": lib.icalvalue_get_x}.get(kind)
            if getter is not None:
                name = lib.icalproperty_get_property_name(prop).decode("ascii")
                found.setdefault(name, getter(value).decode("utf-8"))
            prop = lib.icalcomponent_get_next_property(comp, ANY_PROPERTY)
    finally:
        lib.icalcomponent_free(comp)
    return found


def libical_errors(data: bytes) -> list[str]:
    """Parse with libical, run its RFC 5546 restriction check, return the X-LIC-ERRORs."""
    lib = _libical()
    if lib is None:
        missing("libical is not installed (Debian package libical3)")
    comp = lib.icalparser_parse_string(data)
    if not comp:
        return ["libical could not parse the calendar"]
    try:
        lib.icalrestriction_check(comp)
        text = lib.icalcomponent_as_ical_string(comp).decode("utf-8")
    finally:
        lib.icalcomponent_free(comp)
    unfolded = text.replace("\r\n ", "").replace("\n ", "")
    return sorted({line for line in unfolded.splitlines() if line.startswith("X-LIC-ERROR")})


def icaljs(data: bytes) -> dict[str, Any]:
    """What ical.js (Thunderbird) reads from a calendar, with the clock in Berlin."""
    node = shutil.which("node")
    if node is None:
        missing("node is not installed")
    if not (HERE / "node_modules" / "ical.js").is_dir():
        missing("ical.js is not installed: run `npm ci` in tests/calendar_check")
    done = subprocess.run(
        [node, str(HERE / "check.mjs")],
        input=data,
        capture_output=True,
        env={**os.environ, "TZ": "Europe/Berlin"},
        check=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def check_invariants(data: bytes) -> Calendar:
    """Assert what every published calendar must satisfy (CALENDAR.md part d); return it."""
    assert not data.startswith(b"\xef\xbb\xbf"), "no BOM"
    text = data.decode("utf-8")
    assert text.endswith("\r\n")
    lines = text.split("\r\n")[:-1]
    for line in lines:
        assert "\r" not in line and "\n" not in line, "CRLF line ends only"
        assert len(line.encode("utf-8")) <= 75, f"line over 75 octets: {line!r}"
    cal = Calendar.from_ical(data)
    cal.validate()
    assert cal.get("METHOD") == "PUBLISH"
    assert str(cal.get("VERSION")) == "2.0" and cal.get("PRODID")
    for component in cal.walk():
        assert not component.errors, component.errors
    assert cal.get_missing_tzids() == set(), "every TZID has a VTIMEZONE"
    assert {str(tz["TZID"]) for tz in cal.timezones} <= CANONICAL_ZONES
    assert "TZID=UTC" not in text
    for event in cal.events:
        for name in ("UID", "DTSTAMP", "DTSTART", "SUMMARY", "ORGANIZER"):
            values = event.get(name)
            assert values is not None, f"{name} missing"
            assert not isinstance(values, list), f"{name} more than once"
        assert event.get("ATTENDEE") is None
        assert event.get("VALARM") is None and not event.subcomponents
        assert event.get("DURATION") is None and event.get("DTEND") is not None
        assert str(event["ORGANIZER"]).startswith("mailto:")
        assert event["DTSTAMP"].dt.utcoffset().total_seconds() == 0
        start, end = event["DTSTART"].dt, event["DTEND"].dt
        if isinstance(start, datetime):
            assert start.tzinfo is not None and end.tzinfo is not None, "no floating times"
            assert start.tzinfo.key in CANONICAL_ZONES
            assert end > start
        else:
            assert isinstance(start, date) and not isinstance(end, datetime)
            assert end > start
        assert isinstance(event["SEQUENCE"], int) and event["SEQUENCE"] >= 0
    uids = [str(e["UID"]) for e in cal.events]
    assert len(uids) == len(set(uids)), "one event per UID"
    return cal
