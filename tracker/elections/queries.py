"""Read queries for election pages: the run-up timeline, Forkopimda line-ups, the matrix."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from tracker import reference
from tracker.extensions import db
from tracker.meetings.queries import PUBLIC
from tracker.models import Agency, Election, Meeting, Participation, Region, Venue

# Above this many meetings the page asks for a region instead of listing them all.
TIMELINE_LIMIT = 300
# The statutory members of a provincial Forkopimda (PP 12/2022 Pasal 3) we can
# recognise in the registry, in the order the regulation lists them.
STATUTORY_SEATS = ("head", "legislature", "police", "prosecutor", "military")


def public_counts() -> dict[int, int]:
    """Public meetings per election id."""
    rows = db.session.execute(
        select(Meeting.election_id, func.count())
        .where(PUBLIC, Meeting.election_id.is_not(None))
        .group_by(Meeting.election_id)
    ).all()
    return {election_id: n for election_id, n in rows if election_id is not None}


def run_up(election: Election, region: Region | None = None) -> Any:
    """The election's public meetings up to polling day, oldest first."""
    stmt = (
        select(Meeting)
        .where(PUBLIC, Meeting.election_id == election.id)
        .options(
            selectinload(Meeting.region).selectinload(Region.parent),
            selectinload(Meeting.venue).selectinload(Venue.city),
            selectinload(Meeting.election),
            selectinload(Meeting.participations).selectinload(Participation.agency),
            selectinload(Meeting.participations).selectinload(Participation.person),
        )
        .order_by(Meeting.starts_at, Meeting.id)
    )
    if region is not None:
        inside = select(Region.id).where(or_(Region.id == region.id, Region.parent_id == region.id))
        stmt = stmt.where(Meeting.region_id.in_(inside))
    return stmt


def before_polling(meetings: list[Meeting], election: Election) -> list[Meeting]:
    """Keep the meetings held (locally) on or before polling day."""
    return [m for m in meetings if m.local_date <= election.polling_day]


def by_province(meetings: list[Meeting]) -> list[tuple[Region, list[Meeting]]]:
    """Group meetings by the province they were held in, provinces by code."""
    groups: dict[int, tuple[Region, list[Meeting]]] = {}
    for m in meetings:
        province = m.region.province
        groups.setdefault(province.id, (province, []))[1].append(m)
    return sorted(groups.values(), key=lambda item: item[0].code)


@dataclass
class Seat:
    """One statutory seat at a Forkopimda meeting and how it was filled."""

    seat: str
    agency: Agency | None
    attendance: str  # present, represented, absent, unknown
    participation: Participation | None


def _kodam_for(province_code: str, day: date, kodams: list[Agency]) -> Agency | None:
    """The Kodam covering a province on a day (names change; validity dates decide)."""
    covering = {
        name for name, codes in reference.kodam_coverage().items() if province_code in codes
    }
    for agency in kodams:
        if agency.short_name not in covering:
            continue
        if agency.valid_from and day < agency.valid_from:
            continue
        if agency.valid_until and day > agency.valid_until:
            continue
        return agency
    return None


def forkopimda_seats(meetings: list[Meeting]) -> dict[int, list[Seat]]:
    """For each Forkopimda meeting, who filled each statutory seat of its province.

    The head of regional government is the Pemprov, the legislature the DPRD,
    police the Polda, prosecutor the Kejati, military the Kodam covering the
    province. A member the sources do not mention is "unknown", not "absent".
    """
    forums = [m for m in meetings if m.kind == "rakor_forkopimda"]
    if not forums:
        return {}
    province_ids = {m.region.province.id for m in forums}
    kinds = {
        "regional_government": "head",
        "legislature": "legislature",
        "police": "police",
        "prosecutor": "prosecutor",
    }
    members = db.session.execute(
        select(Agency).where(
            Agency.region_id.in_(province_ids),
            Agency.kind.in_(kinds),
            # Kesbangpol and other offices hang under the Pemprov; the seat is the Pemprov.
            Agency.parent_id.is_(None),
        )
    ).scalars()
    seats_by_province: dict[int, dict[str, Agency]] = defaultdict(dict)
    for member in members:
        seats_by_province[member.region_id or 0].setdefault(kinds[member.kind], member)
    kodams = list(
        db.session.execute(
            select(Agency).where(Agency.kind == "military", Agency.short_name.like("Kodam%"))
        ).scalars()
    )
    out: dict[int, list[Seat]] = {}
    for m in forums:
        province = m.region.province
        seats = dict(seats_by_province.get(province.id, {}))
        kodam = _kodam_for(province.code, m.local_date, kodams)
        if kodam is not None:
            seats["military"] = kodam
        by_agency = {p.agency_id: p for p in m.participations if p.agency_id is not None}
        row = []
        for seat in STATUTORY_SEATS:
            agency = seats.get(seat)
            p = by_agency.get(agency.id) if agency is not None else None
            row.append(Seat(seat, agency, p.attendance if p else "unknown", p))
        out[m.id] = row
    return out


@dataclass
class Matrix:
    """Agencies (rows) by meetings (columns), each cell an attendance code or None."""

    meetings: list[Meeting]
    agencies: list[Agency]
    cells: dict[tuple[int, int], str]

    def cell(self, agency: Agency, meeting: Meeting) -> str | None:
        """The attendance of an agency at a meeting, None when not recorded."""
        return self.cells.get((agency.id, meeting.id))


def attendance_matrix(meetings: list[Meeting]) -> Matrix:
    """Build the attendance matrix from already loaded meetings (no queries)."""
    agencies: dict[int, Agency] = {}
    cells: dict[tuple[int, int], str] = {}
    for m in meetings:
        for p in m.participations:
            if p.agency is None:
                continue
            agencies.setdefault(p.agency.id, p.agency)
            # One agency listed twice (two officials) counts as its best attendance.
            rank = ("present", "represented", "absent", "unknown")
            current = cells.get((p.agency.id, m.id))
            if current is None or rank.index(p.attendance) < rank.index(current):
                cells[(p.agency.id, m.id)] = p.attendance
    called_off = {m.id for m in meetings if m.status == "cancelled"}
    counts: dict[int, int] = defaultdict(int)
    for (agency_id, meeting_id), status in cells.items():
        if status in ("present", "represented") and meeting_id not in called_off:
            counts[agency_id] += 1
    ordered = sorted(agencies.values(), key=lambda a: (-counts[a.id], a.short_name))
    return Matrix(meetings=meetings, agencies=ordered, cells=cells)


def matrix_csv(matrix: Matrix) -> tuple[list[str], list[list[Any]]]:
    """The matrix as a CSV header and rows: one row per agency, one column per meeting."""
    # A cancelled meeting's cells say who was to attend; its column says it did not happen.
    header = ["agency_slug", "agency"] + [
        f"{m.local_date.isoformat()} #{m.id} {m.title}"
        + (" (cancelled)" if m.status == "cancelled" else "")
        for m in matrix.meetings
    ]
    rows = [
        [a.slug, a.short_name] + [matrix.cell(a, m) or "" for m in matrix.meetings]
        for a in matrix.agencies
    ]
    return header, rows
