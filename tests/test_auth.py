"""Accounts, roles, login rate limits, sessions and the access rules of every route."""

from __future__ import annotations

import time

import pytest
from staff_helpers import PASSWORD, csrf_token, login, make_user

from tracker.auth import operations
from tracker.extensions import db
from tracker.models import ChangeLog, User

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# Write routes anyone may call: logging in and out.
# Visitors' forms: login/out, error reports, and e-mail alerts (confirm and unsubscribe
# are gated by a secret token in the link, checked in tests/test_alerts.py).
PUBLIC_WRITES = {
    "auth.login",
    "auth.logout",
    "corrections.report",
    "alerts.subscribe",
    "alerts.confirm",
    "alerts.unsubscribe",
}


def _routes(app):
    """Every (rule, method, url) in the URL map, with ids filled in."""
    adapter = app.url_map.bind("localhost")
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        url = adapter.build(rule.endpoint, {arg: 1 for arg in rule.arguments})
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method, url


def _is_private(rule, method):
    if rule.endpoint in PUBLIC_WRITES:
        return False
    return method in WRITE_METHODS or rule.rule.startswith(("/staff", "/admin"))


def _refused(response):
    if response.status_code in (401, 403):
        return True
    return response.status_code == 302 and "/login" in response.headers["Location"]


def test_anonymous_cannot_reach_any_write_route_or_staff_page(app, client):
    checked = 0
    for rule, method, url in _routes(app):
        if not _is_private(rule, method):
            continue
        response = client.open(url, method=method, data={})
        assert _refused(response), f"{method} {url} answered {response.status_code}"
        checked += 1
    # The staff workspace has dozens of such routes; an empty loop proves nothing.
    assert checked >= 25


def test_editor_cannot_reach_admin_routes(app, client):
    make_user("editor@kaltim.example")
    login(client, "editor@kaltim.example")
    checked = 0
    for rule, method, url in _routes(app):
        if not rule.rule.startswith("/admin"):
            continue
        response = client.open(url, method=method, data={})
        assert response.status_code == 403, f"{method} {url} answered {response.status_code}"
        checked += 1
    assert checked >= 10
    assert client.get("/staff/meetings/").status_code == 200


def test_admin_reaches_admin_pages(client):
    make_user("admin@kaltim.example", role="admin")
    login(client, "admin@kaltim.example")
    for url in ("/admin/users/", "/admin/users/new", "/admin/agencies/", "/admin/agencies/new"):
        assert client.get(url).status_code == 200, url
    html = client.get("/meetings/").get_data(as_text=True)
    assert ">Admin<" in html and "Keluar" in html and "Rapat staf" in html


def test_nav_links_follow_the_role(client):
    assert "Masuk" in client.get("/meetings/").get_data(as_text=True)
    make_user("editor@kaltim.example")
    login(client, "editor@kaltim.example")
    html = client.get("/meetings/").get_data(as_text=True)
    assert "Rapat staf" in html and "Siaran pers" in html and "Keluar" in html
    assert ">Admin<" not in html


def test_login_and_logout(client):
    make_user("editor@kaltim.example")
    response = login(client, "EDITOR@kaltim.example ")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/meetings/")
    assert client.get("/staff/meetings/").status_code == 200
    assert client.get("/logout").status_code == 405  # never by a GET link
    assert client.post("/logout").status_code == 302
    assert client.get("/staff/meetings/").status_code == 302


def test_login_goes_back_to_next_but_never_offsite(client):
    make_user("editor@kaltim.example")
    response = client.get("/staff/press/")
    assert "/login?next=" in response.headers["Location"]
    response = login(client, "editor@kaltim.example", query_string={"next": "/staff/press/"})
    assert response.headers["Location"].endswith("/staff/press/")
    client.post("/logout")
    response = login(client, "editor@kaltim.example", query_string={"next": "//evil.example/x"})
    assert response.headers["Location"].endswith("/staff/meetings/")


