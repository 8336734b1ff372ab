"""The staff meeting form's participation rows: read, checked and saved."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.agencies.picking import resolve_agency
from tracker.extensions import db
from tracker.meetings import operations as ops
from tracker.meetings.form_values import keep_stored, one_line
from tracker.models import Meeting, Region, User
from tracker.validation import ValidationError

PARTICIPATION_FIELD_MAP = {
    "agency_id": "agency_name",
    "person_id": "person_name",
    "person": "person_name",
}


@dataclass
class Row:
    """One non-blank participation row as read: its place, its participation, its values."""

    index: int
    participation_id: int | None
    values: dict[str, Any]
    # Its body or person could not be resolved: already refused, not saved.
    failed: bool = False


def _prefixed(prefix: str, errors: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}-{PARTICIPATION_FIELD_MAP.get(k, k)}": v for k, v in errors.items()}


def _province_code(form: Any) -> str | None:
    """The meeting's province, which settles a body name two provinces share."""
    region = db.session.get(Region, form.region.data) if form.region.data else None
    return region.code.split(".")[0] if region else None


def read_rows(form: Any, user: User | None) -> tuple[list[Row], dict[str, str]]:
    """Read the non-blank participation rows, resolving agencies and people."""
    rows: list[Row] = []
    errors: dict[str, str] = {}
    position = 0
    for index, entry in enumerate(form.participations.entries):
        row = entry.form
        if row.is_blank():
            continue
        values: dict[str, Any] = {
            "agency_id": None,
            "person_id": None,
            "collective_label": one_line(row.collective_label.data),
            "position": one_line(row.position.data),
            "roles": frozenset(row.roles.data or ()),
            "attendance": row.attendance.data,
            "represented_by": one_line(row.represented_by.data),
            "topic": one_line(row.topic.data),
            "order": row.order.data if row.order.data is not None else position,
        }
        position += 1
        failed = False
        try:
            if one_line(row.agency_name.data):
                values["agency_id"] = resolve_agency(
                    row.agency_name.data,
                    row.agency_id.data,
                    form.start_date.data,
                    province_code=_province_code(form),
                    user=user,
                ).id
            if one_line(row.person_name.data):
                values["person_id"] = ops.find_or_create_person(
                    row.person_name.data, one_line(row.person_rank.data)
                ).id
        except ValidationError as error:
            errors.update(_prefixed(entry.name, error.errors))
            failed = True
        pid = row.participation_id.data
        rows.append(Row(index, int(pid) if pid and pid.isdigit() else None, values, failed))
    return rows, errors


def sync_participations(
    meeting: Meeting, rows: list[Row], form: Any, user: User | None
) -> dict[str, str]:
    """Add, change and remove participations so the meeting matches the rows."""
    errors: dict[str, str] = {}
    existing = {p.id: p for p in meeting.participations}
    kept = {r.participation_id for r in rows if r.participation_id in existing}
    for pid, participation in existing.items():
        if pid not in kept:
            ops.remove_participation(participation, user)
    for row in rows:
        if row.failed:
            continue
        prefix = form.participations.entries[row.index].name
        try:
            if row.participation_id in existing:
                participation = existing[row.participation_id]
                values = keep_stored(participation, dict(row.values))
                ops.update_participation(participation, values, user)
            else:
                # A row whose participant was removed meanwhile is added again: it is
                # on the editor's form, so saving it is what they asked for.
                ops.add_participation(meeting, row.values, user)
        except ValidationError as error:
            errors.update(_prefixed(prefix, error.errors))
    return errors


def check_rows(rows: list[Row], form: Any) -> dict[str, str]:
    """The participation checks, for rows that have no meeting to join yet."""
    errors: dict[str, str] = {}
    for row in (r for r in rows if not r.failed):
        values = {"attendance": "unknown", "roles": frozenset(), **row.values}
        try:
            ops.validate_participation(values)
        except ValidationError as error:
            errors.update(_prefixed(form.participations.entries[row.index].name, error.errors))
    return errors
