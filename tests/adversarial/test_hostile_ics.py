"""Hostile .ics files: refused at their line within 2 s of CPU, nothing written.

Before the linear pre-scan (tracker/calendar/prescan.py) a 4.9 MB folded DESCRIPTION
took over 30 s to unfold, a 2.6 MB VTIMEZONE with thousands of observances kept
icalendar busy for seconds, 32,000 VEVENTs were parsed before the 5,000 limit refused
them and a 4.7 MB DESCRIPTION was stored. Invisible characters (controls, C1, bidi
overrides) in imported text reached the pages, the API, CSV and feeds.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from staff_helpers import login, make_user
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tracker.calendar.importer import ImportRejected, import_calendar
from tracker.calendar.prescan import MAX_ZONE_CHARS
from tracker.extensions import db
from tracker.meetings.operations import create_meeting
from tracker.models import Meeting, Venue
from tracker.validation import ValidationError

CPU_SECONDS = 2.0
HEAD = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Dinas Uji//Agenda//ID"]
START = "DTSTART;TZID=Asia/Makassar:20240710T090000"


def calendar(*lines: str) -> bytes:
    """A calendar of the given lines after the three header lines (CRLF)."""
    return ("\r\n".join([*HEAD, *lines, "END:VCALENDAR"]) + "\r\n").encode()


def event(uid: str = "agenda-1@dinas.example", *extra: str, summary: str = "Rakor") -> list[str]:
    """A VEVENT: BEGIN, UID, DTSTART and SUMMARY on its lines 1-4, then ``extra``."""
    return ["BEGIN:VEVENT", f"UID:{uid}", START, f"SUMMARY:{summary}", *extra, "END:VEVENT"]


@cache
def folded_description() -> bytes:
    """4.9 MB: one DESCRIPTION (line 8) folded over 63,600 continuation lines."""
    folds = "\r\n ".join(["x" * 74] * 63_600)
    return calendar(*event("a", f"DESCRIPTION:{folds}"))


@cache
def zone_observances() -> bytes:
    """2.6 MB: one VTIMEZONE (line 4) with 23,000 observances, each with an RDATE."""
    observance = [
        "BEGIN:STANDARD",
        "DTSTART:16010101T000000",
        "TZOFFSETFROM:+0800",
        "TZOFFSETTO:+0800",
        "RDATE:17000101T000000",
        "END:STANDARD",
    ]
    zone = ["BEGIN:VTIMEZONE", "TZID:Bom", *observance * 23_000, "END:VTIMEZONE"]
    return calendar(*zone, *event("a"))


@cache
def zone_rdates() -> bytes:
    """2.6 MB: one observance with 120,000 RDATE lines."""
    head = ["BEGIN:STANDARD", "DTSTART:16010101T000000", "TZOFFSETFROM:+0800", "TZOFFSETTO:+0800"]
    rdates = ["RDATE:17000101T000000"] * 120_000
    zone = ["BEGIN:VTIMEZONE", "TZID:Bom", *head, *rdates, "END:STANDARD", "END:VTIMEZONE"]
    return calendar(*zone, *event("a"))


def zone_rdates_line() -> int:
    """The line at which the VTIMEZONE's text passes MAX_ZONE_CHARS."""
    lines = zone_rdates().decode().split("\r\n")
    total = 0
    for number, line in enumerate(lines[4:], start=5):  # after BEGIN:VTIMEZONE
        total += len(line)
        if total > MAX_ZONE_CHARS:
            return number
    raise AssertionError("the zone never passes the limit")


@cache
def many_events() -> bytes:
    """32,000 VEVENTs of five lines each; the 5,001st begins at line 4 + 5000 * 5."""
    lines: list[str] = []
    for n in range(32_000):
        lines += event(f"agenda-{n}@dinas.example")
    return calendar(*lines)


@cache
def long_summary() -> bytes:
    """4.7 MB in one SUMMARY line (line 7)."""
    return calendar(*event("a", summary="Rakor " * 783_000))


