"""Only the times somebody stated, in the zone they belong to (issue 16, item 2).

A release known by its day shows the day; a stated hour shows with its zone (WIT for
Papua, from the release or the region it is about); a meeting without a stated hour
shows its day on every page, in its history and in the API, never "pukul 00.00".
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from staff_helpers import login, make_user

from tracker.extensions import db
from tracker.formatting import format_published, format_stated
from tracker.meetings import operations as ops
from tracker.models import PressRelease
from tracker.press import operations as press_ops

WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")


def _release(meeting=None, **fields):
    values = {"outlet": "Humas Papua", "title": "Rakor Papua", "body": "Isi rilis."} | fields
    release = press_ops.create_press_release(values)
    if meeting is not None:
        press_ops.attach_press_release(meeting, release)
    db.session.commit()
    return release


def _html(client, url: str, lang: str = "id") -> str:
    client.set_cookie("lang", lang)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _unknown_hour_meeting(make_meeting, agency):
    """A public Kaltim meeting on 6 February 2024 whose hour nobody stated."""
    meeting = make_meeting(
        title="Rakor Tanpa Jam",
        starts_at=datetime(2024, 2, 6, 0, 0, tzinfo=WITA),
        ends_at=None,
        time_unknown=True,
    )
    ops.add_participation(meeting, {"agency_id": agency("polda-kaltim").id, "roles": {"attendee"}})
    db.session.commit()
    return meeting


# --- press releases ------------------------------------------------------------------


def test_a_date_only_release_shows_its_day_and_no_hour(client, make_meeting, agency):
    meeting = _unknown_hour_meeting(make_meeting, agency)
    release = _release(meeting, published_date=date(2024, 2, 7))
    detail = _html(client, f"/press/{release.id}")
    assert '<dd><time datetime="2024-02-07">Rabu, 7 Februari 2024</time></dd>' in detail
    assert "pukul" not in detail
    listing = _html(client, "/press/")
    assert '<p class="where">Humas Papua · Rabu, 7 Februari 2024</p>' in listing
    assert "pukul" not in listing
    page = _html(client, f"/meetings/{meeting.id}")
    assert "— Humas Papua, Rabu, 7 Februari 2024\n" in page


def test_an_imported_bare_midnight_is_kept_as_a_day(runner, tmp_path):
    """'2024-02-12T00:00:00Z' is how a feed writes a day: never 'pukul 07.00 WIB'."""
    path = tmp_path / "rilis.jsonl"
    record = {"body": "Isi rilis tanpa rapat.", "outlet": "contoh.test"}
    lines = [
        record | {"url": "https://contoh.test/a", "published": "2024-02-12T00:00:00Z"},
        record
        | {
            "body": "Rilis kedua.",
            "url": "https://contoh.test/b",
            "published": "2024-02-12T00:00:00+09:00",
        },
        record
        | {
            "body": "Rilis ketiga.",
            "url": "https://contoh.test/c",
            "published": "2024-02-12T15:00:00+09:00",
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in lines) + "\n", encoding="utf-8")
    result = runner.invoke(args=["import-press", str(path)])
    assert result.exit_code == 0, result.output
    stored = {
        r.url: (r.published_date, r.published_at, r.published_zone)
        for r in db.session.execute(db.select(PressRelease)).scalars()
    }
    assert stored == {
        "https://contoh.test/a": (date(2024, 2, 12), None, None),
        "https://contoh.test/b": (date(2024, 2, 12), None, None),
        "https://contoh.test/c": (
            date(2024, 2, 12),
            datetime(2024, 2, 12, 6, 0, tzinfo=UTC),
            "Asia/Jayapura",
        ),
    }


def test_a_papua_release_given_in_wit_shows_wit(client, make_meeting, region):
    meeting = make_meeting(
        title="Rakor Forkopimda Papua",
        starts_at=datetime(2024, 2, 5, 9, 0, tzinfo=WIT),
        ends_at=datetime(2024, 2, 5, 12, 0, tzinfo=WIT),
        region_id=region("91").id,
    )
    assert meeting.timezone == "Asia/Jayapura"
    plus_nine = timezone(timedelta(hours=9))
    release = _release(meeting, published_at=datetime(2024, 2, 5, 20, 10, tzinfo=plus_nine))
    assert release.published_zone == "Asia/Jayapura"
    detail = _html(client, f"/press/{release.id}")
    assert (
        '<dd><time datetime="2024-02-05T11:10:00+00:00">'
        "Senin, 5 Februari 2024 pukul 20.10 WIT</time></dd>"
    ) in detail
    assert "WIB" not in detail
    listing = _html(client, "/press/")
    assert "Humas Papua · Senin, 5 Februari 2024 pukul 20.10 WIT</p>" in listing
    english = _html(client, f"/press/{release.id}", "en")
    assert "Monday, 5 February 2024 at 20:10 WIT</time>" in english


def test_an_hour_without_its_zone_takes_the_region_s_or_shows_the_day(client, make_meeting, region):
    """An instant given in UTC: shown in the zone of the Papua region it is about."""
    meeting = make_meeting(
        starts_at=datetime(2024, 2, 5, 9, 0, tzinfo=WIT),
        ends_at=None,
        region_id=region("94").id,
    )
    release = _release(meeting, published_at=datetime(2024, 2, 5, 11, 10, tzinfo=UTC))
    assert release.published_zone is None
    for url in (f"/press/{release.id}", "/press/", f"/meetings/{meeting.id}"):
        html = _html(client, url)
        assert "Senin, 5 Februari 2024 pukul 20.10 WIT" in html, url
        assert "18.10 WIB" not in html and "pukul 11.10" not in html, url
    # Not yet about any meeting: nothing says which zone, so the day alone.
    alone = _release(
        title="Belum terkait",
        body="Isi lain.",
        published_at=datetime(2024, 2, 5, 11, 10, tzinfo=UTC),
    )
    assert format_published(alone) == "Senin, 5 Februari 2024"
    make_user("editor@papua.example")
    login(client, "editor@papua.example")
    staff = _html(client, f"/staff/press/{alone.id}")
    assert "<dd>Senin, 5 Februari 2024</dd>" in staff


def test_the_stated_filter_shows_days_alone_and_hours_with_their_zone(app):
    moment = datetime(2024, 2, 6, 1, 30, tzinfo=UTC)
    assert format_stated(date(2024, 2, 6)) == "Selasa, 6 Februari 2024"
    assert format_stated(moment, "Asia/Makassar") == "Selasa, 6 Februari 2024 pukul 09.30 WITA"
    assert format_stated(moment, "Asia/Jakarta") == "Selasa, 6 Februari 2024 pukul 08.30 WIB"
    assert format_stated(moment, "Asia/Jayapura") == "Selasa, 6 Februari 2024 pukul 10.30 WIT"
    assert format_stated(moment, "Asia/Jayapura", time_known=False) == "Selasa, 6 Februari 2024"
    assert format_stated(moment, None) == "Selasa, 6 Februari 2024"


# --- meetings --------------------------------------------------------------------------


def test_a_meeting_without_a_stated_hour_shows_no_time_anywhere(client, make_meeting, agency):
    meeting = _unknown_hour_meeting(make_meeting, agency)
    when = '<time datetime="2024-02-06">Selasa, 6 Februari 2024 (WITA, jam tidak disebutkan)</time>'
    page = _html(client, f"/meetings/{meeting.id}")
    assert f"<dd>{when}</dd>" in page
    rows = _html(client, "/meetings/?date_from=2024-02-01&date_to=2024-02-29")
    assert f'<p class="when">{when}' in rows
    agency_page = _html(client, "/agencies/polda-kaltim")
    assert f"<td>{when}</td>" in agency_page
    for html in (page, rows, agency_page):
        assert "00.00" not in html and "T00:00" not in html and "16:00:00" not in html
    data = client.get(f"/api/v1/meetings/{meeting.id}").get_json()["data"]
    # The stated day, beside the fields clients already read.
    assert (data["start"], data["end"], data["time_unknown"]) == ("2024-02-06", None, True)
    assert data["local_date"] == "2024-02-06"
    assert data["starts_at"] == "2024-02-06T00:00:00+08:00"


def test_the_history_of_a_meeting_without_an_hour_shows_days(client, make_meeting, agency):
    meeting = _unknown_hour_meeting(make_meeting, agency)
    ops.update_meeting(meeting, {"starts_at": datetime(2024, 2, 8, 0, 0, tzinfo=WITA)})
    db.session.commit()
    make_user("editor@kaltim.example")
    login(client, "editor@kaltim.example")
    history = _html(client, f"/staff/meetings/{meeting.id}/history")
    assert "Selasa, 6 Februari 2024" in history
    assert "Kamis, 8 Februari 2024" in history
    assert "Kamis, 8 Februari 2024 pukul" not in history
    assert "Selasa, 6 Februari 2024 pukul" not in history
    assert "00.00" not in history


def test_a_wita_meeting_shows_wita(client, make_meeting, agency):
    meeting = make_meeting(title="Rakor Balikpapan")
    ops.add_participation(meeting, {"agency_id": agency("polda-kaltim").id, "roles": {"attendee"}})
    db.session.commit()
    when = (
        '<time datetime="2024-02-06T01:00:00+00:00">'
        "Selasa, 6 Februari 2024 pukul 09.00 WITA–12.00 WITA</time>"
    )
    page = _html(client, f"/meetings/{meeting.id}")
    assert f"<dd>{when}</dd>" in page
    assert f'<p class="when">{when}' in _html(client, "/meetings/?date_from=2024-02-01")
    assert f"<td>{when}</td>" in _html(client, "/agencies/polda-kaltim")
    english = _html(client, f"/meetings/{meeting.id}", "en")
    assert "Tuesday, 6 February 2024 at 09:00 WITA–12:00 WITA</time>" in english
    data = client.get(f"/api/v1/meetings/{meeting.id}").get_json()["data"]
    assert data["start"] == data["starts_at"] == "2024-02-06T09:00:00+08:00"
    assert data["end"] == "2024-02-06T12:00:00+08:00"


def test_an_hour_added_by_staff_to_a_papua_release_is_read_in_wit(client, make_meeting, region):
    meeting = make_meeting(
        starts_at=datetime(2024, 2, 5, 9, 0, tzinfo=WIT),
        ends_at=None,
        region_id=region("91").id,
    )
    release = _release(meeting, published_date=date(2024, 2, 5))
    make_user("editor@papua.example")
    login(client, "editor@papua.example")
    form = _html(client, f"/staff/press/{release.id}/edit")
    assert '<option selected value="Asia/Jayapura">WIT</option>' in form
    response = client.post(
        f"/staff/press/{release.id}/edit",
        data={
            "outlet": release.outlet,
            "title": release.title,
            "body": release.body,
            "published_date": "2024-02-05",
            "published_time": "15:00",
            "published_zone": "Asia/Jayapura",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(PressRelease, release.id).published_at == datetime(
        2024, 2, 5, 6, 0, tzinfo=UTC
    )
    assert "Senin, 5 Februari 2024 pukul 15.00 WIT</time>" in _html(client, f"/press/{release.id}")
