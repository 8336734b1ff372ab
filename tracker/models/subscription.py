"""E-mail alerts for a saved search of the meeting list (double opt-in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.extensions import Model
from tracker.models.types import UTCDateTime, utcnow

# RFC 5321: a forward path holds at most 256 octets, the address itself 254.
EMAIL_MAX = 254
QUERY_MAX = 1000


class Subscription(Model):
    """One address's daily digest of the meetings matching one filter of the list.

    Only the SHA-256 digests of the confirm and unsubscribe tokens are stored; the
    address is used for sending alone and deleted with the row on unsubscribing.
    """

    __table_args__ = (UniqueConstraint("email", "query", name="uq_subscription_email_query"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    # The filter as its normalised query string (sorted keys, canonical values).
    query: Mapped[str] = mapped_column(String(QUERY_MAX), default="")
    language: Mapped[str] = mapped_column(String(8), default="id")
    confirm_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    unsubscribe_token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        # Never the address: reprs end up in logs and tracebacks.
        return f"<Subscription {self.id}>"
