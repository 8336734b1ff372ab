"""Feed scopes (agency, region, election, kind), their queries and the HTTP answer.

A feed answer never hashes its body: the ETag comes from the feed key (the database's
feed generation and epoch, the day, the settings and the scope; ``feed_key``), so a
conditional request is answered after one small query. Bodies are built by streaming
(stored VEVENTs where fresh, the writer elsewhere), copied to the instance-folder cache
(``bodies.py``) as they go out, and served from there while the key holds.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, current_app, request, stream_with_context, url_for
from flask_babel import force_locale
from sqlalchemy import ColumnElement, Select, and_, func, not_, or_
from werkzeug.http import http_date, is_resource_modified, quote_etag
from werkzeug.wrappers import Response

from tracker.calendar import bodies, cache, state
from tracker.calendar.ical import CALENDAR_FOOTER, HEAD_VERSION, calendar_head
from tracker.calendar.settings import BUILDER_VERSION, CalendarSettings, FeedInfo
from tracker.calendar.vtimezone import ZoneSpan, zone_span
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.labels import MEETING_KIND_LABELS
from tracker.models import MEETING_KINDS, Agency, Election, Meeting, Participation, Region
from tracker.models.types import utcnow

FILTERS = ("agency", "region", "election", "kind")
MAX_AGE = 900  # seconds; clients re-ask at most every 15 minutes
GZIP_BLOCK = 64 * 1024
# Bodies up to this size are built in memory and sent with a Content-Length; larger
# ones stream in chunks (bounded memory for the 100,000-event archive).
STREAM_AFTER = 1024 * 1024
FILE_BLOCK = 256 * 1024
READ_WHOLE = 16 * 1024 * 1024  # cached bodies up to this size are sent from memory
TRUTHY = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Scope:
    """Which meetings a feed holds: filters, time window and visibility."""

    agency: Agency | None = None
    region: Region | None = None
    election: Election | None = None
    kind: str | None = None
    archive: bool = False
    private: bool = False

    def args(self) -> dict[str, str]:
        """The filters as query-string values (the canonical spelling)."""
        return canonical_args(
            {
                "agency": self.agency.slug if self.agency else "",
                "region": self.region.code if self.region else "",
                "election": self.election.slug if self.election else "",
                "kind": self.kind or "",
                "archive": "1" if self.archive else "",
            }
        )

    @property
    def key(self) -> str:
        """A canonical text naming the scope (feeds the calendar UID)."""
        return scope_key(self.args(), self.private)

    @property
    def home_zone(self) -> str:
        """The zone a subscriber of this feed most likely lives in."""
        if self.region is not None:
            return self.region.timezone
        if self.agency is not None and self.agency.region is not None:
            return self.agency.region.timezone
        return "Asia/Jakarta"

    def label(self) -> str:
        """What the feed covers, in words, e.g. 'Bawaslu Kaltim · Kalimantan Timur'."""
        parts: list[str] = []
        if self.agency is not None:
            parts.append(self.agency.short_name)
        if self.region is not None:
            parts.append(self.region.name)
        if self.election is not None:
            parts.append(self.election.name)
        if self.kind is not None:
            parts.append(str(MEETING_KIND_LABELS.get(self.kind, self.kind)))
        if not parts:
            parts.append(_("semua rapat") if self.private else _("semua rapat publik"))
        return " · ".join(parts)


def canonical_args(args: Mapping[str, str]) -> dict[str, str]:
    """Filters as given (trimmed, empty ones dropped) plus the archive flag.

    Equal to ``Scope.args()`` of the scope they resolve to: lookups match exactly, so
    the key of a request is known before any query (the 304 path needs no lookup).
    """
    out = {k: v for k in FILTERS if (v := (args.get(k) or "").strip())}
    if (args.get("archive") or "").strip().lower() in TRUTHY:
        out["archive"] = "1"
    return out


def scope_key(args: Mapping[str, str], private: bool = False) -> str:
    """The canonical text of a scope's filters (feeds the calendar UID and ETag)."""
    parts = [f"{k}={v}" for k, v in sorted(args.items())]
    return ("private|" if private else "public|") + "&".join(parts)


def _one(model: Any, column: Any, value: str) -> Any:
    found = db.session.execute(db.select(model).where(column == value)).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


def scope_from(args: Mapping[str, str], private: bool = False) -> Scope:
    """Read filters from a mapping (query string or path); unknown values are a 404."""
    agency = region = election = None
    kind = (args.get("kind") or "").strip() or None
    if args.get("agency"):
        agency = _one(Agency, Agency.slug, args["agency"].strip())
    if args.get("region"):
        region = _one(Region, Region.code, args["region"].strip())
    if args.get("election"):
        election = _one(Election, Election.slug, args["election"].strip())
    if kind is not None and kind not in MEETING_KINDS:
        abort(404)
    archive = (args.get("archive") or "").strip().lower() in TRUTHY
    return Scope(agency, region, election, kind, archive, private)


