"""Public agency pages: the searchable registry and each agency's attendance record."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request
from werkzeug.wrappers import Response

from tracker.agencies import queries
from tracker.api.export import csv_response
from tracker.api.serializers import ATTENDANCE_CSV_HEADER, attendance_csv_row
from tracker.charts import bar_chart
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.meetings.queries import find_agency
from tracker.models import Agency
from tracker.routing import page_number, same_query, url_with_query

bp = Blueprint("agencies", __name__, url_prefix="/agencies")


def _agency_or_redirect(slug: str, endpoint: str) -> Agency | Response:
    """The agency for a slug; a merged duplicate's slug redirects (301) to the survivor.

    :raises NotFound: when no agency has or had this slug.
    """
    agency = find_agency(slug)
    if agency is None:
        abort(404)
    if agency.slug != slug:
        return redirect(url_with_query(endpoint, same_query(), slug=agency.slug), 301)
    return agency


@bp.get("/")
def index() -> str:
    """List agencies by name or alias, busiest first; ``on`` keeps those of that day."""
    q = request.args.get("q", "").strip()[:120]
    kind = request.args.get("kind", "")
    on, on_error = queries.parse_day(request.args.get("on", "").strip())
    page = queries.agency_page(
        q,
        kind,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"] * 2,
        max_per_page=200,
        on=on,
    )
    counts = queries.meeting_counts([a.id for a in page.items])
    return render_template(
        "agencies/index.html",
        page=page,
        q=q,
        kind=kind,
        on=on,
        on_error=on_error,
        today=queries.today(),
        counts=counts,
    )


@bp.get("/<slug>")
def detail(slug: str) -> str | Response:
    """Show an agency's public attendance record with counts and a monthly chart."""
    agency = _agency_or_redirect(slug, "agencies.detail")
    if isinstance(agency, Response):
        return agency
    stats = queries.agency_stats(agency)
    page = queries.attendance_page(
        agency,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        max_per_page=100,
    )
    chart = bar_chart(stats.per_month, _("Rapat per bulan: %(name)s", name=agency.short_name))
    return render_template(
        "agencies/detail.html", agency=agency, stats=stats, page=page, chart=chart
    )


@bp.get("/<slug>.csv")
def detail_csv(slug: str) -> Response:
    """Download an agency's attendance record as CSV."""
    agency = _agency_or_redirect(slug, "agencies.detail_csv")
    if isinstance(agency, Response):
        return agency
    rows = db.session.execute(queries.attendance(agency)).scalars()
    return csv_response(
        f"{agency.slug}-attendance.csv", ATTENDANCE_CSV_HEADER, map(attendance_csv_row, rows)
    )
