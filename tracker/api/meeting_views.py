"""The meeting endpoints: the filtered list (JSON or CSV) and one meeting in full."""

from __future__ import annotations

from flask import request
from werkzeug.wrappers import Response

from tracker import search_suggest
from tracker.api import bodies, csv_rows, paging, serializers
from tracker.api.blueprint import bp, kept_answer
from tracker.api.errors import ApiError
from tracker.api.export import csv_response
from tracker.i18n import gettext as _
from tracker.meetings import queries as meeting_queries


def _meeting_filters() -> meeting_queries.MeetingFilters:
    filters = meeting_queries.parse_filters(request.args)
    if filters.errors:
        # A well-formed slug or code naming nothing is 404, like a missing resource;
        # a malformed value (a date that is no date, an unknown kind) is 400.
        if set(filters.errors) <= meeting_queries.REFERENCE_KEYS:
            raise ApiError(404, _("Filter menyebut data yang tidak ada."), filters.errors)
        raise ApiError(400, _("Filter tidak sah."), filters.errors)
    return filters


@bp.get("/v1/meetings")
@kept_answer
def meetings(csv: bool = False) -> Response:
    """Public meetings with the list's filters (q, dates, region, agency, ...)."""
    filters = _meeting_filters()
    if paging.wants_csv(csv):
        rows = meeting_queries.meetings_for_export(filters, paging.CSV_MAX_ROWS)
        return csv_response(
            "meetings.csv",
            csv_rows.MEETING_CSV_HEADER,
            map(csv_rows.meeting_csv_row, rows),
        )
    total, capped = meeting_queries.list_total(filters)
    page = paging.paginate(meeting_queries.filtered_meetings(filters), total)
    # A better spelling of q when it finds little ("balikpapn" -> "balikpapan"), else null.
    suggestion = search_suggest.for_filters(filters, total)
    return paging.json_response(
        bodies.MeetingList(
            data=[serializers.meeting_summary(m) for m in page.items],
            suggestion=suggestion,
            **paging.envelope(page, "api.meetings", meeting_queries.FILTER_KEYS, capped),
        )
    )


@bp.get("/v1/meetings/<int:meeting_id>")
@kept_answer
def meeting(meeting_id: int) -> Response:
    """One public meeting in full."""
    found = meeting_queries.meeting_detail(meeting_id)
    if found is None:
        raise ApiError(404, _("Rapat tidak ditemukan."))
    return paging.json_response(bodies.MeetingBody(data=serializers.meeting_detail(found)))


@bp.get("/v1/meetings.csv")
def meetings_csv() -> Response:
    """Public meetings matching the filters, as CSV (every row)."""
    return meetings(csv=True)
