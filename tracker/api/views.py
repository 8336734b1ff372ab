"""Read-only JSON/CSV API at /api/v1 (the HTML guide is /api/)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from flask_sqlalchemy.pagination import Pagination
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from tracker import search_suggest
from tracker.agencies import queries as agency_queries
from tracker.api import errors, schemas, serializers
from tracker.api.errors import ApiError
from tracker.api.export import csv_response
from tracker.api.openapi import openapi_document
from tracker.elections import queries as election_queries
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.meetings import queries as meeting_queries
from tracker.models import AGENCY_KINDS, Agency, Election, Participation, Region
from tracker.models.region import REGION_KINDS
from tracker.press import queries as press_queries
from tracker.regions import queries as region_queries
from tracker.routing import MAX_PAGE, same_query, url_with_query

bp = Blueprint("api", __name__, url_prefix="/api")
errors.register(bp)

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
# A CSV export carries every matching row up to this many.
CSV_MAX_ROWS = 50_000
AGENCY_FILTER_KEYS = ("q", "kind", "on")


@bp.after_request
def cors(response: Response) -> Response:
    """Let any site's scripts read the API; no cookies are involved (no credentials)."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    response.headers.setdefault("Vary", "Accept-Language")
    return response


def _int_arg(name: str, default: int, low: int, high: int) -> int:
    """A bounded integer query argument.

    :raises ApiError: 400 when it is not an integer in [low, high].
    """
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise ApiError(
            400, _("%(name)s harus bilangan bulat %(low)d–%(high)d.", name=name, low=low, high=high)
        )
    return value


def _paginate(stmt: Any) -> Pagination:
    return db.paginate(
        stmt,
        page=_int_arg("page", 1, 1, MAX_PAGE),
        per_page=_int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        max_per_page=MAX_PER_PAGE,
        error_out=False,
    )


def _json(body: BaseModel) -> Response:
    """A response model as the JSON response."""
    return jsonify(body.model_dump(mode="json"))


def _paging(
    page: Pagination, endpoint: str, keys: tuple[str, ...] = (), **view_args: Any
) -> dict[str, Any]:
    """A list's meta and links; the links keep the query's filters (``keys``)."""
    # Only the endpoint's own filters are carried; anything else the visitor typed is dropped.
    carried = [(key, value) for key in keys for value in request.args.getlist(key)]

    def link(number: int | None) -> str | None:
        if number is None:
            return None
        query = [*carried, ("page", number), ("per_page", page.per_page)]
        return url_with_query(endpoint, query, external=True, **view_args)

    pages = max(page.pages, 1)
    meta = schemas.Meta(page=page.page, per_page=page.per_page, total=page.total, pages=pages)
    links = schemas.Links(
        self=link(page.page),
        first=link(1),
        last=link(pages),
        next=link(page.next_num if page.has_next else None),
        prev=link(page.prev_num if page.has_prev and page.page <= pages else None),
    )
    return {"meta": meta, "links": links}


def _wants_csv(csv: bool) -> bool:
    fmt = request.args.get("format", "json")
    if fmt not in ("json", "csv"):
        raise ApiError(400, _("format harus json atau csv."))
    return csv or fmt == "csv"


def _meeting_filters() -> meeting_queries.MeetingFilters:
    filters = meeting_queries.parse_filters(request.args)
    if filters.errors:
        # A well-formed slug or code naming nothing is 404, like a missing resource;
        # a malformed value (a date that is no date, an unknown kind) is 400.
        if set(filters.errors) <= meeting_queries.REFERENCE_KEYS:
            raise ApiError(404, _("Filter menyebut data yang tidak ada."), filters.errors)
        raise ApiError(400, _("Filter tidak sah."), filters.errors)
    return filters


@bp.get("/")
def guide() -> str:
    """The API guide for people: endpoints, filters, formats, the OpenAPI link."""
    return render_template("api/index.html")


@bp.get("/v1/")
def root() -> Response:
    """Entry point: links to every collection."""
    return jsonify(
        {
            "name": "Rakor Tracker API",
            "version": "1",
            "openapi": url_for("api.openapi", _external=True),
            "links": {
                name: url_for(f"api.{name}", _external=True)
                for name in ("meetings", "agencies", "press_releases", "elections", "regions")
            },
        }
    )


@bp.get("/v1/openapi.json")
def openapi() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document(url_for("api.root", _external=True).rstrip("/")))


