"""The tally rows of meetings, selected from their participations (``body_tally``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Insert, Select, and_, case, func, insert, select

from tracker.labels import ROLE_ORDER
from tracker.meetings.local_time import local_month
from tracker.meetings.queries import PUBLIC, attendance_condition, role_condition
from tracker.models import Meeting, Participation, Region
from tracker.models.tally import FORUM_KIND, TALLY_FLAGS, BodyTally

# A SELECT of any columns (SQLAlchemy 2.1 types a Select by its column types).
Rows = Select[*tuple[Any, ...]]
# The columns ``tally_rows`` selects, in order (``seat`` is marked after: seats.py).
COLUMNS = (
    "meeting_id",
    "agency_id",
    "counted",
    "forum",
    "province_id",
    "month",
    "called_off",
    *TALLY_FLAGS,
)


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 when any of a body's participation rows in a meeting passes ``condition``."""
    return func.max(case((condition, 1), else_=0))


def tally_rows() -> Rows:
    """Every body's tally row per meeting, from participations (no meeting filter yet).

    Grouped by the meeting's and region's keys, so their other columns may be selected.
    """
    attended = attendance_condition("attended")
    flags = [
        _flag(attended),
        *(_flag(attended & role_condition(role)) for role in ROLE_ORDER),
        *(_flag(attendance_condition(mark)) for mark in ("present", "represented", "unknown")),
        _flag(attendance_condition("absent")),
    ]
    counted = and_(PUBLIC, Meeting.status != "cancelled")
    forum = case((Meeting.kind == FORUM_KIND, 1), else_=0)
    called_off = case((and_(PUBLIC, Meeting.status == "cancelled"), 1), else_=0)
    province = func.coalesce(Region.parent_id, Region.id)
    return (
        select(
            Participation.meeting_id,
            Participation.agency_id,
            counted,
            forum,
            province,
            local_month(),
            called_off,
            *flags,
        )
        .join(Meeting, Meeting.id == Participation.meeting_id)
        .join(Region, Region.id == Meeting.region_id)
        .where(Participation.agency_id.is_not(None))
        .group_by(Participation.meeting_id, Participation.agency_id, Meeting.id, Region.id)
    )


def fill(rows: Rows) -> Insert:
    """INSERT INTO body_tally the rows ``rows`` selects (a ``tally_rows`` query)."""
    return insert(BodyTally).from_select(list(COLUMNS), rows)
