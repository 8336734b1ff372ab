"""The meeting list's filters: read from a query string, then turned into SQL conditions.

Pages, API, feeds, alerts and rankings all filter meetings this way; visibility is
the caller's (``tracker.meetings.queries.PUBLIC``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, String, and_, exists, func, literal, or_, select
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql.expression import type_coerce

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import (
    ATTENDANCE,
    INDONESIAN_ZONES,
    MEETING_KINDS,
    ROLES,
    STATUSES,
    Agency,
    AgencySlugRedirect,
    Election,
    Meeting,
    Participation,
    Region,
)
from tracker.search_query import search_condition

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


def local_day_bound(day: date, op: str) -> ColumnElement[bool]:
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


def region_ids(region: Region) -> list[int]:
    """A region's id and its regencies' and cities' (a province includes them).

    Named as a list, both databases read their (visibility, region, start) index one
    region at a time; given a subquery, PostgreSQL walked every meeting within the
    dates instead (14 ms against 1 ms for two months of Jawa Timur at 100,000
    meetings). The children load once per session.
    """
    return [region.id, *sorted(child.id for child in region.children)]


def filter_conditions(filters: MeetingFilters) -> list[ColumnElement[bool]]:
    """SQL conditions for the filters (visibility is added by the caller)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.date_from:
        conditions.append(local_day_bound(filters.date_from, "ge"))
    if filters.date_to:
        conditions.append(local_day_bound(filters.date_to, "le"))
    if filters.region is not None:
        conditions.append(Meeting.region_id.in_(region_ids(filters.region)))
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
