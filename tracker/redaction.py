"""Private feed tokens never reach a log: the access log, the error log or the app's own.

Whoever reads a log (or a log shipper) could otherwise subscribe to a staff member's
internal meetings. Every log line naming ``/calendar/private/<token>`` gets ``<token>``
instead, however the path was written (percent-encoded, repeated slashes).
"""

from __future__ import annotations

import logging
import re
from typing import Any
from urllib.parse import unquote

# The private feed's token segment, in a raw (percent-encoded) or decoded path; Werkzeug
# merges repeated slashes with a redirect, so "//" leads to the same feed.
PRIVATE_FEED = re.compile(r"(/calendar(?:/|%2f)+private(?:/|%2f)+)([^/?#\s\"]+)", re.IGNORECASE)
REDACTED = "<token>"


def redact(text: str) -> str:
    """The text with every private-feed token replaced by ``<token>`` (.ics kept)."""

    def hide(match: re.Match[str]) -> str:
        suffix = ".ics" if match.group(2).lower().endswith(".ics") else ""
        return match.group(1) + REDACTED + suffix

    return PRIVATE_FEED.sub(hide, text)


def redacted(value: Any) -> Any:
    """A log field as it was, or decoded and redacted when it names a private feed."""
    if isinstance(value, str) and PRIVATE_FEED.search(decoded := unquote(value)):
        return redact(decoded)
    return value


class RedactTokens(logging.Filter):
    """A logging filter that takes private-feed tokens out of each record's message."""

    def filter(self, record: logging.LogRecord) -> bool:  # noqa: D102
        message = record.getMessage()
        clean = redacted(message)
        if clean is not message:
            record.msg, record.args = clean, ()
        return True


def install(*loggers: logging.Logger) -> None:
    """Put the filter on each logger and on its handlers (once each).

    A logger's own filters see only the records logged to it; its handlers' filters
    also see the records its child loggers pass up.
    """
    for target in [t for logger in loggers for t in (logger, *logger.handlers)]:
        if not any(isinstance(f, RedactTokens) for f in target.filters):
            target.addFilter(RedactTokens())
