"""Turn an extractor proposal into the pre-filled meeting form staff review."""

from __future__ import annotations

import re
from datetime import date, time
from typing import Any

from flask_wtf.file import FileField
from wtforms import DateField, FieldList, FormField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from tracker.agencies import picking
from tracker.formtools import StaffForm
from tracker.i18n import gettext as _
from tracker.i18n import lazy_gettext as _l
from tracker.meetings.forms import MeetingForm, ParticipationRowForm
from tracker.press import archive, hints, intake

TOO_LONG = _l("Paling panjang %(max)d karakter.")
# Largest paste or upload accepted: the same limit as a release file import-press reads.
MAX_BODY = intake.MAX_RELEASE_BYTES


class ReleaseFields:
    """The press-release fields shared by the paste form and the review form."""

    outlet = StringField(
        _l("Media atau penerbit"),
        validators=[DataRequired(message=_l("Wajib diisi.")), Length(max=160, message=TOO_LONG)],
    )
    url = StringField(
        _l("Alamat web"),
        validators=[Optional(), Length(max=1000, message=TOO_LONG)],
        description=_l(
            "Bila teks dikosongkan, halaman di alamat ini diambil dan arsipnya disimpan."
        ),
    )
    release_title = StringField(
        _l("Judul siaran pers"), validators=[Optional(), Length(max=400, message=TOO_LONG)]
    )
    published_date = DateField(
        _l("Tanggal terbit"),
        validators=[Optional()],
        description=_l("Membantu menebak tahun bila teks tidak menyebutnya."),
    )


class PasteForm(ReleaseFields, StaffForm):
    """Paste (or upload) a press release, or give its URL, to extract a meeting from it."""

    outlet = StringField(
        _l("Media atau penerbit"),
        validators=[Optional(), Length(max=160, message=TOO_LONG)],
        description=_l("Boleh kosong bila alamat web diisi: nama situsnya dipakai."),
    )

    body = TextAreaField(
        _l("Teks siaran pers"),
        validators=[Optional(), Length(max=MAX_BODY, message=TOO_LONG)],
        description=_l(
            "Tempel teks atau HTML halaman berita; menu dan tautan 'Baca juga' diabaikan."
        ),
    )
    upload = FileField(_l("Atau unggah berkas .txt/.html"))

    def validate_outlet(self, field: StringField) -> None:
        """The outlet may be left to the page only when the page is fetched."""
        if not (field.data or "").strip() and not (self.url.data or "").strip():
            raise ValidationError(_("Wajib diisi."))


class ReviewRowForm(ParticipationRowForm):
    """A participation row that carries the sentence supporting it."""

    evidence = TextAreaField(
        _l("Kalimat bukti"),
        validators=[Optional()],
        description=_l("Kalimat siaran pers yang menyebut peserta ini."),
    )


class ReviewForm(ReleaseFields, MeetingForm):
    """The proposed meeting, pre-filled, plus the release it came from."""

    body = HiddenField(validators=[DataRequired(message=_l("Isi siaran pers wajib diisi."))])
    release_id = HiddenField()
    # The publication instant the page's metadata gave (ISO), and the fetched snapshot.
    published_at = HiddenField()
    snapshot = HiddenField()
    participations = FieldList(FormField(ReviewRowForm), min_entries=1)


def sentence_with(body: str, *needles: str | None) -> str | None:
    """The first sentence of the body that contains every needle (case-insensitive)."""
    wanted = [n.lower() for n in needles if n]
    if not wanted:
        return None
    text = " ".join(body.split())
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“])", text):
        lowered = sentence.lower()
        if all(n in lowered for n in wanted):
            return sentence.strip()
    return None


def _date_needles(proposal: dict[str, Any]) -> list[str]:
    if not proposal.get("start_date"):
        return []
    stated = date.fromisoformat(proposal["start_date"])
    return [f"{stated.day}/{stated.month}", f"{stated.day} "]


def _evidence(proposal: dict[str, Any], field: str) -> str | None:
    """The extractor's own evidence sentence for a field, when it gives one."""
    value = (proposal.get("evidence") or {}).get(field)
    return value if isinstance(value, str) and value.strip() else None


def field_notes(proposal: dict[str, Any], body: str) -> dict[str, dict[str, Any]]:
    """Evidence, warnings and an uncertain mark to show beside each form field."""
    chair = proposal.get("chair") or {}
    date_sentence = _evidence(proposal, "start_date")
    for needle in [] if date_sentence else _date_needles(proposal):
        date_sentence = sentence_with(body, needle)
        if date_sentence:
            break
    found = {
        "start_date": date_sentence,
        "start_time": _evidence(proposal, "start_time")
        or (sentence_with(body, "pukul") if proposal.get("start_time") else None),
        "venue": _evidence(proposal, "venue_name")
        or sentence_with(body, proposal.get("venue_name")),
        "theme": _evidence(proposal, "theme") or sentence_with(body, proposal.get("theme")),
        "chair": _evidence(proposal, "chair")
        or (sentence_with(body, chair.get("name")) if chair.get("name") else None),
        "title": _evidence(proposal, "title"),
    }
    grouped = hints.by_section(proposal)
    sections = set(found) | set(grouped) | {"status", "region", "participations", "general"}
    fields = {"venue": "venue_name"}
    return {
        key: {
            "evidence": found.get(key),
            "warnings": grouped.get(key, []),
            "uncertain": hints.field_uncertain(proposal, fields.get(key, key)),
        }
        for key in sections
    }


