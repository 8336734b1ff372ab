"""Public pages of officials: who held which position, and the meetings that say so."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request

from tracker.meetings.queries import evidence_by_release
from tracker.people import queries
from tracker.routing import page_number

bp = Blueprint("people", __name__, url_prefix="/people")


@bp.get("/")
def index() -> str:
    """List the officials named in public meetings, by name."""
    q = request.args.get("q", "").strip()[:120]
    page, counts = queries.people_page(q, page_number(), current_app.config["PAGE_SIZE"])
    return render_template("people/index.html", page=page, counts=counts, q=q)


@bp.get("/<int:person_id>")
def detail(person_id: int) -> str:
    """Show one official's positions and the public meetings naming them."""
    record = queries.person_record(person_id)
    if record is None:
        abort(404)
    evidence = {p.id: evidence_by_release(p) for p in record.participations}
    return render_template("people/detail.html", record=record, evidence=evidence)
