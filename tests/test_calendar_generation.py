"""Feed generation ETags, the cached bodies and streaming (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from calendar_check import data as calendar_data
from calendar_check.tools import check_invariants
from icalendar import Calendar
from sqlalchemy import update

from tracker.calendar import bodies, feeds, state
from tracker.extensions import db
from tracker.models import Agency, Meeting


@pytest.fixture
def meetings(make_meeting, region, agency):
    """The shared set of meetings."""
    return calendar_data.build(make_meeting, region, agency)


def _generation() -> int:
    value = state.read().generation
    db.session.rollback()
    return value


def test_revalidation_never_builds_or_reads_the_body(client, meetings, monkeypatch):
    first = client.get("/calendar/region/64.ics")

    def refuse(*args, **kwargs):
        raise AssertionError("a 304 must not build the feed")

    monkeypatch.setattr(feeds, "build_chunks", refuse)
    monkeypatch.setattr(bodies, "open_body", refuse)
    again = client.get("/calendar/region/64.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]
    assert "public" in again.headers["Cache-Control"]


def test_writes_move_the_generation_and_rollbacks_do_not(app, meetings):
    before = _generation()
    m = db.session.get(Meeting, meetings["seed"].id)
    m.title = "Diubah lalu dibatalkan"
    db.session.flush()
    db.session.rollback()
    assert _generation() == before
    # A Core UPDATE outside the ORM counts as well.
    db.session.execute(update(Meeting).where(Meeting.id == m.id).values(title="Lewat Core"))
    db.session.commit()
    assert _generation() == before + 1


def test_agency_rename_reaches_stored_events_and_etag(client, meetings):
    url = "/calendar/agency/polda-kaltim.ics"
    first = client.get(url)
    assert "Polda Kaltim" in first.get_data(as_text=True)
    references = state.read().reference_generation
    polda = db.session.execute(db.select(Agency).filter_by(slug="polda-kaltim")).scalar_one()
    polda.short_name = "Polda Kalimantan Timur"
    db.session.commit()
    # Renamed in a flush: its events are rebuilt, the others are not made stale.
    assert state.read().reference_generation == references
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 200
    (event,) = Calendar.from_ical(again.get_data()).with_uid(meetings["seed"].uid)
    assert "Polda Kalimantan Timur" in str(event["DESCRIPTION"])


def test_a_bulk_rename_outside_the_orm_makes_every_stored_event_stale(client, meetings):
    references = state.read().reference_generation
    db.session.execute(
        update(Agency).where(Agency.slug == "polda-kaltim").values(short_name="Polda (Core)")
    )
    db.session.commit()
    assert state.read().reference_generation == references + 1
    body = client.get("/calendar/agency/polda-kaltim.ics").get_data(as_text=True)
    assert "Polda (Core)" in body


def test_bodies_are_cached_per_generation_in_the_instance_folder(client, meetings, app):
    body = client.get("/calendar/all.ics").get_data()
    cached = list((bodies.folder()).glob("*.ics"))
    assert len(cached) == 1 and cached[0].read_bytes() == body
    m = db.session.get(Meeting, meetings["seed"].id)
    from tracker.meetings import operations as ops

    ops.update_meeting(m, {"title": "Rakor baru"})
    db.session.commit()
    changed = client.get("/calendar/all.ics").get_data()
    assert changed != body and b"Rakor baru" in changed
    assert len(list(bodies.folder().glob("*.ics"))) == 2  # one per generation


def test_large_feeds_stream_and_match_the_cached_copy(client, meetings, monkeypatch):
    monkeypatch.setattr(feeds, "STREAM_AFTER", 512)
    streamed = client.get("/calendar/all.ics?archive=1")
    assert "Content-Length" not in streamed.headers  # chunked: not held in memory
    body = streamed.get_data()
    check_invariants(body)
    cached = client.get("/calendar/all.ics?archive=1")
    assert cached.get_data() == body
    assert int(cached.headers["Content-Length"]) == len(body)
    assert cached.headers["ETag"] == streamed.headers["ETag"]


def test_an_interrupted_stream_caches_nothing(client, meetings, monkeypatch):
    monkeypatch.setattr(feeds, "STREAM_AFTER", 512)
    response = client.get("/calendar/all.ics?archive=1", buffered=False)
    next(iter(response.response))
    response.close()  # the subscriber hung up
    assert list(bodies.folder().glob("*.ics")) == []
    assert list(bodies.folder().glob(".*")) == []


@pytest.mark.parametrize("app_config", [{"CALENDAR_STATE_MAX_AGE": 30.0}])
def test_recent_revalidation_needs_no_query_and_writes_show_at_once(client, meetings, app):
    from sqlalchemy import event

    first = client.get("/calendar/all.ics")
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        again = client.get("/calendar/all.ics", headers={"If-None-Match": first.headers["ETag"]})
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert again.status_code == 304
    assert statements == []
    # A write in this process forgets the remembered reading: the next answer is fresh.
    m = db.session.get(Meeting, meetings["seed"].id)
    m.title = "Judul baru"
    db.session.commit()
    changed = client.get("/calendar/all.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != first.headers["ETag"]


def test_feed_vtimezones_hold_only_the_observances_of_their_meetings(client, make_meeting, region):
    from zoneinfo import ZoneInfo

    from tracker.calendar.ical import timezone_text

    pontianak = ZoneInfo("Asia/Pontianak")
    kalbar = region("61")
    make_meeting(
        region_id=kalbar.id,
        starts_at=datetime(2024, 2, 6, 9, 0, tzinfo=pontianak),
        ends_at=datetime(2024, 2, 6, 12, 0, tzinfo=pontianak),
    )
    text = client.get("/calendar/region/61.ics?archive=1").get_data(as_text=True)
    assert text.count("TZID:Asia/Pontianak\r\n") == 1
    assert timezone_text("Asia/Pontianak") in text
    assert text.count("BEGIN:STANDARD") == 1 and "TZOFFSETTO:+0800" not in text
    # A meeting from before 1988 brings back the observance of its date.
    make_meeting(
        region_id=kalbar.id,
        starts_at=datetime(1985, 2, 6, 9, 0, tzinfo=pontianak),
        ends_at=datetime(1985, 2, 6, 12, 0, tzinfo=pontianak),
    )
    both = client.get("/calendar/region/61.ics?archive=1").get_data()
    assert both.count(b"BEGIN:STANDARD") == 2
    starts = sorted(e.start for e in check_invariants(both).events)
    assert starts == [
        datetime(1985, 2, 6, 1, 0, tzinfo=UTC),
        datetime(2024, 2, 6, 2, 0, tzinfo=UTC),
    ]
