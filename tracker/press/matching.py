"""Find the meetings already logged that a release probably reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import selectinload

from tracker.extensions import db
from tracker.models import Agency, Meeting, Participation
from tracker.models.agency import normalize_name
from tracker.press.proposal import proposed_date, resolve


def find_matches(proposal: dict[str, Any], limit: int = 5) -> list[Meeting]:
    """Meetings already logged that this release probably reports.

    Same date (or a date the warnings offer), same jurisdiction, and an
    overlapping venue, chair or at least two agencies.
    """
    resolved = resolve(proposal)
    days = {d for d in (proposed_date(proposal),) if d}
    if proposal.get("start_date"):
        days.add(date.fromisoformat(proposal["start_date"]))
    for warning in proposal.get("warnings", []):
        if warning.get("suggested_date"):
            days.add(date.fromisoformat(warning["suggested_date"]))
    if not days or resolved.region is None:
        return []
    region_ids = [resolved.region.id] + [c.id for c in resolved.region.children]
    lo = datetime.combine(min(days) - timedelta(days=1), time(0), tzinfo=UTC)
    hi = datetime.combine(max(days) + timedelta(days=2), time(0), tzinfo=UTC)
    candidates = db.session.execute(
        db.select(Meeting)
        .where(Meeting.region_id.in_(region_ids), Meeting.starts_at.between(lo, hi))
        .options(
            selectinload(Meeting.venue),
            selectinload(Meeting.participations).selectinload(Participation.person),
        )
    ).scalars()
    wanted_agencies = {a.id for _item, a in resolved.agencies if isinstance(a, Agency)}
    venue_words = set(normalize_name(proposal.get("venue_name") or "").split())
    chair = proposal.get("chair") or {}
    scored: list[tuple[int, Meeting]] = []
    for meeting in candidates:
        if meeting.local_date not in days:
            continue
        score = 0
        shared = wanted_agencies & {p.agency_id for p in meeting.participations if p.agency_id}
        if len(shared) >= 2:
            score += len(shared)
        if meeting.venue and venue_words:
            overlap = venue_words & set(normalize_name(meeting.venue.name).split())
            if len(overlap) >= 2:
                score += 3
        chair_name = normalize_name(chair.get("name") or "")
        if chair_name and any(
            p.person and normalize_name(p.person.name) == chair_name for p in meeting.participations
        ):
            score += 3
        if score:
            scored.append((score, meeting))
    scored.sort(key=lambda pair: (-pair[0], pair[1].id))
    return [meeting for _score, meeting in scored[:limit]]
