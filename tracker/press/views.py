"""Public press-release pages: the list, one release with its meetings, its archive record."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template

from tracker import formatting
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import PressRelease
from tracker.press import archive, excerpts, queries
from tracker.routing import page_number

bp = Blueprint("press", __name__, url_prefix="/press")


@bp.app_template_filter("published")
def published_text(release: PressRelease, zone: str | None = None) -> str:
    """A release's publication: the day alone, or with its stated hour in the zone it belongs to.

    ``zone`` (e.g. the meeting's) is used only when the release does not know its own;
    without any zone the day is shown alone (issue 16).
    """
    return formatting.format_published(release, zone)


@bp.app_template_filter("published_iso")
def published_iso(release: PressRelease, zone: str | None = None) -> str:
    """The machine-readable publication for <time datetime>: an instant or a day."""
    return formatting.published_iso(release, zone)


@bp.get("/")
def index() -> str:
    """List press releases about public meetings, newest first."""
    page = db.paginate(
        queries.public_releases(),
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
        count=False,
    )
    page.total = queries.public_release_total()
    return render_template("press/index.html", page=page)


@bp.get("/<int:release_id>")
def detail(release_id: int) -> str:
    """Show a press release, its text and the public meetings it reports."""
    release = queries.public_release(release_id)
    if release is None:
        abort(404)
    # A news outlet's article is theirs: only its evidence, in context (issue 16).
    quoted = []
    if not release.shown_in_full:
        quoted = excerpts.excerpts(release.body, queries.public_evidence_sentences(release.id))
    return render_template("press/detail.html", release=release, excerpts=quoted)


@bp.get("/<int:release_id>/archive")
def archive_record(release_id: int) -> Response:
    """The archive record of a public release as plain text: where and when, its hash, its text.

    The fetched page itself stays on the staff side: the public sees no more of the
    outlet's text than the release page already shows.
    """
    release = queries.public_release(release_id)
    if release is None or release.snapshot is None:
        abort(404)
    return archive.plain_response(_public_record(release), f"arsip-{release.id}.txt")


def _public_record(release: PressRelease) -> str:
    """The archive record, with the article's text only for a release shown in full."""
    record = archive.public_record(release)
    if release.shown_in_full:
        return record
    # The record's facts end at its first blank line, and the stored text follows: a
    # news outlet's article stays at its source (issue 16).
    facts = record.partition("\n\n")[0]
    note = _("Teks artikel tidak ditampilkan di sini; bacalah di sumber aslinya.")
    return f"{facts}\n\n{note}\n"
