"""Stolen and stale session cookies: logout, password change and deactivation end them.

An attacker who copied a staff member's cookie (a shared computer, a leaked proxy log)
keeps it after the victim logs out, changes the password or is deactivated; each of
those must make the copy worth nothing, on the server. CSRF stays on throughout.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import encode_cookie
from staff_helpers import PASSWORD, make_user

from tracker.auth import operations
from tracker.calendar.operations import regenerate_feed_token
from tracker.extensions import db
from tracker.models import LoginSession, User, utcnow

from .conftest import log_in, new_client, page_token

STAFF_PAGE = "/staff/meetings/"
NEW_PASSWORD = "kata-sandi-baru-yang-panjang"


@pytest.fixture
def app_config() -> dict[str, Any]:
    """CSRF on, as in production."""
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def editor(app: Flask) -> User:
    """An editor account."""
    return make_user("editor.sesi@kaltim.example", "editor", "Editor Sesi")


def copy_of(app: Flask, client: FlaskClient) -> FlaskClient:
    """A second client holding a copy of ``client``'s session cookie, as a thief would."""
    name = app.config["SESSION_COOKIE_NAME"]
    cookie = client.get_cookie(name)
    assert cookie is not None
    thief = new_client(app)
    thief.set_cookie(name, cookie.value)
    return thief


def is_anonymous(client: FlaskClient) -> bool:
    """Whether a staff page sends this client to the login page."""
    response = client.get(STAFF_PAGE)
    return response.status_code == 302 and "/login" in response.headers["Location"]


def post(client: FlaskClient, path: str, form_page: str = STAFF_PAGE, **data: str) -> Any:
    """POST with the CSRF token of the client's own session."""
    token = page_token(client.get(form_page).get_data(as_text=True))
    assert token, f"no CSRF token on {form_page}"
    return client.post(path, data={"csrf_token": token, **data})


