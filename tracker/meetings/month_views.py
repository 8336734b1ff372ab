"""The meeting list as a month calendar, with the list's filters and no JavaScript."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, render_template, request

from tracker.formatting import format_month
from tracker.meetings import month, queries
from tracker.regions import queries as region_queries

bp = Blueprint("meeting_month", __name__, url_prefix="/meetings")
bp.add_app_template_filter(format_month, "month_title")
bp.add_app_template_filter(month.clock, "meeting_clock")
bp.add_app_template_global(month.weekday_names, "weekday_names")


@bp.get("/month")
def index() -> tuple[str, int]:
    """Show one month of public meetings matching the filters, each on its local day."""
    filters = queries.parse_filters(request.args)
    shown = None
    if not filters.errors:
        first = month.parse_month(request.args.get("month")) or month.default_month(
            filters, datetime.now(UTC)
        )
        shown = month.build_month(first, month.month_meetings(filters, first))
    html = render_template(
        "meetings/month.html",
        month=shown,
        filters=filters,
        choices=queries.filter_choices(),
        regions=region_queries.region_menus(),
        filter_endpoint="meeting_month.index",
    )
    return html, 400 if filters.errors else 200
