"""Turn the staff meeting form into operations: the meeting, its venue and its rows.

Everything here flushes through the operations layer and never commits; on a
ValidationError the view rolls the whole save back, so a meeting is never left
half-written. Error keys are form field names, ready for ``apply_errors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import func

from tracker.agencies.picking import resolve_agency
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.meetings import operations as ops
from tracker.models import (
    Election,
    Meeting,
    Region,
    User,
    Venue,
)
from tracker.validation import ValidationError

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
PARTICIPATION_FIELD_MAP = {
    "agency_id": "agency_name",
    "person_id": "person_name",
    "person": "person_name",
}


def form_choices() -> dict[str, list[Any]]:
    """Choices for the meeting form's selects: venues and elections (regions: picker.py)."""
    venues = db.session.execute(
        db.select(Venue).options(db.selectinload(Venue.city)).order_by(Venue.name)
    ).scalars()
    elections = db.session.execute(
        db.select(Election).order_by(Election.polling_day.desc())
    ).scalars()
    return {
        "venues": [(v.id, f"{v.name}, {v.city.name}" if v.city else v.name) for v in venues],
        "elections": [(e.id, e.name) for e in elections],
    }


def meeting_form_data(meeting: Meeting) -> dict[str, Any]:
    """The form's initial values for editing a meeting, as it is now."""
    start = meeting.local_start
    end = meeting.local_end
    rows = [
        {
            "participation_id": str(p.id),
            "agency_id": str(p.agency_id or ""),
            "agency_name": p.agency.short_name if p.agency else "",
            "collective_label": p.collective_label or "",
            "person_name": p.person.name if p.person else "",
            "person_rank": (p.person.rank or "") if p.person else "",
            "position": p.position or "",
            "roles": sorted(p.roles),
            "attendance": p.attendance,
            "represented_by": p.represented_by or "",
            "topic": p.topic or "",
            "order": p.order,
        }
        for p in meeting.participations
    ]
    return {
        "version": str(meeting.version),
        "seen_change": str(latest_change_id(meeting.id)),
        "title": meeting.title,
        "kind": meeting.kind,
        "theme": meeting.theme,
        "summary": meeting.summary,
        "region": meeting.region_id,
        "start_date": start.date(),
        "start_time": None if meeting.time_unknown else start.time(),
        "end_date": end.date() if end is not None else start.date(),
        "end_time": end.time() if end is not None and not meeting.time_unknown else None,
        "time_unknown": meeting.time_unknown,
        "timezone": meeting.timezone,
        "venue": meeting.venue_id,
        "election": meeting.election_id,
        "visibility": meeting.visibility,
        "source_note": meeting.source_note,
        "participations": rows or [{}],
    }


def latest_change_id(meeting_id: int) -> int:
    """The id of the newest change-log entry about a meeting (0 if none)."""
    from tracker.models import ChangeLog

    newest = db.session.execute(
        db.select(func.max(ChangeLog.id)).where(ChangeLog.meeting_id == meeting_id)
    ).scalar_one()
    return int(newest or 0)


def _text(value: str | None) -> str | None:
    """A one-line value as stored: whitespace runs become one space, none at the ends."""
    value = " ".join((value or "").split())
    return value or None


def _lines(value: str | None) -> str | None:
    """A multi-line value as stored: line breaks as LF, no whitespace at the ends."""
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    return value or None


def _check_chosen_venue(form: Any, errors: dict[str, str]) -> None:
    """A new address or city beside a chosen venue must be that venue's, or it is refused."""
    venue = db.session.get(Venue, form.venue.data) if form.venue.data else None
    address = _text(form.new_venue_address.data)
    city_id = form.new_venue_city.data
    if venue is None or not (address or city_id):
        return
    if (address and address != _text(venue.address)) or (city_id and city_id != venue.city_id):
        errors["new_venue_name"] = _(
            "Alamat dan kota di sini untuk tempat baru: isi namanya (dan kosongkan tempat "
            "yang sudah ada), atau kosongkan alamat dan kotanya."
        )


def _inline_venue(form: Any, errors: dict[str, str]) -> int | None:
    """The chosen venue's id, or the new venue typed in (found or created)."""
    name = _text(form.new_venue_name.data)
    if not name:
        _check_chosen_venue(form, errors)
        return form.venue.data
    if form.venue.data:
        errors["new_venue_name"] = _(
            "Pilih tempat yang sudah ada atau isi tempat baru, jangan keduanya."
        )
        return form.venue.data
    city = db.session.get(Region, form.new_venue_city.data) if form.new_venue_city.data else None
    address = _text(form.new_venue_address.data)
    known = db.session.execute(
        db.select(Venue).filter_by(name=name, city_id=city.id if city else None)
    ).scalar_one_or_none()
    if known is not None and address and known.address and _text(known.address) != address:
        # Reusing the known venue would drop the address typed here.
        errors["new_venue_address"] = _(
            "Tempat ini sudah tercatat dengan alamat '%(address)s'; pilih dari daftar tempat "
            "yang sudah ada, atau betulkan alamatnya.",
            address=known.address,
        )
        return None
    return ops.find_or_create_venue(name, city, address=address).id


