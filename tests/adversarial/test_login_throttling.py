"""Login throttling under attack: no lockout of the owner, one budget for every worker, and
forwarded addresses believed only from trusted proxies. The production rates throughout."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import make_app
from staff_helpers import PASSWORD, login, make_user
from test_rate_limits import redis_url

from tracker.auth.operations import verify_password
from tracker.extensions import db
from tracker.proxies import TrustedProxyFix, hop_count, networks

WRONG = "salah-1234567"
LIMITED = {"RATELIMIT_ENABLED": True}
BEHIND_PROXY = {"RATELIMIT_ENABLED": True, "PROXY_FIX": 1}


def _from(address: str, forwarded: str | None = None) -> dict[str, Any]:
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return {"environ_base": {"REMOTE_ADDR": address}, "headers": headers}


def _status(client: Any, email: str, password: str, *sender: str) -> int:
    """The status of a login as ``email`` sent from ``sender`` (address, forwarded-for)."""
    return int(login(client, email, password, **_from(*sender)).status_code)


@pytest.mark.parametrize("app_config", [LIMITED])
def test_failures_from_elsewhere_never_lock_the_owner_out(client):
    make_user("admin@kaltim.example", role="admin")
    answers = []
    for n in range(12):  # 24 failures for the admin's address, from 12 addresses
        for _ in range(2):
            answers.append(login(client, "admin@kaltim.example", WRONG, **_from(f"10.6.0.{n}")))
    assert all(a.status_code in (422, 429) for a in answers)
    # Every address got its first try; the repeats were refused once the account was hot.
    assert [a.status_code for a in answers[::2]] == [422] * 12
    assert any(a.status_code == 429 for a in answers)
    # Even the right password is refused from an address that failed ...
    assert _status(client, "admin@kaltim.example", PASSWORD, "10.6.0.1") == 429
    # ... while the owner, from an address that did not, logs in.
    response = login(client, "admin@kaltim.example", **_from("192.0.2.10"))
    assert response.status_code == 302
    assert client.get("/admin/users/").status_code == 200


@pytest.mark.parametrize("app_config", [LIMITED])
def test_one_address_cycling_accounts_is_refused(client):
    make_user("editor@kaltim.example")
    for n in range(20):
        assert _status(client, f"tebak{n}@kaltim.example", WRONG, "203.0.113.7") == 422
    refused = login(client, "tebak99@kaltim.example", WRONG, **_from("203.0.113.7"))
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert "Terlalu banyak percobaan masuk. Tunggu beberapa menit lalu coba lagi." in html
    assert 'value="tebak99@kaltim.example"' in html  # what was typed stays in the form
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    # Refused before any password is checked, so the right one does not get through either.
    assert _status(client, "editor@kaltim.example", PASSWORD, "203.0.113.7") == 429
    assert _status(client, "editor@kaltim.example", PASSWORD, "203.0.113.8") == 302


@pytest.mark.parametrize("app_config", [LIMITED])
def test_one_address_on_one_account_is_slowed_after_five(client):
    make_user("editor@kaltim.example")
    for _ in range(5):
        assert _status(client, "editor@kaltim.example", WRONG, "198.51.100.4") == 422
    assert _status(client, "editor@kaltim.example", PASSWORD, "198.51.100.4") == 429
    assert _status(client, "editor@kaltim.example", PASSWORD, "198.51.100.5") == 302


@pytest.mark.parametrize("app_config", [LIMITED])
def test_ipv6_addresses_of_one_subscriber_share_one_allowance(client):
    """A /64 is one subscriber's; a fresh address from it is not a fresh allowance."""
    make_user("editor@kaltim.example")
    for n in range(5):
        address = f"2001:db8:7:9:{n:x}::{n + 1:x}"
        assert _status(client, "editor@kaltim.example", WRONG, address) == 422
    assert _status(client, "editor@kaltim.example", PASSWORD, "2001:db8:7:9:ffff::1") == 429
    # Another subscriber's network, and an IPv4 client written as IPv6, are counted apart.
    assert _status(client, "editor@kaltim.example", PASSWORD, "2001:db8:7:a::1") == 302
    client.post("/logout")
    assert _status(client, "editor@kaltim.example", PASSWORD, "::ffff:192.0.2.44") == 302


