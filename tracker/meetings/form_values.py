"""Read the staff meeting form into operation values: text, venue, times.

A value whose form fields still hold what the form was loaded with is left as
stored, so an edit changes only what the editor changed.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.meetings import operations as ops
from tracker.meetings.form_data import meeting_form_data
from tracker.models import Meeting, Region, Venue

# The form fields each stored value is read from: a value whose fields all still hold
# what the form was loaded with is left as stored (an edit changes what was changed).
SOURCES = {
    "title": ("title",),
    "kind": ("kind",),
    "theme": ("theme",),
    "summary": ("summary",),
    "region_id": ("region",),
    "timezone": ("timezone", "region"),
    "starts_at": ("start_date", "start_time", "time_unknown", "timezone", "region"),
    "ends_at": (
        "start_date",
        "start_time",
        "end_date",
        "end_time",
        "time_unknown",
        "timezone",
        "region",
    ),
    "time_unknown": ("time_unknown",),
    "venue_id": ("venue", "new_venue_name", "new_venue_address", "new_venue_city"),
    "election_id": ("election",),
    "visibility": ("visibility",),
    "source_note": ("source_note",),
}
# Text fields that keep their line breaks; every other text is one line.
MULTILINE = frozenset({"summary", "source_note"})


def one_line(value: str | None) -> str | None:
    """A one-line value as stored: whitespace runs become one space, none at the ends."""
    value = " ".join((value or "").split())
    return value or None


def multi_line(value: str | None) -> str | None:
    """A multi-line value as stored: line breaks as LF, no whitespace at the ends."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return value or None


def _check_chosen_venue(form: Any, errors: dict[str, str]) -> None:
    """A new address or city beside a chosen venue must be that venue's, or it is refused."""
    venue = db.session.get(Venue, form.venue.data) if form.venue.data else None
    address = one_line(form.new_venue_address.data)
    city_id = form.new_venue_city.data
    if venue is None or not (address or city_id):
        return
    if (address and address != one_line(venue.address)) or (city_id and city_id != venue.city_id):
        errors["new_venue_name"] = _(
            "Alamat dan kota di sini untuk tempat baru: isi namanya (dan kosongkan tempat "
            "yang sudah ada), atau kosongkan alamat dan kotanya."
        )


def _inline_venue(form: Any, errors: dict[str, str]) -> int | None:
    """The chosen venue's id, or the new venue typed in (found or created)."""
    name = one_line(form.new_venue_name.data)
    if not name:
        _check_chosen_venue(form, errors)
        return form.venue.data
    if form.venue.data:
        errors["new_venue_name"] = _(
            "Pilih tempat yang sudah ada atau isi tempat baru, jangan keduanya."
        )
        return form.venue.data
    city = db.session.get(Region, form.new_venue_city.data) if form.new_venue_city.data else None
    address = one_line(form.new_venue_address.data)
    known = db.session.execute(
        db.select(Venue).filter_by(name=name, city_id=city.id if city else None)
    ).scalar_one_or_none()
    if known is not None and address and known.address and one_line(known.address) != address:
        # Reusing the known venue would drop the address typed here.
        errors["new_venue_address"] = _(
            "Tempat ini sudah tercatat dengan alamat '%(address)s'; pilih dari daftar tempat "
            "yang sudah ada, atau betulkan alamatnya.",
            address=known.address,
        )
        return None
    return ops.find_or_create_venue(name, city, address=address).id


