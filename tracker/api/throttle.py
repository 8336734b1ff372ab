"""Rate limit for the API: one API_RATE_LIMIT budget per client address over every API route."""

from __future__ import annotations

from flask import Flask, request
from limits import parse

from tracker.limiter import app_limiter


def _preflight() -> bool:
    # CORS preflights carry no query; browsers send them before real requests.
    return request.method == "OPTIONS"


def init_app(app: Flask) -> None:
    """Put API_RATE_LIMIT on the read API and the extraction API, shared between them."""
    app.config.setdefault("API_RATE_LIMIT", "600 per minute")
    # Flask-Limiter would log an unreadable rate and skip it; refuse to start instead.
    parse(app.config["API_RATE_LIMIT"])
    from tracker.api.extract import bp as extract_bp
    from tracker.api.views import bp as api_bp

    shared = app_limiter(app).shared_limit(
        app.config["API_RATE_LIMIT"], scope="api", exempt_when=_preflight
    )
    shared(api_bp)
    shared(extract_bp)
