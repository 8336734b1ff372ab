"""Saved searches: the Atom feed of a meeting-list filter, and alerts by e-mail."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import click
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.cli import with_appcontext
from flask.globals import request_ctx
from flask.sansio.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from tracker.alerts import atom, digest, limits, mail, messages, operations, searches
from tracker.alerts.forms import ConfirmForm, SubscribeForm, UnsubscribeForm
from tracker.calendar import state
from tracker.extensions import csrf, db
from tracker.formtools import required_text
from tracker.i18n import current_language
from tracker.i18n import gettext as _
from tracker.meetings import queries
from tracker.meetings.queries import MeetingFilters
from tracker.models import Subscription, utcnow

bp = Blueprint("alerts", __name__, cli_group=None)
FEED_MAX_AGE = 300


@bp.record_once
def _configure(state: BlueprintSetupState) -> None:
    mail.init_app(state.app)
    limits.init_app(state.app)
    state.app.config.setdefault("ALERTS_CONFIRM_DAYS", 7)


@bp.before_request
def _no_session_on_feed() -> None:
    # Feed readers keep no cookies: no Set-Cookie, no "Vary: Cookie" for shared caches.
    if request.endpoint == "alerts.feed":
        ctx = request_ctx._get_current_object()  # type: ignore[attr-defined]
        ctx._session = current_app.session_interface.make_null_session(current_app)


def _meeting_url_pattern() -> str:
    marker = 918273645
    return messages.absolute("meetings.detail", meeting_id=marker).replace(str(marker), "{id}")


def _feed_response(filters: MeetingFilters) -> Response:
    meetings = searches.changed_meetings(filters)
    query = searches.normalised_query(filters)
    config = current_app.config
    info = atom.FeedInfo(
        host=config["PUBLIC_HOST"],
        query=query,
        title=f"{config['SITE_NAME']}: {searches.describe(filters)}",
        site_name=config["SITE_NAME"],
        feed_url=messages.absolute("alerts.feed", query),
        page_url=messages.absolute("meetings.index", query),
        language=current_language(),
        meeting_url=_meeting_url_pattern(),
    )
    body = atom.build_feed(meetings, info)
    response = Response(body, mimetype="application/atom+xml")
    response.set_etag(hashlib.sha256(body).hexdigest()[:40])
    # The newest entry's change, or any later feed-visible write (one leaving the feed,
    # such as a meeting made internal, moves no entry): never older than the content.
    written = datetime.fromtimestamp(state.read().changed_at, UTC)
    response.last_modified = max(atom.last_change(meetings), written)
    response.cache_control.public = True
    response.cache_control.max_age = FEED_MAX_AGE
    # The language follows the visitor's cookie (feed readers have none: Indonesian).
    response.vary.add("Cookie")
    return response.make_conditional(request)


@bp.get("/meetings/feed.atom")
def feed() -> Response:
    """The Atom feed of the public meetings a list filter finds, newest change first."""
    filters = queries.parse_filters(request.args)
    if filters.errors:
        text = "\n".join(filters.errors.values())
        return Response(text, status=400, mimetype="text/plain")
    return _feed_response(filters)


def _subscribe_page(form: SubscribeForm, filters: MeetingFilters, status: int) -> tuple[str, int]:
    # Typed Any: url_for's own keywords (_external and the rest) take no strings.
    args: dict[str, Any] = filters.args()
    html = render_template(
        "alerts/subscribe.html",
        form=form,
        filters=filters,
        search=searches.describe(filters) if not filters.errors else "",
        action=url_for("alerts.subscribe", **args),
        back=url_for("meetings.index", **args),
    )
    return html, status


def _request_alert(form: SubscribeForm, filters: MeetingFilters) -> int:
    """Create or renew the subscription and send its confirmation; an HTTP status.

    Nothing is kept when the message cannot be sent; a filled honeypot gets the
    same answer as a person, with nothing written or sent.
    """
    if not limits.allowed(required_text(form.email)):
        form.form_errors.append(_("Terlalu banyak permintaan. Coba lagi nanti."))
        return 429
    if form.website.data:
        return 303
    query = searches.normalised_query(filters)
    pending = operations.subscribe(required_text(form.email), query, current_language())
    try:
        messages.send_confirmation(pending, filters)
    except mail.SEND_ERRORS:
        db.session.rollback()
        current_app.logger.warning("alerts: confirmation not sent (SMTP failure)")
        form.form_errors.append(
            _("Surel konfirmasi tidak bisa dikirim sekarang. Coba lagi beberapa menit lagi.")
        )
        return 503
    db.session.commit()
    return 303


@bp.route("/alerts/subscribe", methods=["GET", "POST"])
def subscribe() -> Response | tuple[str, int]:
    """Ask for a daily e-mail of the meetings this list filter finds (double opt-in)."""
    filters = queries.parse_filters(request.args)
    form = SubscribeForm()
    if filters.errors:
        return _subscribe_page(form, filters, 400)
    if not form.validate_on_submit():
        return _subscribe_page(form, filters, 422 if form.is_submitted() else 200)
    status = _request_alert(form, filters)
    if status != 303:
        return _subscribe_page(form, filters, status)
    # The same words whether the address was new, pending, confirmed or a bot's.
    flash(_("Periksa kotak surel Anda: tautan konfirmasi sudah dikirim."), "info")
    args: dict[str, Any] = filters.args()
    return redirect(url_for("meetings.index", **args), 303)


@bp.route("/alerts/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str) -> Response | tuple[str, int] | str:
    """Show the confirm button of a confirmation link; the POST activates the alerts."""
    days = int(current_app.config["ALERTS_CONFIRM_DAYS"])
    subscription = operations.by_confirm_token(token, utcnow() - timedelta(days=days))
    if subscription is None:
        return render_template("alerts/gone.html"), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.confirm(subscription)
        db.session.commit()
        flash(_("Langganan aktif: ringkasan harian akan dikirim bila ada rapat baru."), "info")
        return redirect(url_for("meetings.index") + _query(subscription), 303)
    search = searches.describe(searches.filters_of(subscription.query))
    confirmed = subscription.confirmed_at is not None
    return render_template("alerts/confirm.html", form=form, search=search, confirmed=confirmed)


def _query(subscription: Subscription) -> str:
    return f"?{subscription.query}" if subscription.query else ""


@bp.route("/alerts/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> tuple[str, int] | str:
    """Show the unsubscribe button; the POST (also RFC 8058 one-click) deletes the address."""
    subscription = operations.by_unsubscribe_token(token)
    if subscription is None:
        return render_template("alerts/gone.html"), 404
    if request.method == "POST":
        operations.unsubscribe(subscription)
        db.session.commit()
        return render_template("alerts/unsubscribed.html")
    search = searches.describe(searches.filters_of(subscription.query))
    return render_template("alerts/unsubscribe.html", form=UnsubscribeForm(), search=search)


@bp.cli.command("send-alerts")
@with_appcontext
def send_alerts_command() -> None:
    """Send each confirmed alert its daily digest of new and changed meetings (cron)."""
    summary = digest.run(utcnow())
    for failure in summary.failures:
        click.echo(f"error: {failure}", err=True)
    click.echo(
        _(
            "%(sent)d ringkasan terkirim, %(quiet)d tanpa rapat baru, %(failed)d gagal, "
            "%(purged)d langganan tak dikonfirmasi dihapus",
            sent=summary.sent,
            quiet=summary.quiet,
            failed=len(summary.failures),
            purged=summary.purged,
        )
    )
    if summary.failures:
        raise SystemExit(1)