@cache
def nested_html() -> bytes:
    """One DESCRIPTION (line 8) of 1,001 nested tags: the sanitiser's cost is quadratic."""
    return calendar(*event("a", "DESCRIPTION:" + "<ul><li>" * 500 + "<b>"))


@cache
def html_everywhere() -> bytes:
    """Events of 1,000 tags each: the 21st DESCRIPTION passes the file's 20,000."""
    lines = []
    for number in range(21):
        lines += event(f"e{number}", "DESCRIPTION:" + "<div>" * 1000)
    return calendar(*lines)


def over(name: str, size: int) -> Callable[[], bytes]:
    """A file whose ``name`` field (line 8) is one character over the staff form's limit."""
    return lambda: calendar(*event("a", f"{name}:" + "x" * (size + 1)))


# name: (file, line, words of the reason)
HOSTILE: dict[str, tuple[Callable[[], bytes], Callable[[], int] | int, tuple[str, ...]]] = {
    "folded-description": (folded_description, 8, ("lebih dari", "201000")),
    "zone-observances": (zone_observances, 4 + 2 + 100 * 6, ("100", "STANDARD/DAYLIGHT")),
    "zone-rdates": (zone_rdates, zone_rdates_line, ("VTIMEZONE", str(MAX_ZONE_CHARS))),
    "32000-events": (many_events, 4 + 5000 * 5, ("5000", "acara")),
    "long-summary": (long_summary, 7, ("lebih dari",)),
    "summary-301": (lambda: calendar(*event("a", summary="x" * 301)), 7, ("SUMMARY", "300")),
    "description-100001": (over("DESCRIPTION", 100_000), 8, ("DESCRIPTION", "100000")),
    "location-201": (over("LOCATION", 200), 8, ("LOCATION", "200")),
    "uid-1001": (lambda: calendar(*event("u" * 1001)), 5, ("UID", "1000")),
    "nested-html-description": (nested_html, 8, ("DESCRIPTION", "1000")),
    "html-in-many-descriptions": (html_everywhere, 4 + 20 * 6 + 4, ("DESCRIPTION", "20000")),
}


def _written() -> tuple[int, int]:
    return (
        db.session.execute(db.select(db.func.count()).select_from(Meeting)).scalar_one(),
        db.session.execute(db.select(db.func.count()).select_from(Venue)).scalar_one(),
    )


def _expected(name: str) -> tuple[bytes, int, tuple[str, ...]]:
    build, line, words = HOSTILE[name]
    return build(), line() if callable(line) else line, words


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file_is_refused_at_its_line_within_two_seconds(
    app: Any, region: Any, name: str
) -> None:
    data, line, words = _expected(name)
    before = _written()
    started = time.process_time()
    with pytest.raises(ImportRejected) as caught:
        import_calendar(data, region("64"))
    spent = time.process_time() - started
    db.session.rollback()
    assert spent < CPU_SECONDS, f"{name}: {spent:.2f} s of CPU"
    first = caught.value.problems[0]
    assert first.line == line, caught.value.problems[:3]
    assert all(word in first.reason for word in words), first.reason
    assert _written() == before


def _log_in(client: Any) -> None:
    make_user("impor.adv@example.id")
    assert login(client, "impor.adv@example.id").status_code == 302


def _upload(client: Any, data: bytes) -> Any:
    form = {
        "file": FileStorage(io.BytesIO(data), "agenda.ics"),
        "region": "64",
        "kind": "rakor",
        "visibility": "public",
    }
    # Encoded in memory: the client's own encoding spools big bodies to a file it never closes.
    boundary, body = encode_multipart(MultiDict(form))
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post("/calendar/import", data=body, content_type=content_type)


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_upload_is_refused_at_its_line_within_two_seconds(client: Any, name: str) -> None:
    data, line, words = _expected(name)
    _log_in(client)
    before = _written()
    started = time.process_time()
    response = _upload(client, data)
    spent = time.process_time() - started
    assert spent < CPU_SECONDS, f"{name}: {spent:.2f} s of CPU"
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f"Baris {line}:" in html and all(word in html for word in words)
    assert _written() == before


