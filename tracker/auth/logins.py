"""The login behind the current request: the session cookie holds only its token.

Flask-Login keeps whatever is in ``session["_user_id"]`` and hands it back to the user
loader (a remember cookie would copy the same value). We put the login's token there,
so every way back in goes through a server-side ``LoginSession`` that logout, a
password change or a deactivation can end.
"""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, g, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.attributes import set_committed_value

from tracker.auth import operations
from tracker.extensions import db
from tracker.models import LoginSession, User, utcnow

# Writing "last seen" on every request would cost a write per page view.
SEEN_EVERY = timedelta(minutes=1)


def begin(user: User) -> None:
    """Log the user in on a fresh cookie session tied to a new login record."""
    _fresh_cookie_session()
    record, token = operations.open_login(user, request.user_agent.string, request.remote_addr)
    login_user(user)
    _bind(record, token)


def rotate() -> None:
    """Give the current login a new token and a new cookie session (old copies die)."""
    record = current()
    if record is None:
        return
    user = current_user._get_current_object()
    token = operations.rotate_login(record)
    _fresh_cookie_session()
    login_user(user)
    _bind(record, token)


def end() -> None:
    """Revoke the current login and empty the cookie session (a visitor's is left alone)."""
    record = current()
    if record is None:
        return
    operations.end_login(record)
    logout_user()
    _fresh_cookie_session()


def current() -> LoginSession | None:
    """The login record of this request, or None when nobody is logged in."""
    if not current_user.is_authenticated:  # loads the user, which finds the record
        return None
    return g.get("current_login")


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the user of a live login, else anonymous."""
    record = operations.find_login(token)
    if record is None:
        return None
    g.current_login = record
    _note_seen(record)
    return record.user


def _bind(record: LoginSession, token: str) -> None:
    session["_user_id"] = token
    g.current_login = record


def _fresh_cookie_session() -> None:
    # Nothing from before survives: no session fixation, and Flask-WTF's CSRF secret
    # (kept in the session) is new, so a token from a page served earlier is refused.
    session.clear()
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def _note_seen(record: LoginSession) -> None:
    """Stamp the login's last request, at most once a minute, in its own transaction.

    The request's own transaction may roll back, or never commit (a GET); the loader
    runs before a view writes anything, so this short write waits on nobody.
    """
    now = utcnow()
    if now - record.last_seen_at < SEEN_EVERY:
        return
    table = LoginSession.__table__
    try:
        with db.engine.begin() as connection:
            connection.execute(
                update(table)
                .where(table.c.id == record.id, table.c.last_seen_at < now - SEEN_EVERY)
                .values(last_seen_at=now)
            )
    except OperationalError:  # a busy database: the stamp can wait for the next minute
        return
    set_committed_value(record, "last_seen_at", now)
