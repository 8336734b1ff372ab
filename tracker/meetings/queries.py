"""Read queries for meetings, shared by pages, API and feeds.

Everything public goes through ``public_meetings`` or ``PUBLIC``: internal
meetings never reach a public page, count, chart, export or feed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, String, and_, exists, func, literal, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.expression import type_coerce

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext as _l
from tracker.kept import kept
from tracker.labels import ATTENDANCE_LABELS, ROLE_ORDER
from tracker.models import (
    ATTENDANCE,
    INDONESIAN_ZONES,
    MEETING_KINDS,
    ROLES,
    STATUSES,
    Agency,
    AgencySlugRedirect,
    Coverage,
    Election,
    Evidence,
    Meeting,
    Participation,
    Region,
    Venue,
)
from tracker.search import search_condition

# A cancelled meeting's participants were expected, not there: never "Hadir".
PLANNED_LABELS = {
    "present": _l("Direncanakan hadir"),
    "represented": _l("Direncanakan diwakili"),
}
# The one visibility rule every public query starts from.
PUBLIC = Meeting.visibility == "public"
FILTER_KEYS = (
    "q",
    "date_from",
    "date_to",
    "region",
    "agency",
    "election",
    "kind",
    "status",
    "role",
    "attendance",
)
# The attendance filter's values: the recorded ones, and "attended" (anything but absent).
ATTENDANCE_FILTERS = (*ATTENDANCE, "attended")
# Filters naming a record: an unknown value is "not found" rather than malformed.
REFERENCE_KEYS = frozenset({"region", "agency", "election"})
# Filter dates beyond these name no meeting, and a zone's midnight on 0001-01-01 or the
# day after 9999-12-31 is no datetime at all: such dates are refused as malformed.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2999, 12, 31)


def list_options() -> list[Any]:
    """Eager loads for what a list row shows (constant statements per page).

    Many-to-one relations ride along in the page's own statement; participations come
    in one more, with their agency and person joined.
    """
    return [
        joinedload(Meeting.venue).joinedload(Venue.city),
        joinedload(Meeting.region),
        joinedload(Meeting.election),
        selectinload(Meeting.participations).options(
            joinedload(Participation.agency), joinedload(Participation.person)
        ),
    ]


def public_meetings() -> Select[Meeting]:
    """Public meetings, newest first, with what a list row shows loaded eagerly."""
    return (
        db.select(Meeting)
        .where(PUBLIC)
        .options(*list_options())
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )


@dataclass
class MeetingFilters:
    """The filters of the meeting list, parsed from a query string."""

    q: str = ""
    date_from: date | None = None
    date_to: date | None = None
    region: Region | None = None
    agency: Agency | None = None
    election: Election | None = None
    kind: str | None = None
    status: str | None = None
    # One participation (of ``agency`` when set) with this role and/or attendance.
    role: str | None = None
    attendance: str | None = None
    errors: dict[str, str] = field(default_factory=dict)

    def args(self) -> dict[str, str]:
        """The filters as query-string arguments (only those set), for links."""
        out = {
            "q": self.q,
            "date_from": self.date_from.isoformat() if self.date_from else "",
            "date_to": self.date_to.isoformat() if self.date_to else "",
            "region": self.region.code if self.region else "",
            "agency": self.agency.slug if self.agency else "",
            "election": self.election.slug if self.election else "",
            "kind": self.kind or "",
            "status": self.status or "",
            "role": self.role or "",
            "attendance": self.attendance or "",
        }
        return {k: v for k, v in out.items() if v}

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return bool(self.args())


def parse_date(value: str, key: str, errors: dict[str, str]) -> date | None:
    """A filter date (YYYY-MM-DD) or None; a malformed or out-of-range one notes why."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        errors[key] = _("Tanggal harus berformat TTTT-BB-HH, misalnya 2024-02-06.")
        return None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        errors[key] = _(
            "Tanggal harus antara %(earliest)s dan %(latest)s.",
            earliest=EARLIEST_DAY.isoformat(),
            latest=LATEST_DAY.isoformat(),
        )
        return None
    return day


def find_agency(slug: str) -> Agency | None:
    """The agency with this slug, following the slug of a merged duplicate."""
    agency = db.session.execute(select(Agency).filter_by(slug=slug)).scalar_one_or_none()
    if agency is None:
        redirect = db.session.get(AgencySlugRedirect, slug)
        agency = redirect.agency if redirect is not None else None
    return agency


