"""Checks the staff meeting forms share: start and end times, and whether a field was typed."""

from __future__ import annotations

from typing import Any

from wtforms import DateField, TimeField
from wtforms.validators import StopValidation, ValidationError

from tracker.i18n import lazy_gettext as _l

TIME_AND_UNKNOWN = _l(
    "Jam diisi padahal 'Jam tidak disebutkan' dicentang: kosongkan jamnya atau hapus centangnya."
)
END_BEFORE_START = _l("Tanggal selesai tidak boleh sebelum tanggal mulai.")
END_TIME_NEEDED = _l(
    "Rapat ini berakhir di hari lain: isi jam selesainya, atau centang 'Jam tidak disebutkan'."
)


def time_needed(form: Any, field: TimeField) -> None:
    """Require a start time unless the form says the time was not stated."""
    if (field.raw_data or [""])[0].strip() or form.time_unknown.data:
        return
    field.errors = []  # replace WTForms' "not a valid time" for an empty box
    raise StopValidation(_l("Isi jam mulai, atau centang 'Jam tidak disebutkan'."))


def typed(field: Any) -> bool:
    """Whether a field holds a value: non-blank text, a checked role, a number."""
    data = field.data
    if isinstance(data, str):
        return bool(data.strip())
    return data not in (None, [])


def add_errors(errors: list[tuple[Any, Any]]) -> bool:
    """Append each (field, message); True when there were none."""
    for field, message in errors:
        field.errors = [*field.errors, message]
    return not errors


class TimeRangeChecks:
    """The start, end-day and end-time checks the meeting and postpone forms share."""

    time_unknown: Any

    def validate_start_time(self, field: TimeField) -> None:
        """A typed start is kept or refused, never dropped by the 'not stated' box."""
        if self.time_unknown.data and field.data:
            raise ValidationError(TIME_AND_UNKNOWN)

    def validate_end_date(self, field: DateField) -> None:
        """Refuse an end day before the first day, beside the other field errors."""
        check_end_date(self, field)

    def validate_end_time(self, field: TimeField) -> None:
        """Refuse an end before the start at once, beside the other field errors."""
        check_end_time(self, field)


def check_end_date(form: Any, field: DateField) -> None:
    """The last day of a meeting is not before its first."""
    if field.data and form.start_date.data and field.data < form.start_date.data:
        raise ValidationError(END_BEFORE_START)


def check_end_time(form: Any, field: TimeField) -> None:
    """A typed end time fits the 'not stated' box and the start on the same day."""
    if form.time_unknown.data:
        raise ValidationError(TIME_AND_UNKNOWN)
    if not _other_day(form) and form.start_time.data and field.data < form.start_time.data:
        raise ValidationError(_l("Waktu selesai tidak boleh sebelum waktu mulai."))


def _other_day(form: Any) -> bool:
    first, last = form.start_date.data, form.end_date.data
    return bool(first and last and last > first)


def end_time_needed(form: Any) -> bool:
    """A timed meeting that ends on another day needs its end hour; False if missing.

    A form-level check: field validators never run on the empty end time box.
    """
    if form.end_time.data or form.end_time.errors or form.time_unknown.data:
        return True
    if not _other_day(form):
        return True
    return add_errors([(form.end_time, END_TIME_NEEDED)])
