"""Staff pages: paste a press release, review the proposed meeting, save or attach it."""

from __future__ import annotations

from datetime import datetime
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
from tracker.press import archive, hints, intake
from tracker.press import operations as press_ops
from tracker.press.fetch import FetchRefused
from tracker.press.review import (
    PasteForm,
    ReviewForm,
    ReviewRowForm,
    field_notes,
    form_data,
    read_source,
)
from tracker.regions import picker
from tracker.validation import ValidationError

bp = Blueprint("press_extract", __name__, url_prefix="/staff/press/extract")
bp.before_request(staff_only)

Page = Response | str | tuple[str, int]
RELEASE_ERRORS = {
    "title": "release_title",
    "published_at": "published_date",
    "published_date": "published_date",
    "published_zone": "published_date",
    "body": "body",
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
            row_hints=[_row_hint(proposal, entry.form) for entry in form.participations],
            matches=intake.find_matches(proposal),
            recorded=_existing_release(form.release_id.data),
            agency_choices=picking.row_choices(form, request.form.get(picking.FIND, "")),
        ),
        status,
    )


def _row_hint(proposal: dict[str, Any], row: Any) -> dict[str, Any]:
    names = {row.agency_name.data, row.collective_label.data, row.person_name.data}
    return hints.row_hint(proposal, {n for n in names if isinstance(n, str)})


def _proposal(form: Any) -> dict[str, Any]:
    published = form.published_date.data
    return intake.propose(form.body.data or "", published)


def _recorded(source: archive.Source, url: str | None) -> PressRelease | None:
    """A release already recorded with this text or at this address (or the page's end)."""
    final = source.snapshot.final_url if source.snapshot is not None else None
    return (
        press_ops.find_by_content(source.body)
        or press_ops.find_by_url(url)
        or press_ops.find_by_url(final)
    )


def _read(form: PasteForm) -> archive.Source | None:
    """The release the paste form gives, or None with the reason on its field."""
    known = None if form.body.data or form.upload.data else press_ops.find_by_url(form.url.data)
    if known is not None:
        return archive.Source(known.body)  # already recorded: no need to fetch it again
    if not (form.body.data or form.upload.data):
        # Nothing is written yet: end the transaction so that no pooled database
        # connection waits, idle in a transaction, while a slow site answers.
        db.session.commit()
    try:
        return read_source(form)
    except ValueError as error:
        form.body.errors = [str(error)]
    except FetchRefused as refused:
        form.url.errors = [refused.message]
    return None


def _first_review(
    form: PasteForm, release: PressRelease | None, source: archive.Source
) -> tuple[ReviewForm, dict[str, Any]]:
    """The review form of a freshly read release, the page's metadata filling blanks."""
    url = (form.url.data or "").strip() or None
    recorded = release or _recorded(source, url)
    body = recorded.body if recorded is not None and release is None else source.body
    published = form.published_date.data or source.published_date
    moment = source.published_at
    values = {
        "outlet": form.outlet.data or source.outlet or "",
        "url": url,
        "release_title": form.release_title.data or source.title or "",
        "published_date": published,
        "published_at": moment.isoformat() if moment and moment.date() == published else "",
        "release_id": str(recorded.id) if recorded else "",
        "snapshot": source.snapshot_token,
        "body": body,
    }
    proposal = intake.propose(body, published)
    data = form_data(proposal, values)
    return ReviewForm(formdata=None, data=data, choices=editing.form_choices()), proposal


@bp.route("", methods=["GET", "POST"])
def paste() -> Page:
    """Paste, upload or give the URL of a release; on submit, show the proposed meeting."""
    release = _existing_release(request.args.get("release_id"))
    form = PasteForm()
    if request.method == "GET" and release is not None:
        form.outlet.data = release.outlet
        form.url.data = release.url
        form.release_title.data = release.title
        form.published_date.data = release.published_date
        form.body.data = release.body
    if form.validate_on_submit():
        source = _read(form)
        if source is not None:
            review, proposal = _first_review(form, release, source)
            db.session.commit()  # a fetched page waits, as its snapshot, for the save
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
        archive.claim(existing, form.snapshot.data)
        return existing
    snapshot = archive.unclaimed(form.snapshot.data)
    release = press_ops.create_press_release(
        {
            "outlet": form.outlet.data,
            "url": (form.url.data or "").strip() or None,
            "title": form.release_title.data or form.title.data,
            "body": form.body.data,
            "retrieved_at": snapshot.retrieved_at if snapshot else None,
        }
        | _published(form),
        current_user,
    )
    archive.claim(release, form.snapshot.data)
    return release


def _published(form: ReviewForm) -> dict[str, Any]:
    """The publication day, and its hour only when the page gave one for that day."""
    day = form.published_date.data
    try:
        moment = datetime.fromisoformat(form.published_at.data or "")
    except ValueError:
        moment = None
    if day is None or moment is None or moment.tzinfo is None or moment.date() != day:
        return {"published_date": day, "published_at": None, "published_zone": None}
    zone = press_ops.zone_of(moment) or form.timezone.data or None
    return {"published_date": day, "published_at": moment, "published_zone": zone}


def _attach_row_evidence(form: ReviewForm, meeting: Meeting, release: PressRelease) -> None:
    """Give each saved participation the evidence sentence of its row."""
    rows = [entry for entry in form.participations.entries if not entry.form.is_blank()]
    errors: dict[str, str] = {}
    for entry, participation in zip(rows, meeting.participations, strict=False):
        row = entry.form
        # Every row of a ReviewForm is a ReviewRowForm; the stubs type them as MeetingForm's.
        sentence = (row.evidence.data or "").strip() if isinstance(row, ReviewRowForm) else ""
        if not sentence:
            continue
        try:
            press_ops.add_evidence(participation, release, sentence, current_user)
        except ValidationError as error:
            errors.update({f"{entry.name}-evidence": m for m in error.errors.values()})
    if errors:
        raise ValidationError(errors)