def _region_code(get: Callable[[str], str]) -> str:
    """The region a list names: ``region``, or the form's province and regency menus.

    Without JavaScript the regency menu still lists the previous province's regencies
    after the province is changed: a regency outside the chosen province is ignored.
    """
    if code := get("region"):
        return code
    province, regency = get("province"), get("regency")
    if province and regency:
        parent = aliased(Region)
        inside = db.session.execute(
            select(Region.id)
            .join(parent, Region.parent_id == parent.id)
            .where(Region.code == regency, parent.code == province)
        ).first()
        return regency if inside else province
    return regency or province


def parse_filters(args: Mapping[str, str]) -> MeetingFilters:
    """Read the filters from request arguments, noting each invalid one."""
    errors: dict[str, str] = {}
    # NUL cannot reach PostgreSQL in a string; it is never meaningful here anyway.
    get = lambda key: (args.get(key) or "").replace("\x00", "").strip()  # noqa: E731
    # Whitespace collapsed: a search is words, and a newline would reach e-mail headers.
    filters = MeetingFilters(q=" ".join(get("q").split())[:200], errors=errors)
    filters.date_from = parse_date(get("date_from"), "date_from", errors)
    filters.date_to = parse_date(get("date_to"), "date_to", errors)
    if code := _region_code(get):
        filters.region = db.session.execute(
            select(Region).options(joinedload(Region.parent)).filter_by(code=code)
        ).scalar_one_or_none()
        if filters.region is None:
            errors["region"] = _("Wilayah tidak dikenal.")
    if slug := get("agency"):
        filters.agency = find_agency(slug)
        if filters.agency is None:
            errors["agency"] = _("Instansi tidak dikenal.")
    if slug := get("election"):
        filters.election = db.session.execute(
            select(Election).filter_by(slug=slug)
        ).scalar_one_or_none()
        if filters.election is None:
            errors["election"] = _("Pemilihan tidak dikenal.")
    if kind := get("kind"):
        if kind in MEETING_KINDS:
            filters.kind = kind
        else:
            errors["kind"] = _("Jenis rapat tidak dikenal.")
    if status := get("status"):
        if status in STATUSES:
            filters.status = status
        else:
            errors["status"] = _("Status tidak dikenal.")
    _parse_participation(get, filters)
    return filters


def _parse_participation(get: Callable[[str], str], filters: MeetingFilters) -> None:
    """The ``role`` and ``attendance`` filters, noting an unknown value."""
    if role := get("role"):
        if role in ROLES:
            filters.role = role
        else:
            filters.errors["role"] = _("Peran tidak dikenal.")
    if attendance := get("attendance"):
        if attendance in ATTENDANCE_FILTERS:
            filters.attendance = attendance
        else:
            filters.errors["attendance"] = _("Kehadiran tidak dikenal.")


def role_condition(role: str) -> ColumnElement[bool]:
    """Participations with this role; one with no role at all counts as an attendee.

    Roles are stored sorted and comma-separated ("chair,speaker"): padded with commas,
    a role is found whole ("host" never matches inside another code), on both databases.
    """
    stored = func.coalesce(type_coerce(Participation.roles, String), "")
    padded = literal(",", String) + stored + literal(",", String)
    found = padded.like(f"%,{role},%")
    return or_(found, stored == "") if role == "attendee" else found


def attendance_condition(attendance: str) -> ColumnElement[bool]:
    """Participations with this attendance; "attended" is any but absent."""
    if attendance == "attended":
        return Participation.attendance != "absent"
    return Participation.attendance == attendance


def participation_conditions(filters: MeetingFilters) -> list[ColumnElement[bool]]:
    """Meetings with one participation matching agency, role and attendance together.

    A cancelled meeting's participants were only expected: an attendance filter leaves
    cancelled meetings out (as the rankings do), a role filter alone keeps them.
    """
    if not (filters.role or filters.attendance):
        return []
    wanted: list[ColumnElement[bool]] = [Participation.meeting_id == Meeting.id]
    if filters.agency is not None:
        wanted.append(Participation.agency_id == filters.agency.id)
    if filters.role:
        wanted.append(role_condition(filters.role))
    conditions: list[ColumnElement[bool]] = []
    if filters.attendance:
        wanted.append(attendance_condition(filters.attendance))
        conditions.append(Meeting.status != "cancelled")
    conditions.append(exists().where(*wanted))
    return conditions


def _local_day_bound(day: date, op: str) -> ColumnElement[bool]:
    """Meetings starting on/after (ge), before (lt) or by the end of (le) a local day.

    Each meeting's day is the one in its own zone; Indonesia's zones have no DST,
    so one condition per zone is exact. The plain range around all the zones' bounds
    lets the database walk its starts_at index instead of testing every meeting.
    """
    if op == "le":
        day, op = day + timedelta(days=1), "lt"
    bounds = {
        zone: datetime.combine(day, time(0, 0), tzinfo=ZoneInfo(zone)) for zone in INDONESIAN_ZONES
    }
    if op == "ge":
        exact = [and_(Meeting.timezone == z, Meeting.starts_at >= b) for z, b in bounds.items()]
        return and_(Meeting.starts_at >= min(bounds.values()), or_(*exact))
    exact = [and_(Meeting.timezone == z, Meeting.starts_at < b) for z, b in bounds.items()]
    return and_(Meeting.starts_at < max(bounds.values()), or_(*exact))


