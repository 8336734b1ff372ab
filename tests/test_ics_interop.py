"""Calendars other programs write: imported to the right meetings, exported to the same instants.

The files in tests/fixtures/ics (see its README) have the shapes Outlook, Google Calendar,
Apple Calendar, Thunderbird, ics-py and vobject write. Each is imported into the region
its agenda belongs to; the meetings are then exported by our writer, and icalendar,
libical and ical.js (Thunderbird's parser, run in Berlin time) must all read the
instants the source meant.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from calendar_check.tools import check_invariants, icaljs, libical_errors, libical_events

from tracker.calendar.ical import CalendarSettings, FeedInfo, build_calendar
from tracker.calendar.importer import import_calendar
from tracker.extensions import db
from tracker.models import Meeting

FIXTURES = Path(__file__).parent / "fixtures" / "ics"
SETTINGS = CalendarSettings(
    base_url="https://rakor.example.id",
    organizer_email="sekretariat@rakor.example.id",
    organizer_name="Sekretariat Rakor",
)
FEED = FeedInfo(
    key="public|interop",
    name="Rakor Tracker: impor",
    description="Rapat yang diimpor",
    source_url="https://rakor.example.id/calendar/all.ics",
    page_url="https://rakor.example.id/calendar/",
)


def timed(start: str, end: str, zone: str, status: str = "scheduled") -> dict[str, Any]:
    """A timed meeting: UTC start and end (ISO, ``Z``), its zone and status."""
    return {"start": {"utc": start}, "end": {"utc": end}, "zone": zone, "status": status}


def all_day(first: str, after: str, zone: str) -> dict[str, Any]:
    """An all-day meeting: its first day and the day after its last (DTEND)."""
    return {"start": {"date": first}, "end": {"date": after}, "zone": zone, "status": "scheduled"}


# file: (region code, {title: expected meeting})
EXPECTED: dict[str, tuple[str, dict[str, dict[str, Any]]]] = {
    "outlook.ics": (
        "31",
        {
            "Rakor Pengawasan Masa Tenang": timed(
                "2024-02-06T02:00:00Z", "2024-02-06T05:00:00Z", "Asia/Jakarta"
            ),
            "Bimtek Pengawas TPS": all_day("2024-02-09", "2024-02-11", "Asia/Jakarta"),
        },
    ),
    "google.ics": (
        "91",
        {
            "Rakor Pengawasan Tahapan Pemilu": timed(
                "2024-03-05T00:00:00Z", "2024-03-05T02:00:00Z", "Asia/Jayapura"
            ),
            "Sosialisasi Pengawasan Partisipatif": all_day(
                "2024-03-07", "2024-03-08", "Asia/Jayapura"
            ),
        },
    ),
    "x-wr-timezone-floating.ics": (
        "64",
        {
            "Rakor Distribusi Logistik ke Distrik": timed(
                "2024-02-06T00:00:00Z", "2024-02-06T02:00:00Z", "Asia/Jayapura"
            ),
        },
    ),
    "apple.ics": (
        "64",
        {
            "Rakor Forkopimda se-Kaltim": timed(
                "2024-04-02T05:00:00Z", "2024-04-02T07:00:00Z", "Asia/Makassar"
            ),
            "Bimtek Saksi Pilkada": all_day("2024-04-03", "2024-04-05", "Asia/Makassar"),
        },
    ),
    "thunderbird.ics": (
        "61",
        {
            "Rakor Pengamanan Pilkada Kalbar": timed(
                "2024-05-14T02:00:00Z", "2024-05-14T04:30:00Z", "Asia/Pontianak"
            ),
            "Sosialisasi Netralitas ASN": timed(
                "2024-05-15T03:00:00Z", "2024-05-15T05:00:00Z", "Asia/Pontianak", "cancelled"
            ),
        },
    ),
    "ics-py.ics": (
        "73",
        {
            "Rakor Kesiapan Logistik Pilkada": timed(
                "2024-11-20T01:00:00Z", "2024-11-20T04:00:00Z", "Asia/Makassar"
            ),
            "Bimtek PPK": all_day("2024-11-25", "2024-11-26", "Asia/Makassar"),
        },
    ),
    "vobject.ics": (
        "91",
        {
            "Apel Siaga Pengamanan Pilkada": timed(
                "2024-11-21T22:30:00Z", "2024-11-22T00:00:00Z", "Asia/Jayapura"
            ),
        },
    ),
}


def _iso(value: datetime | date) -> dict[str, str]:
    if isinstance(value, datetime):
        return {"utc": value.astimezone(UTC).isoformat().replace("+00:00", "Z")}
    return {"date": value.isoformat()}


def _stored(meeting: Meeting) -> dict[str, Any]:
    """What the meeting says, in the shape of EXPECTED."""
    if meeting.time_unknown:
        last = meeting.local_end or meeting.local_start
        after = date.fromordinal(last.date().toordinal() + 1)
        span = {"start": _iso(meeting.local_start.date()), "end": _iso(after)}
    else:
        span = {"start": _iso(meeting.starts_at), "end": _iso(meeting.ends_at)}
    return {**span, "zone": meeting.timezone, "status": meeting.status}


def _icaljs_instant(value: dict[str, Any]) -> dict[str, str]:
    if value.get("date"):
        return {"date": value["date"]}
    return {"utc": value["utc"].replace(".000Z", "Z")}


def _libical_instant(value: dict[str, Any]) -> dict[str, str]:
    assert value.get("zoned", True), "libical found no VTIMEZONE for a timed event"
    return {k: v for k, v in value.items() if k != "zoned"}


def _import(name: str, region: Any) -> list[Meeting]:
    code, _expected = EXPECTED[name]
    result = import_calendar((FIXTURES / name).read_bytes(), region(code))
    db.session.commit()
    return result.meetings


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fixture_imports_to_the_expected_meetings(app, region, name):
    meetings = _import(name, region)
    _code, expected = EXPECTED[name]
    assert {m.title: _stored(m) for m in meetings} == expected


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_exported_again_every_parser_reads_the_same_instants(app, region, name):
    meetings = _import(name, region)
    _code, expected = EXPECTED[name]
    ids = [m.id for m in meetings]
    db.session.expunge_all()
    loaded = db.session.execute(db.select(Meeting).where(Meeting.id.in_(ids))).scalars().all()
    titles = {m.uid: m.title for m in loaded}
    data = build_calendar(loaded, FEED, SETTINGS)
    cal = check_invariants(data)
    assert libical_errors(data) == []
    parsed = {str(e["UID"]): {"start": _iso(e.start), "end": _iso(e.end)} for e in cal.events}
    by_libical = {
        uid: {k: _libical_instant(v) for k, v in times.items()}
        for uid, times in libical_events(data).items()
    }
    by_icaljs = {
        e["uid"]: {"start": _icaljs_instant(e["start"]), "end": _icaljs_instant(e["end"])}
        for e in icaljs(data)["events"]
    }
    want = {
        uid: {"start": expected[title]["start"], "end": expected[title]["end"]}
        for uid, title in titles.items()
    }
    assert parsed == want
    assert by_libical == want
    assert by_icaljs == want


def test_outlook_cancellation_cancels_the_imported_meeting(app, region):
    (rakor, _bimtek) = _import("outlook.ics", region)
    uid = rakor.uid
    result = import_calendar((FIXTURES / "outlook-cancel.ics").read_bytes(), region("31"))
    db.session.commit()
    assert (result.created, result.cancelled) == (0, 1)
    meeting = db.session.execute(db.select(Meeting).filter_by(uid=uid)).scalar_one()
    assert meeting.title == "Rakor Pengawasan Masa Tenang"
    assert _stored(meeting) == {
        **EXPECTED["outlook.ics"][1]["Rakor Pengawasan Masa Tenang"],
        "status": "cancelled",
    }


def test_google_html_description_is_stored_as_text(app, region):
    meetings = {m.title: m for m in _import("google.ics", region)}
    assert meetings["Rakor Pengawasan Tahapan Pemilu"].summary == (
        "Agenda\n"
        "Pembukaan oleh Ketua Bawaslu Papua\n"
        "Laporan pengawasan distrik\n"
        "Tanya jawab\n"
        "Ikuti daring: Google Meet (https://meet.google.com/abc-defg-hij)"
    )
    assert meetings["Sosialisasi Pengawasan Partisipatif"].summary is None