def _participant_rows(
    proposal: dict[str, Any], resolved: intake.Resolved, body: str
) -> list[dict[str, Any]]:
    """One review row per proposed body (with its chair or speaker), then per group."""
    chair = proposal.get("chair") or {}
    speakers = {s["agency"]: s for s in proposal.get("speakers", []) if s.get("agency")}
    rows: list[dict[str, Any]] = []
    for order, (item, agency) in enumerate(resolved.agencies):
        name = item.get("name")
        is_chair = chair.get("agency") == name
        speaker = speakers.get(name or "", {})
        rows.append(
            {
                "agency_name": picking.short_name(agency) if agency else "",
                "agency_id": picking.choice_value(agency) if agency else "",
                "collective_label": "" if agency else (name or ""),
                "person_name": speaker.get("name") or (chair.get("name") if is_chair else "") or "",
                "position": speaker.get("position")
                or (chair.get("position") if is_chair else "")
                or "",
                "roles": list(item.get("roles") or ["attendee"]),
                "attendance": "present",
                "order": order,
                "evidence": item.get("evidence") or "",
            }
        )
    for label in proposal.get("collective_attendees", []):
        rows.append(
            {
                "collective_label": label,
                "roles": ["attendee"],
                "attendance": "present",
                "order": len(rows),
                "evidence": sentence_with(body, label) or "",
            }
        )
    return rows


def _release_data(proposal: dict[str, Any], release: dict[str, Any]) -> dict[str, Any]:
    """The release fields of the review form, as typed or as the proposal offers."""
    return {
        "outlet": release.get("outlet") or "",
        "url": release.get("url") or "",
        "release_title": release.get("release_title") or proposal.get("title") or "",
        "published_date": release.get("published_date"),
        "body": release["body"],
        "release_id": release.get("release_id") or "",
        "published_at": release.get("published_at") or "",
        "snapshot": release.get("snapshot") or "",
    }


def form_data(proposal: dict[str, Any], release: dict[str, Any]) -> dict[str, Any]:
    """Data for ReviewForm from a proposal and the release fields typed so far."""
    resolved = intake.resolve(proposal)
    rows = _participant_rows(proposal, resolved, release["body"])
    venue = None
    if proposal.get("venue_name"):
        venue = proposal["venue_name"]
    place = resolved.city or resolved.region
    notes = [
        w["message"] for w in proposal.get("warnings", []) if w.get("code") in intake.DATE_DOUBTS
    ]
    return {
        "title": (proposal.get("title") or "")[:300],
        "kind": intake.meeting_kind(proposal),
        "theme": proposal.get("theme") or "",
        "region": resolved.region.id if resolved.region else None,
        "start_date": resolved.day,
        "start_time": resolved.start,
        "end_time": resolved.end
        if resolved.end and resolved.start and resolved.end > resolved.start
        else None,
        "time_unknown": resolved.start is None,
        "timezone": resolved.timezone or "",
        "new_venue_name": venue or "",
        "new_venue_address": proposal.get("venue_address") or "",
        # A city only beside a venue name: alone it would be refused on save (no name).
        "new_venue_city": place.id if venue and place else None,
        "election": resolved.election.id if resolved.election else None,
        "visibility": "public",
        "source_note": " ".join(notes),
        "participations": rows or [{}],
    } | _release_data(proposal, release)


def read_source(form: PasteForm) -> archive.Source:
    """The uploaded file, the pasted text, or else the page at the URL.

    :raises ValueError: for an unusable upload or nothing given.
    :raises tracker.press.fetch.FetchRefused: when the URL cannot be fetched.
    """
    upload = form.upload.data
    if upload is not None and getattr(upload, "filename", None):
        raw = upload.read(MAX_BODY + 1)
        if len(raw) > MAX_BODY:
            raise ValueError(_("Berkas terlalu besar (paling besar 1 MB)."))
        try:
            return archive.from_text(raw.decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise ValueError(_("Berkas harus teks UTF-8 (.txt atau .html).")) from exc
    body = form.body.data or ""
    if body.strip():
        return archive.from_text(body)
    url = form.url.data or ""
    if url.strip():
        return archive.take_in(url)
    raise ValueError(_("Tempel teks siaran pers, unggah berkasnya, atau isi alamat webnya."))


def read_body(form: PasteForm) -> str:
    """The release text alone (see read_source)."""
    return read_source(form).body


def clock(value: time | None) -> str:
    """HH:MM for a time, empty for none."""
    return value.strftime("%H:%M") if value else ""
