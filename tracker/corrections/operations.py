"""Write corrections: a reader's report, and its acceptance or refusal by staff."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker import changes
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import Meeting, User, utcnow
from tracker.models.correction import CORRECTION_FIELDS, Correction
from tracker.validation import check, clean_text, refuse_contact_details

# What the change log keeps of a resolution: never the reporter's contact or words.
RESOLUTION_FIELDS = ("status", "staff_reason", "change_id")


def report_correction(meeting: Meeting, data: Mapping[str, Any]) -> Correction:
    """Record a reader's report about a public meeting, pending review."""
    errors: dict[str, str] = {}
    if meeting.visibility != "public":
        errors["meeting_id"] = _("Rapat ini tidak ada.")
    if data.get("field") not in CORRECTION_FIELDS:
        errors["field"] = _("Pilih bagian yang salah.")
    description = clean_text(data.get("description") or "", multiline=True)
    if not description:
        errors["description"] = _("Tulis apa yang salah.")
    check(errors)
    correction = Correction(
        meeting_id=meeting.id,
        field=data["field"],
        description=description,
        source_url=clean_text(data.get("source_url") or "") or None,
        contact=clean_text(data.get("contact") or "") or None,
    )
    db.session.add(correction)
    db.session.flush()
    return correction


def _resolve(
    correction: Correction, status: str, note: str, user: User | None, change_id: int | None
) -> None:
    if correction.status != "pending":
        check({"status": _("Koreksi ini sudah diselesaikan.")})
    text = clean_text(note or "", multiline=True)
    if not text:
        check({"staff_reason": _("Tulis catatan atau alasannya.")})
    before = changes.snapshot(correction, RESOLUTION_FIELDS)
    correction.status = status
    correction.staff_reason = text
    correction.change_id = change_id
    correction.resolved_at = utcnow()
    correction.resolved_by_id = user.id if user is not None else None
    delta = changes.diff(before, changes.snapshot(correction, RESOLUTION_FIELDS))
    # Not on the meeting's history: a declined report and its reason stay with staff.
    changes.record("correction", correction.id, status, delta, user)
    db.session.flush()


def accept_correction(
    correction: Correction, note: str, user: User | None = None, change_id: int | None = None
) -> None:
    """Accept a correction with its public note; ``change_id`` names the edit made for it."""
    # The note is published on the meeting page.
    refuse_contact_details({"staff_reason": note}, ("staff_reason",))
    _resolve(correction, "accepted", note, user, change_id)


def decline_correction(correction: Correction, reason: str, user: User | None = None) -> None:
    """Decline a correction; the reason is required and stays with staff."""
    _resolve(correction, "declined", reason, user, None)
