"""The app's Flask-Limiter: one store shared by every worker, requests keyed by client address.

The store is RATELIMIT_STORAGE_URL when set (Redis, for several app servers), else a SQLite file
in the instance folder that every worker process on the machine shares. The client is
``request.remote_addr`` (IPv6 by /64), which forwarded headers change only from trusted
proxies (tracker/proxies.py).
"""

from __future__ import annotations

import ipaddress
import os

from flask import Flask, current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from tracker import limiter_sqlite  # noqa: F401 - registers the sqlite:// storage scheme


def storage_uri(app: Flask) -> str:
    """Where the counts live: RATELIMIT_STORAGE_URL, else the instance folder's SQLite file."""
    configured = app.config.get("RATELIMIT_STORAGE_URL")
    return configured or "sqlite://" + os.path.join(app.instance_path, "ratelimit.sqlite")


def client_key() -> str:
    """The client's address as limits count it: IPv4 whole, IPv6 by its /64 network.

    One IPv6 subscriber is handed a whole /64 (2^64 addresses); counting each address
    apart would give an attacker a fresh allowance per request.
    """
    address = get_remote_address() or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return address


def init_app(app: Flask) -> None:
    """Give the app its own Limiter (Flask-Limiter keeps the store on the instance, not the app)."""
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "rakor")
    app.config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
    limiter = Limiter(
        client_key,
        storage_uri=storage_uri(app),
        # The one strategy the SQLite store serves; Redis serves it too.
        strategy="fixed-window",
    )
    limiter.init_app(app)
    app.extensions["tracker_limiter"] = limiter


def app_limiter(app: Flask | None = None) -> Limiter:
    """The app's Limiter (the current app's by default)."""
    limiter: Limiter = (app or current_app).extensions["tracker_limiter"]
    return limiter
