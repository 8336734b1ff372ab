"""A `limits` storage on one SQLite file, so every worker process on a machine shares its counts.

Importing this module registers the ``sqlite`` scheme (``sqlite:////abs/path/file.sqlite``) with
`limits`, the way its own storages register. It serves the fixed-window strategy: one row per
key holding the hits and the moment the window ends.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from limits.storage import Storage

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS rate_limit ("
    "key TEXT PRIMARY KEY, hits INTEGER NOT NULL, expires_at REAL NOT NULL) WITHOUT ROWID"
)
# One statement, so one transaction: two processes can never both read the same count.
# SET expressions see the row as it was, so an expired window restarts at this hit.
_INCR = """
INSERT INTO rate_limit (key, hits, expires_at) VALUES (:key, :amount, :now + :expiry)
ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN expires_at <= :now THEN :amount ELSE hits + :amount END,
    expires_at = CASE WHEN expires_at <= :now THEN :now + :expiry ELSE expires_at END
RETURNING hits
"""
# RETURNING arrived in SQLite 3.35 (2021).
MIN_SQLITE = (3, 35, 0)
# Expired rows are harmless (every read ignores them); sweep them now and then.
PRUNE_EVERY = 500


class SQLiteStorage(Storage):
    """Fixed-window counters in a SQLite file (WAL, busy timeout, atomic increments)."""

    STORAGE_SCHEME = ["sqlite"]

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: Any) -> None:
        if sqlite3.sqlite_version_info < MIN_SQLITE:
            # Refuse at start-up rather than answer every login and API request with a 500.
            raise RuntimeError(
                f"the rate-limit store needs SQLite {'.'.join(map(str, MIN_SQLITE))} or newer "
                f"(UPSERT ... RETURNING); this Python has {sqlite3.sqlite_version}. "
                "Set RATELIMIT_STORAGE_URL to a Redis server instead."
            )
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = uri.removeprefix("sqlite://")
        self.timeout = float(options.get("timeout", 10))
        self._local = threading.local()
        self._increments = 0

    @property
    def base_exceptions(self) -> type[Exception]:
        """What a failing file raises."""
        return sqlite3.Error

    def _db(self) -> sqlite3.Connection:
        # sqlite3 connections cross neither threads nor fork(): one per thread per process.
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            local.db, local.pid = self._open(), os.getpid()
        return local.db

    def _open(self) -> sqlite3.Connection:
        """Connect, switch to WAL and create the table, retrying while another opens it.

        Workers starting together on a new file race for the switch to WAL, which SQLite
        refuses with "database is locked" at once instead of waiting on the busy timeout.
        """
        deadline = time.monotonic() + self.timeout
        while True:
            db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.execute(_SCHEMA)
                return db
            except sqlite3.OperationalError as exc:
                db.close()
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` hits to the key's window, starting a new one if it has ended."""
        now = time.time()
        db = self._db()
        params = {"key": key, "amount": amount, "now": now, "expiry": expiry}
        hits = int(db.execute(_INCR, params).fetchone()[0])
        self._increments += 1
        if self._increments % PRUNE_EVERY == 0:
            db.execute("DELETE FROM rate_limit WHERE expires_at <= ?", (now,))
        return hits

    def _window(self, key: str) -> tuple[int, float] | None:
        """The key's (hits, end) while its window lasts."""
        return (
            self._db()
            .execute(
                "SELECT hits, expires_at FROM rate_limit WHERE key = ? AND expires_at > ?",
                (key, time.time()),
            )
            .fetchone()
        )

    def get(self, key: str) -> int:
        """The hits in the key's current window (0 when none)."""
        window = self._window(key)
        return 0 if window is None else int(window[0])

    def get_expiry(self, key: str) -> float:
        """When the key's window ends (now when it has none)."""
        window = self._window(key)
        return time.time() if window is None else float(window[1])

    def check(self) -> bool:
        """Whether the file answers."""
        try:
            self._db().execute("SELECT 1").fetchone()
        except sqlite3.Error:
            return False
        return True

    def clear(self, key: str) -> None:
        """Forget the key's window."""
        self._db().execute("DELETE FROM rate_limit WHERE key = ?", (key,))

    def reset(self) -> int | None:
        """Forget every window; return how many there were."""
        return self._db().execute("DELETE FROM rate_limit").rowcount
