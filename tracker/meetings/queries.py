"""Read queries for meetings, shared by pages, API and feeds."""

from __future__ import annotations

from sqlalchemy import Select
from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Agency, Meeting, Participation, Venue


def public_meetings() -> Select[tuple[Meeting]]:
    """Public meetings, newest first, with what a list row shows loaded eagerly."""
    return (
        db.select(Meeting)
        .where(Meeting.visibility == "public")
        .options(
            selectinload(Meeting.venue).selectinload(Venue.city),
            selectinload(Meeting.region),
            selectinload(Meeting.election),
            selectinload(Meeting.participations).selectinload(Participation.agency),
            selectinload(Meeting.participations).selectinload(Participation.person),
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
    )


def meeting_detail(meeting_id: int, include_internal: bool = False) -> Meeting | None:
    """One meeting with everything its page shows, or None."""
    stmt = (
        db.select(Meeting)
        .where(Meeting.id == meeting_id)
        .options(
            selectinload(Meeting.venue).selectinload(Venue.city),
            selectinload(Meeting.region),
            selectinload(Meeting.election),
            selectinload(Meeting.participations)
            .selectinload(Participation.agency)
            .selectinload(Agency.region),
            selectinload(Meeting.participations).selectinload(Participation.person),
            selectinload(Meeting.participations).selectinload(Participation.evidence),
            selectinload(Meeting.coverages),
        )
    )
    if not include_internal:
        stmt = stmt.where(Meeting.visibility == "public")
    return db.session.execute(stmt).scalar_one_or_none()
