"""The press-release, election and region endpoints: the public record around the meetings."""

from __future__ import annotations

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from werkzeug.wrappers import Response

from tracker.api import bodies, csv_rows, paging, serializers
from tracker.api.blueprint import bp, kept_answer
from tracker.api.errors import ApiError
from tracker.api.export import csv_response
from tracker.elections import queries as election_queries
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import Election, Region
from tracker.models.region import REGION_KINDS
from tracker.press import queries as press_queries
from tracker.regions import queries as region_queries


@bp.get("/v1/press-releases")
@kept_answer
def press_releases(csv: bool = False) -> Response:
    """Press releases about public meetings, newest first."""
    if paging.wants_csv(csv):
        rows = press_queries.releases_for_export()
        return csv_response(
            "press-releases.csv",
            csv_rows.PRESS_RELEASE_CSV_HEADER,
            (csv_rows.press_release_csv_row(r, links) for r, links in rows),
        )
    page = paging.paginate(press_queries.public_releases(), press_queries.public_release_total())
    items = [serializers.press_release_item(r, r.coverages) for r in page.items]
    return paging.json_response(
        bodies.PressReleaseList(data=items, **paging.envelope(page, "api.press_releases"))
    )


@bp.get("/v1/press-releases/<int:release_id>")
@kept_answer
def press_release(release_id: int) -> Response:
    """One press release with its text and the public meetings it covers."""
    release = press_queries.public_release(release_id)
    if release is None:
        raise ApiError(404, _("Siaran pers tidak ditemukan."))
    detail = serializers.press_release_detail(release, release.coverages)
    return paging.json_response(bodies.PressReleaseBody(data=detail))


def _elections() -> list[Election]:
    stmt = (
        select(Election)
        .options(joinedload(Election.scope_region))
        .order_by(Election.polling_day, Election.id)
    )
    return list(db.session.execute(stmt).scalars())


@bp.get("/v1/elections")
@kept_answer
def elections(csv: bool = False) -> Response:
    """Elections with polling days and public meeting counts."""
    wants_csv = paging.wants_csv(csv)
    counts = election_queries.public_counts()
    rows = _elections()
    if wants_csv:
        return csv_response(
            "elections.csv",
            csv_rows.ELECTION_CSV_HEADER,
            (csv_rows.election_csv_row(e, counts.get(e.id, 0)) for e in rows),
        )
    items = [serializers.election_item(e, counts.get(e.id, 0)) for e in rows]
    envelope = paging.unpaged_envelope(len(items))
    return paging.json_response(bodies.ElectionList(data=items, **envelope))


@bp.get("/v1/elections/<slug>")
@kept_answer
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
    return paging.json_response(
        bodies.ElectionBody(data=serializers.election_detail(found, count, run_up))
    )


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
@kept_answer
def regions(csv: bool = False) -> Response:
    """Provinces, regencies and cities with codes, zones and public meeting counts."""
    wants_csv = paging.wants_csv(csv)
    kind = request.args.get("kind", "")
    if kind and kind not in REGION_KINDS:
        raise ApiError(400, _("Jenis wilayah tidak dikenal."), {"kind": kind})
    found = region_queries.region_list(
        kind, _region_filter("parent"), _region_filter("province", province=True)
    )
    counts, none = region_queries.meeting_counts(), region_queries.NONE
    rows = [serializers.region_item(r, counts.get(r.id, none).meetings) for r in found]
    if wants_csv:
        header = csv_rows.REGION_CSV_HEADER
        return csv_response("regions.csv", header, ([r[h] for h in header] for r in rows))
    return paging.json_response(bodies.RegionList(data=rows, **paging.unpaged_envelope(len(rows))))


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