def sign_in(app: Flask, email: str, password: str) -> Any:
    """Post the login form from a fresh client; return the answer."""
    client = new_client(app)
    token = page_token(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def live_count(user: User) -> int:
    """How many of the user's logins still open pages."""
    db.session.expire_all()
    return len(operations.live_logins(user))


def test_copied_cookie_is_dead_after_logout(app, editor):
    victim = log_in(app, editor.email)
    thief = copy_of(app, victim)
    assert not is_anonymous(thief)  # the copy works while the login lasts
    assert post(victim, "/logout").status_code == 302
    assert is_anonymous(victim)
    assert is_anonymous(thief)
    record = db.session.execute(db.select(LoginSession)).scalar_one()
    assert record.revoked_at is not None


def test_a_cookie_naming_the_account_instead_of_a_login_opens_nothing(app, editor):
    """Neither the session's user id nor a remember cookie bypasses the login record."""
    victim = log_in(app, editor.email)
    thief = copy_of(app, victim)
    post(victim, "/logout")
    # The old shape of a session: Flask-Login's "_user_id" holding the account id.
    with thief.session_transaction() as stored:
        stored["_user_id"] = str(editor.id)
    assert is_anonymous(thief)
    remembered = new_client(app)
    name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    with app.test_request_context():
        remembered.set_cookie(name, encode_cookie(str(editor.id)))
    assert is_anonymous(remembered)


def test_password_change_ends_other_sessions_and_keeps_this_one(app, editor):
    here = log_in(app, editor.email)
    elsewhere = log_in(app, editor.email)
    copy_from_before = copy_of(app, here)
    response = post(
        here,
        "/staff/account/password",
        "/staff/account/password",
        current_password=PASSWORD,
        new_password=NEW_PASSWORD,
        confirm_password=NEW_PASSWORD,
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert not is_anonymous(here)
    assert is_anonymous(elsewhere)
    # This session was given a new token: a copy taken before the change is dead too.
    assert is_anonymous(copy_from_before)
    assert live_count(editor) == 1
    # The new password opens a session; the old one no longer does.
    assert sign_in(app, editor.email, NEW_PASSWORD).status_code == 302
    assert sign_in(app, editor.email, PASSWORD).status_code == 422


def test_deactivation_ends_sessions_for_good(app, editor):
    admin = make_user("admin.sesi@kaltim.example", "admin", "Admin Sesi")
    victim = log_in(app, editor.email)
    thief = copy_of(app, victim)
    boss = log_in(app, admin.email)
    assert post(boss, f"/admin/users/{editor.id}/deactivate").status_code == 302
    assert is_anonymous(victim) and is_anonymous(thief)
    assert live_count(editor) == 0
    # Reactivating the account does not bring the old cookies back.
    assert post(boss, f"/admin/users/{editor.id}/reactivate").status_code == 302
    assert is_anonymous(victim) and is_anonymous(thief)
    assert not is_anonymous(log_in(app, editor.email))


def test_csrf_token_from_before_login_is_refused_after_login(app, editor):
    client = new_client(app)
    before = page_token(client.get("/login").get_data(as_text=True))
    assert before
    response = client.post(
        "/login", data={"email": editor.email, "password": PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert not is_anonymous(client)  # the refused logout did nothing
    after = page_token(client.get(STAFF_PAGE).get_data(as_text=True))
    assert after and after != before
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302
    assert is_anonymous(client)


def test_session_list_ends_another_session_and_all_others(app, editor):
    here = log_in(app, editor.email)
    phone = log_in(app, editor.email)
    laptop = log_in(app, editor.email)
    html = here.get("/staff/account/sessions").get_data(as_text=True)
    assert html.count("Akhiri sesi") == 3 + 1  # one button per row and "end all others"
    assert "Sesi ini" in html and "WIB" in html
    laptop_record = max(operations.live_logins(editor), key=lambda r: r.id)
    assert post(here, f"/staff/account/sessions/{laptop_record.id}/end").status_code == 302
    assert is_anonymous(laptop)
    assert not is_anonymous(here) and not is_anonymous(phone)
    assert live_count(editor) == 2
    assert post(here, "/staff/account/sessions/end-others").status_code == 302
    assert not is_anonymous(here)
    assert is_anonymous(phone) and is_anonymous(laptop)
    assert live_count(editor) == 1


def test_nobody_ends_someone_elses_session(app, editor):
    other = make_user("lain.sesi@kaltim.example", "editor", "Lain Sesi")
    victim = log_in(app, editor.email)
    attacker = log_in(app, other.email)
    (record,) = operations.live_logins(editor)
    assert post(attacker, f"/staff/account/sessions/{record.id}/end").status_code == 404
    assert not is_anonymous(victim)


def test_ending_this_session_from_the_list_logs_out(app, editor):
    client = log_in(app, editor.email)
    (record,) = operations.live_logins(editor)
    response = post(client, f"/staff/account/sessions/{record.id}/end")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert is_anonymous(client)


def test_reactivated_account_gets_a_new_feed_address(app, editor):
    admin = make_user("admin.feed@kaltim.example", "admin", "Admin Feed")
    old = regenerate_feed_token(editor)
    db.session.commit()
    reader = new_client(app)
    assert reader.get(f"/calendar/private/{old}.ics").status_code == 200
    operations.set_active(editor, False, admin)
    db.session.commit()
    assert reader.get(f"/calendar/private/{old}.ics").status_code == 404
    operations.set_active(editor, True, admin)
    db.session.commit()
    assert reader.get(f"/calendar/private/{old}.ics").status_code == 404
    new = db.session.get(User, editor.id).feed_token
    assert new and new != old
    assert reader.get(f"/calendar/private/{new}.ics").status_code == 200


def test_last_seen_is_written_at_most_once_a_minute(app, editor):
    client = log_in(app, editor.email)
    (record,) = operations.live_logins(editor)
    long_ago = record.created_at - timedelta(minutes=5)
    record.last_seen_at = long_ago
    db.session.commit()
    client.get(STAFF_PAGE)
    db.session.expire_all()
    seen = db.session.get(LoginSession, record.id).last_seen_at
    assert seen > long_ago + timedelta(minutes=4)
    client.get(STAFF_PAGE)  # within the minute: no second write
    db.session.expire_all()
    assert db.session.get(LoginSession, record.id).last_seen_at == seen


@pytest.mark.parametrize(
    "stamp, limit", [("last_seen_at", timedelta(hours=12)), ("created_at", timedelta(days=30))]
)
def test_an_idle_or_old_login_ends_by_itself(app, editor, stamp, limit):
    client = log_in(app, editor.email)
    thief = copy_of(app, client)

    def age_login(by: timedelta) -> None:
        db.session.expire_all()
        record = db.session.execute(db.select(LoginSession)).scalar_one()
        setattr(record, stamp, utcnow() - by)
        db.session.commit()

    age_login(limit - timedelta(minutes=1))
    assert not is_anonymous(client)  # a minute inside the limit it still opens pages
    age_login(limit + timedelta(minutes=1))
    # Past it, neither the browser nor a copy of its cookie gets in, and it is not listed.
    assert is_anonymous(client) and is_anonymous(thief)
    assert operations.live_logins(db.session.get(User, editor.id)) == []


def test_a_new_login_deletes_the_users_dead_ones(app, editor):
    ended = log_in(app, editor.email)
    assert post(ended, "/logout").status_code == 302
    stale = log_in(app, editor.email)
    db.session.expire_all()
    newest = max(db.session.execute(db.select(LoginSession.id)).scalars())
    db.session.get(LoginSession, newest).last_seen_at = utcnow() - timedelta(days=1)
    db.session.commit()
    assert is_anonymous(stale)
    log_in(app, editor.email)
    db.session.expire_all()
    rows = db.session.execute(db.select(LoginSession)).scalars().all()
    assert len(rows) == 1 and rows[0].revoked_at is None  # only the live one is kept
