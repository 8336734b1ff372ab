"""Public election pages: the run-up to polling day, Forkopimda line-ups, attendance matrix."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker.api.export import csv_response
from tracker.elections import queries
from tracker.extensions import db
from tracker.labels import FORKOPIMDA_SEAT_LABELS
from tracker.models import Election, Region

bp = Blueprint("elections", __name__, url_prefix="/elections")


def _election_and_region(slug: str) -> tuple[Election, Region | None]:
    """The election of the URL and the optional ?region= code.

    :raises NotFound: for an unknown election or region.
    """
    election = db.first_or_404(select(Election).filter_by(slug=slug))
    region = None
    if code := request.args.get("region", "").replace("\x00", "").strip():
        region = db.first_or_404(select(Region).filter_by(code=code))
    return election, region


def _run_up(election: Election, region: Region | None) -> tuple[list, int]:
    stmt = queries.run_up(election, region)
    meetings = list(db.session.execute(stmt.limit(queries.TIMELINE_LIMIT + 1)).scalars())
    truncated = len(meetings) > queries.TIMELINE_LIMIT
    return queries.before_polling(meetings[: queries.TIMELINE_LIMIT], election), truncated


@bp.get("/")
def index() -> str:
    """List elections with their polling days and public meeting counts."""
    elections = db.session.execute(select(Election).order_by(Election.polling_day)).scalars()
    return render_template(
        "elections/index.html", elections=list(elections), counts=queries.public_counts()
    )


@bp.get("/<slug>")
def detail(slug: str) -> str:
    """Show the run-up to an election: timeline per region, Forkopimda seats, matrix."""
    election, region = _election_and_region(slug)
    meetings, truncated = _run_up(election, region)
    provinces = db.session.execute(
        select(Region).where(Region.kind == "province").order_by(Region.name)
    ).scalars()
    return render_template(
        "elections/detail.html",
        election=election,
        region=region,
        provinces=list(provinces),
        timeline=queries.by_province(meetings),
        seats=queries.forkopimda_seats(meetings),
        matrix=queries.attendance_matrix(meetings),
        truncated=truncated,
        SEAT_LABELS=FORKOPIMDA_SEAT_LABELS,
    )


@bp.get("/<slug>/matrix.csv")
def matrix_csv(slug: str) -> Response:
    """Download the agencies-by-meetings attendance matrix as CSV."""
    election, region = _election_and_region(slug)
    meetings, _truncated = _run_up(election, region)
    header, rows = queries.matrix_csv(queries.attendance_matrix(meetings))
    name = f"{election.slug}-{region.code if region else 'all'}-attendance-matrix.csv"
    return csv_response(name, header, rows)
