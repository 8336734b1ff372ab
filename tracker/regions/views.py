"""Public region pages: the provinces, and each province or regency with its feeds."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, url_for

from tracker.calendar.views import feed_links
from tracker.meetings.queries import MeetingFilters
from tracker.rankings.queries import ranking
from tracker.rankings.views import link_builder
from tracker.regions import queries

bp = Blueprint("regions", __name__, url_prefix="/regions")


@bp.context_processor
def _no_meetings() -> dict[str, queries.MeetingCount]:
    # What a region without public meetings shows, so templates need no branches.
    return {"NO_MEETINGS": queries.NONE}


@bp.get("/")
def index() -> str:
    """List the provinces with their public meeting counts and zones."""
    return render_template(
        "regions/index.html", provinces=queries.provinces(), counts=queries.meeting_counts()
    )


@bp.get("/<code>")
def detail(code: str) -> str:
    """Show a province's regencies and cities, or a regency, with counts and feed links."""
    region = queries.region_page(code)
    if region is None:
        abort(404)
    children = sorted(region.children, key=lambda r: r.code)
    filters = MeetingFilters(region=region)
    return render_template(
        "regions/detail.html",
        region=region,
        children=[(r, feed_links(url_for("calendar.region_feed", code=r.code))) for r in children],
        links=feed_links(url_for("calendar.region_feed", code=region.code)),
        counts=queries.meeting_counts(),
        ranking=ranking(filters, limit=10, with_partners=False),
        link=link_builder(filters),
    )
