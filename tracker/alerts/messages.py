"""The alert e-mails: confirmation and daily digest, in the subscriber's language."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import current_app, render_template
from flask_babel import force_locale

from tracker import urls
from tracker.alerts import searches, tokens
from tracker.alerts.mail import Content, Mailer, build_message
from tracker.alerts.operations import Pending
from tracker.i18n import gettext as _
from tracker.meetings.queries import MeetingFilters
from tracker.models import Meeting, Subscription


def absolute(endpoint: str, query: str = "", **values: Any) -> str:
    """An absolute address on PUBLIC_BASE_URL, inside a request or not (the CLI)."""
    path = current_app.url_map.bind(current_app.config["PUBLIC_HOST"]).build(endpoint, values)
    return urls.base_url() + path + (f"?{query}" if query else "")


def masked(address: str) -> str:
    """An address as reports may show it: 'r…@contoh.id' (logs never get it whole)."""
    local, _at, domain = address.partition("@")
    return f"{local[:1]}…@{domain}"


def _unsubscribe_headers(link: str) -> dict[str, str]:
    # RFC 8058: mail programs offer a button that POSTs to the link, no page needed.
    return {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def _render(name: str, **context: Any) -> tuple[str, str]:
    text = render_template(f"alerts/email/{name}.txt", **context)
    html = render_template(f"alerts/email/{name}.html", **context)
    return text, html


def confirmation(pending: Pending, filters: MeetingFilters) -> Content:
    """The double opt-in message: a confirm link (or, if confirmed, a reminder)."""
    subscription = pending.subscription
    unsubscribe = absolute("alerts.unsubscribe", token=pending.unsubscribe_token)
    with force_locale(subscription.language):
        context = {
            "search": searches.describe(filters),
            "search_url": absolute("meetings.index", subscription.query),
            "confirm_url": None
            if pending.already_confirmed
            else absolute("alerts.confirm", token=pending.confirm_token),
            "unsubscribe_url": unsubscribe,
            "site_name": current_app.config["SITE_NAME"],
        }
        # The search stays out of the subject: anyone may ask for this message to any
        # address, and a subject is where a forged text would be read first.
        subject = _("Konfirmasi kabar rapat dari %(site)s", site=context["site_name"])
        text, html = _render("confirm", **context)
    return Content(subscription.email, subject, text, html, _unsubscribe_headers(unsubscribe))


def digest(
    subscription: Subscription, filters: MeetingFilters, meetings: Sequence[Meeting], more: bool
) -> Content:
    """The daily digest: the new and changed meetings of one search."""
    unsubscribe = absolute(
        "alerts.unsubscribe", token=tokens.unsubscribe_token(subscription.confirm_token_hash)
    )
    with force_locale(subscription.language):
        items = [
            {
                **searches.meeting_lines(meeting, subscription.language),
                "url": absolute("meetings.detail", meeting_id=meeting.id),
            }
            for meeting in meetings
        ]
        context = {
            "search": searches.describe(filters),
            "search_url": absolute("meetings.index", subscription.query),
            "items": items,
            "more": more,
            "unsubscribe_url": unsubscribe,
            "site_name": current_app.config["SITE_NAME"],
        }
        subject = _(
            "%(count)d rapat baru atau berubah: %(search)s",
            count=len(items),
            search=context["search"],
        )
        text, html = _render("digest", **context)
    return Content(subscription.email, subject, text, html, _unsubscribe_headers(unsubscribe))


def send_confirmation(pending: Pending, filters: MeetingFilters) -> None:
    """Send the confirmation message now; raises the SMTP or network error."""
    with Mailer() as mailer:
        mailer.send(build_message(confirmation(pending, filters)))
