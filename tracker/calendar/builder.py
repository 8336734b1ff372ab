"""The feed builder's agency step: a search box and a short list of matches, no JavaScript.

No select lists every agency (the registry has hundreds and grows): the builder sends
its text with a "Cari instansi" button (``name="find"``), and the page comes back with
at most ``MAX_MATCHES`` radio buttons, busiest bodies first. The chosen slug then
travels in the form like any other filter, so old ``/calendar/?agency=<slug>`` links work.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.agencies.queries import meeting_counts, ranked_agency_ids
from tracker.calendar.scopes import Scope, meeting_ids
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.models import Agency, AgencySlugRedirect, Meeting, Region
from tracker.models.agency import normalize_name
from tracker.regions.picker import KIND_NAMES

FIND = "find"  # the name of the "Cari instansi" and "Ganti" buttons
MAX_MATCHES = 20
MIN_QUERY = 2  # one letter matches most of the registry
NEXT_SHOWN = 5  # meetings the builder lists under a built feed


@dataclass(frozen=True)
class Match:
    """One search result with its public meeting count."""

    agency: Agency
    meetings: int

    @property
    def label(self) -> str:
        """The radio's text: "Polda Kaltim — Kepolisian Daerah Kalimantan Timur (…) · 3 rapat"."""
        agency = self.agency
        region = region_name(agency.region) if agency.region else _("Nasional")
        count = ngettext("%(num)d rapat", "%(num)d rapat", self.meetings)
        return f"{agency.short_name} — {agency.full_name} ({region}) · {count}"


def region_name(region: Region) -> str:
    """A region's name with its kind, as the region picker writes it ("Kab. Bandung")."""
    return str(KIND_NAMES.get(region.kind, "%(name)s")) % {"name": region.name}


@dataclass
class AgencyStep:
    """What the agency part of the builder shows.

    ``chosen``: the agency of a valid slug (shown with "Ganti"). Otherwise the search
    box, with ``matches`` after a search (``total`` of them in all) or none found.
    """

    query: str = ""
    chosen: Agency | None = None
    searched: bool = False
    matches: list[Match] = field(default_factory=list)
    total: int = 0
    too_short: bool = False

    @property
    def settled(self) -> bool:
        """Whether the feed may be built: an agency chosen, or none wanted (empty box)."""
        return self.chosen is not None or not (self.searched or self.query)


def chosen_agency(slug: str) -> Agency | None:
    """The agency of a slug, or of a merged agency's old slug; None if unknown."""
    slug = (slug or "").strip()
    if not slug:
        return None
    found = db.session.execute(select(Agency).filter_by(slug=slug)).scalar_one_or_none()
    if found is None:
        moved = db.session.get(AgencySlugRedirect, slug)
        found = moved.agency if moved is not None else None
    return found


def search(query: str) -> tuple[list[Match], int]:
    """The first matches of a name, short name or alias (busiest first) and their number.

    Reuses the agency index's search (``ranked_agency_ids``): same matching, same order.
    """
    ids = ranked_agency_ids(query)
    shown = ids[:MAX_MATCHES]
    rows = db.session.execute(
        select(Agency).where(Agency.id.in_(shown)).options(selectinload(Agency.region))
    ).scalars()
    by_id = {agency.id: agency for agency in rows}
    counts = meeting_counts(shown)
    return [Match(by_id[i], counts.get(i, 0)) for i in shown if i in by_id], len(ids)


def agency_step(args: Any, slug: str, query: str) -> AgencyStep:
    """Decide the agency part of the builder from the request's arguments.

    "Ganti" (``find=change``) shows an empty box; "Cari instansi" searches; a valid slug
    is the choice; text typed without a choice is searched too, not silently ignored.
    """
    action = args.get(FIND)
    step = AgencyStep(query=query)
    if action == "change":
        step.query = ""
        return step
    if action != "agency":
        step.chosen = chosen_agency(slug)
        if step.chosen is not None or not query or slug:
            return step
    step.searched = True
    if len(normalize_name(query)) < MIN_QUERY:
        step.too_short = True
        return step
    step.matches, step.total = search(query)
    return step


@dataclass(frozen=True)
class Preview:
    """What a built feed holds right now, so an empty one does not look broken.

    ``archive_count`` is set only for an empty windowed feed: how many meetings the
    same filters hold over the whole archive.
    """

    count: int
    upcoming: list[Meeting]
    archive_count: int | None = None


def _count(scope: Scope, now: datetime) -> int:
    ids = meeting_ids(scope, now).subquery()
    return int(db.session.execute(select(func.count()).select_from(ids)).scalar_one())


def preview(scope: Scope, now: datetime) -> Preview:
    """Count a feed's meetings at ``now`` and list the next few that have not ended."""
    count = _count(scope, now)
    last = func.coalesce(Meeting.ends_at, Meeting.starts_at)
    upcoming = db.session.execute(
        select(Meeting)
        .where(Meeting.id.in_(meeting_ids(scope, now)), last >= now)
        .order_by(Meeting.starts_at, Meeting.id)
        .limit(NEXT_SHOWN)
    ).scalars()
    archived = None
    if count == 0 and not scope.archive:
        archived = _count(replace(scope, archive=True), now)
    return Preview(count, list(upcoming), archived)
