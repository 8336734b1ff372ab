"""A meeting's change history, readable: labels instead of codes, names instead of ids.

The staff history page uses it, and the public history page groups it into edits
(tracker/meetings/public_history.py); only staff see who.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask.sansio.app import App

from tracker.extensions import db
from tracker.formatting import format_day, format_local, zone_label
from tracker.i18n import gettext as _
from tracker.labels import (
    ATTENDANCE_LABELS,
    CHANGE_ACTION_LABELS,
    CHANGE_FIELD_LABELS,
    COVERAGE_LABELS,
    MEETING_KIND_LABELS,
    ROLE_LABELS,
    STATUS_LABELS,
    VISIBILITY_LABELS,
)
from tracker.models import (
    Agency,
    ChangeLog,
    Election,
    Meeting,
    Participation,
    Person,
    PressRelease,
    Region,
    Venue,
)

# Bookkeeping that means nothing to a reader.
HIDDEN_FIELDS = frozenset({"sequence", "merged_agency_id"})
_CODE_LABELS = {
    "kind": MEETING_KIND_LABELS,
    "status": STATUS_LABELS,
    "visibility": VISIBILITY_LABELS,
    "attendance": ATTENDANCE_LABELS,
    "relation": COVERAGE_LABELS,
}
# The records a change can point at by id, shown by name.
Named = Agency | Venue | Region | Election | Person | PressRelease
_REFERENCES: dict[str, type[Named]] = {
    "agency_id": Agency,
    "venue_id": Venue,
    "region_id": Region,
    "election_id": Election,
    "person_id": Person,
    "press_release_id": PressRelease,
}
_TIME_FIELDS = frozenset({"starts_at", "ends_at"})


@dataclass
class FieldChange:
    """One field's value before and after, ready to show."""

    field: str
    label: str
    before: str
    after: str


@dataclass
class HistoryEntry:
    """One change-log entry, ready to show."""

    id: int
    at: datetime
    when: str
    action: str
    subject: str | None
    actor: str | None
    changes: list[FieldChange] = field(default_factory=list)
    # What the public history groups by: the save that wrote it, and by whom.
    batch: str | None = None
    user_id: int | None = None
    entity: str = ""
    verb: str = ""


def _name(obj: Named) -> str:
    if isinstance(obj, Agency):
        return obj.short_name
    if isinstance(obj, Person):
        return obj.display_name
    if isinstance(obj, PressRelease):
        return f"{obj.title} ({obj.outlet})"
    if isinstance(obj, Venue):
        return obj.name
    return str(getattr(obj, "name", obj))


def _lookups(entries: Iterable[ChangeLog]) -> dict[str, dict[int, str]]:
    """Load the names of every record the entries point at, one query per kind."""
    wanted: dict[str, set[int]] = {key: set() for key in _REFERENCES}
    participation_ids: set[int] = set()
    for entry in entries:
        if entry.entity == "participation":
            participation_ids.add(entry.entity_id)
        for key, pair in (entry.changes or {}).items():
            if key in wanted:
                wanted[key].update(v for v in pair if isinstance(v, int))
    names: dict[str, dict[int, str]] = {}
    for key, ids in wanted.items():
        model = _REFERENCES[key]
        rows: Iterable[Named] = (
            db.session.execute(db.select(model).where(model.id.in_(ids))).scalars() if ids else []
        )
        names[key] = {row.id: _name(row) for row in rows}
    participations: Iterable[Participation] = (
        db.session.execute(
            db.select(Participation).where(Participation.id.in_(participation_ids))
        ).scalars()
        if participation_ids
        else []
    )
    names["participation"] = {p.id: p.label for p in participations}
    return names


