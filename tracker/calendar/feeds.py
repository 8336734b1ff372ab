"""Feed scopes (agency, region, election, kind), their queries and the HTTP answer."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, current_app, request, url_for
from flask_babel import force_locale
from sqlalchemy import Select, and_, func, not_, or_
from werkzeug.wrappers import Response

from tracker.calendar import cache
from tracker.calendar.ical import CALENDAR_FOOTER, CalendarSettings, FeedInfo, calendar_head
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.labels import MEETING_KIND_LABELS
from tracker.models import MEETING_KINDS, Agency, Election, Meeting, Participation, Region
from tracker.models.types import utcnow

FILTERS = ("agency", "region", "election", "kind")
MAX_AGE = 900  # seconds; clients re-ask at most every 15 minutes
GZIP_BLOCK = 64 * 1024


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
        values = {
            "agency": self.agency.slug if self.agency else None,
            "region": self.region.code if self.region else None,
            "election": self.election.slug if self.election else None,
            "kind": self.kind,
        }
        out = {k: v for k, v in values.items() if v}
        if self.archive:
            out["archive"] = "1"
        return out

    @property
    def key(self) -> str:
        """A canonical text naming the scope (feeds the calendar UID)."""
        parts = [f"{k}={v}" for k, v in sorted(self.args().items())]
        return ("private|" if self.private else "public|") + "&".join(parts)

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
    archive = (args.get("archive") or "").lower() in ("1", "true", "yes", "on")
    return Scope(agency, region, election, kind, archive, private)


def day_start(now: datetime) -> datetime:
    """Midnight UTC of the day: windows move once a day, not with every request."""
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def meeting_ids(scope: Scope, now: datetime) -> Select[tuple[int]]:
    """The ids of the meetings a feed holds at ``now``."""
    config = current_app.config
    stmt = db.select(Meeting.id)
    if not scope.private:
        stmt = stmt.where(Meeting.visibility == "public")
    if scope.agency is not None:
        attends = db.select(Participation.meeting_id).where(
            Participation.agency_id == scope.agency.id
        )
        stmt = stmt.where(Meeting.id.in_(attends))
    if scope.region is not None:
        # A province's feed includes its regencies and cities.
        children = db.select(Region.id).where(Region.parent_id == scope.region.id)
        stmt = stmt.where(
            or_(Meeting.region_id == scope.region.id, Meeting.region_id.in_(children))
        )
    if scope.election is not None:
        stmt = stmt.where(Meeting.election_id == scope.election.id)
    if scope.kind is not None:
        stmt = stmt.where(Meeting.kind == scope.kind)
    last = func.coalesce(Meeting.ends_at, Meeting.starts_at)
    today = day_start(now)
    if not scope.archive:
        window = today - timedelta(days=int(config["CALENDAR_WINDOW_DAYS"]))
        stmt = stmt.where(last >= window)
    # Cancelled meetings stay (struck through in most clients) until the retention
    # period after their end has passed, then leave every feed, the archive included.
    keep = today - timedelta(days=int(config["CALENDAR_CANCELLED_RETENTION_DAYS"]))
    return stmt.where(not_(and_(Meeting.status == "cancelled", last < keep)))


def feed_path(scope: Scope) -> str:
    """The canonical path of a scope: a plain path for one filter, else the query form."""
    args = scope.args()
    extra = {"archive": "1"} if scope.archive else {}
    filters = {k: v for k, v in args.items() if k != "archive"}
    if not filters:
        return url_for("calendar.all_feed", **extra)
    if len(filters) == 1:
        (name, value), *_rest = filters.items()
        param = {"agency": "slug", "region": "code", "election": "slug", "kind": "kind"}[name]
        return url_for(f"calendar.{name}_feed", **{param: value}, **extra)
    return url_for("calendar.feed", **args)


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


def last_modified(now: datetime) -> datetime:
    """A safe Last-Modified for any feed: the newest edit anywhere, or today's midnight.

    A meeting leaving a feed (made internal, moved elsewhere, aged out of the window)
    changes the feed without a newer ``updated_at`` among its events; taking the newest
    edit of every meeting and the daily window move never answers 304 wrongly.
    """
    newest = db.session.execute(db.select(func.max(Meeting.updated_at))).scalar()
    today = day_start(now)
    return max(newest, today) if newest is not None else today


def feed_chunks(
    info: FeedInfo, conf: CalendarSettings, ids: Select[tuple[int]] | None
) -> list[str]:
    """Header, the stored VEVENTs in order, footer."""
    events = cache.pieces(ids, conf)
    zones = {p.timezone for p in events if not p.time_unknown}
    return [calendar_head(info, conf, zones), *(p.text for p in events), CALENDAR_FOOTER]


def _accepts_gzip() -> bool:
    return request.accept_encodings["gzip"] > 0


def _gzip(data: Sequence[bytes]) -> Iterator[bytes]:
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
) -> Response:
    """Serve calendar text with a strong ETag, Last-Modified, 304s, gzip and caching."""
    data = [c.encode("utf-8") for c in chunks]
    digest = hashlib.sha256()
    for chunk in data:
        digest.update(chunk)
    gzip = _accepts_gzip()
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
