"""Public ranking pages: the bodies that met most within a meeting-list filter."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote_plus, urlencode

from flask import Blueprint, Flask, abort, render_template, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import BadRequest
from werkzeug.wrappers import Response

from tracker.calendar.scopes import query_url
from tracker.i18n import gettext as _
from tracker.limiter import app_limiter
from tracker.meetings import queries as meeting_queries
from tracker.meetings.queries import MeetingFilters
from tracker.rankings import export, queries
from tracker.rankings.chart import ranking_chart
from tracker.regions import queries as region_queries

bp = Blueprint("rankings", __name__, url_prefix="/meetings")
# Bodies per page: a national ranking has thousands; the exports hold them all.
PER_PAGE = 50


@dataclass(frozen=True)
class RowPage:
    """One page of ranked bodies, shaped for the pagination macro."""

    items: Sequence[queries.RankRow]
    page: int
    pages: int

    @property
    def start(self) -> int:
        """Rank of the row before this page's first (0 on page 1)."""
        return (self.page - 1) * PER_PAGE

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def page_of(rows: Sequence[queries.RankRow], page: int) -> RowPage:
    """The requested page of ``rows``; a page past the end is not found."""
    pages = max(1, -(-len(rows) // PER_PAGE))
    if page < 1 or page > pages:
        abort(404)
    start = (page - 1) * PER_PAGE
    return RowPage(rows[start : start + PER_PAGE], page, pages)


def ranking_filters(args: Mapping[str, str]) -> MeetingFilters:
    """The meeting-list filters a ranking takes: all but body, role and attendance.

    The ranking splits by body, role and attendance itself; those filters would only
    narrow it in ways its links could not repeat, so they are set aside.
    """
    filters = meeting_queries.parse_filters(args)
    filters.agency = filters.role = filters.attendance = None
    for key in ("agency", "role", "attendance"):
        filters.errors.pop(key, None)
    return filters


def link_builder(filters: MeetingFilters) -> Callable[..., str]:
    """``link(slug, role=..., attendance=...)``: the meeting list behind one number.

    The filters' part of the URL is built once, not once per cell (a national ranking
    has thousands of numbers).
    """
    base = query_url("meetings.index", filters.args())
    base += ("&" if "?" in base else "?") + "agency="

    def link(slug: str, **extra: str) -> str:
        return base + quote_plus(slug) + ("&" + urlencode(extra) if extra else "")

    return link


def chart_for(ranking: queries.Ranking) -> Any:
    """The ranking's bar chart (attended, with absences beside)."""
    series = [(r.short_name, r.attended, r.attendance("absent")) for r in ranking.rows]
    return ranking_chart(series, _("Rapat diikuti per instansi"), _("tidak hadir"))


@bp.get("/rankings")
def index() -> tuple[str, int]:
    """Rank the bodies by public meetings attended within the filters."""
    filters = ranking_filters(request.args)
    ranking = None if filters.errors else queries.ranking(filters)
    page = page_of(ranking.rows if ranking else (), request.args.get("page", 1, type=int))
    html = render_template(
        "rankings/index.html",
        filters=filters,
        ranking=ranking,
        page=page,
        chart=chart_for(ranking) if ranking and ranking.rows else None,
        link=link_builder(filters),
        choices=meeting_queries.filter_choices(),
        regions=region_queries.region_menus(),
    )
    return html, 400 if filters.errors else 200


def _valid(filters: MeetingFilters) -> MeetingFilters:
    if filters.errors:
        raise BadRequest("; ".join(filters.errors.values()))
    return filters


@bp.get("/rankings.csv")
def index_csv() -> Response:
    """Download the ranking as CSV (UTF-8 with BOM, semicolons)."""
    filters = _valid(ranking_filters(request.args))
    ranking = queries.ranking(filters, with_partners=False)
    return export.csv_download(ranking, "peringkat-instansi.csv")


@bp.get("/rankings.xlsx")
def index_xlsx() -> Response:
    """Download the ranking as an XLSX workbook."""
    filters = _valid(ranking_filters(request.args))
    ranking = queries.ranking(filters, with_partners=False)
    described = urlencode(filters.args()) or _("semua rapat publik")
    line = _("Peringkat instansi") + ": " + described
    return export.xlsx_download(ranking, "peringkat-instansi.xlsx", line)


# Recorded after the routes, so it runs once they are on the app.
@bp.record_once
def _limit_downloads(state: BlueprintSetupState) -> None:
    """Count the ranking downloads against DOWNLOAD_RATE_LIMIT, with the other exports."""
    app = state.app
    assert isinstance(app, Flask)  # blueprints register on a Flask app
    limit = app_limiter(app).shared_limit(app.config["DOWNLOAD_RATE_LIMIT"], scope="downloads")
    for view in (index_csv, index_xlsx):
        # The decorator's type allows async views; these two are plain ones.
        guarded = cast(Callable[..., Response], limit(view))
        app.view_functions[f"rankings.{view.__name__}"] = guarded
