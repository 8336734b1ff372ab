"""How many corrections one address may send: CORRECTION_RATE_LIMIT (5 per hour).

Counted in the app's Flask-Limiter store, per client address as every limit counts it
(tracker/limiter.py); a refused report keeps what was typed and says when to try again.
"""

from __future__ import annotations

import math
import time

from flask import current_app
from flask.sansio.app import App
from limits import parse

from tracker.limiter import app_limiter, client_key

SETTING = "CORRECTION_RATE_LIMIT"


def init_app(app: App) -> None:
    """Default the rate and check that it parses, so a typo stops the start-up."""
    parse(app.config.setdefault(SETTING, "5 per hour"))


class ReportWindow:
    """The current address's allowance of reports."""

    def __init__(self) -> None:
        config = current_app.config
        self.item = parse(config[SETTING])
        self.key = (config["RATELIMIT_KEY_PREFIX"], "correction", client_key())
        limiter = app_limiter()
        self.strategy = limiter.limiter if limiter.enabled and limiter.initialized else None

    def wait(self) -> int:
        """Seconds before this address may report again; 0 when it may now."""
        if self.strategy is None or self.strategy.test(self.item, *self.key):
            return 0
        ends = self.strategy.get_window_stats(self.item, *self.key).reset_time
        return max(1, math.ceil(ends - time.time()))

    def hit(self) -> None:
        """Count one report sent."""
        if self.strategy is not None:
            self.strategy.hit(self.item, *self.key)