def _keep_stored(record: Any, values: dict[str, Any]) -> dict[str, Any]:
    """Keep a stored text the form only re-normalised: an edit changes what was changed.

    Text saved before (an import, an older form) may hold spaces or line breaks the
    form would tidy; unless the editor changed it, it stays as it was.
    """
    for key, value in values.items():
        stored = getattr(record, key, None)
        if isinstance(stored, str) and isinstance(value, str | None):
            tidy = _lines(stored) if key in MULTILINE else _text(stored)
            if tidy == value:
                values[key] = stored
    return values


def _meeting_values(form: Any, errors: dict[str, str]) -> dict[str, Any]:
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
        "title": _text(form.title.data),
        "kind": form.kind.data,
        "theme": _text(form.theme.data),
        "summary": _lines(form.summary.data),
        "region_id": form.region.data,
        "timezone": tz_name,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "time_unknown": bool(form.time_unknown.data),
        "venue_id": _inline_venue(form, errors),
        "election_id": form.election.data,
        "visibility": form.visibility.data,
        "source_note": _lines(form.source_note.data),
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


def _keep_untouched(meeting: Meeting, form: Any, values: dict[str, Any]) -> dict[str, Any]:
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


@dataclass
class _Row:
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


def _rows(form: Any, user: User | None) -> tuple[list[_Row], dict[str, str]]:
    """Read the non-blank participation rows, resolving agencies and people."""
    rows: list[_Row] = []
    errors: dict[str, str] = {}
    position = 0
    for index, entry in enumerate(form.participations.entries):
        row = entry.form
        if row.is_blank():
            continue
        values: dict[str, Any] = {
            "agency_id": None,
            "person_id": None,
            "collective_label": _text(row.collective_label.data),
            "position": _text(row.position.data),
            "roles": frozenset(row.roles.data or ()),
            "attendance": row.attendance.data,
            "represented_by": _text(row.represented_by.data),
            "topic": _text(row.topic.data),
            "order": row.order.data if row.order.data is not None else position,
        }
        position += 1
        failed = False
        try:
            if _text(row.agency_name.data):
                values["agency_id"] = resolve_agency(
                    row.agency_name.data,
                    row.agency_id.data,
                    form.start_date.data,
                    province_code=_province_code(form),
                    user=user,
                ).id
            if _text(row.person_name.data):
                values["person_id"] = ops.find_or_create_person(
                    row.person_name.data, _text(row.person_rank.data)
                ).id
        except ValidationError as error:
            errors.update(_prefixed(entry.name, error.errors))
            failed = True
        pid = row.participation_id.data
        rows.append(_Row(index, int(pid) if pid and pid.isdigit() else None, values, failed))
    return rows, errors


def _sync_participations(
    meeting: Meeting, rows: list[_Row], form: Any, user: User | None
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
                values = _keep_stored(participation, dict(row.values))
                ops.update_participation(participation, values, user)
            else:
                # A row whose participant was removed meanwhile is added again: it is
                # on the editor's form, so saving it is what they asked for.
                ops.add_participation(meeting, row.values, user)
        except ValidationError as error:
            errors.update(_prefixed(prefix, error.errors))
    return errors


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


def _check_rows(rows: list[_Row], form: Any) -> dict[str, str]:
    """The participation checks, for rows that have no meeting to join yet."""
    errors: dict[str, str] = {}
    for row in (r for r in rows if not r.failed):
        values = {"attendance": "unknown", "roles": frozenset(), **row.values}
        try:
            ops.validate_participation(values)
        except ValidationError as error:
            errors.update(_prefixed(form.participations.entries[row.index].name, error.errors))
    return errors


def create_from_form(form: Any, user: User | None) -> Meeting:
    """Create a meeting and its participations from the form.

    Every problem of the save (meeting, venue, rows) is raised in one ValidationError;
    it also runs on a form that failed validation, so all errors show in one round.
    """
    rows, errors = _rows(form, user)
    values = _meeting_values(form, errors)
    meeting = None
    try:
        meeting = ops.create_meeting(values, user)
    except ValidationError as error:
        errors = {**_meeting_errors(error), **errors}
    if meeting is None:  # create_meeting refused: check the rows without it
        raise ValidationError(_merged(errors, _check_rows(rows, form)))
    _raise_if(errors, _sync_participations(meeting, rows, form, user))
    return meeting


def update_from_form(meeting: Meeting, form: Any, user: User | None) -> None:
    """Save an edit; refuses (StaleMeetingError) if the meeting changed since the form loaded.

    Fields left as loaded keep their stored values; every error is raised at once.
    """
    expected = int(form.version.data) if (form.version.data or "").isdigit() else -1
    if expected != meeting.version:
        raise ops.StaleMeetingError(meeting, expected)
    rows, errors = _rows(form, user)
    values = _keep_stored(meeting, _keep_untouched(meeting, form, _meeting_values(form, errors)))
    try:
        ops.update_meeting(meeting, values, user, expected_version=expected)
    except ValidationError as error:
        errors = {**_meeting_errors(error), **errors}
        _raise_if(errors, _check_rows(rows, form))
    _raise_if(errors, _sync_participations(meeting, rows, form, user))
