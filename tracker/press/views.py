"""Public press-release pages: the list, one release with its meetings, its archive record."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template

from tracker.extensions import db
from tracker.formatting import format_day, format_local
from tracker.press import archive, queries
from tracker.press.operations import DEFAULT_ZONE
from tracker.routing import page_number

bp = Blueprint("press", __name__, url_prefix="/press")


@bp.app_template_filter("published")
def published_text(release: Any, zone: str | None = None) -> str:
    """A release's publication: the day alone, or with its hour in the zone it was given.

    ``zone`` (e.g. the meeting's) is used only when the release does not know its own.
    """
    if release.published_at is not None:
        return format_local(release.published_at, release.published_zone or zone or DEFAULT_ZONE)
    if release.published_date is not None:
        return format_day(release.published_date)
    return ""


@bp.app_template_filter("published_iso")
def published_iso(release: Any) -> str:
    """The machine-readable publication for <time datetime>: an instant or a day."""
    if release.published_at is not None:
        return str(release.published_at.isoformat())
    return release.published_date.isoformat() if release.published_date else ""


@bp.get("/")
def index() -> str:
    """List press releases about public meetings, newest first."""
    page = db.paginate(
        queries.public_releases(),
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template("press/index.html", page=page)


@bp.get("/<int:release_id>")
def detail(release_id: int) -> str:
    """Show a press release, its text and the public meetings it reports."""
    release = queries.public_release(release_id)
    if release is None:
        abort(404)
    return render_template("press/detail.html", release=release)


@bp.get("/<int:release_id>/archive")
def archive_record(release_id: int) -> Response:
    """The archive record of a public release as plain text: where and when, its hash, its text.

    The fetched page itself stays on the staff side: the public sees no more of the
    outlet's text than the release page already shows.
    """
    release = queries.public_release(release_id)
    if release is None or release.snapshot is None:
        abort(404)
    return archive.plain_response(archive.public_record(release), f"arsip-{release.id}.txt")
