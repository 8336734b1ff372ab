"""What the staff meeting form starts from: its choices, and a meeting's values as stored."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func

from tracker.extensions import db
from tracker.models import Election, Meeting, Venue


def form_choices() -> dict[str, list[Any]]:
    """Choices for the meeting form's selects: venues and elections (regions: picker.py)."""
    venues = db.session.execute(
        db.select(Venue).options(db.selectinload(Venue.city)).order_by(Venue.name)
    ).scalars()
    elections = db.session.execute(
        db.select(Election).order_by(Election.polling_day.desc())
    ).scalars()
    return {
        "venues": [(v.id, f"{v.name}, {v.city.name}" if v.city else v.name) for v in venues],
        "elections": [(e.id, e.name) for e in elections],
    }


def meeting_form_data(meeting: Meeting) -> dict[str, Any]:
    """The form's initial values for editing a meeting, as it is now."""
    start = meeting.local_start
    end = meeting.local_end
    rows = [
        {
            "participation_id": str(p.id),
            "agency_id": str(p.agency_id or ""),
            "agency_name": p.agency.short_name if p.agency else "",
            "collective_label": p.collective_label or "",
            "person_name": p.person.name if p.person else "",
            "person_rank": (p.person.rank or "") if p.person else "",
            "position": p.position or "",
            "roles": sorted(p.roles),
            "attendance": p.attendance,
            "represented_by": p.represented_by or "",
            "topic": p.topic or "",
            "order": p.order,
        }
        for p in meeting.participations
    ]
    return {
        "version": str(meeting.version),
        "seen_change": str(latest_change_id(meeting.id)),
        "title": meeting.title,
        "kind": meeting.kind,
        "theme": meeting.theme,
        "summary": meeting.summary,
        "region": meeting.region_id,
        "start_date": start.date(),
        "start_time": None if meeting.time_unknown else start.time(),
        "end_date": end.date() if end is not None else start.date(),
        "end_time": end.time() if end is not None and not meeting.time_unknown else None,
        "time_unknown": meeting.time_unknown,
        "timezone": meeting.timezone,
        "venue": meeting.venue_id,
        "election": meeting.election_id,
        "visibility": meeting.visibility,
        "source_note": meeting.source_note,
        "participations": rows or [{}],
    }


def latest_change_id(meeting_id: int) -> int:
    """The id of the newest change-log entry about a meeting (0 if none)."""
    from tracker.models import ChangeLog

    newest = db.session.execute(
        db.select(func.max(ChangeLog.id)).where(ChangeLog.meeting_id == meeting_id)
    ).scalar_one()
    return int(newest or 0)