INVISIBLE = "\x1b\x07\x7f\x85\x9b\u200b\u200e\u202e\u2066\u2028\ufeff\x0b\x0c"
DIRTY = """
BEGIN:VEVENT
UID:bersih-1@dinas.example\x1b
DTSTART;TZID=Asia/Makassar:20240710T090000
SUMMARY:Rakor\x1b[31m Pengawasan\x07 \u202egnp.exe\u2066 Pilkada\x85\x9b\u200b\x7f
DESCRIPTION:Baris satu\\nBaris\x0b dua\tkolom\u2028\ufeff\u200e selesai\x0c
LOCATION:Hotel\x9b Novotel\u202e Balikpapan\x1b
END:VEVENT
"""


def test_invisible_characters_are_cleaned_before_any_output(app: Any, client: Any) -> None:
    _log_in(client)
    # split("\n"), not splitlines(): VT, FF, NEL and U+2028 must stay inside their lines.
    response = _upload(client, calendar(*DIRTY.strip().split("\n")))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    meeting = db.session.execute(db.select(Meeting)).scalar_one()
    assert meeting.uid == "bersih-1@dinas.example"
    assert meeting.title == "Rakor[31m Pengawasan gnp.exe Pilkada"
    assert meeting.summary == "Baris satu\nBaris dua\tkolom selesai"
    assert meeting.venue.name == "Hotel Novotel Balikpapan"
    outputs = {
        "page": f"/meetings/{meeting.id}",
        "json": f"/api/v1/meetings/{meeting.id}",
        "csv": "/api/v1/meetings.csv",
        "list": "/meetings/",
        "ics": f"/calendar/meetings/{meeting.id}.ics",
        "feed": "/calendar/all.ics?archive=1",
    }
    for where, url in outputs.items():
        body = client.get(url).get_data(as_text=True)
        assert "Pengawasan" in body, where
        found = [hex(ord(c)) for c in INVISIBLE if c in body]
        assert not found and "\\u001b" not in body and "\\u202e" not in body, (where, found)


def test_a_reason_quoting_the_file_shows_no_invisible_characters(app: Any, region: Any) -> None:
    dirty = calendar(*event("a", "DTEND:2024\x1b[2J\u202e\x85"))
    with pytest.raises(ImportRejected) as caught:
        import_calendar(dirty, region("64"))
    db.session.rollback()
    ((line, reason),) = [(p.line, p.reason) for p in caught.value.problems]
    assert line == 8 and "DTEND" in reason and "2024[2J" in reason
    assert not [c for c in reason if not c.isprintable()]


def test_the_staff_form_and_the_operations_cap_the_summary_as_the_import_does(
    app: Any, client: Any, region: Any
) -> None:
    # The 4.7 MB DESCRIPTION above was also a 4.7 MB summary typed into the form.
    too_long = "Rakor digelar. " * 6_667  # 100,005 characters
    _log_in(client)
    response = client.post(
        "/staff/meetings/new",
        data={
            "title": "Rakor Forkopimda",
            "kind": "rakor",
            "region": str(region("64").id),
            "start_date": "2024-07-10",
            "time_unknown": "y",
            "venue": "None",
            "new_venue_city": "None",
            "election": "None",
            "visibility": "public",
            "summary": too_long,
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="summary-error"' in html and "Paling panjang 100000 karakter." in html
    assert _written() == (0, 0)
    start = datetime(2024, 7, 10, 9, 0, tzinfo=ZoneInfo("Asia/Makassar"))
    with pytest.raises(ValidationError) as caught:
        create_meeting(
            {
                "title": "Rakor",
                "summary": too_long,
                "starts_at": start,
                "region_id": region("64").id,
            }
        )
    db.session.rollback()
    assert "100000" in caught.value.errors["summary"]
    assert _written() == (0, 0)