def filter_conditions(filters: MeetingFilters) -> list[ColumnElement[bool]]:
    """SQL conditions for the filters (visibility is added by the caller)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.date_from:
        conditions.append(_local_day_bound(filters.date_from, "ge"))
    if filters.date_to:
        conditions.append(_local_day_bound(filters.date_to, "le"))
    if filters.region is not None:
        # A province includes its regencies and cities.
        inside = select(Region.id).where(
            or_(Region.id == filters.region.id, Region.parent_id == filters.region.id)
        )
        conditions.append(Meeting.region_id.in_(inside))
    if filters.agency is not None:
        conditions.append(
            exists().where(
                Participation.meeting_id == Meeting.id,
                Participation.agency_id == filters.agency.id,
            )
        )
    if filters.election is not None:
        conditions.append(Meeting.election_id == filters.election.id)
    if filters.kind:
        conditions.append(Meeting.kind == filters.kind)
    if filters.status:
        conditions.append(Meeting.status == filters.status)
    if (matched := search_condition(filters.q)) is not None:
        conditions.append(matched)
    conditions.extend(participation_conditions(filters))
    return conditions


def filtered_meetings(filters: MeetingFilters) -> Select[Meeting]:
    """Public meetings matching the filters, newest first, eagerly loaded."""
    return public_meetings().where(*filter_conditions(filters))


def meeting_detail(meeting_id: int, include_internal: bool = False) -> Meeting | None:
    """One meeting with everything its page shows, or None."""
    stmt = (
        db.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.venue).selectinload(Venue.city),
            selectinload(Meeting.region).selectinload(Region.parent),
            selectinload(Meeting.election),
            selectinload(Meeting.participations)
            .selectinload(Participation.agency)
            .selectinload(Agency.region),
            selectinload(Meeting.participations).selectinload(Participation.person),
            selectinload(Meeting.participations)
            .selectinload(Participation.evidence)
            .selectinload(Evidence.press_release),
            selectinload(Meeting.coverages).selectinload(Coverage.press_release),
        )
    )
    if not include_internal:
        stmt = stmt.where(PUBLIC)
    return db.session.execute(stmt).scalar_one_or_none()


def primary_role(participation: Participation) -> str:
    """The most prominent of a participation's roles (attendee when none)."""
    return next((r for r in ROLE_ORDER if r in participation.roles), "attendee")


def participations_by_role(meeting: Meeting) -> list[tuple[str, list[Participation]]]:
    """Participations grouped by their most prominent role, in role order."""
    groups: dict[str, list[Participation]] = {role: [] for role in ROLE_ORDER}
    for p in meeting.participations:
        groups[primary_role(p)].append(p)
    return [(role, items) for role, items in groups.items() if items]


def evidence_by_release(participation: Participation) -> list[tuple[Any, list[str]]]:
    """A participation's supporting sentences grouped by press release."""
    grouped: dict[int, tuple[Any, list[str]]] = {}
    for item in participation.evidence:
        entry = grouped.setdefault(item.press_release_id, (item.press_release, []))
        entry[1].append(item.sentence)
    return list(grouped.values())


@dataclass(frozen=True)
class Quote:
    """A supporting sentence as shown: numbered, quoted in full only where first seen."""

    sentence: str
    number: int
    first: bool


def numbered_evidence(
    groups: list[tuple[str, list[Participation]]],
) -> dict[int, list[tuple[Any, list[Quote]]]]:
    """Each participation's sentences by release, numbered in page order.

    One sentence often supports many participants ("... dihadiri oleh A, B, C"); the
    page quotes it once and points back to it after that.
    """
    numbers: dict[tuple[int, str], int] = {}
    out: dict[int, list[tuple[Any, list[Quote]]]] = {}
    for _role, items in groups:
        for participation in items:
            if participation.id in out:
                continue
            shown = []
            for release, sentences in evidence_by_release(participation):
                quotes = []
                for sentence in sentences:
                    key = (release.id, sentence)
                    first = key not in numbers
                    if first:
                        numbers[key] = len(numbers) + 1
                    quotes.append(Quote(sentence, numbers[key], first))
                shown.append((release, quotes))
            out[participation.id] = shown
    return out


def countdown_days(meeting: Meeting) -> int | None:
    """Days from the meeting's local date to its election's polling day."""
    if meeting.election is None:
        return None
    return (meeting.election.polling_day - meeting.local_date).days


