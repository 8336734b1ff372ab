"""Load the demo meetings (the seed's Balikpapan Rakor and others) through the operations."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from importlib import resources
from typing import Any

from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.models import Agency, Election, Meeting, PressRelease, Region
from tracker.press import operations as press_ops

DEMO_FILES = ("demo_seed.json", "demo_meetings.json")


def demo_records() -> list[dict[str, Any]]:
    """The demo meetings as stored in the data files."""
    records: list[dict[str, Any]] = []
    for name in DEMO_FILES:
        path = resources.files("tracker.data").joinpath(name)
        if path.is_file():
            records.extend(json.loads(path.read_text(encoding="utf-8")))
    return records


def _clock(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


def load_demo() -> int:
    """Create every demo meeting not yet present (matched by press-release URL)."""
    regions = {r.code: r for r in db.session.execute(db.select(Region)).scalars()}
    agencies = {a.slug: a for a in db.session.execute(db.select(Agency)).scalars()}
    elections = {e.slug: e for e in db.session.execute(db.select(Election)).scalars()}
    created = 0
    for rec in demo_records():
        pr = rec["press_release"]
        exists = db.session.execute(
            db.select(PressRelease.id).filter_by(url=pr["url"])
        ).scalar_one_or_none()
        if exists is not None:
            continue
        _load_one(rec, regions, agencies, elections)
        created += 1
    return created


def _load_one(
    rec: dict[str, Any],
    regions: dict[str, Region],
    agencies: dict[str, Agency],
    elections: dict[str, Election],
) -> None:
    """Create one demo meeting with its press release, participants and status."""
    meeting = _create_meeting(rec, regions, elections)
    release = _attach_release(rec, meeting)
    _add_participations(rec, meeting, release, agencies)
    _apply_status(rec, meeting)


def _create_meeting(
    rec: dict[str, Any], regions: dict[str, Region], elections: dict[str, Election]
) -> Meeting:
    """The meeting itself, at its venue (created if new)."""
    tz = rec["timezone"]
    day = date.fromisoformat(rec["date"])
    start_clock = _clock(rec.get("time"))
    end_clock = _clock(rec.get("end_time"))
    venue = None
    if rec.get("venue"):
        v = rec["venue"]
        venue = ops.find_or_create_venue(
            v["name"],
            regions.get(v.get("city") or ""),
            v.get("address"),
            v.get("latitude"),
            v.get("longitude"),
        )
    return ops.create_meeting(
        {
            "title": rec["title"],
            "kind": rec["kind"],
            "theme": rec.get("theme"),
            "summary": rec.get("summary"),
            "starts_at": ops.local_datetime(day, start_clock, tz),
            "ends_at": ops.local_datetime(day, end_clock, tz) if end_clock else None,
            "timezone": tz,
            "time_unknown": start_clock is None,
            "venue_id": venue.id if venue else None,
            "region_id": regions[rec["region"]].id,
            "election_id": elections[rec["election"]].id if rec.get("election") else None,
            "visibility": rec.get("visibility", "public"),
            "source_note": rec.get("source_note"),
        }
    )


def _attach_release(rec: dict[str, Any], meeting: Meeting) -> PressRelease:
    """The record's press release, announcing or reporting the meeting."""
    pr = rec["press_release"]
    release = press_ops.create_press_release(
        {
            "outlet": pr["outlet"],
            "url": pr["url"],
            "title": pr["title"],
            "section": pr.get("section"),
            "byline": pr.get("byline"),
            "published_at": datetime.fromisoformat(pr["published"])
            if pr.get("published")
            else None,
            "body": pr["body"],
        }
    )
    relation = "announces" if rec.get("status") == "scheduled" else "reports"
    press_ops.attach_press_release(meeting, release, relation)
    return release


def _add_participations(
    rec: dict[str, Any], meeting: Meeting, release: PressRelease, agencies: dict[str, Agency]
) -> None:
    """Every participant in order, with the release's sentence as evidence where given."""
    for order, part in enumerate(rec["participations"]):
        person = None
        if part.get("person"):
            p = part["person"]
            person = ops.find_or_create_person(
                p["name"], p.get("rank"), p.get("honorific"), p.get("degrees")
            )
        participation = ops.add_participation(
            meeting,
            {
                "agency_id": agencies[part["agency"]].id if part.get("agency") else None,
                "person_id": person.id if person else None,
                # An office outside the registry ("Dandim 0906/Kukar") is kept
                # as a label rather than invented as an agency.
                "collective_label": part.get("collective")
                or (None if part.get("agency") or person else part.get("position")),
                "position": part.get("position"),
                "roles": frozenset(part.get("roles") or ()),
                "attendance": part.get("attendance", "unknown"),
                "represented_by": part.get("represented_by"),
                "topic": part.get("topic"),
                "order": order,
            },
        )
        if part.get("evidence"):
            press_ops.add_evidence(participation, release, part["evidence"])


def _apply_status(rec: dict[str, Any], meeting: Meeting) -> None:
    """Mark the meeting held, cancelled or postponed as the record says."""
    status = rec.get("status", "scheduled")
    if status == "held":
        ops.mark_held(meeting)
    elif status == "cancelled":
        ops.cancel_meeting(meeting, rec.get("status_reason") or "-")
    elif status == "postponed" and rec.get("postponed_to"):
        to = rec["postponed_to"]
        new_clock = _clock(to.get("time"))
        ops.postpone_meeting(
            meeting,
            ops.local_datetime(date.fromisoformat(to["date"]), new_clock, rec["timezone"]),
            None,
            rec.get("status_reason") or "-",
            time_unknown=new_clock is None,
        )