@pytest.mark.parametrize("app_config", [LIMITED])
def test_guessing_the_current_password_on_the_change_form_is_slowed(client):
    user = make_user("editor@kaltim.example")
    assert _status(client, "editor@kaltim.example", PASSWORD, "198.51.100.9") == 302
    new = "baru-yang-panjang-99"

    def change(current: str) -> Any:
        data = {"current_password": current, "new_password": new, "confirm_password": new}
        return client.post("/staff/account/password", data=data, **_from("198.51.100.9"))

    for _ in range(5):
        assert change(WRONG).status_code == 422
    refused = change(PASSWORD)
    assert refused.status_code == 429
    assert "Tunggu" in refused.get_data(as_text=True) and int(refused.headers["Retry-After"]) > 0
    db.session.refresh(user)
    assert verify_password(user, PASSWORD)  # the refused change changed nothing


@pytest.fixture
def worker(backend: str, tmp_path: Any) -> Iterator[Callable[..., Any]]:
    """Make another app on the same instance folder and database: a second gunicorn worker."""
    apps = []

    def make(**config: Any) -> Any:
        app = make_app(backend, tmp_path, **config)
        if backend == "sqlite":  # its own in-memory database needs the tables
            with app.app_context():
                db.create_all()
        apps.append(app)
        return app.test_client()

    yield make
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_workers_share_one_login_budget(app, worker, store):
    config = {"RATELIMIT_ENABLED": True, "RATELIMIT_KEY_PREFIX": f"t-{uuid.uuid4().hex}"}
    if store == "redis":
        config["RATELIMIT_STORAGE_URL"] = redis_url()
    first, second = worker(**config), worker(**config)
    answers = [
        _status(client, "nobody@kaltim.example", WRONG, "10.7.0.1")
        for client in (first, second, first, second, first, second)
    ]
    assert answers == [422] * 5 + [429]


# A worker process: its own app on the shared instance folder, 6 API requests.
WORKER = """
import sys, time
from tracker import create_app

app = create_app({
    "TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite:///:memory:",
    "INSTANCE_PATH": sys.argv[1], "RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "10 per hour",
})
client = app.test_client()
while time.time() < float(sys.argv[2]):
    time.sleep(0.005)
print(" ".join(str(client.get("/api/v1/openapi.json").status_code) for _ in range(6)))
"""


def test_worker_processes_share_one_api_budget(tmp_path):
    start = time.time() + 4  # all three are up and waiting before the first request
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(tmp_path / "instance"), str(start)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    answers = " ".join(worker.communicate(timeout=90)[0] for worker in workers).split()
    assert sorted(answers) == ["200"] * 10 + ["429"] * 8  # 5 x workers would be 18 x 200


@pytest.mark.parametrize("app_config", [BEHIND_PROXY])
def test_forwarded_for_from_a_direct_client_is_ignored(client):
    # A new X-Forwarded-For and a new account each time: limited by the real address anyway.
    for n in range(20):
        assert _status(client, f"t{n}@kaltim.example", WRONG, "203.0.113.9", f"10.8.0.{n}") == 422
    assert _status(client, "tebak99@kaltim.example", WRONG, "203.0.113.9", "10.8.1.1") == 429


@pytest.mark.parametrize("app_config", [BEHIND_PROXY])
def test_forwarded_for_from_the_trusted_proxy_is_the_client(client):
    make_user("editor@kaltim.example")
    for _ in range(5):
        login(client, "editor@kaltim.example", WRONG, **_from("127.0.0.1", "198.51.100.1"))
    assert _status(client, "editor@kaltim.example", PASSWORD, "127.0.0.1", "198.51.100.1") == 429
    # Another client behind the same proxy is not the one that failed.
    assert _status(client, "editor@kaltim.example", PASSWORD, "127.0.0.1", "198.51.100.2") == 302


