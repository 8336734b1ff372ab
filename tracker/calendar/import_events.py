"""Each VEVENT of an imported file, checked and read into meeting fields before any write."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from icalendar import Calendar, Event

from tracker.calendar.ical import CANCELLED_PREFIX
from tracker.calendar.import_times import Context, Refused, event_times
from tracker.calendar.plaintext import html_to_text
from tracker.calendar.prescan import Block, ImportProblem, ImportRejected, refuse
from tracker.extensions import db
from tracker.i18n import gettext as _
from tracker.models import Meeting, Venue
from tracker.validation import clean_text, max_length

# The column each imported text goes to (its length is the staff form's limit), and
# whether its line breaks are kept.
TEXT_PROPERTIES = {
    "SUMMARY": (Meeting.title, False),
    "DESCRIPTION": (Meeting.summary, True),
    "LOCATION": (Venue.name, False),
}
# UIDs longer than the column (Outlook/Exchange write ~112 characters) are stored as a
# digest of the UID: the same UID always finds the same meeting again.
MAX_UID = 1000
UID_DIGEST = "sha256-"
# What calendars put before the title of a cancelled event (Outlook: "Canceled: ").
CANCEL_PREFIXES = ("canceled:", "cancelled:", "dibatalkan:", CANCELLED_PREFIX.strip().lower())


@dataclass
class Entry:
    """One checked VEVENT, ready to write."""

    uid: str
    block: Block
    values: dict[str, Any]
    cancelled: bool
    location: str | None = None
    geo: Any = None
    # A cancellation that names no time or title: only an existing meeting can take it.
    cancel_only: bool = False


def _text(event: Event, name: str) -> str | None:
    """A text property without invisible characters, within its column's length."""
    value = event.get(name)
    if value is None:
        return None
    column, multiline = TEXT_PROPERTIES[name]
    raw = str(value)
    if multiline:
        # Google writes descriptions as HTML (<b>, <br>, links): keep only their text.
        raw = html_to_text(raw)
    text = clean_text(raw, multiline=multiline)
    limit = max_length(column)
    if len(text) > limit:
        raise Refused(name, _("%(name)s paling panjang %(max)d karakter.", name=name, max=limit))
    return text or None


def stored_uid(uid: str) -> str:
    """The UID a meeting keeps: the event's own, or its digest when longer than the column."""
    if len(uid) <= max_length(Meeting.uid):
        return uid
    return UID_DIGEST + hashlib.sha256(uid.encode("utf-8")).hexdigest()


def _uid(event: Event, seen: dict[str, int], block: Block) -> str:
    """The event's UID, refused when missing, too long or used before in the file."""
    value = event.get("UID")
    uid = clean_text(str(value)) if value is not None else ""
    if not uid:
        raise Refused("UID", _("VEVENT tanpa UID."))
    if len(uid) > MAX_UID:
        raise Refused(
            "UID", _("%(name)s paling panjang %(max)d karakter.", name="UID", max=MAX_UID)
        )
    if uid in seen:
        raise Refused("UID", _("UID ganda; sudah dipakai di baris %(line)s.", line=seen[uid]))
    seen[uid] = block.line("UID")
    return uid


def _title(event: Event, cancelled: bool) -> str | None:
    """SUMMARY without the word a calendar puts before a cancelled event's title."""
    title = _text(event, "SUMMARY")
    if title is None:
        return None
    prefixes = CANCEL_PREFIXES if cancelled else CANCEL_PREFIXES[-1:]
    lowered = title.lower()
    for prefix in prefixes:
        if lowered.startswith(prefix):
            return title[len(prefix) :].strip() or None
    return title


def _entry(event: Event, uid: str, block: Block, context: Context) -> Entry:
    """The meeting fields an event carries (region, kind and election come from the form)."""
    status = str(event.get("STATUS", "")).upper()
    cancelled = context.cancel or status == "CANCELLED"
    values: dict[str, Any] = {}
    title = _title(event, cancelled)
    if title is not None:
        values["title"] = title
    elif not cancelled:
        raise Refused("SUMMARY", _("SUMMARY (judul) wajib ada."))
    if not cancelled or event.get("DTSTART") is not None:
        values.update(event_times(event, context))
    description = _text(event, "DESCRIPTION")
    if description is not None:
        values["summary"] = description
    if str(event.get("CLASS", "")).upper() in ("PRIVATE", "CONFIDENTIAL"):
        # Never publish what the source marked private.
        values["visibility"] = "internal"
    entry = Entry(stored_uid(uid), block, values, cancelled, _text(event, "LOCATION"))
    entry.geo = event.get("GEO")
    entry.cancel_only = "title" not in values or "starts_at" not in values
    return entry


def parse_calendar(text: str, blocks: list[Block]) -> tuple[Calendar, list[Event]]:
    """The calendar and its VEVENTs, from the pre-scanned text, parsed by icalendar."""
    try:
        calendar = Calendar.from_ical(text)
    except ValueError as error:
        raise refuse(1, str(error)) from error
    events = calendar.events
    if len(events) != len(blocks):
        raise refuse(1, _("Susunan VEVENT tidak terbaca."))
    if not events:
        raise refuse(1, _("Berkas tidak berisi satu pun VEVENT."))
    return calendar, events


def _unknown_targets(entries: list[Entry]) -> list[ImportProblem]:
    """Cancellations without a time or title whose meeting does not exist (yet)."""
    wanted = [e for e in entries if e.cancel_only]
    if not wanted:
        return []
    uids = [e.uid for e in wanted]
    known = set(db.session.execute(db.select(Meeting.uid).where(Meeting.uid.in_(uids))).scalars())
    reason = _(
        "Pembatalan untuk rapat yang belum tercatat; tanpa DTSTART dan SUMMARY "
        "rapatnya tidak dapat dibuat."
    )
    return [ImportProblem(e.block.begin, reason) for e in wanted if e.uid not in known]


def check_events(events: list[Event], blocks: list[Block], context: Context) -> list[Entry]:
    """Check every event before anything is written; raise with every problem and its line."""
    problems: list[ImportProblem] = []
    entries: list[Entry] = []
    seen: dict[str, int] = {}
    for event, block in zip(events, blocks, strict=True):
        bad = [
            ImportProblem(block.line(n), _("Nilai %(name)s tidak sah: %(why)s", name=n, why=w))
            for n, w in event.errors
        ]
        try:
            uid = _uid(event, seen, block)
            if not bad:
                entries.append(_entry(event, uid, block, context))
        except Refused as refused:
            bad.append(ImportProblem(block.line(refused.prop), refused.reason))
        problems.extend(bad)
    problems.extend(_unknown_targets(entries))
    if problems:
        raise ImportRejected(problems)
    return entries
