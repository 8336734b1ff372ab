"""Rate limit for the read API, per client address (in-process, or Redis when configured)."""

from __future__ import annotations

from flask import Flask, current_app, request
from werkzeug.exceptions import TooManyRequests

from tracker.auth.ratelimit import RequestLimiter, make_store, parse_rate


def init_app(app: Flask) -> None:
    """Build the API limiter from API_RATE_LIMIT and RATELIMIT_ENABLED."""
    app.config.setdefault("API_RATE_LIMIT", "600 per minute")
    store = app.extensions.get("rate_limit_store") or make_store(app)
    app.extensions["rate_limit_store"] = store
    app.extensions["api_limiter"] = RequestLimiter(
        parse_rate(app.config["API_RATE_LIMIT"]),
        store,
        enabled=bool(app.config.get("RATELIMIT_ENABLED", True)),
    )
    app.before_request(_throttle)


def _throttle() -> None:
    if not request.path.startswith("/api/") or request.method == "OPTIONS":
        return
    limiter: RequestLimiter = current_app.extensions["api_limiter"]
    if not limiter.allow(f"api:address:{request.remote_addr or 'unknown'}"):
        raise TooManyRequests(retry_after=int(limiter.rate.window))
