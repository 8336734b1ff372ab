"""The DESCRIPTION of a meeting's VEVENT: status, theme, chair, speakers and agencies in words."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import get_locale

from tracker.calendar.records import Participant, record_from
from tracker.calendar.settings import CalendarSettings
from tracker.i18n import gettext as _
from tracker.labels import MEETING_KIND_LABELS


@dataclass(frozen=True)
class Phrases:
    """The translated sentence templates of DESCRIPTION, looked up once per build."""

    cancelled: str
    postponed: str
    theme: str
    no_hour: str
    no_end: str
    chair: str
    speakers: str
    agencies: str
    source_note: str
    details: str
    represented: str
    kinds: dict[str, str]


_PHRASES: dict[str, Phrases] = {}


def phrases() -> Phrases:
    """The templates in the current locale (gettext without variables: unformatted)."""
    locale = str(get_locale() or "")
    found = _PHRASES.get(locale)
    if found is None:
        found = _PHRASES[locale] = Phrases(
            cancelled=_("Rapat ini DIBATALKAN."),
            postponed=_("Rapat ini ditunda ke waktu di atas."),
            theme=_("Tema: %(theme)s"),
            no_hour=_("Jam rapat tidak disebutkan dalam sumber."),
            no_end=_("Waktu selesai tidak disebutkan; durasi di kalender hanya perkiraan."),
            chair=_("Pimpinan rapat: %(name)s"),
            speakers=_("Pemateri: %(names)s"),
            agencies=_("Instansi: %(names)s"),
            source_note=_("Catatan sumber: %(note)s"),
            details=_("Rincian: %(url)s"),
            represented=_("diwakili %(name)s"),
            kinds={k: str(v) for k, v in MEETING_KIND_LABELS.items()},
        )
    return found


def _participant(p: Participant, words: Phrases) -> str:
    text = p.position or p.label
    if p.person_name is not None and p.person_name not in text:
        text += f" ({p.person_display})"
    if p.represented_by:
        text += " — " + words.represented % {"name": p.represented_by}
    return text


def describe(meeting: Any, settings: CalendarSettings, words: Phrases | None = None) -> str:
    """The plain-text DESCRIPTION: status, theme, chair, speakers, agencies, source note."""
    record = record_from(meeting)
    words = words or phrases()
    lines: list[str] = []
    reason = record.status_reason
    if record.status == "cancelled":
        lines.append(words.cancelled + (f" {reason}" if reason else ""))
    elif record.status == "postponed":
        lines.append(words.postponed + (f" {reason}" if reason else ""))
    if record.theme:
        lines.append(words.theme % {"theme": record.theme})
    if record.summary:
        lines.append(record.summary)
    if record.time_unknown:
        lines.append(words.no_hour)
    elif record.ends_at is None:
        lines.append(words.no_end)
    people = record.participants
    if people:
        chair = next((p for p in people if "chair" in p.roles), None)
        if chair is not None:
            lines.append(words.chair % {"name": _participant(chair, words)})
        speakers = [p for p in people if "speaker" in p.roles]
        if speakers:
            names = "; ".join(_participant(p, words) for p in speakers)
            lines.append(words.speakers % {"names": names})
        agencies: list[str] = []
        for p in people:
            if p.agency_name is not None and p.agency_name not in agencies:
                agencies.append(p.agency_name)
        if agencies:
            lines.append(words.agencies % {"names": ", ".join(agencies)})
    if record.source_note:
        lines.append(words.source_note % {"note": record.source_note})
    lines.append(words.details % {"url": settings.meeting_url(record.id)})
    return "\n".join(lines)
