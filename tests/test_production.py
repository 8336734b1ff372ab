"""Hardening: security headers, error pages, size limits, backups, concurrent writers."""

from __future__ import annotations

import multiprocessing
import os
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import PG_URL, make_app
from flask import Flask
from sqlalchemy import text

from tracker import create_app
from tracker.calendar import state
from tracker.extensions import db
from tracker.models import Meeting, Region
from tracker.production import ConfigurationError, is_production


def test_security_headers(client):
    response = client.get("/meetings/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "Strict-Transport-Security" not in response.headers
    secure = client.get("/meetings/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=")


def test_friendly_errors_in_both_languages(client):
    response = client.get("/tidak-ada")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.get_data(as_text=True)
    client.set_cookie("lang", "en")
    assert "Page not found" in client.get("/tidak-ada").get_data(as_text=True)
    api = client.get("/api/tidak-ada")
    assert api.status_code == 404
    assert api.get_json()["error"]["code"] == 404


@pytest.mark.parametrize("app_config", [{"PROPAGATE_EXCEPTIONS": False}])
def test_server_error_hides_the_trace(app, client):
    def broken() -> str:
        raise RuntimeError("secret internals")

    app.add_url_rule("/boom", "boom", broken)
    response = client.get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert "Terjadi kesalahan di server" in body


@pytest.mark.parametrize("app_config", [{"MAX_CONTENT_LENGTH": 1024}])
def test_request_size_limit(app, client):
    from flask import request

    app.add_url_rule("/echo", "echo", lambda: str(len(request.form)), methods=["POST"])
    assert client.post("/echo", data={"x": "a" * 100}).status_code == 200
    response = client.post("/echo", data={"x": "a" * 5000})
    assert response.status_code == 413
    assert "Kiriman terlalu besar" in response.get_data(as_text=True)


def _meeting_fields(region_id: int, n: int) -> dict:
    start = datetime(2024, 1, 1, 9, tzinfo=ZoneInfo("Asia/Makassar")) + timedelta(hours=n)
    return {"title": f"Rakor {n}", "starts_at": start, "region_id": region_id}


def _backup_app(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    if backend == "sqlite":
        app = make_app("sqlite", tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'live.sqlite'}")
        ctx = app.app_context()
        ctx.push()
        db.create_all()
        from tracker.cli import _load_reference

        _load_reference()
        db.session.commit()
        request.addfinalizer(lambda: (db.session.remove(), db.engine.dispose(), ctx.pop()))
        return app
    return request.getfixturevalue("app")


def test_backup_round_trip_loses_nothing(backend, tmp_path, request):
    from tracker.backup import backup, restore
    from tracker.meetings.operations import create_meeting

    _backup_app(backend, tmp_path, request)
    kaltim = db.session.execute(db.select(Region).filter_by(code="64")).scalar_one()
    for n in range(5):
        create_meeting(_meeting_fields(kaltim.id, n))
    db.session.commit()
    tables = [t.name for t in db.metadata.sorted_tables]

    def counts() -> dict[str, int]:
        return {
            t: db.session.execute(text(f'SELECT COUNT(*) FROM "{t}"')).scalar_one() for t in tables
        }

    before = counts()
    epoch = state.read().epoch
    uids = sorted(db.session.execute(db.select(Meeting.uid)).scalars())
    target = tmp_path / "backup.dump"
    backup(target)
    assert target.stat().st_size > 0
    db.session.execute(db.delete(Meeting))
    db.session.commit()
    assert counts()["meeting"] == 0
    restore(target)
    assert counts() == before
    # Pages and ETags kept under the backup's counter never match the restored one.
    assert state.read().epoch != epoch
    assert sorted(db.session.execute(db.select(Meeting.uid)).scalars()) == uids


def _writer(url: str, instance: str, worker: int, count: int) -> None:
    """Create ``count`` meetings, each in its own request-sized transaction."""
    from tracker import create_app
    from tracker.meetings.operations import create_meeting

    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url, "INSTANCE_PATH": instance}
    )
    with app.app_context():
        region_id = db.session.execute(db.select(Region.id).filter_by(code="64")).scalar_one()
        for n in range(count):
            create_meeting(_meeting_fields(region_id, worker * 10_000 + n))
            db.session.commit()
        db.engine.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def test_four_writers_at_once(backend, tmp_path, request):
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'busy.sqlite'}"
        app = make_app("sqlite", tmp_path, DATABASE_URL=url)
        with app.app_context():
            db.create_all()
            from tracker.cli import _load_reference

            _load_reference()
            db.session.commit()
            db.engine.dispose()
    else:
        request.getfixturevalue("app")
        url = PG_URL
    spawn = multiprocessing.get_context("spawn")
    procs = [
        spawn.Process(target=_writer, args=(url, str(tmp_path / "instance"), w, 500))
        for w in range(4)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=300)
        assert proc.exitcode == 0
    check = make_app(backend, tmp_path, DATABASE_URL=url)
    with check.app_context():
        assert db.session.execute(db.select(db.func.count(Meeting.id))).scalar_one() == 2000
        if backend == "sqlite":
            assert db.session.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
            assert db.session.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        db.session.remove()
        db.engine.dispose()


STRONG_KEY = "k" * 64
BASE = "https://rakor.example.id"


