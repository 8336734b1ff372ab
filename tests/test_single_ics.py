"""One meeting's .ics (issue 18): one small query, the stored VEVENT, ETag before building."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sql_helpers import statements

from tracker.calendar.cache import forget_events
from tracker.extensions import db
from tracker.meetings.operations import add_participation, update_meeting
from tracker.models import Meeting

WITA = ZoneInfo("Asia/Makassar")
BASE = {"PUBLIC_BASE_URL": "https://rakor.example.id"}


@pytest.fixture
def rakor(make_meeting, agency):
    meeting = make_meeting(
        title="Rakor Forkopimda Kaltim",
        starts_at=datetime(2024, 2, 6, 9, 0, tzinfo=WITA),
        ends_at=datetime(2024, 2, 6, 12, 0, tzinfo=WITA),
    )
    add_participation(meeting, {"agency_id": agency("polda-kaltim").id, "roles": {"speaker"}})
    db.session.commit()
    return meeting


@pytest.mark.parametrize("app_config", [BASE])
def test_download_is_one_event_with_its_zone_and_revalidates_in_two_statements(client, rakor):
    url = f"/calendar/meetings/{rakor.id}.ics"
    first = client.get(url)
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    assert first.headers["Content-Disposition"] == f'attachment; filename="rapat-{rakor.id}.ics"'
    cal = Calendar.from_ical(first.data)
    events = cal.walk("VEVENT")
    assert len(events) == 1 and str(events[0]["SUMMARY"]) == "Rakor Forkopimda Kaltim"
    assert events[0]["DTSTART"].dt == datetime(2024, 2, 6, 9, 0, tzinfo=WITA)
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Asia/Makassar"]
    with statements() as seen:
        again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and not again.data
    # The feed state and the meeting's row; nothing is built.
    assert len(seen) <= 2, seen
    with statements() as seen:
        warm = client.get(url)
    assert warm.data == first.data and warm.headers["ETag"] == first.headers["ETag"]
    assert len(seen) <= 2, seen  # the stored VEVENT, no participations read


@pytest.mark.parametrize("app_config", [BASE])
def test_an_edit_changes_the_etag_and_a_dropped_piece_is_rebuilt_alike(client, rakor):
    url = f"/calendar/meetings/{rakor.id}.ics"
    first = client.get(url)
    forget_events([rakor.id])
    db.session.commit()
    rebuilt = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    # The same version and stamp name the same bytes, stored or not.
    assert rebuilt.status_code == 304
    plain = client.get(url)
    assert plain.data == first.data
    stored = db.session.get(Meeting, rakor.id)
    db.session.refresh(stored)
    assert stored.ical_version == stored.version and stored.ical_event
    update_meeting(stored, {"title": "Rakor Forkopimda Kaltim (diubah)"})
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and changed.headers["ETag"] != first.headers["ETag"]
    assert b"Rakor Forkopimda Kaltim (diubah)" in changed.data
    assert b"X-WR-CALNAME:Rakor Forkopimda Kaltim (diubah)" in changed.data


@pytest.mark.parametrize("app_config", [BASE])
def test_gzip_has_its_own_etag_and_internal_meetings_are_not_found(client, make_meeting, rakor):
    url = f"/calendar/meetings/{rakor.id}.ics"
    plain = client.get(url)
    zipped = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert client.get(url, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304
    hidden = make_meeting(title="Rapat internal", visibility="internal")
    db.session.commit()
    assert client.get(f"/calendar/meetings/{hidden.id}.ics").status_code == 404
    assert client.get("/calendar/meetings/999999.ics").status_code == 404


def test_time_not_stated_is_an_all_day_event_without_timezones(client, make_meeting):
    meeting = make_meeting(
        title="Rakor tanpa jam",
        starts_at=datetime(2024, 2, 20, 0, 0, tzinfo=WITA),
        ends_at=None,
        time_unknown=True,
    )
    db.session.commit()
    cal = Calendar.from_ical(client.get(f"/calendar/meetings/{meeting.id}.ics").data)
    (only,) = cal.walk("VEVENT")
    assert only["DTSTART"].params.get("VALUE") == "DATE"
    # The home zone is still named (an empty feed is a valid calendar).
    assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == ["Asia/Makassar"]
