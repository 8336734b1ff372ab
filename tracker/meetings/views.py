"""Public meeting pages: the list and one meeting."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from tracker.extensions import db
from tracker.meetings import queries

bp = Blueprint("meetings", __name__, url_prefix="/meetings")


@bp.get("/")
def index() -> str:
    """List public meetings, newest first."""
    page = db.paginate(
        queries.public_meetings(),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=100,
        error_out=False,
    )
    return render_template("meetings/index.html", page=page)


@bp.get("/<int:meeting_id>")
def detail(meeting_id: int) -> str:
    """Show one public meeting with its participants and sources."""
    meeting = queries.meeting_detail(meeting_id)
    if meeting is None:
        abort(404)
    return render_template("meetings/detail.html", meeting=meeting)