def _served_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, **config: object) -> Flask:
    """An app created as gunicorn creates it: not TESTING, not DEBUG, not the flask command."""
    for name in ("SECRET_KEY", "PUBLIC_BASE_URL", "DEBUG", "TESTING"):
        monkeypatch.delenv(f"TRACKER_{name}", raising=False)
    if not config.pop("flask command", False):
        monkeypatch.delenv("FLASK_RUN_FROM_CLI", raising=False)
    base = {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": "sqlite://"}
    return create_app({**base, **config})


@pytest.mark.parametrize("missing", ["SECRET_KEY", "PUBLIC_BASE_URL"])
def test_production_refuses_to_start_without(monkeypatch, tmp_path, missing):
    config = {"SECRET_KEY": STRONG_KEY, "PUBLIC_BASE_URL": BASE}
    del config[missing]
    with pytest.raises(ConfigurationError) as refused:
        _served_app(monkeypatch, tmp_path, **config)
    message = str(refused.value)
    assert missing in message
    assert "Produksi menolak berjalan" in message and "Production refuses to start" in message


def test_production_starts_with_both(monkeypatch, tmp_path):
    app = _served_app(monkeypatch, tmp_path, SECRET_KEY=STRONG_KEY, PUBLIC_BASE_URL=BASE)
    assert is_production(app)
    assert app.config["SESSION_COOKIE_SECURE"] is True  # from the https base URL
    assert app.test_client().get("/robots.txt").status_code == 200


@pytest.mark.parametrize("mode", ["TESTING", "DEBUG", "flask command"])
def test_tests_debug_and_the_flask_command_start_without_them(monkeypatch, tmp_path, mode):
    if mode == "flask command":
        monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # what `flask run` and `flask init` set
    app = _served_app(monkeypatch, tmp_path, **{mode: True})
    assert not is_production(app)
    assert len(app.config["SECRET_KEY"]) == 64  # a temporary key, never a fixed one


@pytest.mark.parametrize(
    "value", ["rakor.example.id", "https://rakor.example.id/tracker", "javascript:alert(1)"]
)
def test_malformed_public_base_url_is_refused_everywhere(monkeypatch, tmp_path, value):
    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL"):
        _served_app(monkeypatch, tmp_path, TESTING=True, PUBLIC_BASE_URL=value)


def _cookies(response) -> list[str]:
    return response.headers.getlist("Set-Cookie")


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_one_https_request_leaves_later_http_cookies_alone(app, client):
    secure = client.get("/login", base_url="https://localhost")
    assert _cookies(secure) and all("Secure" in c for c in _cookies(secure))
    assert not app.config["SESSION_COOKIE_SECURE"]
    assert not app.config.get("REMEMBER_COOKIE_SECURE")
    later = app.test_client().get("/login")  # a new visitor, over plain http
    assert _cookies(later) and not any("Secure" in c for c in _cookies(later))


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True, "PUBLIC_BASE_URL": BASE}])
def test_an_https_public_base_url_makes_every_cookie_secure(client):
    response = client.get("/login")  # plain http, as a misconfigured proxy would forward it
    assert _cookies(response) and all("Secure" in c for c in _cookies(response))


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_login_page_is_never_stored(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_staff_pages_are_never_stored(client):
    from staff_helpers import login, make_user

    make_user("admin@kaltim.example", "admin")
    assert login(client, "admin@kaltim.example").headers["Cache-Control"] == "no-store"
    staff = ("/staff/meetings/", "/staff/meetings/new", "/admin/agencies/", "/admin/users/")
    for path in (*staff, "/calendar/private", "/meetings/", "/"):
        response = client.get(path)  # public pages too: they show who is signed in
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


def test_public_pages_stay_cacheable(client, make_meeting):
    meeting = make_meeting()
    for path in ("/", "/meetings/", f"/meetings/{meeting.id}", "/api/v1/meetings", "/robots.txt"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" not in response.headers.get("Cache-Control", ""), path
    assert "public" in client.get("/calendar/all.ics").headers["Cache-Control"]
    assert "public" in client.get("/robots.txt").headers["Cache-Control"]


def test_a_fresh_install_serves_once_public_base_url_is_set(tmp_path):
    """`flask init` runs without a key and writes one; gunicorn then asks for PUBLIC_BASE_URL."""
    tools = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TRACKER_", "FLASK_"))}
    env.update(
        TRACKER_INSTANCE_PATH=str(tmp_path / "instance"),
        TRACKER_DATABASE_URL=f"sqlite:///{tmp_path / 'fresh.sqlite'}",
    )
    init = subprocess.run(
        [str(tools / "flask"), "--app", "tracker", "init"], env=env, capture_output=True, text=True
    )
    assert init.returncode == 0, init.stderr
    check = [str(tools / "gunicorn"), "--check-config", "tracker:create_app()"]
    refused = subprocess.run(check, env=env, capture_output=True, text=True, cwd=tmp_path)
    said = refused.stdout + refused.stderr
    assert refused.returncode != 0
    assert "tanpa PUBLIC_BASE_URL" in said and "tanpa SECRET_KEY" not in said
    env["TRACKER_PUBLIC_BASE_URL"] = "http://127.0.0.1:5000"
    served = subprocess.run(check, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert served.returncode == 0, served.stdout + served.stderr
