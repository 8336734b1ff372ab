"""Public meeting pages: the searchable list and one meeting."""

from __future__ import annotations

import click
from flask import Blueprint, abort, current_app, render_template, request, url_for

from tracker import page_cache, search, search_suggest, statistics
from tracker.calendar import state
from tracker.extensions import db
from tracker.meetings import public_history, queries
from tracker.meetings.jsonld import meeting_event, script_json
from tracker.meetings.sharing import share_for
from tracker.models.tally import BodyPairTotal, BodyTally, BodyTotal
from tracker.rankings import tally
from tracker.regions import queries as region_queries
from tracker.routing import page_number
from tracker.search_terms import SearchTerm

bp = Blueprint("meetings", __name__, url_prefix="/meetings")
bp.add_app_template_filter(queries.countdown_label, "countdown")
bp.add_app_template_filter(queries.attendance_label, "attendance_label")


@bp.get("/")
def index() -> tuple[str, int]:
    """List public meetings matching the filters in the query string."""
    filters = queries.parse_filters(request.args)
    page = None
    suggestion = None
    capped = False
    if not filters.errors:
        page = db.paginate(
            queries.filtered_meetings(filters),
            page=page_number(),
            per_page=current_app.config["PAGE_SIZE"],
            max_per_page=100,
            error_out=False,
            count=False,
        )
        # Counted apart: the total is kept between writes (see count_meetings).
        page.total, capped = queries.list_total(filters)
        suggestion = search_suggest.for_filters(filters, page.total)
    html = render_template(
        "meetings/index.html",
        page=page,
        filters=filters,
        choices=queries.filter_choices(),
        regions=region_queries.region_menus(),
        suggestion=suggestion,
        count_capped=capped,
    )
    return html, 400 if filters.errors else 200


@bp.get("/<int:meeting_id>")
def detail(meeting_id: int) -> str:
    """Show one public meeting with its participants and sources (kept between writes)."""
    return page_cache.kept_page(("meeting", meeting_id), lambda: _detail_html(meeting_id))


def _detail_html(meeting_id: int) -> str:
    meeting = queries.meeting_detail(meeting_id)
    if meeting is None:
        abort(404)
    url = url_for("meetings.detail", meeting_id=meeting.id, _external=True)
    groups = queries.participations_by_role(meeting)
    return render_template(
        "meetings/detail.html",
        meeting=meeting,
        groups=groups,
        evidence=queries.numbered_evidence(groups),
        countdown=queries.countdown_label(meeting),
        json_ld=script_json(meeting_event(meeting, url)),
        share=share_for(
            meeting,
            url,
            url_for("meeting_share.preview", meeting_id=meeting.id, _external=True),
        ),
        history_note=public_history.history_note(meeting),
    )


@bp.get("/<int:meeting_id>/history")
def history(meeting_id: int) -> str:
    """A public meeting's changes edit by edit, newest first, without who made them."""
    meeting = queries.meeting_detail(meeting_id)
    page = public_history.edit_page(meeting, page_number()) if meeting else None
    if page is None:
        abort(404)
    return render_template("meetings/history.html", meeting=meeting, page=page)


# What `meetings reindex` rewrites: the search rows, their vocabulary, the tallies.
REINDEXED_TABLES = tuple(
    model.__tablename__
    for model in (search.MeetingSearch, SearchTerm, BodyTally, BodyTotal, BodyPairTotal)
)


@bp.cli.command("reindex")
def reindex_command() -> None:
    """Rebuild the search documents and the ranking tallies of every meeting."""
    count = search.reindex_all()
    search.compact_index()
    tally.rebuild_all()
    # Rankings and agency figures kept between writes read the rebuilt tallies.
    state.mark_changed()
    db.session.commit()
    # Every search row was rewritten: PostgreSQL's GIN index still points at the old
    # copies until a vacuum, and each search would visit them.
    statistics.refresh(REINDEXED_TABLES)
    click.echo(f"{count} meetings indexed, ranking tallies rebuilt")