def _show(
    key: str,
    value: Any,
    meeting: Meeting,
    names: dict[str, dict[int, str]],
    time_unknown: bool = False,
) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if key in _TIME_FIELDS and isinstance(value, str):
        return _moment(value, meeting.timezone, time_unknown)
    if key in _REFERENCES and isinstance(value, int):
        return names[key].get(value, _("(dihapus, #%(id)d)", id=value))
    if key in _CODE_LABELS:
        return str(_CODE_LABELS[key].get(value, value))
    if key == "roles" and isinstance(value, list):
        return ", ".join(str(ROLE_LABELS.get(r, r)) for r in value) or "—"
    if key == "timezone":
        return f"{zone_label(value)} ({value})"
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _moment(value: str, tz_name: str, time_unknown: bool) -> str:
    """A start or end as the meeting showed it then: the date alone when no hour was stated."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if time_unknown:
        local = moment.astimezone(ZoneInfo(tz_name))
        return f"{format_day(local.date())} ({zone_label(tz_name)})"
    return format_local(moment, tz_name)


def _time_unknown_states(entries: list[ChangeLog], meeting: Meeting) -> list[tuple[bool, bool]]:
    """Whether the hour was unknown before and after each entry, walking the log in order.

    The first entry that sets the flag says what it was before; with none, it never
    changed and is what the meeting says today.
    """
    pairs = [
        pair if isinstance(pair, list) and len(pair) == 2 else None
        for pair in (
            (e.changes or {}).get("time_unknown") if e.entity == "meeting" else None
            for e in entries
        )
    ]
    first = next((p for p in pairs if p is not None), None)
    state = bool(first[0]) if first is not None else bool(meeting.time_unknown)
    states = []
    for pair in pairs:
        before = state
        if pair is not None:
            before, state = bool(pair[0]), bool(pair[1])
        states.append((before, state))
    return states


def _subject(entry: ChangeLog, names: dict[str, dict[int, str]]) -> str | None:
    """Which participant or release an entry is about, for entries below the meeting."""
    if entry.entity == "participation":
        current = names["participation"].get(entry.entity_id)
        if current:
            return current
        changes = entry.changes or {}
        for key in ("agency_id", "person_id"):
            value = next((v for v in changes.get(key, []) if isinstance(v, int)), None)
            if value is not None:
                return names[key].get(value)
        label = next((v for v in changes.get("collective_label", []) if v), None)
        return label
    if entry.entity in ("coverage", "evidence"):
        pair = (entry.changes or {}).get("press_release_id", [])
        value = next((v for v in pair if isinstance(v, int)), None)
        return names["press_release_id"].get(value) if value is not None else None
    return None


def meeting_history(
    meeting: Meeting, include_actor: bool = True, since_id: int | None = None
) -> list[HistoryEntry]:
    """Every change-log entry about a meeting, oldest first, made readable.

    ``since_id`` keeps only entries after that one (what changed while an editor
    had the form open).
    """
    stmt = (
        db.select(ChangeLog)
        .where(ChangeLog.meeting_id == meeting.id)
        .options(db.selectinload(ChangeLog.user))
        .order_by(ChangeLog.at, ChangeLog.id)
    )
    if since_id is not None:
        stmt = stmt.where(ChangeLog.id > since_id)
    entries = list(db.session.execute(stmt).scalars())
    names = _lookups(entries)
    states = _time_unknown_states(entries, meeting)
    history = []
    for entry, (unknown_before, unknown_after) in zip(entries, states, strict=True):
        fields = [
            FieldChange(
                key,
                str(CHANGE_FIELD_LABELS.get(key, key)),
                _show(key, pair[0], meeting, names, unknown_before),
                _show(key, pair[1], meeting, names, unknown_after),
            )
            for key, pair in (entry.changes or {}).items()
            if key not in HIDDEN_FIELDS and isinstance(pair, list) and len(pair) == 2
        ]
        action = CHANGE_ACTION_LABELS.get((entry.entity, entry.action))
        history.append(
            HistoryEntry(
                id=entry.id,
                at=entry.at,
                when=format_local(entry.at, meeting.timezone),
                action=str(action) if action else f"{entry.entity}: {entry.action}",
                subject=_subject(entry, names),
                actor=(entry.user.name if entry.user else _("sistem")) if include_actor else None,
                changes=fields,
                batch=entry.batch,
                user_id=entry.user_id,
                entity=entry.entity,
                verb=entry.action,
            )
        )
    return history


def public_meeting_history(meeting: Meeting) -> list[HistoryEntry]:
    """When and what changed on a public meeting, without who; nothing for internal ones."""
    if meeting is None or meeting.visibility != "public":
        return []
    return meeting_history(meeting, include_actor=False)


def register(app: App) -> None:
    """Let the public meeting page's history partial call the helper."""
    app.add_template_global(public_meeting_history, "public_meeting_history")
