"""Rate limits on the read API, in-process and shared through Redis."""

from __future__ import annotations

import os
import uuid

import pytest

from tracker.auth.ratelimit import MemoryWindowStore, RedisWindowStore, RequestLimiter, parse_rate

REDIS_URL = os.environ.get("TRACKER_TEST_REDIS_URL", "")


@pytest.mark.parametrize(
    "app_config", [{"RATELIMIT_ENABLED": True, "API_RATE_LIMIT": "3 per minute"}]
)
def test_api_answers_429_with_retry_after(client):
    for _ in range(3):
        assert client.get("/api/v1/elections").status_code == 200
    refused = client.get("/api/v1/elections")
    assert refused.status_code == 429
    assert refused.get_json()["error"]["code"] == 429
    assert refused.headers["Retry-After"] == "60"
    # Pages are not counted against the API budget.
    assert client.get("/meetings/").status_code == 200


def test_api_is_not_limited_when_disabled(client):
    for _ in range(20):
        assert client.get("/api/v1/elections").status_code == 200


def test_memory_window_slides():
    limiter = RequestLimiter(parse_rate("2 per 1 second"), MemoryWindowStore())
    assert limiter.allow("k") and limiter.allow("k")
    assert not limiter.allow("k")
    assert limiter.allow("other")


def _redis_client():
    if not REDIS_URL:
        if os.environ.get("TRACKER_TEST_REQUIRE_REDIS") == "1":
            pytest.fail("TRACKER_TEST_REDIS_URL is required")
        pytest.skip("TRACKER_TEST_REDIS_URL is not set (Redis-backed limits untested)")
    import redis

    return redis.Redis.from_url(REDIS_URL)


def test_redis_store_is_shared_between_limiters():
    client = _redis_client()
    prefix = f"rakor-test-{uuid.uuid4().hex}:"
    rate = parse_rate("3 per minute")
    # Two limiters stand for two gunicorn workers or two app servers.
    first = RequestLimiter(rate, RedisWindowStore(client, prefix))
    second = RequestLimiter(rate, RedisWindowStore(client, prefix))
    assert first.allow("api:address:10.0.0.1")
    assert second.allow("api:address:10.0.0.1")
    assert first.allow("api:address:10.0.0.1")
    assert not second.allow("api:address:10.0.0.1")
    assert second.allow("api:address:10.0.0.2")
    RedisWindowStore(client, prefix).clear("api:address:10.0.0.1")
    assert first.allow("api:address:10.0.0.1")
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)


def test_app_uses_redis_when_configured(tmp_path):
    _redis_client()
    from conftest import make_app

    app = make_app("sqlite", tmp_path, RATELIMIT_STORAGE_URL=REDIS_URL, RATELIMIT_ENABLED=True)
    assert isinstance(app.extensions["rate_limit_store"], RedisWindowStore)
    assert app.extensions["api_limiter"].store is app.extensions["rate_limit_store"]
