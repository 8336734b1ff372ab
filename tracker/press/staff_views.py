"""Staff pages for press releases: record, link to meetings, attach evidence."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from tracker.auth.access import staff_only
from tracker.auth.forms import ConfirmForm
from tracker.extensions import db
from tracker.formatting import format_short_day
from tracker.formtools import apply_errors
from tracker.i18n import gettext as _
from tracker.meetings.operations import local_datetime
from tracker.models import Coverage, Meeting, Participation, PressRelease
from tracker.press import archive, hints, operations, queries
from tracker.press.forms import CoverageForm, EvidenceForm, PressReleaseForm
from tracker.routing import page_number
from tracker.validation import ValidationError

bp = Blueprint("staff_press", __name__, url_prefix="/staff/press")
bp.before_request(staff_only)

Page = Response | str | tuple[str, int]
RELEASE_FORM_FIELDS = ("outlet", "url", "title", "section", "byline", "body", "shown_in_full")

# Hook for automatic extraction (issue 6). The extractor registers its own view at
# this path (in tracker/press/); release pages then offer "extract automatically".
EXTRACTION_PATH = "/staff/press/extract"


def extraction_url(release: PressRelease) -> str | None:
    """The link to run automatic extraction on a release, once that view exists."""
    for rule in current_app.url_map.iter_rules():
        if rule.rule == EXTRACTION_PATH:
            return url_for(rule.endpoint, release_id=release.id)
    return None


def _release_values(form: PressReleaseForm) -> dict[str, Any]:
    values = {f: getattr(form, f).data for f in RELEASE_FORM_FIELDS}
    values["url"] = (values["url"] or "").strip() or None
    day, clock, zone = form.published_date.data, form.published_time.data, form.published_zone.data
    # A day without an hour stays a day: no invented midnight.
    values["published_date"] = day
    values["published_at"] = local_datetime(day, clock, zone) if day and clock else None
    values["published_zone"] = zone if day and clock else None
    return values


def _meeting_choices(release: PressRelease) -> list[tuple[int, str]]:
    """Meetings within six weeks of publication (or the latest ones), staff-visible."""
    stmt = db.select(Meeting).order_by(Meeting.starts_at.desc()).limit(200)
    if release.published_date is not None:
        middle = datetime.combine(release.published_date, time(12), tzinfo=UTC)
        stmt = stmt.where(
            Meeting.starts_at.between(middle - timedelta(days=42), middle + timedelta(days=42))
        )
    return [
        (m.id, f"{m.title} — {format_short_day(m.local_date)} (#{m.id})")
        for m in db.session.execute(stmt).scalars()
    ]


def _participation_choices(release: PressRelease) -> list[tuple[int, str]]:
    choices = []
    for coverage in release.coverages:
        for p in coverage.meeting.participations:
            who = p.label + (f" ({p.position})" if p.position else "")
            choices.append((p.id, f"{coverage.meeting.title}: {who}"))
    return choices


def _load(release_id: int) -> PressRelease:
    return db.first_or_404(
        db.select(PressRelease)
        .where(PressRelease.id == release_id)
        .options(
            selectinload(PressRelease.coverages)
            .selectinload(Coverage.meeting)
            .selectinload(Meeting.participations)
            .selectinload(Participation.evidence)
        )
    )


def _render_detail(
    release: PressRelease,
    link: CoverageForm | None = None,
    evidence: EvidenceForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    link = link or CoverageForm(formdata=None, meetings=_meeting_choices(release))
    evidence = evidence or EvidenceForm(
        formdata=None, participations=_participation_choices(release)
    )
    return (
        render_template(
            "staff/press/detail.html",
            release=release,
            link=link,
            evidence=evidence,
            confirm=ConfirmForm(formdata=None),
            extraction_url=extraction_url(release),
        ),
        status,
    )


@bp.get("/")
def index() -> str:
    """List recorded press releases, newest first."""
    page = db.paginate(
        db.select(PressRelease).order_by(*queries.NEWEST_FIRST),
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template("staff/press/index.html", page=page)


@bp.route("/new", methods=["GET", "POST"])
def new() -> Page:
    """Record a press release."""
    form = PressReleaseForm()
    if form.validate_on_submit():
        duplicate = operations.find_by_content(form.body.data or "")
        try:
            release = operations.create_press_release(_release_values(form), current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors, {"published_at": "published_date"})
        else:
            db.session.commit()
            flash(_("Siaran pers dicatat."), "info")
            if duplicate is not None:
                flash(
                    _(
                        "Teks yang sama sudah tercatat sebagai siaran pers #%(id)d.",
                        id=duplicate.id,
                    ),
                    "warning",
                )
            return redirect(url_for("staff_press.detail", release_id=release.id))
    status = 422 if form.is_submitted() else 200
    return render_template("staff/press/form.html", form=form, release=None), status


@bp.get("/<int:release_id>")
def detail(release_id: int) -> str:
    """Show a release with its meetings and evidence, and the forms to add more."""
    return _render_detail(_load(release_id))[0]


@bp.route("/<int:release_id>/edit", methods=["GET", "POST"])
def edit(release_id: int) -> Page:
    """Correct a press release's fields."""
    release = _load(release_id)
    if request.method == "GET":
        data: dict[str, Any] = {f: getattr(release, f) for f in RELEASE_FORM_FIELDS}
        data["published_date"] = release.published_date
        # An hour added later is read in the release's zone or its region's (WIT in Papua).
        data["published_zone"] = str(_zone_of(release))
        if release.published_at is not None:
            local = release.published_at.astimezone(_zone_of(release))
            data |= {
                "published_date": local.date(),
                "published_time": local.time(),
                "published_zone": str(local.tzinfo),
            }
        form = PressReleaseForm(data=data)
        return render_template("staff/press/form.html", form=form, release=release)
    form = PressReleaseForm()
    if form.validate_on_submit():
        try:
            operations.update_press_release(release, _release_values(form), current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors, {"published_at": "published_date"})
        else:
            db.session.commit()
            flash(_("Siaran pers diperbarui."), "info")
            return redirect(url_for("staff_press.detail", release_id=release_id))
    return render_template("staff/press/form.html", form=form, release=_load(release_id)), 422