@bp.get("/v1/meetings")
def meetings(csv: bool = False) -> Response:
    """Public meetings with the list's filters (q, dates, region, agency, ...)."""
    filters = _meeting_filters()
    if _wants_csv(csv):
        rows = meeting_queries.meetings_for_export(filters, CSV_MAX_ROWS)
        return csv_response(
            "meetings.csv",
            serializers.MEETING_CSV_HEADER,
            map(serializers.meeting_csv_row, rows),
        )
    page = _paginate(meeting_queries.filtered_meetings(filters))
    # A better spelling of q when it finds little ("balikpapn" -> "balikpapan"), else null.
    suggestion = search_suggest.for_filters(filters, page.total or 0)
    return _json(
        schemas.MeetingList(
            data=[serializers.meeting_summary(m) for m in page.items],
            suggestion=suggestion,
            **_paging(page, "api.meetings", meeting_queries.FILTER_KEYS),
        )
    )


@bp.get("/v1/meetings/<int:meeting_id>")
def meeting(meeting_id: int) -> Response:
    """One public meeting in full."""
    found = meeting_queries.meeting_detail(meeting_id)
    if found is None:
        raise ApiError(404, _("Rapat tidak ditemukan."))
    return _json(schemas.MeetingBody(data=serializers.meeting_detail(found)))


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
def agencies(csv: bool = False) -> Response:
    """Agencies by name or alias, with their public meeting counts."""
    q, kind, on = _agency_args()
    if _wants_csv(csv):
        rows = agency_queries.agencies_for_export(q, kind, on)
        return csv_response(
            "agencies.csv",
            (
                "slug",
                "short_name",
                "full_name",
                "kind",
                "head_title",
                "region_code",
                "aliases",
                "meetings",
            ),
            (
                (
                    a.slug,
                    a.short_name,
                    a.full_name,
                    a.kind,
                    a.head_title,
                    a.region.code if a.region else "",
                    "; ".join(aliases),
                    n,
                )
                for a, aliases, n in rows
            ),
        )
    page = agency_queries.agency_page(
        q,
        kind,
        page=_int_arg("page", 1, 1, MAX_PAGE),
        per_page=_int_arg("per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE),
        max_per_page=MAX_PER_PAGE,
        on=on,
    )
    counts = agency_queries.meeting_counts([a.id for a in page.items])
    items = [serializers.agency_item(a, counts.get(a.id, 0)) for a in page.items]
    return _json(
        schemas.AgencyList(data=items, **_paging(page, "api.agencies", AGENCY_FILTER_KEYS))
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
def agency(slug: str) -> Response:
    """One agency with its attendance counts."""
    found = _agency(slug, "api.agency")
    if isinstance(found, Response):
        return found
    stats = agency_queries.agency_stats(found)
    return _json(schemas.AgencyBody(data=serializers.agency_detail(found, stats)))


@bp.get("/v1/agencies/<slug>/attendance")
def agency_attendance(slug: str, csv: bool = False) -> Response:
    """An agency's attendance history in public meetings, newest first."""
    found = _agency(slug, "api.agency_attendance_csv" if csv else "api.agency_attendance")
    if isinstance(found, Response):
        return found
    stmt = agency_queries.attendance(found)
    if _wants_csv(csv):
        rows = db.session.execute(stmt.limit(CSV_MAX_ROWS)).scalars()
        return csv_response(
            f"{found.slug}-attendance.csv",
            serializers.ATTENDANCE_CSV_HEADER,
            (serializers.attendance_csv_row(p) for p in _participations(rows)),
        )
    page = _paginate(stmt)
    items = [serializers.attendance_line(p) for p in page.items]
    paging = _paging(page, "api.agency_attendance", slug=found.slug)
    return _json(schemas.AttendanceList(data=items, **paging))


def _participations(rows: Iterable[Any]) -> Iterator[Participation]:
    """The rows of a one-entity statement, typed as what they are."""
    # agency_queries.attendance is annotated in SQLAlchemy 2.0's Select[tuple[...]] style,
    # which 2.1 reads as rows of one-tuples; the scalars are Participation objects.
    yield from rows


@bp.get("/v1/press-releases")
def press_releases(csv: bool = False) -> Response:
    """Press releases about public meetings, newest first."""
    if _wants_csv(csv):
        rows = press_queries.releases_for_export()
        return csv_response(
            "press-releases.csv",
            ("id", "published_at", "outlet", "title", "url", "meeting_ids", "body"),
            (
                (
                    r.id,
                    r.published_at.isoformat() if r.published_at else "",
                    r.outlet,
                    r.title,
                    r.url,
                    " ".join(str(mid) for mid, _rel in links),
                    r.body,
                )
                for r, links in rows
            ),
        )
    page = _paginate(press_queries.public_releases())
    items = [serializers.press_release_item(r, r.coverages) for r in page.items]
    return _json(schemas.PressReleaseList(data=items, **_paging(page, "api.press_releases")))


@bp.get("/v1/press-releases/<int:release_id>")
def press_release(release_id: int) -> Response:
    """One press release with its text and the public meetings it covers."""
    release = press_queries.public_release(release_id)
    if release is None:
        raise ApiError(404, _("Siaran pers tidak ditemukan."))
    detail = serializers.press_release_detail(release, release.coverages)
    return _json(schemas.PressReleaseBody(data=detail))


def _elections() -> list[Election]:
    stmt = (
        select(Election)
        .options(joinedload(Election.scope_region))
        .order_by(Election.polling_day, Election.id)
    )
    return list(db.session.execute(stmt).scalars())


@bp.get("/v1/elections")
def elections(csv: bool = False) -> Response:
    """Elections with polling days and public meeting counts."""
    wants_csv = _wants_csv(csv)
    counts = election_queries.public_counts()
    rows = _elections()
    if wants_csv:
        return csv_response(
            "elections.csv",
            ("slug", "name", "kind", "polling_day", "scope_region_code", "meetings"),
            (
                (
                    e.slug,
                    e.name,
                    e.kind,
                    e.polling_day.isoformat(),
                    e.scope_region.code if e.scope_region else "",
                    counts.get(e.id, 0),
                )
                for e in rows
            ),
        )
    items = [serializers.election_item(e, counts.get(e.id, 0)) for e in rows]
    return _json(schemas.ElectionList(data=items, **_whole_list(len(items))))


@bp.get("/v1/elections/<slug>")
def election(slug: str) -> Response:
    """One election with its public meetings up to polling day, oldest first."""
    found = db.session.execute(select(Election).filter_by(slug=slug)).scalar_one_or_none()
    if found is None:
        raise ApiError(404, _("Pemilihan tidak ditemukan."))
    meetings = db.session.execute(
        election_queries.run_up(found).limit(election_queries.TIMELINE_LIMIT)
    ).scalars()
    count = election_queries.public_counts().get(found.id, 0)
    run_up = election_queries.before_polling(list(meetings), found)
    return _json(schemas.ElectionBody(data=serializers.election_detail(found, count, run_up)))


def _region_filter(name: str, province: bool = False) -> Region | None:
    """The region a filter names; an unknown code (or a non-province) is 404."""
    code = request.args.get(name, "")
    if not code:
        return None
    found = region_queries.find_region(code)
    if found is None or (province and found.kind != "province"):
        message = _("Provinsi tidak dikenal.") if province else _("Wilayah tidak dikenal.")
        raise ApiError(404, _("Filter menyebut data yang tidak ada."), {name: message})
    return found


@bp.get("/v1/regions")
def regions(csv: bool = False) -> Response:
    """Provinces, regencies and cities with codes, zones and public meeting counts."""
    wants_csv = _wants_csv(csv)
    kind = request.args.get("kind", "")
    if kind and kind not in REGION_KINDS:
        raise ApiError(400, _("Jenis wilayah tidak dikenal."), {"kind": kind})
    found = region_queries.region_list(
        kind, _region_filter("parent"), _region_filter("province", province=True)
    )
    counts, none = region_queries.meeting_counts(), region_queries.NONE
    rows = [serializers.region_item(r, counts.get(r.id, none).meetings) for r in found]
    if wants_csv:
        header = ("code", "name", "short", "kind", "timezone", "zone", "parent_code", "meetings")
        return csv_response("regions.csv", header, ([getattr(r, h) for h in header] for r in rows))
    return _json(schemas.RegionList(data=rows, **_whole_list(len(rows))))


def _whole_list(count: int) -> dict[str, Any]:
    """The meta and links of a small, complete list (no paging needed), as paged ones have."""
    query = urlencode(list(request.args.items(multi=True)))
    # url_for, not request.base_url: the host comes from PUBLIC_BASE_URL (tracker/urls.py).
    here = url_for(str(request.endpoint), _external=True, **(request.view_args or {}))
    self_url = here + (f"?{query}" if query else "")
    meta = schemas.Meta(page=1, per_page=count, total=count, pages=1)
    links = schemas.Links(self=self_url, first=self_url, last=self_url, next=None, prev=None)
    return {"meta": meta, "links": links}


@bp.get("/v1/meetings.csv")
def meetings_csv() -> Response:
    """Public meetings matching the filters, as CSV (every row)."""
    return meetings(csv=True)


@bp.get("/v1/agencies.csv")
def agencies_csv() -> Response:
    """Agencies as CSV."""
    return agencies(csv=True)


@bp.get("/v1/press-releases.csv")
def press_releases_csv() -> Response:
    """Press releases about public meetings, as CSV."""
    return press_releases(csv=True)


@bp.get("/v1/elections.csv")
def elections_csv() -> Response:
    """Elections as CSV."""
    return elections(csv=True)


@bp.get("/v1/regions.csv")
def regions_csv() -> Response:
    """Regions as CSV."""
    return regions(csv=True)


@bp.get("/v1/agencies/<slug>/attendance.csv")
def agency_attendance_csv(slug: str) -> Response:
    """An agency's attendance history as CSV."""
    return agency_attendance(slug, csv=True)
