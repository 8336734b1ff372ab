"""Public press-release pages: the list and one release with the meetings it reports."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template

from tracker.extensions import db
from tracker.press import queries
from tracker.routing import page_number

bp = Blueprint("press", __name__, url_prefix="/press")


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
