"""gunicorn settings: ``gunicorn -c python:tracker.gunicorn_conf 'tracker:create_app()'``.

The access and error logs name the private feed's route, never its token
(tracker/redaction.py says why).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from gunicorn.glogging import Logger
from gunicorn.http import Request
from gunicorn.http.wsgi import Response

from tracker.redaction import install, redacted

if TYPE_CHECKING:
    from gunicorn.glogging import _AtomsDict

accesslog = "-"
logger_class = "tracker.gunicorn_conf.RedactingLogger"


class RedactingLogger(Logger):
    """gunicorn's logger with private-feed tokens taken out of every access-log field."""

    def atoms(
        self,
        resp: Response,
        req: Request,
        environ: MutableMapping[str, Any],
        request_time: timedelta,
    ) -> _AtomsDict:
        """Log fields as gunicorn builds them, each redacted."""
        atoms = super().atoms(resp, req, environ, request_time)
        # redacted() keeps each value's type (a string stays a string), so the shape holds.
        return cast("_AtomsDict", {key: redacted(value) for key, value in atoms.items()})

    def setup(self, cfg: Any) -> None:
        """gunicorn's set-up, then the same redaction on its error log."""
        super().setup(cfg)
        install(self.error_log)
