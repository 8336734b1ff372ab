"""The pure iCalendar builders, tested without HTTP or a database."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from calendar_check.tools import check_invariants, icaljs, libical_errors, libical_texts
from icalendar import Calendar, Event
from icalendar.parser import unescape_backslash

from tracker.calendar.ical import (
    CalendarSettings,
    FeedInfo,
    build_calendar,
    calendar_head,
    event_text,
    meeting_to_event,
    timezone_text,
)
from tracker.models import Agency, Election, Meeting, Participation, Person, Region, Venue

WITA = ZoneInfo("Asia/Makassar")
SETTINGS = CalendarSettings(
    base_url="https://rakor.example.id",
    organizer_email="sekretariat@rakor.example.id",
    organizer_name="Sekretariat Rakor",
)
FEED = FeedInfo(
    key="public|region=64",
    name="Rakor Tracker: Kalimantan Timur",
    description="Rapat koordinasi di Kalimantan Timur",
    source_url="https://rakor.example.id/calendar/region/64.ics",
    page_url="https://rakor.example.id/calendar/",
    home_zone="Asia/Makassar",
)
KALTIM = Region(
    id=1,
    code="64",
    name="Kalimantan Timur",
    short="Kaltim",
    kind="province",
    timezone="Asia/Makassar",
)


def meeting(**overrides: object) -> Meeting:
    """A transient meeting (never added to a session)."""
    fields: dict[str, object] = {
        "id": 7,
        "uid": "0b8e2c9a-1111-4c3e-9d5e-3f0a7c1b2d3e@rakor-tracker",
        "title": "Rakor Forkopimda se-Kaltim",
        "kind": "rakor_forkopimda",
        "starts_at": datetime(2024, 2, 6, 9, 0, tzinfo=WITA).astimezone(UTC),
        "ends_at": datetime(2024, 2, 6, 12, 0, tzinfo=WITA).astimezone(UTC),
        "timezone": "Asia/Makassar",
        "time_unknown": False,
        "status": "scheduled",
        "visibility": "public",
        "sequence": 3,
        "version": 4,
        "created_at": datetime(2024, 1, 20, 2, 0, tzinfo=UTC),
        "updated_at": datetime(2024, 2, 1, 5, 30, 15, tzinfo=UTC),
        "region": KALTIM,
        "participations": [],
    }
    fields.update(overrides)
    return Meeting(**fields)


def test_timed_event_is_zoned_and_complete():
    venue = Venue(
        name="Hotel Novotel",
        address="Jl. Brigjen Ery Suparjan",
        latitude=-1.2675,
        longitude=116.8289,
        city=Region(
            name="Balikpapan", code="64.71", kind="city", short="Bpp", timezone="Asia/Makassar"
        ),
    )
    text = event_text(meeting(venue=venue, election=Election(name="Pemilu 2024")), SETTINGS)
    assert "DTSTART;TZID=Asia/Makassar:20240206T090000\r\n" in text
    assert "DTEND;TZID=Asia/Makassar:20240206T120000\r\n" in text
    assert "DTSTAMP:20240201T053015Z\r\n" in text
    assert "LAST-MODIFIED:20240201T053015Z\r\n" in text
    assert "CREATED:20240120T020000Z\r\n" in text
    assert "SEQUENCE:3\r\n" in text
    assert "UID:0b8e2c9a-1111-4c3e-9d5e-3f0a7c1b2d3e@rakor-tracker\r\n" in text
    assert "GEO:-1.2675;116.8289\r\n" in text
    assert "STATUS:CONFIRMED\r\n" in text
    assert "URL:https://rakor.example.id/meetings/7\r\n" in text
    assert 'ORGANIZER;CN="Sekretariat Rakor":mailto:sekretariat@rakor.example.id' in text
    assert "ATTENDEE" not in text and "VALARM" not in text
    event = Event.from_ical(text)
    assert event["LOCATION"] == "Hotel Novotel, Jl. Brigjen Ery Suparjan, Balikpapan"
    assert list(event.categories) == ["Rakor Forkopimda", "Kalimantan Timur", "Pemilu 2024"]
    assert event.start == datetime(2024, 2, 6, 1, 0, tzinfo=UTC)


def test_unknown_hour_is_an_all_day_event():
    start = datetime(2024, 2, 6, 0, 0, tzinfo=WITA).astimezone(UTC)
    event = meeting_to_event(meeting(time_unknown=True, starts_at=start, ends_at=None), SETTINGS)
    assert event["DTSTART"].dt == date(2024, 2, 6)
    assert event["DTEND"].dt == date(2024, 2, 7)  # exclusive: the next day
    text = event.to_ical().decode()
    assert "DTSTART;VALUE=DATE:20240206\r\n" in text
    assert "TZID" not in text


def test_multi_day_all_day_event_ends_after_its_last_day():
    start = datetime(2024, 2, 6, 0, 0, tzinfo=WITA).astimezone(UTC)
    end = datetime(2024, 2, 7, 0, 0, tzinfo=WITA).astimezone(UTC)
    event = meeting_to_event(meeting(time_unknown=True, starts_at=start, ends_at=end), SETTINGS)
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (date(2024, 2, 6), date(2024, 2, 8))


def test_missing_end_gets_the_default_duration_and_says_so():
    event = meeting_to_event(meeting(ends_at=None), SETTINGS)
    assert event["DTEND"].dt - event["DTSTART"].dt == timedelta(hours=2)
    assert "Waktu selesai tidak disebutkan" in str(event["DESCRIPTION"])


def test_cancelled_meeting_is_kept_with_status_cancelled():
    event = meeting_to_event(meeting(status="cancelled", status_reason="Bentrok"), SETTINGS)
    assert event["STATUS"] == "CANCELLED"
    assert str(event["SUMMARY"]).startswith("[DIBATALKAN] ")
    assert "DIBATALKAN. Bentrok" in str(event["DESCRIPTION"])


def test_internal_meeting_is_marked_private():
    assert meeting_to_event(meeting(visibility="internal"), SETTINGS)["CLASS"] == "PRIVATE"
    assert meeting_to_event(meeting(), SETTINGS)["CLASS"] == "PUBLIC"


def test_description_is_plain_text_with_chair_speakers_agencies_and_note():
    polda = Agency(short_name="Polda Kaltim")
    pemprov = Agency(short_name="Pemprov Kaltim")
    chair = Participation(
        agency=pemprov,
        person=Person(name="Akmal Malik"),
        position="Pj Gubernur Kaltim",
        roles=frozenset({"chair"}),
        order=0,
    )
    speaker = Participation(
        agency=polda, roles=frozenset({"speaker"}), order=1, represented_by="Wakapolda"
    )
    m = meeting(
        participations=[chair, speaker], source_note="Tanggal salah cetak.", theme="Sinergi"
    )
    description = str(meeting_to_event(m, SETTINGS)["DESCRIPTION"])
    assert description.splitlines() == [
        "Tema: Sinergi",
        "Pimpinan rapat: Pj Gubernur Kaltim (Akmal Malik)",
        "Pemateri: Polda Kaltim — diwakili Wakapolda",
        "Instansi: Pemprov Kaltim, Polda Kaltim",
        "Catatan sumber: Tanggal salah cetak.",
        "Rincian: https://rakor.example.id/meetings/7",
    ]


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        event_text(meeting(updated_at=datetime(2024, 2, 1, 5, 30)), SETTINGS)


HOSTILE = [
    'semicolon; comma, backslash\\ colon: quote"',
    "carriage\rreturn",
    "line\nfeed and\r\nboth",
    "emoji 🌊🗳️ and ñ, ü, 中文",
    "x" * 5000,
    "Ä" * 3000,  # two-octet characters across many folds
    "\\n is not a newline; \\, is not a comma",
]


@pytest.mark.parametrize("title", HOSTILE)
def test_hostile_titles_round_trip(title):
    m = meeting(title=title, summary=title, source_note=title)
    data = build_calendar([m], FEED, SETTINGS)
    cal = check_invariants(data)
    (event,) = cal.events
    expected = title.replace("\r\n", "\n").replace("\r", "\n")
    assert str(event["SUMMARY"]) == expected
    assert expected in str(event["DESCRIPTION"])


def test_calendar_properties_and_refresh_hints():
    text = calendar_head(FEED, SETTINGS, {"Asia/Makassar"})
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert text.count("X-WR-CALNAME:") == 1 and text.count("\r\nNAME:") == 1
    assert "METHOD:PUBLISH\r\n" in text
    assert "SOURCE:https://rakor.example.id/calendar/region/64.ics\r\n" in text
    assert f"UID:{FEED.uid}\r\n" in text
    # The calendar UID is fixed by the scope, never random.
    assert FEED.uid == FeedInfo(**{**FEED.__dict__}).uid
    assert FEED.uid != FeedInfo(**{**FEED.__dict__, "key": "public|region=63"}).uid


def test_vtimezones_are_sorted_clean_and_without_lmt_seconds():
    text = calendar_head(FEED, SETTINGS, {"Asia/Jayapura", "Asia/Jakarta", "Asia/Pontianak"})
    assert re.findall(r"TZID:(\S+)\r\n", text) == [
        "Asia/Jakarta",
        "Asia/Jayapura",
        "Asia/Makassar",  # the feed's home zone, always present
        "Asia/Pontianak",
    ]
    assert "COMMENT" not in timezone_text("Asia/Makassar")
    offsets = re.findall(r"TZOFFSET(?:FROM|TO):([+-]\d+)", text)
    assert offsets and all(len(o) == 5 for o in offsets)


def test_empty_feed_is_still_a_valid_calendar():
    data = build_calendar([], FEED, SETTINGS)
    cal = check_invariants(data)
    assert [str(tz["TZID"]) for tz in cal.timezones] == ["Asia/Makassar"]
    assert libical_errors(data) == []


def test_build_calendar_orders_by_start_then_uid():
    late = meeting(id=1, uid="a@x", starts_at=datetime(2024, 3, 1, tzinfo=UTC), ends_at=None)
    early_b = meeting(id=2, uid="b@x")
    early_a = meeting(id=3, uid="a2@x")
    cal = Calendar.from_ical(build_calendar([late, early_b, early_a], FEED, SETTINGS))
    assert [str(e["UID"]) for e in cal.events] == ["a2@x", "b@x", "a@x"]


def test_feed_with_every_kind_of_event_passes_libical_and_icaljs():
    start = datetime(2024, 2, 6, 0, 0, tzinfo=WITA).astimezone(UTC)
    meetings = [
        meeting(),
        meeting(id=8, uid="u8@x", time_unknown=True, starts_at=start, ends_at=None),
        meeting(id=9, uid="u9@x", status="cancelled", status_reason="Batal"),
        meeting(id=10, uid="u10@x", title=HOSTILE[0] + HOSTILE[2], ends_at=None),
    ]
    data = build_calendar(meetings, FEED, SETTINGS)
    check_invariants(data)
    assert libical_errors(data) == []
    seen = {e["uid"]: e for e in icaljs(data)["events"]}
    assert seen[meetings[0].uid]["start"] == {
        "utc": "2024-02-06T01:00:00.000Z",
        "zone": "Asia/Makassar",
    }
    assert seen["u8@x"]["start"] == {"date": "2024-02-06", "zone": None}
    assert seen["u9@x"]["status"] == "CANCELLED"


def test_libical_catches_what_we_must_not_emit():
    """A control: the checker really reports ATTENDEE and a missing ORGANIZER."""
    text = build_calendar([meeting()], FEED, SETTINGS).decode()
    broken = re.sub(
        r"ORGANIZER[^\r]*\r\n( [^\r]*\r\n)*", "ATTENDEE:mailto:someone@example.org\r\n", text
    )
    errors = libical_errors(broken.encode())
    assert any("ATTENDEE" in e for e in errors)
    assert any("ORGANIZER" in e for e in errors)


def test_icaljs_exposes_a_missing_vtimezone():
    """A control: without its VTIMEZONE ical.js reads 09:00 WITA as 09:00 in Berlin."""
    text = build_calendar([meeting()], FEED, SETTINGS).decode()
    stripped = re.sub(r"BEGIN:VTIMEZONE.*?END:VTIMEZONE\r\n", "", text, flags=re.S)
    (event,) = icaljs(stripped.encode())["events"]
    assert event["start"]["utc"] != "2024-02-06T01:00:00.000Z"


NAMED = FeedInfo(
    **{
        **FEED.__dict__,
        "name": "Rakor Tracker: Bawaslu, KPU; Polda \\ Kaltim\nbaris dua",
        "description": "Rapat, pemilu; a\\b\nbaris dua",
    }
)


def test_calendar_name_and_description_are_escaped_text():
    data = build_calendar([meeting()], NAMED, SETTINGS)
    text = data.decode()
    assert "\r\nNAME:Rakor Tracker: Bawaslu\\, KPU\\; Polda \\\\ Kaltim\\nbaris dua\r\n" in text
    check_invariants(data)
    assert libical_errors(data) == []
    # icalendar keeps these unknown values raw: its TEXT unescaping gives the value back.
    cal = Calendar.from_ical(data)
    for name, expected in [
        ("NAME", NAMED.name),
        ("X-WR-CALNAME", NAMED.name),
        ("DESCRIPTION", NAMED.description),
        ("X-WR-CALDESC", NAMED.description),
    ]:
        assert unescape_backslash(str(cal[name])) == expected, name
    # libical, an independent parser, decodes the same values.
    found = libical_texts(data)
    assert found["NAME"] == found["X-WR-CALNAME"] == NAMED.name
    assert found["DESCRIPTION"] == found["X-WR-CALDESC"] == NAMED.description


def _observances(text: str, tzid: str) -> list[str]:
    block = re.search(rf"BEGIN:VTIMEZONE\r\nTZID:{tzid}\r\n.*?END:VTIMEZONE", text, re.S)
    assert block is not None, tzid
    return re.findall(r"BEGIN:(STANDARD|DAYLIGHT)\r\n(.*?)END:\1", block.group(0), re.S)


ZONES = ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura")


def test_current_meetings_get_one_standard_observance_per_zone():
    meetings = [
        meeting(id=20 + i, uid=f"z{i}@x", timezone=zone, starts_at=datetime(2024, 2, 6, tzinfo=UTC))
        for i, zone in enumerate(ZONES)
    ]
    data = build_calendar(meetings, FEED, SETTINGS)
    text = data.decode()
    for zone in ZONES:
        (observance,) = _observances(text, zone)
        assert observance[0] == "STANDARD"
    # Pontianak's current rule (WIB since 1988), never its 1970-1988 WITA history.
    ((_kind, pontianak),) = _observances(text, "Asia/Pontianak")
    assert "TZOFFSETTO:+0700" in pontianak and "DTSTART:19880101T000000" in pontianak
    check_invariants(data)
    assert libical_errors(data) == []
    seen = {e["uid"]: e["start"] for e in icaljs(data)["events"]}
    assert seen["z1@x"] == {"utc": "2024-02-06T00:00:00.000Z", "zone": "Asia/Pontianak"}


def test_old_meetings_keep_the_observances_of_their_dates():
    pontianak = ZoneInfo("Asia/Pontianak")
    old = datetime(1985, 3, 1, 9, 0, tzinfo=pontianak).astimezone(UTC)
    new = datetime(2024, 3, 1, 9, 0, tzinfo=pontianak).astimezone(UTC)
    meetings = [
        meeting(id=30, uid="old@x", timezone="Asia/Pontianak", starts_at=old, ends_at=None),
        meeting(id=31, uid="new@x", timezone="Asia/Pontianak", starts_at=new, ends_at=None),
    ]
    data = build_calendar(meetings, FEED, SETTINGS)
    assert len(_observances(data.decode(), "Asia/Pontianak")) == 2
    only_old = build_calendar(meetings[:1], FEED, SETTINGS).decode()
    ((_kind, rule),) = _observances(only_old, "Asia/Pontianak")
    assert "TZOFFSETTO:+0800" in rule
    check_invariants(data)
    seen = {e["uid"]: e["start"]["utc"] for e in icaljs(data)["events"]}
    assert seen == {"old@x": "1985-03-01T01:00:00.000Z", "new@x": "2024-03-01T02:00:00.000Z"}
    parsed = {str(e["UID"]): e.start for e in Calendar.from_ical(data).events}
    assert parsed == {"old@x": old, "new@x": new}


def test_timezone_blocks_are_the_same_bytes_for_the_same_observances():
    first = timezone_text("Asia/Pontianak", (datetime(2024, 1, 1), datetime(2024, 2, 1)))
    assert first == timezone_text("Asia/Pontianak", (datetime(2030, 1, 1), datetime(2031, 1, 1)))
    assert first == timezone_text("Asia/Pontianak")
