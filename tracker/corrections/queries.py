"""Read corrections: the staff queue, its pending count, and a meeting's accepted ones."""

from __future__ import annotations

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import ChangeLog, Meeting
from tracker.models.correction import Correction


def public_meeting(meeting_id: int) -> Meeting | None:
    """A public meeting readers may report on, or None (internal or missing)."""
    stmt = select(Meeting).where(Meeting.id == meeting_id, Meeting.visibility == "public")
    return db.session.execute(stmt).scalar_one_or_none()


def queue() -> Select[Correction]:
    """Every correction for staff: pending first, then newest first."""
    return (
        select(Correction)
        .options(selectinload(Correction.meeting), selectinload(Correction.resolved_by))
        .order_by(
            case((Correction.status == "pending", 0), else_=1),
            Correction.created_at.desc(),
            Correction.id.desc(),
        )
    )


def pending_count() -> int:
    """How many corrections wait for staff (the staff menu shows it)."""
    stmt = select(func.count()).select_from(Correction).where(Correction.status == "pending")
    return int(db.session.execute(stmt).scalar_one())


def accepted_for(meeting: Meeting) -> list[Correction]:
    """A public meeting's accepted corrections, oldest first; none for internal meetings."""
    if meeting is None or meeting.visibility != "public":
        return []
    stmt = (
        select(Correction)
        .where(Correction.meeting_id == meeting.id, Correction.status == "accepted")
        .order_by(Correction.resolved_at, Correction.id)
    )
    return list(db.session.execute(stmt).scalars())


def first_change_after(meeting_id: int, after_id: int) -> int | None:
    """The first change-log entry about a meeting written after ``after_id``, if any."""
    stmt = select(func.min(ChangeLog.id)).where(
        ChangeLog.meeting_id == meeting_id, ChangeLog.id > after_id
    )
    return db.session.execute(stmt).scalar_one()
