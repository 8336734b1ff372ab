"""Feed scopes (agency, region, election, kind): which meetings, the address, the name."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import abort, current_app, url_for
from flask_babel import force_locale
from sqlalchemy import ColumnElement, Select, and_, func, not_, or_

from tracker.calendar.settings import CalendarSettings, FeedInfo
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.labels import MEETING_KIND_LABELS
from tracker.models import MEETING_KINDS, Agency, Election, Meeting, Participation, Region

FILTERS = ("agency", "region", "election", "kind")
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
