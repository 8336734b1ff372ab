"""gunicorn settings: ``gunicorn -c python:tracker.gunicorn_conf 'tracker:create_app()'``.

The access log names the private feed's route, never its token: whoever reads the
log (or a log shipper) could otherwise subscribe to a staff member's internal meetings.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from gunicorn.glogging import Logger

# The private feed's token segment, in a raw (percent-encoded) or decoded path.
PRIVATE_FEED = re.compile(r"(/calendar/private(?:/|%2f))([^/?#\s\"]+)", re.IGNORECASE)
REDACTED = "<token>"

accesslog = "-"
logger_class = "tracker.gunicorn_conf.RedactingLogger"


def redact(text: str) -> str:
    """The text with every private-feed token replaced by ``<token>`` (.ics kept)."""

    def hide(match: re.Match[str]) -> str:
        suffix = ".ics" if match.group(2).lower().endswith(".ics") else ""
        return match.group(1) + REDACTED + suffix

    return PRIVATE_FEED.sub(hide, text)


def _redacted(value: Any) -> Any:
    """A log field as it was, or decoded and redacted when it names a private feed."""
    if isinstance(value, str) and PRIVATE_FEED.search(decoded := unquote(value)):
        return redact(decoded)
    return value


class RedactingLogger(Logger):
    """gunicorn's logger with private-feed tokens taken out of every access-log field."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        """Log fields as gunicorn builds them, each redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: _redacted(value) for key, value in atoms.items()}
