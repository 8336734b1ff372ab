"""Read-only requests survive a dropped database connection: the request runs once more.

``pool_pre_ping`` replaces a connection that died while idle in the pool, but not one
that dies while a request holds it (a restarted or failed-over server, an
administrator's ``pg_terminate_backend``). SQLAlchemy then raises with
``connection_invalidated`` set and has already discarded the connection, so a GET or
HEAD can simply run again on a new one: its ``before_request`` hooks (the staff guard
loads the user there) and its view. Writes never do: whether the first attempt's
commit reached the server is unknown, and a second one could apply it twice.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from tracker.extensions import db

READ_METHODS = frozenset({"GET", "HEAD"})
G_AT_START = "tracker.g_at_start"


class ReadRetryingFlask(Flask):
    """Flask that serves a GET or HEAD once more when its database connection was lost."""

    def preprocess_request(self) -> ResponseReturnValue | None:  # noqa: D102
        # What g held before this attempt's hooks ran, for a retry to start from.
        request.environ[G_AT_START] = dict(vars(g))
        return super().preprocess_request()

    def handle_user_exception(  # noqa: D102
        self, e: Exception
    ) -> HTTPException | ResponseReturnValue:
        if not lost_connection_on_read(e):
            return super().handle_user_exception(e)
        self.logger.warning(
            "database connection lost during %s %s; retrying once", request.method, request.path
        )
        start_over()
        try:
            rv = self.preprocess_request()
            return self.dispatch_request() if rv is None else rv
        except Exception as again:  # noqa: BLE001 - handled as Flask would, never retried
            return super().handle_user_exception(again)


def lost_connection_on_read(error: Exception) -> bool:
    """Whether the error is a connection SQLAlchemy gave up on, during a read-only request."""
    return (
        isinstance(error, DBAPIError)
        and error.connection_invalidated
        and request.method in READ_METHODS
    )


def start_over() -> None:
    """Undo the failed attempt: roll the session back and forget what it put in g."""
    db.session.rollback()
    # Flask-Login's cached user and our login record would otherwise skip the reload.
    at_start: dict[str, Any] = request.environ.get(G_AT_START, {})
    vars(g).clear()
    vars(g).update(at_start)
