"""Turn the staff meeting form into operations: the meeting, its venue and its rows.

Everything here flushes through the operations layer and never commits; on a
ValidationError the view rolls the whole save back, so a meeting is never left
half-written. Error keys are form field names, ready for ``apply_errors``.

The form is read in ``form_values`` (meeting fields) and ``form_rows`` (participation
rows); ``form_data`` fills it from a stored meeting. Its names are importable from here.
"""

from __future__ import annotations

from typing import Any

from tracker.meetings import operations as ops
from tracker.meetings.form_data import form_choices, latest_change_id, meeting_form_data
from tracker.meetings.form_rows import check_rows, read_rows, sync_participations
from tracker.meetings.form_values import (
    form_span,
    keep_stored,
    keep_untouched,
    meeting_values,
    postpone_span,
)
from tracker.models import Meeting, User
from tracker.validation import ValidationError

__all__ = [
    "MEETING_FIELD_MAP",
    "create_from_form",
    "form_choices",
    "form_span",
    "latest_change_id",
    "meeting_form_data",
    "postpone_span",
    "update_from_form",
]

# Operation field names -> meeting form field names.
MEETING_FIELD_MAP = {
    "starts_at": "start_date",
    "ends_at": "end_time",
    "region_id": "region",
    "venue_id": "venue",
    "election_id": "election",
    "venue": "new_venue_name",
    "status": "start_date",
}


def _merged(*error_sets: dict[str, str]) -> dict[str, str]:
    """Every error of the sets; the first message found for a field is the one kept."""
    merged: dict[str, str] = {}
    for errors in error_sets:
        for key, message in errors.items():
            merged.setdefault(key, message)
    return merged


def _raise_if(*error_sets: dict[str, str]) -> None:
    """Raise every error at once; the first message found for a field is the one shown."""
    merged = _merged(*error_sets)
    if merged:
        raise ValidationError(merged)


def _meeting_errors(error: ValidationError) -> dict[str, str]:
    return {MEETING_FIELD_MAP.get(k, k): v for k, v in error.errors.items()}


def create_from_form(form: Any, user: User | None) -> Meeting:
    """Create a meeting and its participations from the form.

    Every problem of the save (meeting, venue, rows) is raised in one ValidationError;
    it also runs on a form that failed validation, so all errors show in one round.
    """
    rows, errors = read_rows(form, user)
    values = meeting_values(form, errors)
    meeting = None
    try:
        meeting = ops.create_meeting(values, user)
    except ValidationError as error:
        errors = {**_meeting_errors(error), **errors}
    if meeting is None:  # create_meeting refused: check the rows without it
        raise ValidationError(_merged(errors, check_rows(rows, form)))
    _raise_if(errors, sync_participations(meeting, rows, form, user))
    return meeting


def update_from_form(meeting: Meeting, form: Any, user: User | None) -> None:
    """Save an edit; refuses (StaleMeetingError) if the meeting changed since the form loaded.

    Fields left as loaded keep their stored values; every error is raised at once.
    """
    expected = int(form.version.data) if (form.version.data or "").isdigit() else -1
    if expected != meeting.version:
        raise ops.StaleMeetingError(meeting, expected)
    rows, errors = read_rows(form, user)
    values = keep_stored(meeting, keep_untouched(meeting, form, meeting_values(form, errors)))
    try:
        ops.update_meeting(meeting, values, user, expected_version=expected)
    except ValidationError as error:
        errors = {**_meeting_errors(error), **errors}
        _raise_if(errors, check_rows(rows, form))
    _raise_if(errors, sync_participations(meeting, rows, form, user))