def day_start(now: datetime) -> datetime:
    """Midnight UTC of the day: windows move once a day, not with every request."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def conditions(scope: Scope, now: datetime) -> list[ColumnElement[bool]]:
    """The conditions on ``Meeting`` selecting the meetings a feed holds at ``now``."""
    config = current_app.config
    where: list[ColumnElement[bool]] = []
    if not scope.private:
        where.append(Meeting.visibility == "public")
    if scope.agency is not None:
        attends = db.select(Participation.meeting_id).where(
            Participation.agency_id == scope.agency.id
        )
        where.append(Meeting.id.in_(attends))
    if scope.region is not None:
        # A province's feed includes its regencies and cities.
        children = db.select(Region.id).where(Region.parent_id == scope.region.id)
        where.append(or_(Meeting.region_id == scope.region.id, Meeting.region_id.in_(children)))
    if scope.election is not None:
        where.append(Meeting.election_id == scope.election.id)
    if scope.kind is not None:
        where.append(Meeting.kind == scope.kind)
    last = func.coalesce(Meeting.ends_at, Meeting.starts_at)
    today = day_start(now)
    if not scope.archive:
        window = today - timedelta(days=int(config["CALENDAR_WINDOW_DAYS"]))
        where.append(last >= window)
    # Cancelled meetings stay (struck through in most clients) until the retention
    # period after their end has passed, then leave every feed, the archive included.
    keep = today - timedelta(days=int(config["CALENDAR_CANCELLED_RETENTION_DAYS"]))
    where.append(not_(and_(Meeting.status == "cancelled", last < keep)))
    return where


def meeting_ids(scope: Scope, now: datetime) -> Select[tuple[int]]:
    """The ids of the meetings a feed holds at ``now``."""
    return db.select(Meeting.id).where(*conditions(scope, now))


def feed_path(scope: Scope) -> str:
    """The canonical path of a scope: a plain path for one filter, else the query form."""
    return path_for(scope.args())


def path_for(args: Mapping[str, str]) -> str:
    """The canonical path of canonical filters (see ``canonical_args``)."""
    extra = {"archive": "1"} if "archive" in args else {}
    filters = {k: v for k, v in args.items() if k != "archive"}
    if not filters:
        return query_url("calendar.all_feed", extra)
    if len(filters) == 1:
        (name, value), *_rest = filters.items()
        param = {"agency": "slug", "region": "code", "election": "slug", "kind": "kind"}[name]
        return query_url(f"calendar.{name}_feed", {param: value, **extra})
    return query_url("calendar.feed", args)


def query_url(endpoint: str, values: Mapping[str, str]) -> str:
    """``url_for(endpoint, **values)``, for values held in a mapping."""
    # url_for takes the values as **Any beside _external (a bool); mypy checks each str
    # of a ** mapping against that keyword too, so the mapping is widened here, once.
    widened: Mapping[str, Any] = values
    return url_for(endpoint, **widened)


def feed_info(scope: Scope, conf: CalendarSettings, source_path: str) -> FeedInfo:
    """Calendar name, description and addresses of a feed."""
    site = current_app.config["SITE_NAME"]
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        label = scope.label()
        description = _(
            "Rapat koordinasi pemilu yang dicatat %(site)s: %(scope)s. "
            "Waktu dalam zona setempat (WIB, WITA, WIT).",
            site=site,
            scope=label,
        )
        if not scope.archive:
            description += " " + _(
                "Berisi %(days)s hari terakhir dan semua rapat mendatang.",
                days=current_app.config["CALENDAR_WINDOW_DAYS"],
            )
    return FeedInfo(
        key=scope.key,
        name=f"{site}: {label}",
        description=description,
        source_url=conf.base_url + source_path,
        page_url=conf.base_url + url_for("calendar.index"),
        home_zone=scope.home_zone,
    )


def accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def _gzip(data: Iterable[bytes]) -> Iterator[bytes]:
    """Compress as it streams; mtime 0 in the header keeps the bytes reproducible."""
    packer = zlib.compressobj(6, zlib.DEFLATED, 31)
    block: list[bytes] = []
    size = 0
    for chunk in data:
        block.append(chunk)
        size += len(chunk)
        if size >= GZIP_BLOCK:
            out = packer.compress(b"".join(block))
            block, size = [], 0
            if out:
                yield out
    yield packer.compress(b"".join(block)) + packer.flush()


def ics_response(
    chunks: Sequence[str],
    modified: datetime,
    filename: str,
    attachment: bool = False,
    private: bool = False,
    etag: str | None = None,
) -> Response:
    """Serve calendar text with a strong ETag, Last-Modified, 304s, gzip and caching.

    Without ``etag`` it is the digest of the bytes; a caller that can name the bytes
    from their inputs passes its own (with "-gz" for the compressed form).
    """
    data = [c.encode("utf-8") for c in chunks]
    gzip = accepts_gzip()
    if etag is None:
        digest = hashlib.sha256()
        for chunk in data:
            digest.update(chunk)
        # One strong ETag per representation: the compressed bytes differ from the plain.
        etag = digest.hexdigest()[:40] + ("-gz" if gzip else "")
    response = Response(_gzip(data) if gzip else data, mimetype="text/calendar")
    if gzip:
        response.content_encoding = "gzip"
    else:
        response.content_length = sum(len(c) for c in data)
    response.set_etag(etag)
    response.last_modified = modified
    response.vary.add("Accept-Encoding")
    response.cache_control.max_age = MAX_AGE
    if private:
        response.cache_control.private = True
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    else:
        response.cache_control.public = True
    disposition = "attachment" if attachment else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response.make_conditional(request)


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


def _headers(
    response: Response, etag: str, modified: datetime, filename: str, private: bool
) -> Response:
    response.set_etag(etag)
    response.last_modified = modified
    response.vary.add("Accept-Encoding")
    response.cache_control.max_age = MAX_AGE
    if private:
        response.cache_control.private = True
        response.headers["X-Robots-Tag"] = "noindex"
        response.headers["Referrer-Policy"] = "no-referrer"
    else:
        response.cache_control.public = True
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def not_modified(etag: str, modified: datetime, private: bool) -> Response:
    # Built directly: the cheapest answer is the one most often given.
    headers = {
        "ETag": quote_etag(etag),
        "Last-Modified": http_date(modified),
        "Cache-Control": f"{'private' if private else 'public'}, max-age={MAX_AGE}",
        "Vary": "Accept-Encoding",
    }
    if private:
        headers["X-Robots-Tag"] = "noindex"
        headers["Referrer-Policy"] = "no-referrer"
    return Response(status=304, headers=headers)


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
    return _headers(response, etag, modified, filename, personal)


def _file_response(handle: Any, size: int) -> Response:
    if size <= READ_WHOLE:
        with handle:
            response = Response(handle.read(), mimetype="text/calendar")
    else:
        # The generator closes the file when done, or when the client leaves.
        response = Response(_file_chunks(handle), mimetype="text/calendar", direct_passthrough=True)
    response.content_length = size
    return response


def _file_chunks(handle: Any) -> Iterator[bytes]:
    with handle:
        while block := handle.read(FILE_BLOCK):
            yield block


def _body(
    key: str,
    gzip: bool,
    scope: Scope,
    conf: CalendarSettings,
    moment: datetime,
    path: str,
    reading: state.State,
) -> Response:
    closers: list[Callable[[], None]] = []
    # Bodies built for a request's own host (development) are never kept as files.
    cached = bodies.open_body(key, gzip) if conf.shared else None
    if cached is not None:
        db.session.commit()
        return _file_response(*cached)
    plain = bodies.open_body(key, False) if gzip and conf.shared else None
    if plain is not None:
        # Compress the cached plain body once; later gzip requests read the result.
        db.session.commit()
        source: Iterator[bytes] = _file_chunks(plain[0])
        check: Callable[[], bool] | None = None
    else:
        info = feed_info(scope, conf, path)
        db.session.commit()
        # A connection of the body's own: a streamed body outlives the request's
        # teardown, which removes the session (and would close a server-side cursor).
        connection = db.engine.connect()
        closers.append(connection.close)
        where = conditions(scope, moment)
        text = build_chunks(info, conf, where, reading.reference_generation, connection)
        source = (chunk.encode("utf-8") for chunk in text)

        def check() -> bool:
            # Keep the VEVENTs stored for this answer; cache the body only if nothing
            # changed while it was read (it would carry a newer state than its key).
            connection.commit()
            return state.read(connection).generation == reading.generation

    writer = bodies.Writer(key, gzip) if conf.shared else None
    produced = _produce(_gzip(source) if gzip else source, writer, check, closers)
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
    references: int,
    connection: Any = None,
) -> Iterator[str]:
    """The calendar text of a feed in pieces: header, events chunk by chunk, footer."""
    yield calendar_head(info, conf, zone_spans(where, conf, connection))
    for chunk in cache.stream_pieces(where, conf, references, executor=connection):
        yield "".join(p.text for p in chunk)
    yield CALENDAR_FOOTER
