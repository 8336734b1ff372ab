"""Rate limits by client address: API_RATE_LIMIT over every API route, and
DOWNLOAD_RATE_LIMIT over the public downloads that cost real work per request
(spreadsheet exports of up to 50,000 rows, drawn preview images)."""

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


def init_downloads(app: Flask) -> None:
    """Put DOWNLOAD_RATE_LIMIT on the spreadsheet exports and the preview images."""
    app.config.setdefault("DOWNLOAD_RATE_LIMIT", "30 per minute")
    parse(app.config["DOWNLOAD_RATE_LIMIT"])
    from tracker.meetings.export_views import bp as exports_bp
    from tracker.meetings.share_views import bp as share_bp

    shared = app_limiter(app).shared_limit(app.config["DOWNLOAD_RATE_LIMIT"], scope="downloads")
    shared(exports_bp)
    shared(share_bp)