def test_login_errors_do_not_reveal_whether_the_account_exists(client, monkeypatch):
    make_user("editor@kaltim.example")
    dummy_calls = []
    real_dummy = operations.dummy_verify
    monkeypatch.setattr(operations, "dummy_verify", lambda: dummy_calls.append(1) or real_dummy())
    wrong = login(client, "editor@kaltim.example", "salah-sekali-1234")
    unknown = login(client, "nobody@kaltim.example", "salah-sekali-1234")
    assert wrong.status_code == unknown.status_code == 422
    message = "Alamat surel atau kata sandi salah."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)
    assert dummy_calls == [1]  # only the unknown account paid the dummy hash
    # The typed e-mail is kept, the password never echoed.
    html = unknown.get_data(as_text=True)
    assert 'value="nobody@kaltim.example"' in html
    assert "salah-sekali-1234" not in html


def test_password_is_stored_as_argon2id(app):
    user = make_user("editor@kaltim.example")
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_deactivated_user_is_refused_on_the_next_request(client):
    admin = make_user("admin@kaltim.example", role="admin")
    editor = make_user("editor@kaltim.example")
    login(client, "editor@kaltim.example")
    assert client.get("/staff/meetings/").status_code == 200
    operations.set_active(db.session.get(User, editor.id), False, admin)
    db.session.commit()
    response = client.get("/staff/meetings/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    # Logging in again fails with the same message as a wrong password.
    again = login(client, "editor@kaltim.example")
    assert again.status_code == 422
    assert "Alamat surel atau kata sandi salah." in again.get_data(as_text=True)


def test_admin_deactivates_and_reactivates_through_the_pages(app, client):
    make_user("admin@kaltim.example", role="admin")
    editor = make_user("editor@kaltim.example")
    editor_client = app.test_client()
    login(editor_client, "editor@kaltim.example")
    login(client, "admin@kaltim.example")
    assert "editor@kaltim.example" in client.get("/admin/users/").get_data(as_text=True)
    response = client.post(f"/admin/users/{editor.id}/deactivate", follow_redirects=True)
    assert "dinonaktifkan" in response.get_data(as_text=True)
    assert editor_client.get("/staff/meetings/").status_code == 302
    client.post(f"/admin/users/{editor.id}/reactivate")
    assert db.session.get(User, editor.id).active is True
    entries = (
        db.session.execute(
            db.select(ChangeLog).filter_by(entity="user", entity_id=editor.id, action="update")
        )
        .scalars()
        .all()
    )
    assert [e.changes["active"] for e in entries] == [[True, False], [False, True]]


def test_admin_cannot_deactivate_or_demote_themselves(client):
    admin = make_user("admin@kaltim.example", role="admin")
    login(client, "admin@kaltim.example")
    html = client.post(f"/admin/users/{admin.id}/deactivate", follow_redirects=True).get_data(
        as_text=True
    )
    assert "tidak bisa menonaktifkan akun sendiri" in html
    html = client.post(
        f"/admin/users/{admin.id}/role", data={"role": "editor"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "tidak bisa mencabut peran admin sendiri" in html
    db.session.expire_all()
    assert db.session.get(User, admin.id).role == "admin"


def test_admin_creates_user_and_changes_role(client):
    make_user("admin@kaltim.example", role="admin")
    login(client, "admin@kaltim.example")
    response = client.post(
        "/admin/users/new",
        data={"email": "baru@kaltim.example", "name": "Staf Baru", "password": "x" * 12},
    )
    assert response.status_code == 302
    user = operations.find_user_by_email("baru@kaltim.example")
    assert user.role == "editor" and user.password_hash.startswith("$argon2id$")
    client.post(f"/admin/users/{user.id}/role", data={"role": "admin"})
    db.session.expire_all()
    assert db.session.get(User, user.id).role == "admin"


def test_rejected_user_form_keeps_input_and_marks_fields(client):
    make_user("admin@kaltim.example", role="admin")
    login(client, "admin@kaltim.example")
    response = client.post(
        "/admin/users/new",
        data={"email": "admin@kaltim.example", "name": "Dua Kali", "password": "pendek"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'value="Dua Kali"' in html
    assert "Kata sandi minimal 10 karakter." in html
    assert (
        'id="password-error"' in html and 'aria-describedby="password-desc password-error"' in html
    )
    # The duplicate e-mail is caught by the operation once the password is long enough.
    response = client.post(
        "/admin/users/new",
        data={"email": "admin@kaltim.example", "name": "Dua Kali", "password": "x" * 12},
    )
    assert "Alamat surel ini sudah terdaftar." in response.get_data(as_text=True)
    assert 'id="email-error"' in response.get_data(as_text=True)


def test_session_cookie_flags(client):
    make_user("editor@kaltim.example")
    cookie = login(client, "editor@kaltim.example").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie
    secure = login(client, "editor@kaltim.example", base_url="https://localhost")
    # Already logged in: the redirect still refreshes the session over HTTPS.
    client.post("/logout", base_url="https://localhost")
    secure = login(client, "editor@kaltim.example", base_url="https://localhost")
    assert "Secure" in secure.headers["Set-Cookie"]


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_post_without_csrf_token_is_refused(client):
    make_user("editor@kaltim.example")
    response = login(client, "editor@kaltim.example")
    assert response.status_code == 400
    assert "token keamanan" in response.get_data(as_text=True)
    token = csrf_token(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": "editor@kaltim.example", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    # Logged in, a staff write without the token is still refused and writes nothing.
    response = client.post("/staff/meetings/new", data={"title": "Tanpa token"})
    assert response.status_code == 400
    response = client.post("/logout")
    assert response.status_code == 400


def _fail(client, email, address):
    return login(client, email, "salah-1234567", environ_base={"REMOTE_ADDR": address})


def _right(client, email, address):
    return login(client, email, environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per 15 minutes"}]
)
def test_login_is_rate_limited_per_account_and_address(client):
    make_user("editor@kaltim.example")
    for _ in range(3):
        assert _fail(client, "editor@kaltim.example", "10.0.0.1").status_code == 422
    # From that address even the right password is refused for now ...
    response = _right(client, "editor@kaltim.example", "10.0.0.1")
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.get_data(as_text=True)
    assert client.get("/staff/meetings/").status_code == 302
    # ... but not from an address that has not failed.
    assert _right(client, "editor@kaltim.example", "10.0.0.9").status_code == 302


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_ACCOUNT_RATE_LIMIT": "3 per 15 minutes"}]
)
def test_login_is_rate_limited_per_account_for_addresses_that_failed_it(client):
    make_user("editor@kaltim.example")
    for n in range(3):
        assert _fail(client, "editor@kaltim.example", f"10.0.0.{n}").status_code == 422
    assert _right(client, "editor@kaltim.example", "10.0.0.0").status_code == 429
    assert _fail(client, "editor@kaltim.example", "10.0.0.1").status_code == 429
    # The owner, from an address that has not failed, logs in.
    assert _right(client, "editor@kaltim.example", "10.0.0.9").status_code == 302


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_ADDRESS_RATE_LIMIT": "3 per 15 minutes"}]
)
def test_login_is_rate_limited_per_address(client):
    make_user("other@kaltim.example")
    for n in range(3):
        assert login(client, f"guess{n}@kaltim.example", "salah-1234567").status_code == 422
    assert login(client, "other@kaltim.example").status_code == 429
    # Another address is unaffected.
    response = login(client, "other@kaltim.example", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert response.status_code == 302


def test_rate_limit_is_off_when_disabled(client):
    make_user("editor@kaltim.example")
    for _ in range(8):
        login(client, "editor@kaltim.example", "salah-1234567")
    assert login(client, "editor@kaltim.example").status_code == 302


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "2 per 1 second"}]
)
def test_login_window_ends_and_a_right_password_clears_it(client):
    make_user("editor@kaltim.example")
    for _ in range(2):
        _fail(client, "editor@kaltim.example", "10.0.0.1")
    assert _right(client, "editor@kaltim.example", "10.0.0.1").status_code == 429
    time.sleep(1.05)  # the window has ended
    assert _fail(client, "editor@kaltim.example", "10.0.0.1").status_code == 422
    assert _right(client, "editor@kaltim.example", "10.0.0.1").status_code == 302
    client.post("/logout")
    # The success forgot the failure before it: one more failure is not yet the limit.
    assert _fail(client, "editor@kaltim.example", "10.0.0.1").status_code == 422
    assert _right(client, "editor@kaltim.example", "10.0.0.1").status_code == 302


def test_builtin_form_messages_in_both_languages(client):
    make_user("admin@kaltim.example", role="admin")
    login(client, "admin@kaltim.example")
    data = {"short_name": "Tes", "full_name": "Tes", "kind": "police", "valid_from": "kemarin"}
    html = client.post("/admin/agencies/new", data=data).get_data(as_text=True)
    assert "Bukan tanggal yang sah." in html
    client.get("/lang/en")
    html = client.post("/admin/agencies/new", data=data).get_data(as_text=True)
    assert "Not a valid date value." in html


def test_production_hashes_use_memory_hard_defaults(tmp_path):
    """Outside the test config, Argon2id runs with the library's RFC 9106 cost."""
    from conftest import make_app

    from tracker.auth.operations import hash_password

    app = make_app("sqlite", tmp_path, PASSWORD_HASH_PARAMS=None)
    with app.app_context():
        assert ",".join(["m=65536", "t=3", "p=4"]) in hash_password("kata-sandi-panjang")


def _change_password(client, current, new, confirm=None):
    return client.post(
        "/staff/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new if confirm is None else confirm,
        },
    )


def test_password_change_refuses_with_the_reason_under_each_field(client):
    editor = make_user("editor@kaltim.example")
    login(client, "editor@kaltim.example")
    assert client.get("/staff/account/password").status_code == 200
    new = "kata-sandi-baru-123"
    cases = [
        (("salah-sekali-1234", new), "current_password", "Kata sandi saat ini salah."),
        ((PASSWORD, "pendek"), "new_password", "Kata sandi minimal 10 karakter."),
        ((PASSWORD, PASSWORD), "new_password", "Kata sandi baru harus berbeda dari yang sekarang."),
        ((PASSWORD, new, new + "x"), "confirm_password", "Kedua kata sandi baru tidak sama."),
    ]
    for args, field, message in cases:
        response = _change_password(client, *args)
        html = response.get_data(as_text=True)
        assert response.status_code == 422, message
        assert message in html and f'id="{field}-error"' in html, message
        assert args[0] not in html  # passwords are never echoed back
    client.get("/lang/en")
    html = _change_password(client, "salah-sekali-1234", new).get_data(as_text=True)
    assert "The current password is wrong." in html
    db.session.expire_all()
    assert operations.verify_password(db.session.get(User, editor.id), PASSWORD)


def test_password_change_is_logged_without_the_secret(client):
    editor = make_user("editor@kaltim.example")
    login(client, "editor@kaltim.example")
    response = _change_password(client, PASSWORD, "kata-sandi-baru-123")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/staff/account/sessions")
    entry = db.session.execute(
        db.select(ChangeLog).filter_by(entity="user", entity_id=editor.id, action="password")
    ).scalar_one()
    assert entry.changes == {"password": ["(lama)", "(baru)"]}
    assert client.get("/staff/meetings/").status_code == 200


def test_sessions_page_shows_agent_and_address_escaped(client):
    make_user("editor@kaltim.example")
    login(
        client,
        "editor@kaltim.example",
        headers={"User-Agent": "<script>alert(1)</script> Firefox/128.0"},
        environ_base={"REMOTE_ADDR": "10.1.2.3"},
    )
    html = client.get("/staff/account/sessions").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Firefox/128.0" in html
    assert "<script>alert" not in html
    assert "10.1.2.3" in html and "Sesi ini" in html
    assert "Sesi aktif" in html and "Ganti kata sandi" in html  # in the staff navigation
    assert "Sesi aktif" not in client.post("/logout", follow_redirects=True).get_data(as_text=True)
