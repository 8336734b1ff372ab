"""Rate limits: the API's budget, and the SQLite and Redis stores every worker shares."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
import uuid

import pytest
from conftest import make_app
from limits import parse
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from tracker.limiter import app_limiter
from tracker.limiter_sqlite import SQLiteStorage

REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL", "")


def redis_url() -> str:
    """TRACKER_TEST_REDIS_URL, or skip (fail when TRACKER_TEST_REQUIRE_REDIS=1)."""
    if not REDIS_URL:
        if os.environ.get("TRACKER_TEST_REQUIRE_REDIS") == "1":
            pytest.fail("TRACKER_TEST_REDIS_URL is required")
        pytest.skip("TRACKER_TEST_REDIS_URL is not set (Redis-backed limits untested)")
    return REDIS_URL


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"}]
)
def test_api_answers_429_with_retry_after(client):
    assert client.options("/api/v1/elections").status_code == 200  # preflights are free
    for _ in range(3):
        assert client.get("/api/v1/elections").status_code == 200
    refused = client.get("/api/v1/elections")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    # One budget for the whole API, not one per endpoint.
    assert client.get("/api/v1/agencies").status_code == 429
    # Another address has its own budget; pages are not counted against the API's.
    other = client.get("/api/v1/agencies", environ_base={"REMOTE_ADDR": "10.4.4.4"})
    assert other.status_code == 200
    assert client.get("/meetings/").status_code == 200


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "DOWNLOAD_RATE_LIMIT": "2 per minute"}]
)
def test_heavy_downloads_share_one_budget_per_client(client, make_meeting):
    meeting = make_meeting()
    assert client.get("/meetings/export.csv").status_code == 200
    assert client.get(f"/meetings/{meeting.id}/preview.png").status_code == 200
    # Exports and preview images count together; the pages stay open.
    assert client.get("/meetings/attendance.xlsx").status_code == 429
    assert client.get(f"/meetings/{meeting.id}").status_code == 200
    other = client.get("/meetings/export.csv", environ_base={"REMOTE_ADDR": "10.4.4.5"})
    assert other.status_code == 200


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "DOWNLOAD_RATE_LIMIT": "2 per minute"}]
)
def test_ranking_downloads_count_with_the_other_exports(client, make_meeting):
    make_meeting()
    assert client.get("/meetings/rankings.csv").status_code == 200
    assert client.get("/meetings/export.csv").status_code == 200
    assert client.get("/meetings/rankings.xlsx").status_code == 429
    # The ranking page itself stays open.
    assert client.get("/meetings/rankings").status_code == 200


def test_api_is_not_limited_when_disabled(client):
    for _ in range(20):
        assert client.get("/api/v1/elections").status_code == 200


@pytest.mark.parametrize("setting", ["API_RATE_LIMIT", "LOGIN_RATE_LIMIT", "DOWNLOAD_RATE_LIMIT"])
def test_an_unreadable_rate_stops_the_start_up(tmp_path, setting):
    with pytest.raises(ValueError, match="lots"):
        make_app("sqlite", tmp_path, **{setting: "lots"})


def test_sqlite_scheme_is_registered_with_limits(tmp_path):
    storage = storage_from_string(f"sqlite://{tmp_path}/limits.sqlite")
    assert isinstance(storage, SQLiteStorage) and storage.check()


def test_sqlite_window_counts_ends_and_restarts(tmp_path):
    storage = SQLiteStorage(f"sqlite://{tmp_path}/sub/limits.sqlite")
    assert [storage.incr("k", 1) for _ in range(3)] == [1, 2, 3]
    assert storage.get("k") == 3 and storage.get("other") == 0
    assert time.time() < storage.get_expiry("k") <= time.time() + 1
    time.sleep(1.05)
    assert storage.get("k") == 0
    assert storage.incr("k", 60, amount=2) == 2  # a new window, from this hit
    storage.incr("gone", 60)
    storage.clear("gone")
    assert storage.get("gone") == 0
    assert storage.reset() == 1 and storage.get("k") == 0


# Each child counts its own allowed hits; together they must never pass the limit.
CHILD = """
import sys, time
from limits import parse
from limits.strategies import FixedWindowRateLimiter
from tracker.limiter_sqlite import SQLiteStorage

path, start = sys.argv[1], float(sys.argv[2])
limiter = FixedWindowRateLimiter(SQLiteStorage("sqlite://" + path))
item = parse("100 per hour")
while time.time() < start:
    time.sleep(0.005)
print(sum(limiter.hit(item, "shared") for _ in range(60)))
"""


def test_sqlite_store_is_one_budget_for_several_processes(tmp_path):
    path = str(tmp_path / "limits.sqlite")
    start = time.time() + 2  # every child is up and waiting before the first hit
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, path, str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(4)
    ]
    outputs = [child.communicate(timeout=60) for child in children]
    for child, (_out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err  # every child finishes, and says why if not
    allowed = [int(out) for out, _err in outputs]
    assert sum(allowed) == 100  # 240 tries, exactly the limit let through
    limiter = FixedWindowRateLimiter(SQLiteStorage("sqlite://" + path))
    assert not limiter.test(parse("100 per hour"), "shared")


def test_app_keeps_counts_in_the_instance_folder_by_default(tmp_path):
    app = make_app("sqlite", tmp_path, RATELIMIT_ENABLED=True)
    storage = app_limiter(app).storage
    assert isinstance(storage, SQLiteStorage)
    assert storage.path == os.path.join(app.instance_path, "ratelimit.sqlite")


def test_app_uses_redis_when_configured(tmp_path):
    app = make_app("sqlite", tmp_path, RATELIMIT_STORAGE_URL=redis_url(), RATELIMIT_ENABLED=True)
    assert isinstance(app_limiter(app).storage, RedisStorage)


@pytest.mark.parametrize("store", ["sqlite", "redis"])
def test_two_app_servers_share_one_api_budget(tmp_path, store):
    config = {
        "RATELIMIT_ENABLED": True,
        "API_RATE_LIMIT": "3 per minute",
        "RATELIMIT_KEY_PREFIX": f"rakor-test-{uuid.uuid4().hex}",
    }
    if store == "redis":
        config["RATELIMIT_STORAGE_URL"] = redis_url()
    # Two apps stand for two gunicorn workers (same instance folder) or two servers (Redis).
    first, second = (make_app("sqlite", tmp_path, **config).test_client() for _ in range(2))
    answers = [c.get("/api/v1/openapi.json").status_code for c in (first, second, first, second)]
    assert answers == [200, 200, 200, 429]


def test_the_sqlite_store_refuses_an_sqlite_without_returning(tmp_path, monkeypatch):
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    with pytest.raises(RuntimeError, match="SQLite 3.35.0 or newer"):
        SQLiteStorage(f"sqlite://{tmp_path / 'limits.sqlite'}")
