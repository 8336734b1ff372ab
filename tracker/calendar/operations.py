"""Writes of the calendar area: the staff feed token."""

from __future__ import annotations

import secrets

from tracker import changes
from tracker.extensions import db
from tracker.models import User


def regenerate_feed_token(user: User, actor: User | None = None) -> str:
    """Give the user a new private feed token; the old address stops working at once."""
    had_token = user.feed_token is not None
    user.feed_token = secrets.token_urlsafe(32)
    # The log says that the secret changed, never what it is.
    changes.record(
        "user",
        user.id,
        "feed_token",
        {"feed_token": ["(lama)" if had_token else None, "(baru)"]},
        actor or user,
    )
    db.session.flush()
    return user.feed_token


def user_by_feed_token(token: str) -> User | None:
    """The active user a private feed token belongs to, or None."""
    if not token or len(token) > 64:
        return None
    user = db.session.execute(db.select(User).where(User.feed_token == token)).scalar_one_or_none()
    return user if user is not None and user.active else None
