"""Every route and method, as anonymous, editor, admin and deactivated user, against one table.

The expected answers live in ``access_matrix.csv`` (one row per endpoint and method);
a route missing from the table, or a row whose route is gone, fails the test. POSTs
carry the session's valid CSRF token (CSRF stays on here), so a refusal is about the
role and never about a missing token; where the role may act, the POST carries valid
data and the action really happens (on a fresh row each time, so the order of the
requests cannot change an answer).

To add a route: run with ``ADVERSARIAL_WRITE_MATRIX=1`` to print the observed rows,
check each answer by hand, and paste them into the table.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from staff_helpers import make_user
from werkzeug.routing import Rule

from tracker.auth.operations import open_login
from tracker.calendar.operations import regenerate_feed_token
from tracker.corrections.operations import report_correction
from tracker.extensions import db
from tracker.meetings.operations import add_participation, create_meeting, find_or_create_person
from tracker.models import Region
from tracker.press.operations import attach_press_release, create_press_release

from .conftest import ROLES, World, log_in, page_token

MATRIX = Path(__file__).with_name("access_matrix.csv")
METHODS = ("GET", "POST")
COLUMNS = ("endpoint", "rule", "method", *ROLES)
WITA = ZoneInfo("Asia/Makassar")
# POST routes that take JSON rather than a form.
JSON_POSTS = {"api_extract.extract": {"text": "Rakor digelar di Samarinda, Selasa (6/2/2024)."}}
# POSTs open to visitors: logging in and out, and a reader's report of an error
# (CSRF, a rate limit and a honeypot guard it; it only ever adds a pending report).
# Forms visitors may send: logging in and out, reporting an error, and the e-mail alerts
# (subscribing; confirming and unsubscribing, each gated by a secret token in the link).
PUBLIC_POSTS = (
    "auth.login",
    "auth.logout",
    "corrections.report",
    "alerts.subscribe",
    "alerts.confirm",
    "alerts.unsubscribe",
)
STAFF_PREFIXES = ("/staff/", "/admin/", "/calendar/private", "/calendar/import")


@pytest.fixture
def app_config() -> dict[str, Any]:
    """CSRF on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


def read_matrix() -> dict[tuple[str, str], dict[str, str]]:
    """The expected answers, keyed by (endpoint, method)."""
    with MATRIX.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    table = {(r["endpoint"], r["method"]): r for r in rows}
    assert len(table) == len(rows), "duplicate (endpoint, method) rows in access_matrix.csv"
    for row in rows:
        for role in ROLES:
            assert row[role], f"{row['endpoint']} {row['method']}: no answer for {role}"
    return table


def routes(app: Any) -> list[tuple[Rule, str]]:
    """Every rule of the URL map with every method tried against it."""
    rules = sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule))
    return [(rule, method) for rule in rules for method in METHODS]


def _fresh_meeting(world: World) -> Any:
    region = db.session.execute(db.select(Region).filter_by(code="64.71")).scalar_one()
    number = world.next()
    meeting = create_meeting(
        {
            "title": f"Rakor matriks {number}",
            "starts_at": datetime(2024, 5, 2, 9, 0, tzinfo=WITA),
            "region_id": region.id,
        }
    )
    add_participation(meeting, {"agency_id": world.agency.id, "roles": {"attendee"}})
    release = create_press_release(
        {"outlet": "Humas", "title": f"Rilis matriks {number}", "body": f"Rapat {number} digelar."}
    )
    attach_press_release(meeting, release)
    db.session.commit()
    return meeting, release


def _public_person(world: World) -> Any:
    """An official named in the world's public meeting (their page exists)."""
    person = find_or_create_person("Saksi Matriks")
    if not any(p.person_id == person.id for p in world.meeting.participations):
        add_participation(world.meeting, {"person_id": person.id})
        db.session.commit()
    return person


def fill(world: World, rule: Rule, method: str) -> dict[str, Any]:
    """URL values from real rows; a POST gets rows of its own to act on."""
    values: dict[str, Any] = {}
    fresh = method == "POST"
    for arg in rule.arguments:
        if arg == "meeting_id":
            values[arg] = _fresh_meeting(world)[0].id if fresh else world.meeting.id
        elif arg == "release_id":
            if fresh:
                meeting, release = _fresh_meeting(world)
                values[arg] = release.id
                values.setdefault("meeting_id", meeting.id)
            else:
                values[arg] = world.release.id
        elif arg == "user_id":
            victim = make_user(f"korban{world.next()}@kaltim.example", "editor")
            values[arg] = victim.id if fresh else world.editor.id
        elif arg == "agency_id":
            values[arg] = world.agency.id
        elif arg == "login_id":
            # The editor's own login: the editor may end it; to anyone else it does not exist.
            values[arg] = open_login(world.editor, "matriks", "127.0.0.1")[0].id
            db.session.commit()
        elif arg == "slug":
            values[arg] = "pemilu-2024" if "election" in rule.endpoint else "polda-kaltim"
        elif arg == "code":
            values[arg] = "en" if rule.endpoint == "site.set_language" else "64"
        elif arg == "kind":
            values[arg] = "rakor"
        elif arg == "token":
            values[arg] = world.editor.feed_token or regenerate_feed_token(world.editor)
            db.session.commit()
        elif arg == "person_id":
            values[arg] = _public_person(world).id
        elif arg == "filename":
            values[arg] = "css/app.css"
        elif arg == "correction_id":
            # A fresh pending report each time: a POST may accept or decline it.
            meeting = _fresh_meeting(world)[0] if fresh else world.meeting
            values[arg] = report_correction(
                meeting, {"field": "title", "description": f"Laporan matriks {world.next()}"}
            ).id
            db.session.commit()
        else:
            raise AssertionError(f"no filler for URL parameter {arg!r} of {rule.rule}")
    return values


ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Dinas Uji//ID\r\n"
    b"BEGIN:VEVENT\r\nUID:matriks-%d@dinas.example\r\nDTSTAMP:20240101T000000Z\r\n"
    b"DTSTART;TZID=Asia/Makassar:20240710T090000\r\nSUMMARY:Rakor impor %d\r\n"
    b"END:VEVENT\r\nEND:VCALENDAR\r\n"
)


