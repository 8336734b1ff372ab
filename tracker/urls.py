"""Absolute addresses: from PUBLIC_BASE_URL, never from request headers nobody vouched for.

Flask builds ``url_for(..., _external=True)`` from the request's ``Host`` (or, behind
ProxyFix, ``X-Forwarded-Host``), so any visitor could choose the host of every link in
the API, the JSON-LD and the calendar feeds, and of the cached copies other people get.
``TrackerFlask`` takes the scheme and host from ``PUBLIC_BASE_URL`` instead. Without it
(development only: production refuses to start, see ``tracker/production.py``) the
request host is used, and ``from_request()`` tells callers not to cache or store the
result.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_request_context, request

from tracker.retry import ReadRetryingFlask


class TrackerFlask(ReadRetryingFlask):
    """Flask whose absolute URLs start with PUBLIC_BASE_URL when it is configured (reads retry)."""

    def url_for(  # noqa: D102
        self,
        /,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        configured = configured_base(self)
        if configured and has_request_context() and (_external or _scheme is not None):
            path = super().url_for(
                endpoint, _anchor=_anchor, _method=_method, _external=False, **values
            )
            return configured + path
        return super().url_for(
            endpoint,
            _anchor=_anchor,
            _method=_method,
            _scheme=_scheme,
            _external=_external,
            **values,
        )


def configured_base(app: Flask) -> str | None:
    """PUBLIC_BASE_URL without its trailing slash, or None when it is not set."""
    configured = app.config.get("PUBLIC_BASE_URL")
    return str(configured).rstrip("/") if configured else None


def from_request() -> bool:
    """Whether absolute URLs come from this request's host (no PUBLIC_BASE_URL: development)."""
    return configured_base(current_app) is None and has_request_context()


def base_url() -> str:
    """Scheme and host of every absolute URL, without a trailing slash."""
    configured = configured_base(current_app)
    if configured:
        return configured
    if has_request_context():
        return request.host_url.rstrip("/")
    return "https://" + current_app.config["PUBLIC_HOST"]
