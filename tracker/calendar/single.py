"""One meeting's .ics download: one small query, the stored VEVENT, an ETag first.

The answer depends only on the meeting's UID and version, the stored-piece stamp
(settings and reference generation) and the head's settings, so a revalidation is
answered from the row alone, and the body is assembled from the stored VEVENT and a
calendar head kept per process; only a stale piece is built (and stored).
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import Any

from flask import current_app, request
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker.calendar import cache, responses, state
from tracker.calendar.ical import CALENDAR_FOOTER, HEAD_VERSION, calendar_head, meeting_spans
from tracker.calendar.settings import BUILDER_VERSION, CalendarSettings, FeedInfo
from tracker.calendar.vtimezone import ZoneSpan
from tracker.extensions import db
from tracker.models import Meeting

_M = Meeting.__table__.c
_COLUMNS = (
    _M.id,
    _M.uid,
    _M.title,
    _M.timezone,
    _M.starts_at,
    _M.ends_at,
    _M.time_unknown,
    _M.updated_at,
    _M.version,
    _M.ical_version,
    _M.ical_event,
)


@lru_cache(maxsize=1024)
def _head(info: FeedInfo, conf: CalendarSettings, spans: tuple[tuple[str, ZoneSpan], ...]) -> str:
    """The calendar head of a one-meeting file (icalendar runs once per version)."""
    return calendar_head(info, conf, dict(spans))


def _etag(row: Any, prefix: str, conf: CalendarSettings) -> str:
    parts = (
        row.uid,
        str(row.version),
        prefix,
        conf.prodid,
        str(int(conf.refresh.total_seconds())),
        f"{BUILDER_VERSION}.{HEAD_VERSION}",
        str(current_app.config["SITE_NAME"]),
        conf.base_url,
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:40]


def _event_text(row: Any, prefix: str, conf: CalendarSettings) -> str:
    """The stored VEVENT when fresh, else built now (and stored, then committed)."""
    stored = row.ical_event or ""
    if row.ical_version == row.version and stored.startswith(prefix):
        return stored[len(prefix) :]
    text = cache.event_texts([row.id], conf)[0]
    db.session.commit()
    return text


def meeting_file(meeting_id: int, source_path: str) -> Response | None:
    """The .ics of one public meeting, or None when there is none."""
    row = db.session.execute(
        select(*_COLUMNS).where(_M.id == meeting_id, _M.visibility == "public")
    ).one_or_none()
    if row is None:
        return None
    conf = cache.settings()
    prefix = cache.piece_stamp(conf, state.read().reference_generation) + "\n"
    etag = _etag(row, prefix, conf) + ("-gz" if responses.accepts_gzip() else "")
    private = not conf.shared
    if etag in request.if_none_match:
        return responses.not_modified(etag, row.updated_at, private)
    info = FeedInfo(
        key=f"meeting|{row.uid}",
        name=row.title,
        description=current_app.config["SITE_NAME"],
        source_url=conf.base_url + source_path,
        page_url=conf.meeting_url(row.id),
        home_zone=row.timezone,
    )
    head = _head(info, conf, tuple(sorted(meeting_spans([row], conf).items())))
    chunks = [head, _event_text(row, prefix, conf), CALENDAR_FOOTER]
    return responses.ics_response(
        chunks, row.updated_at, f"rapat-{row.id}.ics", True, private, etag=etag
    )