def post_data(world: World, endpoint: str, values: dict[str, Any]) -> dict[str, Any]:
    """Valid form data for the POSTs a permitted role should complete."""
    number = world.next()
    region = db.session.execute(db.select(Region).filter_by(code="64.71")).scalar_one()
    data: dict[str, Any] = {
        "auth.login": {"email": "tidak.ada@kaltim.example", "password": "salah-sekali-123"},
        "auth.user_new": {
            "email": f"baru{number}@kaltim.example",
            "name": f"Baru {number}",
            "password": "kata-sandi-baru-123",
            "role": "editor",
        },
        "auth.user_role": {"role": "admin"},
        "corrections.report": {"field": "when", "description": "Tanggalnya keliru."},
        "staff_corrections.decline": {"reason": "Rilis resmi menyebut tanggal itu."},
        "staff_meetings.cancel": {"reason": "Banjir di lokasi rapat"},
        "staff_meetings.postpone": {
            "start_date": "2024-05-09",
            "start_time": "10:00",
            "reason": "Pimpinan berhalangan",
        },
        "staff_meetings.new": {
            "title": f"Rakor baru {number}",
            "kind": "rakor",
            "region": str(region.id),
            "start_date": "2024-06-03",
            "start_time": "09:00",
            "visibility": "public",
            "participations-0-agency_name": "Polda Kaltim",
        },
        "staff_press.new": {
            "outlet": "Humas Pemprov",
            "title": f"Rilis baru {number}",
            "body": f"Rakor {number} digelar di Samarinda.",
        },
        "calendar.import_ics": {
            "region": "64.71",
            "kind": "rakor",
            "visibility": "public",
            "file": (io.BytesIO(ICS % (number, number)), "agenda.ics"),
        },
        "admin_agencies.new": {
            "short_name": f"Badan Uji {number}",
            "full_name": f"Badan Uji Coba {number}",
            "kind": "other",
        },
    }.get(endpoint, {})
    return data


def classify(response: Any) -> str:
    """A status code, with redirects to the login page told apart."""
    code = response.status_code
    if code in (301, 302, 303) and "/login" in response.headers.get("Location", ""):
        return f"{code}-login"
    return str(code)


def observe(world: World, rule: Rule, method: str, role: str) -> str:
    """Send the request as ``role`` and classify the answer."""
    actor = world.actors[role]
    client, token = actor.client, actor.token
    if rule.endpoint == "auth.logout" and role in ("editor", "admin"):
        # Logging out must not end the actor's own session: use a second one.
        client = log_in(world.app, actor.user.email)
        token = page_token(client.get("/staff/meetings/new").get_data(as_text=True))
    values = fill(world, rule, method)
    path = world.app.url_map.bind("localhost").build(rule.endpoint, values)
    if method == "GET":
        response = client.get(path)
    else:
        data = dict(post_data(world, rule.endpoint, values))
        if rule.endpoint in JSON_POSTS:
            response = client.post(path, json=JSON_POSTS[rule.endpoint])
        else:
            if token:
                data["csrf_token"] = token
            response = client.post(path, data=data)
    outcome = classify(response)
    response.close()  # file-backed answers (feeds, static files) hold a handle
    return outcome


def test_every_route_answers_each_role_as_the_table_says(world: World) -> None:
    table = read_matrix()
    observed: list[dict[str, str]] = []
    for rule, method in routes(world.app):
        row = {"endpoint": rule.endpoint, "rule": rule.rule, "method": method}
        for role in ROLES:
            row[role] = observe(world, rule, method, role)
        observed.append(row)
    if os.environ.get("ADVERSARIAL_WRITE_MATRIX") == "1":
        out = io.StringIO()
        writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(observed)
        print(out.getvalue())

    keys = [(r["endpoint"], r["method"]) for r in observed]
    missing = [key for key in keys if key not in table]
    assert not missing, f"routes without an entry in access_matrix.csv: {missing}"
    stale = set(table) - set(keys)
    assert not stale, f"access_matrix.csv names routes that no longer exist: {sorted(stale)}"
    wrong = [
        (r["endpoint"], r["method"], role, table[(r["endpoint"], r["method"])][role], r[role])
        for r in observed
        for role in ROLES
        if table[(r["endpoint"], r["method"])][role] != r[role]
    ]
    assert not wrong, "endpoint, method, role, expected, got:\n" + "\n".join(map(str, wrong))


def test_table_never_opens_staff_routes_to_outsiders() -> None:
    """Whatever someone writes into the table, some answers are never acceptable."""
    for row in read_matrix().values():
        # A deactivated account's old session is worth exactly nothing.
        assert row["anonymous"] == row["deactivated"], row
        if row["rule"].startswith(STAFF_PREFIXES) and not row["rule"].endswith("<token>.ics"):
            assert row["anonymous"] in ("302-login", "405"), row
        if row["rule"].startswith("/admin/"):
            assert row["editor"] in ("403", "405"), row
        if row["method"] == "POST" and row["endpoint"] not in PUBLIC_POSTS:
            # No write is open to visitors: refused, sent to log in, or not a POST route.
            assert row["anonymous"] in ("302-login", "401", "403", "405"), row
