"""gunicorn settings: ``gunicorn -c python:tracker.gunicorn_conf 'tracker:create_app()'``.

The access and error logs name the private feed's route, never its token
(tracker/redaction.py says why).
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from tracker.redaction import install, redacted

accesslog = "-"
logger_class = "tracker.gunicorn_conf.RedactingLogger"


class RedactingLogger(Logger):
    """gunicorn's logger with private-feed tokens taken out of every access-log field."""

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        """Log fields as gunicorn builds them, each redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redacted(value) for key, value in atoms.items()}

    def setup(self, cfg: Any) -> None:
        """gunicorn's set-up, then the same redaction on its error log."""
        super().setup(cfg)
        install(self.error_log)
