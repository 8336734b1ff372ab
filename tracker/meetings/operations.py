"""Write operations for meetings: create, update, postpone, cancel, mark held.

Each validates, changes, appends to the change log and flushes; it never commits.
Participations (``participations``) and the people and venues a meeting names
(``people_and_venues``) have their own modules; their operations are importable
from here too, as the importers, the demo and the API have always imported them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from tracker import changes
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.meetings.edit_stamp import touch
from tracker.meetings.participations import (
    PARTICIPATION_FIELDS,
    add_participation,
    remove_participation,
    update_participation,
    validate_participation,
)
from tracker.meetings.people_and_venues import find_or_create_person, find_or_create_venue
from tracker.models import (
    INDONESIAN_ZONES,
    MEETING_KINDS,
    VISIBILITIES,
    Election,
    Meeting,
    Region,
    User,
    Venue,
)
from tracker.validation import ValidationError, check, max_length

__all__ = [
    "MEETING_FIELDS",
    "PARTICIPATION_FIELDS",
    "SEQUENCED_FIELDS",
    "STATUS_FIELDS",
    "StaleMeetingError",
    "add_participation",
    "cancel_meeting",
    "create_meeting",
    "find_or_create_person",
    "find_or_create_venue",
    "local_datetime",
    "mark_held",
    "postpone_meeting",
    "remove_participation",
    "update_meeting",
    "update_participation",
    "validate_participation",
]

MEETING_FIELDS = (
    "title",
    "kind",
    "theme",
    "summary",
    "starts_at",
    "ends_at",
    "timezone",
    "time_unknown",
    "venue_id",
    "region_id",
    "election_id",
    "visibility",
    "source_note",
)
# Fields shown in the change log of a meeting beside MEETING_FIELDS.
STATUS_FIELDS = ("status", "status_reason", "starts_at", "ends_at", "sequence")
# What a subscriber's calendar shows of the event itself (RFC 5546 §2.1.4 asks for a
# SEQUENCE bump on time changes; CALENDAR.md item 12 adds place, status and title).
# Participants, summary and notes change DESCRIPTION: LAST-MODIFIED moves, SEQUENCE not.
SEQUENCED_FIELDS = frozenset(
    {"title", "starts_at", "ends_at", "time_unknown", "timezone", "venue_id"}
)


def local_datetime(day: date, clock: time | None, tz_name: str) -> datetime:
    """Combine a local date and time in an IANA zone into an aware datetime."""
    return datetime.combine(day, clock or time(0, 0), tzinfo=ZoneInfo(tz_name))


def _aware(value: Any, field: str, errors: dict[str, str]) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        errors[field] = _("Bukan tanggal dan waktu yang sah.")
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        errors[field] = _("Waktu harus disertai zona waktu (WIB, WITA atau WIT).")
        return None
    return value


def _validate_meeting(values: dict[str, Any]) -> None:
    """Check a full set of meeting values; raise ValidationError naming each field."""
    errors: dict[str, str] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = _("Judul wajib diisi.")
    elif len(title) > (limit := max_length(Meeting.title)):
        errors["title"] = _("Judul paling panjang %(max)d karakter.", max=limit)
    values["title"] = title
    if values.get("kind") not in MEETING_KINDS:
        errors["kind"] = _("Jenis rapat tidak dikenal.")
    if values.get("visibility") not in VISIBILITIES:
        errors["visibility"] = _("Visibilitas harus publik atau internal.")
    tz_name = values.get("timezone")
    if tz_name not in INDONESIAN_ZONES:
        errors["timezone"] = _(
            "Zona waktu harus salah satu zona Indonesia: "
            "Asia/Jakarta, Asia/Pontianak (WIB), Asia/Makassar (WITA), Asia/Jayapura (WIT)."
        )
    starts_at = _aware(values.get("starts_at"), "starts_at", errors)
    ends_at = _aware(values.get("ends_at"), "ends_at", errors)
    if values.get("starts_at") is None and "starts_at" not in errors:
        errors["starts_at"] = _("Tanggal mulai wajib diisi.")
    if starts_at and ends_at and ends_at < starts_at:
        errors["ends_at"] = _("Waktu selesai tidak boleh sebelum waktu mulai.")
    if values.get("region_id") is None or db.session.get(Region, values["region_id"]) is None:
        errors["region_id"] = _("Wilayah wajib dipilih.")
    for field, model in (("venue_id", Venue), ("election_id", Election)):
        if values.get(field) is not None and db.session.get(model, values[field]) is None:
            errors[field] = _("Pilihan tidak ditemukan.")
    check(errors)


def _meeting_values(meeting: Meeting | None, data: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(data) - set(MEETING_FIELDS)
    if unknown:
        raise ValidationError({k: _("Kolom tidak dikenal.") for k in sorted(unknown)})
    values: dict[str, Any] = {
        "kind": "rakor",
        "visibility": "public",
        "time_unknown": False,
    }
    if meeting is not None:
        values.update({f: getattr(meeting, f) for f in MEETING_FIELDS})
    values.update(data)
    if not values.get("timezone") and values.get("region_id"):
        region = db.session.get(Region, values["region_id"])
        values["timezone"] = region.timezone if region else None
    return values


def create_meeting(data: Mapping[str, Any], user: User | None = None) -> Meeting:
    """Create a meeting from field values; the zone defaults to the region's."""
    values = _meeting_values(None, data)
    _validate_meeting(values)
    meeting = Meeting(**values, created_by=user, updated_by=user)
    db.session.add(meeting)
    db.session.flush()
    changes.record(
        "meeting",
        meeting.id,
        "create",
        changes.diff({}, changes.snapshot(meeting, MEETING_FIELDS)),
        user,
        meeting.id,
    )
    return meeting


