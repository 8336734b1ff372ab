"""Two app servers, each with its own instance folder, on one PostgreSQL (issue 18).

An editor cancels a meeting through server A; server B must show it at once on its pages
(they read the change counter on every request) and in its feeds once its last reading
of the counter is CALENDAR_STATE_MAX_AGE old (docs/deploying.md). Nothing is shared
between the servers but the database: no cache, no files, no process.
"""

from __future__ import annotations

import http.client
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask_migrate import upgrade
from staff_helpers import PASSWORD

from tracker import create_app
from tracker.auth.operations import create_user
from tracker.cli import _load_reference
from tracker.extensions import db
from tracker.meetings.synth import synthesize
from tracker.models import Meeting

from .child import (
    child_database,
    child_env,
    drop_schema,
    start_gunicorn,
    stop_gunicorn,
    wait_ready,
)
from .conftest import page_token

SCHEMA = "two_servers"
HOST = "rakor.example.id"
BASE_URL = f"http://{HOST}"
EDITOR = "editor.two@kaltim.example"
# The documented delay of a feed on another server (the default CALENDAR_STATE_MAX_AGE).
FEED_DELAY = 1.0


class Browser:
    """Requests to one server with the cookies it set (plain http.client, no redirects)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, data: dict[str, str] | None = None, **headers: str
    ) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": HOST, **headers}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = urlencode(data) if data is not None else None
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=sent)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[str, int]]:
    """A PostgreSQL schema with reference data, synthetic meetings and one editor."""
    url = child_database("postgres", tmp_path, SCHEMA)
    app = create_app(
        {
            "DATABASE_URL": url,
            "INSTANCE_PATH": str(tmp_path / "setup"),
            "SECRET_KEY": "two-servers-secret",
            "PUBLIC_BASE_URL": BASE_URL,
            "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
        }
    )
    with app.app_context():
        upgrade()
        _load_reference()
        synthesize(30, 1)
        create_user(EDITOR, "Editor Dua Server", PASSWORD, "editor")
        public = db.select(Meeting.id).filter_by(visibility="public", status="scheduled")
        meeting_id = db.session.execute(public.order_by(Meeting.id)).scalars().first()
        db.session.commit()
        db.engine.dispose()
    assert meeting_id is not None
    yield url, meeting_id
    drop_schema("postgres", SCHEMA)


def _start(url: str, instance: Path, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    env = child_env(url, instance)
    env.update(
        TRACKER_PUBLIC_BASE_URL=BASE_URL,
        TRACKER_RATELIMIT_ENABLED="false",
        # The synthetic meetings are past: keep a cancelled one in the feeds to see it there.
        TRACKER_CALENDAR_CANCELLED_RETENTION_DAYS="100000",
    )
    return start_gunicorn(["--workers", "1"], env, log)


@pytest.fixture
def servers(database: tuple[str, int], tmp_path: Path) -> Iterator[tuple[Browser, Browser]]:
    """Servers A and B, each with its own instance folder."""
    url, _meeting_id = database
    started: list[tuple[subprocess.Popen[bytes], int]] = []
    try:
        for name in ("a", "b"):
            log = tmp_path / f"gunicorn-{name}.log"
            started.append(_start(url, tmp_path / f"instance-{name}", log))
            wait_ready(*started[-1], log, host=HOST)
        yield Browser(started[0][1]), Browser(started[1][1])
    finally:
        for proc, _port in started:
            stop_gunicorn(proc)


def _counted(html: str) -> int:
    match = re.search(r"(\d+) rapat dihitung", html)
    assert match, html[:500]
    return int(match.group(1))


def _event_status(feed: str, meeting_id: int) -> str | None:
    """The STATUS of the meeting's VEVENT in a feed, or None when it is not there."""
    for event in feed.split("BEGIN:VEVENT\r\n")[1:]:
        if f"URL:{BASE_URL}/meetings/{meeting_id}\r\n" in event:
            match = re.search(r"^STATUS:(\w+)\r$", event, re.MULTILINE)
            return match.group(1) if match else ""
    return None


def _cancel_through(server: Browser, meeting_id: int) -> None:
    """Log in as the editor and cancel the meeting, through the real forms."""
    token = page_token(server.request("GET", "/login")[2])
    assert token
    status, headers, body = server.request(
        "POST", "/login", {"email": EDITOR, "password": PASSWORD, "csrf_token": token}
    )
    assert status == 302, body[:500]
    token = page_token(server.request("GET", f"/staff/meetings/{meeting_id}")[2])
    assert token
    status, _headers, body = server.request(
        "POST",
        f"/staff/meetings/{meeting_id}/cancel",
        {"reason": "Dipindah ke pekan depan", "csrf_token": token},
    )
    assert status == 302, body[:500]


@pytest.mark.postgres
def test_an_edit_on_one_server_reaches_the_other(servers, database):
    server_a, server_b = servers
    _url, meeting_id = database
    page = f"/meetings/{meeting_id}"
    before = server_b.request("GET", page)[2]
    counted = _counted(server_b.request("GET", "/meetings/rankings")[2])
    status, headers, feed = server_b.request("GET", "/calendar/all.ics?archive=1")
    assert status == 200 and _event_status(feed, meeting_id) == "CONFIRMED"
    etag = headers["etag"]
    assert "Dipindah ke pekan depan" not in before

    _cancel_through(server_a, meeting_id)

    # Pages and rankings: at once, on the other server.
    after = server_b.request("GET", page)[2]
    assert "Dipindah ke pekan depan" in after
    assert _counted(server_b.request("GET", "/meetings/rankings")[2]) == counted - 1
    # Feeds: once B's reading of the counter is older than the documented delay.
    time.sleep(FEED_DELAY + 0.2)
    status, headers, feed = server_b.request(
        "GET", "/calendar/all.ics?archive=1", **{"If-None-Match": etag}
    )
    assert status == 200 and headers["etag"] != etag
    assert _event_status(feed, meeting_id) == "CANCELLED"
