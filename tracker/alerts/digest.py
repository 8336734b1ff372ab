"""The daily run of `send-alerts`: one digest per confirmed subscription with news."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app

from tracker.alerts import messages, operations, searches
from tracker.alerts.mail import SEND_ERRORS, Mailer, build_message
from tracker.extensions import db
from tracker.meetings.queries import MeetingFilters
from tracker.models import Meeting, Subscription


@dataclass
class RunSummary:
    """What one run did, and why each failed subscription failed."""

    sent: int = 0
    quiet: int = 0
    purged: int = 0
    failures: list[str] = field(default_factory=list)


def _news(subscription: Subscription, until: datetime) -> tuple[MeetingFilters, list[Meeting]]:
    """The search and its meetings changed since the last digest (up to ``until``).

    :raises ValueError: the search names a record that is gone (a merged agency, say).
    """
    filters = searches.filters_of(subscription.query)
    if filters.errors:
        raise ValueError("; ".join(filters.errors.values()))
    since = subscription.last_sent_at or subscription.confirmed_at
    return filters, searches.changed_meetings(filters, since, until, searches.FEED_LIMIT + 1)


def _reason(error: Exception, address: str) -> str:
    # SMTP refusals quote the recipient: reports show it masked.
    return re.sub(re.escape(address), messages.masked(address), str(error), flags=re.IGNORECASE)


def _send_one(mailer: Mailer, subscription: Subscription, until: datetime) -> bool:
    """Send one subscription's digest if it has news; True when a message went out."""
    filters, found = _news(subscription, until)
    if not found:
        return False
    meetings, more = found[: searches.FEED_LIMIT], len(found) > searches.FEED_LIMIT
    mailer.send(build_message(messages.digest(subscription, filters, meetings, more)))
    operations.mark_sent(subscription, until)
    return True


def run(now: datetime) -> RunSummary:
    """Send every confirmed subscription's digest of changes up to ``now``.

    Commits after each message: a digest that went out is never sent again because a
    later one failed. A failure is noted and the run goes on.
    """
    summary = RunSummary()
    days = int(current_app.config.get("ALERTS_CONFIRM_DAYS", 7))
    summary.purged = operations.purge_unconfirmed(now - timedelta(days=days))
    db.session.commit()
    ids = [s.id for s in operations.confirmed_subscriptions()]
    with Mailer() as mailer:
        for subscription_id in ids:
            subscription = db.session.get(Subscription, subscription_id)
            if subscription is None:  # unsubscribed while the run went on
                continue
            label = f"#{subscription.id} ({messages.masked(subscription.email)})"
            address = subscription.email
            try:
                if _send_one(mailer, subscription, now):
                    summary.sent += 1
                else:
                    summary.quiet += 1
                db.session.commit()
            except (*SEND_ERRORS, ValueError) as error:
                db.session.rollback()
                summary.failures.append(f"{label}: {_reason(error, address)}")
    return summary
