"""Staff pages for meetings: list, create, edit, postpone, cancel, history."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response

from tracker.agencies import picking
from tracker.auth.access import staff_only
from tracker.auth.forms import ConfirmForm
from tracker.extensions import db
from tracker.formtools import apply_errors, iter_fields, without_row
from tracker.i18n import gettext as _
from tracker.meetings import editing, history, operations, queries
from tracker.meetings.forms import CancelForm, MeetingForm, PostponeForm
from tracker.models import Meeting
from tracker.regions import picker
from tracker.routing import page_number
from tracker.validation import ValidationError

bp = Blueprint("staff_meetings", __name__, url_prefix="/staff/meetings")
bp.before_request(staff_only)

Page = Response | str | tuple[str, int]


@bp.record_once
def _register_helpers(state: BlueprintSetupState) -> None:
    history.register(state.app)


def _load(meeting_id: int) -> Meeting:
    meeting = queries.meeting_detail(meeting_id, include_internal=True)
    if meeting is None:
        abort(404)
    return meeting


def _meeting_form(**kwargs: Any) -> MeetingForm:
    return MeetingForm(choices=editing.form_choices(), **kwargs)


def _render_form(
    form: MeetingForm, meeting: Meeting | None, status: int = 200, **extra: Any
) -> tuple[str, int]:
    return (
        render_template(
            "staff/meetings/form.html",
            form=form,
            meeting=meeting,
            agency_choices=picking.row_choices(form, request.form.get(picking.FIND, "")),
            **extra,
        ),
        status,
    )


def _row_edit(form_kwargs: dict[str, Any]) -> MeetingForm | None:
    """Handle the "Tambah baris", "Hapus", "Pilih" and "Cari" buttons: re-render, values kept."""
    if picker.picked(request.form) or picking.FIND in request.form:
        return _meeting_form(**form_kwargs)
    if "add_row" in request.form:
        form = _meeting_form(**form_kwargs)
        form.participations.append_entry()
        return form
    remove = request.form.get("remove_row", "")
    if remove.isdigit():
        data = without_row(request.form, "participations", int(remove))
        form = _meeting_form(formdata=data, **form_kwargs)
        if not form.participations.entries:
            form.participations.append_entry()
        return form
    return None


def _checked(form: Any, save: Any, field_map: dict[str, str] | None = None) -> bool:
    """Validate the form and run ``save``: True when both passed (commit is the caller's).

    The save also runs when the form failed, then is rolled back, so its errors (an
    unknown body, a venue clash) show together with the form's in one round. A field
    the form already refused keeps only the form's message, and a message the form
    already shows is not repeated on a neighbour.
    """
    valid = form.validate_on_submit()
    csrf = getattr(form, "csrf_token", None)
    if not form.is_submitted() or (csrf is not None and csrf.errors):
        return False
    try:
        save()
    except (operations.StaleMeetingError, StaleDataError):
        if valid:
            raise  # a real conflict: the caller shows what changed meanwhile
        # The form itself is refused: its errors come first; the version is checked
        # again when a corrected form is sent.
        db.session.rollback()
        return False
    except ValidationError as error:
        db.session.rollback()
        refused = {f.name for f in iter_fields(form) if f.errors}
        shown = {str(e) for f in iter_fields(form) for e in f.errors}
        field_map = field_map or {}
        fresh = {
            k: v
            for k, v in error.errors.items()
            if field_map.get(k, k) not in refused and str(v) not in shown
        }
        apply_errors(form, fresh, field_map)
        return False
    if not valid:
        db.session.rollback()
    return valid


@bp.get("/")
def index() -> str:
    """List every meeting, internal ones too, newest first."""
    q = " ".join(request.args.get("q", "").split())
    stmt = (
        db.select(Meeting)
        .options(selectinload(Meeting.region), selectinload(Meeting.venue))
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )
    if q:
        escaped = q.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(func.lower(Meeting.title).like(f"%{escaped}%", escape="\\"))
    page = db.paginate(
        stmt,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template("staff/meetings/index.html", page=page, q=q)


@bp.route("/new", methods=["GET", "POST"])
def new() -> Page:
    """Record a meeting with its participants."""
    rows_form = _row_edit({}) if request.method == "POST" else None
    if rows_form is not None:
        return _render_form(rows_form, None)
    form = _meeting_form()
    created: list[Meeting] = []
    if _checked(form, lambda: created.append(editing.create_from_form(form, current_user))):
        db.session.commit()
        flash(_("Rapat dicatat."), "info")
        return redirect(url_for("staff_meetings.detail", meeting_id=created[0].id))
    return _render_form(form, None, 422 if form.is_submitted() else 200)


@bp.get("/<int:meeting_id>")
def detail(meeting_id: int) -> str:
    """Show a meeting to staff, with its actions."""
    meeting = _load(meeting_id)
    return _render_detail(meeting)[0]


def _render_detail(
    meeting: Meeting,
    postpone: PostponeForm | None = None,
    cancel: CancelForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    if postpone is None:
        start = meeting.local_start
        postpone = PostponeForm(
            formdata=None,
            data={
                "start_date": start.date(),
                "start_time": None if meeting.time_unknown else start.time(),
                "time_unknown": meeting.time_unknown,
            },
        )
    return (
        render_template(
            "staff/meetings/detail.html",
            meeting=meeting,
            postpone=postpone,
            cancel=cancel or CancelForm(formdata=None),
            confirm=ConfirmForm(formdata=None),
        ),
        status,
    )


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
def edit(meeting_id: int) -> Page:
    """Edit a meeting; a save based on an outdated version is refused."""
    meeting = _load(meeting_id)
    if request.method == "GET":
        return _render_form(_meeting_form(data=editing.meeting_form_data(meeting)), meeting)
    rows_form = _row_edit({})
    if rows_form is not None:
        return _render_form(rows_form, meeting)
    form = _meeting_form()
    seen = form.seen_change.data
    try:
        saved = _checked(form, lambda: editing.update_from_form(meeting, form, current_user))
        if saved:
            db.session.commit()
    except (operations.StaleMeetingError, StaleDataError):
        db.session.rollback()
        return _render_conflict(meeting_id, form, seen)
    if saved:
        flash(_("Perubahan disimpan."), "info")
        return redirect(url_for("staff_meetings.detail", meeting_id=meeting_id))
    return _render_form(form, meeting, 422)


def _render_conflict(meeting_id: int, form: MeetingForm, seen: str | None) -> tuple[str, int]:
    """Refuse a stale save: show what changed meanwhile and keep the editor's input."""
    meeting = _load(meeting_id)
    since = int(seen) if seen and seen.isdigit() else None
    meanwhile = history.meeting_history(meeting, since_id=since)
    # The form now carries the current version: saving again, after reading what
    # changed, is a deliberate decision to apply these values on top.
    form.version.data = str(meeting.version)
    form.seen_change.data = str(editing.latest_change_id(meeting.id))
    form.form_errors.append(
        _(
            "Rapat ini sudah diubah orang lain sejak Anda membukanya. Perubahan Anda belum "
            "disimpan. Periksa perubahan di bawah; isian Anda tetap di formulir. Simpan lagi "
            "hanya bila isian Anda memang harus menggantikannya."
        )
    )
    return _render_form(form, meeting, 409, meanwhile=meanwhile)


POSTPONE_ERRORS = {
    "starts_at": "start_date",
    "ends_at": "end_time",
    "status": "start_date",
    "status_reason": "reason",
}


@bp.post("/<int:meeting_id>/postpone")
def postpone(meeting_id: int) -> Page:
    """Move a meeting to a new date or hour, with the reason; its calendar event moves."""
    meeting = _load(meeting_id)
    form = PostponeForm()

    def save() -> None:
        starts_at, ends_at = editing.postpone_span(meeting, form)
        operations.postpone_meeting(
            meeting,
            starts_at,
            ends_at,
            reason=form.reason.data,
            user=current_user,
            time_unknown=bool(form.time_unknown.data),
        )

    try:
        if _checked(form, save, POSTPONE_ERRORS):
            db.session.commit()
            flash(_("Rapat ditunda ke tanggal baru."), "info")
            return redirect(url_for("staff_meetings.detail", meeting_id=meeting_id))
    except StaleDataError:
        db.session.rollback()
        form.form_errors.append(_("Rapat ini baru saja diubah orang lain. Coba lagi."))
    return _render_detail(_load(meeting_id), postpone=form, status=422)


@bp.post("/<int:meeting_id>/cancel")
def cancel(meeting_id: int) -> Page:
    """Cancel a meeting, with the reason."""
    meeting = _load(meeting_id)
    form = CancelForm()
    if form.validate_on_submit():
        try:
            operations.cancel_meeting(meeting, form.reason.data, current_user)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors, {"status_reason": "reason", "status": "reason"})
        except StaleDataError:
            db.session.rollback()
            form.form_errors.append(_("Rapat ini baru saja diubah orang lain. Coba lagi."))
        else:
            flash(_("Rapat dibatalkan."), "info")
            return redirect(url_for("staff_meetings.detail", meeting_id=meeting_id))
    return _render_detail(_load(meeting_id), cancel=form, status=422)


@bp.post("/<int:meeting_id>/held")
def held(meeting_id: int) -> Response:
    """Record that the meeting took place."""
    meeting = _load(meeting_id)
    if ConfirmForm().validate_on_submit():
        try:
            changed = operations.mark_held(meeting, current_user)
            db.session.commit()
        except ValidationError as error:
            db.session.rollback()
            for message in error.errors.values():
                flash(message, "error")
        else:
            done = _("Rapat ditandai terlaksana.")
            already = _("Rapat ini sudah tercatat terlaksana; tidak ada yang diubah.")
            flash(done if changed else already, "info")
    return redirect(url_for("staff_meetings.detail", meeting_id=meeting_id))


@bp.get("/<int:meeting_id>/history")
def history_page(meeting_id: int) -> str:
    """Every change to a meeting: who, when (in the meeting's zone), before and after."""
    meeting = _load(meeting_id)
    return render_template(
        "staff/meetings/history.html", meeting=meeting, entries=history.meeting_history(meeting)
    )
