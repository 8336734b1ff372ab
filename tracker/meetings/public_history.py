"""A public meeting's history edit by edit: plain sentences, internal fields left out, never who.

An edit is what one save wrote (the change log's ``batch``). Entries logged before
batches were kept are grouped by author and time: one user within one second.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tracker.formatting import format_local
from tracker.i18n import gettext as _
from tracker.i18n import ngettext
from tracker.meetings.history import HistoryEntry, meeting_history
from tracker.meetings.operations import MEETING_FIELDS, PARTICIPATION_FIELDS, STATUS_FIELDS
from tracker.models import Meeting

PER_PAGE = 50
_SAME_EDIT = timedelta(seconds=1)
# What a reader may see change; the rest (sequence, version, ids, order, calendar
# bookkeeping, merged ids, visibility, authors, stamps) stays on the staff page.
PUBLIC_FIELDS = (
    frozenset(MEETING_FIELDS + PARTICIPATION_FIELDS + STATUS_FIELDS)
    - {"visibility", "order", "sequence"}
) | {"relation"}
_STATUS_VERBS = frozenset({"postpone", "cancel", "held"})


@dataclass
class Edit:
    """One save: when, and what it changed in sentences."""

    at: datetime
    when: str = ""
    created: bool = False
    lines: list[str] = field(default_factory=list)
    evidence: dict[str, int] = field(default_factory=dict)


@dataclass
class EditPage:
    """One page of edits, shaped for the pagination macro."""

    items: list[Edit]
    page: int
    pages: int

    @property
    def has_prev(self) -> bool:  # noqa: D102
        return self.page > 1

    @property
    def has_next(self) -> bool:  # noqa: D102
        return self.page < self.pages

    @property
    def prev_num(self) -> int:  # noqa: D102
        return self.page - 1

    @property
    def next_num(self) -> int:  # noqa: D102
        return self.page + 1


@dataclass
class HistoryNote:
    """The meeting page's one line: when it last changed and how many edits since it was logged."""

    at: datetime
    when: str
    changes: int


def _changed(entry: HistoryEntry) -> list[str]:
    return [f"{c.label}: {c.before} → {c.after}" for c in entry.changes if c.field in PUBLIC_FIELDS]


def _participant_lines(entry: HistoryEntry) -> list[str]:
    name = entry.subject or _("(peserta)")
    if entry.verb == "create":
        roles = next((c.after for c in entry.changes if c.field == "roles"), "—")
        text = _("Peserta ditambahkan: %(name)s", name=name)
        return [text + (f" ({roles})" if roles != "—" else "")]
    if entry.verb == "delete":
        return [_("Peserta dihapus: %(name)s", name=name)]
    changed = _changed(entry)
    return [f"{entry.action}: {name} — " + "; ".join(changed)] if changed else []


def _lines(entry: HistoryEntry) -> list[str]:
    """What one change-log entry says to a reader (nothing for bookkeeping alone)."""
    if entry.entity == "meeting":
        if entry.verb == "create":
            return [_("Rapat dicatat")]
        return ([entry.action] if entry.verb in _STATUS_VERBS else []) + _changed(entry)
    if entry.entity == "participation":
        return _participant_lines(entry)
    source = entry.subject or _("(siaran pers)")
    if entry.entity == "coverage" and entry.verb == "create":
        return [_("Sumber ditambahkan: %(title)s", title=source)]
    if entry.entity == "coverage" and entry.verb == "delete":
        return [_("Sumber dilepas: %(title)s", title=source)]
    if entry.entity == "coverage":
        return [f"{entry.action}: " + "; ".join(_changed(entry))] if _changed(entry) else []
    return []


def _same_edit(first: HistoryEntry, entry: HistoryEntry) -> bool:
    if first.batch is not None or entry.batch is not None:
        return first.batch == entry.batch
    return first.user_id == entry.user_id and entry.at - first.at <= _SAME_EDIT


def _finish(edit: Edit, tz_name: str) -> Edit:
    edit.when = format_local(edit.at, tz_name)
    for source, count in edit.evidence.items():
        edit.lines.append(
            ngettext(
                "%(num)d kalimat bukti ditambahkan dari %(title)s",
                "%(num)d kalimat bukti ditambahkan dari %(title)s",
                count,
                title=source,
            )
        )
    return edit


def public_edits(meeting: Meeting) -> list[Edit]:
    """A public meeting's edits, newest first, each with at least one sentence."""
    if meeting.visibility != "public":
        return []
    edits: list[Edit] = []
    first: HistoryEntry | None = None
    for entry in meeting_history(meeting, include_actor=False):
        if first is None or not _same_edit(first, entry):
            first = entry
            edits.append(Edit(at=entry.at))
        edit = edits[-1]
        edit.at = max(edit.at, entry.at)
        edit.created = edit.created or (entry.entity, entry.verb) == ("meeting", "create")
        if entry.entity == "evidence":
            source = entry.subject or _("(siaran pers)")
            edit.evidence[source] = edit.evidence.get(source, 0) + 1
        else:
            edit.lines.extend(_lines(entry))
    kept = [_finish(e, meeting.timezone) for e in edits if e.lines or e.evidence]
    return kept[::-1]


def edit_page(meeting: Meeting, page: int) -> EditPage | None:
    """One page of a meeting's edits; None for a page that does not exist."""
    edits = public_edits(meeting)
    pages = max(1, -(-len(edits) // PER_PAGE))
    if page < 1 or page > pages:
        return None
    return EditPage(edits[(page - 1) * PER_PAGE : page * PER_PAGE], page, pages)


def history_note(meeting: Meeting) -> HistoryNote | None:
    """When the meeting last changed and how many edits followed its logging; None without a log."""
    edits = public_edits(meeting)
    if not edits:
        return None
    changes = sum(1 for e in edits if not e.created)
    return HistoryNote(at=edits[0].at, when=edits[0].when, changes=changes)
