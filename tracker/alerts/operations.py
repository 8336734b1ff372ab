"""Writes of e-mail alerts: subscribe, confirm, unsubscribe, note a digest sent.

Every function flushes and never commits: the view or command commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from tracker.alerts import tokens
from tracker.extensions import db
from tracker.models import Subscription, utcnow


@dataclass(frozen=True)
class Pending:
    """A subscription to confirm, with the raw tokens its message carries."""

    subscription: Subscription
    confirm_token: str
    unsubscribe_token: str

    @property
    def already_confirmed(self) -> bool:
        """Whether the address was confirmed before (then the message says so)."""
        return self.subscription.confirmed_at is not None


def normalise_email(address: str) -> str:
    """An address as stored and compared: trimmed and lower-cased."""
    return address.strip().lower()


def _set_tokens(subscription: Subscription) -> tuple[str, str]:
    confirm = tokens.new_confirm_token()
    subscription.confirm_token_hash = tokens.digest(confirm)
    unsubscribe = tokens.unsubscribe_token(subscription.confirm_token_hash)
    subscription.unsubscribe_token_hash = tokens.digest(unsubscribe)
    return confirm, unsubscribe


def subscribe(email: str, query: str, language: str) -> Pending:
    """Create a pending subscription, or renew the links of the existing one.

    The same address and search never make a second row; a confirmed one stays
    confirmed (its message then says so, with its unsubscribe link).
    """
    address = normalise_email(email)
    found = db.session.execute(
        select(Subscription).filter_by(email=address, query=query)
    ).scalar_one_or_none()
    if found is None:
        found = Subscription(email=address, query=query, language=language)
        db.session.add(found)
    elif found.confirmed_at is None:
        # A renewed request starts the confirmation period again.
        found.language, found.created_at = language, utcnow()
    if found.confirmed_at is None:
        confirm, unsubscribe = _set_tokens(found)
    else:
        confirm = ""
        unsubscribe = tokens.unsubscribe_token(found.confirm_token_hash)
    db.session.flush()
    return Pending(found, confirm, unsubscribe)


def by_confirm_token(token: str, pending_since: datetime) -> Subscription | None:
    """The subscription a confirm link names, or None (also once a pending one is too old)."""
    found = db.session.execute(
        select(Subscription).filter_by(confirm_token_hash=tokens.digest(token))
    ).scalar_one_or_none()
    if found is not None and found.confirmed_at is None and found.created_at < pending_since:
        return None
    return found


def by_unsubscribe_token(token: str) -> Subscription | None:
    """The subscription an unsubscribe link names, or None."""
    return db.session.execute(
        select(Subscription).filter_by(unsubscribe_token_hash=tokens.digest(token))
    ).scalar_one_or_none()


def confirm(subscription: Subscription) -> None:
    """Activate a subscription (confirming twice changes nothing)."""
    if subscription.confirmed_at is None:
        subscription.confirmed_at = utcnow()
        db.session.flush()


def unsubscribe(subscription: Subscription) -> None:
    """Delete the subscription, address and all."""
    db.session.delete(subscription)
    db.session.flush()


def mark_sent(subscription: Subscription, when: datetime) -> None:
    """Note that a digest covering changes up to ``when`` went out."""
    subscription.last_sent_at = when
    db.session.flush()


def confirmed_subscriptions() -> list[Subscription]:
    """Every confirmed subscription, oldest first."""
    return list(
        db.session.execute(
            select(Subscription)
            .where(Subscription.confirmed_at.is_not(None))
            .order_by(Subscription.id)
        ).scalars()
    )


def purge_unconfirmed(before: datetime) -> int:
    """Delete subscriptions never confirmed and created before ``before``; how many."""
    stale = db.session.execute(
        select(Subscription).where(
            Subscription.confirmed_at.is_(None), Subscription.created_at < before
        )
    ).scalars()
    count = 0
    for subscription in stale:
        db.session.delete(subscription)
        count += 1
    db.session.flush()
    return count