def keep_stored(record: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Keep a stored text the form only re-normalised: an edit changes what was changed.

    Text saved before (an import, an older form) may hold spaces or line breaks the
    form would tidy; unless the editor changed it, it stays as it was.
    """
    for key, value in values.items():
        stored = getattr(record, key, None)
        if isinstance(stored, str) and isinstance(value, str | None):
            tidy = multi_line(stored) if key in MULTILINE else one_line(stored)
            if tidy == value:
                values[key] = stored
    return values


def meeting_values(form: Any, errors: dict[str, str]) -> dict[str, Any]:
    """Field values for create_meeting / update_meeting; creates an inline venue.

    Problems go into ``errors`` (form field names), so the caller reports them with
    every other error of the same save.
    """
    region = db.session.get(Region, form.region.data) if form.region.data else None
    tz_name = form.timezone.data or (region.timezone if region else None)
    if tz_name is None:
        errors["region"] = _("Wilayah wajib dipilih.")
    starts_at, ends_at = form_span(form, tz_name)
    return {
        "title": one_line(form.title.data),
        "kind": form.kind.data,
        "theme": one_line(form.theme.data),
        "summary": multi_line(form.summary.data),
        "region_id": form.region.data,
        "timezone": tz_name,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_unknown": bool(form.time_unknown.data),
        "venue_id": _inline_venue(form, errors),
        "election_id": form.election.data,
        "visibility": form.visibility.data,
        "source_note": multi_line(form.source_note.data),
    }


def form_span(form: Any, tz_name: str | None) -> tuple[datetime | None, datetime | None]:
    """Start and end of the form's dates and times (a meeting without hours: local days).

    An all-day meeting's end is its last day's midnight (None for one day), as the
    importer stores it; a timed end is the end time on the end day.
    """
    first = form.start_date.data
    if first is None or tz_name is None:
        return None, None
    last = form.end_date.data or first
    unknown = bool(form.time_unknown.data)
    starts_at = ops.local_datetime(first, None if unknown else form.start_time.data, tz_name)
    if unknown:
        ends_at = ops.local_datetime(last, None, tz_name) if last > first else None
    elif form.end_time.data is not None:
        ends_at = ops.local_datetime(last, form.end_time.data, tz_name)
    else:
        ends_at = None
    return starts_at, ends_at


def _same(typed: Any, loaded: Any) -> bool:
    """Whether a field still holds its loaded value, as the form shows it."""
    if isinstance(typed, time) or isinstance(loaded, time):
        shown = [v.strftime("%H:%M") if isinstance(v, time) else v for v in (typed, loaded)]
        return shown[0] == shown[1]
    if typed in ("", None, []) and loaded in ("", None, []):
        return True
    return bool(typed == loaded)


def keep_untouched(meeting: Meeting, form: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Keep each stored value whose form fields the editor left as loaded.

    So a three-day meeting keeps its end when only the title changes, and a stored
    start with seconds is not cut to minutes; the version check means the loaded
    values are the meeting's values now.
    """
    loaded = meeting_form_data(meeting)
    names = {name for sources in SOURCES.values() for name in sources}
    untouched = {name for name in names if _same(form[name].data, loaded.get(name))}
    for key, fields in SOURCES.items():
        if untouched.issuperset(fields):
            values[key] = getattr(meeting, key)
    return values


def postpone_span(meeting: Meeting, form: Any) -> tuple[datetime | None, datetime | None]:
    """The new start and end a postpone form asks for; a blank end keeps the duration."""
    starts_at, ends_at = form_span(form, meeting.timezone)
    if starts_at is None or form.end_date.data or form.end_time.data:
        return starts_at, ends_at
    return starts_at, _kept_end(meeting, starts_at, bool(form.time_unknown.data))


def _kept_end(meeting: Meeting, starts_at: datetime, unknown: bool) -> datetime | None:
    """The end that keeps the meeting's length (its days, or its hours) from a new start."""
    start, end = meeting.local_start, meeting.local_end
    if end is None:
        return None
    if not unknown and not meeting.time_unknown:
        return starts_at + (end - start)
    days = (end.date() - start.date()).days
    if unknown and days > 0:
        return ops.local_datetime(starts_at.date() + timedelta(days=days), None, meeting.timezone)
    return None  # one day, or an all-day meeting given hours: no end hour is known
