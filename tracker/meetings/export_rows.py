"""The columns and rows of the meeting-list downloads (XLSX and CSV).

Labels follow the visitor's language; the stored codes ride along in extra columns
(``kind_code``, ``role_code`` ...) so a spreadsheet can filter on either. Times are
the meeting's own local times, with the zone beside them; a meeting known only by
its day has empty time cells. Nothing here queries.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, time
from typing import Any

from flask import url_for

from tracker.exports import Column
from tracker.formatting import zone_label
from tracker.i18n import gettext as _
from tracker.labels import MEETING_KIND_LABELS, ROLE_LABELS, ROLE_ORDER, STATUS_LABELS
from tracker.meetings.queries import attendance_label, countdown_days
from tracker.models import Meeting, Participation, PressRelease

LIST_SEPARATOR = "\n"  # several sentences or links in one cell, one a line


def _when(meeting: Meeting) -> list[date | time | None]:
    """Local date, start time, end date, end time (times empty when unknown)."""
    start, end = meeting.local_start, meeting.local_end
    known = not meeting.time_unknown
    return [
        start.date(),
        start.time() if known else None,
        end.date() if end is not None else None,
        end.time() if end is not None and known else None,
    ]


def _place(meeting: Meeting) -> list[str]:
    """Province and regency/city (empty for a meeting held at province level)."""
    region = meeting.region
    if region.kind == "province" or region.parent is None:
        return [region.name, ""]
    return [region.parent.name, region.name]


def _when_columns() -> list[Column]:
    return [
        Column(_("Tanggal"), "date"),
        Column(_("Mulai"), "time"),
        Column(_("Tanggal selesai"), "date"),
        Column(_("Selesai"), "time"),
        Column(_("Zona"), width=7),
        Column(_("Provinsi"), width=20),
        Column(_("Kabupaten/kota"), width=20),
    ]


def release_link(release: PressRelease) -> str:
    """Where a press release can be read: its own address, else its page here."""
    return release.url or url_for("press.detail", release_id=release.id, _external=True)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def meeting_columns() -> list[Column]:
    """The meeting list as a sheet: one row per meeting."""
    return [
        Column(_("Judul"), width=40),
        *_when_columns(),
        Column(_("Jenis rapat"), width=20),
        Column(_("Status"), width=12),
        Column(_("Tempat"), width=28),
        Column(_("Pemilihan"), width=16),
        Column(_("Hari ke pemungutan suara"), "int", width=10),
        Column(_("Pimpinan rapat"), width=28),
        Column(_("Instansi peserta"), width=40),
        Column(_("Sumber (URL)"), width=40, wrap=True),
        Column(_("Tautan rapat"), width=36),
        Column("meeting_id", "int"),
        Column("kind_code", width=16),
        Column("status_code", width=12),
        Column("region_code", width=10),
        Column("election_code", width=16),
    ]


def _chair(meeting: Meeting) -> str:
    chair = meeting.chair
    if chair is None:
        return ""
    return f"{chair.label} ({chair.position})" if chair.position else chair.label


def meeting_row(meeting: Meeting) -> list[Any]:
    """One meeting as a row of ``meeting_columns``."""
    election = meeting.election
    return [
        meeting.title,
        *_when(meeting),
        zone_label(meeting.timezone),
        *_place(meeting),
        str(MEETING_KIND_LABELS.get(meeting.kind, meeting.kind)),
        str(STATUS_LABELS.get(meeting.status, meeting.status)),
        meeting.venue.name if meeting.venue else "",
        election.name if election else "",
        countdown_days(meeting),
        _chair(meeting),
        "; ".join(_unique(p.label for p in meeting.participations)),
        LIST_SEPARATOR.join(_unique(release_link(c.press_release) for c in meeting.coverages)),
        url_for("meetings.detail", meeting_id=meeting.id, _external=True),
        meeting.id,
        meeting.kind,
        meeting.status,
        meeting.region.code,
        election.slug if election else "",
    ]


def meeting_rows(meetings: Iterable[Meeting]) -> Iterator[list[Any]]:
    """The rows of ``meeting_columns``, one at a time."""
    return (meeting_row(m) for m in meetings)


def attendance_columns() -> list[Column]:
    """The long attendance sheet: one row per participation in a meeting."""
    return [
        Column(_("Judul rapat"), width=40),
        *_when_columns(),
        Column(_("Instansi"), width=24),
        Column(_("Orang"), width=28),
        Column(_("Jabatan"), width=28),
        Column(_("Peran"), width=16),
        Column(_("Kehadiran"), width=16),
        Column(_("Diwakili oleh"), width=24),
        Column(_("Kalimat bukti"), width=60, wrap=True),
        Column(_("Sumber (URL)"), width=40, wrap=True),
        Column(_("Jenis rapat"), width=20),
        Column(_("Status"), width=12),
        Column(_("Tautan rapat"), width=36),
        Column("meeting_id", "int"),
        Column("agency_code", width=16),
        Column("role_code", width=14),
        Column("attendance_code", width=14),
        Column("kind_code", width=16),
        Column("status_code", width=12),
        Column("region_code", width=10),
    ]


def attendance_row(p: Participation) -> list[Any]:
    """One participation as a row of ``attendance_columns``."""
    meeting = p.meeting
    roles = [r for r in ROLE_ORDER if r in p.roles]
    # As on the public meeting page: the sentences themselves, never the release's text.
    sentences = _unique(e.sentence.strip() for e in p.evidence)
    return [
        meeting.title,
        *_when(meeting),
        zone_label(meeting.timezone),
        *_place(meeting),
        p.agency.short_name if p.agency else (p.collective_label or ""),
        p.person.display_name if p.person else "",
        p.position or "",
        ", ".join(str(ROLE_LABELS[r]) for r in roles),
        attendance_label(p.attendance, meeting.status),
        p.represented_by or "",
        LIST_SEPARATOR.join(sentences),
        LIST_SEPARATOR.join(_unique(release_link(e.press_release) for e in p.evidence)),
        str(MEETING_KIND_LABELS.get(meeting.kind, meeting.kind)),
        str(STATUS_LABELS.get(meeting.status, meeting.status)),
        url_for("meetings.detail", meeting_id=meeting.id, _external=True),
        meeting.id,
        p.agency.slug if p.agency else "",
        ";".join(roles),
        p.attendance,
        meeting.kind,
        meeting.status,
        meeting.region.code,
    ]


def attendance_rows(participations: Iterable[Participation]) -> Iterator[list[Any]]:
    """The rows of ``attendance_columns``, one at a time."""
    return (attendance_row(p) for p in participations)
