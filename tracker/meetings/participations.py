"""Write operations for a meeting's participations: add, change, remove.

Each validates, changes, appends to the change log and flushes; it never commits.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tracker import changes
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.meetings.edit_stamp import touch
from tracker.models import ATTENDANCE, ROLES, Agency, Meeting, Participation, Person, User
from tracker.validation import ValidationError, check, refuse_contact_details

PARTICIPATION_FIELDS = (
    "agency_id",
    "person_id",
    "collective_label",
    "position",
    "roles",
    "attendance",
    "represented_by",
    "topic",
    "order",
)


def validate_participation(values: dict[str, Any]) -> None:
    """Check (and tidy) a participation's values; raise ValidationError naming each field."""
    errors: dict[str, str] = {}
    for key in ("collective_label", "position", "represented_by", "topic"):
        if isinstance(values.get(key), str):
            values[key] = values[key].strip() or None
    if not (values.get("agency_id") or values.get("person_id") or values.get("collective_label")):
        errors["agency_id"] = _("Pilih instansi, orang, atau tulis kelompok peserta.")
    if values.get("agency_id") and db.session.get(Agency, values["agency_id"]) is None:
        errors["agency_id"] = _("Instansi tidak ditemukan.")
    if values.get("person_id") and db.session.get(Person, values["person_id"]) is None:
        errors["person_id"] = _("Orang tidak ditemukan.")
    roles = frozenset(values.get("roles") or ())
    if not roles <= set(ROLES):
        errors["roles"] = _("Peran tidak dikenal.")
    values["roles"] = roles
    if values.get("attendance") not in ATTENDANCE:
        errors["attendance"] = _("Kehadiran tidak dikenal.")
    if values.get("represented_by") and values.get("attendance") != "represented":
        errors["represented_by"] = _("Isi 'diwakili oleh' hanya bila kehadirannya diwakilkan.")
    check(errors)
    refuse_contact_details(values, ("represented_by", "position", "collective_label"))


def add_participation(
    meeting: Meeting, data: Mapping[str, Any], user: User | None = None
) -> Participation:
    """Add an agency, person or collective group to a meeting."""
    values: dict[str, Any] = {"attendance": "unknown", "roles": frozenset(), "order": None}
    values.update(data)
    if set(values) - set(PARTICIPATION_FIELDS):
        raise ValidationError(
            {k: _("Kolom tidak dikenal.") for k in set(values) - set(PARTICIPATION_FIELDS)}
        )
    validate_participation(values)
    if values["order"] is None:
        values["order"] = len(meeting.participations)
    participation = Participation(**values)
    meeting.participations.append(participation)
    db.session.flush()
    changes.record(
        "participation",
        participation.id,
        "create",
        changes.diff({}, changes.snapshot(participation, PARTICIPATION_FIELDS)),
        user,
        meeting.id,
    )
    touch(meeting, user, bump=False)
    return participation


def update_participation(
    participation: Participation, data: Mapping[str, Any], user: User | None = None
) -> dict[str, list[Any]]:
    """Change a participation (e.g. the speaker turned out to send a deputy)."""
    values = {f: getattr(participation, f) for f in PARTICIPATION_FIELDS}
    values.update(data)
    validate_participation(values)
    before = changes.snapshot(participation, PARTICIPATION_FIELDS)
    for field in PARTICIPATION_FIELDS:
        setattr(participation, field, values[field])
    delta = changes.diff(before, changes.snapshot(participation, PARTICIPATION_FIELDS))
    if delta:
        changes.record(
            "participation", participation.id, "update", delta, user, participation.meeting_id
        )
        touch(participation.meeting, user, bump=False)
        db.session.flush()
    return delta


def remove_participation(participation: Participation, user: User | None = None) -> None:
    """Remove a participation and its evidence."""
    meeting = participation.meeting
    changes.record(
        "participation",
        participation.id,
        "delete",
        changes.removed(changes.snapshot(participation, PARTICIPATION_FIELDS)),
        user,
        meeting.id,
    )
    meeting.participations.remove(participation)
    touch(meeting, user, bump=False)
    db.session.flush()
