"""The agency endpoints: the list, one agency's counts and its attendance history."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from flask import redirect, request
from werkzeug.wrappers import Response

from tracker.agencies import queries as agency_queries
from tracker.api import bodies, csv_rows, paging, params, serializers
from tracker.api.blueprint import bp, kept_answer
from tracker.api.errors import ApiError
from tracker.api.export import csv_response
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.meetings import queries as meeting_queries
from tracker.models import AGENCY_KINDS, Agency, Participation
from tracker.routing import MAX_PAGE, same_query, url_with_query

AGENCY_FILTER_KEYS = ("q", "kind", "on")


def _agency_args() -> tuple[str, str, date | None]:
    q = request.args.get("q", "").strip()[:120]
    kind = request.args.get("kind", "")
    if kind and kind not in AGENCY_KINDS:
        raise ApiError(400, _("Jenis instansi tidak dikenal."), {"kind": kind})
    on, error = agency_queries.parse_day(request.args.get("on", "").strip())
    if error:
        raise ApiError(400, _("Filter tidak sah."), {"on": error})
    return q, kind, on


@bp.get("/v1/agencies")
@kept_answer
def agencies(csv: bool = False) -> Response:
    """Agencies by name or alias, with their public meeting counts."""
    q, kind, on = _agency_args()
    if paging.wants_csv(csv):
        rows = agency_queries.agencies_for_export(q, kind, on)
        return csv_response(
            "agencies.csv",
            csv_rows.AGENCY_CSV_HEADER,
            (csv_rows.agency_csv_row(a, aliases, n) for a, aliases, n in rows),
        )
    page = agency_queries.agency_page(
        q,
        kind,
        page=paging.int_arg("page", 1, 1, MAX_PAGE),
        per_page=paging.int_arg("per_page", params.DEFAULT_PER_PAGE, 1, params.MAX_PER_PAGE),
        max_per_page=params.MAX_PER_PAGE,
        on=on,
    )
    counts = agency_queries.meeting_counts([a.id for a in page.items])
    items = [serializers.agency_item(a, counts.get(a.id, 0)) for a in page.items]
    return paging.json_response(
        bodies.AgencyList(data=items, **paging.envelope(page, "api.agencies", AGENCY_FILTER_KEYS))
    )


def _agency(slug: str, endpoint: str, **extra: Any) -> Agency | Response:
    """The agency of a slug; a merged duplicate's slug redirects to the survivor.

    :raises ApiError: 404 for an unknown slug.
    """
    found = meeting_queries.find_agency(slug)
    if found is None:
        raise ApiError(404, _("Instansi tidak ditemukan."))
    if found.slug != slug:
        return redirect(url_with_query(endpoint, same_query(), slug=found.slug, **extra), 301)
    return found


@bp.get("/v1/agencies/<slug>")
@kept_answer
def agency(slug: str) -> Response:
    """One agency with its attendance counts."""
    found = _agency(slug, "api.agency")
    if isinstance(found, Response):
        return found
    stats = agency_queries.agency_stats(found)
    return paging.json_response(bodies.AgencyBody(data=serializers.agency_detail(found, stats)))


@bp.get("/v1/agencies/<slug>/attendance")
@kept_answer
def agency_attendance(slug: str, csv: bool = False) -> Response:
    """An agency's attendance history in public meetings, newest first."""
    found = _agency(slug, "api.agency_attendance_csv" if csv else "api.agency_attendance")
    if isinstance(found, Response):
        return found
    stmt = agency_queries.attendance(found)
    if paging.wants_csv(csv):
        rows = db.session.execute(stmt.limit(paging.CSV_MAX_ROWS)).scalars()
        return csv_response(
            f"{found.slug}-attendance.csv",
            csv_rows.ATTENDANCE_CSV_HEADER,
            (csv_rows.attendance_csv_row(p) for p in _participations(rows)),
        )
    # The history's order is kept between writes, as on the agency page: a page loads
    # its own rows, not the whole history sorted and counted (14 ms of 23 for the
    # busiest body at 100,000 meetings on PostgreSQL).
    page = agency_queries.attendance_page(found, **paging.page_args())
    items = [serializers.attendance_line(p) for p in page.items]
    parts = paging.envelope(page, "api.agency_attendance", slug=found.slug)
    return paging.json_response(bodies.AttendanceList(data=items, **parts))


def _participations(rows: Iterable[Any]) -> Iterator[Participation]:
    """The rows of a one-entity statement, typed as what they are."""
    # agency_queries.attendance is annotated in SQLAlchemy 2.0's Select[tuple[...]] style,
    # which 2.1 reads as rows of one-tuples; the scalars are Participation objects.
    yield from rows


@bp.get("/v1/agencies.csv")
def agencies_csv() -> Response:
    """Agencies as CSV."""
    return agencies(csv=True)


@bp.get("/v1/agencies/<slug>/attendance.csv")
def agency_attendance_csv(slug: str) -> Response:
    """An agency's attendance history as CSV."""
    return agency_attendance(slug, csv=True)
