"""The public side of corrections: "Laporkan kesalahan" on every public meeting page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.blueprints import BlueprintSetupState
from werkzeug.wrappers import Response

from tracker.corrections import operations, queries, throttle
from tracker.corrections.forms import CorrectionForm, field_label, status_label
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import Meeting

bp = Blueprint("corrections", __name__, url_prefix="/meetings")

Page = Response | tuple[str, int] | tuple[str, int, dict[str, str]]


@bp.record_once
def _register(state: BlueprintSetupState) -> None:
    """The rate, the meeting page's list of corrections and the staff menu's count."""
    throttle.init_app(state.app)
    state.app.add_template_global(queries.accepted_for, "accepted_corrections")
    state.app.add_template_global(queries.pending_count, "pending_corrections")
    state.app.add_template_filter(field_label, "correction_field")
    state.app.add_template_filter(status_label, "correction_status")


def _page(meeting: Meeting, form: CorrectionForm, status: int, **headers: str) -> Page:
    html = render_template("corrections/report.html", meeting=meeting, form=form)
    return html, status, headers


@bp.route("/<int:meeting_id>/report", methods=["GET", "POST"])
def report(meeting_id: int) -> Page:
    """Take a reader's report of an error on a public meeting; internal ones are 404."""
    meeting = queries.public_meeting(meeting_id) or abort(404)
    form = CorrectionForm()
    window = throttle.ReportWindow()
    wait = window.wait() if form.is_submitted() else 0
    if wait:
        minutes = -(-wait // 60)
        form.form_errors.append(
            _(
                "Terlalu banyak laporan dari alamat Anda. Coba lagi dalam %(minutes)d menit.",
                minutes=minutes,
            )
        )
        return _page(meeting, form, 429, **{"Retry-After": str(wait)})
    honeypot = bool(form.website.data)  # filled by a bot: answer as if stored
    if not honeypot and not form.validate_on_submit():
        return _page(meeting, form, 422 if form.is_submitted() else 200)
    window.hit()
    if not honeypot:
        operations.report_correction(meeting, form.values())
        db.session.commit()
    flash(_("Terima kasih. Laporan Anda akan diperiksa redaksi."), "info")
    return redirect(url_for("meetings.detail", meeting_id=meeting.id))
