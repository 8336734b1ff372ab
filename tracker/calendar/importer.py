"""Import an agency's published agenda (.ics) as meetings, matched by UID.

The import checks the whole file first and reports every problem with its line: the
raw text in one linear pass (``prescan``), then every parsed event (``import_events``,
with their times read by ``import_times``), before anything is written. It writes
through the meeting operations and never commits. When it raises ``ImportRejected``
the caller rolls back, so a bad file leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tracker.calendar.import_events import Entry, check_events, parse_calendar
from tracker.calendar.import_times import file_context
from tracker.calendar.prescan import ImportProblem, ImportRejected, scan
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.meetings import operations as ops
from tracker.models import Election, Meeting, Region, User
from tracker.validation import ValidationError

__all__ = ["ImportProblem", "ImportRejected", "ImportResult", "import_calendar"]

# Which property a field error from the operations belongs to.
FIELD_PROPERTY = {
    "title": "SUMMARY",
    "starts_at": "DTSTART",
    "ends_at": "DTEND",
    "timezone": "DTSTART",
    "summary": "DESCRIPTION",
    "venue": "LOCATION",
    "status_reason": "STATUS",
}


@dataclass
class ImportResult:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    meetings: list[Meeting] = field(default_factory=list)


def _apply(
    entry: Entry, region: Region, defaults: dict[str, Any], user: User | None, result: ImportResult
) -> None:
    values = dict(entry.values)
    if entry.location is not None:
        venue = ops.find_or_create_venue(
            entry.location,
            region if region.kind != "province" else None,
            latitude=getattr(entry.geo, "latitude", None),
            longitude=getattr(entry.geo, "longitude", None),
        )
        values["venue_id"] = venue.id
    meeting = db.session.execute(
        db.select(Meeting).where(Meeting.uid == entry.uid)
    ).scalar_one_or_none()
    if meeting is None:
        meeting = ops.create_meeting({**defaults, **values}, user)
        # The agenda's UID is the meeting's from now on: the next import finds it.
        meeting.uid = entry.uid
        db.session.flush()
        result.created += 1
    else:
        if entry.cancelled:
            # A cancellation notice carries the old title, not a new one.
            values.pop("title", None)
        if ops.update_meeting(meeting, values, user):
            result.updated += 1
        else:
            result.unchanged += 1
    if entry.cancelled and meeting.status != "cancelled":
        ops.cancel_meeting(meeting, _("Dibatalkan menurut kalender yang diimpor."), user)
        result.cancelled += 1
    result.meetings.append(meeting)


def _refusals(entry: Entry, error: ValidationError) -> list[ImportProblem]:
    """An operation's field errors, each at the line of the property it came from."""
    problems = []
    for name, reason in error.errors.items():
        prop = FIELD_PROPERTY.get(name, "")
        problems.append(ImportProblem(entry.block.line(prop), f"{prop or name}: {reason}"))
    return problems


def import_calendar(
    data: bytes,
    region: Region,
    kind: str = "rakor",
    visibility: str = "public",
    election: Election | None = None,
    user: User | None = None,
) -> ImportResult:
    """Create or update (by UID) one meeting per VEVENT of an .ics file.

    :raises ImportRejected: with every problem and its line; the caller must roll back.
    """
    scanned = scan(data)
    calendar, events = parse_calendar(scanned.text, scanned.blocks)
    entries = check_events(events, scanned.blocks, file_context(calendar, scanned.calendar, region))
    defaults = {
        "region_id": region.id,
        "kind": kind,
        "visibility": visibility,
        "election_id": election.id if election else None,
    }
    result = ImportResult()
    for entry in entries:
        try:
            _apply(entry, region, defaults, user, result)
        except ValidationError as error:
            # The rest would repeat this flush's refusal; the caller rolls back.
            raise ImportRejected(_refusals(entry, error)) from error
    return result
