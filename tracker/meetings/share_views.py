"""A public meeting's preview image for link cards (Open Graph, Twitter, WhatsApp)."""

from __future__ import annotations

from functools import lru_cache

from flask import Blueprint, abort, current_app, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker.extensions import db
from tracker.i18n import current_language
from tracker.meetings import queries, sharing
from tracker.models import Meeting

bp = Blueprint("meeting_share", __name__, url_prefix="/meetings")


@lru_cache(maxsize=256)
def _png(meeting_id: int, uid: str, version: int, language: str) -> bytes:
    """The preview of one meeting version in one language (about 30 KB; 256 kept).

    Keyed by the meeting's UID and version, so an edit draws a new one and another
    database's meeting of the same id never shares it; called inside a request.
    """
    meeting = queries.meeting_detail(meeting_id)
    if meeting is None:  # made internal between the two reads
        abort(404)
    card = sharing.share_for(meeting, "", "").card
    return sharing.preview_png(card, current_app.config["SITE_NAME"])


@bp.get("/<int:meeting_id>/preview.png")
def preview(meeting_id: int) -> Response:
    """Serve the meeting's 1200×630 preview; 304 when the reader has this version."""
    row = db.session.execute(
        select(Meeting.uid, Meeting.version).where(Meeting.id == meeting_id, queries.PUBLIC)
    ).one_or_none()
    if row is None:
        abort(404)
    uid, version = row
    language = current_language()
    tag = f"preview-{meeting_id}-{version}-{language}"
    if tag in request.if_none_match:
        response = Response(status=304)
    else:
        response = Response(_png(meeting_id, uid, version, language), mimetype="image/png")
    response.set_etag(tag)
    response.headers["Cache-Control"] = "public, max-age=3600"
    response.vary.add("Cookie")
    return response
