"""Mark the tally rows of statutory Forkopimda members (PP 12/2022 Pasal 3).

A body sits on a province's Forkopimda as of right when it is that province's Pemprov,
DPRD, Polda or Kejati (a top-level body of the province), or the Kodam covering the
province on the meeting's day: which Kodam covered a province changed over time, so
that part is checked against the Kodam table row by row. The rankings flag such a
member's recorded absences and representations; a body the sources do not mention is
not absent, so it is never flagged.

The seat is decided when the meeting is tallied (``tracker/rankings/tally.py``), so a
ranking sums ``seat * absent`` from its covering index instead of joining meetings,
regions and agencies on every request. The rows are read here, not in SQL alone,
because the Kodam table is reference data (``tracker/data/kodam.csv``).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, and_, bindparam, func, select, update
from sqlalchemy.orm import Session, aliased

from tracker import reference
from tracker.models import Agency, BodyTally, Meeting, Region

# Statutory seats recognised by kind (the Kodam, "military", by the Kodam table).
SEAT_KINDS = ("regional_government", "legislature", "police", "prosecutor")
MILITARY = "military"
# Rows per UPDATE statement of the marks.
_BATCH = 1000


def kodam_covers(
    name: str, valid_from: date | None, until: date | None, code: str, day: date
) -> bool:
    """Whether a Kodam (by name and validity) covered a province on a day."""
    if code not in reference.kodam_coverage().get(name, ()):
        return False
    return not (valid_from and day < valid_from) and not (until and day > until)


def _sits(row: tuple, province_id: int, code: str, starts_at: datetime, zone: str) -> bool:
    kind, region_id, parent_id, name, valid_from, until = row
    if kind in SEAT_KINDS:
        return parent_id is None and region_id == province_id
    day = starts_at.astimezone(ZoneInfo(zone)).date()
    return kodam_covers(name, valid_from, until, code, day)


def mark(executor: Session | Connection, meeting_ids: list[int] | None) -> int:
    """Set ``seat`` on the Forkopimda rows of these meetings (all when None); returns how many.

    The rows must be freshly tallied (``seat`` 0): only seats are marked.
    """
    province = aliased(Region, name="province")
    stmt = (
        select(
            BodyTally.meeting_id,
            BodyTally.agency_id,
            Agency.kind,
            Agency.region_id,
            Agency.parent_id,
            Agency.short_name,
            Agency.valid_from,
            Agency.valid_until,
            province.id,
            province.code,
            Meeting.starts_at,
            Meeting.timezone,
        )
        .select_from(BodyTally)
        .join(Meeting, Meeting.id == BodyTally.meeting_id)
        .join(Agency, Agency.id == BodyTally.agency_id)
        .join(Region, Region.id == Meeting.region_id)
        .join(province, province.id == func.coalesce(Region.parent_id, Region.id))
        .where(BodyTally.forum == 1, Agency.kind.in_((*SEAT_KINDS, MILITARY)))
    )
    if meeting_ids is not None:
        stmt = stmt.where(BodyTally.meeting_id.in_(meeting_ids))
    seats = [
        {"m": meeting_id, "a": agency_id}
        for meeting_id, agency_id, *agency, province_id, code, starts_at, zone in executor.execute(
            stmt
        )
        if _sits(tuple(agency), province_id, code, starts_at, zone)
    ]
    table = BodyTally.__table__
    setting = (
        update(table)
        .where(and_(table.c.meeting_id == bindparam("m"), table.c.agency_id == bindparam("a")))
        .values(seat=1)
    )
    for start in range(0, len(seats), _BATCH):
        executor.execute(setting, seats[start : start + _BATCH])
    return len(seats)
