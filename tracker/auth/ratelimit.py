"""Login throttling that slows an attacker down without locking an account's owner out.

Only failed logins count, in three fixed windows kept in the app's Flask-Limiter store:

- LOGIN_RATE_LIMIT (5 per 15 minutes): one address failing one account;
- LOGIN_ADDRESS_RATE_LIMIT (20 per hour): one address failing any accounts;
- LOGIN_ACCOUNT_RATE_LIMIT (10 per 15 minutes): one account failing from anywhere. It refuses
  only addresses that have already failed that account, so failures sent from elsewhere never
  stop the owner logging in from an address that has not failed.

A correct password clears its address's failures for that account.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass

from flask import current_app
from flask.sansio.app import App
from limits import RateLimitItem, parse
from limits.strategies import RateLimiter

from tracker.limiter import app_limiter, client_key

RATES = {
    "LOGIN_RATE_LIMIT": "5 per 15 minutes",
    "LOGIN_ADDRESS_RATE_LIMIT": "20 per hour",
    "LOGIN_ACCOUNT_RATE_LIMIT": "10 per 15 minutes",
}


def init_app(app: App) -> None:
    """Default the login rates and check that they parse, so a typo stops the start-up."""
    for name, default in RATES.items():
        parse(app.config.setdefault(name, default))


@dataclass(frozen=True)
class Window:
    """A limit and the identifiers of the count it holds."""

    item: RateLimitItem
    key: tuple[str, ...]

    def full(self, strategy: RateLimiter) -> bool:
        """Whether the window has no attempt left."""
        return not strategy.test(self.item, *self.key)

    def used(self, strategy: RateLimiter) -> bool:
        """Whether the window holds any failure."""
        return strategy.get_window_stats(self.item, *self.key).remaining < self.item.amount

    def ends(self, strategy: RateLimiter) -> float:
        """When the window's count starts again from nothing."""
        return strategy.get_window_stats(self.item, *self.key).reset_time


class LoginAttempt:
    """One login attempt: its account from its address, its address, its account."""

    def __init__(self, email: str, address: str) -> None:
        config = current_app.config
        # A digest keeps keys short whatever is typed, and e-mail addresses out of the store.
        account = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()[:32]
        prefix = config["RATELIMIT_KEY_PREFIX"]
        self.pair = Window(parse(config["LOGIN_RATE_LIMIT"]), (prefix, "login", account, address))
        self.address = Window(
            parse(config["LOGIN_ADDRESS_RATE_LIMIT"]), (prefix, "login-address", address)
        )
        self.account = Window(
            parse(config["LOGIN_ACCOUNT_RATE_LIMIT"]), (prefix, "login-account", account)
        )
        limiter = app_limiter()
        self.strategy: RateLimiter | None = (
            limiter.limiter if limiter.enabled and limiter.initialized else None
        )

    def wait(self) -> int:
        """Seconds before this address may try this account again; 0 when it may now."""
        strategy = self.strategy
        if strategy is None:
            return 0
        refusing = [w for w in (self.pair, self.address) if w.full(strategy)]
        if self.account.full(strategy) and self.pair.used(strategy):
            refusing.append(self.account)
        if not refusing:
            return 0
        ends = max(w.ends(strategy) for w in refusing)
        return max(1, math.ceil(ends - time.time()))

    def failed(self) -> None:
        """Count a failure (wrong password, unknown or inactive account) in all three windows."""
        if self.strategy is not None:
            for window in (self.pair, self.address, self.account):
                self.strategy.hit(window.item, *window.key)

    def succeeded(self) -> None:
        """Forget this address's failures for this account."""
        if self.strategy is not None:
            self.strategy.clear(self.pair.item, *self.pair.key)


def login_attempt(email: str) -> LoginAttempt:
    """The current request's attempt to log in as ``email``, from its client address."""
    return LoginAttempt(email, client_key())