def update_meeting(
    meeting: Meeting,
    data: Mapping[str, Any],
    user: User | None = None,
    expected_version: int | None = None,
) -> dict[str, list[Any]]:
    """Change a meeting's fields; returns the change made ({} if none).

    ``expected_version`` is the version the editor's form was built from; a
    mismatch means someone saved in between, and nothing is written.
    """
    if expected_version is not None and expected_version != meeting.version:
        raise StaleMeetingError(meeting, expected_version)
    values = _meeting_values(meeting, data)
    _validate_meeting(values)
    before = changes.snapshot(meeting, MEETING_FIELDS)
    for field in MEETING_FIELDS:
        setattr(meeting, field, values[field])
    delta = changes.diff(before, changes.snapshot(meeting, MEETING_FIELDS))
    if delta:
        touch(meeting, user, bump=bool(SEQUENCED_FIELDS & set(delta)))
        changes.record("meeting", meeting.id, "update", delta, user, meeting.id)
        db.session.flush()
    return delta


def postpone_meeting(
    meeting: Meeting,
    starts_at: datetime | None,
    ends_at: datetime | None = None,
    reason: str | None = None,
    user: User | None = None,
    time_unknown: bool | None = None,
) -> None:
    """Move a meeting to a new date or hour, with the reason; subscribers see it move.

    A start missing (None), unchanged or invalid, or a blank reason, is refused with
    every other error at once.
    """
    values = _meeting_values(meeting, {"starts_at": starts_at, "ends_at": ends_at})
    if time_unknown is not None:
        values["time_unknown"] = time_unknown
    errors = _postpone_errors(meeting, values, reason)
    try:
        _validate_meeting(values)
    except ValidationError as error:
        errors = {**error.errors, **errors}
    check(errors)
    before = changes.snapshot(meeting, STATUS_FIELDS + ("time_unknown",))
    meeting.starts_at = values["starts_at"]
    meeting.ends_at = values["ends_at"]
    meeting.time_unknown = values["time_unknown"]
    meeting.status = "postponed"
    meeting.status_reason = (reason or "").strip()
    touch(meeting, user)
    after = changes.snapshot(meeting, STATUS_FIELDS + ("time_unknown",))
    changes.record("meeting", meeting.id, "postpone", changes.diff(before, after), user, meeting.id)
    db.session.flush()


def _postpone_errors(
    meeting: Meeting, values: dict[str, Any], reason: str | None
) -> dict[str, str]:
    """A postponement names a new start and says why; a cancelled meeting stays cancelled."""
    errors: dict[str, str] = {}
    if meeting.status == "cancelled":
        errors["status"] = _("Rapat yang dibatalkan tidak bisa ditunda.")
    if not (reason or "").strip():
        errors["status_reason"] = _("Alasan penundaan wajib diisi.")
    same_start = values["starts_at"] == meeting.starts_at
    if same_start and bool(values["time_unknown"]) == bool(meeting.time_unknown):
        errors["starts_at"] = _(
            "Tanggal dan jam baru sama dengan jadwal sekarang: isi tanggal atau jam yang baru."
        )
    return errors


def cancel_meeting(meeting: Meeting, reason: str | None, user: User | None = None) -> None:
    """Cancel a meeting, keeping it (calendars show it as cancelled)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"status_reason": _("Alasan pembatalan wajib diisi.")})
    if meeting.status == "cancelled":
        raise ValidationError({"status": _("Rapat ini sudah dibatalkan.")})
    before = changes.snapshot(meeting, STATUS_FIELDS)
    meeting.status = "cancelled"
    meeting.status_reason = reason
    touch(meeting, user)
    changes.record(
        "meeting",
        meeting.id,
        "cancel",
        changes.diff(before, changes.snapshot(meeting, STATUS_FIELDS)),
        user,
        meeting.id,
    )
    db.session.flush()


def mark_held(meeting: Meeting, user: User | None = None) -> bool:
    """Record that a scheduled or postponed meeting took place; False if it already was."""
    if meeting.status == "cancelled":
        raise ValidationError(
            {"status": _("Rapat yang dibatalkan tidak bisa ditandai terlaksana.")}
        )
    if meeting.status == "held":
        # Nothing a subscriber sees changes: no SEQUENCE bump, no history entry.
        return False
    before = changes.snapshot(meeting, STATUS_FIELDS)
    meeting.status = "held"
    # A calendar shows a held meeting as it showed the planned one: no SEQUENCE bump.
    touch(meeting, user, bump=False)
    changes.record(
        "meeting",
        meeting.id,
        "held",
        changes.diff(before, changes.snapshot(meeting, STATUS_FIELDS)),
        user,
        meeting.id,
    )
    db.session.flush()
    return True


class StaleMeetingError(Exception):
    """The meeting was saved by someone else since the editor loaded it."""

    def __init__(self, meeting: Meeting, expected_version: int) -> None:
        super().__init__(f"meeting {meeting.id} is at version {meeting.version}")
        self.meeting = meeting
        self.expected_version = expected_version
