"""How a meeting reads on its pages: participants by role, numbered evidence, labels."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext as _l
from tracker.labels import ATTENDANCE_LABELS, ROLE_ORDER
from tracker.models import Meeting, Participation

# A cancelled meeting's participants were expected, not there: never "Hadir".
PLANNED_LABELS = {
    "present": _l("Direncanakan hadir"),
    "represented": _l("Direncanakan diwakili"),
}


def primary_role(participation: Participation) -> str:
    """The most prominent of a participation's roles (attendee when none)."""
    return next((r for r in ROLE_ORDER if r in participation.roles), "attendee")


def participations_by_role(meeting: Meeting) -> list[tuple[str, list[Participation]]]:
    """Participations grouped by their most prominent role, in role order."""
    groups: dict[str, list[Participation]] = {role: [] for role in ROLE_ORDER}
    for p in meeting.participations:
        groups[primary_role(p)].append(p)
    return [(role, items) for role, items in groups.items() if items]


def evidence_by_release(participation: Participation) -> list[tuple[Any, list[str]]]:
    """A participation's supporting sentences grouped by press release."""
    grouped: dict[int, tuple[Any, list[str]]] = {}
    for item in participation.evidence:
        entry = grouped.setdefault(item.press_release_id, (item.press_release, []))
        entry[1].append(item.sentence)
    return list(grouped.values())


@dataclass(frozen=True)
class Quote:
    """A supporting sentence as shown: numbered, quoted in full only where first seen."""

    sentence: str
    number: int
    first: bool


def numbered_evidence(
    groups: list[tuple[str, list[Participation]]],
) -> dict[int, list[tuple[Any, list[Quote]]]]:
    """Each participation's sentences by release, numbered in page order.

    One sentence often supports many participants ("... dihadiri oleh A, B, C"); the
    page quotes it once and points back to it after that.
    """
    numbers: dict[tuple[int, str], int] = {}
    out: dict[int, list[tuple[Any, list[Quote]]]] = {}
    for _role, items in groups:
        for participation in items:
            if participation.id in out:
                continue
            shown = []
            for release, sentences in evidence_by_release(participation):
                quotes = []
                for sentence in sentences:
                    key = (release.id, sentence)
                    first = key not in numbers
                    if first:
                        numbers[key] = len(numbers) + 1
                    quotes.append(Quote(sentence, numbers[key], first))
                shown.append((release, quotes))
            out[participation.id] = shown
    return out


def countdown_days(meeting: Meeting) -> int | None:
    """Days from the meeting's local date to its election's polling day."""
    if meeting.election is None:
        return None
    return (meeting.election.polling_day - meeting.local_date).days


def countdown_label(meeting: Meeting) -> str | None:
    """'H-8 Pemilu 2024', 'Hari H Pemilu 2024' or 'H+2 Pemilu 2024' (None without election)."""
    days = countdown_days(meeting)
    if days is None or meeting.election is None:
        return None
    name = meeting.election.name
    if days == 0:
        return _("Hari H %(election)s", election=name)
    sign = "-" if days > 0 else "+"
    return f"H{sign}{abs(days)} {name}"


def attendance_label(attendance: str, status: str) -> str:
    """How a participant's attendance reads: as planned when the meeting was cancelled."""
    if status == "cancelled":
        return str(PLANNED_LABELS.get(attendance, ATTENDANCE_LABELS[attendance]))
    return str(ATTENDANCE_LABELS[attendance])
