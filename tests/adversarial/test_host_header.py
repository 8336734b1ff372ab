"""Hostile Host and X-Forwarded-Host headers: no link, cached feed or stored event follows them."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker.calendar import bodies
from tracker.extensions import db
from tracker.models import Meeting

BASE = "https://rakor.example.id"
EVIL = "evil.example"
# Every way a visitor can name a host: the Host header itself and the proxy headers.
HOSTILE = {"X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http", "Forwarded": f"host={EVIL}"}


@pytest.fixture(params=[False, True], ids=["direct", "proxy-fix"])
def app_config(request: pytest.FixtureRequest) -> dict[str, object]:
    """PUBLIC_BASE_URL configured, with and without the reverse-proxy handling."""
    return {"PUBLIC_BASE_URL": BASE, "PROXY_FIX": request.param}


def hostile_get(client, path: str):
    """GET ``path`` as a visitor who names another host in every header there is."""
    return client.get(path, base_url=f"http://{EVIL}", headers=HOSTILE)


@pytest.fixture
def meeting(make_meeting, agency):
    """An upcoming public meeting with a participant, so every link kind is present."""
    from tracker.meetings.operations import add_participation

    start = datetime.now(ZoneInfo("Asia/Makassar")).replace(microsecond=0) + timedelta(days=10)
    found = make_meeting(starts_at=start, ends_at=start + timedelta(hours=2))
    add_participation(found, {"agency_id": agency("polda-kaltim").id})
    db.session.commit()
    return found


def _pages(meeting) -> list[str]:
    return [
        "/api/v1/",
        "/api/v1/openapi.json",
        "/api/v1/meetings",
        f"/api/v1/meetings/{meeting.id}",
        "/api/v1/agencies",
        "/api/v1/agencies/polda-kaltim",
        "/api/v1/elections",
        "/api/v1/regions?kind=province",
        f"/meetings/{meeting.id}",  # JSON-LD
        "/calendar/",  # webcal, Google and https subscribe links
        "/calendar/?agency=polda-kaltim&region=64",  # the builder's links
        "/calendar/all.ics",
        f"/calendar/meetings/{meeting.id}.ics",
    ]


def test_absolute_urls_come_from_public_base_url(client, meeting):
    for path in _pages(meeting):
        response = hostile_get(client, path)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, path
        assert EVIL not in body, path
        assert BASE in body or "webcal://rakor.example.id" in body, path
    links = hostile_get(client, "/calendar/").get_data(as_text=True)
    assert "webcal://rakor.example.id/calendar/all.ics" in links
    assert "cid=webcal%3A%2F%2Frakor.example.id%2Fcalendar%2Fall.ics" in links


def _stored() -> list[tuple[int, str | None, int | None]]:
    rows = db.session.execute(
        db.select(Meeting.id, Meeting.ical_event, Meeting.ical_version).order_by(Meeting.id)
    )
    return [tuple(row) for row in rows]


def _files(app) -> set[str]:
    folder = Path(app.instance_path) / bodies.FOLDER
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


@pytest.mark.parametrize("path", ["/calendar/all.ics?archive=1", "/calendar/region/64.ics"])
def test_hostile_host_changes_no_feed_and_writes_nothing(app, client, meeting, path):
    honest = client.get(path, base_url=BASE)
    stored, files = _stored(), _files(app)
    memo = dict(app.extensions["calendar_settings"])
    assert stored and all(text for _id, text, _v in stored)
    db.session.commit()  # end the test's own read, as a request would
    for host in (EVIL, "other.example", "127.0.0.1:9"):
        attack = client.get(path, base_url=f"http://{host}", headers=HOSTILE)
        assert attack.headers["ETag"] == honest.headers["ETag"]
        assert attack.get_data() == honest.get_data()
        assert "public" in attack.headers["Cache-Control"]
    assert _stored() == stored
    assert _files(app) == files
    assert app.extensions["calendar_settings"] == memo


@pytest.mark.parametrize("app_config", [{"TRUSTED_HOSTS": ["rakor.example.id"]}])
def test_trusted_hosts_refuse_other_hosts(client):
    assert client.get("/meetings/", base_url=BASE).status_code == 200
    refused = client.get("/meetings/", base_url=f"http://{EVIL}")
    assert refused.status_code == 400
    assert "Permintaan tidak valid" in refused.get_data(as_text=True)


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": None}])
def test_without_public_base_url_request_hosts_are_never_kept(app, client, meeting):
    """Development fallback: the request's host is used, for that visitor alone."""
    for host in (EVIL, "other.example"):
        response = client.get("/calendar/all.ics?archive=1", base_url=f"http://{host}")
        assert f"http://{host}/meetings/{meeting.id}" in response.get_data(as_text=True)
        assert "public" not in response.headers["Cache-Control"]
        assert "private" in response.headers["Cache-Control"]
        download = client.get(f"/calendar/meetings/{meeting.id}.ics", base_url=f"http://{host}")
        assert "private" in download.headers["Cache-Control"]
    db.session.commit()
    assert all(text is None for _id, text, _v in _stored())
    assert _files(app) == set()
    assert app.extensions.get("calendar_settings", {}) == {}


@pytest.mark.parametrize(
    "path", ["/staff/meetings", "/meetings", "/calendar/private//token.ics", "/api/v1//meetings"]
)
def test_redirects_made_by_the_url_map_never_name_the_visitors_host(client, path):
    response = hostile_get(client, path)
    assert response.status_code in (301, 308)
    location = response.headers["Location"]
    assert EVIL not in location
    assert location.startswith("/") or location.startswith(("http://rakor.example.id/", BASE))
