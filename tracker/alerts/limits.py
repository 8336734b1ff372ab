"""How often alerts may be asked for: per client address and per e-mail address."""

from __future__ import annotations

import hashlib

from flask import current_app
from flask.sansio.app import App
from limits import parse

from tracker.limiter import app_limiter, client_key

RATES = {
    # One client asking for alerts (any addresses).
    "ALERTS_RATE_LIMIT": "10 per hour",
    # One address receiving confirmation messages: nobody's inbox gets flooded.
    "ALERTS_EMAIL_RATE_LIMIT": "3 per day",
}


def init_app(app: App) -> None:
    """Default the rates and check that they parse, so a typo stops the start-up."""
    for name, default in RATES.items():
        parse(app.config.setdefault(name, default))


def allowed(email: str) -> bool:
    """Count one request for alerts; False once the client or the address is over its rate."""
    limiter = app_limiter()
    if not (limiter.enabled and limiter.initialized):
        return True
    config = current_app.config
    prefix = config["RATELIMIT_KEY_PREFIX"]
    # A digest keeps e-mail addresses out of the limiter's store.
    account = hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()[:32]
    client = limiter.limiter.hit(parse(config["ALERTS_RATE_LIMIT"]), prefix, "alerts", client_key())
    if not client:
        return False
    return limiter.limiter.hit(
        parse(config["ALERTS_EMAIL_RATE_LIMIT"]), prefix, "alerts-email", account
    )
