"""Staff pages: paste a press release, review the proposed meeting, save or attach it."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.agencies import picking
from tracker.auth.access import staff_only
from tracker.extensions import db
from tracker.formtools import apply_errors, without_row
from tracker.i18n import gettext as _
from tracker.meetings import editing, queries
from tracker.models import Meeting, PressRelease
from tracker.press import intake
from tracker.press import operations as press_ops
from tracker.press.review import PasteForm, ReviewForm, field_notes, form_data, read_body
from tracker.regions import picker
from tracker.validation import ValidationError

bp = Blueprint("press_extract", __name__, url_prefix="/staff/press/extract")
bp.before_request(staff_only)

Page = Response | str | tuple[str, int]
RELEASE_ERRORS = {"title": "release_title", "published_at": "published_date", "body": "body"}


def _release_values(form: Any) -> dict[str, Any]:
    """What the typed release fields say, for both forms."""
    return {
        "outlet": form.outlet.data,
        "url": (form.url.data or "").strip() or None,
        "release_title": form.release_title.data,
        "published_date": form.published_date.data,
        "release_id": getattr(form, "release_id", None) and form.release_id.data,
    }


def _existing_release(release_id: str | None) -> PressRelease | None:
    if not release_id or not str(release_id).isdigit():
        return None
    release = db.session.get(PressRelease, int(release_id))
    if release is None:
        abort(404)
    return release


def _review(form: ReviewForm, proposal: dict[str, Any], status: int = 200) -> tuple[str, int]:
    body = form.body.data or ""
    return (
        render_template(
            "staff/press/review.html",
            form=form,
            proposal=proposal,
            notes=field_notes(proposal, body),
            matches=intake.find_matches(proposal),
            agency_choices=picking.row_choices(form, request.form.get(picking.FIND, "")),
        ),
        status,
    )


def _proposal(form: Any) -> dict[str, Any]:
    published = form.published_date.data
    return intake.propose(form.body.data or "", published)


@bp.route("", methods=["GET", "POST"])
def paste() -> Page:
    """Paste or upload a release; on submit, show the proposed meeting for review."""
    release = _existing_release(request.args.get("release_id"))
    form = PasteForm()
    if request.method == "GET" and release is not None:
        form.outlet.data = release.outlet
        form.url.data = release.url
        form.release_title.data = release.title
        form.published_date.data = release.published_at.date() if release.published_at else None
        form.body.data = release.body
    if form.validate_on_submit():
        try:
            body = read_body(form)
        except ValueError as error:
            form.body.errors = [str(error)]
        else:
            values = _release_values(form) | {"body": body}
            values["release_id"] = str(release.id) if release else ""
            proposal = intake.propose(body, form.published_date.data)
            review = ReviewForm(
                formdata=None, data=form_data(proposal, values), choices=editing.form_choices()
            )
            return _review(review, proposal)
    status = 422 if form.is_submitted() else 200
    return render_template("staff/press/paste.html", form=form, release=release), status


@bp.post("/save")
def save() -> Page:
    """Save the reviewed meeting, its participants, the release and the evidence at once."""
    form = ReviewForm(choices=editing.form_choices())
    if picker.picked(request.form) or picking.FIND in request.form:
        return _review(form, _proposal(form))
    if "add_row" in request.form:
        form.participations.append_entry()
        return _review(form, _proposal(form))
    remove = request.form.get("remove_row", "")
    if remove.isdigit():
        data = without_row(request.form, "participations", int(remove))
        form = ReviewForm(formdata=data, choices=editing.form_choices())
        return _review(form, _proposal(form))
    if not form.validate_on_submit():
        return _review(form, _proposal(form), 422)
    try:
        release = _save_release(form)
        meeting = editing.create_from_form(form, current_user)
        relation = "announces" if _scheduled_only(form) else "reports"
        press_ops.attach_press_release(meeting, release, relation, current_user)
        _attach_row_evidence(form, meeting, release)
    except ValidationError as error:
        db.session.rollback()
        apply_errors(form, error.errors, RELEASE_ERRORS)
        return _review(form, _proposal(form), 422)
    db.session.commit()
    flash(_("Rapat, peserta, siaran pers dan kalimat bukti disimpan."), "info")
    return redirect(url_for("staff_meetings.detail", meeting_id=meeting.id))


@bp.post("/attach")
def attach() -> Page:
    """Attach the release to a meeting already logged, adding its evidence."""
    form = ReviewForm(choices=editing.form_choices())
    meeting_id = request.form.get("meeting_id", "")
    meeting = (
        queries.meeting_detail(int(meeting_id), include_internal=True)
        if meeting_id.isdigit()
        else None
    )
    if meeting is None:
        abort(404)
    form.validate_on_submit()
    release_errors = {k: v for k, v in form.errors.items() if k in ("outlet", "url", "csrf_token")}
    if release_errors:
        return _review(form, _proposal(form), 422)
    try:
        release = _save_release(form)
        added = intake.attach_to_existing(meeting, release, _proposal(form), current_user)
    except ValidationError as error:
        db.session.rollback()
        apply_errors(form, error.errors, RELEASE_ERRORS)
        return _review(form, _proposal(form), 422)
    db.session.commit()
    flash(
        _("Siaran pers dilampirkan ke rapat ini; %(n)d peserta baru ditambahkan.", n=added),
        "info",
    )
    return redirect(url_for("staff_meetings.detail", meeting_id=meeting.id))


def _scheduled_only(form: ReviewForm) -> bool:
    return any(w.get("code") == "scheduled_only" for w in _proposal(form)["warnings"])


def _save_release(form: ReviewForm) -> PressRelease:
    """The release being reviewed: the stored one, or a new record of the pasted text."""
    existing = _existing_release(form.release_id.data)
    if existing is not None:
        return existing
    published = form.published_date.data
    return press_ops.create_press_release(
        {
            "outlet": form.outlet.data,
            "url": (form.url.data or "").strip() or None,
            "title": form.release_title.data or form.title.data,
            "published_at": datetime.combine(published, time(0), tzinfo=UTC) if published else None,
            "body": form.body.data,
        },
        current_user,
    )


def _attach_row_evidence(form: ReviewForm, meeting: Meeting, release: PressRelease) -> None:
    """Give each saved participation the evidence sentence of its row."""
    rows = [entry for entry in form.participations.entries if not entry.form.is_blank()]
    errors: dict[str, str] = {}
    for entry, participation in zip(rows, meeting.participations, strict=False):
        sentence = (entry.form.evidence.data or "").strip()
        if not sentence:
            continue
        try:
            press_ops.add_evidence(participation, release, sentence, current_user)
        except ValidationError as error:
            errors.update({f"{entry.name}-evidence": m for m in error.errors.values()})
    if errors:
        raise ValidationError(errors)
