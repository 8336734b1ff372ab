"""Read-only requests survive a dropped database connection: the view runs once more.

``pool_pre_ping`` replaces a connection that died while idle in the pool, but not one
that dies while a request holds it (a restarted or failed-over server, an
administrator's ``pg_terminate_backend``). SQLAlchemy then raises with
``connection_invalidated`` set and has already discarded the connection, so a GET or
HEAD can simply run again on a new one. Writes never do: whether the first attempt's
commit reached the server is unknown, and a second one could apply it twice.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, request
from sqlalchemy.exc import DBAPIError

from tracker.extensions import db

READ_METHODS = frozenset({"GET", "HEAD"})


def retry_reads(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a view so a read it serves is retried once after a lost connection."""

    @functools.wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except DBAPIError as error:
            if not error.connection_invalidated or request.method not in READ_METHODS:
                raise
            current_app.logger.warning(
                "database connection lost during %s %s; retrying once", request.method, request.path
            )
            db.session.rollback()
            return view(*args, **kwargs)

    return wrapper


def install(app: Flask) -> None:
    """Wrap every view registered so far (call it after the blueprints)."""
    for endpoint, view in list(app.view_functions.items()):
        app.view_functions[endpoint] = retry_reads(view)
