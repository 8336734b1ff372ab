"""Login rate limiting: a sliding window per account and per client address.

The window's storage is a small protocol so a shared backend (Redis, for several
gunicorn workers) can replace the in-process one without touching the views.
"""

from __future__ import annotations

import re
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask, current_app

_RATE = re.compile(
    r"^\s*(\d+)\s*(?:per|/)\s*(\d+)?\s*(second|minute|hour|day)s?\s*$", re.IGNORECASE
)
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Rate:
    """At most ``limit`` hits within ``window`` seconds."""

    limit: int
    window: float


def parse_rate(text: str) -> Rate:
    """Read '5 per 15 minutes', '10/hour' or '3 per 30 seconds'."""
    match = _RATE.match(text or "")
    if not match:
        raise ValueError(f"unreadable rate limit: {text!r} (try '5 per 15 minutes')")
    count, amount, unit = match.groups()
    return Rate(int(count), int(amount or 1) * _UNIT_SECONDS[unit.lower()])


class WindowStore(Protocol):
    """Storage for sliding windows; a Redis version would use a sorted set per key."""

    def count(self, key: str, now: float, window: float) -> int:
        """How many hits the key has in the window ending now."""
        ...

    def add(self, key: str, now: float, window: float) -> None:
        """Record one hit."""
        ...

    def clear(self, key: str) -> None:
        """Forget the key's hits."""
        ...


class MemoryWindowStore:
    """Hit times per key in this process, pruned as they fall out of the window."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float, window: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - window:
            hits.popleft()
        return hits

    def count(self, key: str, now: float, window: float) -> int:  # noqa: D102
        with self._lock:
            hits = self._prune(key, now, window)
            if not hits:
                del self._hits[key]  # keep memory bounded by active keys
                return 0
            return len(hits)

    def add(self, key: str, now: float, window: float) -> None:  # noqa: D102
        with self._lock:
            self._prune(key, now, window).append(now)

    def clear(self, key: str) -> None:  # noqa: D102
        with self._lock:
            self._hits.pop(key, None)


class RedisWindowStore:
    """Sliding windows in Redis sorted sets, shared by every worker and server."""

    def __init__(self, client: Any, prefix: str = "rakor:rl:") -> None:
        self.client = client
        self.prefix = prefix

    def count(self, key: str, now: float, window: float) -> int:  # noqa: D102
        name = self.prefix + key
        pipe = self.client.pipeline()
        pipe.zremrangebyscore(name, "-inf", now - window)
        pipe.zcard(name)
        return int(pipe.execute()[1])

    def add(self, key: str, now: float, window: float) -> None:  # noqa: D102
        name = self.prefix + key
        pipe = self.client.pipeline()
        # A random suffix keeps two hits in the same microsecond apart.
        pipe.zadd(name, {f"{now:.6f}:{secrets.token_hex(4)}": now})
        pipe.expire(name, int(window) + 1)
        pipe.execute()

    def clear(self, key: str) -> None:  # noqa: D102
        self.client.delete(self.prefix + key)


def make_store(app: Flask) -> WindowStore:
    """Redis when RATELIMIT_STORAGE_URL names one (several app servers), else in-process."""
    url = app.config.get("RATELIMIT_STORAGE_URL") or ""
    if url.startswith(("redis://", "rediss://", "unix://")):
        import redis

        return RedisWindowStore(redis.Redis.from_url(url))
    return MemoryWindowStore()


class LoginLimiter:
    """Counts failed logins; refuses further attempts once a key reaches the limit."""

    def __init__(
        self,
        rate: Rate,
        store: WindowStore,
        enabled: bool = True,
        # Wall-clock time, so windows mean the same in every process sharing Redis.
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.rate = rate
        self.store = store
        self.enabled = enabled
        self.clock = clock

    def blocked(self, *keys: str) -> bool:
        """Whether any of the keys has used up its attempts."""
        if not self.enabled:
            return False
        now = self.clock()
        return any(self.store.count(k, now, self.rate.window) >= self.rate.limit for k in keys)

    def fail(self, *keys: str) -> None:
        """Count a failed attempt against every key."""
        if not self.enabled:
            return
        now = self.clock()
        for key in keys:
            self.store.add(key, now, self.rate.window)

    def succeed(self, account_key: str) -> None:
        """A correct password clears the account's count (not the address's)."""
        self.store.clear(account_key)


def account_key(email: str) -> str:
    """The limiter key for an account, by its normalised e-mail."""
    return "login:account:" + (email or "").strip().lower()


def address_key(address: str | None) -> str:
    """The limiter key for a client address."""
    return "login:address:" + (address or "unknown")


def init_app(app: Flask) -> None:
    """Build the app's limiter from RATELIMIT_ENABLED and LOGIN_RATE_LIMIT."""
    app.config.setdefault("RATELIMIT_ENABLED", True)
    app.config.setdefault("LOGIN_RATE_LIMIT", "5 per 15 minutes")
    store = app.extensions.get("rate_limit_store") or make_store(app)
    app.extensions["rate_limit_store"] = store
    app.extensions["login_limiter"] = LoginLimiter(
        parse_rate(app.config["LOGIN_RATE_LIMIT"]),
        store,
        enabled=bool(app.config["RATELIMIT_ENABLED"]),
    )


def limiter() -> LoginLimiter:
    """The current app's login limiter."""
    return current_app.extensions["login_limiter"]


class RequestLimiter:
    """At most ``rate`` requests per key; used for the read API."""

    def __init__(self, rate: Rate, store: WindowStore, enabled: bool = True) -> None:
        self.rate = rate
        self.store = store
        self.enabled = enabled

    def allow(self, key: str) -> bool:
        """Count one request; False when the key has used up its window."""
        if not self.enabled:
            return True
        now = time.time()
        if self.store.count(key, now, self.rate.window) >= self.rate.limit:
            return False
        self.store.add(key, now, self.rate.window)
        return True