@pytest.mark.parametrize(
    "app_config", [{**BEHIND_PROXY, "TRUSTED_PROXIES": "10.1.0.0/16, 10.2.0.5"}]
)
def test_only_the_configured_proxies_are_trusted(client):
    for _ in range(5):
        login(client, "x@kaltim.example", WRONG, **_from("10.1.2.3", "198.51.100.1"))
    assert _status(client, "x@kaltim.example", WRONG, "10.2.0.5", "198.51.100.1") == 429
    # Loopback is no longer trusted once TRUSTED_PROXIES names others: its header is ignored.
    assert _status(client, "x@kaltim.example", WRONG, "127.0.0.1", "198.51.100.1") == 422


@pytest.mark.parametrize("app_config", [BEHIND_PROXY])
def test_https_is_believed_from_the_trusted_proxy_only(client):
    proto = {"X-Forwarded-Proto": "https"}
    trusted = client.get("/login", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers=proto)
    direct = client.get("/login", environ_base={"REMOTE_ADDR": "203.0.113.9"}, headers=proto)
    assert "Strict-Transport-Security" in trusted.headers
    assert "Strict-Transport-Security" not in direct.headers


def _seen(hops: int, trusted: str, environ: dict[str, str]) -> dict[str, str]:
    """What the app behind TrustedProxyFix sees of a request."""
    seen: dict[str, str] = {}

    def app(env: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.update({k: env[k] for k in ("REMOTE_ADDR", "wsgi.url_scheme", "HTTP_HOST")})
        start_response("200 OK", [])
        return []

    base = {"REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "HTTP_HOST": "rakor.example"}
    TrustedProxyFix(app, hops, networks(trusted))({**base, **environ}, lambda *a: None)
    return seen


def test_proxy_fix_takes_exactly_the_configured_hops():
    two = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.1, 10.0.0.1"}
    assert _seen(2, "10.0.0.0/8", two)["REMOTE_ADDR"] == "198.51.100.1"
    assert _seen(1, "10.0.0.0/8", two)["REMOTE_ADDR"] == "10.0.0.1"
    # Fewer entries than hops: the request did not come through them all; keep the peer.
    short = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert _seen(2, "10.0.0.0/8", short)["REMOTE_ADDR"] == "10.0.0.2"
    # An IPv4 peer written as IPv6 is still the trusted proxy.
    mapped = {"REMOTE_ADDR": "::ffff:127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert _seen(1, "127.0.0.0/8", mapped)["REMOTE_ADDR"] == "198.51.100.1"


def test_forwarded_host_is_never_believed():
    hostile = {"HTTP_X_FORWARDED_HOST": "evil.example", "HTTP_X_FORWARDED_PROTO": "https"}
    seen = _seen(1, "127.0.0.0/8", hostile)
    assert seen["HTTP_HOST"] == "rakor.example" and seen["wsgi.url_scheme"] == "https"
    direct = _seen(1, "127.0.0.0/8", {**hostile, "REMOTE_ADDR": "203.0.113.9"})
    assert direct["HTTP_HOST"] == "rakor.example" and direct["wsgi.url_scheme"] == "http"


def test_proxy_settings_are_read_strictly():
    assert [hop_count(v) for v in (None, "", False, 0, True, 1, "2")] == [0, 0, 0, 0, 1, 1, 2]
    for bad in ("yes", -1, "1.5"):
        with pytest.raises(ValueError, match="PROXY_FIX"):
            hop_count(bad)
    assert [str(n) for n in networks(None)] == ["127.0.0.0/8", "::1/128"]
    assert [str(n) for n in networks(["10.0.0.1"])] == ["10.0.0.1/32"]
    with pytest.raises(ValueError):
        networks("proxy.example")
