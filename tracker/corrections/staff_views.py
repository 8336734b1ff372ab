"""Staff pages for corrections: the queue, one report, accept with an edit, decline."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from tracker.auth.access import staff_only
from tracker.corrections import operations, queries
from tracker.corrections.forms import AcceptForm, DeclineForm
from tracker.extensions import db
from tracker.formtools import apply_errors, required_text
from tracker.i18n import gettext as _
from tracker.meetings import editing, history
from tracker.meetings import staff_views as meeting_pages
from tracker.meetings.forms import MeetingForm
from tracker.meetings.operations import StaleMeetingError
from tracker.models import Meeting
from tracker.models.correction import Correction
from tracker.routing import page_number
from tracker.validation import ValidationError

bp = Blueprint("staff_corrections", __name__, url_prefix="/staff/corrections")
bp.before_request(staff_only)

Page = Response | str | tuple[str, int]


def _load(correction_id: int) -> Correction:
    correction = db.session.get(Correction, correction_id)
    if correction is None:
        abort(404)
    return correction


@bp.get("/")
def index() -> str:
    """Every correction: pending first, each with its meeting."""
    page = db.paginate(
        queries.queue(),
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template("staff/corrections/index.html", page=page)


def _render_detail(
    correction: Correction, form: DeclineForm | None = None, status: int = 200
) -> tuple[str, int]:
    html = render_template(
        "staff/corrections/detail.html",
        correction=correction,
        decline=form or DeclineForm(formdata=None),
    )
    return html, status


@bp.get("/<int:correction_id>")
def detail(correction_id: int) -> tuple[str, int]:
    """One report with the reporter's contact, and what to do with it."""
    return _render_detail(_load(correction_id))


@bp.post("/<int:correction_id>/decline")
def decline(correction_id: int) -> Page:
    """Decline a correction; a reason is required."""
    correction = _load(correction_id)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            operations.decline_correction(correction, required_text(form.reason), current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors, {"staff_reason": "reason"})
        else:
            db.session.commit()
            flash(_("Koreksi ditolak."), "info")
            return redirect(url_for("staff_corrections.index"))
    return _render_detail(_load(correction_id), form, 422)


def _accept_page(
    form: MeetingForm, meeting: Meeting, correction: Correction, note: AcceptForm, status: int = 200
) -> tuple[str, int]:
    # The meeting's own edit form, with the report and the public note above it.
    return meeting_pages._render_form(form, meeting, status, correction=correction, note_form=note)


@bp.route("/<int:correction_id>/accept", methods=["GET", "POST"])
def accept(correction_id: int) -> Page:
    """Edit the meeting as the report asks, and accept it with a public note."""
    correction = _load(correction_id)
    if correction.status != "pending":
        flash(_("Koreksi ini sudah diselesaikan."), "info")
        return redirect(url_for("staff_corrections.detail", correction_id=correction.id))
    meeting = meeting_pages._load(correction.meeting_id)
    note = AcceptForm(prefix="correction", meta={"csrf": False})
    if request.method == "GET":
        form = meeting_pages._meeting_form(data=editing.meeting_form_data(meeting))
        return _accept_page(form, meeting, correction, note)
    rows_form = meeting_pages._row_edit({})
    if rows_form is not None:
        return _accept_page(rows_form, meeting, correction, note)
    return _save_and_accept(meeting_pages._meeting_form(), meeting, correction, note)


def _save_and_accept(
    form: MeetingForm, meeting: Meeting, correction: Correction, note: AcceptForm
) -> Page:
    """Save the edit through the meeting's operations, then accept; one commit for both."""
    note_valid = note.validate()
    before = editing.latest_change_id(meeting.id)

    def save() -> None:
        editing.update_from_form(meeting, form, current_user)
        if note_valid:
            change_id = queries.first_change_after(meeting.id, before)
            operations.accept_correction(
                correction, required_text(note.note), current_user, change_id
            )

    seen = form.seen_change.data
    try:
        saved = meeting_pages._checked(form, save) and note_valid
    except (StaleMeetingError, StaleDataError):
        db.session.rollback()
        return _conflict(correction, form, note, seen)
    if saved:
        db.session.commit()
        flash(_("Perubahan disimpan dan koreksi diterima."), "info")
        return redirect(url_for("staff_corrections.index"))
    db.session.rollback()
    return _accept_page(form, meeting, correction, note, 422)


def _conflict(
    correction: Correction, form: MeetingForm, note: AcceptForm, seen: str | None
) -> tuple[str, int]:
    """Someone saved the meeting meanwhile: show what changed, keep the input and the note."""
    meeting = meeting_pages._load(correction.meeting_id)
    since = int(seen) if seen and seen.isdigit() else None
    form.version.data = str(meeting.version)
    form.seen_change.data = str(editing.latest_change_id(meeting.id))
    form.form_errors.append(
        _(
            "Rapat ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda belum "
            "disimpan. Periksa perubahan di bawah; isian Anda tetap di formulir. Simpan lagi "
            "hanya bila isian Anda memang harus menggantikannya."
        )
    )
    return meeting_pages._render_form(
        form,
        meeting,
        409,
        meanwhile=history.meeting_history(meeting, since_id=since),
        correction=correction,
        note_form=note,
    )