def countdown_label(meeting: Meeting) -> str | None:
    """'H-8 Pemilu 2024', 'Hari H Pemilu 2024' or 'H+2 Pemilu 2024' (None without election)."""
    days = countdown_days(meeting)
    if days is None or meeting.election is None:
        return None
    name = meeting.election.name
    if days == 0:
        return _("Hari H %(election)s", election=name)
    sign = "-" if days > 0 else "+"
    return f"H{sign}{abs(days)} {name}"


def attendance_label(attendance: str, status: str) -> str:
    """How a participant's attendance reads: as planned when the meeting was cancelled."""
    if status == "cancelled":
        return str(PLANNED_LABELS.get(attendance, ATTENDANCE_LABELS[attendance]))
    return str(ATTENDANCE_LABELS[attendance])


def upcoming_and_recent(today: date, limit: int = 5) -> tuple[list[Meeting], list[Meeting]]:
    """Public meetings from today on (soonest first) and before today (latest first).

    A cancelled meeting is not coming: it is left out of the first list.
    """
    start = _local_day_bound(today, "ge")
    upcoming = (
        db.session.execute(
            db.select(Meeting)
            .where(PUBLIC, start, Meeting.status != "cancelled")
            .options(*list_options())
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    before = _local_day_bound(today, "lt")
    recent = db.session.execute(public_meetings().where(before).limit(limit)).scalars().all()
    return list(upcoming), list(recent)


@dataclass(frozen=True)
class Choice:
    """One option of a filter menu: plain data, so it can be kept between requests."""

    value: str
    label: str
    nested: bool = False


def _compute_choices() -> dict[str, list[Choice]]:
    elections = db.session.execute(
        select(Election.slug, Election.name).order_by(Election.polling_day)
    ).all()
    agencies = db.session.execute(
        select(Agency.slug, Agency.short_name)
        .where(
            exists().where(
                Participation.agency_id == Agency.id,
                Participation.meeting_id == Meeting.id,
                PUBLIC,
            )
        )
        .order_by(Agency.short_name)
    ).all()
    return {
        "elections": [Choice(slug, name) for slug, name in elections],
        "agencies": [Choice(slug, name) for slug, name in agencies],
    }


def filter_choices() -> dict[str, list[Choice]]:
    """Options for the filter form: elections, and agencies seen in public meetings.

    Regions come in two steps from ``tracker.regions.queries.region_menus``.

    Kept until the next committed write (both come from tables that move the
    change counter): building them reads every agency's participations.
    """
    return kept("meeting_filter_choices", _compute_choices)


def count_meetings(filters: MeetingFilters) -> int:
    """How many public meetings match the filters.

    Kept until the next committed write, except for text searches: their documents
    include press releases, whose writes do not move the change counter.
    """
    stmt = select(func.count()).select_from(Meeting).where(PUBLIC, *filter_conditions(filters))
    if filters.q:
        return int(db.session.execute(stmt).scalar_one())
    key = ("public_meeting_total", tuple(sorted(filters.args().items())))
    return kept(key, lambda: int(db.session.execute(stmt).scalar_one()))


def meetings_for_export(filters: MeetingFilters, limit: int) -> list[Meeting]:
    """Up to ``limit`` public meetings matching the filters, for CSV, in two statements.

    Many-to-one relations are joined; participations come from one query over the
    same filtered ids (selectinload would add a statement per 500 meetings).
    """
    conditions = [PUBLIC, *filter_conditions(filters)]
    order = (Meeting.starts_at.desc(), Meeting.id.desc())
    meetings = (
        db.session.execute(
            select(Meeting)
            .where(*conditions)
            .options(
                joinedload(Meeting.region),
                joinedload(Meeting.venue),
                joinedload(Meeting.election),
            )
            .order_by(*order)
            .limit(limit)
        )
        .scalars()
        .all()
    )
    ids = select(Meeting.id).where(*conditions).order_by(*order).limit(limit)
    participations = db.session.execute(
        select(Participation)
        .where(Participation.meeting_id.in_(ids))
        .options(joinedload(Participation.agency), joinedload(Participation.person))
        .order_by(Participation.meeting_id, Participation.order, Participation.id)
    ).scalars()
    grouped: dict[int, list[Participation]] = {m.id: [] for m in meetings}
    for p in participations:
        grouped.setdefault(p.meeting_id, []).append(p)
    for m in meetings:
        set_committed_value(m, "participations", grouped[m.id])
    return list(meetings)


def wib_today() -> date:
    """Today's date in WIB, the zone national announcements use."""
    return datetime.now(ZoneInfo("Asia/Jakarta")).date()
