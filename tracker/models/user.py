"""Staff accounts."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model
from tracker.models.types import UTCDateTime, utcnow

USER_ROLES = ("admin", "editor")


class User(UserMixin, Model):
    """A staff member: an editor logs meetings, an admin also manages the registry."""

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="editor")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Secret for the private staff calendar feed; regenerating it revokes the old one.
    feed_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    @property
    def is_active(self) -> bool:
        """Deactivated users are refused at once (Flask-Login checks this)."""
        return self.active

    @property
    def is_admin(self) -> bool:
        """Whether the user may manage users and the agency registry."""
        return self.role == "admin"

    def __repr__(self) -> str:
        return f"<User {self.email}>"
