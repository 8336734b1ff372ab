"""Session cookies that are Secure whenever the request came over HTTPS."""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface


class SchemeAwareSessionInterface(SecureCookieSessionInterface):
    """Mark the session cookie Secure on HTTPS requests, or always if configured.

    Behind a TLS-terminating proxy, ``request.is_secure`` is right once the
    deployment applies ProxyFix; SESSION_COOKIE_SECURE=True forces it regardless.
    """

    def get_cookie_secure(self, app: Flask) -> bool:  # noqa: D102
        if app.config["SESSION_COOKIE_SECURE"]:
            return True
        return bool(request) and request.is_secure
