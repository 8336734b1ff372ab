"""A feed's HTTP answer: a 304, the cached body, or a body built (and cached) now.

A feed answer never hashes its body: the ETag comes from the feed key (the database's
feed generation and epoch, the day, the settings and the scope; ``feed_key``), so a
conditional request is answered after one small query. Bodies are built by streaming
(stored VEVENTs where fresh, the writer elsewhere), copied to the instance-folder cache
(``bodies.py``) as they go out, and served from there while the key holds. Which
meetings a feed holds is ``scopes.py``; headers, gzip and files are ``responses.py``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from flask import current_app, request, stream_with_context
from sqlalchemy import ColumnElement, func
from werkzeug.http import is_resource_modified
from werkzeug.wrappers import Response

from tracker.calendar import bodies, cache, state
from tracker.calendar.ical import CALENDAR_FOOTER, HEAD_VERSION, calendar_head
from tracker.calendar.responses import (
    accepts_gzip,
    feed_headers,
    file_chunks,
    file_response,
    gzip_stream,
    not_modified,
)
from tracker.calendar.scopes import Scope, conditions, day_start, feed_info, scope_key
from tracker.calendar.settings import BUILDER_VERSION, CalendarSettings, FeedInfo
from tracker.calendar.vtimezone import ZoneSpan, zone_span
from tracker.extensions import db
from tracker.models import Meeting
from tracker.models.types import utcnow

# Bodies up to this size are built in memory and sent with a Content-Length; larger
# ones stream in chunks (bounded memory for the 100,000-event archive).
STREAM_AFTER = 1024 * 1024


def now() -> datetime:
    """The current time (a function so tests can move it)."""
    return utcnow()


def feed_key(
    reading: state.State, today: datetime, conf: CalendarSettings, key: str, path: str
) -> str:
    """A digest of everything a feed's bytes depend on; it names the cached body."""
    config = current_app.config
    parts = (
        reading.epoch,
        str(reading.generation),
        today.date().isoformat(),
        conf.fingerprint,
        conf.prodid,
        str(int(conf.refresh.total_seconds())),
        f"{BUILDER_VERSION}.{HEAD_VERSION}",
        str(config["SITE_NAME"]),
        str(config["BABEL_DEFAULT_LOCALE"]),
        str(config["CALENDAR_WINDOW_DAYS"]),
        str(config["CALENDAR_CANCELLED_RETENTION_DAYS"]),
        key,
        conf.base_url + path,
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:40]


def serve_feed(
    args: Mapping[str, str],
    path: str,
    filename: str,
    resolve: Callable[[], Scope],
    private: bool = False,
) -> Response:
    """Answer a feed request: 304, a cached body, or a body built (and cached) now.

    ``args`` are the canonical filters and ``path`` the feed's address; ``resolve``
    looks the scope up (and raises NotFound), only when the answer needs it.
    """
    conf = cache.settings()
    # A body naming the request's own host (development) is for that visitor alone.
    personal = private or not conf.shared
    moment = now()
    today = day_start(moment)
    gzip = accepts_gzip()
    if request.if_none_match:
        # Subscribers poll far more often than feeds change: answer a matching ETag
        # from a reading at most CALENDAR_STATE_MAX_AGE seconds old, with no query.
        recent = state.read_recent(current_app.config.get("CALENDAR_STATE_MAX_AGE", 1.0))
        if recent is not None:
            recent_key = feed_key(recent, today, conf, scope_key(args, private), path)
            recent_etag = recent_key + ("-gz" if gzip else "")
            if not is_resource_modified(request.environ, etag=recent_etag):
                modified = max(datetime.fromtimestamp(recent.changed_at, UTC), today)
                return not_modified(recent_etag, modified, personal)
    reading = state.read()
    state.remember(reading)
    key = feed_key(reading, today, conf, scope_key(args, private), path)
    etag = key + ("-gz" if gzip else "")
    # The newest change anywhere, or today's midnight (the window moves daily). A meeting
    # leaving a feed changes it without a newer date among its events, so a feed-wide
    # date never answers 304 wrongly.
    modified = max(datetime.fromtimestamp(reading.changed_at, UTC), today)
    # An ETag that matches proves the scope existed at this generation: no lookup.
    if request.if_none_match and not is_resource_modified(request.environ, etag=etag):
        return not_modified(etag, modified, personal)
    scope = resolve()
    if not is_resource_modified(request.environ, etag=etag, last_modified=modified):
        return not_modified(etag, modified, personal)
    response = _body(key, gzip, scope, conf, moment, path, reading)
    if gzip:
        response.content_encoding = "gzip"
    return feed_headers(response, etag, modified, filename, personal)


