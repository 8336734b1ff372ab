"""Calendar feeds over HTTP: every kind parsed back and checked, caching, privacy."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
from calendar_check import data as calendar_data
from calendar_check.tools import check_invariants, icaljs, libical_errors
from icalendar import Calendar

from tracker.calendar import cache
from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models import AgencySlugRedirect, Meeting

WITA = calendar_data.WITA


@pytest.fixture
def meetings(make_meeting, region, agency):
    """The shared set of meetings (every branch of the export)."""
    return calendar_data.build(make_meeting, region, agency)


def staff(client, email="staf@example.id"):
    """Create a staff user and log them in through the login form."""
    from tracker.auth.operations import create_user

    user = create_user(email, "Staf Kalender", "kata-sandi-yang-panjang-sekali")
    db.session.commit()
    client.post("/login", data={"email": user.email, "password": "kata-sandi-yang-panjang-sekali"})
    return user


def uids(body: bytes) -> set[str]:
    return {str(e["UID"]) for e in Calendar.from_ical(body).events}


PUBLIC_FEEDS = [
    "/calendar/all.ics",
    "/calendar/all.ics?archive=1",
    "/calendar/agency/polda-kaltim.ics",
    "/calendar/region/64.ics",
    "/calendar/region/64.02.ics",
    "/calendar/election/pemilu-2024.ics",
    "/calendar/kind/apel.ics",
    "/calendar/feed.ics?agency=polda-kaltim&region=64&election=pemilu-2024&kind=rakor_forkopimda",
    "/calendar/feed.ics?region=91&kind=rakor",
    "/calendar/agency/kpu-papua.ics",  # no meetings: still a valid calendar
]


def _instants_match(body: bytes, by_uid: dict[str, Meeting]) -> None:
    """ical.js (clock in Berlin) computes the instants the database holds."""
    seen = icaljs(body)
    for event in seen["events"]:
        meeting = by_uid[event["uid"]]
        if meeting.time_unknown:
            assert event["start"]["date"] == meeting.local_date.isoformat()
        else:
            expected = meeting.starts_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
            assert event["start"]["utc"] == expected
            assert event["start"]["zone"] == meeting.timezone


@pytest.mark.parametrize("url", PUBLIC_FEEDS)
def test_every_public_feed_parses_back_and_passes_the_checkers(client, meetings, url):
    response = client.get(url)
    assert response.status_code == 200
    body = response.get_data()
    cal = check_invariants(body)
    assert libical_errors(body) == []
    by_uid = {m.uid: db.session.get(Meeting, m.id) for m in meetings.values()}
    _instants_match(body, by_uid)
    assert meetings["internal"].uid not in {str(e["UID"]) for e in cal.events}


def test_single_meeting_download(client, meetings):
    m = meetings["seed"]
    response = client.get(f"/calendar/meetings/{m.id}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="rapat-{m.id}.ics"'
    body = response.get_data()
    cal = check_invariants(body)
    assert uids(body) == {m.uid}
    assert libical_errors(body) == []
    _instants_match(body, {m.uid: m})
    (event,) = cal.events
    assert event["LOCATION"].startswith("Hotel Novotel Balikpapan")
    assert event["GEO"].latitude == pytest.approx(-1.2675)
    assert event["URL"] == f"http://localhost/meetings/{m.id}"
    assert client.get(f"/calendar/meetings/{meetings['internal'].id}.ics").status_code == 404


def test_scopes_select_the_right_meetings(client, meetings):
    got = {
        url: uids(client.get(url).get_data())
        for url in (
            "/calendar/region/64.ics",
            "/calendar/region/64.02.ics",
            "/calendar/agency/polda-kaltim.ics",
            "/calendar/kind/apel.ics",
            "/calendar/feed.ics?region=64&kind=apel",
            "/calendar/all.ics",
        )
    }
    # A province's feed includes its regencies.
    assert meetings["regency"].uid in got["/calendar/region/64.ics"]
    assert meetings["jakarta"].uid not in got["/calendar/region/64.ics"]
    assert got["/calendar/region/64.02.ics"] == {meetings["regency"].uid}
    assert got["/calendar/agency/polda-kaltim.ics"] == {meetings["seed"].uid}
    assert got["/calendar/kind/apel.ics"] == {meetings["all_day"].uid}
    assert got["/calendar/feed.ics?region=64&kind=apel"] == {meetings["all_day"].uid}
    public = {m.uid for k, m in meetings.items() if k != "internal"}
    assert got["/calendar/all.ics"] == public
    # The same meeting is the same event (same UID, same bytes) in every feed.
    seed = meetings["seed"].uid
    assert all(seed in got[u] for u in ("/calendar/region/64.ics", "/calendar/all.ics"))


def test_window_archive_and_cancelled_retention(client, make_meeting, region):
    now = datetime.now(UTC)
    old = make_meeting(title="Rakor lama", starts_at=now - timedelta(days=200), ends_at=None)
    recent = make_meeting(title="Rakor baru lalu", starts_at=now - timedelta(days=30), ends_at=None)
    gone = make_meeting(title="Batal lama", starts_at=now - timedelta(days=60), ends_at=None)
    kept = make_meeting(title="Batal baru", starts_at=now - timedelta(days=10), ends_at=None)
    ops.cancel_meeting(gone, "Batal")
    ops.cancel_meeting(kept, "Batal")
    db.session.commit()
    window = uids(client.get("/calendar/all.ics").get_data())
    archive = uids(client.get("/calendar/all.ics?archive=1").get_data())
    assert window == {recent.uid, kept.uid}
    assert archive == {old.uid, recent.uid, kept.uid}
    assert gone.uid not in archive  # past the 30-day retention, even in the archive


def test_headers_cache_and_no_cookies(client, meetings):
    staff(client)  # a logged-in browser must not get a session cookie from a feed
    response = client.get("/calendar/region/64.ics")
    headers = response.headers
    assert headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert headers["Content-Disposition"] == 'inline; filename="rapat-wilayah-64.ics"'
    assert "public" in headers["Cache-Control"] and "max-age=900" in headers["Cache-Control"]
    assert headers["ETag"].startswith('"') and not headers["ETag"].startswith("W/")
    assert headers["Last-Modified"]
    assert "Set-Cookie" not in headers
    assert "Cookie" not in headers.get("Vary", "")
    assert int(headers["Content-Length"]) == len(response.get_data())
    assert response.get_data().startswith(b"BEGIN:VCALENDAR\r\n")


def test_no_accept_header_needed_and_no_negotiation(client, meetings):
    plain = client.get("/calendar/all.ics", headers={"User-Agent": "Google-Calendar-Importer"})
    html = client.get("/calendar/all.ics", headers={"Accept": "text/html"})
    assert plain.status_code == html.status_code == 200
    assert plain.get_data() == html.get_data()
    assert html.headers["Content-Type"].startswith("text/calendar")


def test_conditional_requests(client, meetings):
    first = client.get("/calendar/all.ics")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/calendar/all.ics", headers={"If-None-Match": etag}).status_code == 304
    again = client.get("/calendar/all.ics", headers={"If-Modified-Since": modified})
    assert again.status_code == 304
    assert again.get_data() == b""
    for stale in ("Thu, 01 Jan 1970 00:00:00 GMT", "not a date"):
        answer = client.get("/calendar/all.ics", headers={"If-Modified-Since": stale})
        assert answer.status_code == 200
    other = client.get("/calendar/all.ics", headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_head_has_the_headers_and_no_body(client, meetings):
    get = client.get("/calendar/all.ics")
    head = client.head("/calendar/all.ics")
    assert head.status_code == 200
    assert head.get_data() == b""
    for name in ("ETag", "Last-Modified", "Content-Type", "Content-Length", "Cache-Control"):
        assert head.headers[name] == get.headers[name]


def test_gzip_when_accepted(client, meetings):
    plain = client.get("/calendar/all.ics")
    packed = client.get("/calendar/all.ics", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["ETag"] != plain.headers["ETag"]
    revalidate = client.get(
        "/calendar/all.ics",
        headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]},
    )
    assert revalidate.status_code == 304
    refused = client.get("/calendar/all.ics", headers={"Accept-Encoding": "gzip;q=0"})
    assert "Content-Encoding" not in refused.headers


def test_moving_a_meeting_keeps_uid_raises_sequence_and_changes_etag(client, meetings):
    m = meetings["seed"]
    url = "/calendar/region/64.ics"
    before = client.get(url)
    event = Calendar.from_ical(before.get_data()).with_uid(m.uid)[0]
    new_start = m.starts_at + timedelta(days=1)
    ops.update_meeting(m, {"starts_at": new_start, "ends_at": new_start + timedelta(hours=2)})
    db.session.commit()
    after = client.get(url, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    moved = Calendar.from_ical(after.get_data()).with_uid(m.uid)[0]
    assert moved["SEQUENCE"] > event["SEQUENCE"]
    assert moved.start == new_start
    assert moved["DTSTAMP"].dt >= event["DTSTAMP"].dt  # second resolution
    assert moved["LAST-MODIFIED"].dt == moved["DTSTAMP"].dt
    unchanged = client.get(url, headers={"If-None-Match": after.headers["ETag"]})
    assert unchanged.status_code == 304


def test_cancelling_keeps_the_event_as_cancelled_and_changes_etag(client, meetings):
    m = meetings["papua"]
    before = client.get("/calendar/all.ics")
    ops.cancel_meeting(m, "Cuaca buruk")
    db.session.commit()
    after = client.get("/calendar/all.ics", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.headers["ETag"] != before.headers["ETag"]
    (event,) = Calendar.from_ical(after.get_data()).with_uid(m.uid)
    assert event["STATUS"] == "CANCELLED"
    assert event["SEQUENCE"] == m.sequence
    assert libical_errors(after.get_data()) == []


def test_made_internal_is_not_a_false_304_for_if_modified_since(client, meetings):
    first = client.get("/calendar/all.ics")
    m = meetings["kalbar"]
    ops.update_meeting(m, {"visibility": "internal"})
    db.session.commit()
    m.updated_at = datetime.now(UTC) + timedelta(seconds=2)  # past the second resolution
    db.session.commit()
    answer = client.get(
        "/calendar/all.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert answer.status_code == 200
    assert m.uid not in uids(answer.get_data())


def test_vevents_are_built_at_commit_and_reused(client, meetings, built_events):
    built = built_events
    # The commits that made the meetings stored their events: feeds only assemble.
    first = client.get("/calendar/all.ics").get_data()
    assert built == []
    stored = db.session.execute(
        db.select(Meeting.version, Meeting.ical_version, Meeting.ical_event).where(
            Meeting.id == meetings["seed"].id
        )
    ).one()
    assert stored.ical_version == stored.version
    assert "BEGIN:VEVENT" in stored.ical_event
    assert client.get("/calendar/all.ics").get_data() == first
    assert client.get("/calendar/region/64.ics").status_code == 200
    ops.update_meeting(meetings["seed"], {"title": "Rakor Forkopimda (diubah)"})
    db.session.commit()
    assert built == [meetings["seed"].id]  # by the commit, once
    assert b"Rakor Forkopimda (diubah)" in client.get("/calendar/all.ics").get_data()
    assert built == [meetings["seed"].id]
    # Pieces dropped (a deploy, or `calendar-refresh --all`): the feed builds and stores them.
    built.clear()
    cache.forget_events()
    db.session.commit()
    client.get("/calendar/all.ics")
    assert sorted(built) == sorted(m.id for k, m in meetings.items() if k != "internal")
    built.clear()
    client.get("/calendar/all.ics?archive=1")
    assert built == []


def test_stored_events_follow_the_settings(client, meetings, app):
    client.get("/calendar/all.ics")
    app.config["PUBLIC_BASE_URL"] = "https://rakor.example.id/"
    body = client.get("/calendar/all.ics").get_data().decode()
    assert f"URL:https://rakor.example.id/meetings/{meetings['seed'].id}\r\n" in body
    assert "localhost" not in body
    assert "SOURCE:https://rakor.example.id/calendar/all.ics\r\n" in body


def test_warm_feed_is_byte_identical_to_a_fresh_build(client, meetings, app):
    cold = client.get("/calendar/all.ics?archive=1").get_data()
    warm = client.get("/calendar/all.ics?archive=1").get_data()
    assert warm == cold
    cache.forget_events()
    db.session.commit()
    assert client.get("/calendar/all.ics?archive=1").get_data() == cold


def test_unknown_scopes_are_404_and_merged_agencies_redirect(client, meetings, agency):
    for url in (
        "/calendar/agency/nope.ics",
        "/calendar/region/99.ics",
        "/calendar/election/x.ics",
        "/calendar/kind/party.ics",
        "/calendar/feed.ics?agency=nope",
        "/calendar/private/abc.ics",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Set-Cookie" not in response.headers
    db.session.add(AgencySlugRedirect(slug="polda-kaltim-lama", agency=agency("polda-kaltim")))
    db.session.commit()
    moved = client.get("/calendar/agency/polda-kaltim-lama.ics?archive=1")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/calendar/agency/polda-kaltim.ics?archive=1")


def test_private_feed_includes_internal_and_regenerating_revokes(client, meetings):
    staff(client)
    assert client.post("/calendar/private/regenerate").status_code == 302
    page = client.get("/calendar/private").get_data(as_text=True)
    from tracker.models import User

    user = db.session.execute(db.select(User)).scalar_one()
    old = user.feed_token
    assert old and len(old) >= 40
    assert f"/calendar/private/{old}.ics" in page
    response = client.get(f"/calendar/private/{old}.ics")
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    body = response.get_data()
    check_invariants(body)
    assert libical_errors(body) == []
    assert meetings["internal"].uid in uids(body)
    client.post("/calendar/private/regenerate")
    db.session.refresh(user)
    assert user.feed_token != old
    assert client.get(f"/calendar/private/{old}.ics").status_code == 404
    assert client.get(f"/calendar/private/{user.feed_token}.ics").status_code == 200


def test_private_pages_need_login(client):
    for method, url in (
        ("get", "/calendar/private"),
        ("post", "/calendar/private/regenerate"),
        ("get", "/calendar/import"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 401), url
        if response.status_code == 302:
            assert "login" in response.headers["Location"]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_regenerate_needs_the_csrf_token(client, app_config):
    user = staff(client)
    client.post("/calendar/private/regenerate")
    db.session.refresh(user)
    assert user.feed_token is None


def test_subscribe_page_links(client, meetings):
    html = client.get("/calendar/").get_data(as_text=True)
    webcal = "webcal://localhost/calendar/all.ics"
    assert f'href="{webcal}"' in html
    google = "https://calendar.google.com/calendar/r?cid=" + quote(webcal, safe="")
    assert google.replace("&", "&amp;") in html
    assert 'value="http://localhost/calendar/all.ics"' in html
    assert "webcal://localhost/calendar/region/64.ics" in html
    assert "webcal://localhost/calendar/election/pemilu-2024.ics" in html
    assert "webcal://localhost/calendar/kind/apel.ics" in html
    assert "<script>" not in html and 'src="/static/js/calendar.js"' in html
    assert "Thunderbird" in html and "Outlook" in html and "Apple" in html
    assert "tidak pernah diperbarui" in html  # a download is a snapshot


def test_feed_builder_works_without_javascript(client, meetings):
    html = client.get("/calendar/?agency=polda-kaltim&region=64&kind=&archive=y").get_data(
        as_text=True
    )
    assert (
        "webcal://localhost/calendar/feed.ics?agency=polda-kaltim&amp;region=64&amp;archive=1"
        in html
    )
    single = client.get("/calendar/?region=64").get_data(as_text=True)
    assert 'value="http://localhost/calendar/region/64.ics"' in single
    bad = client.get("/calendar/?region=nowhere")
    assert bad.status_code == 200 and "feed.ics?region=nowhere" not in bad.get_data(as_text=True)


def test_subscribe_page_in_english(client):
    client.get("/lang/en")
    html = client.get("/calendar/").get_data(as_text=True)
    assert 'lang="en"' in html


def test_robots_txt_allows_feeds(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    lines = response.get_data(as_text=True).splitlines()
    assert "Allow: /calendar/" in lines
    assert not any(line.strip() in ("Disallow: /", "Disallow: /calendar/") for line in lines)


def test_cli_prebuilds_stale_events(app, runner, client, meetings, monkeypatch):
    app.config["PUBLIC_BASE_URL"] = "https://rakor.example.id"
    result = runner.invoke(args=["calendar-refresh"])
    assert result.exit_code == 0, result.output
    assert f"{len(meetings)} calendar events built" in result.output
    assert "0 calendar events built" in runner.invoke(args=["calendar-refresh"]).output
    built: list[int] = []
    monkeypatch.setattr(cache, "event_text", lambda m, conf: built.append(m.id) or "")
    assert client.get("/calendar/all.ics").status_code == 200
    assert built == []  # everything was ready
    again = runner.invoke(args=["calendar-refresh", "--all"])
    assert f"{len(meetings)} calendar events built" in again.output


def test_cli_refresh_vacuums_what_it_rewrote(app, runner, meetings):
    from sql_helpers import statements

    app.config["PUBLIC_BASE_URL"] = "https://rakor.example.id"
    cache.forget_events()
    db.session.commit()
    with statements() as seen:
        result = runner.invoke(args=["calendar-refresh"])
    assert f"{len(meetings)} calendar events built" in result.output
    wanted = "VACUUM (ANALYZE)" if db.engine.dialect.name == "postgresql" else "PRAGMA optimize"
    assert seen[-1].strip() == wanted
    with statements() as again:
        runner.invoke(args=["calendar-refresh"])
    assert wanted not in [s.strip() for s in again]  # nothing rewritten, nothing to vacuum


def test_cli_refresh_refuses_without_a_public_base_url(app, runner, meetings):
    app.config["PUBLIC_BASE_URL"] = None
    result = runner.invoke(args=["calendar-refresh"])
    assert result.exit_code == 2
    assert "PUBLIC_BASE_URL belum diatur" in result.output
    assert "PUBLIC_BASE_URL is not set" in result.output