def _zone_of(release: PressRelease) -> ZoneInfo:
    """The zone a release's time is shown in: its own, its first meeting's, else WIB."""
    if release.published_zone:
        return ZoneInfo(release.published_zone)
    for coverage in release.coverages:
        return coverage.meeting.zone
    return ZoneInfo("Asia/Jakarta")


@bp.get("/<int:release_id>/archive")
def archive_page(release_id: int) -> Response:
    """Serve the page fetched for a release, as plain text (never as HTML from our origin)."""
    release = db.get_or_404(PressRelease, release_id)
    if release.snapshot is None:
        abort(404)
    text = archive.snapshot_text(release.snapshot)
    return archive.plain_response(text, f"arsip-{release.id}.txt")


@bp.get("/queue")
def queue() -> str:
    """Imported releases that need a person: no meeting was made, and why."""
    page = db.paginate(
        db.select(PressRelease)
        .where(PressRelease.pending_review.isnot(None))
        .order_by(PressRelease.created_at.desc(), PressRelease.id.desc()),
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template("staff/press/queue.html", page=page, describe=hints.describe)


@bp.post("/<int:release_id>/link")
def link(release_id: int) -> Page:
    """Link the release to a meeting."""
    release = _load(release_id)
    form = CoverageForm(meetings=_meeting_choices(release))
    if form.validate_on_submit():
        meeting = db.get_or_404(Meeting, form.meeting.data)
        try:
            operations.attach_press_release(meeting, release, form.relation.data, current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("Siaran pers ditautkan ke rapat."), "info")
            return redirect(url_for("staff_press.detail", release_id=release_id))
    return _render_detail(_load(release_id), link=form, status=422)


@bp.post("/<int:release_id>/unlink/<int:meeting_id>")
def unlink(release_id: int, meeting_id: int) -> Response:
    """Unlink the release from a meeting (its evidence there goes too)."""
    release = _load(release_id)
    meeting = db.get_or_404(Meeting, meeting_id)
    if ConfirmForm().validate_on_submit():
        operations.detach_press_release(meeting, release, current_user)
        db.session.commit()
        flash(_("Tautan ke rapat dilepas."), "info")
    return redirect(url_for("staff_press.detail", release_id=release_id))


@bp.post("/<int:release_id>/evidence")
def evidence(release_id: int) -> Page:
    """Attach a sentence of the release as evidence for a participation."""
    release = _load(release_id)
    form = EvidenceForm(participations=_participation_choices(release))
    if form.validate_on_submit():
        participation = db.get_or_404(Participation, form.participation.data)
        try:
            operations.add_evidence(participation, release, form.sentence.data or "", current_user)
        except ValidationError as error:
            db.session.rollback()
            apply_errors(form, error.errors)
        else:
            db.session.commit()
            flash(_("Kalimat bukti ditambahkan."), "info")
            return redirect(url_for("staff_press.detail", release_id=release_id))
    return _render_detail(_load(release_id), evidence=form, status=422)
