"""What an agency record carries: the fields staff edit, and the meetings a rename restamps."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, select, update

from tracker.calendar import state, upkeep
from tracker.extensions import db
from tracker.models import Meeting, Participation, utcnow

AGENCY_FIELDS = (
    "short_name",
    "full_name",
    "kind",
    "head_title",
    "region_id",
    "parent_id",
    "valid_from",
    "valid_until",
)


def restamp_meetings_naming(agency_id: int) -> None:
    """Move the edit stamp of every meeting that names the agency.

    Their VEVENTs quote its short name, so a rename changes what subscribers see: the
    events' LAST-MODIFIED and DTSTAMP (taken from ``updated_at``) move with it. SEQUENCE
    stays (no time, place or title changed), and so does the edit ``version``, so an
    editor's open form is not turned into a conflict. The UPDATE moves the feed
    generation, and the meetings' stored VEVENTs are rebuilt at commit (``upkeep``).
    """
    naming = select(Participation.meeting_id).where(Participation.agency_id == agency_id)
    restamp_meetings(naming)


def restamp_meetings(meeting_ids: Sequence[int] | Select[int]) -> None:
    """Move the edit stamp of these meetings (ids, or a select of them)."""
    if isinstance(meeting_ids, Select):
        upkeep.note_meetings(db.session.execute(meeting_ids).scalars())
    else:
        upkeep.note_meetings(meeting_ids)
    db.session.execute(
        update(Meeting).where(Meeting.id.in_(meeting_ids)).values(updated_at=utcnow()),
        execution_options={"synchronize_session": False, state.NOTED: True},
    )
