"""The hand-written RFC 5545 writer, checked against icalendar's parser and serializer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Event
from test_ical import SETTINGS, WITA, meeting

from tracker.calendar import writer
from tracker.calendar.ical import event_text, meeting_to_event
from tracker.models import Agency, Election, Participation, Person, Region, Venue

# Any Unicode text (hypothesis leaves out lone surrogates, which UTF-8 cannot encode).
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)


def _expected(text: str) -> str:
    """What a TEXT value reads back as: line breaks become LF, other controls are dropped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in text if c in "\t\n" or not (c < " " or c == "\x7f"))


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_text_round_trips_through_icalendar_and_lines_fit(value):
    line = writer.text_line("SUMMARY", value)
    assert line.endswith("\r\n")
    for physical in line[:-2].split("\r\n"):
        assert len(physical.encode("utf-8")) <= 75
    for continuation in line[:-2].split("\r\n")[1:]:
        assert continuation.startswith(" ")
    parsed = Event.from_ical(f"BEGIN:VEVENT\r\n{line}END:VEVENT\r\n")
    assert str(parsed["SUMMARY"]) == _expected(value)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",)), min_size=60, max_size=300))
def test_folding_never_splits_a_character_and_unfolds_to_the_line(value):
    line = "DESCRIPTION:" + writer.escape_text(value)
    folded = writer.fold(line)
    # Every physical line is valid UTF-8 by itself: no sequence was cut in two.
    for physical in folded.split("\r\n"):
        physical.encode("utf-8").decode("utf-8")
        assert len(physical.encode("utf-8")) <= 75
    assert folded.replace("\r\n ", "") == line


@settings(max_examples=150, deadline=None)
@given(
    title=TEXT.filter(lambda t: "\\N" not in t and t.strip()),
    theme=TEXT.filter(lambda t: "\\N" not in t),
    venue=TEXT.filter(lambda t: "\\N" not in t and t.strip()),
    agency=TEXT.filter(lambda t: "\\N" not in t and t.strip()),
    hours=st.integers(min_value=-48, max_value=48),
    time_unknown=st.booleans(),
    cancelled=st.booleans(),
)
def test_writer_matches_icalendar_serialization(
    title, theme, venue, agency, hours, time_unknown, cancelled
):
    """Same lines as icalendar writes for the same event (its reference implementation).

    Texts holding a literal backslash-N are left out: icalendar's writer turns them into a
    line break, which the hand-written writer (correctly) does not.
    """
    clean = _expected
    m = meeting(
        title=clean(title),
        theme=clean(theme) or None,
        time_unknown=time_unknown,
        status="cancelled" if cancelled else "scheduled",
        starts_at=datetime(2024, 2, 6, 9, 0, tzinfo=WITA).astimezone(UTC) + timedelta(hours=hours),
        venue=Venue(
            name=clean(venue),
            address="Jl. Sudirman; No. 1, Balikpapan",
            latitude=-1.25,
            longitude=116.83,
            city=Region(
                name="Balikpapan", code="64.71", kind="city", short="Bpp", timezone="Asia/Makassar"
            ),
        ),
        election=Election(name="Pemilu, 2024"),
        participations=[
            Participation(
                agency=Agency(short_name=clean(agency)),
                person=Person(name="Akmal Malik", rank="Dr."),
                position="Pj Gubernur",
                roles=frozenset({"chair", "speaker"}),
                represented_by="Sekda",
                order=0,
            )
        ],
    )
    assert event_text(m, SETTINGS) == meeting_to_event(m, SETTINGS).to_ical().decode("utf-8")


def test_backslash_n_stays_a_backslash_and_an_n():
    line = writer.text_line("SUMMARY", "C:\\Network; A,B")
    assert line == "SUMMARY:C:\\\\Network\\; A\\,B\r\n"
    assert str(Event.from_ical(f"BEGIN:VEVENT\r\n{line}END:VEVENT\r\n")["SUMMARY"]) == (
        "C:\\Network; A,B"
    )


def test_escape_is_never_split_by_a_fold():
    line = writer.fold("SUMMARY:" + "x" * 65 + "\\;" + "y" * 20)
    first, second = line.split("\r\n")
    assert not first.endswith("\\") and second.startswith(" \\;")


def test_dates_and_zones():
    moment = datetime(2024, 2, 6, 1, 2, 3, 999, tzinfo=UTC)
    assert writer.utc_stamp(moment) == "20240206T010203Z"
    assert writer.zoned_line("DTSTART", moment, "Asia/Jayapura") == (
        "DTSTART;TZID=Asia/Jayapura:20240206T100203\r\n"
    )
    assert writer.date_line("DTEND", moment.date()) == "DTEND;VALUE=DATE:20240206\r\n"
    assert writer.param_value("a;b") == '"a;b"' and writer.param_value('x"y') == "x^'y"