def _body(
    key: str,
    gzip: bool,
    scope: Scope,
    conf: CalendarSettings,
    moment: datetime,
    path: str,
    reading: state.State,
) -> Response:
    """The feed's bytes: the cached copy, else built now (and copied to the cache as sent)."""
    closers: list[Callable[[], None]] = []
    # Bodies built for a request's own host (development) are never kept as files.
    cached = bodies.open_body(key, gzip) if conf.shared else None
    if cached is not None:
        db.session.commit()
        return file_response(*cached)
    plain = bodies.open_body(key, False) if gzip and conf.shared else None
    if plain is not None:
        # Compress the cached plain body once; later gzip requests read the result.
        db.session.commit()
        source: Iterator[bytes] = file_chunks(plain[0])
        check: Callable[[], bool] | None = None
    else:
        source, check = _built_now(scope, conf, moment, path, reading, closers)
    writer = bodies.Writer(key, gzip) if conf.shared else None
    produced = _produce(gzip_stream(source) if gzip else source, writer, check, closers)
    head: list[bytes] = []
    size = 0
    limit = int(current_app.config.get("CALENDAR_STREAM_AFTER", STREAM_AFTER))
    for block in produced:
        head.append(block)
        size += len(block)
        if size >= limit:
            break
    else:
        response = Response(b"".join(head), mimetype="text/calendar")
        response.content_length = size
        return response
    # Too big to hold: send what is built and stream the rest as it is written (with
    # the request context when the rest still reads the database; the cache writer
    # needs none).
    rest = _resume(head, produced)
    return Response(
        rest if plain is not None else stream_with_context(rest),
        mimetype="text/calendar",
        direct_passthrough=True,
    )


def _built_now(
    scope: Scope,
    conf: CalendarSettings,
    moment: datetime,
    path: str,
    reading: state.State,
    closers: list[Callable[[], None]],
) -> tuple[Iterator[bytes], Callable[[], bool]]:
    """The feed's bytes as they are built, and the check run once all are sent."""
    info = feed_info(scope, conf, path)
    db.session.commit()
    # A connection of the body's own: a streamed body outlives the request's
    # teardown, which removes the session (and would close a server-side cursor).
    connection = db.engine.connect()
    closers.append(connection.close)
    where = conditions(scope, moment)
    text = build_chunks(info, conf, where, reading, connection)

    def check() -> bool:
        # Keep the VEVENTs stored for this answer; cache the body only if nothing
        # changed while it was read (it would carry a newer state than its key).
        connection.commit()
        return state.read(connection).generation == reading.generation

    return (chunk.encode("utf-8") for chunk in text), check


def _resume(head: list[bytes], produced: Generator[bytes, None, None]) -> Iterator[bytes]:
    """The blocks already built, then the rest; closing it closes the producer too."""
    try:
        yield from head
        yield from produced
    finally:
        # Done: a no-op. The client left: the partial copy and the connection go now.
        produced.close()


def _produce(
    blocks: Iterable[bytes],
    writer: bodies.Writer | None,
    check: Callable[[], bool] | None,
    closers: Sequence[Callable[[], None]] = (),
) -> Generator[bytes, None, None]:
    """Yield the body while copying it to the cache; keep the copy only if complete."""
    try:
        yield from bodies.tee(blocks, writer)
        # The check also commits the stored VEVENTs, so it runs without a writer too.
        if (check is None or check()) and writer is not None:
            writer.commit()
    finally:
        if writer is not None:
            writer.abort()  # a no-op once committed; else the client left or it failed
        for close in closers:
            close()


def zone_spans(
    where: Sequence[ColumnElement[bool]], conf: CalendarSettings, connection: Any = None
) -> dict[str, ZoneSpan]:
    """Per zone of the feed's timed meetings, the local span they cover.

    The latest end is widened by the default duration (a meeting without an end is
    shown that long): a wider span can only add an observance, never lose one.
    """
    last = func.coalesce(Meeting.ends_at, Meeting.starts_at)
    stmt = (
        db.select(Meeting.timezone, func.min(Meeting.starts_at), func.max(last))
        .where(*where, Meeting.time_unknown.is_(False))
        .group_by(Meeting.timezone)
    )
    rows = (connection or db.session).execute(stmt)
    return {
        tzid: zone_span(tzid, first, final + conf.default_duration) for tzid, first, final in rows
    }


def build_chunks(
    info: FeedInfo,
    conf: CalendarSettings,
    where: Sequence[ColumnElement[bool]],
    reading: state.State,
    connection: Any = None,
) -> Iterator[str]:
    """The calendar text of a feed in pieces: header, events chunk by chunk, footer."""
    yield calendar_head(info, conf, zone_spans(where, conf, connection))
    chunks = cache.stream_pieces(
        where,
        conf,
        reading.reference_generation,
        executor=connection,
        generation=reading.generation,
    )
    for chunk in chunks:
        yield "".join(chunk)
    yield CALENDAR_FOOTER
